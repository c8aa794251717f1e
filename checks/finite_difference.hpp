#pragma once
// Numerical derivatives of a scalar function, one coordinate (or direction) at a
// time, each with an error estimate so a comparison can tell round-off from a
// wrong formula.
//
//   central    D(h) = (f(x+h) − f(x−h)) / 2h                 truncation O(h²)
//   four_point P(h) = (4 D(h) − D(2h)) / 3                   truncation O(h⁴)
//   richardson Ridders' tableau over h₀, h₀/2, h₀/4 …        error from the tableau
//
// Error estimate e = truncation estimate + round-off bound, where the truncation
// estimate is Richardson's: D(h) − f' ≈ (D(h) − D(2h))/3 for central and
// (P(h) − P(2h))/15 for four_point, and the round-off bound is
// κ·ε·max(1, |f|)/h (κ = `roundoff_ulps`, the evaluation's assumed error in ulps).
// Step: h = 2^round(log₂(s·max(1, |x|))), s = `step_scale` (default ε^{1/3} for
// central, ε^{1/5} for four_point: the steps that balance truncation and
// round-off). A power of two keeps x ± kh exact except at a binade edge.
//
//   arma::mat x = ...;
//   w2v::NumericalGradient g = w2v::numerical_gradient(loss, x, w2v::FdOptions{});
#include <armadillo>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace w2v {

enum class Stencil { central, four_point, richardson };

std::string_view to_string(Stencil s);
// Throws std::invalid_argument listing the valid names.
Stencil stencil_from_string(std::string_view name);

struct FdOptions {
  Stencil stencil = Stencil::central;
  // Relative step s (h ≈ s·max(1,|x|)); 0 picks the stencil's default.
  double step_scale = 0.0;
  // Assumed error of one loss evaluation, in ulps of max(1,|f|): a log-sum-exp
  // over V terms plus a dot product of length d is accurate to a few ulps in
  // practice; 16 leaves room without hiding a real error (see error_metrics.hpp).
  double roundoff_ulps = 16.0;
  // Ridders' tableau size and its first step (relative) for Stencil::richardson.
  int richardson_levels = 8;
};

// The step scale actually used: options.step_scale or the stencil's default.
double step_scale(const FdOptions& options);
// The power-of-two step for a coordinate of value x.
double step_for(double x, const FdOptions& options);

struct Derivative {
  double value = 0.0;
  double error_estimate = 0.0;  // truncation estimate + round-off bound
  double step = 0.0;            // h (for richardson: the step of the chosen entry)
  int evaluations = 0;
};

// phi(t) = f(x + t·e) along one coordinate or direction e.
template <class Phi>
Derivative central_difference(Phi&& phi, double h, double roundoff_ulps);
template <class Phi>
Derivative four_point_difference(Phi&& phi, double h, double roundoff_ulps);
template <class Phi>
Derivative richardson_extrapolation(Phi&& phi, double h0, int levels, double roundoff_ulps);
template <class Phi>
Derivative derivative(Phi&& phi, double h, const FdOptions& options);

struct NumericalGradient {
  arma::mat value;           // same shape as x; only `coordinates` are filled
  arma::mat error_estimate;  // per entry, as in Derivative
  arma::mat step;            // per entry
  arma::uvec coordinates;    // linear (column-major) indices that were probed
  long evaluations = 0;
};

// Probes every index in `coordinates` (all of x when empty). Perturbs x in place
// and restores each entry bit for bit before the next probe, so f may hold
// references into x. f must return a finite double; a non-finite value throws
// std::runtime_error naming the coordinate and the step.
template <class F>
NumericalGradient numerical_gradient(F&& f, arma::mat& x, const FdOptions& options,
                                     arma::uvec coordinates = {});

// ---------------------------------------------------------------------------

namespace detail {
constexpr double eps = std::numeric_limits<double>::epsilon();
inline double roundoff_bound(double f_scale, double h, double ulps) {
  return ulps * eps * std::max(1.0, f_scale) / h;
}
}  // namespace detail

template <class Phi>
Derivative central_difference(Phi&& phi, double h, double roundoff_ulps) {
  const double fp1 = phi(h), fm1 = phi(-h), fp2 = phi(2 * h), fm2 = phi(-2 * h);
  const double d1 = (fp1 - fm1) / (2 * h);
  const double d2 = (fp2 - fm2) / (4 * h);
  const double scale = std::max({std::abs(fp1), std::abs(fm1), std::abs(fp2), std::abs(fm2)});
  return {d1, std::abs(d1 - d2) / 3 + detail::roundoff_bound(scale, h, roundoff_ulps), h, 4};
}

