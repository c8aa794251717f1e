// MISTAKE: allocates 16 GiB (say, a V×V matrix where a V×d one
// was meant). Under the harness's address-space limit `new` throws
// std::bad_alloc, which the protocol reports as an exception.
// Should fail e.neg.* and f.neg.* with "std::bad_alloc".
#include "w2v/solution.hpp"

#include <sys/resource.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace w2v::solution {

LossAndGradient neg_sampling_loss_and_gradient(const arma::vec&, arma::uword, const arma::mat&,
                                               const arma::uvec&) {
  constexpr std::size_t kChunk = std::size_t{1} << 30;
  constexpr std::size_t kChunks = 16;
  // Without a limit, touching 16 GiB drives a machine into swap or the OOM
  // killer instead of failing. Run by hand (no harness, no limit), refuse.
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur > kChunks / 2 * kChunk)
    throw std::runtime_error("memory_hog example: no address-space limit below 8 GiB is set; "
                             "refusing to touch 16 GiB");
  std::vector<std::unique_ptr<char[]>> chunks;
  for (std::size_t i = 0; i < kChunks; ++i) {
    chunks.emplace_back(new char[kChunk]);
    // A volatile store per MiB keeps the compiler from eliding the
    // allocation; the address-space limit counts reserved memory, so the
    // pages need not all become resident for `new` to fail.
    volatile char* bytes = chunks.back().get();
    for (std::size_t b = 0; b < kChunk; b += std::size_t{1} << 20) bytes[b] = 1;
  }
  throw std::logic_error("memory_hog example: 16 GiB were allocated; the limit did not hold");
}

}  // namespace w2v::solution
