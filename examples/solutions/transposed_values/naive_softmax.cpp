// MISTAKE: ∂J/∂U is built in the handout's layout, v_c(ŷ − y)ᵀ of shape
// (d, V), and then reshaped to the code's (V, d) instead of transposed: the
// shape is right, the values are in the wrong places (arma::reshape reads the
// d×V matrix column by column).
// Should fail c.naive.du_o, c.naive.du_w, c.naive.dU and f.naive.dU with
// "Uᵀ for U"; b.naive.dv_c, f.naive.dv_c and f.naive.dv_w pass.
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
  r.loss = shift + std::log(sum) - scores(outside_idx);
  r.grad_center_vec = outside_vectors.t() * delta;
  const arma::mat handout = center_vec * delta.t();  // (d, V), column w = ∂J/∂u_w
  r.grad_outside_vectors = arma::reshape(handout, outside_vectors.n_rows, outside_vectors.n_cols);
  return r;
}

}  // namespace w2v::solution
