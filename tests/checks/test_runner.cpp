// checks/runner: the seeded coordinate subset, a clean run of the reference
// (counts, progress), missing and throwing subjects becoming errored cases
// that say where, the unknown-selector error, and the h sweep's shape for a
// right and a wrong gradient.
#define BOOST_TEST_MODULE checks_runner
#include <boost/test/unit_test.hpp>

#include <armadillo>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "checks/catalog.hpp"
#include "checks/mistakes.hpp"
#include "checks/runner.hpp"

namespace {

w2v::CheckInstance instance_of(arma::uword rows, arma::uword cols, arma::uvec coords = {}) {
  w2v::CheckInstance inst;
  inst.point.zeros(rows, cols);
  inst.coordinates = std::move(coords);
  return inst;
}

std::vector<arma::uword> as_vector(const arma::uvec& v) {
  return arma::conv_to<std::vector<arma::uword>>::from(v);
}

w2v::RunOptions options(std::uint64_t seed, std::size_t shapes, std::vector<std::string> only) {
  w2v::RunOptions o;
  o.seed = seed;
  o.shapes = shapes;
  o.only = std::move(only);
  return o;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(coordinates)

BOOST_AUTO_TEST_CASE(all_when_at_most_max) {
  const w2v::CheckInstance full = instance_of(10, 10);
  for (const std::size_t max : {std::size_t{100}, std::size_t{101}, std::size_t{1024}, std::size_t{0}}) {
    const arma::uvec c = w2v::coordinates_to_check(full, max, 7);
    BOOST_TEST(as_vector(c) == as_vector(arma::regspace<arma::uvec>(0, 99)),
               boost::test_tools::per_element());
  }
  const w2v::CheckInstance some = instance_of(10, 10, arma::uvec{3, 17, 42, 99});
  BOOST_TEST(as_vector(w2v::coordinates_to_check(some, 4, 7)) ==
                 (std::vector<arma::uword>{3, 17, 42, 99}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(seeded_sorted_subset_of_exactly_max) {
  const w2v::CheckInstance full = instance_of(40, 30);  // 1200 entries
  arma::uvec restricted_pool(300);
  for (arma::uword k = 0; k < 300; ++k) restricted_pool[k] = 4 * k + 1;
  const w2v::CheckInstance some = instance_of(40, 30, restricted_pool);
  for (const std::uint64_t seed : {std::uint64_t{1}, std::uint64_t{42}, std::uint64_t{0xfeedULL}}) {
    for (const std::size_t max : {std::size_t{1}, std::size_t{17}, std::size_t{299}, std::size_t{1024}}) {
      for (const w2v::CheckInstance* inst : {&full, &some}) {
        const arma::uword pool = inst->coordinates.is_empty() ? inst->point.n_elem
                                                              : inst->coordinates.n_elem;
        if (pool <= max) continue;
        BOOST_TEST_CONTEXT("seed " << seed << " max " << max << " pool " << pool) {
          const arma::uvec c = w2v::coordinates_to_check(*inst, max, seed);
          BOOST_TEST(c.n_elem == max);
          BOOST_TEST(std::is_sorted(c.begin(), c.end()));
          BOOST_TEST((std::adjacent_find(c.begin(), c.end()) == c.end()), "duplicate coordinate");
          for (const arma::uword i : c) {
            BOOST_TEST(i < inst->point.n_elem);
            if (inst == &some) BOOST_TEST(i % 4 == 1u, "coordinate " << i << " not in the pool");
          }
          BOOST_TEST(as_vector(w2v::coordinates_to_check(*inst, max, seed)) == as_vector(c),
                     "same seed, different subset");
          if (max > 1) {
            BOOST_TEST(as_vector(w2v::coordinates_to_check(*inst, max, seed + 1)) != as_vector(c),
                       "seeds " << seed << " and " << seed + 1 << " give the same subset");
          }
        }
      }
    }
  }
  // Not just the first entries: a subset of 17 of 1200 spreads out.
  const arma::uvec c = w2v::coordinates_to_check(full, 17, 42);
  BOOST_TEST(c.max() > 600u, "seed 42: largest coordinate " << c.max());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(runs)

BOOST_AUTO_TEST_CASE(reference_passes_with_right_counts_and_progress) {
  w2v::RunOptions opts = options(7, 8, {"b", "e.neg", "x"});
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  const w2v::RunResult run =
      w2v::run_checks(w2v::catalog(), w2v::reference_functions(), opts,
                      [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); });
  const std::vector<std::string> expected = {"b.naive.dv_c", "e.neg.dv_c", "e.neg.du_o",
                                             "e.neg.du_k",   "e.neg.dU",   "x.relu.grad",
                                             "x.leaky_relu.grad"};
  BOOST_TEST_REQUIRE(run.checks.size() == expected.size());
  BOOST_TEST(run.passed());
  BOOST_TEST(run.count_checks(true) == expected.size());
  const std::size_t total = expected.size() * opts.shapes;
  BOOST_TEST_REQUIRE(calls.size() == total);
  for (std::size_t k = 0; k < calls.size(); ++k) {
    BOOST_TEST(calls[k].first == k + 1, "progress call " << k);
    BOOST_TEST(calls[k].second == total, "progress call " << k);
  }
  for (std::size_t i = 0; i < run.checks.size(); ++i) {
    const w2v::CheckResult& check = run.checks[i];
    BOOST_TEST_CONTEXT("seed 7 check " << check.id) {
      BOOST_TEST(check.id == expected[i]);
      BOOST_TEST(check.passed());
      BOOST_TEST_REQUIRE(check.cases.size() == opts.shapes);
      BOOST_TEST(check.count(w2v::CaseStatus::passed) + check.count(w2v::CaseStatus::skipped) ==
                 opts.shapes);
      // Only e.neg.du_k has nothing to check, on the V=1 cases 0 and 2.
      BOOST_TEST(check.count(w2v::CaseStatus::skipped) == (check.id == "e.neg.du_k" ? 2u : 0u));
      for (std::size_t k = 0; k < check.cases.size(); ++k) {
        const w2v::CaseResult& c = check.cases[k];
        BOOST_TEST_CONTEXT("case " << c.case_index << " seed " << c.seed << " shape "
                                   << c.shape.describe()) {
          BOOST_TEST(c.case_index == k);
          BOOST_TEST(c.seed == w2v::sample_shape(7, k).seed);
          BOOST_TEST(c.error.empty(), c.error);
          if (c.status() == w2v::CaseStatus::skipped) continue;
          BOOST_TEST(c.comparison.checked > 0u);
          BOOST_TEST(c.comparison.checked <= c.parameters);
          BOOST_TEST(c.evaluations == 4 * static_cast<long>(c.comparison.checked));  // central
        }
      }
      BOOST_TEST(check.h_sweep.points.size() == 40u);
    }
  }
}

BOOST_AUTO_TEST_CASE(selected_cases_and_max_coordinates) {
  w2v::RunOptions opts = options(42, 200, {"c.naive.dU"});
  opts.cases = {15, 3};
  opts.mode = w2v::CheckMode::sampled;
  opts.max_coordinates = 5;
  const w2v::RunResult run = w2v::run_checks(w2v::catalog(), w2v::reference_functions(), opts);
  BOOST_TEST_REQUIRE(run.checks.size() == 1u);
  const w2v::CheckResult& check = run.checks[0];
  BOOST_TEST_REQUIRE(check.cases.size() == 2u);
  BOOST_TEST(check.cases[0].case_index == 15u);
  BOOST_TEST(check.cases[1].case_index == 3u);
  for (const w2v::CaseResult& c : check.cases) {
    BOOST_TEST_CONTEXT("seed 42 case " << c.case_index << " shape " << c.shape.describe()) {
      BOOST_TEST(w2v::to_string(c.status()) == "passed");
      BOOST_TEST(c.parameters == c.shape.V * c.shape.d);
      BOOST_TEST(c.comparison.checked == std::min<std::size_t>(5, c.parameters));
    }
  }
}

BOOST_AUTO_TEST_CASE(missing_function_is_an_errored_case) {
  w2v::Word2vecFunctions subject = w2v::reference_functions();
  subject.naive_softmax = nullptr;
  const w2v::RunOptions opts = options(11, 4, {"b", "c"});
  const w2v::RunResult run = w2v::run_checks(w2v::catalog(), subject, opts);
  BOOST_TEST_REQUIRE(run.checks.size() == 4u);
  BOOST_TEST(!run.passed());
  for (const w2v::CheckResult& check : run.checks) {
    BOOST_TEST(!check.passed(), check.id);
    BOOST_TEST_REQUIRE(check.cases.size() == opts.shapes);
    for (const w2v::CaseResult& c : check.cases) {
      BOOST_TEST_CONTEXT(check.id << " seed 11 case " << c.case_index << " shape "
                                  << c.shape.describe() << " error '" << c.error << "'") {
        if (check.id == "c.naive.du_w" && c.shape.V == 1) {
          BOOST_TEST(w2v::to_string(c.status()) == "skipped");
          continue;
        }
        BOOST_TEST(w2v::to_string(c.status()) == "error");
        BOOST_TEST(contains(c.error, "not implemented"));
        BOOST_TEST(contains(c.error, check.id));
        BOOST_TEST(contains(c.error, "case " + std::to_string(c.case_index)));
        BOOST_TEST(contains(c.error, "seed " + std::to_string(c.seed)));
        BOOST_TEST(contains(c.error, c.shape.describe()));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(throwing_subject_is_an_errored_case_and_the_run_completes) {
  w2v::Word2vecFunctions subject = w2v::reference_functions();
  subject.neg_sampling = [](const arma::vec&, arma::uword, const arma::mat&,
                            const arma::uvec&) -> w2v::LossAndGradient {
    throw std::runtime_error("student code exploded at line 42");
  };
  const w2v::RunOptions opts = options(5, 3, {"e", "d"});
  std::size_t last_done = 0;
  const w2v::RunResult run = w2v::run_checks(w2v::catalog(), subject, opts,
                                             [&](std::size_t done, std::size_t) { last_done = done; });
  BOOST_TEST_REQUIRE(run.checks.size() == 5u);
  BOOST_TEST(last_done == 5u * 3u);
  for (const w2v::CheckResult& check : run.checks) {
    BOOST_TEST_REQUIRE(check.cases.size() == 3u);
    if (check.id == "d.sigmoid.grad") {
      BOOST_TEST(check.passed(), "an unrelated check still passes");
      continue;
    }
    for (const w2v::CaseResult& c : check.cases) {
      BOOST_TEST_CONTEXT(check.id << " seed 5 case " << c.case_index << " shape "
                                  << c.shape.describe() << " error '" << c.error << "'") {
        if (c.status() == w2v::CaseStatus::skipped) continue;
        BOOST_TEST(w2v::to_string(c.status()) == "error");
        BOOST_TEST(contains(c.error, "student code exploded at line 42"));
        BOOST_TEST(contains(c.error, check.id));
        BOOST_TEST(contains(c.error, "seed " + std::to_string(c.seed)));
      }
    }
    BOOST_TEST(check.h_sweep.points.empty(), check.id << ": no sweep for an errored check");
  }
}

BOOST_AUTO_TEST_CASE(unknown_selector_throws) {
  BOOST_CHECK_THROW(w2v::run_checks(w2v::catalog(), w2v::reference_functions(),
                                    options(42, 2, {"b", "q.nothing"})),
                    std::invalid_argument);
  BOOST_CHECK_THROW(w2v::run_checks(w2v::catalog(), w2v::reference_functions(),
                                    options(42, 2, {"f.ne"})),
                    std::invalid_argument);
}

// runner.hpp: "Throws std::invalid_argument for ... a case index ≥
// options.shapes". (The CLI validates --case itself; this is the library
// contract.)
BOOST_AUTO_TEST_CASE(case_index_out_of_range_throws) {
  w2v::RunOptions opts = options(42, 10, {"d"});
  opts.cases = {3, 10};
  BOOST_CHECK_THROW(w2v::run_checks(w2v::catalog(), w2v::reference_functions(), opts),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sweep)

BOOST_AUTO_TEST_CASE(correct_gradient_has_a_deep_minimum) {
  for (const std::string id : {"b.naive.dv_c", "e.neg.du_o", "f.neg.dU"}) {
    const w2v::RunOptions opts = options(42, 15, {id});
    const w2v::RunResult run = w2v::run_checks(w2v::catalog(), w2v::reference_functions(), opts);
    BOOST_TEST_REQUIRE(run.checks.size() == 1u);
    const w2v::HSweep& s = run.checks[0].h_sweep;
    BOOST_TEST_CONTEXT(id << " seed 42 worst case " << s.case_index << " entry (" << s.row << ","
                          << s.col << ")") {
      BOOST_TEST_REQUIRE(s.points.size() == 40u);
      double min_err = INFINITY;
      for (std::size_t k = 0; k < s.points.size(); ++k) {
        int exponent = 0;
        BOOST_TEST(std::frexp(s.points[k].step, &exponent) == 0.5, "step " << k);
        if (k > 0) BOOST_TEST(s.points[k].step == s.points[k - 1].step / 2, "step " << k);
        BOOST_TEST(s.points[k].abs_error == std::abs(s.analytic - s.points[k].numeric));
        min_err = std::min(min_err, s.points[k].abs_error);
      }
      BOOST_TEST(min_err < 1e-8, "minimum sweep error " << min_err);
      // Same sweep when asked directly for the run's worst case.
      const w2v::CaseResult* worst = run.checks[0].worst_case();
      BOOST_TEST_REQUIRE(worst != nullptr);
      BOOST_TEST(s.case_index == worst->case_index);
      const w2v::HSweep again =
          w2v::h_sweep(w2v::select_checks(w2v::catalog(), {id})[0], *worst,
                       w2v::reference_functions(), opts);
      BOOST_TEST_REQUIRE(again.points.size() == 40u);
      BOOST_TEST(again.points[20].numeric == s.points[20].numeric);
    }
  }
}

BOOST_AUTO_TEST_CASE(wrong_gradient_stays_flat) {
  const w2v::WrongVariant wrong = w2v::wrong_variant("factor_2");
  for (const std::string id : {"b.naive.dv_c", "e.neg.du_o"}) {
    const w2v::RunOptions opts = options(42, 15, {id});
    const w2v::RunResult run = w2v::run_checks(w2v::catalog(), wrong.functions, opts);
    BOOST_TEST_REQUIRE(run.checks.size() == 1u);
    BOOST_TEST(!run.checks[0].passed(), id << ": factor_2 passed");
    const w2v::HSweep& s = run.checks[0].h_sweep;
    BOOST_TEST_CONTEXT(id << " factor_2 seed 42 worst case " << s.case_index << " entry ("
                          << s.row << "," << s.col << ") analytic " << s.analytic) {
      BOOST_TEST_REQUIRE(s.points.size() == 40u);
      double lo = INFINITY, hi = 0.0;
      for (std::size_t k = 0; k < s.points.size(); ++k) lo = std::min(lo, s.points[k].abs_error);
      BOOST_TEST(lo > 1e-3, "minimum sweep error " << lo);
      // Flat: over the middle of the sweep the error is the size of the mistake.
      lo = INFINITY;
      for (std::size_t k = 5; k < 30; ++k) {
        lo = std::min(lo, s.points[k].abs_error);
        hi = std::max(hi, s.points[k].abs_error);
      }
      BOOST_TEST(hi / lo < 1.1, "error varies from " << lo << " to " << hi);
      BOOST_TEST(std::abs(lo - std::abs(s.analytic) / 2) <= 1e-3 * std::abs(s.analytic),
                 "flat at " << lo << ", expected |analytic|/2 = " << std::abs(s.analytic) / 2);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
