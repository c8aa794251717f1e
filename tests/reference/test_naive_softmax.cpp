// reference/naive_softmax: loss and gradients against an independent naive
// computation over seeded random shapes, closed-form tiny cases, saturation
// (|s| up to 1e6) and input validation.
#define BOOST_TEST_MODULE reference_naive_softmax
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "fixtures.hpp"
#include "independent.hpp"
#include "reference/naive_softmax.hpp"

using reftest::kTol;

BOOST_AUTO_TEST_CASE(matches_independent_computation_on_random_shapes) {
  int o_is_c = 0, v1 = 0, d1 = 0, vmax = 0;
  for (std::uint64_t seed = 1; seed <= 600; ++seed) {
    const reftest::WordCase w = reftest::draw_word_case(seed);
    o_is_c += w.o == w.c;
    v1 += w.V == 1;
    d1 += w.d == 1;
    vmax += w.V == 60;
    BOOST_TEST_CONTEXT(w.describe()) {
      const w2v::LossAndGradient got = w2v::naive_softmax_loss_and_gradient(w.v_c, w.o, w.U);
      const indep::Word want = indep::naive_softmax(w.v_c, w.o, w.U);
      reftest::check_close(got.loss, want.loss, kTol, "loss");
      reftest::check_close(got.grad_center, want.grad_center, kTol, "grad_center");
      reftest::check_close(got.grad_outside, want.grad_outside, kTol, "grad_outside");
      // Σ_w (ŷ_w − y_w) = 0, so the rows of ∂J/∂U sum to zero.
      reftest::check_close(arma::sum(got.grad_outside, 0).t(), arma::zeros(w.d), kTol,
                           "column sums of grad_outside");
    }
  }
  // The generator must keep producing the edge cases this test claims to cover.
  BOOST_TEST(o_is_c > 0);
  BOOST_TEST(v1 > 0);
  BOOST_TEST(d1 > 0);
  BOOST_TEST(vmax > 0);
}

// V = 2, d = 1, v_c = 1, u_0 = ln 3, u_1 = 0: scores (ln 3, 0), ŷ = (3/4, 1/4).
BOOST_AUTO_TEST_CASE(hand_computed_two_words) {
  const double ln3 = std::log(3.0);
  const arma::vec v_c = {1.0};
  const arma::mat U = arma::vec{ln3, 0.0};  // V×1
  const double tol = 8 * DBL_EPSILON;
  BOOST_TEST_CONTEXT("shape V=2 d=1 o=1 v_c=[1] U=[ln3; 0]") {
    // o = 1: J = −log(1/4) = log 4; ∂J/∂v_c = ¾ ln3 + ¼·0 − 0; ∂J/∂U = (¾, −¾)ᵀ.
    const w2v::LossAndGradient r = w2v::naive_softmax_loss_and_gradient(v_c, 1, U);
    reftest::check_close(r.loss, std::log(4.0), tol, "loss");
    reftest::check_close(r.grad_center, arma::vec{0.75 * ln3}, tol, "grad_center");
    reftest::check_close(r.grad_outside, arma::vec{0.75, -0.75}, tol, "grad_outside");
  }
  BOOST_TEST_CONTEXT("shape V=2 d=1 o=0 v_c=[1] U=[ln3; 0]") {
    // o = 0: J = log(4/3); ∂J/∂v_c = ¾ ln3 − ln3 = −¼ ln3; ∂J/∂U = (−¼, ¼)ᵀ.
    const w2v::LossAndGradient r = w2v::naive_softmax_loss_and_gradient(v_c, 0, U);
    reftest::check_close(r.loss, std::log(4.0 / 3.0), tol, "loss");
    reftest::check_close(r.grad_center, arma::vec{-0.25 * ln3}, tol, "grad_center");
    reftest::check_close(r.grad_outside, arma::vec{-0.25, 0.25}, tol, "grad_outside");
  }
}

