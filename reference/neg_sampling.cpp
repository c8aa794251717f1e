#include "reference/neg_sampling.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "reference/sigmoid.hpp"
#include "reference/validate.hpp"

namespace w2v {

LossAndGradient neg_sampling_loss_and_gradient(const arma::vec& center_vec,
                                               arma::uword outside_idx,
                                               const arma::mat& outside_vectors,
                                               const arma::uvec& negative_indices) {
  constexpr const char* fn = "neg_sampling_loss_and_gradient";
  detail::require_word_vectors(fn, center_vec, outside_vectors);
  detail::require_index(fn, "outside_idx", outside_idx, outside_vectors.n_rows);
  for (arma::uword k = 0; k < negative_indices.n_elem; ++k)
    detail::require_index(fn, fmt::format("negative_indices[{}]", k), negative_indices[k],
                          outside_vectors.n_rows);

  LossAndGradient r;
  r.grad_center.zeros(center_vec.n_elem);
  r.grad_outside.zeros(outside_vectors.n_rows, outside_vectors.n_cols);

  const double s_o = arma::dot(outside_vectors.row(outside_idx), center_vec);
  // −log σ(s) = softplus(−s) and σ(s) − 1 = −σ(−s): both free of cancellation.
  r.loss = softplus(-s_o);
  const double coef_o = -sigmoid(-s_o);
  r.grad_center += coef_o * outside_vectors.row(outside_idx).t();
  r.grad_outside.row(outside_idx) += coef_o * center_vec.t();

  for (const arma::uword w : negative_indices) {
    const double s = arma::dot(outside_vectors.row(w), center_vec);
    r.loss += softplus(s);
    const double coef = sigmoid(s);
    r.grad_center += coef * outside_vectors.row(w).t();
    r.grad_outside.row(w) += coef * center_vec.t();
  }
  return r;
}

arma::uvec sample_negative_indices(arma::uword outside_idx, arma::uword K,
                                   const arma::vec& weights, std::mt19937_64& rng) {
  const double total = arma::accu(weights);
  if (weights.n_elem == 0 || !(total > 0.0) || weights.min() < 0.0 ||
      (outside_idx < weights.n_elem && !(total - weights[outside_idx] > 0.0)))
    throw std::invalid_argument(fmt::format(
        "sample_negative_indices: no word other than outside_idx={} can be drawn "
        "(V={}, total weight {})",
        outside_idx, weights.n_elem, total));

  const arma::vec cdf = arma::cumsum(weights) / total;
  arma::uvec out(K);
  for (arma::uword k = 0; k < K; ++k) {
    arma::uword w = outside_idx;
    while (w == outside_idx) {  // CS224n rejects o and draws again
      const double u = uniform01(rng);
      w = static_cast<arma::uword>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
      w = std::min<arma::uword>(w, weights.n_elem - 1);  // guards u ≥ cdf.back() by rounding
    }
    out[k] = w;
  }
  return out;
}

}  // namespace w2v
