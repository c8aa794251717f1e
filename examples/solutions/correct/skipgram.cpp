// Written part f: J_sg = Σ_j J(v_c, w_j, U) over the context words w_j, so
// both gradients are sums of the per-word ones; only row c of
// ∂J_sg/∂center_vectors is non-zero.
#include "w2v/solution.hpp"

namespace w2v::solution {

SkipgramResult skipgram(arma::uword center_idx, const arma::uvec& context_indices,
                        const arma::mat& center_vectors, const arma::mat& outside_vectors,
                        const WordLossFn& word_loss) {
  SkipgramResult r;
  r.grad_center_vectors.zeros(arma::size(center_vectors));
  r.grad_outside_vectors.zeros(arma::size(outside_vectors));

  const arma::vec center_vec = center_vectors.row(center_idx).t();
  for (const arma::uword w : context_indices) {
    const LossAndGradient j = word_loss(center_vec, w, outside_vectors);
    r.loss += j.loss;
    r.grad_center_vectors.row(center_idx) += j.grad_center_vec.t();
    r.grad_outside_vectors += j.grad_outside_vectors;
  }
  return r;
}

}  // namespace w2v::solution
