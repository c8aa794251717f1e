// checks/finite_difference: the three stencils on functions with known
// derivatives (actual error ≤ the returned estimate, exactness and error order
// per stencil), the power-of-two step rule, numerical_gradient's probing
// (only the given coordinates, x restored bit for bit, evaluation counts,
// non-finite losses named by coordinate) and the stencil names.
#define BOOST_TEST_MODULE checks_finite_difference
#include <boost/test/unit_test.hpp>

#include <armadillo>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "checks/finite_difference.hpp"

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

struct Known {
  std::string name;
  std::function<double(double)> f, df;
  std::vector<double> points;
};

// Polynomials with integer-ish coefficients, and the usual transcendental
// suspects; log1p only where it is defined and smooth.
std::vector<Known> known_functions() {
  const std::vector<double> pts = {-2.5, -1.0, -0.3, 0.0, 0.7, 1.0, 3.2, 10.0};
  return {
      {"p2 = 3x^2 - 2x + 1", [](double x) { return 3 * x * x - 2 * x + 1; },
       [](double x) { return 6 * x - 2; }, pts},
      {"p3 = x^3 - 4x^2 + x - 5", [](double x) { return x * x * x - 4 * x * x + x - 5; },
       [](double x) { return 3 * x * x - 8 * x + 1; }, pts},
      {"p5 = x^5/7 - x^3 + 2x", [](double x) { return std::pow(x, 5) / 7 - x * x * x + 2 * x; },
       [](double x) { return 5 * std::pow(x, 4) / 7 - 3 * x * x + 2; }, pts},
      {"exp", [](double x) { return std::exp(x); }, [](double x) { return std::exp(x); }, pts},
      {"sin", [](double x) { return std::sin(x); }, [](double x) { return std::cos(x); }, pts},
      {"log1p", [](double x) { return std::log1p(x); }, [](double x) { return 1 / (1 + x); },
       {-0.5, -0.3, 0.0, 0.7, 1.0, 3.2, 10.0}},
  };
}

w2v::FdOptions options_for(w2v::Stencil s) {
  w2v::FdOptions o;
  o.stencil = s;
  return o;
}

auto along(const std::function<double(double)>& f, double x0) {
  return [f, x0](double t) { return f(x0 + t); };
}

// Bit-for-bit equality, so −0.0 ≠ +0.0 and a flushed subnormal is caught.
bool same_bits(const arma::mat& a, const arma::mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(double)) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stencils)

