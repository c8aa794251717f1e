// MISTAKE: the row of a negative word is assigned (=) instead of accumulated
// (+=), so a word drawn n times contributes once (the vectorised
// `grad[idx] = ...` bug). The loss and ∂J/∂v_c stay right.
// Should fail e.neg.du_k, e.neg.dU and f.neg.dU on cases with repeated
// negatives; e.neg.dv_c and e.neg.du_o pass.
#include "w2v/solution.hpp"

#include <cmath>

namespace w2v::solution {
namespace {

double sigma(double x) {
  return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}

// log σ(x) = −log(1 + e^(−x)); for x < 0 that e^(−x) overflows, so use
// the equal form x − log(1 + e^x).
double log_sigma(double x) {
  return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x));
}

}  // namespace

LossAndGradient neg_sampling_loss_and_gradient(const arma::vec& center_vec,
                                               arma::uword outside_idx,
                                               const arma::mat& outside_vectors,
                                               const arma::uvec& negative_indices) {
  LossAndGradient r;
  r.grad_center_vec.zeros(center_vec.n_elem);
  r.grad_outside_vectors.zeros(arma::size(outside_vectors));

  const double s_o = arma::dot(outside_vectors.row(outside_idx), center_vec);
  r.loss = -log_sigma(s_o);
  r.grad_center_vec += (sigma(s_o) - 1.0) * outside_vectors.row(outside_idx).t();
  r.grad_outside_vectors.row(outside_idx) += (sigma(s_o) - 1.0) * center_vec.t();

  for (const arma::uword k : negative_indices) {
    const double s_k = arma::dot(outside_vectors.row(k), center_vec);
    r.loss -= log_sigma(-s_k);
    r.grad_center_vec += sigma(s_k) * outside_vectors.row(k).t();
    r.grad_outside_vectors.row(k) = sigma(s_k) * center_vec.t();
  }
  return r;
}

}  // namespace w2v::solution
