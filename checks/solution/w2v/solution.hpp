#pragma once
// The functions a C++ solution of CS224n Assignment 2 implements, mirroring the
// course's Python starter code (snake_case, same argument order). Build a
// solution with one CMake line,
//
//   w2v_add_solution(my_solution word2vec.cpp)
//
// which links it with a main that serves the grading protocol
// (docs/protocol.md), then grade it:
//
//   w2v-gradcheck grade --solution ./my_solution
//
// Layout: word-vector matrices are (V, d) with row w = the vector of word w
// (outside_vectors.row(w) = u_wᵀ, the handout's U transposed).
// A function you have not written yet can `throw w2v::not_implemented(...)`, or
// be left out altogether (the protocol main supplies a default): its checks
// then fail with "not implemented" and everything else is graded. Leaving out
// the optional sigmoid_grad skips its check instead.
#include <armadillo>

#include <functional>
#include <stdexcept>
#include <string>

namespace w2v {

struct not_implemented : std::logic_error {
  explicit not_implemented(const std::string& function)
      : std::logic_error(function + " is not implemented") {}
};

namespace solution {

struct LossAndGradient {
  double loss = 0.0;
  arma::vec grad_center_vec;       // ∂J/∂v_c, length d
  arma::mat grad_outside_vectors;  // ∂J/∂U in (V, d) layout, row w = ∂J/∂u_w
};

struct SkipgramResult {
  double loss = 0.0;
  arma::mat grad_center_vectors;   // (V, d), only row center_idx non-zero
  arma::mat grad_outside_vectors;  // (V, d)
};

// σ(x) = 1/(1 + e^(−x)), elementwise.
arma::vec sigmoid(const arma::vec& x);

// σ'(x), elementwise (written part d).
arma::vec sigmoid_grad(const arma::vec& x);

// J = −log softmax(U v_c)_o with U = outside_vectors (V, d).
LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors);

// J = −log σ(u_oᵀv_c) − Σ_k log σ(−u_kᵀv_c) over the given negatives (drawn
// with replacement: they may repeat, and each occurrence counts).
LossAndGradient neg_sampling_loss_and_gradient(const arma::vec& center_vec,
                                               arma::uword outside_idx,
                                               const arma::mat& outside_vectors,
                                               const arma::uvec& negative_indices);

// The per-word loss skip-gram sums over the window, like the course's
// `word2vecLossAndGradient` argument: call it once per context word, in order.
// (For negative sampling the harness has bound each call's negatives.)
using WordLossFn = std::function<LossAndGradient(
    const arma::vec& center_vec, arma::uword outside_idx, const arma::mat& outside_vectors)>;

// J_sg = Σ_j J(v_c, w_j, U) over the context words w_j.
SkipgramResult skipgram(arma::uword center_idx, const arma::uvec& context_indices,
                        const arma::mat& center_vectors, const arma::mat& outside_vectors,
                        const WordLossFn& word_loss);

}  // namespace solution
}  // namespace w2v
