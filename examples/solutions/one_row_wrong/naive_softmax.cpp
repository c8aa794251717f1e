// MISTAKE: ∂J/∂U forgets the −y term: ŷ v_cᵀ instead of (ŷ − y) v_cᵀ, so
// only row o (the outside word's) is wrong.
// Should fail c.naive.du_o, c.naive.dU and f.naive.dU; b.naive.dv_c and
// c.naive.du_w pass.
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

  const arma::vec y_hat = e / sum;
  arma::vec delta = y_hat;
  delta(outside_idx) -= 1.0;  // ŷ − y

  LossAndGradient r;
  r.loss = shift + std::log(sum) - scores(outside_idx);
  r.grad_center_vec = outside_vectors.t() * delta;
  r.grad_outside_vectors = y_hat * center_vec.t();
  return r;
}

}  // namespace w2v::solution
