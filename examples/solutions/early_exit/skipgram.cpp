// MISTAKE: calls std::exit(3) (a leftover "stop here while debugging"), so
// the process ends without replying.
// Should fail f.naive.* and f.neg.* with "exited with status 3"; the harness
// restarts the solution and grades the other functions normally.
#include "w2v/solution.hpp"

#include <cstdlib>

namespace w2v::solution {

SkipgramResult skipgram(arma::uword, const arma::uvec&, const arma::mat&, const arma::mat&,
                        const WordLossFn&) {
  std::exit(3);
}

}  // namespace w2v::solution
