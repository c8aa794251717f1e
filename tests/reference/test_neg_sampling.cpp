// reference/neg_sampling (the loss): against an independent naive computation
// over seeded random shapes, a closed-form tiny case, the accumulation semantics
// (repeats, c among negatives, o among negatives, untouched rows), saturation
// and input validation. The sampler has its own file.
#define BOOST_TEST_MODULE reference_neg_sampling
#include <boost/test/unit_test.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "fixtures.hpp"
#include "independent.hpp"
#include "reference/neg_sampling.hpp"

using reftest::kTol;

namespace {

w2v::LossAndGradient neg(const reftest::WordCase& w, const arma::uvec& negatives) {
  return w2v::neg_sampling_loss_and_gradient(w.v_c, w.o, w.U, negatives);
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_independent_computation_on_random_shapes) {
  int repeated = 0, c_negative = 0, o_is_c = 0, v1 = 0, k1 = 0, k15 = 0;
  for (std::uint64_t seed = 1; seed <= 600; ++seed) {
    const reftest::WordCase w = reftest::draw_word_case(seed);
    repeated += w.has_repeated_negative();
    c_negative += w.c != w.o && w.negatives_contain(w.c);
    o_is_c += w.o == w.c;
    v1 += w.V == 1;
    k1 += w.negatives.n_elem == 1;
    k15 += w.negatives.n_elem == 15;
    BOOST_TEST_CONTEXT(w.describe()) {
      const w2v::LossAndGradient got = neg(w, w.negatives);
      const indep::Word want = indep::neg_sampling(w.v_c, w.o, w.U, w.negatives);
      reftest::check_close(got.loss, want.loss, kTol, "loss");
      reftest::check_close(got.grad_center, want.grad_center, kTol, "grad_center");
      reftest::check_close(got.grad_outside, want.grad_outside, kTol, "grad_outside");
    }
  }
  BOOST_TEST(repeated > 0);
  BOOST_TEST(c_negative > 0);
  BOOST_TEST(o_is_c > 0);
  BOOST_TEST(v1 > 0);
  BOOST_TEST(k1 > 0);
  BOOST_TEST(k15 > 0);
}

// V = 3, d = 1, v_c = 1, U = (ln 3, −ln 3, 0), o = 0, negatives (1, 1, 2):
//   positive: σ(ln 3) = ¾ → −log ¾ = log(4/3), coefficient σ − 1 = −¼;
//   word 1 (twice): σ(−ln 3) = ¼ → −log σ(ln 3) = log(4/3) each, coefficient ¼ each;
//   word 2: σ(0) = ½ → log 2, coefficient ½.
BOOST_AUTO_TEST_CASE(hand_computed_three_words) {
  const double ln3 = std::log(3.0);
  const arma::vec v_c = {1.0};
  const arma::mat U = arma::vec{ln3, -ln3, 0.0};  // V×1
  const double tol = 16 * DBL_EPSILON;
  BOOST_TEST_CONTEXT("shape V=3 d=1 o=0 negatives [1,1,2] v_c=[1] U=[ln3; -ln3; 0]") {
    const w2v::LossAndGradient r =
        w2v::neg_sampling_loss_and_gradient(v_c, 0, U, arma::uvec{1, 1, 2});
    reftest::check_close(r.loss, 3 * std::log(4.0 / 3.0) + std::log(2.0), tol, "loss");
    // −¼ ln3 + 2·¼·(−ln3) + ½·0 = −¾ ln3
    reftest::check_close(r.grad_center, arma::vec{-0.75 * ln3}, tol, "grad_center");
    reftest::check_close(r.grad_outside, arma::vec{-0.25, 0.5, 0.5}, tol, "grad_outside");
  }
  BOOST_TEST_CONTEXT("shape V=3 d=1 o=0 K=0 v_c=[1] U=[ln3; -ln3; 0]") {
    const w2v::LossAndGradient r = w2v::neg_sampling_loss_and_gradient(v_c, 0, U, arma::uvec());
    reftest::check_close(r.loss, std::log(4.0 / 3.0), tol, "loss");
    reftest::check_close(r.grad_center, arma::vec{-0.25 * ln3}, tol, "grad_center");
    reftest::check_close(r.grad_outside, arma::vec{-0.25, 0.0, 0.0}, tol, "grad_outside");
  }
}

// J(negatives) = J(∅) + Σ_k [J({w_k}) − J(∅)] for loss and both gradients: a
// word drawn n_s times contributes n_s times (a `grad[idx] = …` or a de-duplicated
// scatter would drop repeats).
BOOST_AUTO_TEST_CASE(repeated_negatives_accumulate_like_separate_calls) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    reftest::WordCase w = reftest::draw_word_case(seed);
    if (w.negatives.n_elem >= 2) w.negatives[1] = w.negatives[0];  // at least one repeat
    BOOST_TEST_CONTEXT(w.describe()) {
      const w2v::LossAndGradient all = neg(w, w.negatives);
      const w2v::LossAndGradient base = neg(w, arma::uvec());
      double loss = base.loss;
      arma::vec gc = base.grad_center;
      arma::mat go = base.grad_outside;
      for (const arma::uword k : w.negatives) {
        const w2v::LossAndGradient one = neg(w, arma::uvec{k});
        loss += one.loss - base.loss;
        gc += one.grad_center - base.grad_center;
        go += one.grad_outside - base.grad_outside;
      }
      reftest::check_close(all.loss, loss, kTol, "loss vs K single-negative calls");
      reftest::check_close(all.grad_center, gc, kTol, "grad_center vs K single-negative calls");
      reftest::check_close(all.grad_outside, go, kTol, "grad_outside vs K single-negative calls");
    }
  }
}

