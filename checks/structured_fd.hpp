#pragma once
// Structure-aware exhaustive central differences for the reference losses
// (DESIGN.md §3). Perturbing u_w[i] changes only the score s_w = u_wᵀv_c, so
//
//   naive softmax: J(U ± h e_{w,i}) − J(U) = ∓[w=o]·h·v_c[i] + log1p(ŷ_w·expm1(±h·v_c[i]))
//   neg sampling:  only the terms of o and of the n_w draws of w change
//
// and every coordinate of U costs O(1) after O(V·d) set-up; a coordinate of
// v_c changes every score and costs O(V) (naive) or O(K) (negative sampling).
// The stencil is the black-box one of finite_difference.hpp with
// Stencil::central: the same steps h, the value (f(x+h) − f(x−h))/2h, the same
// error estimate (Richardson term from ±2h plus the round-off bound), computed
// from differences J(x ± kh) − J(x) without the cancellation of two large losses. The values agree with numerical_gradient
// on the same loss to the black box's own rounding (≲ ε·|J|/h), and with an
// extended-precision black box to 1e-9 relative (tests/checks/test_structured_fd.cpp).
//
//   w2v::ReferenceLossView loss{w2v::ReferenceLossKind::naive_softmax, v_c, o, U, {}};
//   w2v::GradientComparison c = w2v::structured_exhaustive_check(
//       loss, w2v::LossBlock::outside_vectors, analytic, fd, cmp, 2);
#include <armadillo>

#include <vector>

#include "checks/error_metrics.hpp"
#include "checks/finite_difference.hpp"

namespace w2v {

enum class ReferenceLossKind { naive_softmax, neg_sampling };
enum class LossBlock { center_vec, outside_vectors };

// A reference loss at one point. Non-owning: the referenced values must
// outlive the view (U may be 30M entries; it is never copied).
struct ReferenceLossView {
  ReferenceLossKind kind;
  const arma::vec& center_vec;
  arma::uword outside_idx;
  const arma::mat& outside_vectors;   // (V, d), row w = u_w
  const arma::uvec& negative_indices;  // neg_sampling only; repeats count
};

// Central differences at `coordinates` of the block (linear, column-major;
// all when empty), like numerical_gradient(f, x, {Stencil::central, …}); the
// block is center_vec as a d×1 matrix or outside_vectors (V×d). `evaluations`
// counts the stencil's 4 points per coordinate, as the black box would.
// Throws std::invalid_argument if options.stencil is not central or an index
// is out of range for V, std::out_of_range for a coordinate outside the block,
// std::runtime_error if the loss is not finite.
NumericalGradient structured_central_differences(const ReferenceLossView& loss, LossBlock block,
                                                 const FdOptions& options,
                                                 arma::uvec coordinates = {});

// Every coordinate of the block, compared with `analytic` (the block's shape)
// as compare_gradients would, streamed: no V×d temporaries. Split over
// `threads` (0: one per hardware thread) as contiguous index ranges merged in
// order, so the result does not depend on the thread count.
GradientComparison structured_exhaustive_check(const ReferenceLossView& loss, LossBlock block,
                                               const arma::mat& analytic,
                                               const FdOptions& options,
                                               const ComparisonOptions& comparison,
                                               unsigned threads);

// Skip-gram over one window (DESIGN.md §1 f): J_sg = Σ_j J(v_c, o_j, U) with
// v_c = row c of center_vectors, every term sharing the scores s = U v_c. A
// coordinate of U changes one score in each term (O(m) in all); row c of the
// center vectors changes every score (O(m·V) or O(m·K)); any other row of
// the center vectors does not enter the loss, so its differences are exactly
// 0, as they are in the black box (whose error estimate is then the round-off
// bound alone). Non-owning, like ReferenceLossView.
struct SkipgramLossView {
  ReferenceLossKind kind;
  arma::uword center_idx;
  const arma::mat& center_vectors;   // (V, d), row w = v_w
  const arma::mat& outside_vectors;  // (V, d), row w = u_w
  const arma::uvec& context;         // o_j for each window position; repeats count
  // neg_sampling: negatives_per_context[j] for context word j; ignored for naive.
  const std::vector<arma::uvec>& negatives_per_context;
};
enum class SkipgramBlock { center_vectors, outside_vectors };

// As above, for the skip-gram loss; the block is center_vectors or
// outside_vectors (both V×d). Throws std::invalid_argument for mismatched
// shapes, an index out of range or a missing negatives list.
NumericalGradient structured_central_differences(const SkipgramLossView& loss,
                                                 SkipgramBlock block, const FdOptions& options,
                                                 arma::uvec coordinates = {});
GradientComparison structured_exhaustive_check(const SkipgramLossView& loss, SkipgramBlock block,
                                               const arma::mat& analytic,
                                               const FdOptions& options,
                                               const ComparisonOptions& comparison,
                                               unsigned threads);

}  // namespace w2v
