// reference/activations.hpp: ReLU and Leaky ReLU and their derivatives on both
// sides of the kink. The derivative at exactly 0 is a convention (see the
// header), so no value is pinned there.
#define BOOST_TEST_MODULE reference_activations
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cfloat>
#include <cstdint>
#include <random>

#include "fixtures.hpp"
#include "reference/activations.hpp"


namespace {

// Both sides of 0, from the smallest subnormal to large magnitudes.
const arma::vec kInputs = {-1e300, -3.5, -1.0, -1e-8, -DBL_MIN, -4.9e-324,
                           4.9e-324, DBL_MIN, 1e-8, 1.0, 3.5, 1e300};

}  // namespace

BOOST_AUTO_TEST_CASE(relu_values_and_derivative) {
  const arma::vec y = w2v::relu(kInputs), dy = w2v::relu_grad(kInputs);
  BOOST_TEST_REQUIRE(y.n_elem == kInputs.n_elem);
  BOOST_TEST_REQUIRE(dy.n_elem == kInputs.n_elem);
  for (arma::uword i = 0; i < kInputs.n_elem; ++i) {
    const double x = kInputs[i];
    BOOST_TEST_CONTEXT("x=" << fmt::format("{}", x)) {
      BOOST_TEST(y[i] == (x > 0.0 ? x : 0.0));
      BOOST_TEST(dy[i] == (x > 0.0 ? 1.0 : 0.0));
    }
  }
  // Value at the kink is well defined.
  BOOST_TEST(w2v::relu(arma::vec{0.0})[0] == 0.0);
  BOOST_TEST(w2v::relu(arma::vec()).n_elem == 0u);
  BOOST_TEST(w2v::relu_grad(arma::vec()).n_elem == 0u);
}

static void leaky_relu_values_and_derivative_at(double alpha);

BOOST_AUTO_TEST_CASE(leaky_relu_values_and_derivative) {
  for (const double alpha : {0.01, 0.2, 0.5, 0.99})
    BOOST_TEST_CONTEXT("alpha=" << fmt::format("{}", alpha)) { leaky_relu_values_and_derivative_at(alpha); }
}

static void leaky_relu_values_and_derivative_at(double alpha) {
  const arma::vec y = w2v::leaky_relu(kInputs, alpha), dy = w2v::leaky_relu_grad(kInputs, alpha);
  BOOST_TEST_REQUIRE(y.n_elem == kInputs.n_elem);
  BOOST_TEST_REQUIRE(dy.n_elem == kInputs.n_elem);
  for (arma::uword i = 0; i < kInputs.n_elem; ++i) {
    const double x = kInputs[i];
    BOOST_TEST_CONTEXT("alpha=" << alpha << " x=" << fmt::format("{}", x)) {
      // max(αx, x) for 0 < α < 1; αx is one rounding in both, so equality is exact.
      BOOST_TEST(y[i] == std::max(alpha * x, x));
      BOOST_TEST(dy[i] == (x > 0.0 ? 1.0 : alpha));
    }
  }
  BOOST_TEST(w2v::leaky_relu(arma::vec{0.0}, alpha)[0] == 0.0);
  BOOST_TEST(w2v::leaky_relu(arma::vec(), alpha).n_elem == 0u);
}

// Derivatives agree with central differences away from the kink, where the
// functions are linear and the difference quotient is exact up to rounding.
BOOST_AUTO_TEST_CASE(derivatives_match_difference_quotients_away_from_zero) {
  const std::uint64_t seed = 3;
  std::mt19937_64 rng(seed);
  const double alpha = 0.1, h = 1e-3;
  arma::vec x(200);
  for (arma::uword i = 0; i < x.n_elem; ++i) {
    x[i] = reftest::draw(rng, 0.01, 10.0) * (i % 2 ? 1.0 : -1.0);
  }
  const arma::vec xp = x + h, xm = x - h;
  const arma::vec d_relu = (w2v::relu(xp) - w2v::relu(xm)) / (2 * h);
  const arma::vec d_leaky = (w2v::leaky_relu(xp, alpha) - w2v::leaky_relu(xm, alpha)) / (2 * h);
  BOOST_TEST_CONTEXT("seed " << seed << " n=" << x.n_elem << " h=" << h) {
    reftest::check_close(w2v::relu_grad(x), d_relu, 1e-9, "relu_grad vs difference quotient");
    reftest::check_close(w2v::leaky_relu_grad(x, alpha), d_leaky, 1e-9,
                         "leaky_relu_grad vs difference quotient");
  }
}
