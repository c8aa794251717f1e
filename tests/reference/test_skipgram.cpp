// reference/skipgram: the window loss is the sum of per-context-word losses,
// with both word losses, against an independent computation over seeded random
// windows; only row c of the centre gradient is non-zero; repeated context words
// count each time; saturation and input validation.
#define BOOST_TEST_MODULE reference_skipgram
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "independent.hpp"
#include "reference/naive_softmax.hpp"
#include "reference/neg_sampling.hpp"
#include "reference/skipgram.hpp"

using reftest::kTol;

namespace {

// One window: centre c, context words (2m of them, or 1), centre and outside
// vectors V×d with |u_wᵀv_c| ≤ 5, and K negatives per context word drawn
// uniformly rejecting that word. Every 7th seed uses a single context word,
// every 5th an all-identical context, every 3rd puts c in the context (o = c)
// and among the negatives.
struct WindowCase {
  std::uint64_t seed = 0;
  arma::uword V = 0, d = 0, c = 0, m = 0;
  arma::mat center_vectors, U;
  arma::uvec context;
  std::vector<arma::uvec> negatives;

  std::string describe() const {
    std::string negs;
    for (const arma::uvec& n : negatives) negs += reftest::list(n);
    return fmt::format("seed {} shape V={} d={} m={} c={} context {} K={} negatives {}", seed, V,
                       d, m, c, reftest::list(context),
                       negatives.empty() ? 0 : negatives.front().n_elem, negs);
  }
  bool has_repeated_context() const {
    for (arma::uword i = 0; i < context.n_elem; ++i)
      for (arma::uword j = i + 1; j < context.n_elem; ++j)
        if (context[i] == context[j]) return true;
    return false;
  }
};

WindowCase draw_window(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  WindowCase w;
  w.seed = seed;
  w.V = 1 + reftest::draw_index(rng, 60);
  w.d = 1 + reftest::draw_index(rng, 12);
  w.m = 1 + reftest::draw_index(rng, 5);
  const arma::uword K = 1 + reftest::draw_index(rng, 15);
  w.c = reftest::draw_index(rng, w.V);
  w.center_vectors = reftest::draw_matrix(rng, w.V, w.d, -1.0, 1.0);
  w.U = reftest::draw_matrix(rng, w.V, w.d, -1.0, 1.0);
  reftest::scale_scores(w.U, w.center_vectors.row(w.c).t(), reftest::draw(rng, 0.5, 5.0));
  w.context.set_size(seed % 7 == 0 ? 1 : 2 * w.m);
  for (arma::uword j = 0; j < w.context.n_elem; ++j) w.context[j] = reftest::draw_index(rng, w.V);
  if (seed % 5 == 0) w.context.fill(w.context[0]);
  if (seed % 3 == 0) w.context[reftest::draw_index(rng, w.context.n_elem)] = w.c;
  for (arma::uword j = 0; j < w.context.n_elem; ++j) {
    arma::uvec n = reftest::draw_negatives(rng, w.V, w.context[j], K);
    if (seed % 3 == 0 && w.c != w.context[j]) n[reftest::draw_index(rng, K)] = w.c;
    w.negatives.push_back(n);
  }
  return w;
}

auto indep_naive() {
  return [](const arma::vec& v, arma::uword o, const arma::mat& U, arma::uword) {
    return indep::naive_softmax(v, o, U);
  };
}

auto indep_neg(const std::vector<arma::uvec>& negatives) {
  return [&negatives](const arma::vec& v, arma::uword o, const arma::mat& U, arma::uword j) {
    return indep::neg_sampling(v, o, U, negatives[j]);
  };
}

void check_against(const w2v::SkipgramResult& got, const indep::Window& want,
                   const std::string& which) {
  reftest::check_close(got.loss, want.loss, kTol, which + " loss");
  reftest::check_close(got.grad_center_vectors, want.grad_center_vectors, kTol,
                       which + " grad_center_vectors");
  reftest::check_close(got.grad_outside, want.grad_outside, kTol, which + " grad_outside");
}

void check_only_row_c(const w2v::SkipgramResult& r, arma::uword c, const std::string& which) {
  reftest::check_rows_exactly_zero(
      r.grad_center_vectors, [c](arma::uword row) { return row == c; },
      which + " grad_center_vectors");
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_independent_computation_on_random_windows) {
  int single = 0, identical = 0, repeated = 0, o_is_c = 0, v1 = 0, m5 = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const WindowCase w = draw_window(seed);
    single += w.context.n_elem == 1;
    identical += w.context.n_elem > 1 && arma::all(w.context == w.context[0]);
    repeated += w.has_repeated_context();
    o_is_c += arma::any(w.context == w.c);
    v1 += w.V == 1;
    m5 += w.m == 5 && w.context.n_elem == 10;
    BOOST_TEST_CONTEXT(w.describe()) {
      const w2v::SkipgramResult naive = w2v::skipgram(w.c, w.context, w.center_vectors, w.U,
                                                      w2v::naive_softmax_word_loss());
      check_against(naive, indep::skipgram(w.c, w.context, w.center_vectors, w.U, indep_naive()),
                    "naive softmax");
      check_only_row_c(naive, w.c, "naive softmax");

      const w2v::SkipgramResult neg = w2v::skipgram(w.c, w.context, w.center_vectors, w.U,
                                                    w2v::neg_sampling_word_loss(w.negatives));
      check_against(neg,
                    indep::skipgram(w.c, w.context, w.center_vectors, w.U, indep_neg(w.negatives)),
                    "neg sampling");
      check_only_row_c(neg, w.c, "neg sampling");
    }
  }
  BOOST_TEST(single > 0);
  BOOST_TEST(identical > 0);
  BOOST_TEST(repeated > 0);
  BOOST_TEST(o_is_c > 0);
  BOOST_TEST(v1 > 0);
  BOOST_TEST(m5 > 0);
}

