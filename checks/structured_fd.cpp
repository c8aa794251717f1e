#include "checks/structured_fd.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

#include "reference/naive_softmax.hpp"
#include "reference/sigmoid.hpp"
#include "reference/validate.hpp"

namespace w2v {

namespace {

// The four stencil points of central_difference, in its order.
constexpr int kPoints = 4;
constexpr double kMultiple[kPoints] = {1.0, -1.0, 2.0, -2.0};
// Index of the point at the opposite offset (+h ↔ −h, +2h ↔ −2h).
constexpr int opposite(int k) { return k ^ 1; }

// Below this |a| the Taylor polynomials below are accurate to a small fraction
// of an ulp (the first dropped term is a⁵/120 for expm1 and a⁵/5 for log1p,
// relative a⁴/120 ≤ 1e-18 and a⁴/5 ≤ 2e-17 < ε/10), so they are as good as
// libm here and several times cheaper. Nearly every argument is this small:
// δ = h·v ≈ 1e-5·|v| and ŷ_w·expm1(δ) is smaller still.
constexpr double kSeriesLimit = 1e-4;

inline double expm1_fast(double a) {
  if (std::abs(a) >= kSeriesLimit) return std::expm1(a);
  return a * (1.0 + a * (0.5 + a * (1.0 / 6 + a * (1.0 / 24))));
}

inline double log1p_fast(double a) {
  if (std::abs(a) >= kSeriesLimit) return std::log1p(a);
  return a * (1.0 + a * (-0.5 + a * (1.0 / 3 + a * -0.25)));
}

// Past |δ| = 1 a difference of losses no longer cancels (and expm1 could
// overflow for absurd δ), so the perturbed loss is evaluated in full instead.
constexpr double kDirectLimit = 1.0;

// numerical_gradient sets x[i] = x0 + t and divides by 2h; when x0 + t rounds
// (x0 tiny next to h, or a binade edge crossed) the loss sees the offset
// fl(x0 + t) − x0, not t. Using that offset keeps both engines estimating the
// same quotient.
struct Offsets {
  double t[kPoints];
  bool exact = true;  // t[k] == kMultiple[k]·h for every k
};

inline Offsets offsets(double x0, double h) {
  Offsets o;
  for (int k = 0; k < kPoints; ++k) {
    o.t[k] = (x0 + kMultiple[k] * h) - x0;
    o.exact = o.exact && o.t[k] == kMultiple[k] * h;
  }
  return o;
}

// central_difference's value and error estimate from J(x) and the differences
// Δ_k = J(x + t_k) − J(x): f(x + t_k) = J(x) + Δ_k feeds the round-off scale.
// h is a power of two (step_for), so 1/h is exact and multiplying by it rounds
// the same real number as dividing by h: bit-identical to central_difference's
// divisions, at a fraction of their cost over 30M coordinates.
inline Derivative finish(double loss, const double (&delta)[kPoints], double h, double ulps) {
  const double inv_h = 1.0 / h;
  const double d1 = (delta[0] - delta[1]) * (0.5 * inv_h);
  const double d2 = (delta[2] - delta[3]) * (0.25 * inv_h);
  double scale = 0.0;
  for (const double d : delta) scale = std::max(scale, std::abs(loss + d));
  const double roundoff = ulps * detail::eps * std::max(1.0, scale) * inv_h;  // roundoff_bound
  return {d1, std::abs(d1 - d2) / 3 + roundoff, h, kPoints};
}

// softplus(s + δ) − softplus(s) = log(1 + σ(s)·(e^δ − 1)), free of cancellation.
inline double softplus_difference(double s, double sigma_s, double delta, double e_delta) {
  if (std::abs(delta) > kDirectLimit) return softplus(s + delta) - softplus(s);
  return log1p_fast(sigma_s * e_delta);
}

// One word's share of the negative-sampling loss, as a function of its score s:
// positive·softplus(−s) + draws·softplus(s) (a negative equal to o has both).
struct NegTerm {
  arma::uword word = 0;
  bool positive = false;
  double draws = 0.0;  // n_w
  double score = 0.0, sigma_pos = 0.0, sigma_neg = 0.0;  // s, σ(s), σ(−s)

