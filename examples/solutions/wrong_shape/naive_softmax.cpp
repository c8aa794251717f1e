// MISTAKE: ∂J/∂v_c has length d + 1 (an off-by-one while building it).
// Should fail b.naive.dv_c with a shape message, and f.naive.* because the
// correct skip-gram cannot add a (d + 1)-vector into a row of length d
// (an Armadillo exception).
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
  r.grad_center_vec.zeros(center_vec.n_elem + 1);
  r.grad_center_vec.head(center_vec.n_elem) = outside_vectors.t() * delta;
  r.grad_outside_vectors = delta * center_vec.t();
  return r;
}

}  // namespace w2v::solution
