#include "checks/finite_difference.hpp"

#include <fmt/format.h>

namespace w2v {

std::string_view to_string(Stencil s) {
  switch (s) {
    case Stencil::central: return "central";
    case Stencil::four_point: return "four_point";
    case Stencil::richardson: return "richardson";
  }
  return "unknown";
}

Stencil stencil_from_string(std::string_view name) {
  for (Stencil s : {Stencil::central, Stencil::four_point, Stencil::richardson})
    if (name == to_string(s)) return s;
  throw std::invalid_argument(
      fmt::format("unknown stencil '{}': expected central, four_point or richardson", name));
}

double step_scale(const FdOptions& options) {
  if (options.step_scale > 0.0) return options.step_scale;
  switch (options.stencil) {
    case Stencil::central: return std::cbrt(detail::eps);           // ≈ 6.1e-6
    case Stencil::four_point: return std::pow(detail::eps, 0.2);   // ≈ 7.4e-4
    case Stencil::richardson: return 1.0 / 64;  // Ridders starts coarse and shrinks
  }
  return std::cbrt(detail::eps);
}

double step_for(double x, const FdOptions& options) {
  const double h = step_scale(options) * std::max(1.0, std::abs(x));
  return std::exp2(std::round(std::log2(h)));
}

std::string describe_coordinate(const arma::mat& x, arma::uword linear_index) {
  if (x.n_cols == 1) return fmt::format("index {} of a length-{} vector", linear_index, x.n_rows);
  return fmt::format("entry ({}, {}) of a {}x{} matrix", linear_index % x.n_rows,
                     linear_index / x.n_rows, x.n_rows, x.n_cols);
}

}  // namespace w2v

namespace w2v {

std::string out_of_range_message(const arma::mat& x, arma::uword linear_index) {
  return fmt::format("numerical_gradient: coordinate {} is outside a {}x{} parameter",
                     linear_index, x.n_rows, x.n_cols);
}

std::string non_finite_message(const arma::mat& x, arma::uword linear_index, double value,
                               double offset) {
  return fmt::format("numerical_gradient: loss is {} at {} perturbed by {:+.3g}", value,
                     describe_coordinate(x, linear_index), offset);
}

}  // namespace w2v