// Row by row: ∂J/∂u_w = ([w = o](σ(s_o) − 1) + n_w σ(s_w)) v_c, where n_w counts w
// among the negatives, whether w is c, o or anything else; rows with neither
// term are exactly zero.
BOOST_AUTO_TEST_CASE(every_row_follows_the_occurrence_count) {
  int o_among = 0, c_among = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    reftest::WordCase w = reftest::draw_word_case(seed);
    // Every 2nd seed passes o among the negatives (not CS224n's sampler, but the
    // function must still accumulate both terms in row o).
    std::mt19937_64 pick(seed);
    if (seed % 2 == 0) w.negatives[reftest::draw_index(pick, w.negatives.n_elem)] = w.o;
    o_among += w.negatives_contain(w.o);
    c_among += w.c != w.o && w.negatives_contain(w.c);
    BOOST_TEST_CONTEXT(w.describe()) {
      const w2v::LossAndGradient r = neg(w, w.negatives);
      for (arma::uword row = 0; row < w.V; ++row) {
        const double n = static_cast<double>(arma::accu(w.negatives == row));
        const double s = indep::score(w.U, row, w.v_c);
        const double coef = (row == w.o ? indep::sigma(s) - 1.0 : 0.0) + n * indep::sigma(s);
        arma::rowvec want(w.d);
        for (arma::uword i = 0; i < w.d; ++i) want[i] = coef * w.v_c[i];
        reftest::check_close(r.grad_outside.row(row), want, kTol,
                             fmt::format("grad_outside row {} (n={}, o={})", row, n, w.o));
      }
      const arma::uvec touched = arma::join_cols(arma::uvec{w.o}, w.negatives);
      reftest::check_rows_exactly_zero(
          r.grad_outside, [&](arma::uword row) { return arma::any(touched == row); },
          "grad_outside");
    }
  }
  BOOST_TEST(o_among > 0);
  BOOST_TEST(c_among > 0);
}

