// checks/structured_fd: the structured central differences agree with the
// black-box engine (numerical_gradient, central) on sampled coordinates of
// seeded shapes, for both losses and both blocks; the exhaustive check passes
// the reference and equals compare_gradients over the structured gradient
// exactly; a sign-flipped row is found; the thread count does not change the
// result; scores of ±700 stay finite. Also ComparisonAccumulator's split and
// merge, which the threaded check relies on.
#define BOOST_TEST_MODULE checks_structured_fd
#include <boost/test/unit_test.hpp>

#include <armadillo>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "checks/error_metrics.hpp"
#include "checks/finite_difference.hpp"
#include "checks/shape_sampler.hpp"
#include "checks/structured_fd.hpp"
#include "reference/naive_softmax.hpp"
#include "reference/neg_sampling.hpp"
#include "reference/skipgram.hpp"

namespace {

using w2v::LossBlock;
using w2v::ReferenceLossKind;

constexpr std::uint64_t kSeed = 42;      // run seed of every sampled shape below
constexpr std::size_t kShapes = 200;     // the CLI's default count: all 12 edge shapes and more
constexpr std::size_t kProbesPerBlock = 24;

// Two black boxes, both numerical_gradient with the central stencil:
//
// 1. On the double reference loss. Its quotient (f(x+h) − f(x−h))/2h carries
//    the rounding of two losses of size |J|, up to ~ε·|J|/h ≈ 3e-11·|J| per
//    ulp; saturating shapes reach |J| ≈ 80, i.e. ~1e-9 of noise in the black
//    box itself (measured: 1.15e-9 where the structured value matched an
//    extended-precision quotient to 1e-16). So the bound adds that noise:
//      |structured − black box| ≤ 1e-9·max(1, |black box|) + 2ε·max(1, |J|)/h.
//    Error estimates: both engines add the same round-off bound κε·max(1,|f|)/h
//    (their |f| agree to ~1e-15 relative), but the black box's Richardson term
//    |D(h) − D(2h)|/3 also holds the rounding noise of its four evaluations,
//    ~(3/3)·2ε|J|/h·(1/2 + 1/4) < the κ = 16 round-off bound. So they agree to
//    within that round-off bound (plus 1e-6 of the estimate for the truncation
//    part; measured worst: 0.17 of the bound).
// 2. On the same loss evaluated in long double (64-bit significand) and shifted
//    by its value at x, so the quotient's rounding is ~2^-64·|J|/h ≈ 1e-12:
//      |structured − black box| ≤ 1e-9·max(1, |black box|), no other slack.
//    This is the claim that the structured values are the black box's central
//    differences; a wrong Δ (e.g. dropping a repeat, the −[w=o]δ term or the
//    actual offset fl(x0+t) − x0) is off by far more.
constexpr double kValueTol = 1e-9;
constexpr double kNoiseUlps = 2.0;
constexpr double kEstimateRoundoffShare = 1.0;

const char* name(ReferenceLossKind k) {
  return k == ReferenceLossKind::naive_softmax ? "naive_softmax" : "neg_sampling";
}
const char* name(LossBlock b) {
  return b == LossBlock::center_vec ? "center_vec" : "outside_vectors";
}

struct Problem {
  w2v::ShapeCase sc;
  w2v::Word2vecInputs in;
  arma::vec v;
  std::string where() const {
    return fmt::format("seed {} case {} shape {} inputs {}", kSeed, sc.index, sc.shape.describe(),
                       in.describe());
  }
};

std::vector<Problem> problems(std::size_t count) {
  std::vector<Problem> out;
  for (const w2v::ShapeCase& sc : w2v::sample_shapes(kSeed, count)) {
    Problem p{sc, w2v::make_inputs(sc), {}};
    p.v = p.in.center_vec();
    out.push_back(std::move(p));
  }
  return out;
}

w2v::LossAndGradient reference(ReferenceLossKind kind, const arma::vec& v, arma::uword o,
                               const arma::mat& U, const arma::uvec& neg) {
  return kind == ReferenceLossKind::naive_softmax
             ? w2v::naive_softmax_loss_and_gradient(v, o, U)
             : w2v::neg_sampling_loss_and_gradient(v, o, U, neg);
}

// The reference losses in long double: scores, log-sum-exp and softplus with
// a 64-bit significand, for the extended-precision black box.
long double reference_ld(ReferenceLossKind kind, const arma::vec& v, arma::uword o,
                         const arma::mat& U, const arma::uvec& neg) {
  auto score = [&](arma::uword w) {
    long double s = 0.0L;
    for (arma::uword j = 0; j < v.n_elem; ++j) s += static_cast<long double>(U(w, j)) * v[j];
    return s;
  };
  auto softplus = [](long double x) {
    return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  };
  if (kind == ReferenceLossKind::neg_sampling) {
    long double j = softplus(-score(o));
    for (const arma::uword w : neg) j += softplus(score(w));
    return j;
  }
  std::vector<long double> s(U.n_rows);
  for (arma::uword w = 0; w < U.n_rows; ++w) s[w] = score(w);
  const long double m = *std::max_element(s.begin(), s.end());
  long double sum = 0.0L;
  for (const long double x : s) sum += std::exp(x - m);
  return m + std::log(sum) - s[o];
}

w2v::NumericalGradient black_box_ld(ReferenceLossKind kind, LossBlock block, const arma::vec& v,
                                    arma::uword o, const arma::mat& U, const arma::uvec& neg,
                                    const arma::uvec& coords) {
  const w2v::FdOptions fd;
  const long double j0 = reference_ld(kind, v, o, U, neg);
  if (block == LossBlock::outside_vectors) {
    arma::mat x = U;
    return w2v::numerical_gradient(
        [&](const arma::mat& u) {
          return static_cast<double>(reference_ld(kind, v, o, u, neg) - j0);
        },
        x, fd, coords);
  }
  arma::mat x = v;
  return w2v::numerical_gradient(
      [&](const arma::mat& c) {
        return static_cast<double>(reference_ld(kind, arma::vec(c.col(0)), o, U, neg) - j0);
      },
      x, fd, coords);
}

// The black-box engine on the reference loss, perturbing a copy of the block.
w2v::NumericalGradient black_box(ReferenceLossKind kind, LossBlock block, const arma::vec& v,
                                 arma::uword o, const arma::mat& U, const arma::uvec& neg,
                                 const arma::uvec& coords) {
  const w2v::FdOptions fd;
  if (block == LossBlock::outside_vectors) {
    arma::mat x = U;
    return w2v::numerical_gradient(
        [&](const arma::mat& u) { return reference(kind, v, o, u, neg).loss; }, x, fd, coords);
  }
  arma::mat x = v;
  return w2v::numerical_gradient(
      [&](const arma::mat& c) { return reference(kind, arma::vec(c.col(0)), o, U, neg).loss; },
      x, fd, coords);
}

arma::mat analytic_of(ReferenceLossKind kind, LossBlock block, const arma::vec& v, arma::uword o,
                      const arma::mat& U, const arma::uvec& neg) {
  const w2v::LossAndGradient r = reference(kind, v, o, U, neg);
  return block == LossBlock::outside_vectors ? r.grad_outside : arma::mat(r.grad_center);
}

// Seeded coordinates of the block, always including the entries the losses
// treat specially (row o; the first negative's row).
arma::uvec sample_coordinates(const Problem& p, LossBlock block, std::mt19937_64& rng) {
  const arma::uword rows = block == LossBlock::outside_vectors ? p.in.outside_vectors.n_rows
                                                               : p.v.n_elem;
  const arma::uword n = block == LossBlock::outside_vectors ? p.in.outside_vectors.n_elem
                                                            : p.v.n_elem;
  std::vector<arma::uword> c;
  if (block == LossBlock::outside_vectors) {
    c.push_back(p.in.outside_idx);
    c.push_back(p.in.negatives[0] + rows * (n / rows - 1));
  }
  for (std::size_t k = 0; k < kProbesPerBlock && c.size() < n; ++k) c.push_back(rng() % n);
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  return arma::uvec(c);
}

// Every field, bit for bit (two NaNs count as equal).
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
bool same(const w2v::EntryError& a, const w2v::EntryError& b) {
  return a.index == b.index && a.row == b.row && a.col == b.col && same(a.analytic, b.analytic) &&
         same(a.numeric, b.numeric) && same(a.abs_error, b.abs_error) &&
         same(a.rel_error, b.rel_error) && same(a.reldiff, b.reldiff) &&
         same(a.tolerance, b.tolerance) && same(a.step, b.step);
}
bool same(const w2v::GradientComparison& a, const w2v::GradientComparison& b) {
  if (a.checked != b.checked || a.failing != b.failing || !same(a.worst, b.worst) ||
      !same(a.max_abs_error, b.max_abs_error) || !same(a.max_rel_error, b.max_rel_error) ||
      !same(a.max_reldiff, b.max_reldiff) || !same(a.max_error_floor, b.max_error_floor) ||
      a.failures.size() != b.failures.size())
    return false;
  for (std::size_t k = 0; k < a.failures.size(); ++k)
    if (!same(a.failures[k], b.failures[k])) return false;
  return true;
}
std::string show(const w2v::GradientComparison& c) {
  return fmt::format("checked {} failing {} worst #{} ({},{}) a={:.17g} n={:.17g} tol={:.3g}",
                     c.checked, c.failing, c.worst.index, c.worst.row, c.worst.col,
                     c.worst.analytic, c.worst.numeric, c.worst.tolerance);
}

constexpr ReferenceLossKind kKinds[] = {ReferenceLossKind::naive_softmax,
                                        ReferenceLossKind::neg_sampling};
constexpr LossBlock kBlocks[] = {LossBlock::center_vec, LossBlock::outside_vectors};

}  // namespace