// Structure, against the reference's own word losses: J_sg and both gradients
// are Σ_j of the per-word results (context word j with negatives list j).
BOOST_AUTO_TEST_CASE(equals_sum_of_per_context_word_results) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const WindowCase w = draw_window(seed);
    const arma::vec v_c = w.center_vectors.row(w.c).t();
    BOOST_TEST_CONTEXT(w.describe()) {
      for (const bool use_neg : {false, true}) {
        double loss = 0.0;
        arma::mat gcv(w.V, w.d, arma::fill::zeros), go(w.V, w.d, arma::fill::zeros);
        for (arma::uword j = 0; j < w.context.n_elem; ++j) {
          const w2v::LossAndGradient g =
              use_neg ? w2v::neg_sampling_loss_and_gradient(v_c, w.context[j], w.U, w.negatives[j])
                      : w2v::naive_softmax_loss_and_gradient(v_c, w.context[j], w.U);
          loss += g.loss;
          gcv.row(w.c) += g.grad_center.t();
          go += g.grad_outside;
        }
        const w2v::SkipgramResult r =
            w2v::skipgram(w.c, w.context, w.center_vectors, w.U,
                          use_neg ? w2v::neg_sampling_word_loss(w.negatives)
                                  : w2v::naive_softmax_word_loss());
        const std::string which = use_neg ? "neg sampling" : "naive softmax";
        reftest::check_close(r.loss, loss, kTol, which + " loss vs Σ_j");
        reftest::check_close(r.grad_center_vectors, gcv, kTol, which + " grad_center_vectors vs Σ_j");
        reftest::check_close(r.grad_outside, go, kTol, which + " grad_outside vs Σ_j");
      }
    }
  }
}

