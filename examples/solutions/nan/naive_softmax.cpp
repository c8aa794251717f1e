// MISTAKE: the first entry of ∂J/∂v_c is "normalised" by a quantity that is
// always zero, giving 0/0 = NaN (sent as the string "NaN" on the protocol).
// Should fail b.naive.dv_c and f.naive.dv_c, naming the NaN entry.
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
  delta(outside_idx) -= 1.0;  // ŷ − y, whose entries sum to 0

  LossAndGradient r;
  r.loss = shift + std::log(sum) - scores(outside_idx);
  r.grad_center_vec = outside_vectors.t() * delta;
  const double zero = sum - sum;
  r.grad_center_vec(0) = (r.grad_center_vec(0) - r.grad_center_vec(0)) / zero;
  r.grad_outside_vectors = delta * center_vec.t();
  return r;
}

}  // namespace w2v::solution