BOOST_AUTO_TEST_SUITE(structured_fd)

BOOST_AUTO_TEST_CASE(agrees_with_black_box_on_sampled_coordinates) {
  const std::vector<Problem> ps = problems(kShapes);
  std::size_t probes = 0;
  double worst_value = 0.0, worst_estimate = 0.0;
  for (const Problem& p : ps) {
    std::mt19937_64 rng(w2v::mix_seed(p.sc.seed, w2v::stream_id("structured_fd probes")));
    for (const ReferenceLossKind kind : kKinds)
      for (const LossBlock block : kBlocks) {
        const arma::uword o = p.in.outside_idx;
        const arma::mat& U = p.in.outside_vectors;
        const arma::uvec coords = sample_coordinates(p, block, rng);
        const w2v::ReferenceLossView view{kind, p.v, o, U, p.in.negatives};
        const w2v::NumericalGradient s =
            w2v::structured_central_differences(view, block, w2v::FdOptions{}, coords);
        const w2v::NumericalGradient b = black_box(kind, block, p.v, o, U, p.in.negatives, coords);
        BOOST_TEST_REQUIRE((s.coordinates.n_elem == coords.n_elem &&
                            arma::all(s.coordinates == coords)));
        BOOST_TEST(s.evaluations == b.evaluations);
        const double loss = std::abs(reference(kind, p.v, o, U, p.in.negatives).loss);
        for (const arma::uword i : coords) {
          ++probes;
          const double bv = b.value[i], sv = s.value[i];
          const double noise =
              kNoiseUlps * std::numeric_limits<double>::epsilon() * std::max(1.0, loss) / b.step[i];
          const double value_ratio =
              std::abs(sv - bv) / (kValueTol * std::max(1.0, std::abs(bv)) + noise);
          const double roundoff =
              w2v::detail::roundoff_bound(loss, b.step[i], w2v::FdOptions{}.roundoff_ulps);
          const double estimate_ratio = std::abs(s.error_estimate[i] - b.error_estimate[i]) /
                                        (kEstimateRoundoffShare * roundoff +
                                         1e-6 * b.error_estimate[i]);
          worst_value = std::max(worst_value, value_ratio);
          worst_estimate = std::max(worst_estimate, estimate_ratio);
          if (value_ratio > 1.0 || estimate_ratio > 1.0 || s.step[i] != b.step[i])
            BOOST_ERROR(fmt::format(
                "{} {} coordinate {}: structured {:.17g} (e {:.3g}, h {:.3g}) vs black box "
                "{:.17g} (e {:.3g}, h {:.3g}); value off by {:.3g}× the bound, estimate by "
                "{:.3g}× ({})",
                name(kind), name(block), w2v::describe_coordinate(b.value, i), sv,
                s.error_estimate[i], s.step[i], bv, b.error_estimate[i], b.step[i], value_ratio,
                estimate_ratio, p.where()));
        }
      }
  }
  BOOST_TEST_MESSAGE(fmt::format("{} probes; worst value / bound {:.3g}, estimate / bound {:.3g}",
                                 probes, worst_value, worst_estimate));
  BOOST_TEST(probes > 10000u);
}

