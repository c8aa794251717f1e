// checks/error_metrics: the three per-entry metrics on hand cases, and
// compare_gradients' tolerance rule (safety·e + rtol·|n|, exact at the
// boundary), non-finite analytic entries, the worst entry of a non-square
// block, failure counting and the shape check.
#define BOOST_TEST_MODULE checks_error_metrics
#include <boost/test/unit_test.hpp>

#include <armadillo>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "checks/error_metrics.hpp"

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A numerical gradient as the engine would return it, with a uniform error
// estimate e and every entry probed unless `coords` says otherwise.
w2v::NumericalGradient numeric_of(const arma::mat& value, double e, arma::uvec coords = {}) {
  w2v::NumericalGradient n;
  n.value = value;
  n.error_estimate = arma::mat(arma::size(value), arma::fill::value(e));
  n.step = arma::mat(arma::size(value), arma::fill::value(0x1p-17));
  n.coordinates = coords.is_empty() ? arma::regspace<arma::uvec>(0, value.n_elem - 1) : coords;
  return n;
}

arma::mat one(double v) { return arma::mat(1, 1, arma::fill::value(v)); }

w2v::ComparisonOptions opts(double safety, double rtol, std::size_t keep = 10) {
  w2v::ComparisonOptions o;
  o.safety = safety;
  o.rtol = rtol;
  o.keep_failures = keep;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(absolute_error_hand_cases) {
  BOOST_TEST(w2v::absolute_error(0.0, 0.0) == 0.0);
  BOOST_TEST(w2v::absolute_error(3.0, 1.0) == 2.0);
  BOOST_TEST(w2v::absolute_error(1.0, 3.0) == 2.0);
  BOOST_TEST(w2v::absolute_error(-1.0, 1.0) == 2.0);
  BOOST_TEST(w2v::absolute_error(-2.5, -0.5) == 2.0);
  BOOST_TEST(w2v::absolute_error(1e300, -1e300) == 2e300);
  BOOST_TEST(w2v::absolute_error(-0.0, 0.0) == 0.0);
  BOOST_TEST(std::isnan(w2v::absolute_error(kNaN, 1.0)));
}

BOOST_AUTO_TEST_CASE(relative_error_hand_cases) {
  BOOST_TEST(w2v::relative_error(0.0, 0.0) == 0.0);  // both zero: no error, not NaN
  BOOST_TEST(w2v::relative_error(-0.0, 0.0) == 0.0);
  BOOST_TEST(w2v::relative_error(1.0, 0.0) == 1.0);
  BOOST_TEST(w2v::relative_error(0.0, -4.0) == 1.0);
  BOOST_TEST(w2v::relative_error(2.0, 1.0) == 0.5);
  BOOST_TEST(w2v::relative_error(1.0, 2.0) == 0.5);
  BOOST_TEST(w2v::relative_error(-1.0, 1.0) == 2.0);  // opposite signs: the max is 2
  BOOST_TEST(w2v::relative_error(-3.0, -1.0) == 2.0 / 3.0);
  BOOST_TEST(w2v::relative_error(0.25, 0.125) == 0.5);  // below 1: still relative
  BOOST_TEST(w2v::relative_error(1e300, -1e300) == 2.0);
  BOOST_TEST(w2v::relative_error(4e200, 3e200) == 0.25, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(w2v::relative_error(1e-300, 2e-300) == 0.5, boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(cs224n_reldiff_hand_cases) {
  BOOST_TEST(w2v::cs224n_reldiff(0.0, 0.0) == 0.0);
  BOOST_TEST(w2v::cs224n_reldiff(0.5, 0.25) == 0.25);  // denominator floored at 1
  BOOST_TEST(w2v::cs224n_reldiff(-0.5, 0.5) == 1.0);
  BOOST_TEST(w2v::cs224n_reldiff(1e-300, 0.0) == 1e-300);
  BOOST_TEST(w2v::cs224n_reldiff(4.0, 2.0) == 0.5);
  BOOST_TEST(w2v::cs224n_reldiff(2.0, 4.0) == 0.5);
  BOOST_TEST(w2v::cs224n_reldiff(-3.0, 3.0) == 2.0);
  BOOST_TEST(w2v::cs224n_reldiff(-8.0, -6.0) == 0.25);
  BOOST_TEST(w2v::cs224n_reldiff(1e300, -1e300) == 2.0);
  BOOST_TEST(w2v::cs224n_reldiff(4e200, 3e200) == 0.25, boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(comparison)

BOOST_AUTO_TEST_CASE(tolerance_is_safety_e_plus_rtol_abs_n) {
  const arma::mat n = {{2.0, -3.0, 0.0}, {-0.5, 7.0, 1e-3}};
  const arma::mat g = n + 1e-9;
  for (const double safety : {10.0, 1.0, 3.5}) {
    for (const double rtol : {0.0, 1e-3, 0.25}) {
      BOOST_TEST_CONTEXT("safety " << safety << " rtol " << rtol) {
        const double e = 1.5e-7;
        const w2v::GradientComparison c = w2v::compare_gradients(g, numeric_of(n, e), opts(safety, rtol, 100));
        BOOST_TEST(c.checked == n.n_elem);
        BOOST_TEST(c.max_error_floor == e);
        BOOST_TEST(c.passed());
        // Failing entries are kept with their tolerance: push every entry 1e3
        // off to read each tolerance back.
        const w2v::GradientComparison all =
            w2v::compare_gradients(n + 1e3, numeric_of(n, e), opts(safety, rtol, 100));
        BOOST_TEST_REQUIRE(all.failures.size() == n.n_elem);
        for (const w2v::EntryError& f : all.failures) {
          BOOST_TEST(f.tolerance == safety * e + rtol * std::abs(n[f.index]),
                     "entry " << f.index << " numeric " << n[f.index]);
          BOOST_TEST(f.numeric == n[f.index]);
          BOOST_TEST(f.analytic == n[f.index] + 1e3);
          BOOST_TEST(f.step == 0x1p-17);
          BOOST_TEST(f.abs_error == w2v::absolute_error(f.analytic, f.numeric));
          BOOST_TEST(f.rel_error == w2v::relative_error(f.analytic, f.numeric));
          BOOST_TEST(f.reldiff == w2v::cs224n_reldiff(f.analytic, f.numeric));
        }
      }
    }
  }
}

// Every quantity here is a dyadic rational, so the boundary is exact:
// tol = 8 · 2^-10 + 2^-8 · |−1| = 2^-7 + 2^-8.
BOOST_AUTO_TEST_CASE(passes_at_boundary_fails_just_over) {
  const double e = 0x1p-10, safety = 8.0, rtol = 0x1p-8;
  const double tol = 0x1p-7 + 0x1p-8;
  for (const double n0 : {-1.0, 1.0}) {
    BOOST_TEST_CONTEXT("numeric " << n0 << " tolerance " << tol) {
      const arma::mat n = one(n0);
      for (const double sign : {1.0, -1.0}) {
        const double at = n0 + sign * tol;
        const w2v::GradientComparison on =
            w2v::compare_gradients(one(at), numeric_of(n, e), opts(safety, rtol));
        BOOST_TEST(on.worst.tolerance == tol);
        BOOST_TEST(on.worst.abs_error == tol);
        BOOST_TEST(on.passed(), "analytic " << at << " exactly at the tolerance must pass");
        BOOST_TEST(on.worst.passed());
        const double over = std::nextafter(at, sign * kInf);
        const w2v::GradientComparison off =
            w2v::compare_gradients(one(over), numeric_of(n, e), opts(safety, rtol));
        BOOST_TEST(!off.passed(), "analytic " << over << " one ulp past the tolerance must fail");
        BOOST_TEST(off.failing == 1u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(tolerance_never_uses_the_analytic_value) {
  // A huge wrong analytic entry must not buy itself a larger tolerance.
  const arma::mat n = one(1.0);
  const w2v::GradientComparison c =
      w2v::compare_gradients(one(1e6), numeric_of(n, 1e-8), opts(10.0, 1e-3));
  BOOST_TEST(c.worst.tolerance == 10.0 * 1e-8 + 1e-3 * 1.0);
  BOOST_TEST(!c.passed());
}

BOOST_AUTO_TEST_CASE(non_finite_analytic_fails) {
  const arma::mat n = {{0.5, -1.0}, {2.0, 0.0}};  // 2×2, worst expected at (0,1)
  for (const double bad : {kNaN, kInf, -kInf}) {
    BOOST_TEST_CONTEXT("analytic (0,1) = " << bad) {
      arma::mat g = n;
      g(0, 1) = bad;
      // Even an enormous tolerance cannot let a non-finite entry through.
      const w2v::GradientComparison c =
          w2v::compare_gradients(g, numeric_of(n, 1e300), opts(10.0, 0.0));
      BOOST_TEST(!c.passed());
      BOOST_TEST(c.failing == 1u);
      BOOST_TEST(c.worst.index == 2u);
      BOOST_TEST(c.worst.row == 0u);
      BOOST_TEST(c.worst.col == 1u);
      BOOST_TEST(!c.worst.passed());
      BOOST_TEST_REQUIRE(c.failures.size() == 1u);
      BOOST_TEST(c.failures[0].index == 2u);
      BOOST_TEST(std::isinf(c.max_abs_error));
    }
  }
  // A NaN entry that comes after larger finite errors is still the worst.
  arma::mat g = n + 1e-3;
  g(1, 1) = kNaN;
  const w2v::GradientComparison c = w2v::compare_gradients(g, numeric_of(n, 1e-6), opts(10.0, 0.0));
  BOOST_TEST(c.failing == 4u);
  BOOST_TEST(c.worst.index == 3u, "worst is " << c.worst.index << " not the NaN entry 3");
}

// Non-square 3×5: the worst entry is the largest abs_error / tolerance, which
// here is not the largest abs_error.
BOOST_AUTO_TEST_CASE(worst_entry_is_largest_ratio_with_row_and_col) {
  arma::mat n(3, 5);
  for (arma::uword i = 0; i < n.n_elem; ++i) n[i] = 0.1 * static_cast<double>(i) - 0.6;
  w2v::NumericalGradient num = numeric_of(n, 1e-5);
  arma::mat g = n;
  g(0, 4) += 5e-5;  // abs 5e-5, e 1e-3 → abs/e = 0.05 (the largest abs_error)
  num.error_estimate(0, 4) = 1e-3;
  g(2, 3) -= 4e-5;  // abs 4e-5, e 1e-5 → abs/e = 4 (the worst)
  g(1, 1) += 2e-5;  // abs 2e-5, e 1e-5 → abs/e = 2
  const w2v::GradientComparison c = w2v::compare_gradients(g, num, opts(10.0, 0.0));
  BOOST_TEST(c.worst.row == 2u);
  BOOST_TEST(c.worst.col == 3u);
  BOOST_TEST(c.worst.index == 2u + 3u * 3u);
  BOOST_TEST(c.worst.analytic == g(2, 3));
  BOOST_TEST(c.worst.numeric == n(2, 3));
  BOOST_TEST(c.max_abs_error == std::abs(g(0, 4) - n(0, 4)));
  BOOST_TEST(c.max_error_floor == 1e-3);
  BOOST_TEST(c.failing == 0u);  // against 10·e the ratios are 0.4, 0.2, 0.005: all pass
  const w2v::GradientComparison strict = w2v::compare_gradients(g, num, opts(1.0, 0.0));
  BOOST_TEST(strict.failing == 2u);  // (2,3) and (1,1)
  BOOST_TEST(strict.worst.index == 11u);
  BOOST_TEST_REQUIRE(strict.failures.size() == 2u);
  BOOST_TEST(strict.failures[0].row == 1u);  // coordinate order: (1,1) = index 4 first
  BOOST_TEST(strict.failures[0].col == 1u);
  BOOST_TEST(strict.failures[1].row == 2u);
  BOOST_TEST(strict.failures[1].col == 3u);
}

BOOST_AUTO_TEST_CASE(failing_count_and_keep_failures) {
  const arma::mat n(4, 3, arma::fill::value(1.0));
  arma::mat g = n;
  const arma::uvec wrong = {1, 3, 6, 8, 11};
  for (const arma::uword i : wrong) g[i] += 1.0;
  for (const std::size_t keep : {std::size_t{0}, std::size_t{3}, std::size_t{5}, std::size_t{10}}) {
    BOOST_TEST_CONTEXT("keep_failures " << keep) {
      const w2v::GradientComparison c =
          w2v::compare_gradients(g, numeric_of(n, 1e-8), opts(10.0, 0.0, keep));
      BOOST_TEST(c.checked == 12u);
      BOOST_TEST(c.failing == wrong.n_elem);  // all are counted ...
      BOOST_TEST(c.failures.size() == std::min(keep, std::size_t{wrong.n_elem}));  // ... some kept
      for (std::size_t k = 0; k < c.failures.size(); ++k)
        BOOST_TEST(c.failures[k].index == wrong[k], "kept failure " << k);
    }
  }
}

BOOST_AUTO_TEST_CASE(only_probed_coordinates_are_compared) {
  const arma::mat n = {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};
  arma::mat g = n;
  g(1, 2) = kNaN;  // index 5, not probed
  g(0, 0) = 99.0;  // index 0, not probed
  const arma::uvec coords = {1, 2, 4};
  w2v::NumericalGradient num = numeric_of(n, 1e-8, coords);
  const w2v::GradientComparison c = w2v::compare_gradients(g, num, opts(10.0, 0.0));
  BOOST_TEST(c.checked == 3u);
  BOOST_TEST(c.passed());
  BOOST_TEST(c.max_abs_error == 0.0);
}

BOOST_AUTO_TEST_CASE(shape_mismatch_names_both_shapes) {
  const arma::mat n(4, 3, arma::fill::value(1.0));
  for (const arma::mat& g : {arma::mat(3, 4, arma::fill::ones), arma::mat(12, 1, arma::fill::ones),
                             arma::mat(4, 2, arma::fill::ones)}) {
    std::string what;
    try {
      (void)w2v::compare_gradients(g, numeric_of(n, 1e-8), w2v::ComparisonOptions{});
    } catch (const std::invalid_argument& e) {
      what = e.what();
    }
    const std::string gs = std::to_string(g.n_rows) + "x" + std::to_string(g.n_cols);
    BOOST_TEST_CONTEXT("analytic " << gs << " vs parameter 4x3, message '" << what << "'") {
      BOOST_TEST(what.find(gs) != std::string::npos);
      BOOST_TEST(what.find("4x3") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(defaults_are_documented_values) {
  const w2v::ComparisonOptions o;
  BOOST_TEST(o.safety == 10.0);
  BOOST_TEST(o.rtol == 0.0);
  BOOST_TEST(o.keep_failures == 10u);
}

BOOST_AUTO_TEST_SUITE_END()
