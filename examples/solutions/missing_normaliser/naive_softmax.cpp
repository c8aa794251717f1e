// MISTAKE: the gradients use exp(s) where they need ŷ = exp(s) / Σ_w exp(s_w)
// (the loss is computed correctly, so only the gradients are off).
// Should fail b.naive.dv_c, c.naive.du_o, c.naive.du_w, c.naive.dU,
// f.naive.dU and f.naive.dv_c.
#include "w2v/solution.hpp"

#include <cmath>

namespace w2v::solution {

LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors) {
  const arma::vec scores = outside_vectors * center_vec;
  const double shift = scores.max();
  const double sum = arma::accu(arma::exp(scores - shift));

  arma::vec delta = arma::exp(scores);  // should be divided by Σ exp(s)
  delta(outside_idx) -= 1.0;

  LossAndGradient r;
  r.loss = shift + std::log(sum) - scores(outside_idx);
  r.grad_center_vec = outside_vectors.t() * delta;
  r.grad_outside_vectors = delta * center_vec.t();
  return r;
}

}  // namespace w2v::solution