// o among the negatives, spelled out: negatives (o, x, o) give
// J = softplus(−s_o) + 2 softplus(s_o) + softplus(s_x) and row o = (3σ(s_o) − 1) v_c.
BOOST_AUTO_TEST_CASE(outside_word_among_negatives_accumulates_both_terms) {
  const std::uint64_t seed = 314;
  std::mt19937_64 rng(seed);
  const arma::uword V = 6, d = 4, o = 2, x = 5;
  const arma::vec v_c = reftest::draw_vector(rng, d, -1.0, 1.0);
  const arma::mat U = reftest::draw_matrix(rng, V, d, -1.0, 1.0);
  BOOST_TEST_CONTEXT("seed " << seed << " shape V=6 d=4 o=2 negatives [2,5,2]") {
    const w2v::LossAndGradient r = w2v::neg_sampling_loss_and_gradient(v_c, o, U, {o, x, o});
    const double s_o = indep::score(U, o, v_c), s_x = indep::score(U, x, v_c);
    const auto sp = [](double t) { return std::log(1.0 + std::exp(t)); };
    reftest::check_close(r.loss, sp(-s_o) + 2 * sp(s_o) + sp(s_x), kTol, "loss");
    reftest::check_close(r.grad_outside.row(o), (3 * indep::sigma(s_o) - 1.0) * v_c.t(), kTol,
                         "grad_outside row o");
    reftest::check_close(r.grad_outside.row(x), indep::sigma(s_x) * v_c.t(), kTol,
                         "grad_outside row x");
    reftest::check_close(r.grad_center,
                         (3 * indep::sigma(s_o) - 1.0) * U.row(o).t() +
                             indep::sigma(s_x) * U.row(x).t(),
                         kTol, "grad_center");
    reftest::check_rows_exactly_zero(
        r.grad_outside, [&](arma::uword row) { return row == o || row == x; }, "grad_outside");
  }
}

BOOST_AUTO_TEST_CASE(order_of_negatives_does_not_matter) {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const reftest::WordCase w = reftest::draw_word_case(seed);
    const arma::uvec reversed = arma::reverse(w.negatives);
    BOOST_TEST_CONTEXT(w.describe()) {
      const w2v::LossAndGradient a = neg(w, w.negatives), b = neg(w, reversed);
      reftest::check_close(a.loss, b.loss, kTol, "loss");
      reftest::check_close(a.grad_center, b.grad_center, kTol, "grad_center");
      reftest::check_close(a.grad_outside, b.grad_outside, kTol, "grad_outside");
    }
  }
}

// Integer scores with |s| ≥ 60 (e^{−60} ≈ 1e-26): softplus(s) = max(0, s) and
// σ(s) = [s > 0] to far below kTol, and integer sums are exact, so the limits
// are known exactly. v_c = (1, 0, 0) makes the score of w exactly U(w, 0).
static void saturation_limits_at(double M);

BOOST_AUTO_TEST_CASE(saturation_limits) {
  for (const double M : {60.0, 100.0, 700.0, 1000.0, 1e4, 1e6})
    BOOST_TEST_CONTEXT("M=" << fmt::format("{}", M)) { saturation_limits_at(M); }
}