// A context word repeated n times contributes n times: (o, o, o) = 3 × (o), for
// both word losses (with the same negatives for each occurrence).
BOOST_AUTO_TEST_CASE(repeated_context_words_count_each_time) {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const WindowCase w = draw_window(seed);
    const arma::uword o = w.context[0];
    const arma::uvec one = {o}, three = {o, o, o};
    const std::vector<arma::uvec> negs1 = {w.negatives[0]};
    const std::vector<arma::uvec> negs3 = {w.negatives[0], w.negatives[0], w.negatives[0]};
    BOOST_TEST_CONTEXT(w.describe() << " context (o,o,o) vs (o) with o=" << o) {
      for (const bool use_neg : {false, true}) {
        const w2v::WordLoss f1 =
            use_neg ? w2v::neg_sampling_word_loss(negs1) : w2v::naive_softmax_word_loss();
        const w2v::WordLoss f3 =
            use_neg ? w2v::neg_sampling_word_loss(negs3) : w2v::naive_softmax_word_loss();
        const w2v::SkipgramResult r1 = w2v::skipgram(w.c, one, w.center_vectors, w.U, f1);
        const w2v::SkipgramResult r3 = w2v::skipgram(w.c, three, w.center_vectors, w.U, f3);
        const std::string which = use_neg ? "neg sampling" : "naive softmax";
        reftest::check_close(r3.loss, 3 * r1.loss, kTol, which + " loss");
        reftest::check_close(r3.grad_center_vectors, 3 * r1.grad_center_vectors, kTol,
                             which + " grad_center_vectors");
        reftest::check_close(r3.grad_outside, 3 * r1.grad_outside, kTol, which + " grad_outside");
      }
    }
  }
}

// Window of one (m = 1: two context words) and a single context word, spelled
// out on a fixed tiny case; plus the context made only of c itself.
BOOST_AUTO_TEST_CASE(window_of_one_and_identical_context) {
  const std::uint64_t seed = 2718;
  std::mt19937_64 rng(seed);
  const arma::uword V = 4, d = 2, c = 1;
  const arma::mat center_vectors = reftest::draw_matrix(rng, V, d, -1.0, 1.0);
  const arma::mat U = reftest::draw_matrix(rng, V, d, -1.0, 1.0);
  const arma::vec v_c = center_vectors.row(c).t();
  const std::vector<arma::uvec> contexts = {{0}, {3}, {0, 3}, {1, 1}, {1, 1, 1, 1}, {2, 2}};
  for (const arma::uvec& context : contexts) {
    BOOST_TEST_CONTEXT("seed " << seed << " shape V=" << V << " d=" << d << " c=" << c
                               << " context " << reftest::list(context)) {
      std::vector<arma::uvec> negs;
      // Negatives never o; c = 1 is among them whenever o ≠ c, repeated once.
      for (const arma::uword o : context)
        negs.push_back(o == 1 ? arma::uvec{0, 2, 2} : o == 2 ? arma::uvec{1, 1, 3} : arma::uvec{1, 2});
      const w2v::SkipgramResult naive =
          w2v::skipgram(c, context, center_vectors, U, w2v::naive_softmax_word_loss());
      const w2v::SkipgramResult neg =
          w2v::skipgram(c, context, center_vectors, U, w2v::neg_sampling_word_loss(negs));
      check_against(naive, indep::skipgram(c, context, center_vectors, U, indep_naive()),
                    "naive softmax");
      check_against(neg, indep::skipgram(c, context, center_vectors, U, indep_neg(negs)),
                    "neg sampling");
      check_only_row_c(naive, c, "naive softmax");
      check_only_row_c(neg, c, "neg sampling");
      BOOST_TEST(naive.grad_center_vectors.n_rows == V);
      BOOST_TEST(naive.grad_center_vectors.n_cols == d);
      BOOST_TEST(naive.grad_outside.n_rows == V);
      BOOST_TEST(naive.grad_outside.n_cols == d);
    }
  }
  BOOST_TEST_CONTEXT("seed " << seed << " shape V=4 d=2 c=1 context [0]") {
    // Single context word: exactly the word loss.
    const w2v::SkipgramResult r =
        w2v::skipgram(c, arma::uvec{0}, center_vectors, U, w2v::naive_softmax_word_loss());
    const w2v::LossAndGradient g = w2v::naive_softmax_loss_and_gradient(v_c, 0, U);
    BOOST_TEST(r.loss == g.loss);
    BOOST_TEST(arma::all(r.grad_center_vectors.row(c).t() == g.grad_center));
    BOOST_TEST(arma::all(arma::vectorise(r.grad_outside == g.grad_outside)));
  }
  BOOST_TEST_CONTEXT("seed " << seed << " shape V=4 d=2 c=1 empty context") {
    const w2v::SkipgramResult r =
        w2v::skipgram(c, arma::uvec(), center_vectors, U, w2v::naive_softmax_word_loss());
    BOOST_TEST(r.loss == 0.0);
    BOOST_TEST(arma::all(arma::vectorise(r.grad_center_vectors) == 0.0));
    BOOST_TEST(arma::all(arma::vectorise(r.grad_outside) == 0.0));
  }
}