BOOST_AUTO_TEST_CASE(agrees_with_extended_precision_black_box_to_1e_9) {
  if (std::numeric_limits<long double>::digits < 64) return;  // no extended precision here
  std::size_t probes = 0;
  double worst = 0.0;
  for (const Problem& p : problems(kShapes)) {
    std::mt19937_64 rng(w2v::mix_seed(p.sc.seed, w2v::stream_id("structured_fd probes ld")));
    for (const ReferenceLossKind kind : kKinds)
      for (const LossBlock block : kBlocks) {
        const arma::uword o = p.in.outside_idx;
        const arma::mat& U = p.in.outside_vectors;
        const arma::uvec coords = sample_coordinates(p, block, rng);
        const w2v::ReferenceLossView view{kind, p.v, o, U, p.in.negatives};
        const w2v::NumericalGradient s =
            w2v::structured_central_differences(view, block, w2v::FdOptions{}, coords);
        const w2v::NumericalGradient b =
            black_box_ld(kind, block, p.v, o, U, p.in.negatives, coords);
        for (const arma::uword i : coords) {
          ++probes;
          const double ratio = std::abs(s.value[i] - b.value[i]) /
                               (kValueTol * std::max(1.0, std::abs(b.value[i])));
          worst = std::max(worst, ratio);
          if (ratio > 1.0)
            BOOST_ERROR(fmt::format(
                "{} {} coordinate {}: structured {:.17g} vs extended-precision black box "
                "{:.17g} (h {:.3g}): {:.3g}× the 1e-9 bound ({})",
                name(kind), name(block), w2v::describe_coordinate(b.value, i), s.value[i],
                b.value[i], b.step[i], ratio, p.where()));
        }
      }
  }
  BOOST_TEST_MESSAGE(fmt::format("{} probes; worst |Δ| / (1e-9·max(1,|value|)) {:.3g}", probes,
                                 worst));
  BOOST_TEST(probes > 10000u);
}