// v_c = 0: every score is 0, ŷ is uniform, J = log V, ∂J/∂v_c = mean_w u_w − u_o,
// ∂J/∂U = (ŷ − y) 0ᵀ = 0 exactly.
BOOST_AUTO_TEST_CASE(zero_center_vector_gives_uniform_prediction) {
  const std::uint64_t seed = 5;
  std::mt19937_64 rng(seed);
  for (const arma::uword V : {2u, 3u, 7u, 50u}) {
    const arma::uword d = 3, o = V - 1;
    const arma::mat U = reftest::draw_matrix(rng, V, d, -2.0, 2.0);
    BOOST_TEST_CONTEXT("seed " << seed << " shape V=" << V << " d=" << d << " o=" << o
                               << " v_c=0") {
      const w2v::LossAndGradient r = w2v::naive_softmax_loss_and_gradient(arma::zeros(d), o, U);
      reftest::check_close(r.loss, std::log(static_cast<double>(V)), 4 * DBL_EPSILON, "loss");
      arma::vec want(d);
      for (arma::uword i = 0; i < d; ++i) {
        double mean = 0.0;
        for (arma::uword w = 0; w < V; ++w) mean += U(w, i);
        want[i] = mean / static_cast<double>(V) - U(o, i);
      }
      reftest::check_close(r.grad_center, want, 1e-14, "grad_center");
      BOOST_TEST(arma::all(arma::vectorise(r.grad_outside) == 0.0));
    }
  }
}

// V = 1: ŷ = (1), J = 0 and both gradients are exactly 0 whatever the vectors.
BOOST_AUTO_TEST_CASE(single_word_vocabulary) {
  const arma::vec v_c = {0.3, -2.0, 7.0};
  const arma::mat U = {{1.5, 4.0, -0.25}};
  BOOST_TEST_CONTEXT("shape V=1 d=3 o=0") {
    const w2v::LossAndGradient r = w2v::naive_softmax_loss_and_gradient(v_c, 0, U);
    BOOST_TEST(r.loss == 0.0);
    BOOST_TEST(arma::all(r.grad_center == 0.0));
    BOOST_TEST(arma::all(arma::vectorise(r.grad_outside) == 0.0));
    BOOST_TEST(r.grad_center.n_elem == 3u);
    BOOST_TEST(r.grad_outside.n_rows == 1u);
    BOOST_TEST(r.grad_outside.n_cols == 3u);
  }
}

BOOST_AUTO_TEST_CASE(softmax_and_log_sum_exp_helpers) {
  reftest::check_close(w2v::log_sum_exp(arma::vec{0.0, 0.0}), std::log(2.0), 2 * DBL_EPSILON,
                       "log_sum_exp(0,0)");
  reftest::check_close(w2v::log_sum_exp(arma::vec{1e4, 1e4}), 1e4 + std::log(2.0), kTol,
                       "log_sum_exp(1e4,1e4)");
  reftest::check_close(w2v::log_sum_exp(arma::vec{-1e4, -1e4}), -1e4 + std::log(2.0), kTol,
                       "log_sum_exp(-1e4,-1e4)");
  const arma::vec p = w2v::softmax(arma::vec{1000.0, 0.0, -1000.0});
  BOOST_TEST(p[0] == 1.0);
  BOOST_TEST(p[1] >= 0.0);
  BOOST_TEST(p[1] < 1e-300);
  BOOST_TEST(p[2] == 0.0);
  const arma::vec q = w2v::softmax(arma::vec{std::log(3.0), 0.0});
  reftest::check_close(q, arma::vec{0.75, 0.25}, 4 * DBL_EPSILON, "softmax(ln3, 0)");
}

