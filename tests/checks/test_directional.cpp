// checks/directional: the multithreaded exhaustive mode is bitwise the serial
// one; the Gaussian entries are standard normal; the structured line of the
// reference losses agrees with the black-box line; the reference gradient
// never fails a fast check (≥ 1000 block tests, saturating shapes included);
// injected errors at 1–5 coordinates are localised exactly, with the empirical
// miss rate inside the bound the result states; localisation among P = 200,000
// coordinates costs ≤ 2·k·⌈log₂ P⌉ + 1 block tests.
#define BOOST_TEST_MODULE checks_directional
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <armadillo>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <random>
#include <set>
#include <vector>

#include "checks/directional.hpp"
#include "checks/process_setup.hpp"
#include "checks/shape_sampler.hpp"
#include "reference/naive_softmax.hpp"
#include "reference/neg_sampling.hpp"

namespace {

// One BLAS thread: the threads of numerical_gradient_parallel each call BLAS,
// and OpenBLAS's own threads would spin against them.
struct ProcessSetup {
  ProcessSetup() { w2v::configure_process_for_checks(); }
};
BOOST_TEST_GLOBAL_FIXTURE(ProcessSetup);

bool same_bits(const arma::mat& a, const arma::mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(double)) == 0;
}

// One reference loss at one case, with its exact gradient for the block.
struct Problem {
  w2v::Word2vecInputs in;
  arma::vec vc;
  w2v::ReferenceLossKind kind;
  w2v::LossBlock block;

  Problem(const w2v::ShapeCase& sc, w2v::ReferenceLossKind k, w2v::LossBlock b)
      : in(w2v::make_inputs(sc)), vc(in.center_vec()), kind(k), block(b) {}
  w2v::ReferenceLossView view() const {
    return {kind, vc, in.outside_idx, in.outside_vectors, in.negatives};
  }
  w2v::LossAndGradient evaluate(const arma::vec& v, const arma::mat& U) const {
    return kind == w2v::ReferenceLossKind::naive_softmax
               ? w2v::naive_softmax_loss_and_gradient(v, in.outside_idx, U)
               : w2v::neg_sampling_loss_and_gradient(v, in.outside_idx, U, in.negatives);
  }
  bool outside() const { return block == w2v::LossBlock::outside_vectors; }
  arma::mat point() const { return outside() ? in.outside_vectors : arma::mat(vc); }
  arma::mat gradient() const {
    const w2v::LossAndGradient r = evaluate(vc, in.outside_vectors);
    return outside() ? r.grad_outside : arma::mat(r.grad_center);
  }
  std::function<double(const arma::mat&)> loss() const {
    return [this](const arma::mat& x) {
      return outside() ? evaluate(vc, x).loss : evaluate(arma::vec(x), in.outside_vectors).loss;
    };
  }
  std::string name() const {
    return fmt::format("{} {}", kind == w2v::ReferenceLossKind::naive_softmax ? "naive" : "neg",
                       outside() ? "outside" : "center");
  }
};

const w2v::ReferenceLossKind kKinds[] = {w2v::ReferenceLossKind::naive_softmax,
                                         w2v::ReferenceLossKind::neg_sampling};
const w2v::LossBlock kBlocks[] = {w2v::LossBlock::outside_vectors, w2v::LossBlock::center_vec};

}  // namespace

