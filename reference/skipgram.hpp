#pragma once
// Skip-gram loss over one window (CS224n A2 written part f), code layout:
// center_vectors and outside_vectors are both V×d, row w = v_w resp. u_w.
//
//   J_sg = Σ_{−m≤j≤m, j≠0} J(v_c, w_{t+j}, U)
//   ∂J_sg/∂U   = Σ_j ∂J(v_c, w_{t+j}, U)/∂U
//   ∂J_sg/∂v_c = Σ_j ∂J(v_c, w_{t+j}, U)/∂v_c,   ∂J_sg/∂v_w = 0 for w ≠ c
//
// Every occurrence of a repeated context word counts. grad_center_vectors is V×d
// with only row c non-zero.
//
//   auto r = w2v::skipgram(c, context, center_vectors, outside_vectors,
//                          w2v::naive_softmax_word_loss());
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "reference/loss_and_gradient.hpp"

namespace w2v {

struct SkipgramResult {
  double loss = 0.0;
  arma::mat grad_center_vectors;  // V×d, only row c non-zero
  arma::mat grad_outside;         // V×d
  std::map<std::string, std::string> unusable;  // as in LossAndGradient
};

// J(v_c, o, U) for one context word. `position` is the index j of that word in
// the context list: negative sampling uses it to pick the negatives the harness
// drew for that word, so that a run is deterministic.
using WordLoss = std::function<LossAndGradient(const arma::vec& center_vec, arma::uword outside_idx,
                                               const arma::mat& outside_vectors,
                                               arma::uword position)>;

WordLoss naive_softmax_word_loss();
// negatives_per_context[j] are the negatives for context word j.
WordLoss neg_sampling_word_loss(std::vector<arma::uvec> negatives_per_context);

// Throws std::invalid_argument naming the shapes if the matrices differ in shape
// or an index is out of range.
SkipgramResult skipgram(arma::uword center_idx, const arma::uvec& context_indices,
                        const arma::mat& center_vectors, const arma::mat& outside_vectors,
                        const WordLoss& loss_fn);

}  // namespace w2v