namespace {

// d = 3 with v_c = (1, 0, 0): the score of w is exactly U(w, 0), the other
// columns are free (they enter ∂J/∂v_c only).
struct SaturatedCase {
  arma::vec v_c = {1.0, 0.0, 0.0};
  arma::mat U;
};

SaturatedCase saturated(std::mt19937_64& rng, const arma::vec& scores) {
  SaturatedCase s;
  s.U = reftest::draw_matrix(rng, scores.n_elem, 3, -1.0, 1.0);
  s.U.col(0) = scores;
  return s;
}

void check_all_finite(const w2v::LossAndGradient& r) {
  reftest::check_finite(r.loss, "loss");
  reftest::check_finite(r.grad_center, "grad_center");
  reftest::check_finite(r.grad_outside, "grad_outside");
}

}  // namespace

// Gaps of ≥ 80 between the top score and the rest make e^{−gap} < 1e-34, so
// the limits below hold to far better than kTol even with |u_w| up to 1e6.
static void saturation_limits_at(double M);

BOOST_AUTO_TEST_CASE(saturation_limits) {
  for (const double M : {40.0, 100.0, 700.0, 1000.0, 1e4, 1e6})
    BOOST_TEST_CONTEXT("M=" << fmt::format("{}", M)) { saturation_limits_at(M); }
}

static void saturation_limits_at(double M) {
  const std::uint64_t seed = 99;
  std::mt19937_64 rng(seed);
  const arma::uword V = 9, o = 4, other = 7;
  const double hi = std::max(-M, M - 80.0);
  arma::vec scores(V);
  for (arma::uword w = 0; w < V; ++w) scores[w] = reftest::draw(rng, -M, hi);

  BOOST_TEST_CONTEXT("seed " << seed << " shape V=" << V << " d=3 o=" << o << " s_o=+" << M
                             << " dominant") {
    scores[o] = M;
    const SaturatedCase s = saturated(rng, scores);
    const w2v::LossAndGradient r = w2v::naive_softmax_loss_and_gradient(s.v_c, o, s.U);
    check_all_finite(r);
    BOOST_TEST(r.loss >= 0.0);
    BOOST_TEST(r.loss <= kTol);
    reftest::check_close(r.grad_center, arma::zeros(3), kTol, "grad_center");
    reftest::check_close(r.grad_outside, arma::zeros(V, 3), kTol, "grad_outside");
  }
  BOOST_TEST_CONTEXT("seed " << seed << " shape V=" << V << " d=3 o=" << o << " s_o=-" << M
                             << " s_" << other << "=+" << M) {
    scores[o] = -M;
    scores[other] = M;
    const SaturatedCase s = saturated(rng, scores);
    const w2v::LossAndGradient r = w2v::naive_softmax_loss_and_gradient(s.v_c, o, s.U);
    check_all_finite(r);
    // ŷ → e_other: J → 2M, ∂J/∂v_c → u_other − u_o, ∂J/∂U → rows (+v_c at other, −v_c at o).
    reftest::check_close(r.loss, 2 * M, kTol, "loss");
    reftest::check_close(r.grad_center, (s.U.row(other) - s.U.row(o)).t(), kTol, "grad_center");
    arma::mat want(V, 3, arma::fill::zeros);
    want.row(other) = s.v_c.t();
    want.row(o) = -s.v_c.t();
    reftest::check_close(r.grad_outside, want, kTol, "grad_outside");
  }
}

// Scores exactly ±M with ties at +M: ŷ is uniform over the n₊ tied words (the
// rest is e^{−2M} ≤ e^{−80}), so J = M − s_o + log n₊ and everything is known.
static void saturated_ties_have_closed_form_at(double M);

BOOST_AUTO_TEST_CASE(saturated_ties_have_closed_form) {
  for (const double M : {40.0, 100.0, 700.0, 1000.0, 1e4, 1e6})
    BOOST_TEST_CONTEXT("M=" << fmt::format("{}", M)) { saturated_ties_have_closed_form_at(M); }
}

