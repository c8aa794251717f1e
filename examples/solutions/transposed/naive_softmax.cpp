// MISTAKE: ∂J/∂U is returned in the handout's layout, v_c(ŷ − y)ᵀ of shape
// (d, V), instead of the code's (V, d) with row w = ∂J/∂u_w.
// Should fail every naive-softmax check (b.naive.dv_c, c.naive.*, f.naive.*)
// with a "transposed layout" shape message: the harness rejects a reply with a
// wrongly shaped output as a whole, so even b.naive.dv_c, whose ∂J/∂v_c is
// right, fails.
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
  r.grad_outside_vectors = center_vec * delta.t();
  return r;
}

}  // namespace w2v::solution
