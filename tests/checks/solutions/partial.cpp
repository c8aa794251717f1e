// A C++ solution that defines only sigmoid and naive_softmax_loss_and_gradient:
// it must still build (the protocol main supplies weak defaults), announce just
// those two, and answer not_implemented for the rest. Its sigmoid also reports
// whether a program it starts inherited the channel (fd 3 or 4).
#include <cmath>
#include <cstdlib>

#include "w2v/solution.hpp"

namespace w2v::solution {

arma::vec sigmoid(const arma::vec& x) {
  // A shell started by system() sees fds 3 and 4 only if they lack FD_CLOEXEC.
  (void)!std::system(
      "if [ -e /proc/$$/fd/3 ] || [ -e /proc/$$/fd/4 ]; then echo 'partial: channel inherited' >&2;"
      " else echo 'partial: channel closed in children' >&2; fi");
  return 1.0 / (1.0 + arma::exp(-x));
}

LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors) {
  const arma::vec scores = outside_vectors * center_vec;
  const double shift = scores.max();
  const arma::vec e = arma::exp(scores - shift);
  const double sum = arma::accu(e);
  arma::vec delta = e / sum;
  delta(outside_idx) -= 1.0;
  LossAndGradient r;
  r.loss = shift + std::log(sum) - scores(outside_idx);
  r.grad_center_vec = outside_vectors.t() * delta;
  r.grad_outside_vectors = delta * center_vec.t();
  return r;
}

}  // namespace w2v::solution