// A negative equal to o carries both the positive and the negative term in row
// o (neg_sampling.hpp); the sampler never draws one, so build it here.
BOOST_AUTO_TEST_CASE(negative_equal_to_outside_word_agrees_with_black_box) {
  const w2v::ShapeCase sc = w2v::sample_shape(kSeed, 5);  // edge: repeats, negatives ∋ c
  w2v::Word2vecInputs in = w2v::make_inputs(sc);
  in.negatives[1] = in.negatives[2] = in.outside_idx;
  const arma::vec v = in.center_vec();
  for (const LossBlock block : kBlocks) {
    const w2v::ReferenceLossView view{ReferenceLossKind::neg_sampling, v, in.outside_idx,
                                      in.outside_vectors, in.negatives};
    const w2v::NumericalGradient s =
        w2v::structured_central_differences(view, block, w2v::FdOptions{});
    const w2v::NumericalGradient b =
        black_box(ReferenceLossKind::neg_sampling, block, v, in.outside_idx,
                  in.outside_vectors, in.negatives, {});
    const double err = arma::abs(s.value - b.value).max();
    BOOST_TEST(err <= kValueTol * std::max(1.0, arma::abs(b.value).max()),
               name(block) << ": max |structured − black box| " << err << " (seed " << kSeed
                           << " case 5 with o put into negatives " << in.describe() << ")");
    const arma::mat analytic = analytic_of(ReferenceLossKind::neg_sampling, block, v,
                                           in.outside_idx, in.outside_vectors, in.negatives);
    const w2v::GradientComparison c = w2v::structured_exhaustive_check(
        view, block, analytic, w2v::FdOptions{}, w2v::ComparisonOptions{}, 2);
    BOOST_TEST(c.passed(), name(block) << ": " << show(c) << " (" << in.describe() << ")");
  }
}

BOOST_AUTO_TEST_CASE(exhaustive_check_passes_reference_and_equals_compare_gradients) {
  std::size_t checked = 0;
  for (const Problem& p : problems(kShapes))
    for (const ReferenceLossKind kind : kKinds)
      for (const LossBlock block : kBlocks) {
        const w2v::ReferenceLossView view{kind, p.v, p.in.outside_idx, p.in.outside_vectors,
                                          p.in.negatives};
        const arma::mat analytic = analytic_of(kind, block, p.v, p.in.outside_idx,
                                               p.in.outside_vectors, p.in.negatives);
        const w2v::FdOptions fd;
        const w2v::ComparisonOptions cmp;
        const w2v::GradientComparison c =
            w2v::structured_exhaustive_check(view, block, analytic, fd, cmp, 2);
        const w2v::GradientComparison expected =
            w2v::compare_gradients(analytic, w2v::structured_central_differences(view, block, fd),
                                   cmp);
        BOOST_TEST(c.passed(), name(kind) << " " << name(block) << ": " << show(c) << " ("
                                          << p.where() << ")");
        BOOST_TEST(c.checked == analytic.n_elem);
        BOOST_TEST(same(c, expected), name(kind) << " " << name(block) << ": exhaustive "
                                                 << show(c) << " vs compare_gradients "
                                                 << show(expected) << " (" << p.where() << ")");
        checked += c.checked;
      }
  BOOST_TEST_MESSAGE(checked << " entries checked exhaustively");
}

BOOST_AUTO_TEST_CASE(sign_flipped_row_is_flagged_at_the_right_index) {
  std::size_t flagged = 0;
  for (const Problem& p : problems(kShapes))
    for (const ReferenceLossKind kind : kKinds)
      for (const LossBlock block : kBlocks) {
        const w2v::ReferenceLossView view{kind, p.v, p.in.outside_idx, p.in.outside_vectors,
                                          p.in.negatives};
        const w2v::FdOptions fd;
        const w2v::ComparisonOptions cmp;
        const arma::mat good = analytic_of(kind, block, p.v, p.in.outside_idx,
                                           p.in.outside_vectors, p.in.negatives);
        const w2v::NumericalGradient n = w2v::structured_central_differences(view, block, fd);
        // Flip the row whose entry stands out most against its tolerance; a
        // flip that stays within tolerance everywhere is not a detectable
        // mistake (e.g. ŷ_w underflowed to 0), so skip those shapes.
        const arma::mat ratio = 2 * arma::abs(good) / (cmp.safety * n.error_estimate);
        const arma::uword peak = ratio.index_max();
        if (!(ratio[peak] > 1.0)) continue;
        const arma::uword row = peak % good.n_rows;
        arma::mat bad = good;
        bad.row(row) *= -1;
        // The worst entry is the first with the largest |bad − n| / tolerance.
        const arma::mat bad_ratio = arma::abs(bad - n.value) / (cmp.safety * n.error_estimate);
        const arma::uword expected_worst = bad_ratio.index_max();

        const w2v::GradientComparison c =
            w2v::structured_exhaustive_check(view, block, bad, fd, cmp, 3);
        BOOST_TEST_CONTEXT(name(kind) << " " << name(block) << " row " << row << " flipped ("
                                      << p.where() << "): " << show(c)) {
          BOOST_TEST(!c.passed());
          BOOST_TEST(c.worst.row == row);
          BOOST_TEST(c.worst.index == expected_worst);
          for (const w2v::EntryError& f : c.failures) BOOST_TEST(f.row == row);
          BOOST_TEST(c.failing <= good.n_cols);
        }
        ++flagged;
      }
  BOOST_TEST(flagged > 3 * kShapes, "only " << flagged << " flippable rows (seed " << kSeed << ")");
}

