#include "checks/error_metrics.hpp"

#include <fmt/format.h>

#include <cmath>
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

GradientComparison compare_gradients(const arma::mat& analytic, const NumericalGradient& numeric,
                                     const ComparisonOptions& options) {
  if (analytic.n_rows != numeric.value.n_rows || analytic.n_cols != numeric.value.n_cols)
    throw std::invalid_argument(
        fmt::format("compare_gradients: analytic gradient is {}x{} but the parameter is {}x{}",
                    analytic.n_rows, analytic.n_cols, numeric.value.n_rows, numeric.value.n_cols));

  GradientComparison out;
  double worst_ratio = -1.0;
  for (const arma::uword i : numeric.coordinates) {
    EntryError e;
    e.index = i;
    e.row = i % analytic.n_rows;
    e.col = i / analytic.n_rows;
    e.analytic = analytic[i];
    e.numeric = numeric.value[i];
    e.step = numeric.step[i];
    e.abs_error = absolute_error(e.analytic, e.numeric);
    e.rel_error = relative_error(e.analytic, e.numeric);
    e.reldiff = cs224n_reldiff(e.analytic, e.numeric);
    e.tolerance = options.safety * numeric.error_estimate[i] + options.rtol * std::abs(e.numeric);

    ++out.checked;
    out.max_error_floor = std::max(out.max_error_floor, numeric.error_estimate[i]);
    // NaN never compares greater, so track non-finite entries explicitly.
    const double ratio = std::isfinite(e.abs_error) ? e.abs_error / e.tolerance
                                                    : std::numeric_limits<double>::infinity();
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      out.worst = e;
    }
    if (std::isfinite(e.abs_error)) {
      out.max_abs_error = std::max(out.max_abs_error, e.abs_error);
      out.max_rel_error = std::max(out.max_rel_error, e.rel_error);
      out.max_reldiff = std::max(out.max_reldiff, e.reldiff);
    } else {
      out.max_abs_error = out.max_rel_error = out.max_reldiff =
          std::numeric_limits<double>::infinity();
    }
    if (!e.passed()) {
      ++out.failing;
      if (out.failures.size() < options.keep_failures) out.failures.push_back(e);
    }
  }
  return out;
}

}  // namespace w2v
