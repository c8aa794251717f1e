// Written part e: J = −log σ(u_oᵀv_c) − Σ_k log σ(−u_kᵀv_c);
// ∂J/∂v_c = (σ(u_oᵀv_c) − 1) u_o + Σ_k σ(u_kᵀv_c) u_k,
// ∂J/∂u_o = (σ(u_oᵀv_c) − 1) v_c, ∂J/∂u_k = σ(u_kᵀv_c) v_c for each draw of k.
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

  // Negatives are drawn with replacement: a word drawn n times counts n times,
  // hence += on its row rather than =.
  for (const arma::uword k : negative_indices) {
    const double s_k = arma::dot(outside_vectors.row(k), center_vec);
    r.loss -= log_sigma(-s_k);
    r.grad_center_vec += sigma(s_k) * outside_vectors.row(k).t();
    r.grad_outside_vectors.row(k) += sigma(s_k) * center_vec.t();
  }
  return r;
}

}  // namespace w2v::solution
