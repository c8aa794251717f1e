// MISTAKE: never returns: a busy loop (on a volatile counter, so it is a
// well-defined infinite loop the compiler must keep).
// Should fail e.neg.* and f.neg.* with a timeout; one timeout in all, since
// the harness does not call a function again after it hung.
#include "w2v/solution.hpp"

namespace w2v::solution {

LossAndGradient neg_sampling_loss_and_gradient(const arma::vec&, arma::uword, const arma::mat&,
                                               const arma::uvec&) {
  volatile unsigned long spins = 0;
  for (;;) spins = spins + 1;
}

}  // namespace w2v::solution
