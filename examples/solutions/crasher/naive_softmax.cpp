// MISTAKE: writes through a null pointer, so the process dies of SIGSEGV.
// (Pointer and store are volatile: the compiler can neither prove the pointer
// null and emit a trap instead, which would be SIGILL, nor drop the store.)
// Should fail b.naive.*, c.naive.* and f.naive.* with "SIGSEGV"; the harness
// restarts the solution and grades everything else normally.
#include "w2v/solution.hpp"

namespace w2v::solution {

LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors) {
  volatile double* volatile scratch = nullptr;
  *scratch = arma::dot(outside_vectors.row(outside_idx), center_vec);
  return {};
}

}  // namespace w2v::solution
