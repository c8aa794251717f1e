#pragma once
// Helpers shared by the tests of reference/: portable seeded draws, the
// comparison metric, entrywise checks that report the worst entry, and
// predicates on exception messages.
//
// Portability: random inputs come only from std::mt19937_64's raw output (fully
// specified by the standard) through w2v::uniform01 or `rng() % n`, never from
// std::*_distribution (implementation-defined), so a seed names the same inputs
// on every platform.
//
// Metric used by every cross-check against an independent computation:
//
//   err(a, b) = |a − b| / max(1, |a|, |b|)  ≤  kTol = 1e-12
//
// Why combined (absolute below 1, relative above): gradient entries are
// differences of O(1) terms (ŷ_o − 1, σ(s) − 1, Σ_w ŷ_w u_w − u_o), so an entry
// near 0 carries an error of a few ulps of its *terms*, not of itself; a purely
// relative test would reject correct code there. Losses grow with K and |s|, so
// above 1 the test is relative.
// Why 1e-12: at the safe magnitudes used (|u_wᵀv_c| ≤ 5, V ≤ 60, d ≤ 12, K ≤ 15)
// both implementations are accurate to O(n·ε) with n ≤ V·d = 720 summed terms of
// size ≤ 5, i.e. ≤ 720 · 2.2e-16 · 5 ≈ 8e-13 in the worst (all errors aligned)
// case; the worst seen over all seeded shapes here is 1e-14 (the different
// summation orders, BLAS gemv vs plain loops, max-shifted vs direct exp), a 100×
// margin, while any formula slip (a sign, a missing term, a dropped repeat) is
// ≥ 1e-3. Saturation tests with scores of size M pass scale = M (see below).
#include <boost/test/unit_test.hpp>

#include <armadillo>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "reference/neg_sampling.hpp"  // w2v::uniform01

namespace reftest {

constexpr double kTol = 1e-12;

// `scale` (default 1) raises the floor of the denominator when a value is a sum
// of terms much larger than itself (saturated scores of size M): such a sum is
// only defined to a few ulps of its largest term.
inline double combined_error(double a, double b, double scale = 1.0) {
  if (a == b) return 0.0;  // also equal infinities
  const double err = std::abs(a - b) / std::max({scale, std::abs(a), std::abs(b)});
  return std::isnan(err) ? std::numeric_limits<double>::infinity() : err;
}

inline double relative_error(double a, double b) {
  if (a == b) return 0.0;
  const double err = std::abs(a - b) / std::max(std::abs(a), std::abs(b));
  return std::isnan(err) ? std::numeric_limits<double>::infinity() : err;
}

inline double draw(std::mt19937_64& rng, double lo, double hi) {
  return lo + (hi - lo) * w2v::uniform01(rng);
}

// Modulo bias is < 60 / 2^64: irrelevant here, and portable.
inline arma::uword draw_index(std::mt19937_64& rng, arma::uword n) {
  return static_cast<arma::uword>(rng() % n);
}

inline arma::mat draw_matrix(std::mt19937_64& rng, arma::uword rows, arma::uword cols, double lo,
                             double hi) {
  arma::mat m(rows, cols);
  for (arma::uword r = 0; r < rows; ++r)
    for (arma::uword c = 0; c < cols; ++c) m(r, c) = draw(rng, lo, hi);
  return m;
}

inline arma::vec draw_vector(std::mt19937_64& rng, arma::uword n, double lo, double hi) {
  arma::vec v(n);
  for (arma::uword i = 0; i < n; ++i) v[i] = draw(rng, lo, hi);
  return v;
}

inline std::string list(const arma::uvec& idx) {
  std::string s;
  for (arma::uword k = 0; k < idx.n_elem; ++k) s += fmt::format("{}{}", k ? "," : "", idx[k]);
  return "[" + s + "]";
}

inline void check_close(double got, double want, double tol, const std::string& what) {
  const double err = combined_error(got, want);
  BOOST_TEST(err <= tol,
             fmt::format("{}: got {} want {} (error {:.3g} > {:.0e})", what, got, want, err, tol));
}

inline void check_relative(double got, double want, double tol, const std::string& what) {
  const double err = relative_error(got, want);
  BOOST_TEST(err <= tol, fmt::format("{}: got {} want {} (relative error {:.3g} > {:.0e})", what,
                                     got, want, err, tol));
}

// Every entry compared; one assertion per matrix naming the worst entry.
inline void check_close(const arma::mat& got, const arma::mat& want, double tol,
                        const std::string& what, double scale = 1.0) {
  if (got.n_rows != want.n_rows || got.n_cols != want.n_cols) {
    BOOST_TEST(false, fmt::format("{}: shape {}x{}, want {}x{}", what, got.n_rows, got.n_cols,
                                  want.n_rows, want.n_cols));
    return;
  }
  arma::uword bad = 0, wr = 0, wc = 0;
  double worst = -1.0;
  for (arma::uword c = 0; c < got.n_cols; ++c)
    for (arma::uword r = 0; r < got.n_rows; ++r) {
      const double err = combined_error(got(r, c), want(r, c), scale);
      if (!(err <= tol)) ++bad;
      if (err > worst) { worst = err; wr = r; wc = c; }
    }
  BOOST_TEST(bad == 0u,
             fmt::format("{}: {} of {} entries differ; worst ({},{}) got {} want {} (error {:.3g} "
                         "> {:.0e})",
                         what, bad, got.n_elem, wr, wc, got(wr, wc), want(wr, wc), worst, tol));
}

inline void check_finite(double x, const std::string& what) {
  BOOST_TEST(std::isfinite(x), fmt::format("{}: {} is not finite", what, x));
}

inline void check_finite(const arma::mat& m, const std::string& what) {
  arma::uword bad = 0, first = 0;
  for (arma::uword i = 0; i < m.n_elem; ++i)
    if (!std::isfinite(m[i]) && bad++ == 0) first = i;
  BOOST_TEST(bad == 0u, fmt::format("{}: {} of {} entries not finite (first: linear index {} = {})",
                                    what, bad, m.n_elem, first, bad ? m[first] : 0.0));
}

// Rows for which `keep(row)` is false must be exactly zero (not merely small).
template <class Keep>
void check_rows_exactly_zero(const arma::mat& m, Keep keep, const std::string& what) {
  for (arma::uword r = 0; r < m.n_rows; ++r) {
    if (keep(r)) continue;
    const bool zero = arma::all(arma::vectorise(m.row(r)) == 0.0);
    BOOST_TEST(zero, fmt::format("{}: row {} should be exactly zero, max |entry| = {}", what, r,
                                 arma::abs(m.row(r)).max()));
  }
}

// Predicate for BOOST_CHECK_EXCEPTION: the message mentions every part.
inline auto message_mentions(std::vector<std::string> parts) {
  return [parts = std::move(parts)](const std::invalid_argument& e) {
    const std::string what = e.what();
    bool ok = true;
    for (const std::string& p : parts) {
      const bool has = what.find(p) != std::string::npos;
      BOOST_TEST(has, fmt::format("message \"{}\" does not mention \"{}\"", what, p));
      ok = ok && has;
    }
    return ok;
  };
}

// A word-level instance: centre vector v_c, outside vectors U (V×d, code layout),
// outside word o, a notional centre index c, and negatives drawn like CS224n's
// getNegativeSamples (uniformly, rejecting o), with forced features by seed.
struct WordCase {
  std::uint64_t seed = 0;
  arma::uword V = 0, d = 0, o = 0, c = 0;
  arma::vec v_c;
  arma::mat U;
  arma::uvec negatives;