  // Change of this share when s moves by δ; e_plus = expm1(δ), e_minus = expm1(−δ).
  double delta(double d, double e_plus, double e_minus) const {
    double r = 0.0;
    if (draws > 0.0) r += draws * softplus_difference(score, sigma_pos, d, e_plus);
    if (positive) r += softplus_difference(-score, sigma_neg, -d, e_minus);
    return r;
  }
};

void require_central(const char* fn, const FdOptions& options) {
  if (options.stencil != Stencil::central)
    throw std::invalid_argument(fmt::format(
        "{}: only the central stencil has a structured form (got {})", fn,
        to_string(options.stencil)));
}

// step_for, with every |x| ≤ 1 sharing h_unit (step_for uses max(1, |x|)), so
// the hot path needs no log2/exp2.
struct StepRule {
  explicit StepRule(const FdOptions& o) : options(o), h_unit(step_for(1.0, o)) {}
  double operator()(double x0) const {
    return std::abs(x0) <= 1.0 ? h_unit : step_for(x0, options);
  }
  FdOptions options;
  double h_unit;
};

void require_finite(const arma::mat& parameter, const double (&delta)[kPoints],
                    const Offsets& off, arma::uword index) {
  for (int k = 0; k < kPoints; ++k)
    if (!std::isfinite(delta[k]))
      throw std::runtime_error(fmt::format(
          "structured_central_differences: loss difference is {} at {} perturbed by {:+.3g}",
          delta[k], describe_coordinate(parameter, index), off.t[k]));
}

// One word loss J(v_c, o, U) (naive softmax or negative sampling).
class Engine {
 public:
  Engine(const ReferenceLossView& loss, LossBlock block, const FdOptions& options)
      : kind_(loss.kind),
        block_(block),
        v_(loss.center_vec),
        U_(loss.outside_vectors),
        o_(loss.outside_idx),
        ulps_(options.roundoff_ulps),
        step_(options) {
    constexpr const char* fn = "structured_central_differences";
    require_central(fn, options);
    detail::require_word_vectors(fn, v_, U_);
    detail::require_index(fn, "outside_idx", o_, U_.n_rows);

    if (kind_ == ReferenceLossKind::naive_softmax)
      prepare_naive();
    else
      prepare_neg(loss.negative_indices);
    if (!std::isfinite(loss_))
      throw std::runtime_error(fmt::format("{}: the loss is {} at the unperturbed point", fn,
                                           loss_));

    // expm1(±h·v_c[i]), expm1(±2h·v_c[i]) for the common step h = h_unit: the
    // outside block then needs no expm1 per coordinate.
    if (block_ == LossBlock::outside_vectors) {
      e_cache_.set_size(kPoints, v_.n_elem);
      for (arma::uword i = 0; i < v_.n_elem; ++i)
        for (int k = 0; k < kPoints; ++k)
          e_cache_(k, i) = expm1_fast(kMultiple[k] * step_.h_unit * v_[i]);
    }
  }

  const arma::mat& parameter() const {
    return block_ == LossBlock::center_vec ? static_cast<const arma::mat&>(v_) : U_;
  }
  double loss() const { return loss_; }

  Derivative probe(arma::uword row, arma::uword col) const {
    const bool outside = block_ == LossBlock::outside_vectors;
    const double x0 = outside ? U_(row, col) : v_[row];
    const double h = step_(x0);
    const Offsets off = offsets(x0, h);
    double delta[kPoints];
    if (outside)
      outside_deltas(row, col, h, off, delta);
    else
      center_deltas(row, off, delta);
    require_finite(parameter(), delta, off, outside ? row + col * U_.n_rows : row);
    return finish(loss_, delta, h, ulps_);
  }

