// reference/sigmoid.hpp: σ, σ' and softplus against independent forms, exact
// values, symmetry identities, and the tails (no inf/NaN up to the double range,
// correct limits).
#define BOOST_TEST_MODULE reference_sigmoid
#include <boost/test/unit_test.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <random>

#include "fixtures.hpp"
#include "reference/sigmoid.hpp"

using reftest::kTol;

namespace {

constexpr double kUlp = DBL_EPSILON;

// x = ±10^t, t uniform in [−3, log10(hi)]: covers small, moderate and tail values.
double draw_log_magnitude(std::mt19937_64& rng, double hi) {
  const double t = reftest::draw(rng, -3.0, std::log10(hi));
  return (rng() & 1u ? 1.0 : -1.0) * std::pow(10.0, t);
}

}  // namespace

BOOST_AUTO_TEST_CASE(exact_values) {
  BOOST_TEST(w2v::sigmoid(0.0) == 0.5);
  BOOST_TEST(w2v::sigmoid(-0.0) == 0.5);
  BOOST_TEST(w2v::sigmoid_grad(0.0) == 0.25);
  reftest::check_relative(w2v::softplus(0.0), std::log(2.0), 2 * kUlp, "softplus(0) = log 2");
  // σ(ln 3) = 3/4, σ(−ln 3) = 1/4, σ'(ln 3) = 3/16, softplus(ln 3) = log 4.
  const double ln3 = std::log(3.0);
  reftest::check_relative(w2v::sigmoid(ln3), 0.75, 4 * kUlp, "sigmoid(ln 3)");
  reftest::check_relative(w2v::sigmoid(-ln3), 0.25, 4 * kUlp, "sigmoid(-ln 3)");
  reftest::check_relative(w2v::sigmoid_grad(ln3), 3.0 / 16.0, 8 * kUlp, "sigmoid_grad(ln 3)");
  reftest::check_relative(w2v::softplus(ln3), std::log(4.0), 4 * kUlp, "softplus(ln 3)");
  reftest::check_relative(w2v::softplus(-ln3), std::log(4.0 / 3.0), 8 * kUlp, "softplus(-ln 3)");
}

// The textbook forms are accurate in relative terms wherever they do not
// overflow: 1/(1+e^{−x}) for x ≥ −700 (e^{700} ≈ 1e304 is finite) and
// e^{−|x|}/(1+e^{−|x|})² for σ' (σ' is even). So σ and σ' are compared
// *relatively* over [−700, 700], tails included; log(1+e^{x}) cancels for x ≪ 0,
// so softplus uses the combined metric of fixtures.hpp.
BOOST_AUTO_TEST_CASE(matches_textbook_forms) {
  const std::uint64_t seed = 20240601;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    const double x = i < 10000 ? reftest::draw(rng, -30.0, 30.0) : draw_log_magnitude(rng, 700.0);
    BOOST_TEST_CONTEXT("seed " << seed << " draw " << i << " x=" << fmt::format("{}", x)) {
      reftest::check_relative(w2v::sigmoid(x), 1.0 / (1.0 + std::exp(-x)), kTol, "sigmoid");
      const double e = std::exp(-std::abs(x));
      reftest::check_relative(w2v::sigmoid_grad(x), e / ((1.0 + e) * (1.0 + e)), kTol,
                              "sigmoid_grad");
      reftest::check_close(w2v::softplus(x), std::log(1.0 + std::exp(x)), kTol, "softplus");
    }
  }
}

BOOST_AUTO_TEST_CASE(symmetry_identities) {
  const std::uint64_t seed = 7;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 5000; ++i) {
    const double x = reftest::draw(rng, -50.0, 50.0);
    BOOST_TEST_CONTEXT("seed " << seed << " draw " << i << " x=" << fmt::format("{}", x)) {
      // σ(x) + σ(−x) = 1; softplus(x) − softplus(−x) = x; σ' is even (exactly:
      // σ(x)σ(−x) is one commutative product).
      BOOST_TEST(std::abs(w2v::sigmoid(x) + w2v::sigmoid(-x) - 1.0) <= 2 * kUlp);
      reftest::check_close(w2v::softplus(x) - w2v::softplus(-x), x, kTol, "softplus(x)-softplus(-x)");
      BOOST_TEST(w2v::sigmoid_grad(x) == w2v::sigmoid_grad(-x));
      BOOST_TEST(w2v::sigmoid(x) > 0.0);
      BOOST_TEST(w2v::sigmoid(x) <= 1.0);  // rounds to 1 for x ≳ 37
      BOOST_TEST(w2v::sigmoid_grad(x) > 0.0);
    }
  }
}

// Every finite x, up to DBL_MAX: finite results, in range, monotone.
static void finite_at_any_magnitude_at(double magnitude);

BOOST_AUTO_TEST_CASE(finite_at_any_magnitude) {
  for (const double magnitude : {0.0, 1e-300, 1.0, 36.0, 37.0, 40.0, 100.0, 700.0, 709.0, 710.0, 745.0, 746.0, 800.0, 1e4, 1e300, DBL_MAX})
    BOOST_TEST_CONTEXT("magnitude=" << fmt::format("{}", magnitude)) { finite_at_any_magnitude_at(magnitude); }
}