  std::string describe() const {
    return fmt::format("seed {} shape V={} d={} K={} o={} c={} negatives {}", seed, V, d,
                       negatives.n_elem, o, c, list(negatives));
  }
  bool has_repeated_negative() const {
    for (arma::uword i = 0; i < negatives.n_elem; ++i)
      for (arma::uword j = i + 1; j < negatives.n_elem; ++j)
        if (negatives[i] == negatives[j]) return true;
    return false;
  }
  bool negatives_contain(arma::uword w) const { return arma::any(negatives == w); }
};

// Scales U so that max_w |u_wᵀ v_c| = target: keeps every score in the safe
// range of the naive formulas while still reaching it.
inline void scale_scores(arma::mat& U, const arma::vec& v_c, double target) {
  double max_abs = 0.0;
  for (arma::uword w = 0; w < U.n_rows; ++w) {
    double s = 0.0;
    for (arma::uword i = 0; i < v_c.n_elem; ++i) s += U(w, i) * v_c[i];
    max_abs = std::max(max_abs, std::abs(s));
  }
  if (max_abs > 0.0) U *= target / max_abs;
}

// Negatives for outside word o: uniform, rejecting o (V = 1 leaves only o itself,
// which then exercises the o-among-negatives path).
inline arma::uvec draw_negatives(std::mt19937_64& rng, arma::uword V, arma::uword o,
                                 arma::uword K) {
  arma::uvec negs(K);
  for (arma::uword k = 0; k < K; ++k) {
    arma::uword w = draw_index(rng, V);
    while (V > 1 && w == o) w = draw_index(rng, V);
    negs[k] = w;
  }
  return negs;
}

// V 1..60, d 1..12, K 1..15, |scores| ≤ 5; every 5th seed o == c, every 3rd seed
// puts c among the negatives, every 4th seed repeats a negative.
inline WordCase draw_word_case(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  WordCase w;
  w.seed = seed;
  w.V = 1 + draw_index(rng, 60);
  w.d = 1 + draw_index(rng, 12);
  const arma::uword K = 1 + draw_index(rng, 15);
  w.o = draw_index(rng, w.V);
  w.c = seed % 5 == 0 ? w.o : draw_index(rng, w.V);
  w.v_c = draw_vector(rng, w.d, -1.0, 1.0);
  w.U = draw_matrix(rng, w.V, w.d, -1.0, 1.0);
  scale_scores(w.U, w.v_c, draw(rng, 0.5, 5.0));
  w.negatives = draw_negatives(rng, w.V, w.o, K);
  if (seed % 3 == 0 && w.c != w.o) w.negatives[draw_index(rng, K)] = w.c;
  if (seed % 4 == 0 && K >= 2) w.negatives[K - 1] = w.negatives[0];
  return w;
}

}  // namespace reftest
