#pragma once
// Naive-softmax loss and its gradients (CS224n A2 written parts a–c), code layout
// (outside_vectors is V×d, row w = u_w):
//
//   ŷ = softmax(U v_c)                       (scores s_w = u_wᵀ v_c)
//   J = −log ŷ_o = −s_o + log Σ_w exp(s_w)
//   ∂J/∂v_c = Σ_w ŷ_w u_w − u_o = U(ŷ − y)        (b, handout layout)
//   ∂J/∂u_w = (ŷ_w − y_w) v_c;  ∂J/∂U = (ŷ − y) v_cᵀ in code layout   (c)
//
// Guarantee: log-sum-exp with max shift, so no inf/NaN for |s_w| up to 700 and
// beyond; the loss is exact to a few ulps of max(|s_o|, log V).
//
//   auto r = w2v::naive_softmax_loss_and_gradient(v_c, o, outside_vectors);
#include "reference/loss_and_gradient.hpp"

namespace w2v {

// Throws std::invalid_argument naming the shapes if outside_vectors is not V×d
// with d = center_vec.n_elem, or outside_idx ≥ V.
LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors);

// softmax(scores), max-shifted so it never overflows.
arma::vec softmax(const arma::vec& scores);

// log Σ exp(scores), max-shifted.
double log_sum_exp(const arma::vec& scores);

}  // namespace w2v
