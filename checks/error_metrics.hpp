#pragma once
// Compares an analytic gradient g with a numerical one n, entry by entry:
//
//   abs_error  = |g − n|
//   rel_error  = |g − n| / max(|g|, |n|)            (0 when both are 0)
//   reldiff    = |g − n| / max(1, |g|, |n|)         (CS224n's gradcheck_naive metric)
//   tolerance  = safety · e + rtol · |n|            (e: the numerical error estimate)
//
// An entry fails when abs_error > tolerance or g is not finite. The tolerance is
// built from the finite-difference error estimate only — never from g — so a
// wrong gradient cannot widen its own tolerance.
//
// Aggregates are maxima over the compared entries, except that max_rel_error
// skips passing entries with max(|g|, |n|) ≤ tolerance: such an entry is
// within the numerical noise, and its relative error says nothing (a
// saturated ŷ_w ≈ 1e-30 against a numerical 0 has rel_error 1).
//
//   auto cmp = w2v::compare_gradients(analytic, numeric, w2v::ComparisonOptions{});
//   if (!cmp.passed()) std::cout << cmp.worst.abs_error;
#include <armadillo>

#include <cstddef>
#include <vector>

#include "checks/finite_difference.hpp"

namespace w2v {

double absolute_error(double analytic, double numeric);
double relative_error(double analytic, double numeric);
double cs224n_reldiff(double analytic, double numeric);

struct ComparisonOptions {
  // Multiplies the error estimate. The estimate is a first-order guess of the
  // truncation error plus a round-off bound; 10 absorbs its misjudging by an
  // order of magnitude (the 10,000-case false-alarm test measures the margin).
  double safety = 10.0;
  // Extra relative slack; 0 by default because the error estimate already scales
  // with the function. Raise it to mirror a looser course policy.
  double rtol = 0.0;
  // How many failing entries to keep in full (all are counted).
  std::size_t keep_failures = 10;
};

struct EntryError {
  arma::uword index = 0;  // linear, column-major
  arma::uword row = 0, col = 0;
  double analytic = 0.0, numeric = 0.0;
  double abs_error = 0.0, rel_error = 0.0, reldiff = 0.0;
  double tolerance = 0.0;
  double step = 0.0;
  bool passed() const;
};

struct GradientComparison {
  std::size_t checked = 0;    // entries compared
  std::size_t failing = 0;    // entries over tolerance or non-finite
  EntryError worst;           // largest abs_error / tolerance (when has_worst)
  bool has_worst = false;     // false when no entry was compared one by one (fast mode)
  double max_abs_error = 0.0, max_reldiff = 0.0;
  double max_rel_error = 0.0;  // over entries above the noise (see the top of this file)
  double max_error_floor = 0.0;  // largest e (numerical error estimate)
  std::vector<EntryError> failures;  // first keep_failures failing entries
  bool passed() const { return failing == 0; }
};

// compare_gradients, one entry at a time, for callers that produce entries
// without a numerical-gradient matrix (structured_fd streams 30M of them) or in
// parallel. Entries must arrive in the order their index should rank in: the
// worst entry is the first with the largest abs_error / tolerance and the
// failures are the first keep_failures failing entries, so `merge(other)` is
// exact when `other` saw only entries after all of this one's. Splitting a
// sequence into contiguous runs, accumulating each and merging them in order
// gives the same result() as one accumulator over the whole sequence.
//
//   w2v::ComparisonAccumulator acc(options);
//   acc.add(i, row, col, g[i], n[i], e[i], h[i]);  …  acc.merge(later);  acc.result();
class ComparisonAccumulator {
 public:
  explicit ComparisonAccumulator(const ComparisonOptions& options);
  void add(arma::uword index, arma::uword row, arma::uword col, double analytic, double numeric,
           double error_estimate, double step);
  void merge(const ComparisonAccumulator& other);
  GradientComparison result() const { return out_; }

 private:
  ComparisonOptions options_;
  GradientComparison out_;
  // −1 until an entry with a comparable ratio arrives (0/0 is NaN and never
  // becomes the worst, as in compare_gradients).
  double worst_ratio_ = -1.0;
};

// Throws std::invalid_argument naming both shapes if they differ.
GradientComparison compare_gradients(const arma::mat& analytic, const NumericalGradient& numeric,
                                     const ComparisonOptions& options);

}  // namespace w2v
