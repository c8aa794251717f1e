#pragma once
// Negative-sampling loss and its gradients (CS224n A2 written part e), code layout
// (outside_vectors is V×d, row w = u_w), negatives w_1..w_K passed explicitly:
//
//   J = −log σ(u_oᵀv_c) − Σ_k log σ(−u_{w_k}ᵀv_c)
//   ∂J/∂v_c = (σ(u_oᵀv_c) − 1) u_o + Σ_k σ(u_{w_k}ᵀv_c) u_{w_k}
//   ∂J/∂u_o = (σ(u_oᵀv_c) − 1) v_c
//   ∂J/∂u_s = n_s σ(u_sᵀv_c) v_c   for a negative s drawn n_s times
//
// Every occurrence accumulates: repeated negatives count n_s times, a negative
// equal to c is an ordinary negative, and if a caller passes o among the
// negatives, both the positive and the negative term land in row o.
// Guarantee: no inf/NaN for |u_wᵀv_c| up to 700 (softplus and σ in stable form).
//
//   auto r = w2v::neg_sampling_loss_and_gradient(v_c, o, outside_vectors, negatives);
#include <cstdint>
#include <random>

#include "reference/loss_and_gradient.hpp"

namespace w2v {

LossAndGradient neg_sampling_loss_and_gradient(const arma::vec& center_vec,
                                               arma::uword outside_idx,
                                               const arma::mat& outside_vectors,
                                               const arma::uvec& negative_indices);

// CS224n's getNegativeSamples: K draws with replacement from the distribution
// `weights` (unnormalised, length V; the course uses unigram counts^0.75),
// rejecting outside_idx. Portable: uses only mt19937_64's specified output, so a
// seed gives the same negatives on every platform.
// Throws std::invalid_argument if no word other than outside_idx has weight > 0.
arma::uvec sample_negative_indices(arma::uword outside_idx, arma::uword K,
                                   const arma::vec& weights, std::mt19937_64& rng);

// A uniform double in [0, 1) from the top 53 bits of one draw.
inline double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

}  // namespace w2v
