#include "checks/directional.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>

#include "reference/sigmoid.hpp"

namespace w2v {

// ---------------------------------------------------------------------------
// Gaussian direction entries.
//
// std::normal_distribution is not portable (libstdc++ and libc++ use different
// algorithms), and a stored 30M-entry direction would cost 240 MB per test, so
// entries come from a counter-based hash (SplitMix64's finaliser over
// key + j·golden, the SplitMix64 stream itself) fed to Marsaglia and Tsang's
// ziggurat with 128 layers, in Doornik's form (ZIGNOR, 2005): ~99% of entries
// cost one hash, one table look-up and one multiply, which is what keeps the
// set-up of a whole-block direction within a memory pass.

namespace {

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline double unit_interval(std::uint64_t bits) {  // [0, 1), 53 bits
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

struct Ziggurat {
  static constexpr int kLayers = 128;
  static constexpr double kR = 3.442619855899;  // start of the tail
  static constexpr double kV = 9.91256303526217e-3;  // area of each layer
  std::array<double, kLayers + 1> x{};
  std::array<double, kLayers> ratio{};
  Ziggurat() {
    double f = std::exp(-0.5 * kR * kR);
    x[0] = kV / f;
    x[1] = kR;
    x[kLayers] = 0.0;
    for (int i = 2; i < kLayers; ++i) {
      x[i] = std::sqrt(-2.0 * std::log(kV / x[i - 1] + f));
      f = std::exp(-0.5 * x[i] * x[i]);
    }
    for (int i = 0; i < kLayers; ++i) ratio[i] = x[i + 1] / x[i];
  }
};

// Only read after main starts, so static initialisation order is not an issue.
const Ziggurat kZiggurat;

}  // namespace

namespace {

// The rare rejections of the ziggurat: out of line, so the fast path inlines
// into the set-up loops.
[[gnu::noinline]] double gaussian_slow(std::uint64_t base, int i, double u) {
  const Ziggurat& z = kZiggurat;
  std::uint64_t draw = 0;
  auto next = [&] { return mix64(base + ++draw * kGolden); };
  for (;;) {
    if (i == 0) {  // the tail beyond R, by Marsaglia's exponential method
      double t, y;
      do {
        t = -std::log(1.0 - unit_interval(next())) / Ziggurat::kR;
        y = -std::log(1.0 - unit_interval(next()));
      } while (y + y < t * t);
      return u < 0 ? -(Ziggurat::kR + t) : Ziggurat::kR + t;
    }
    const double v = u * z.x[i];
    const double f0 = std::exp(-0.5 * (z.x[i] * z.x[i] - v * v));
    const double f1 = std::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - v * v));
    if (f1 + unit_interval(next()) * (f0 - f1) < 1.0) return v;
    const std::uint64_t b = next();
    i = static_cast<int>(b & (Ziggurat::kLayers - 1));
    u = 2.0 * unit_interval(b) - 1.0;
    if (std::abs(u) < z.ratio[i]) return u * z.x[i];
  }
}

inline double gaussian_at(std::uint64_t key, arma::uword j) {
  const std::uint64_t b = mix64(key + static_cast<std::uint64_t>(j) * kGolden);
  const int i = static_cast<int>(b & (Ziggurat::kLayers - 1));
  const double u = 2.0 * unit_interval(b) - 1.0;  // bits 11..63: disjoint from i's
  if (std::abs(u) < kZiggurat.ratio[i]) return u * kZiggurat.x[i];
  return gaussian_slow(b, i, u);
}

}  // namespace

double direction_value(std::uint64_t key, arma::uword j) { return gaussian_at(key, j); }

// ---------------------------------------------------------------------------
// Threads.

namespace {

unsigned thread_count(unsigned requested, std::size_t work_items) {
  unsigned t = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::size_t>(t, std::max<std::size_t>(work_items, 1)));
}