static void finite_at_any_magnitude_at(double magnitude) {
  for (const double x : {magnitude, -magnitude}) {
    BOOST_TEST_CONTEXT("x=" << fmt::format("{}", x)) {
      const double s = w2v::sigmoid(x), g = w2v::sigmoid_grad(x), p = w2v::softplus(x);
      BOOST_TEST(std::isfinite(s));
      BOOST_TEST(std::isfinite(g));
      BOOST_TEST(std::isfinite(p));
      BOOST_TEST(s >= 0.0);
      BOOST_TEST(s <= 1.0);
      BOOST_TEST(g >= 0.0);
      BOOST_TEST(g <= 0.25);
      BOOST_TEST(p >= 0.0);
      BOOST_TEST(p >= x);  // log(1+e^x) > max(0, x)
    }
  }
  BOOST_TEST(w2v::sigmoid(magnitude) >= w2v::sigmoid(-magnitude));
}

BOOST_AUTO_TEST_CASE(tail_limits) {
  // σ'(x) = e^{−x}/(1+e^{−x})² = e^{−x}(1 − 2e^{−x} + …): e^{−40} to 1e-17.
  reftest::check_relative(w2v::sigmoid_grad(40.0), std::exp(-40.0), kTol, "sigmoid_grad(40)");
  reftest::check_relative(w2v::sigmoid_grad(-40.0), std::exp(-40.0), kTol, "sigmoid_grad(-40)");
  reftest::check_relative(w2v::sigmoid_grad(700.0), std::exp(-700.0), kTol, "sigmoid_grad(700)");
  reftest::check_relative(w2v::sigmoid_grad(-700.0), std::exp(-700.0), kTol, "sigmoid_grad(-700)");
  // σ(−x) = e^{−x}/(1+e^{−x}): relative precision kept in the lower tail.
  reftest::check_relative(w2v::sigmoid(-40.0), std::exp(-40.0), kTol, "sigmoid(-40)");
  reftest::check_relative(w2v::sigmoid(-700.0), std::exp(-700.0), kTol, "sigmoid(-700)");
  BOOST_TEST(w2v::sigmoid(40.0) == 1.0);  // 1 − 4e-18 rounds to 1
  BOOST_TEST(w2v::sigmoid(800.0) == 1.0);
  const double s800 = w2v::sigmoid(-800.0);  // e^{−800} underflows: 0 or a tiny subnormal
  BOOST_TEST(!std::isnan(s800));
  BOOST_TEST(s800 >= 0.0);
  BOOST_TEST(s800 < 1e-300);
  BOOST_TEST(w2v::sigmoid(-1e4) == 0.0);
  BOOST_TEST(w2v::sigmoid_grad(1e4) == 0.0);
  BOOST_TEST(w2v::sigmoid_grad(-1e4) == 0.0);
  // softplus(x) = x + log1p(e^{−x}) → x; softplus(−x) = log1p(e^{−x}) → e^{−x}.
  reftest::check_relative(w2v::softplus(40.0), 40.0 + std::exp(-40.0), kTol, "softplus(40)");
  reftest::check_relative(w2v::softplus(700.0), 700.0, kTol, "softplus(700)");
  reftest::check_relative(w2v::softplus(1e4), 1e4, kTol, "softplus(1e4)");
  reftest::check_relative(w2v::softplus(DBL_MAX), DBL_MAX, kTol, "softplus(DBL_MAX)");
  reftest::check_relative(w2v::softplus(-40.0), std::exp(-40.0), kTol, "softplus(-40)");
  reftest::check_relative(w2v::softplus(-700.0), std::exp(-700.0), kTol, "softplus(-700)");
  BOOST_TEST(w2v::softplus(-1e4) == 0.0);
}

BOOST_AUTO_TEST_CASE(vector_overloads_are_elementwise) {
  const std::uint64_t seed = 11;
  std::mt19937_64 rng(seed);
  arma::vec x(257);
  for (arma::uword i = 0; i < x.n_elem; ++i) x[i] = draw_log_magnitude(rng, 1e4);
  x[0] = 0.0;
  x[1] = -800.0;
  x[2] = 800.0;
  const arma::vec s = w2v::sigmoid(x), g = w2v::sigmoid_grad(x);
  BOOST_TEST_REQUIRE(s.n_elem == x.n_elem);
  BOOST_TEST_REQUIRE(g.n_elem == x.n_elem);
  for (arma::uword i = 0; i < x.n_elem; ++i) {
    BOOST_TEST_CONTEXT("seed " << seed << " n=" << x.n_elem << " i=" << i << " x=" << x[i]) {
      BOOST_TEST(s[i] == w2v::sigmoid(x[i]));
      BOOST_TEST(g[i] == w2v::sigmoid_grad(x[i]));
    }
  }
  BOOST_TEST(w2v::sigmoid(arma::vec()).n_elem == 0u);
  BOOST_TEST(w2v::sigmoid_grad(arma::vec()).n_elem == 0u);
}
