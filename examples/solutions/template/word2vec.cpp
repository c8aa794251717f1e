// Your C++ solution of CS224n Assignment 2 (word2vec). Replace each
// `throw w2v::not_implemented(...)` with your code; whatever still throws is
// graded "not implemented" and everything else is graded normally.
//
// Layout (as in the course's Python starter code): outside_vectors and
// center_vectors are (V, d) matrices whose row w is the vector of word w,
// i.e. outside_vectors.row(w) = u_wᵀ — the handout's U transposed. Vectors
// (center_vec, gradients of one word) are arma::vec of length d.
#include "w2v/solution.hpp"

namespace w2v::solution {

// TODO σ(x) = 1 / (1 + e^(−x)), elementwise.
// Keep it finite for large |x|: e^(−x) overflows for x < −709.
arma::vec sigmoid([[maybe_unused]] const arma::vec& x) {
  throw w2v::not_implemented("sigmoid");
}

// TODO (written part d) σ'(x) = σ(x)(1 − σ(x)), elementwise.
arma::vec sigmoid_grad([[maybe_unused]] const arma::vec& x) {
  throw w2v::not_implemented("sigmoid_grad");
}

// TODO (written parts a–c) with scores s = U v_c (outside_vectors * center_vec),
// ŷ = softmax(s) and y one-hot at o = outside_idx:
//   loss                 = −log ŷ_o
//   grad_center_vec      = ∂J/∂v_c = U(ŷ − y)                 length d
//   grad_outside_vectors = ∂J/∂U   = (ŷ − y) v_cᵀ in code layout, (V, d)
// Subtract max(s) before exp, or large scores overflow.
LossAndGradient naive_softmax_loss_and_gradient([[maybe_unused]] const arma::vec& center_vec,
                                                [[maybe_unused]] arma::uword outside_idx,
                                                [[maybe_unused]] const arma::mat& outside_vectors) {
  throw w2v::not_implemented("naive_softmax_loss_and_gradient");
}

// TODO (written part e) with the K negatives w_k = negative_indices(k):
//   loss = −log σ(u_oᵀv_c) − Σ_k log σ(−u_kᵀv_c)
//   ∂J/∂v_c = (σ(u_oᵀv_c) − 1) u_o + Σ_k σ(u_kᵀv_c) u_k       length d
//   ∂J/∂u_o = (σ(u_oᵀv_c) − 1) v_c                            row o of (V, d)
//   ∂J/∂u_k = σ(u_kᵀv_c) v_c, once per draw of k              row k of (V, d)
// Negatives may repeat: a word drawn twice contributes twice (+=, not =).
LossAndGradient neg_sampling_loss_and_gradient(
    [[maybe_unused]] const arma::vec& center_vec, [[maybe_unused]] arma::uword outside_idx,
    [[maybe_unused]] const arma::mat& outside_vectors,
    [[maybe_unused]] const arma::uvec& negative_indices) {
  throw w2v::not_implemented("neg_sampling_loss_and_gradient");
}

// TODO (written part f) J_sg = Σ_j J(v_c, w_j, U) over the context words w_j,
// with v_c = center_vectors.row(center_idx)ᵀ and J = word_loss(v_c, w_j, outside_vectors)
// (call it once per context word, in order; words may repeat and each counts):
//   grad_center_vectors  (V, d): row center_idx = Σ_j ∂J/∂v_c, all other rows 0
//   grad_outside_vectors (V, d): Σ_j ∂J/∂U
SkipgramResult skipgram([[maybe_unused]] arma::uword center_idx,
                        [[maybe_unused]] const arma::uvec& context_indices,
                        [[maybe_unused]] const arma::mat& center_vectors,
                        [[maybe_unused]] const arma::mat& outside_vectors,
                        [[maybe_unused]] const WordLossFn& word_loss) {
  throw w2v::not_implemented("skipgram");
}

}  // namespace w2v::solution