// Runs fn(c) for every chunk c in [0, chunks), thread t taking a contiguous
// run of chunks. Callers make each chunk's result independent of which thread
// ran it, so the thread count never changes a value. Rethrows the exception of
// the lowest failing chunk range.
template <class Fn>
void for_chunks(std::size_t chunks, unsigned threads, Fn&& fn) {
  threads = thread_count(threads, chunks);
  if (threads <= 1) {
    for (std::size_t c = 0; c < chunks; ++c) fn(c);
    return;
  }
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t lo = chunks * t / threads, hi = chunks * (t + 1) / threads;
    pool.emplace_back([&, t, lo, hi] {
      try {
        for (std::size_t c = lo; c < hi; ++c) fn(c);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (std::thread& th : pool) th.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

void require_same_size(const char* fn, const arma::mat& analytic, arma::uword rows,
                       arma::uword cols) {
  if (analytic.n_rows != rows || analytic.n_cols != cols)
    throw std::invalid_argument(fmt::format("{}: analytic gradient is {}x{}, the parameter {}x{}",
                                            fn, analytic.n_rows, analytic.n_cols, rows, cols));
}

void require_in_block(const char* fn, const Direction& r, arma::uword n_elem) {
  if (r.count == 0) throw std::invalid_argument(fmt::format("{}: empty direction", fn));
  const arma::uword last = r.index(r.count - 1);
  if (last >= n_elem)
    throw std::out_of_range(
        fmt::format("{}: direction reaches coordinate {} of a {}-entry parameter", fn, last, n_elem));
}

}  // namespace

// ---------------------------------------------------------------------------
// Black-box line.

LineLossFactory black_box_line(std::function<double(const arma::mat&)> loss, arma::mat x) {
  struct State {
    std::function<double(const arma::mat&)> loss;
    arma::mat x;
  };
  auto state = std::make_shared<State>(State{std::move(loss), std::move(x)});
  return [state](const Direction& r, const arma::mat& analytic) {
    require_same_size("black_box_line", analytic, state->x.n_rows, state->x.n_cols);
    require_in_block("black_box_line", r, state->x.n_elem);
    auto idx = std::make_shared<std::vector<arma::uword>>(r.count);
    auto x0 = std::make_shared<std::vector<double>>(r.count);
    auto val = std::make_shared<std::vector<double>>(r.count);
    Line line;
    for (arma::uword k = 0; k < r.count; ++k) {
      const arma::uword j = r.index(k);
      (*idx)[k] = j;
      (*x0)[k] = state->x[j];
      (*val)[k] = r.value(j);
      line.slope += (*val)[k] * analytic[j];
    }
    line.phi = [state, idx, x0, val](double t) {
      arma::mat& x = state->x;
      const std::size_t n = idx->size();
      auto restore = [&] {
        for (std::size_t k = 0; k < n; ++k) x[(*idx)[k]] = (*x0)[k];
      };
      for (std::size_t k = 0; k < n; ++k) x[(*idx)[k]] = (*x0)[k] + t * (*val)[k];
      double v;
      try {
        v = state->loss(x);
      } catch (...) {
        restore();
        throw;
      }
      restore();
      return v;
    };
    return line;
  };
}

// ---------------------------------------------------------------------------
// Structured line for the reference losses.
//
// Both losses depend on the parameters only through the scores s_w = u_wᵀv_c,
// and both blocks enter the scores linearly, so along r the scores are exactly
// s + t·q: q_w = Σ_i r_{w,i}·v_c[i] (outside block), q = U r (center block).
// Naive softmax: φ(t) − φ(0) = log Σ_w ŷ_w e^{t·q_w} − t·q_o
//                             = log1p(Σ_w ŷ_w·expm1(t·q_w)) − t·q_o,
// where only rows with q_w ≠ 0 contribute and nothing cancels, so the
// difference keeps full relative precision however large |s| is. When
// |t·q_w| > 1 (never at finite-difference steps) expm1 could overflow and the
// max-shifted log-sum-exp over s + t·q is used instead.

namespace {

constexpr arma::uword kRowChunk = 2048;          // rows per deterministic set-up chunk
constexpr arma::uword kParallelEntries = 1 << 16;  // smaller set-ups run on one thread

struct RowRange {
  arma::uword lo, hi;
};

struct StructuredState {
  ReferenceLossKind kind;
  LossBlock block;
  const arma::vec* vc;
  arma::uword o;
  const arma::mat* U;
  arma::uword V, d;
  // naive softmax
  arma::vec s, yhat;
  double phi0 = 0.0;
  // negative sampling: term k is softplus(sign_k·(s_k + t·q_k)) for row row_k
  std::vector<arma::uword> term_row;
  std::vector<double> term_sign, term_score;
};

// Rows of U that a direction on the outside block touches, as sorted ranges.
std::vector<RowRange> touched_rows(const Direction& r, arma::uword V) {
  if (!r.indices) {
    if (r.count >= V) return {{0, V}};
    const arma::uword a = r.first, b = r.first + r.count;  // b − a < V: ≤ 2 columns
    const arma::uword lo = a % V, hi = (b - 1) % V + 1;
    if (lo < hi) return {{lo, hi}};
    if (hi >= lo) return {{0, V}};
    return {{0, hi}, {lo, V}};
  }
  std::vector<arma::uword> rows(r.count);
  for (arma::uword k = 0; k < r.count; ++k) rows[k] = r.indices[k] % V;
  std::sort(rows.begin(), rows.end());
  std::vector<RowRange> out;
  for (const arma::uword w : rows) {
    if (!out.empty() && w < out.back().hi) continue;
    if (!out.empty() && w == out.back().hi) ++out.back().hi;
    else out.push_back({w, w + 1});
  }
  return out;
}

// q over all rows and aᵀr, for a direction on the outside block.
double outside_setup(const StructuredState& st, const Direction& r, const arma::mat& a,
                     arma::vec& q) {
  q.zeros(st.V);
  const double* vc = st.vc->memptr();
  const double* ap = a.memptr();
  double* qp = q.memptr();
  if (r.indices) {
    double slope = 0.0;
    for (arma::uword k = 0; k < r.count; ++k) {
      const arma::uword j = r.indices[k];
      const double v = r.value(j);
      qp[j % st.V] += v * vc[j / st.V];
      slope += v * ap[j];
    }
    return slope;
  }
  // Contiguous block: rows split into fixed chunks, each summing its q_w over
  // columns in order and its own share of aᵀr, so the result is the same for
  // every thread count.
  const arma::uword V = st.V, a0 = r.first, b0 = r.first + r.count;
  const arma::uword ia = a0 / V, ib = (b0 - 1) / V;
  const std::size_t chunks = (V + kRowChunk - 1) / kRowChunk;
  std::vector<double> partial(chunks, 0.0);
  for_chunks(chunks, r.count >= kParallelEntries ? 0u : 1u, [&](std::size_t c) {
    const arma::uword w0 = c * kRowChunk, w1 = std::min(V, w0 + kRowChunk);
    double slope = 0.0;
    for (arma::uword i = ia; i <= ib; ++i) {
      const arma::uword base = V * i;
      const arma::uword lo = std::max(w0, i == ia ? a0 - base : 0);
      const arma::uword hi = std::min(w1, i == ib ? b0 - base : V);
      const double vci = vc[i];
      for (arma::uword w = lo; w < hi; ++w) {
        const double v = r.unit ? 1.0 : gaussian_at(r.key, base + w);
        qp[w] += v * vci;
        slope += v * ap[base + w];
      }
    }
    partial[c] = slope;
  });
  double slope = 0.0;
  for (const double p : partial) slope += p;
  return slope;
}

// q = U r for the given rows (all when rows is null) and aᵀr, for a direction
// on the center block.
double center_setup(const StructuredState& st, const Direction& r, const arma::mat& a,
                    arma::vec& q) {
  std::vector<arma::uword> cols(r.count);
  std::vector<double> vals(r.count);
  double slope = 0.0;
  for (arma::uword k = 0; k < r.count; ++k) {
    cols[k] = r.index(k);
    vals[k] = r.value(cols[k]);
    slope += vals[k] * a[cols[k]];
  }
  const arma::mat& U = *st.U;
  if (st.kind == ReferenceLossKind::neg_sampling) {
    q.zeros(st.term_row.size());
    for (std::size_t t = 0; t < st.term_row.size(); ++t)
      for (arma::uword k = 0; k < r.count; ++k) q[t] += vals[k] * U(st.term_row[t], cols[k]);
    return slope;
  }
  q.zeros(st.V);
  const std::size_t chunks = (st.V + kRowChunk - 1) / kRowChunk;
  for_chunks(chunks, st.V * r.count >= kParallelEntries ? 0u : 1u, [&](std::size_t c) {
    const arma::uword w0 = c * kRowChunk, w1 = std::min(st.V, w0 + kRowChunk);
    for (arma::uword k = 0; k < r.count; ++k) {
      const double* col = U.colptr(cols[k]);
      for (arma::uword w = w0; w < w1; ++w) q[w] += vals[k] * col[w];
    }
  });
  return slope;
}

double naive_phi(const StructuredState& st, const arma::vec& q,
                 const std::vector<RowRange>& rows, double qmax, double t) {
  const double* qp = q.memptr();
  const double* y = st.yhat.memptr();
  if (std::abs(t) * qmax <= 1.0) {
    double sum = 0.0;
    for (const RowRange& rr : rows)
      for (arma::uword w = rr.lo; w < rr.hi; ++w)
        if (qp[w] != 0.0) sum += y[w] * std::expm1(t * qp[w]);
    return st.phi0 + (std::log1p(sum) - t * qp[st.o]);
  }
  const double* s = st.s.memptr();
  double m = -std::numeric_limits<double>::infinity();
  for (arma::uword w = 0; w < st.V; ++w) m = std::max(m, s[w] + t * qp[w]);
  double z = 0.0;
  for (arma::uword w = 0; w < st.V; ++w) z += std::exp(s[w] + t * qp[w] - m);
  return m + std::log(z) - (s[st.o] + t * qp[st.o]);
}

double neg_phi(const StructuredState& st, const arma::vec& q, double t) {
  double sum = 0.0;
  for (std::size_t k = 0; k < st.term_row.size(); ++k)
    sum += softplus(st.term_sign[k] * (st.term_score[k] + t * q[k]));
  return sum;
}

}  // namespace

LineLossFactory structured_line(const ReferenceLossView& loss, LossBlock block) {
  auto st = std::make_shared<StructuredState>();
  st->kind = loss.kind;
  st->block = block;
  st->vc = &loss.center_vec;
  st->o = loss.outside_idx;
  st->U = &loss.outside_vectors;
  st->V = loss.outside_vectors.n_rows;
  st->d = loss.outside_vectors.n_cols;
  if (loss.center_vec.n_elem != st->d || st->V == 0)
    throw std::invalid_argument(fmt::format(
        "structured_line: center_vec has {} entries, outside_vectors is {}x{}",
        loss.center_vec.n_elem, st->V, st->d));
  if (st->o >= st->V)
    throw std::out_of_range(
        fmt::format("structured_line: outside_idx {} out of range for V={}", st->o, st->V));
  const arma::vec s = loss.outside_vectors * loss.center_vec;
  if (loss.kind == ReferenceLossKind::naive_softmax) {
    const double m = s.max();
    const arma::vec e = arma::exp(s - m);
    const double z = arma::accu(e);
    st->s = s;
    st->yhat = e / z;
    st->phi0 = (m - s[st->o]) + std::log(z);
  } else {
    // −log σ(s_o) = softplus(−s_o); −log σ(−s_k) = softplus(s_k); repeats count.
    st->term_row.push_back(st->o);
    st->term_sign.push_back(-1.0);
    for (const arma::uword w : loss.negative_indices) {
      if (w >= st->V)
        throw std::out_of_range(
            fmt::format("structured_line: negative index {} out of range for V={}", w, st->V));
      st->term_row.push_back(w);
      st->term_sign.push_back(1.0);
    }
    for (const arma::uword w : st->term_row) st->term_score.push_back(s[w]);
  }

  return [st](const Direction& r, const arma::mat& analytic) {
    const bool outside = st->block == LossBlock::outside_vectors;
    const arma::uword rows = outside ? st->V : st->d, cols = outside ? st->d : 1;
    require_same_size("structured_line", analytic, rows, cols);
    require_in_block("structured_line", r, rows * cols);
    auto q = std::make_shared<arma::vec>();
    Line line;
    line.slope = outside ? outside_setup(*st, r, analytic, *q) : center_setup(*st, r, analytic, *q);
    if (st->kind == ReferenceLossKind::neg_sampling) {
      if (outside) *q = (*q)(arma::uvec(st->term_row));
      line.phi = [st, q](double t) { return neg_phi(*st, *q, t); };
      return line;
    }
    auto ranges = std::make_shared<std::vector<RowRange>>(
        outside ? touched_rows(r, st->V) : std::vector<RowRange>{{0, st->V}});
    double qmax = 0.0;
    for (const RowRange& rr : *ranges)
      for (arma::uword w = rr.lo; w < rr.hi; ++w) qmax = std::max(qmax, std::abs((*q)[w]));
    line.phi = [st, q, ranges, qmax](double t) { return naive_phi(*st, *q, *ranges, qmax, t); };
    return line;
  };
}

// ---------------------------------------------------------------------------
// fast_check.
//
// False alarms. A test fails only when |φ'(0) − aᵀr| > safety·e, where e is the
// error estimate of the difference quotient of φ (Richardson's truncation term
// plus κ·ε·max(1,|φ|)/h), as for single coordinates in error_metrics.hpp: the
// tolerance is built from φ's values alone, so a correct gradient fails only
// when e misjudges the actual error by more than the safety factor.
//
// Step. Along r the truncation error of the central difference is
// φ'''(0)·h²/6 with φ''' a cubic form in r (∝ ‖r‖³), and the round-off is
// ∝ ε·|φ|/h, so the balancing step is the coordinate step divided by ‖r‖: the
// displacement t·r then has the Euclidean length of one coordinate step. ‖r‖²
// is a χ² with |B| degrees of freedom, tightly concentrated at |B| for large
// blocks; h = 2^round(log₂(s/√|B|)) keeps h independent of r's draw and a power
// of two, like the coordinate steps.
//
// Misses. Let a = g + δ with g the true gradient and δ nonzero on the wrong
// coordinates W. For a direction r on block B the statistic is
//   φ'(0) − aᵀr = ν − r_i·δ_i − Σ_{j∈W∩B, j≠i} r_j·δ_j,
// ν the finite-difference error. Fix every r_j with j ≠ i; ν and e depend on
// r_i only through r_i's share r_i²/‖r‖² of the displacement, which we neglect.
// The test then passes exactly when r_i lies in an interval of length
// 2·T/|δ_i| (T = safety·e), wherever the other terms put its centre. The N(0,1)
// density never exceeds 1/√(2π), so
//   P(pass) ≤ 2T/(|δ_i|·√(2π)) ≈ 0.80·T/|δ_i|,
// whatever the other wrong coordinates are: they cannot mask i except with this
// probability. The `directions` directions of a test have independent keys and
// must all pass for the test to pass: P ≤ (0.80·T/|δ_i|)^directions. Coordinate
// i is missed when one of the ≤ ⌈log₂ P⌉ Gaussian tests on its path from the
// whole block passes (union bound over them, each T ≤ the largest one seen),
// or when its leaf test, its own central difference with r = e_i, is within
// tolerance — deterministic, and then no finite difference could see δ_i.

namespace {

struct TestOutcome {
  bool failed = false;
  double ratio = 0.0;
  double numeric = 0.0;  // φ'(0), for unit directions the coordinate's derivative
};

double bisection_levels(arma::uword n) {
  return n <= 1 ? 0.0 : std::ceil(std::log2(static_cast<double>(n)));
}

}  // namespace

double miss_probability_bound(const FastResult& result, const FastOptions& options,
                              arma::uword coordinates, double delta) {
  const double levels = bisection_levels(coordinates);
  if (levels == 0.0 || result.tolerance == 0.0) return 0.0;
  if (delta == 0.0) return 1.0;
  const double per_direction = 2.0 * result.tolerance / (std::abs(delta) * std::sqrt(2.0 * M_PI));
  const double per_test = std::pow(std::min(1.0, per_direction),
                                   static_cast<double>(std::max<std::size_t>(options.directions, 1)));
  return std::min(1.0, levels * per_test);
}

FastResult fast_check(const LineLossFactory& line, const arma::mat& analytic,
                      const FastOptions& options, arma::uvec coordinates) {
  if (options.directions == 0 || !(options.safety > 0.0))
    throw std::invalid_argument(fmt::format(
        "fast_check: directions must be ≥ 1 and safety > 0 (got {}, {})", options.directions,
        options.safety));
  if (analytic.n_elem == 0) throw std::invalid_argument("fast_check: empty analytic gradient");
  const bool listed = !coordinates.is_empty();
  if (listed) {
    coordinates = arma::unique(coordinates);  // sorted: halves stay contiguous in the list
    if (coordinates.back() >= analytic.n_elem)
      throw std::out_of_range(out_of_range_message(analytic, coordinates.back()));
  }
  const arma::uword n = listed ? coordinates.n_elem : analytic.n_elem;

  FastResult result;
  std::mt19937_64 rng(options.seed);
  const double s = step_scale(options.fd);

  auto test = [&](arma::uword p0, arma::uword p1) {
    Direction r;
    r.indices = listed ? coordinates.memptr() + p0 : nullptr;
    r.first = listed ? 0 : p0;
    r.count = p1 - p0;
    r.unit = r.count == 1;
    const double h = std::exp2(std::round(std::log2(s / std::sqrt(static_cast<double>(r.count)))));
    const std::size_t m = r.unit ? 1 : options.directions;
    TestOutcome out;
    for (std::size_t k = 0; k < m; ++k) {
      if (!r.unit) r.key = rng();
      const Line l = line(r, analytic);
      const Derivative dv = derivative(l.phi, h, options.fd);
      result.evaluations += static_cast<std::size_t>(dv.evaluations);
      const double tol = options.safety * dv.error_estimate;
      const double diff = std::abs(dv.value - l.slope);
      // NaN compares false: a non-finite φ or slope fails the test.
      const bool ok = diff <= tol;
      const double ratio = !ok && !(tol > 0) ? HUGE_VAL : tol > 0 ? diff / tol : 0.0;
      out.failed = out.failed || !ok;
      out.ratio = std::max(out.ratio, std::isnan(ratio) ? HUGE_VAL : ratio);
      out.numeric = dv.value;
      if (!r.unit) result.tolerance = std::max(result.tolerance, tol);
      // One disagreeing direction settles it: the block holds a wrong
      // coordinate. Only a passing block needs every direction (the miss bound).
      if (out.failed) break;
    }
    ++result.tests;
    return out;
  };

  const TestOutcome whole = test(0, n);
  result.passed = !whole.failed;
  result.worst_ratio = whole.ratio;

  struct Pending {
    arma::uword p0, p1;
    double numeric;
  };
  std::vector<Pending> stack;
  if (whole.failed) stack.push_back({0, n, whole.numeric});
  while (!stack.empty()) {
    if (result.wrong.size() >= options.max_wrong) {
      result.localisation_complete = false;
      break;
    }
    const Pending b = stack.back();
    stack.pop_back();
    if (b.p1 - b.p0 == 1) {
      result.wrong.push_back(listed ? coordinates[b.p0] : b.p0);
      result.wrong_numeric.push_back(b.numeric);
      continue;
    }
    const arma::uword mid = b.p0 + (b.p1 - b.p0) / 2;
    const TestOutcome left = test(b.p0, mid), right = test(mid, b.p1);
    // Right first: the stack then visits coordinates in increasing order.
    if (right.failed) stack.push_back({mid, b.p1, right.numeric});
    if (left.failed) stack.push_back({b.p0, mid, left.numeric});
  }

  const double levels = bisection_levels(n);
  const std::size_t m = options.directions;
  std::string misses;
  if (levels == 0.0) {
    misses = "One coordinate: the test is its own central difference, deterministic.";
  } else {
    // |δ| at which the bound reaches p: 2T/√(2π)·(L/p)^(1/m).
    auto delta_for = [&](double p) {
      return 2.0 * result.tolerance / std::sqrt(2.0 * M_PI) *
             std::pow(levels / p, 1.0 / static_cast<double>(m));
    };
    misses = fmt::format(
        "Misses: a wrong coordinate with error δ escapes one test of {} independent Gaussian "
        "direction(s) with probability ≤ (2T/(|δ|·√(2π)))^{} whatever the other errors are, "
        "T = safety·e ≤ {:.3g} in this run; its path has ≤ {:.0f} such tests, so "
        "P(miss) ≤ {:.0f}·(0.80·{:.3g}/|δ|)^{}: ≤ 1e-3 for |δ| ≥ {:.3g}, ≤ 1e-6 for |δ| ≥ {:.3g}. "
        "The last test of a coordinate is its own central difference (r = e_i), so an error "
        "inside that coordinate's finite-difference tolerance is not reported, as in the "
        "exhaustive check.",
        m, m, result.tolerance, levels, levels, result.tolerance, m, delta_for(1e-3),
        delta_for(1e-6));
  }
  result.guarantee = fmt::format(
      "False alarms: a block fails only when |φ'(0) − aᵀr| > {:g}·e, e the central-difference "
      "error estimate of φ(t) = J(x + t·r) (truncation from ±2h plus round-off "
      "κ·ε·max(1,|φ|)/h), never from a. {} {} test(s), {} evaluations of φ.",
      options.safety, misses, result.tests, result.evaluations);
  return result;
}

// ---------------------------------------------------------------------------
// numerical_gradient_parallel: each entry is computed exactly as
// numerical_gradient computes it (same x bits around it, same h, same stencil),
// only on another thread's copy of x, so its bits cannot depend on the split.

NumericalGradient numerical_gradient_parallel(const std::function<double(const arma::mat&)>& loss,
                                              const arma::mat& x, const FdOptions& options,
                                              arma::uvec coordinates, unsigned threads) {
  if (coordinates.is_empty() && x.n_elem > 0)
    coordinates = arma::regspace<arma::uvec>(0, x.n_elem - 1);
  for (const arma::uword i : coordinates)
    if (i >= x.n_elem) throw std::out_of_range(out_of_range_message(x, i));
  NumericalGradient g;
  g.value.zeros(arma::size(x));
  g.error_estimate.zeros(arma::size(x));
  g.step.zeros(arma::size(x));
  const std::size_t n = coordinates.n_elem;
  const unsigned t = thread_count(threads, n);
  std::vector<long> evaluations(t, 0);
  for_chunks(t, t, [&](std::size_t c) {
    arma::mat xc = x;
    const std::size_t lo = n * c / t, hi = n * (c + 1) / t;
    for (std::size_t k = lo; k < hi; ++k) {
      const arma::uword i = coordinates[k];
      const double x0 = xc[i];
      const double h = step_for(x0, options);
      auto phi = [&](double dt) {
        xc[i] = x0 + dt;
        double v;
        try {
          v = loss(xc);
        } catch (...) {
          xc[i] = x0;
          throw;
        }
        xc[i] = x0;
        if (!std::isfinite(v)) throw std::runtime_error(non_finite_message(xc, i, v, dt));
        return v;
      };
      const Derivative dv = derivative(phi, h, options);
      g.value[i] = dv.value;
      g.error_estimate[i] = dv.error_estimate;
      g.step[i] = dv.step;
      evaluations[c] += dv.evaluations;
    }
  });
  for (const long e : evaluations) g.evaluations += e;
  g.coordinates = std::move(coordinates);
  return g;
}

}  // namespace w2v
