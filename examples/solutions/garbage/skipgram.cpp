// MISTAKE: writes junk straight into the protocol channel (fd 4, the reply
// pipe; a student "debugging" with ::write on a guessed descriptor) and spams
// stdout, then returns the correct result. The junk line arrives where the
// harness expects the reply.
// Should fail f.naive.* and f.neg.* with "unparsable reply"; the other
// functions pass.
#include "w2v/solution.hpp"

#include <unistd.h>

#include <iostream>
#include <string_view>

namespace w2v::solution {

SkipgramResult skipgram(arma::uword center_idx, const arma::uvec& context_indices,
                        const arma::mat& center_vectors, const arma::mat& outside_vectors,
                        const WordLossFn& word_loss) {
  constexpr std::string_view junk = "not json {{{\n";
  [[maybe_unused]] const ssize_t written = ::write(4, junk.data(), junk.size());
  for (int i = 0; i < 1000; ++i) std::cout << "skipgram spam " << i << " {\"id\": 1}\n";

  SkipgramResult r;
  r.grad_center_vectors.zeros(arma::size(center_vectors));
  r.grad_outside_vectors.zeros(arma::size(outside_vectors));
  const arma::vec center_vec = center_vectors.row(center_idx).t();
  for (const arma::uword w : context_indices) {
    const LossAndGradient j = word_loss(center_vec, w, outside_vectors);
    r.loss += j.loss;
    r.grad_center_vectors.row(center_idx) += j.grad_center_vec.t();
    r.grad_outside_vectors += j.grad_outside_vectors;
  }
  return r;
}

}  // namespace w2v::solution
