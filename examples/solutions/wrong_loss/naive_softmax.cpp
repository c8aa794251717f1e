// MISTAKE: the loss is off by a constant 0.5; the gradients are right.
// Should fail every naive-softmax check (b.naive.dv_c, c.naive.*, f.naive.*)
// on the loss alone, with "wrong loss: loss is …, expected …" and the note
// that the gradient is right; never "single precision".
#include "w2v/solution.hpp"

#include <cmath>

namespace w2v::solution {

LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors) {
  const arma::vec scores = outside_vectors * center_vec;
  const double shift = scores.max();
  const arma::vec e = arma::exp(scores - shift);
  const double sum = arma::accu(e);

  arma::vec delta = e / sum;  // ŷ
  delta(outside_idx) -= 1.0;  // ŷ − y

  LossAndGradient r;
  r.loss = shift + std::log(sum) - scores(outside_idx) + 0.5;
  r.grad_center_vec = outside_vectors.t() * delta;
  r.grad_outside_vectors = delta * center_vec.t();
  return r;
}

}  // namespace w2v::solution