BOOST_AUTO_TEST_CASE(thread_count_does_not_change_the_result) {
  // Large shapes (many entries per thread) and small ones (more threads than
  // some blocks have entries), with a gradient that fails in many places so
  // the failures list and the worst entry cross thread boundaries.
  std::size_t compared = 0;
  for (const Problem& p : problems(60))
    for (const ReferenceLossKind kind : kKinds)
      for (const LossBlock block : kBlocks) {
        const w2v::ReferenceLossView view{kind, p.v, p.in.outside_idx, p.in.outside_vectors,
                                          p.in.negatives};
        arma::mat analytic = analytic_of(kind, block, p.v, p.in.outside_idx,
                                         p.in.outside_vectors, p.in.negatives);
        for (arma::uword k = 0; k < analytic.n_elem; k += 3) analytic[k] = -analytic[k] + 1e-3;
        w2v::ComparisonOptions cmp;
        cmp.keep_failures = 5;
        const w2v::GradientComparison one =
            w2v::structured_exhaustive_check(view, block, analytic, w2v::FdOptions{}, cmp, 1);
        for (const unsigned threads : {2u, 3u, 7u}) {
          const w2v::GradientComparison many = w2v::structured_exhaustive_check(
              view, block, analytic, w2v::FdOptions{}, cmp, threads);
          BOOST_TEST(same(one, many), name(kind) << " " << name(block) << " threads " << threads
                                                 << ": " << show(many) << " vs 1 thread "
                                                 << show(one) << " (" << p.where() << ")");
          ++compared;
        }
      }
  BOOST_TEST(compared == 60u * 4u * 3u);
}

BOOST_AUTO_TEST_CASE(scores_of_700_stay_finite_and_pass) {
  // Scaled so max |s_w| = 700 exactly, with o the largest score (ŷ_o = 1 to
  // the last bit) and the smallest (ŷ_o = e^{-1400}), and the negatives both ways.
  for (const double sign : {1.0, -1.0}) {
    w2v::ShapeCase sc = w2v::sample_shape(kSeed, 11);  // edge: V=50 d=10 K=10, saturating
    w2v::Word2vecInputs in = w2v::make_inputs(sc);
    arma::vec v = in.center_vec();
    arma::mat U = in.outside_vectors;
    const arma::vec s = U * v;
    const arma::uword o = s.index_max();
    const double factor = std::sqrt(700.0 / arma::abs(s).max());
    U *= factor;
    v *= sign * factor;
    for (const ReferenceLossKind kind : kKinds)
      for (const LossBlock block : kBlocks) {
        const w2v::ReferenceLossView view{kind, v, o, U, in.negatives};
        const arma::mat analytic = analytic_of(kind, block, v, o, U, in.negatives);
        BOOST_TEST_CONTEXT(name(kind) << " " << name(block) << " |s|max 700, s_o = "
                                      << sign * arma::abs(U * v).max() << " (seed " << kSeed
                                      << " case 11 " << in.describe() << ")") {
          const w2v::NumericalGradient n = w2v::structured_central_differences(view, block, {});
          BOOST_TEST(n.value.is_finite());
          BOOST_TEST(n.error_estimate.is_finite());
          const w2v::GradientComparison c = w2v::structured_exhaustive_check(
              view, block, analytic, w2v::FdOptions{}, w2v::ComparisonOptions{}, 2);
          BOOST_TEST(c.passed(), show(c));
          BOOST_TEST(std::isfinite(c.max_abs_error));
        }
      }
  }
}