  // Δ_k = J(U + t_k e_{w,i}) − J(U) for the offsets `off` of step h.
  void outside_deltas(arma::uword w, arma::uword i, double h, const Offsets& off,
                      double (&delta)[kPoints]) const {
    if (kind_ == ReferenceLossKind::naive_softmax)
      naive_outside(w, i, h, off, delta);
    else
      neg_outside(w, i, h, off, delta);
  }
  // Δ_k = J(v_c + t_k e_i) − J(v_c).
  void center_deltas(arma::uword i, const Offsets& off, double (&delta)[kPoints]) const {
    if (kind_ == ReferenceLossKind::naive_softmax)
      naive_center(i, off, delta);
    else
      neg_center(i, off, delta);
  }

 private:

  void prepare_naive() {
    scores_ = U_ * v_;
    const double lse = log_sum_exp(scores_);
    loss_ = lse - scores_[o_];
    log_p_ = scores_ - lse;
    p_ = arma::exp(log_p_);
    // 1 − ŷ_o as a sum of the other probabilities: it stays accurate when
    // ŷ_o → 1, where 1 − ŷ_o would cancel to nothing.
    q_o_ = 0.0;
    for (arma::uword w = 0; w < p_.n_elem; ++w)
      if (w != o_) q_o_ += p_[w];
  }

  void prepare_neg(const arma::uvec& negatives) {
    constexpr const char* fn = "structured_central_differences";
    for (arma::uword k = 0; k < negatives.n_elem; ++k)
      detail::require_index(fn, fmt::format("negative_indices[{}]", k), negatives[k], U_.n_rows);
    term_of_.assign(U_.n_rows, -1);
    auto term = [&](arma::uword w) -> NegTerm& {
      if (term_of_[w] < 0) {
        term_of_[w] = static_cast<int>(terms_.size());
        NegTerm t;
        t.word = w;
        t.score = arma::dot(U_.row(w), v_);
        t.sigma_pos = sigmoid(t.score);
        t.sigma_neg = sigmoid(-t.score);
        terms_.push_back(t);
      }
      return terms_[static_cast<std::size_t>(term_of_[w])];
    };
    NegTerm& pos = term(o_);
    pos.positive = true;
    loss_ = softplus(-pos.score);
    for (const arma::uword w : negatives) {
      NegTerm& t = term(w);
      t.draws += 1.0;
      loss_ += softplus(t.score);
    }
  }

  // expm1(±t_k·v) for the outside block at column i, from the cache when the
  // offsets are the common ones.
  void outside_expm1(arma::uword i, double h, const Offsets& off, double (&e)[kPoints]) const {
    if (off.exact && h == step_.h_unit) {
      for (int k = 0; k < kPoints; ++k) e[k] = e_cache_(k, i);
      return;
    }
    for (int k = 0; k < kPoints; ++k) e[k] = expm1_fast(off.t[k] * v_[i]);
  }

  // J(U ± t e_{w,i}) − J(U) = −[w=o]δ + log1p(ŷ_w·expm1(δ)), δ = t·v_c[i]; for
  // w = o the equal form log1p((1 − ŷ_o)·expm1(−δ)) avoids cancelling −δ.
  void naive_outside(arma::uword w, arma::uword i, double h, const Offsets& off,
                     double (&delta)[kPoints]) const {
    double e[kPoints];
    outside_expm1(i, h, off, e);
    const bool is_o = w == o_;
    const double coef = is_o ? q_o_ : p_[w];
    for (int k = 0; k < kPoints; ++k) {
      const double d = off.t[k] * v_[i];
      delta[k] = std::abs(d) > kDirectLimit ? naive_direct(w, d) - (is_o ? d : 0.0)
                                            : log1p_fast(coef * e[is_o ? opposite(k) : k]);
    }
  }