static void saturated_ties_have_closed_form_at(double M) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 rng(seed);
    const arma::uword V = 2 + reftest::draw_index(rng, 20);
    const arma::uword o = reftest::draw_index(rng, V);
    arma::vec scores(V);
    for (arma::uword w = 0; w < V; ++w) scores[w] = rng() & 1u ? M : -M;
    scores[(o + 1) % V] = M;  // at least one word at +M
    const SaturatedCase s = saturated(rng, scores);
    BOOST_TEST_CONTEXT("seed " << seed << " shape V=" << V << " d=3 o=" << o << " M=" << M
                               << " s_o=" << scores[o]) {
      const w2v::LossAndGradient r = w2v::naive_softmax_loss_and_gradient(s.v_c, o, s.U);
      check_all_finite(r);
      const arma::uvec top = arma::find(scores == M);
      const double n_top = static_cast<double>(top.n_elem);
      // The header guarantees the loss to a few ulps of max(|s_o|, log V): when o is
      // among the tied top words, J = log n₊ is recovered from (M + log n₊) − M, so
      // its absolute error is a few ulps of M (≈ 1e-10 at M = 1e6).
      const double want_loss = M - scores[o] + std::log(n_top);
      const double loss_tol = std::max(kTol * std::max(1.0, want_loss), 4 * DBL_EPSILON * M);
      BOOST_TEST(std::abs(r.loss - want_loss) <= loss_tol,
                 fmt::format("loss: got {} want {} (tolerance {:.3g})", r.loss, want_loss,
                             loss_tol));
      arma::vec want_center = -s.U.row(o).t();
      arma::mat want_outside(V, 3, arma::fill::zeros);
      for (const arma::uword w : top) {
        want_center += s.U.row(w).t() / n_top;
        want_outside.row(w) += s.v_c.t() / n_top;
      }
      want_outside.row(o) -= s.v_c.t();
      // ∂J/∂v_c sums terms ŷ_w u_w of size M/n₊ that cancel (1/n₊ is inexact), so
      // it is defined to a few ulps of M, not of its value: scale the metric by M.
      reftest::check_close(r.grad_center, want_center, kTol, "grad_center", M);
      reftest::check_close(r.grad_outside, want_outside, kTol, "grad_outside");
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_bad_shapes_and_indices) {
  using reftest::message_mentions;
  const std::string fn = "naive_softmax_loss_and_gradient";
  BOOST_CHECK_EXCEPTION(w2v::naive_softmax_loss_and_gradient(arma::zeros(2), 0, arma::zeros(3, 4)),
                        std::invalid_argument, message_mentions({fn, "3x4", "d=2"}));
  BOOST_CHECK_EXCEPTION(w2v::naive_softmax_loss_and_gradient(arma::zeros(3), 0, arma::mat(0, 3)),
                        std::invalid_argument, message_mentions({fn, "0x3", "d=3"}));
  BOOST_CHECK_EXCEPTION(w2v::naive_softmax_loss_and_gradient(arma::vec(), 0, arma::mat(4, 0)),
                        std::invalid_argument, message_mentions({fn, "4x0", "d=0"}));
  BOOST_CHECK_EXCEPTION(w2v::naive_softmax_loss_and_gradient(arma::zeros(3), 5, arma::zeros(5, 3)),
                        std::invalid_argument, message_mentions({fn, "outside_idx 5", "V=5"}));
  const arma::uword huge = std::numeric_limits<arma::uword>::max();
  BOOST_CHECK_EXCEPTION(
      w2v::naive_softmax_loss_and_gradient(arma::zeros(3), huge, arma::zeros(5, 3)),
      std::invalid_argument,
      message_mentions({fn, fmt::format("outside_idx {}", huge), "V=5"}));
  // The last valid index is accepted.
  BOOST_CHECK_NO_THROW(w2v::naive_softmax_loss_and_gradient(arma::zeros(3), 4, arma::zeros(5, 3)));
}