BOOST_AUTO_TEST_CASE(bad_arguments_throw) {
  const w2v::Word2vecInputs in = w2v::make_inputs(w2v::sample_shape(kSeed, 5));
  const arma::vec v = in.center_vec();
  const w2v::ReferenceLossView view{ReferenceLossKind::naive_softmax, v, in.outside_idx,
                                    in.outside_vectors, in.negatives};
  w2v::FdOptions four;
  four.stencil = w2v::Stencil::four_point;
  BOOST_CHECK_THROW(w2v::structured_central_differences(view, LossBlock::center_vec, four),
                    std::invalid_argument);
  BOOST_CHECK_THROW(w2v::structured_exhaustive_check(view, LossBlock::outside_vectors,
                                                     arma::mat(in.outside_vectors.t()),
                                                     w2v::FdOptions{}, {}, 2),
                    std::invalid_argument);
  BOOST_CHECK_THROW(w2v::structured_central_differences(view, LossBlock::center_vec, {},
                                                        arma::uvec{v.n_elem}),
                    std::out_of_range);
  const arma::uvec bad_neg{0, in.outside_vectors.n_rows};
  const w2v::ReferenceLossView neg{ReferenceLossKind::neg_sampling, v, in.outside_idx,
                                   in.outside_vectors, bad_neg};
  BOOST_CHECK_THROW(w2v::structured_central_differences(neg, LossBlock::center_vec, {}),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

// Skip-gram (structured_fd.hpp, SkipgramLossView): the window's structured
// differences are the black box's on the reference skipgram(), for both word
// losses and both blocks, at sampled entries of U, of row c and of other
// rows of the center vectors (where both give exactly 0).
BOOST_AUTO_TEST_SUITE(structured_fd_skipgram)

using w2v::SkipgramBlock;

struct Window {
  const w2v::Word2vecInputs& in;
  ReferenceLossKind kind;
  std::vector<arma::uvec> negatives() const {
    return kind == ReferenceLossKind::neg_sampling ? in.negatives_per_context
                                                   : std::vector<arma::uvec>{};
  }
  double loss(const arma::mat& C, const arma::mat& U) const {
    const w2v::WordLoss word = kind == ReferenceLossKind::naive_softmax
                                   ? w2v::naive_softmax_word_loss()
                                   : w2v::neg_sampling_word_loss(in.negatives_per_context);
    return w2v::skipgram(in.center_idx, in.context, C, U, word).loss;
  }
  long double loss_ld(const arma::mat& C, const arma::mat& U) const {
    const arma::vec v = C.row(in.center_idx).t();
    long double j = 0.0L;
    for (arma::uword k = 0; k < in.context.n_elem; ++k)
      j += reference_ld(kind, v, in.context[k], U,
                        kind == ReferenceLossKind::neg_sampling ? in.negatives_per_context[k]
                                                                : arma::uvec{});
    return j;
  }
};

// Entries of U (rows of the context words first), of row c and of two other
// rows of the center vectors.
arma::uvec window_coordinates(const w2v::Word2vecInputs& in, SkipgramBlock block,
                              std::mt19937_64& rng) {
  const arma::uword V = in.outside_vectors.n_rows, n = in.outside_vectors.n_elem;
  std::vector<arma::uword> c;
  if (block == SkipgramBlock::outside_vectors) {
    for (const arma::uword w : in.context) c.push_back(w);
    for (std::size_t k = 0; k < kProbesPerBlock; ++k) c.push_back(rng() % n);
  } else {
    const arma::uword d = n / V;
    for (arma::uword i = 0; i < d; ++i) c.push_back(in.center_idx + i * V);
    for (std::size_t k = 0; k < 2 && V > 1; ++k) c.push_back(rng() % n);
  }
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  return arma::uvec(c);
}

BOOST_AUTO_TEST_CASE(agrees_with_black_box_and_extended_precision) {
  std::size_t probes = 0, zero_rows = 0;
  double worst_value = 0.0, worst_ld = 0.0;
  for (const Problem& p : problems(kShapes)) {
    std::mt19937_64 rng(w2v::mix_seed(p.sc.seed, w2v::stream_id("structured_fd skipgram")));
    const arma::mat& C = p.in.center_vectors;
    const arma::mat& U = p.in.outside_vectors;
    for (const ReferenceLossKind kind : kKinds)
      for (const SkipgramBlock block :
           {SkipgramBlock::center_vectors, SkipgramBlock::outside_vectors}) {
        const Window win{p.in, kind};
        const std::vector<arma::uvec> negs = win.negatives();
        const w2v::SkipgramLossView view{kind, p.in.center_idx, C, U, p.in.context, negs};
        const arma::uvec coords = window_coordinates(p.in, block, rng);
        const w2v::NumericalGradient s =
            w2v::structured_central_differences(view, block, w2v::FdOptions{}, coords);
        const bool outside = block == SkipgramBlock::outside_vectors;
        arma::mat x = outside ? U : C;
        const w2v::NumericalGradient b = w2v::numerical_gradient(
            [&](const arma::mat& m) { return outside ? win.loss(C, m) : win.loss(m, U); }, x,
            w2v::FdOptions{}, coords);
        const long double j0 = win.loss_ld(C, U);
        x = outside ? U : C;
        const w2v::NumericalGradient ld = w2v::numerical_gradient(
            [&](const arma::mat& m) {
              return static_cast<double>((outside ? win.loss_ld(C, m) : win.loss_ld(m, U)) - j0);
            },
            x, w2v::FdOptions{}, coords);
        const double loss = std::abs(win.loss(C, U));
        const char* block_name = outside ? "outside_vectors" : "center_vectors";
        for (const arma::uword i : coords) {
          ++probes;
          const bool other_row = !outside && i % C.n_rows != p.in.center_idx;
          if (other_row) {
            ++zero_rows;
            if (s.value[i] != 0.0 || b.value[i] != 0.0 || s.error_estimate[i] != b.error_estimate[i])
              BOOST_ERROR(fmt::format("{} skip-gram {} coordinate {} (not row c): structured {} "
                                      "(e {:.3g}) vs black box {} (e {:.3g}) ({})",
                                      name(kind), block_name, w2v::describe_coordinate(C, i),
                                      s.value[i], s.error_estimate[i], b.value[i],
                                      b.error_estimate[i], p.where()));
            continue;
          }
          const double noise =
              kNoiseUlps * std::numeric_limits<double>::epsilon() * std::max(1.0, loss) / b.step[i];
          const double value_ratio = std::abs(s.value[i] - b.value[i]) /
                                     (kValueTol * std::max(1.0, std::abs(b.value[i])) + noise);
          const double ld_ratio = std::abs(s.value[i] - ld.value[i]) /
                                  (kValueTol * std::max(1.0, std::abs(ld.value[i])));
          worst_value = std::max(worst_value, value_ratio);
          if (std::numeric_limits<long double>::digits >= 64) worst_ld = std::max(worst_ld, ld_ratio);
          if (value_ratio > 1.0 || s.step[i] != b.step[i] ||
              (std::numeric_limits<long double>::digits >= 64 && ld_ratio > 1.0))
            BOOST_ERROR(fmt::format(
                "{} skip-gram {} coordinate {}: structured {:.17g} (h {:.3g}) vs black box "
                "{:.17g} (h {:.3g}, {:.3g}× the bound) vs extended precision {:.17g} ({:.3g}× "
                "the 1e-9 bound) ({})",
                name(kind), block_name, w2v::describe_coordinate(b.value, i), s.value[i],
                s.step[i], b.value[i], b.step[i], value_ratio, ld.value[i], ld_ratio, p.where()));
        }
      }
  }
  BOOST_TEST_MESSAGE(fmt::format("{} skip-gram probes ({} outside row c); worst value / bound "
                                 "{:.3g}, vs extended precision {:.3g}",
                                 probes, zero_rows, worst_value, worst_ld));
  BOOST_TEST(probes > 10000u);
  BOOST_TEST(zero_rows > 100u);
}

BOOST_AUTO_TEST_CASE(exhaustive_check_passes_reference_and_flags_a_wrong_entry) {
  for (const Problem& p : problems(40)) {
    for (const ReferenceLossKind kind : kKinds) {
      const Window win{p.in, kind};
      const std::vector<arma::uvec> negs = win.negatives();
      const w2v::WordLoss word = kind == ReferenceLossKind::naive_softmax
                                     ? w2v::naive_softmax_word_loss()
                                     : w2v::neg_sampling_word_loss(p.in.negatives_per_context);
      const w2v::SkipgramResult r = w2v::skipgram(p.in.center_idx, p.in.context,
                                                  p.in.center_vectors, p.in.outside_vectors, word);
      const w2v::SkipgramLossView view{kind, p.in.center_idx, p.in.center_vectors,
                                       p.in.outside_vectors, p.in.context, negs};
      BOOST_TEST_CONTEXT(name(kind) << " " << p.where()) {
        const w2v::GradientComparison ok_u = w2v::structured_exhaustive_check(
            view, SkipgramBlock::outside_vectors, r.grad_outside, w2v::FdOptions{},
            w2v::ComparisonOptions{}, 2);
        const w2v::GradientComparison ok_c = w2v::structured_exhaustive_check(
            view, SkipgramBlock::center_vectors, r.grad_center_vectors, w2v::FdOptions{},
            w2v::ComparisonOptions{}, 2);
        BOOST_TEST(ok_u.passed(), show(ok_u));
        BOOST_TEST(ok_c.passed(), show(ok_c));
        BOOST_TEST(ok_u.checked == p.in.outside_vectors.n_elem);
        // One entry of row o (first context word) off by 1e-3 of its size
        // (at least 1e-6) must be the only failure.
        arma::mat wrong = r.grad_outside;
        const arma::uword o = p.in.context[0];
        wrong(o, 0) += std::max(1e-6, 1e-3 * std::abs(wrong(o, 0)));
        const w2v::GradientComparison bad = w2v::structured_exhaustive_check(
            view, SkipgramBlock::outside_vectors, wrong, w2v::FdOptions{},
            w2v::ComparisonOptions{}, 2);
        BOOST_TEST(bad.failing == 1u, show(bad));
        BOOST_TEST(bad.worst.row == o);
        BOOST_TEST(bad.worst.col == 0u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_windows_throw) {
  const Problem p = problems(6).back();
  const std::vector<arma::uvec> none;
  const arma::uvec out_of_range = {p.in.outside_vectors.n_rows};
  const w2v::SkipgramLossView missing_negatives{ReferenceLossKind::neg_sampling, p.in.center_idx,
                                                p.in.center_vectors, p.in.outside_vectors,
                                                p.in.context, none};
  BOOST_CHECK_THROW(w2v::structured_central_differences(
                        missing_negatives, SkipgramBlock::outside_vectors, w2v::FdOptions{}),
                    std::invalid_argument);
  const w2v::SkipgramLossView bad_context{ReferenceLossKind::naive_softmax, p.in.center_idx,
                                          p.in.center_vectors, p.in.outside_vectors,
                                          out_of_range, none};
  BOOST_CHECK_THROW(w2v::structured_central_differences(
                        bad_context, SkipgramBlock::outside_vectors, w2v::FdOptions{}),
                    std::invalid_argument);
  const arma::mat wrong_shape(p.in.center_vectors.n_rows + 1, p.in.center_vectors.n_cols,
                              arma::fill::zeros);
  const w2v::SkipgramLossView mismatched{ReferenceLossKind::naive_softmax, p.in.center_idx,
                                         wrong_shape, p.in.outside_vectors, p.in.context, none};
  BOOST_CHECK_THROW(w2v::structured_central_differences(
                        mismatched, SkipgramBlock::center_vectors, w2v::FdOptions{}),
                    std::invalid_argument);
  w2v::FdOptions four;
  four.stencil = w2v::Stencil::four_point;
  const w2v::SkipgramLossView fine{ReferenceLossKind::naive_softmax, p.in.center_idx,
                                   p.in.center_vectors, p.in.outside_vectors, p.in.context, none};
  BOOST_CHECK_THROW(
      w2v::structured_central_differences(fine, SkipgramBlock::outside_vectors, four),
      std::invalid_argument);
  // An empty window has no word loss to refuse the stencil: the window does.
  const arma::uvec no_context;
  const w2v::SkipgramLossView empty{ReferenceLossKind::naive_softmax, p.in.center_idx,
                                    p.in.center_vectors, p.in.outside_vectors, no_context, none};
  BOOST_CHECK_THROW(
      w2v::structured_central_differences(empty, SkipgramBlock::outside_vectors, four),
      std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(comparison_accumulator)

// Any split into contiguous runs, merged in order, gives compare_gradients'
// result — including ties for the worst entry across a split, NaN and ∞
// entries, and failures beyond keep_failures.
BOOST_AUTO_TEST_CASE(split_and_merge_equals_one_pass) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::mt19937_64 rng(kSeed);
  for (int trial = 0; trial < 200; ++trial) {
    const arma::uword rows = 1 + rng() % 7, cols = 1 + rng() % 9, n = rows * cols;
    arma::mat analytic(rows, cols);
    w2v::NumericalGradient num;
    num.value.set_size(rows, cols);
    num.error_estimate.set_size(rows, cols);
    num.step.set_size(rows, cols);
    num.coordinates = arma::regspace<arma::uvec>(0, n - 1);
    for (arma::uword i = 0; i < n; ++i) {
      // Few distinct values, so equal ratios (ties) are common.
      num.value[i] = static_cast<double>(rng() % 4);
      num.error_estimate[i] = (rng() % 5 == 0) ? 0.0 : 0.25 * static_cast<double>(1 + rng() % 2);
      num.step[i] = 0x1p-17;
      const unsigned r = rng() % 16;
      analytic[i] = r == 0 ? kNaN : r == 1 ? kInf : num.value[i] + static_cast<double>(rng() % 3);
    }
    w2v::ComparisonOptions cmp;
    cmp.keep_failures = rng() % 6;
    const w2v::GradientComparison whole = w2v::compare_gradients(analytic, num, cmp);
    for (const arma::uword parts : {2u, 3u, 5u}) {
      w2v::ComparisonAccumulator merged(cmp);
      arma::uword begin = 0;
      for (arma::uword part = 0; part < parts; ++part) {
        const arma::uword end = part + 1 == parts ? n : std::min<arma::uword>(n, begin + rng() % 4);
        w2v::ComparisonAccumulator acc(cmp);
        for (arma::uword i = begin; i < end; ++i)
          acc.add(i, i % rows, i / rows, analytic[i], num.value[i], num.error_estimate[i],
                  num.step[i]);
        merged.merge(acc);
        begin = end;
      }
      BOOST_TEST(same(merged.result(), whole),
                 "trial " << trial << " (seed " << kSeed << ") " << parts << " parts: "
                          << show(merged.result()) << " vs " << show(whole));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