static void saturation_limits_at(double M) {
  const arma::uword V = 9, d = 3, K = 12;
  const arma::vec v_c = {1.0, 0.0, 0.0};
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    std::mt19937_64 rng(seed);
    arma::mat U = reftest::draw_matrix(rng, V, d, -1.0, 1.0);
    for (arma::uword w = 0; w < V; ++w)
      U(w, 0) = (rng() & 1u ? 1.0 : -1.0) * std::floor(reftest::draw(rng, 60.0, M));
    const arma::uword o = reftest::draw_index(rng, V);
    const arma::uvec negs = reftest::draw_negatives(rng, V, o, K);
    BOOST_TEST_CONTEXT("seed " << seed << " shape V=" << V << " d=" << d << " K=" << K
                               << " o=" << o << " M=" << M << " negatives "
                               << reftest::list(negs)) {
      const w2v::LossAndGradient r = w2v::neg_sampling_loss_and_gradient(v_c, o, U, negs);
      reftest::check_finite(r.loss, "loss");
      reftest::check_finite(r.grad_center, "grad_center");
      reftest::check_finite(r.grad_outside, "grad_outside");
      const double coef_o = U(o, 0) < 0.0 ? -1.0 : 0.0;
      double loss = std::max(0.0, -U(o, 0));
      arma::vec gc = coef_o * U.row(o).t();
      arma::mat go(V, d, arma::fill::zeros);
      go.row(o) += coef_o * v_c.t();
      for (const arma::uword k : negs) {
        const double coef = U(k, 0) > 0.0 ? 1.0 : 0.0;
        loss += std::max(0.0, U(k, 0));
        gc += coef * U.row(k).t();
        go.row(k) += coef * v_c.t();
      }
      reftest::check_close(r.loss, loss, kTol, "loss");
      reftest::check_close(r.grad_center, gc, kTol, "grad_center");
      reftest::check_close(r.grad_outside, go, kTol, "grad_outside");
    }
  }
  // The positive term alone at ±M: J → 0 with zero gradient, or J → M with
  // ∂J/∂v_c → −u_o and ∂J/∂u_o → −v_c.
  const arma::mat U = {{M, 0.5, -0.25}, {-M, 2.0, 1.0}};
  BOOST_TEST_CONTEXT("shape V=2 d=3 o=0 K=0 s_o=+" << M) {
    const w2v::LossAndGradient r = w2v::neg_sampling_loss_and_gradient(v_c, 0, U, arma::uvec());
    BOOST_TEST(r.loss >= 0.0);
    BOOST_TEST(r.loss <= kTol);
    reftest::check_close(r.grad_center, arma::zeros(d), kTol, "grad_center");
    reftest::check_close(r.grad_outside, arma::zeros(2, d), kTol, "grad_outside");
  }
  BOOST_TEST_CONTEXT("shape V=2 d=3 o=1 K=0 s_o=-" << M) {
    const w2v::LossAndGradient r = w2v::neg_sampling_loss_and_gradient(v_c, 1, U, arma::uvec());
    reftest::check_close(r.loss, M, kTol, "loss");
    reftest::check_close(r.grad_center, -U.row(1).t(), kTol, "grad_center");
    reftest::check_close(r.grad_outside, arma::mat{{0.0, 0.0, 0.0}, {-1.0, 0.0, 0.0}}, kTol,
                         "grad_outside");
  }
  BOOST_TEST_CONTEXT("shape V=2 d=3 o=1 negatives [0,0] s_o=-" << M << " s_neg=+" << M) {
    // Worst case: every term saturated the wrong way; J → 3M.
    const w2v::LossAndGradient r = w2v::neg_sampling_loss_and_gradient(v_c, 1, U, {0, 0});
    reftest::check_close(r.loss, 3 * M, kTol, "loss");
    reftest::check_close(r.grad_center, (2 * U.row(0) - U.row(1)).t(), kTol, "grad_center");
  }
}

BOOST_AUTO_TEST_CASE(rejects_bad_shapes_and_indices) {
  using reftest::message_mentions;
  const std::string fn = "neg_sampling_loss_and_gradient";
  const arma::uvec ok_negs = {0, 1};
  BOOST_CHECK_EXCEPTION(
      w2v::neg_sampling_loss_and_gradient(arma::zeros(2), 0, arma::zeros(3, 4), ok_negs),
      std::invalid_argument, message_mentions({fn, "3x4", "d=2"}));
  BOOST_CHECK_EXCEPTION(
      w2v::neg_sampling_loss_and_gradient(arma::zeros(3), 0, arma::mat(0, 3), arma::uvec()),
      std::invalid_argument, message_mentions({fn, "0x3", "d=3"}));
  BOOST_CHECK_EXCEPTION(
      w2v::neg_sampling_loss_and_gradient(arma::vec(), 0, arma::mat(4, 0), arma::uvec()),
      std::invalid_argument, message_mentions({fn, "4x0", "d=0"}));
  BOOST_CHECK_EXCEPTION(
      w2v::neg_sampling_loss_and_gradient(arma::zeros(3), 5, arma::zeros(5, 3), ok_negs),
      std::invalid_argument, message_mentions({fn, "outside_idx 5", "V=5"}));
  BOOST_CHECK_EXCEPTION(
      w2v::neg_sampling_loss_and_gradient(arma::zeros(3), 1, arma::zeros(5, 3), {0, 4, 9, 2}),
      std::invalid_argument, message_mentions({fn, "negative_indices[2] 9", "V=5"}));
  BOOST_CHECK_EXCEPTION(
      w2v::neg_sampling_loss_and_gradient(arma::zeros(3), 1, arma::zeros(5, 3), {5}),
      std::invalid_argument, message_mentions({fn, "negative_indices[0] 5", "V=5"}));
  BOOST_CHECK_NO_THROW(
      w2v::neg_sampling_loss_and_gradient(arma::zeros(3), 4, arma::zeros(5, 3), {4, 0, 4}));
}
