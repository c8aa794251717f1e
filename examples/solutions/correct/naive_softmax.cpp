// Written parts a–c: J = −log ŷ_o with ŷ = softmax(U v_c);
// ∂J/∂v_c = U(ŷ − y), ∂J/∂U = v_c(ŷ − y)ᵀ. In code, U is outside_vectors (V, d)
// with row w = u_wᵀ, so the products below are the handout's transposed.
#include "w2v/solution.hpp"

#include <cmath>

namespace w2v::solution {

LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors) {
  const arma::vec scores = outside_vectors * center_vec;  // s_w = u_wᵀ v_c
  // Softmax is unchanged by a shift; shifting by the largest score keeps exp
  // from overflowing, and log Σ e^s = shift + log Σ e^(s − shift).
  const double shift = scores.max();
  const arma::vec e = arma::exp(scores - shift);
  const double sum = arma::accu(e);

  arma::vec delta = e / sum;  // ŷ
  delta(outside_idx) -= 1.0;  // ŷ − y

  LossAndGradient r;
  r.loss = shift + std::log(sum) - scores(outside_idx);
  r.grad_center_vec = outside_vectors.t() * delta;
  r.grad_outside_vectors = delta * center_vec.t();
  return r;
}

}  // namespace w2v::solution