  // LSE(s + δ e_w) − LSE(s) = log Σ_j exp(log ŷ_j + [j=w]δ), max-shifted.
  double naive_direct(arma::uword w, double d) const {
    double m = -std::numeric_limits<double>::infinity();
    for (arma::uword j = 0; j < log_p_.n_elem; ++j)
      m = std::max(m, log_p_[j] + (j == w ? d : 0.0));
    double sum = 0.0;
    for (arma::uword j = 0; j < log_p_.n_elem; ++j)
      sum += std::exp(log_p_[j] + (j == w ? d : 0.0) - m);
    return m + std::log(sum);
  }

  // J(v_c + t e_i) − J(v_c) = log Σ_w ŷ_w e^{t(U[w,i] − U[o,i])}
  //                         = log1p(Σ_{w≠o} ŷ_w·expm1(t·D_w)),  D_w = U[w,i] − U[o,i]:
  // the −t·U[o,i] of the loss is folded into the exponent, so nothing cancels
  // even when ŷ_o ≈ 1.
  void naive_center(arma::uword i, const Offsets& off, double (&delta)[kPoints]) const {
    const double* col = U_.colptr(i);
    const double uo = col[o_];
    const arma::uword V = U_.n_rows;
    double max_d = 0.0;
    for (arma::uword w = 0; w < V; ++w) max_d = std::max(max_d, std::abs(col[w] - uo));
    double t_max = 0.0;
    for (const double t : off.t) t_max = std::max(t_max, std::abs(t));

    if (t_max * max_d <= kDirectLimit) {
      double sum[kPoints] = {0.0, 0.0, 0.0, 0.0};
      for (arma::uword w = 0; w < V; ++w) {
        const double d = col[w] - uo, p = p_[w];
        for (int k = 0; k < kPoints; ++k) sum[k] += p * expm1_fast(off.t[k] * d);
      }
      for (int k = 0; k < kPoints; ++k) delta[k] = std::log1p(sum[k]);
    } else {
      for (int k = 0; k < kPoints; ++k) {
        double m = -std::numeric_limits<double>::infinity();
        for (arma::uword w = 0; w < V; ++w) m = std::max(m, log_p_[w] + off.t[k] * (col[w] - uo));
        double sum = 0.0;
        for (arma::uword w = 0; w < V; ++w) sum += std::exp(log_p_[w] + off.t[k] * (col[w] - uo) - m);
        delta[k] = m + std::log(sum);
      }
    }
  }

  // Only the shares of o and of the negatives depend on their rows; every other
  // row of U leaves the loss unchanged (Δ = 0 exactly, as in the black box).
  void neg_outside(arma::uword w, arma::uword i, double h, const Offsets& off,
                   double (&delta)[kPoints]) const {
    for (double& d : delta) d = 0.0;
    if (term_of_[w] < 0) return;
    const NegTerm& t = terms_[static_cast<std::size_t>(term_of_[w])];
    double e[kPoints];
    outside_expm1(i, h, off, e);
    for (int k = 0; k < kPoints; ++k) delta[k] = t.delta(off.t[k] * v_[i], e[k], e[opposite(k)]);
  }

  void neg_center(arma::uword i, const Offsets& off, double (&delta)[kPoints]) const {
    for (double& d : delta) d = 0.0;
    for (const NegTerm& t : terms_) {
      const double u = U_(t.word, i);
      for (int k = 0; k < kPoints; ++k) {
        const double d = off.t[k] * u;
        delta[k] += t.delta(d, expm1_fast(d), expm1_fast(-d));
      }
    }
  }