BOOST_AUTO_TEST_CASE(parallel_exhaustive_is_bitwise_serial_for_every_thread_count) {
  constexpr std::uint64_t kSeed = 11;
  for (std::size_t k : {5u, 11u, 30u}) {
    const w2v::ShapeCase sc = w2v::sample_shape(kSeed, k);
    for (const w2v::LossBlock b : kBlocks) {
      const Problem p(sc, w2v::ReferenceLossKind::naive_softmax, b);
      arma::mat x = p.point();
      const w2v::FdOptions fd;
      for (const bool subset : {false, true}) {
        arma::uvec coords;
        if (subset) coords = arma::regspace<arma::uvec>(0, 3, x.n_elem - 1);
        const w2v::NumericalGradient serial = w2v::numerical_gradient(p.loss(), x, fd, coords);
        for (const unsigned threads : {1u, 2u, 3u, 8u}) {
          BOOST_TEST_CONTEXT(p.name() << " case " << k << " (run seed " << kSeed << ", "
                                      << sc.shape.describe() << ") threads=" << threads
                                      << (subset ? " every 3rd coordinate" : " all")) {
            const w2v::NumericalGradient par =
                w2v::numerical_gradient_parallel(p.loss(), p.point(), fd, coords, threads);
            BOOST_TEST(same_bits(par.value, serial.value));
            BOOST_TEST(same_bits(par.error_estimate, serial.error_estimate));
            BOOST_TEST(same_bits(par.step, serial.step));
            BOOST_TEST(par.evaluations == serial.evaluations);
            BOOST_TEST(arma::all(par.coordinates == serial.coordinates));
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(gaussian_entries_are_standard_normal_and_reproducible) {
  constexpr std::size_t n = 1'000'000;
  double sum = 0, sum2 = 0;
  std::size_t within1 = 0, beyond3 = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double z = w2v::direction_value(0x5eed, j);
    sum += z, sum2 += z * z;
    within1 += std::abs(z) < 1.0;
    beyond3 += std::abs(z) > 3.0;
  }
  // Binomial/normal sampling errors at n = 1e6 are ~1e-3; 5σ bounds.
  BOOST_TEST(std::abs(sum / n) < 5e-3);
  BOOST_TEST(std::abs(sum2 / n - 1.0) < 7e-3);
  BOOST_TEST(std::abs(double(within1) / n - 0.682689) < 2.5e-3);
  BOOST_TEST(std::abs(double(beyond3) / n - 0.0026998) < 2.6e-4);
  BOOST_TEST(w2v::direction_value(7, 123) == w2v::direction_value(7, 123));
  BOOST_TEST(w2v::direction_value(7, 123) != w2v::direction_value(8, 123));
}

BOOST_AUTO_TEST_CASE(structured_line_agrees_with_black_box_line) {
  constexpr std::uint64_t kSeed = 21;
  std::size_t compared = 0;
  double worst = 0.0;
  auto compare = [&](const Problem& p, const std::string& where) {
    const arma::mat a = p.gradient();
    const w2v::LineLossFactory structured = w2v::structured_line(p.view(), p.block);
    const w2v::LineLossFactory black = w2v::black_box_line(p.loss(), p.point());
    const arma::uword n = a.n_elem;
    std::mt19937_64 rng(w2v::mix_seed(kSeed, n));
    for (int trial = 0; trial < 4; ++trial) {
      const arma::uword lo = rng() % n, hi = lo + 1 + rng() % (n - lo);
      arma::uvec listed = arma::regspace<arma::uvec>(lo, 2, hi - 1);
      w2v::Direction r;
      r.key = rng();
      if (trial % 2) {
        r.indices = listed.memptr();
        r.count = listed.n_elem;
      } else {
        r.first = lo;
        r.count = hi - lo;
      }
      const w2v::Line ls = structured(r, a), lb = black(r, a);
      BOOST_TEST_CONTEXT(where << " trial " << trial << " block [" << lo << ", " << hi << ")") {
        BOOST_TEST(std::abs(ls.slope - lb.slope) <= 1e-12 * std::max(1.0, std::abs(lb.slope)));
        for (const double t : {0.0, 1e-9, -1e-6, 1e-3, -0.02, 0.1, -0.5}) {
          const double fs = ls.phi(t), fb = lb.phi(t);
          const double rel = std::abs(fs - fb) / std::max(1.0, std::abs(fb));
          worst = std::max(worst, rel);
          ++compared;
          BOOST_TEST(std::isfinite(fs));
          BOOST_TEST(rel <= 1e-12, "t=" << t << " structured " << fs << " black box " << fb);
        }
      }
    }
    BOOST_TEST(same_bits(p.point(), p.outside() ? p.in.outside_vectors : arma::mat(p.vc)));
  };
  for (const w2v::ShapeCase& sc : w2v::sample_shapes(kSeed, 80))
    for (const auto kind : kKinds)
      for (const auto block : kBlocks) {
        const Problem p(sc, kind, block);
        compare(p, fmt::format("{} case {} (seed {}, run seed {}, {})", p.name(), sc.index, sc.seed,
                               kSeed, sc.shape.describe()));
      }
  // Scores up to |s| = 700: nothing overflows and both still agree.
  w2v::ShapeCase sc = w2v::sample_shape(kSeed, 200);
  sc.shape.max_score = 700.0;
  for (const auto kind : kKinds)
    for (const auto block : kBlocks) {
      const Problem p(sc, kind, block);
      compare(p, fmt::format("{} |s|max=700 (seed {}, {})", p.name(), sc.seed, sc.shape.describe()));
    }
  std::cout << "structured vs black-box line: " << compared << " values, worst relative difference "
            << worst << "\n";
}

BOOST_AUTO_TEST_CASE(reference_gradient_never_fails_a_fast_check) {
  constexpr std::uint64_t kSeed = 31;
  constexpr std::size_t kShapes = 300;  // × 4 (kind, block) ≥ 1000 block tests
  std::size_t tests = 0, false_alarms = 0, saturating = 0;
  double worst = 0.0;
  std::string worst_where;
  for (const w2v::ShapeCase& sc : w2v::sample_shapes(kSeed, kShapes)) {
    saturating += sc.shape.family == "saturating" || sc.shape.max_score >= 10;
    for (const auto kind : kKinds)
      for (const auto block : kBlocks) {
        const Problem p(sc, kind, block);
        const std::string where = fmt::format("{} case {} (seed {}, run seed {}, {})", p.name(),
                                              sc.index, sc.seed, kSeed, sc.shape.describe());
        w2v::FastOptions opt;
        opt.seed = sc.seed;
        const arma::mat a = p.gradient();
        // Black-box lines on the small shapes: the same rule must hold for them.
        const bool small = a.n_elem <= 400;
        for (int use_black = 0; use_black <= (small ? 1 : 0); ++use_black) {
          const w2v::LineLossFactory line = use_black
                                                ? w2v::black_box_line(p.loss(), p.point())
                                                : w2v::structured_line(p.view(), p.block);
          const w2v::FastResult r = w2v::fast_check(line, a, opt);
          tests += r.tests;
          false_alarms += r.wrong.size() + (r.passed ? 0 : 1);
          if (r.worst_ratio > worst) worst = r.worst_ratio, worst_where = where;
          BOOST_TEST(r.passed, where << (use_black ? " black box" : " structured") << ": ratio "
                                     << r.worst_ratio << ", wrong " << r.wrong.size());
          BOOST_TEST(r.wrong.empty());
        }
      }
  }
  std::cout << "reference under fast_check: " << tests << " block tests (" << saturating
            << " saturating shapes of " << kShapes << "), " << false_alarms
            << " false alarms, worst |φ'(0) − gᵀr|/(safety·e) = " << worst << " at " << worst_where
            << "\n";
  BOOST_TEST(tests >= 1000u);
  BOOST_TEST(false_alarms == 0u);
}

BOOST_AUTO_TEST_CASE(injected_errors_are_localised_within_the_stated_miss_bound) {
  constexpr std::uint64_t kSeed = 41;
  constexpr std::size_t kShapes = 250;
  std::size_t runs = 0, injected = 0, misses = 0, extras = 0, unresolvable = 0;
  double bound_sum = 0.0;
  for (const w2v::ShapeCase& sc : w2v::sample_shapes(kSeed, kShapes)) {
    for (const auto kind : kKinds)
      for (const auto block : kBlocks) {
        const Problem p(sc, kind, block);
        arma::mat a = p.gradient();
        const double scale = arma::abs(a).max();
        if (a.n_elem < 8 || scale == 0.0) continue;  // nothing to localise in
        std::mt19937_64 rng(w2v::mix_seed(sc.seed, w2v::stream_id(p.name())));
        const std::size_t k = 1 + rng() % std::min<arma::uword>(5, a.n_elem / 4);
        std::set<arma::uword> wrong;
        while (wrong.size() < k) wrong.insert(rng() % a.n_elem);
        const w2v::LineLossFactory line = w2v::structured_line(p.view(), p.block);
        w2v::FastOptions opt;
        opt.seed = rng();
        std::vector<double> deltas;
        for (const arma::uword i : wrong) {
          // Relative sizes 1e-3 … 1 of the block's largest entry, either sign.
          const double rel = std::pow(10.0, -3.0 * w2v::uniform01(rng));
          deltas.push_back((rng() & 1 ? 1 : -1) * rel * scale);
          a[i] += deltas.back();
        }
        const w2v::FastResult r = w2v::fast_check(line, a, opt);
        const std::string where =
            fmt::format("{} case {} (seed {}, run seed {}, {}), fast seed {}", p.name(), sc.index,
                        sc.seed, kSeed, sc.shape.describe(), opt.seed);
        ++runs;
        std::size_t j = 0;
        for (const arma::uword i : wrong) {
          const double delta = deltas[j++];
          ++injected;
          const bool found = std::binary_search(r.wrong.begin(), r.wrong.end(), i);
          // The coordinate's own central difference: an error inside its
          // tolerance is beyond any finite difference, not a miss of the mode.
          w2v::Direction unit;
          unit.first = i, unit.count = 1, unit.unit = true;
          const w2v::Line l = line(unit, a);
          const w2v::Derivative dv = w2v::derivative(l.phi, w2v::step_for(0.0, opt.fd), opt.fd);
          if (std::abs(delta) <= 2 * opt.safety * dv.error_estimate) {
            ++unresolvable;
            continue;
          }
          bound_sum += w2v::miss_probability_bound(r, opt, a.n_elem, delta);
          if (!found) {
            ++misses;
            BOOST_TEST_MESSAGE("missed coordinate " << i << " δ=" << delta << " in " << where);
          }
        }
        for (const arma::uword i : r.wrong)
          if (!wrong.count(i)) {
            ++extras;
            BOOST_TEST(false, "correct coordinate " << i << " reported wrong in " << where);
          }
        BOOST_TEST(r.localisation_complete, where);
        BOOST_TEST(r.tests <= 1 + 2 * k * static_cast<std::size_t>(std::ceil(std::log2(a.n_elem))),
                   where << ": " << r.tests << " tests");
      }
  }
  const double rate = double(misses) / double(injected - unresolvable);
  std::cout << "injected errors: " << runs << " runs, " << injected << " wrong coordinates ("
            << unresolvable << " inside their own finite-difference tolerance), " << misses
            << " missed (rate " << rate << "), stated bound sums to " << bound_sum
            << " expected misses, " << extras << " correct coordinates reported wrong\n";
  BOOST_TEST(injected >= 1000u);
  BOOST_TEST(extras == 0u);
  // Misses are a sum of independent events with probabilities ≤ the stated
  // bounds: allow three standard deviations above their sum.
  BOOST_TEST(double(misses) <= bound_sum + 3 * std::sqrt(bound_sum),
             misses << " misses, bound " << bound_sum);
}

BOOST_AUTO_TEST_CASE(localisation_among_200000_coordinates_costs_O_k_log_P_tests) {
  constexpr std::uint64_t kSeed = 51;
  constexpr arma::uword V = 2000, d = 100;  // P = 200,000
  w2v::ShapeCase sc = w2v::sample_shape(kSeed, 100);
  sc.shape.V = V, sc.shape.d = d, sc.shape.max_score = 5.0;
  const Problem p(sc, w2v::ReferenceLossKind::naive_softmax, w2v::LossBlock::outside_vectors);
  arma::mat a = p.gradient();
  const double scale = arma::abs(a).max();
  std::mt19937_64 rng(kSeed);
  std::set<arma::uword> wrong;
  while (wrong.size() < 3) wrong.insert(rng() % a.n_elem);
  for (const arma::uword i : wrong) a[i] += 0.05 * scale;
  w2v::FastOptions opt;
  opt.seed = kSeed;
  const w2v::FastResult r = w2v::fast_check(w2v::structured_line(p.view(), p.block), a, opt);
  // Binary splitting: one whole-block test, then two per failing block on each
  // of ⌈log₂ P⌉ levels, at most k failing blocks per level: c = 2.
  const std::size_t limit = 1 + 2 * 3 * static_cast<std::size_t>(std::ceil(std::log2(a.n_elem)));
  std::cout << "P=200000, k=3: " << r.tests << " tests (limit 2·k·⌈log₂ P⌉ + 1 = " << limit
            << "), " << r.evaluations << " φ evaluations\n" << r.guarantee << "\n";
  BOOST_TEST_CONTEXT("seed " << kSeed << " " << sc.shape.describe()) {
    BOOST_TEST(!r.passed);
    BOOST_TEST(std::vector<arma::uword>(wrong.begin(), wrong.end()) == r.wrong,
               boost::test_tools::per_element());
    BOOST_TEST(r.tests <= limit);
    BOOST_TEST(r.localisation_complete);
  }
}
