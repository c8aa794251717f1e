// MISTAKE: the sign of ∂J/∂v_c is flipped, U(y − ŷ) instead of U(ŷ − y).
// Should fail b.naive.dv_c and f.naive.dv_c; everything else passes.
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
  r.grad_center_vec = outside_vectors.t() * -delta;
  r.grad_outside_vectors = delta * center_vec.t();
  return r;
}

}  // namespace w2v::solution
