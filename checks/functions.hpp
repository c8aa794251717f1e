#pragma once
// The functions a check exercises, as one value: the reference, a student's
// solution or a deliberately wrong variant all fill the same struct, and every
// catalog entry reads the function it needs from it. An empty std::function is a
// missing implementation; the runner reports it as a failed check.
//
//   w2v::Word2vecFunctions fns = w2v::reference_functions();
//   fns.naive_softmax = my_naive_softmax;  // check my own
#include <armadillo>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference/loss_and_gradient.hpp"
#include "reference/skipgram.hpp"

namespace w2v {

enum class WordLossKind { naive_softmax, neg_sampling };

struct Word2vecFunctions {
  std::function<arma::vec(const arma::vec&)> sigmoid;
  std::function<arma::vec(const arma::vec&)> sigmoid_grad;
  std::function<arma::vec(const arma::vec&)> relu_grad;
  std::function<arma::vec(const arma::vec&, double alpha)> leaky_relu_grad;
  std::function<LossAndGradient(const arma::vec& center_vec, arma::uword outside_idx,
                                const arma::mat& outside_vectors)>
      naive_softmax;
  std::function<LossAndGradient(const arma::vec& center_vec, arma::uword outside_idx,
                                const arma::mat& outside_vectors,
                                const arma::uvec& negative_indices)>
      neg_sampling;
  // negatives_per_context[j] are the negatives for context word j (ignored for
  // naive softmax).
  std::function<SkipgramResult(arma::uword center_idx, const arma::uvec& context_indices,
                               const arma::mat& center_vectors, const arma::mat& outside_vectors,
                               WordLossKind kind,
                               const std::vector<arma::uvec>& negatives_per_context)>
      skipgram;
  // Diagnostics the implementation has about its calls since it was last asked
  // (a solution process's float32 results, np.random use …); empty in-process.
  std::function<std::vector<std::string>()> take_notes;
};

Word2vecFunctions reference_functions();

// The gradients catalog entries read, each on its own: when the function under
// test could not supply this one (a student's reply with one malformed output,
// listed in `unusable`), a std::runtime_error with its reason, so only the
// checks reading that output fail and the others are graded.
namespace detail {
template <typename Result, typename T>
const T& usable_output(const Result& r, const T& value, const char* member) {
  if (const auto it = r.unusable.find(member); it != r.unusable.end())
    throw std::runtime_error(it->second);
  return value;
}
}  // namespace detail
inline const arma::vec& grad_center_of(const LossAndGradient& r) {
  return detail::usable_output(r, r.grad_center, "grad_center");
}
inline const arma::mat& grad_outside_of(const LossAndGradient& r) {
  return detail::usable_output(r, r.grad_outside, "grad_outside");
}
inline const arma::mat& grad_center_vectors_of(const SkipgramResult& r) {
  return detail::usable_output(r, r.grad_center_vectors, "grad_center_vectors");
}
inline const arma::mat& grad_outside_of(const SkipgramResult& r) {
  return detail::usable_output(r, r.grad_outside, "grad_outside");
}

// Skip-gram built from the bundle's own per-word losses: what a student's
// skipgram does when it calls their naiveSoftmax/negSampling functions.
SkipgramResult skipgram_from(const Word2vecFunctions& fns, arma::uword center_idx,
                             const arma::uvec& context_indices, const arma::mat& center_vectors,
                             const arma::mat& outside_vectors, WordLossKind kind,
                             const std::vector<arma::uvec>& negatives_per_context);

}  // namespace w2v
