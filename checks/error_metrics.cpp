#include "checks/error_metrics.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace w2v {

double absolute_error(double analytic, double numeric) { return std::abs(analytic - numeric); }

double relative_error(double analytic, double numeric) {
  const double denom = std::max(std::abs(analytic), std::abs(numeric));
  return denom == 0.0 ? 0.0 : std::abs(analytic - numeric) / denom;
}

double cs224n_reldiff(double analytic, double numeric) {
  return std::abs(analytic - numeric) / std::max({1.0, std::abs(analytic), std::abs(numeric)});
}

bool EntryError::passed() const { return std::isfinite(analytic) && abs_error <= tolerance; }

ComparisonAccumulator::ComparisonAccumulator(const ComparisonOptions& options)
    : options_(options) {}

void ComparisonAccumulator::add(arma::uword index, arma::uword row, arma::uword col,
                                double analytic, double numeric, double error_estimate,
                                double step) {
  const double abs_error = absolute_error(analytic, numeric);
  const double rel_error = relative_error(analytic, numeric);
  const double reldiff = cs224n_reldiff(analytic, numeric);
  const double tolerance = options_.safety * error_estimate + options_.rtol * std::abs(numeric);

  ++out_.checked;
  out_.max_error_floor = std::max(out_.max_error_floor, error_estimate);
  const bool finite = std::isfinite(abs_error);
  // NaN never compares greater, so track non-finite entries explicitly.
  const double ratio = finite ? abs_error / tolerance : std::numeric_limits<double>::infinity();
  const bool passed = std::isfinite(analytic) && abs_error <= tolerance;  // EntryError::passed
  if (finite) {
    out_.max_abs_error = std::max(out_.max_abs_error, abs_error);
    if (!passed || std::max(std::abs(analytic), std::abs(numeric)) > tolerance)
      out_.max_rel_error = std::max(out_.max_rel_error, rel_error);
    out_.max_reldiff = std::max(out_.max_reldiff, reldiff);
  } else {
    out_.max_abs_error = out_.max_rel_error = out_.max_reldiff =
        std::numeric_limits<double>::infinity();
  }
  // The full entry is built only when kept: the structured check adds 30M.
  if (ratio > worst_ratio_ || !passed) {
    const EntryError e{index,     row,       col,     analytic,  numeric,
                       abs_error, rel_error, reldiff, tolerance, step};
    if (ratio > worst_ratio_) {
      worst_ratio_ = ratio;
      out_.worst = e;
      out_.has_worst = true;
    }
    if (!passed) {
      ++out_.failing;
      if (out_.failures.size() < options_.keep_failures) out_.failures.push_back(e);
    }
  }
}

void ComparisonAccumulator::merge(const ComparisonAccumulator& other) {
  const GradientComparison& b = other.out_;
  out_.checked += b.checked;
  out_.failing += b.failing;
  // Strictly greater: on a tie the earlier entry (this side) stays the worst.
  if (other.worst_ratio_ > worst_ratio_) {
    worst_ratio_ = other.worst_ratio_;
    out_.worst = b.worst;
    out_.has_worst = true;
  }
  // The maxima never hold NaN (add skips it), so max is associative here.
  out_.max_abs_error = std::max(out_.max_abs_error, b.max_abs_error);
  out_.max_rel_error = std::max(out_.max_rel_error, b.max_rel_error);
  out_.max_reldiff = std::max(out_.max_reldiff, b.max_reldiff);
  out_.max_error_floor = std::max(out_.max_error_floor, b.max_error_floor);
  for (const EntryError& e : b.failures) {
    if (out_.failures.size() >= options_.keep_failures) break;
    out_.failures.push_back(e);
  }
}

GradientComparison compare_gradients(const arma::mat& analytic, const NumericalGradient& numeric,
                                     const ComparisonOptions& options) {
  if (analytic.n_rows != numeric.value.n_rows || analytic.n_cols != numeric.value.n_cols)
    throw std::invalid_argument(
        fmt::format("compare_gradients: analytic gradient is {}x{} but the parameter is {}x{}",
                    analytic.n_rows, analytic.n_cols, numeric.value.n_rows, numeric.value.n_cols));

  ComparisonAccumulator acc(options);
  for (const arma::uword i : numeric.coordinates)
    acc.add(i, i % analytic.n_rows, i / analytic.n_rows, analytic[i], numeric.value[i],
            numeric.error_estimate[i], numeric.step[i]);
  return acc.result();
}

}  // namespace w2v