// Only v_c enters: changing every other row of center_vectors changes nothing.
BOOST_AUTO_TEST_CASE(other_center_vectors_do_not_matter) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const WindowCase w = draw_window(seed);
    arma::mat other = w.center_vectors * -3.0 + 1.0;
    other.row(w.c) = w.center_vectors.row(w.c);
    BOOST_TEST_CONTEXT(w.describe()) {
      const w2v::SkipgramResult a =
          w2v::skipgram(w.c, w.context, w.center_vectors, w.U, w2v::naive_softmax_word_loss());
      const w2v::SkipgramResult b =
          w2v::skipgram(w.c, w.context, other, w.U, w2v::naive_softmax_word_loss());
      BOOST_TEST(a.loss == b.loss);
      BOOST_TEST(arma::all(arma::vectorise(a.grad_center_vectors == b.grad_center_vectors)));
      BOOST_TEST(arma::all(arma::vectorise(a.grad_outside == b.grad_outside)));
    }
  }
}

// Scores ±M in a window: finite everywhere and the limits of the word losses.
// v_c = (1, 0, 0) makes u_wᵀv_c = U(w, 0) exactly.
static void saturation_at(double M);

BOOST_AUTO_TEST_CASE(saturation) {
  for (const double M : {40.0, 100.0, 700.0, 1000.0, 1e4, 1e6})
    BOOST_TEST_CONTEXT("M=" << fmt::format("{}", M)) { saturation_at(M); }
}

static void saturation_at(double M) {
  const arma::uword V = 5, d = 3, c = 2;
  arma::mat center_vectors(V, d, arma::fill::ones);
  center_vectors.row(c) = arma::rowvec{1.0, 0.0, 0.0};
  // Scores: word 0 at +M, word 1 at −M, words 2..4 at −M.
  const arma::mat U = {{M, 0.5, 1.0}, {-M, -1.0, 2.0}, {-M, 0.25, 0.0}, {-M, 3.0, -1.0},
                       {-M, 1.0, 1.0}};
  BOOST_TEST_CONTEXT("shape V=5 d=3 c=2 context [0,0] M=" << M << " (o dominant)") {
    const w2v::SkipgramResult naive =
        w2v::skipgram(c, arma::uvec{0, 0}, center_vectors, U, w2v::naive_softmax_word_loss());
    reftest::check_finite(naive.loss, "naive loss");
    reftest::check_finite(naive.grad_center_vectors, "naive grad_center_vectors");
    reftest::check_finite(naive.grad_outside, "naive grad_outside");
    BOOST_TEST(naive.loss >= 0.0);
    BOOST_TEST(naive.loss <= kTol);
    reftest::check_close(naive.grad_center_vectors, arma::zeros(V, d), kTol,
                         "naive grad_center_vectors");
    reftest::check_close(naive.grad_outside, arma::zeros(V, d), kTol, "naive grad_outside");

    // Negatives 1 and c = 2 at −M: every term saturated the right way, J → 0.
    const w2v::SkipgramResult neg = w2v::skipgram(
        c, arma::uvec{0, 0}, center_vectors, U, w2v::neg_sampling_word_loss({{1, 2}, {2, 2}}));
    reftest::check_finite(neg.grad_center_vectors, "neg grad_center_vectors");
    reftest::check_finite(neg.grad_outside, "neg grad_outside");
    BOOST_TEST(neg.loss >= 0.0);
    BOOST_TEST(neg.loss <= kTol);
    reftest::check_close(neg.grad_outside, arma::zeros(V, d), kTol, "neg grad_outside");
  }
  BOOST_TEST_CONTEXT("shape V=5 d=3 c=2 context [1,3] M=" << M << " (word 0 dominant)") {
    // Naive: each context word o at −M against word 0 at +M: J_j → 2M,
    // ∂J_j/∂v_c → u_0 − u_o, ∂J_j/∂u_0 → v_c, ∂J_j/∂u_o → −v_c.
    const w2v::SkipgramResult naive =
        w2v::skipgram(c, arma::uvec{1, 3}, center_vectors, U, w2v::naive_softmax_word_loss());
    reftest::check_close(naive.loss, 4 * M, kTol, "naive loss");
    arma::mat want_gcv(V, d, arma::fill::zeros), want_go(V, d, arma::fill::zeros);
    want_gcv.row(c) = 2 * U.row(0) - U.row(1) - U.row(3);
    want_go.row(0) = 2 * center_vectors.row(c);
    want_go.row(1) = -center_vectors.row(c);
    want_go.row(3) = -center_vectors.row(c);
    reftest::check_close(naive.grad_center_vectors, want_gcv, kTol, "naive grad_center_vectors");
    reftest::check_close(naive.grad_outside, want_go, kTol, "naive grad_outside");

    // Neg sampling with negative 0 (at +M) for both: J_j → M + M.
    const w2v::SkipgramResult neg = w2v::skipgram(
        c, arma::uvec{1, 3}, center_vectors, U, w2v::neg_sampling_word_loss({{0}, {0}}));
    reftest::check_close(neg.loss, 4 * M, kTol, "neg loss");
    reftest::check_close(neg.grad_center_vectors, want_gcv, kTol, "neg grad_center_vectors");
    reftest::check_close(neg.grad_outside, want_go, kTol, "neg grad_outside");
  }
}