  ReferenceLossKind kind_;
  LossBlock block_;
  const arma::vec& v_;
  const arma::mat& U_;
  arma::uword o_;
  double ulps_;
  StepRule step_;
  double loss_ = 0.0;
  arma::mat e_cache_;  // kPoints × d
  // naive softmax
  arma::vec scores_, log_p_, p_;
  double q_o_ = 0.0;
  // negative sampling
  std::vector<NegTerm> terms_;
  std::vector<int> term_of_;  // row → index into terms_, −1 for rows not in the loss
};

// The skip-gram window: one Engine per context word, all on v_c = row c of
// the center vectors; a probe sums the terms' differences at the common
// offsets and finishes once, on the window's loss.
class SkipgramEngine {
 public:
  SkipgramEngine(const SkipgramLossView& loss, SkipgramBlock block, const FdOptions& options)
      : block_(block),
        C_(loss.center_vectors),
        U_(loss.outside_vectors),
        c_(loss.center_idx),
        ulps_(options.roundoff_ulps),
        step_(options) {
    constexpr const char* fn = "structured_central_differences (skip-gram)";
    require_central(fn, options);
    if (C_.n_rows != U_.n_rows || C_.n_cols != U_.n_cols || C_.n_elem == 0)
      throw std::invalid_argument(fmt::format(
          "{}: center_vectors is {}x{} and outside_vectors is {}x{}; both must be V×d with "
          "V ≥ 1, d ≥ 1",
          fn, C_.n_rows, C_.n_cols, U_.n_rows, U_.n_cols));
    detail::require_index(fn, "center_idx", c_, C_.n_rows);
    const bool neg = loss.kind == ReferenceLossKind::neg_sampling;
    if (neg && loss.negatives_per_context.size() != loss.context.n_elem)
      throw std::invalid_argument(fmt::format("{}: {} context words but {} negatives lists", fn,
                                              loss.context.n_elem,
                                              loss.negatives_per_context.size()));
    v_ = C_.row(c_).t();
    const LossBlock word_block = block == SkipgramBlock::outside_vectors
                                     ? LossBlock::outside_vectors
                                     : LossBlock::center_vec;
    static const arma::uvec no_negatives;
    // Engines hold references to v_: reserve so that none is ever moved.
    terms_.reserve(loss.context.n_elem);
    for (arma::uword j = 0; j < loss.context.n_elem; ++j) {
      detail::require_index(fn, fmt::format("context[{}]", j), loss.context[j], U_.n_rows);
      terms_.emplace_back(ReferenceLossView{loss.kind, v_, loss.context[j], U_,
                                            neg ? loss.negatives_per_context[j] : no_negatives},
                          word_block, options);
      loss_ += terms_.back().loss();
    }
  }
  SkipgramEngine(const SkipgramEngine&) = delete;
  SkipgramEngine& operator=(const SkipgramEngine&) = delete;

  const arma::mat& parameter() const {
    return block_ == SkipgramBlock::outside_vectors ? U_ : C_;
  }

  Derivative probe(arma::uword row, arma::uword col) const {
    const bool outside = block_ == SkipgramBlock::outside_vectors;
    const double x0 = outside ? U_(row, col) : C_(row, col);
    const double h = step_(x0);
    const Offsets off = offsets(x0, h);
    double delta[kPoints] = {0.0, 0.0, 0.0, 0.0};
    if (outside || row == c_) {
      for (const Engine& t : terms_) {
        double d[kPoints];
        if (outside)
          t.outside_deltas(row, col, h, off, d);
        else
          t.center_deltas(col, off, d);
        for (int k = 0; k < kPoints; ++k) delta[k] += d[k];
      }
    }
    require_finite(parameter(), delta, off, row + col * parameter().n_rows);
    return finish(loss_, delta, h, ulps_);
  }