template <class Phi>
Derivative four_point_difference(Phi&& phi, double h, double roundoff_ulps) {
  double f[3][2];  // f[k][0] = phi(2^k h), f[k][1] = phi(−2^k h)
  double scale = 0.0;
  for (int k = 0; k < 3; ++k) {
    f[k][0] = phi(std::ldexp(h, k));
    f[k][1] = phi(-std::ldexp(h, k));
    scale = std::max({scale, std::abs(f[k][0]), std::abs(f[k][1])});
  }
  auto d = [&](int k) { return (f[k][0] - f[k][1]) / (2 * std::ldexp(h, k)); };
  const double p1 = (4 * d(0) - d(1)) / 3, p2 = (4 * d(1) - d(2)) / 3;
  // P(h) weights the four values by 8/12 and 1/12 each: round-off ≤ 1.5 κεS/h.
  return {p1, std::abs(p1 - p2) / 15 + 1.5 * detail::roundoff_bound(scale, h, roundoff_ulps), h,
          6};
}

template <class Phi>
Derivative richardson_extrapolation(Phi&& phi, double h0, int levels, double roundoff_ulps) {
  // Ridders' method with step ratio 2 (all steps stay powers of two).
  levels = std::max(levels, 2);
  std::vector<std::vector<double>> a(levels, std::vector<double>(levels, 0.0));
  double h = h0, scale = 0.0;
  Derivative best{0.0, std::numeric_limits<double>::infinity(), h0, 0};
  for (int i = 0; i < levels; ++i, h /= 2) {
    const double fp = phi(h), fm = phi(-h);
    best.evaluations += 2;
    scale = std::max({scale, std::abs(fp), std::abs(fm)});
    a[0][i] = (fp - fm) / (2 * h);
    double fac = 4.0;
    for (int j = 1; j <= i; ++j, fac *= 4.0) {
      a[j][i] = (a[j - 1][i] * fac - a[j - 1][i - 1]) / (fac - 1);
      const double err =
          std::max(std::abs(a[j][i] - a[j - 1][i]), std::abs(a[j][i] - a[j - 1][i - 1]));
      if (err <= best.error_estimate) best = {a[j][i], err, h, best.evaluations};
    }
    // Higher orders have started to lose to round-off: stop.
    if (i > 0 && std::abs(a[i][i] - a[i - 1][i - 1]) >= 2 * best.error_estimate) break;
  }
  best.error_estimate += detail::roundoff_bound(scale, best.step, roundoff_ulps);
  return best;
}

template <class Phi>
Derivative derivative(Phi&& phi, double h, const FdOptions& options) {
  switch (options.stencil) {
    case Stencil::central: return central_difference(phi, h, options.roundoff_ulps);
    case Stencil::four_point: return four_point_difference(phi, h, options.roundoff_ulps);
    case Stencil::richardson:
      return richardson_extrapolation(phi, h, options.richardson_levels, options.roundoff_ulps);
  }
  throw std::logic_error("derivative: unknown stencil");
}

std::string describe_coordinate(const arma::mat& x, arma::uword linear_index);
std::string out_of_range_message(const arma::mat& x, arma::uword linear_index);
std::string non_finite_message(const arma::mat& x, arma::uword linear_index, double value,
                               double offset);

template <class F>
NumericalGradient numerical_gradient(F&& f, arma::mat& x, const FdOptions& options,
                                     arma::uvec coordinates) {
  if (coordinates.is_empty()) coordinates = arma::regspace<arma::uvec>(0, x.n_elem - 1);
  NumericalGradient g;
  g.value.zeros(arma::size(x));
  g.error_estimate.zeros(arma::size(x));
  g.step.zeros(arma::size(x));
  for (const arma::uword i : coordinates) {
    if (i >= x.n_elem)
      throw std::out_of_range(out_of_range_message(x, i));
    const double x0 = x[i];
    const double h = step_for(x0, options);
    auto phi = [&](double t) {
      x[i] = x0 + t;
      double v;
      try {
        v = f(x);
      } catch (...) {
        x[i] = x0;  // the caller's point survives a throwing loss unchanged
        throw;
      }
      x[i] = x0;
      if (!std::isfinite(v))
        throw std::runtime_error(non_finite_message(x, i, v, t));
      return v;
    };
    const Derivative d = derivative(phi, h, options);
    g.value[i] = d.value;
    g.error_estimate[i] = d.error_estimate;
    g.step[i] = d.step;
    g.evaluations += d.evaluations;
  }
  g.coordinates = std::move(coordinates);
  return g;
}

}  // namespace w2v