BOOST_AUTO_TEST_CASE(rejects_bad_shapes_and_indices) {
  using reftest::message_mentions;
  const arma::mat C = arma::ones(5, 3), U = arma::ones(5, 3);
  const w2v::WordLoss naive = w2v::naive_softmax_word_loss();
  BOOST_CHECK_EXCEPTION(w2v::skipgram(0, {1}, arma::ones(5, 2), U, naive), std::invalid_argument,
                        message_mentions({"skipgram", "5x2", "5x3"}));
  BOOST_CHECK_EXCEPTION(w2v::skipgram(0, {1}, C, arma::ones(4, 3), naive), std::invalid_argument,
                        message_mentions({"skipgram", "5x3", "4x3"}));
  BOOST_CHECK_EXCEPTION(w2v::skipgram(0, {}, arma::mat(0, 3), arma::mat(0, 3), naive),
                        std::invalid_argument, message_mentions({"skipgram", "0x3"}));
  BOOST_CHECK_EXCEPTION(w2v::skipgram(0, {}, arma::mat(4, 0), arma::mat(4, 0), naive),
                        std::invalid_argument, message_mentions({"skipgram", "4x0"}));
  BOOST_CHECK_EXCEPTION(w2v::skipgram(5, {1}, C, U, naive), std::invalid_argument,
                        message_mentions({"skipgram", "center_idx 5", "V=5"}));
  BOOST_CHECK_EXCEPTION(w2v::skipgram(0, {1, 7, 2}, C, U, naive), std::invalid_argument,
                        message_mentions({"skipgram", "context_indices[1] 7", "V=5"}));
  BOOST_CHECK_EXCEPTION(w2v::skipgram(0, {1, 2}, C, U, w2v::neg_sampling_word_loss({{3}, {9}})),
                        std::invalid_argument,
                        message_mentions({"neg_sampling_loss_and_gradient",
                                          "negative_indices[0] 9", "V=5"}));
  BOOST_CHECK_EXCEPTION(w2v::skipgram(0, {1, 2, 3}, C, U, w2v::neg_sampling_word_loss({{3}, {4}})),
                        std::invalid_argument,
                        message_mentions({"neg_sampling_word_loss", "position 2", "2 lists"}));
  BOOST_CHECK_NO_THROW(w2v::skipgram(4, {4, 0}, C, U, naive));
}