 private:
  SkipgramBlock block_;
  const arma::mat& C_;
  const arma::mat& U_;
  arma::uword c_;
  double ulps_;
  StepRule step_;
  double loss_ = 0.0;
  arma::vec v_;               // row c of C_; the terms refer to it
  std::vector<Engine> terms_;  // one per context word, in window order
};

template <class EngineT>
NumericalGradient central_differences_at(const EngineT& engine, arma::uvec coordinates) {
  const arma::mat& x = engine.parameter();
  if (coordinates.is_empty()) coordinates = arma::regspace<arma::uvec>(0, x.n_elem - 1);
  NumericalGradient g;
  g.value.zeros(arma::size(x));
  g.error_estimate.zeros(arma::size(x));
  g.step.zeros(arma::size(x));
  for (const arma::uword i : coordinates) {
    if (i >= x.n_elem)
      throw std::out_of_range(
          fmt::format("structured_central_differences: coordinate {} is outside a {}x{} block",
                      i, x.n_rows, x.n_cols));
    const Derivative d = engine.probe(i % x.n_rows, i / x.n_rows);
    g.value[i] = d.value;
    g.error_estimate[i] = d.error_estimate;
    g.step[i] = d.step;
    // The stencil's four points, as the black box counts them, although each
    // is a difference of O(1) or O(V) cost rather than a loss evaluation.
    g.evaluations += d.evaluations;
  }
  g.coordinates = std::move(coordinates);
  return g;
}

template <class EngineT>
GradientComparison exhaustive_check(const EngineT& engine, const arma::mat& analytic,
                                    const ComparisonOptions& comparison, unsigned threads) {
  const arma::mat& x = engine.parameter();
  if (analytic.n_rows != x.n_rows || analytic.n_cols != x.n_cols)
    throw std::invalid_argument(fmt::format(
        "structured_exhaustive_check: analytic gradient is {}x{} but the block is {}x{}",
        analytic.n_rows, analytic.n_cols, x.n_rows, x.n_cols));

  const arma::uword n = x.n_elem, rows = x.n_rows;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const unsigned parts = static_cast<unsigned>(std::min<arma::uword>(threads, n));

  // Contiguous index ranges, accumulated separately and merged in index order:
  // the accumulator's merge is exact for that, so the thread count cannot
  // change the result.
  std::vector<ComparisonAccumulator> acc(parts, ComparisonAccumulator(comparison));
  std::vector<std::exception_ptr> error(parts);
  auto run = [&](unsigned part) {
    try {
      const arma::uword begin = n * part / parts, end = n * (part + 1) / parts;
      arma::uword row = begin % rows, col = begin / rows;
      for (arma::uword i = begin; i < end; ++i) {
        const Derivative d = engine.probe(row, col);
        acc[part].add(i, row, col, analytic[i], d.value, d.error_estimate, d.step);
        if (++row == rows) row = 0, ++col;
      }
    } catch (...) {
      error[part] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(parts - 1);
  for (unsigned part = 1; part < parts; ++part) pool.emplace_back(run, part);
  run(0);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : error)
    if (e) std::rethrow_exception(e);
  for (unsigned part = 1; part < parts; ++part) acc[0].merge(acc[part]);
  return acc[0].result();
}

}  // namespace

NumericalGradient structured_central_differences(const ReferenceLossView& loss, LossBlock block,
                                                 const FdOptions& options,
                                                 arma::uvec coordinates) {
  return central_differences_at(Engine(loss, block, options), std::move(coordinates));
}

NumericalGradient structured_central_differences(const SkipgramLossView& loss,
                                                 SkipgramBlock block, const FdOptions& options,
                                                 arma::uvec coordinates) {
  return central_differences_at(SkipgramEngine(loss, block, options), std::move(coordinates));
}

GradientComparison structured_exhaustive_check(const ReferenceLossView& loss, LossBlock block,
                                               const arma::mat& analytic,
                                               const FdOptions& options,
                                               const ComparisonOptions& comparison,
                                               unsigned threads) {
  return exhaustive_check(Engine(loss, block, options), analytic, comparison, threads);
}

GradientComparison structured_exhaustive_check(const SkipgramLossView& loss, SkipgramBlock block,
                                               const arma::mat& analytic,
                                               const FdOptions& options,
                                               const ComparisonOptions& comparison,
                                               unsigned threads) {
  return exhaustive_check(SkipgramEngine(loss, block, options), analytic, comparison, threads);
}

}  // namespace w2v