BOOST_AUTO_TEST_CASE(actual_error_within_estimate_for_every_stencil) {
  for (const w2v::Stencil s :
       {w2v::Stencil::central, w2v::Stencil::four_point, w2v::Stencil::richardson}) {
    const w2v::FdOptions opt = options_for(s);
    for (const Known& k : known_functions()) {
      for (const double x : k.points) {
        BOOST_TEST_CONTEXT(w2v::to_string(s) << " on " << k.name << " at x=" << x) {
          const double h = w2v::step_for(x, opt);
          const w2v::Derivative d = w2v::derivative(along(k.f, x), h, opt);
          const double err = std::abs(d.value - k.df(x));
          BOOST_TEST(std::isfinite(d.value));
          BOOST_TEST(d.error_estimate > 0.0);
          BOOST_TEST(err <= d.error_estimate,
                     "actual error " << err << " > estimate " << d.error_estimate << " (value "
                                     << d.value << ", exact " << k.df(x) << ", h " << h << ")");
          // A useful estimate, not an infinite one: these are smooth functions.
          BOOST_TEST(d.error_estimate <= 1e-5 * std::max(1.0, std::abs(k.df(x))),
                     "estimate " << d.error_estimate << " is uselessly large");
          if (s == w2v::Stencil::richardson)
            BOOST_TEST(err <= 1e-8 * std::max(1.0, std::abs(k.df(x))), "error " << err);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(evaluation_counts_and_step) {
  auto f = [](double t) { return std::exp(0.3 + t); };
  const double h = 0x1p-10;
  const w2v::Derivative c = w2v::central_difference(f, h, 16.0);
  BOOST_TEST(c.evaluations == 4);
  BOOST_TEST(c.step == h);
  const w2v::Derivative p = w2v::four_point_difference(f, h, 16.0);
  BOOST_TEST(p.evaluations == 6);
  BOOST_TEST(p.step == h);
  int calls = 0;
  auto counted = [&](double t) {
    ++calls;
    return std::exp(0.3 + t);
  };
  const w2v::Derivative r = w2v::richardson_extrapolation(counted, 1.0 / 64, 8, 16.0);
  BOOST_TEST(r.evaluations <= calls);
  BOOST_TEST(r.evaluations % 2 == 0);
  BOOST_TEST(calls <= 16);
  BOOST_TEST(r.step <= 1.0 / 64);
}

// Central differences of a quadratic are exact in exact arithmetic (the h³
// term vanishes): the error is round-off only, within the round-off bound.
BOOST_AUTO_TEST_CASE(central_exact_on_quadratics) {
  const Known p2 = known_functions()[0];
  for (const double x : p2.points) {
    for (const double h : {0x1p-3, 0x1p-8, 0x1p-17}) {
      BOOST_TEST_CONTEXT("p2 at x=" << x << " h=" << h) {
        const w2v::Derivative d = w2v::central_difference(along(p2.f, x), h, 16.0);
        const double scale = std::max({1.0, std::abs(p2.f(x - 2 * h)), std::abs(p2.f(x + 2 * h))});
        const double roundoff = 16.0 * kEps * scale / h;
        BOOST_TEST(std::abs(d.value - p2.df(x)) <= roundoff);
        BOOST_TEST(d.error_estimate <= 2 * roundoff);
      }
    }
  }
}

// The 4-point stencil cancels the h² and (by symmetry) h³ terms: exact on cubics.
BOOST_AUTO_TEST_CASE(four_point_exact_on_cubics) {
  for (const Known& k : {known_functions()[0], known_functions()[1]}) {
    for (const double x : k.points) {
      for (const double h : {0x1p-2, 0x1p-6, 0x1p-10}) {
        BOOST_TEST_CONTEXT(k.name << " at x=" << x << " h=" << h) {
          const w2v::Derivative d = w2v::four_point_difference(along(k.f, x), h, 16.0);
          const double scale =
              std::max({1.0, std::abs(k.f(x - 4 * h)), std::abs(k.f(x + 4 * h))});
          const double roundoff = 1.5 * 16.0 * kEps * scale / h;
          BOOST_TEST(std::abs(d.value - k.df(x)) <= roundoff);
        }
      }
    }
  }
  // ... but not on quintics, and not central on cubics: the exactness is real.
  const Known p3 = known_functions()[1], p5 = known_functions()[2];
  BOOST_TEST(std::abs(w2v::central_difference(along(p3.f, 1.0), 0x1p-4, 16.0).value - p3.df(1.0)) >
             1e-4);
  BOOST_TEST(std::abs(w2v::four_point_difference(along(p5.f, 1.0), 0x1p-3, 16.0).value -
                      p5.df(1.0)) > 1e-5);
}

// Halving h divides the truncation error by 4 (central, O(h²)) or 16
// (four_point, O(h⁴)), at steps where truncation dwarfs round-off.
BOOST_AUTO_TEST_CASE(error_orders) {
  for (const Known& k : {known_functions()[3], known_functions()[4], known_functions()[2]}) {
    for (const double x : {0.3, 1.0, -0.7}) {
      BOOST_TEST_CONTEXT(k.name << " at x=" << x) {
        const double e1 = w2v::central_difference(along(k.f, x), 0x1p-5, 16.0).value - k.df(x);
        const double e2 = w2v::central_difference(along(k.f, x), 0x1p-6, 16.0).value - k.df(x);
        BOOST_TEST(e1 / e2 > 3.8, "central ratio " << e1 / e2);
        BOOST_TEST(e1 / e2 < 4.2, "central ratio " << e1 / e2);
        const double p1 = w2v::four_point_difference(along(k.f, x), 0x1p-3, 16.0).value - k.df(x);
        const double p2 = w2v::four_point_difference(along(k.f, x), 0x1p-4, 16.0).value - k.df(x);
        BOOST_TEST(p1 / p2 > 14.0, "four_point ratio " << p1 / p2);
        BOOST_TEST(p1 / p2 < 18.0, "four_point ratio " << p1 / p2);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(steps)

BOOST_AUTO_TEST_CASE(step_scale_defaults) {
  BOOST_TEST(w2v::step_scale(options_for(w2v::Stencil::central)) == std::cbrt(kEps));
  BOOST_TEST(w2v::step_scale(options_for(w2v::Stencil::four_point)) == std::pow(kEps, 0.2));
  BOOST_TEST(w2v::step_scale(options_for(w2v::Stencil::richardson)) == 1.0 / 64);
  w2v::FdOptions custom;
  custom.step_scale = 1e-3;
  for (const w2v::Stencil s :
       {w2v::Stencil::central, w2v::Stencil::four_point, w2v::Stencil::richardson}) {
    custom.stencil = s;
    BOOST_TEST(w2v::step_scale(custom) == 1e-3, w2v::to_string(s));
  }
  // The documented values: ε^{1/3} ≈ 6.06e-6 → 2^-17, ε^{1/5} ≈ 7.40e-4 → 2^-10.
  BOOST_TEST(w2v::step_for(0.0, options_for(w2v::Stencil::central)) == 0x1p-17);
  BOOST_TEST(w2v::step_for(0.0, options_for(w2v::Stencil::four_point)) == 0x1p-10);
  BOOST_TEST(w2v::step_for(0.0, options_for(w2v::Stencil::richardson)) == 0x1p-6);
}

BOOST_AUTO_TEST_CASE(step_is_power_of_two_scaled_by_magnitude) {
  const std::vector<double> xs = {0.0,  -0.0,   1e-300, 0.5,    -0.999, 1.0,   -1.0,
                                  1.5,  -3.0,   7.25,   100.0,  -1e6,   3e12,  1e200};
  for (const w2v::Stencil s :
       {w2v::Stencil::central, w2v::Stencil::four_point, w2v::Stencil::richardson}) {
    const w2v::FdOptions opt = options_for(s);
    for (const double x : xs) {
      BOOST_TEST_CONTEXT(w2v::to_string(s) << " x=" << x) {
        const double h = w2v::step_for(x, opt);
        int e = 0;
        BOOST_TEST(std::frexp(h, &e) == 0.5, "h=" << h << " is not a power of two");
        const double target = w2v::step_scale(opt) * std::max(1.0, std::abs(x));
        BOOST_TEST(h / target >= std::sqrt(0.5) * (1 - 1e-12), "h=" << h << " target " << target);
        BOOST_TEST(h / target <= std::sqrt(2.0) * (1 + 1e-12), "h=" << h << " target " << target);
        // Symmetric in x; |x| ≤ 1 all share the step of x = 0.
        BOOST_TEST(w2v::step_for(-x, opt) == h);
        if (std::abs(x) <= 1.0) BOOST_TEST(h == w2v::step_for(0.0, opt));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(gradient)

namespace {

// J(X) = Σ a_ij x_ij² + Σ sin(x_ij), ∂J/∂x_ij = 2 a_ij x_ij + cos(x_ij).
struct MatrixFunction {
  arma::mat a;
  double operator()(const arma::mat& x) const {
    return arma::accu(a % x % x) + arma::accu(arma::sin(x));
  }
  arma::mat gradient(const arma::mat& x) const { return 2 * a % x + arma::cos(x); }
};

MatrixFunction matrix_function() {
  arma::mat a(3, 4);
  for (arma::uword i = 0; i < a.n_elem; ++i) a[i] = 0.5 + 0.25 * static_cast<double>(i);
  return {a};
}

// A 3×4 point with the awkward values: −0.0, the smallest subnormal and a
// larger subnormal, alongside ordinary ones.
arma::mat awkward_point() {
  arma::mat x = {{0.3, -1.2, 2.5, -0.0},
                 {std::numeric_limits<double>::denorm_min(), 0.7, -3.1, 1.0},
                 {1e-310, -0.4, 12.0, -7.5}};
  return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(probes_only_given_coordinates_and_restores_bits) {
  const MatrixFunction J = matrix_function();
  for (const w2v::Stencil s :
       {w2v::Stencil::central, w2v::Stencil::four_point, w2v::Stencil::richardson}) {
    BOOST_TEST_CONTEXT(w2v::to_string(s) << " on a 3x4 point") {
      arma::mat x = awkward_point();
      const arma::mat original = x;
      const arma::uvec coords = {0, 1, 2, 5, 9, 10};  // (0,0) (1,0) (2,0) (2,1) (0,3) (1,3)
      std::set<arma::uword> touched;
      long calls = 0;
      bool one_entry_at_a_time = true;
      auto f = [&](const arma::mat& p) {
        ++calls;
        int changed = 0;
        for (arma::uword i = 0; i < p.n_elem; ++i) {
          if (std::memcmp(&p[i], &original[i], sizeof(double)) != 0) {
            ++changed;
            touched.insert(i);
          }
        }
        one_entry_at_a_time = one_entry_at_a_time && changed <= 1;
        return J(p);
      };
      const w2v::NumericalGradient g = w2v::numerical_gradient(f, x, options_for(s), coords);
      BOOST_TEST(same_bits(x, original), "x was not restored bit for bit:\n" << x);
      BOOST_TEST(std::signbit(x(0, 3)));
      BOOST_TEST(one_entry_at_a_time);
      BOOST_TEST((touched == std::set<arma::uword>(coords.begin(), coords.end())));
      BOOST_TEST(g.evaluations == calls);
      if (s == w2v::Stencil::central) BOOST_TEST(calls == 4 * static_cast<long>(coords.n_elem));
      if (s == w2v::Stencil::four_point) BOOST_TEST(calls == 6 * static_cast<long>(coords.n_elem));
      BOOST_TEST(arma::all(g.coordinates == coords));
      BOOST_TEST(arma::size(g.value) == arma::size(x));
      BOOST_TEST(arma::size(g.error_estimate) == arma::size(x));
      BOOST_TEST(arma::size(g.step) == arma::size(x));
      const arma::mat exact = J.gradient(original);
      for (arma::uword i = 0; i < x.n_elem; ++i) {
        const bool probed = arma::any(coords == i);
        BOOST_TEST_CONTEXT("entry " << i << " (" << i % 3 << "," << i / 3 << ")") {
          if (probed) {
            BOOST_TEST(std::abs(g.value[i] - exact[i]) <= g.error_estimate[i],
                       "numeric " << g.value[i] << " exact " << exact[i] << " estimate "
                                  << g.error_estimate[i]);
            BOOST_TEST(g.step[i] > 0.0);
          } else {
            BOOST_TEST(g.value[i] == 0.0);
            BOOST_TEST(g.error_estimate[i] == 0.0);
            BOOST_TEST(g.step[i] == 0.0);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_coordinates_probe_everything) {
  const MatrixFunction J = matrix_function();
  arma::mat x = awkward_point();
  const arma::mat original = x;
  long calls = 0;
  const w2v::NumericalGradient g = w2v::numerical_gradient(
      [&](const arma::mat& p) {
        ++calls;
        return J(p);
      },
      x, w2v::FdOptions{});
  BOOST_TEST(same_bits(x, original));
  BOOST_TEST(g.coordinates.n_elem == x.n_elem);
  BOOST_TEST(arma::all(g.coordinates == arma::regspace<arma::uvec>(0, x.n_elem - 1)));
  BOOST_TEST(calls == 4 * static_cast<long>(x.n_elem));
  BOOST_TEST(g.evaluations == calls);
  const arma::mat exact = J.gradient(original);
  for (arma::uword i = 0; i < x.n_elem; ++i)
    BOOST_TEST(std::abs(g.value[i] - exact[i]) <= g.error_estimate[i], "entry " << i);
}

BOOST_AUTO_TEST_CASE(non_finite_loss_names_the_coordinate) {
  const double bad_values[] = {std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity()};
  for (const double bad : bad_values) {
    BOOST_TEST_CONTEXT("loss returns " << bad << " when entry (1,2) moves") {
      arma::mat x = awkward_point();
      const arma::mat original = x;
      auto f = [&](const arma::mat& p) {
        return p(1, 2) != original(1, 2) ? bad : matrix_function()(p);
      };
      std::string what;
      try {
        (void)w2v::numerical_gradient(f, x, w2v::FdOptions{}, arma::uvec{0, 4, 7, 8});
      } catch (const std::runtime_error& e) {
        what = e.what();
      }
      BOOST_TEST(what.find("entry (1, 2) of a 3x4 matrix") != std::string::npos,
                 "message: '" << what << "'");
      BOOST_TEST(same_bits(x, original), "x not restored after the throw:\n" << x);
    }
  }
  // A vector parameter is named by its index.
  arma::mat v(5, 1, arma::fill::value(0.5));
  std::string what;
  try {
    (void)w2v::numerical_gradient(
        [](const arma::mat& p) {
          return p[3] != 0.5 ? std::numeric_limits<double>::quiet_NaN() : 1.0;
        },
        v, w2v::FdOptions{});
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  BOOST_TEST(what.find("index 3 of a length-5 vector") != std::string::npos,
             "message: '" << what << "'");
}

BOOST_AUTO_TEST_CASE(throwing_loss_leaves_point_intact) {
  arma::mat x = awkward_point();
  const arma::mat original = x;
  int calls = 0;
  BOOST_CHECK_THROW(w2v::numerical_gradient(
                        [&](const arma::mat&) -> double {
                          if (++calls == 3) throw std::logic_error("boom");
                          return 1.0;
                        },
                        x, w2v::FdOptions{}, arma::uvec{10}),
                    std::logic_error);
  BOOST_TEST(same_bits(x, original));
}

BOOST_AUTO_TEST_CASE(out_of_range_coordinate_throws) {
  arma::mat x = awkward_point();
  BOOST_CHECK_THROW(w2v::numerical_gradient([](const arma::mat&) { return 0.0; }, x,
                                            w2v::FdOptions{}, arma::uvec{3, 12}),
                    std::out_of_range);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(stencil_names_round_trip) {
  for (const w2v::Stencil s :
       {w2v::Stencil::central, w2v::Stencil::four_point, w2v::Stencil::richardson})
    BOOST_TEST((w2v::stencil_from_string(w2v::to_string(s)) == s), w2v::to_string(s));
  BOOST_TEST(w2v::to_string(w2v::Stencil::four_point) == "four_point");
  for (const std::string bad : {"", "Central", "five_point", "central "}) {
    std::string what;
    try {
      (void)w2v::stencil_from_string(bad);
    } catch (const std::invalid_argument& e) {
      what = e.what();
    }
    BOOST_TEST_CONTEXT("name '" << bad << "', message '" << what << "'") {
      BOOST_TEST(!what.empty());
      for (const char* valid : {"central", "four_point", "richardson"})
        BOOST_TEST(what.find(valid) != std::string::npos, valid);
    }
  }
}
