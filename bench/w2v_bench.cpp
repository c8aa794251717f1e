// w2v-bench: one timed gradient check of the naive-softmax outside block ∂J/∂U
// (U is V×d, P = V·d coordinates) per process, printed as one JSON line, so
// that peak RSS (getrusage ru_maxrss) belongs to that one mode. run_bench.py
// runs it once per mode and shape next to the Python peers and prints the table.
//
//   w2v-bench one --mode exhaustive_structured --V 100000 --d 300 --threads 2
//   w2v-bench one --mode fast --V 100000 --d 300 --wrong 3 --seed 7
//
// Modes, all against the reference analytic gradient (with --wrong K of its
// coordinates corrupted by --wrong-delta each):
//   exhaustive_structured  structured_exhaustive_check: every coordinate, O(1) each
//   exhaustive_blackbox    numerical_gradient_parallel over J(U) = lse(U v_c) − (U v_c)_o,
//                          every coordinate at O(V·d) each; past --budget seconds the full
//                          time is extrapolated from a timed prefix and flagged
//   fast                   fast_check over structured_line: directional tests + localisation
//
// `seconds` times the check only (not making U or the analytic gradient; those
// are `setup_seconds`). Exit status 0 when the measurement ran (whatever the
// check said), 2 on bad usage or an exception.
#include <CLI/CLI.hpp>
#include <armadillo>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "checks/directional.hpp"
#include "checks/error_metrics.hpp"
#include "checks/finite_difference.hpp"
#include "checks/structured_fd.hpp"
#include "reference/naive_softmax.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

long long peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<long long>(u.ru_maxrss) * 1024;  // Linux reports KiB
}

// Times f; when it is quick, repeats it (until 0.25 s in all, at most 50 runs)
// and keeps the fastest, so that a thread start-up or a neighbour's burst on a
// shared machine does not decide a sub-millisecond figure.
template <class F>
auto time_best(F&& f, json& out) {
  auto t0 = Clock::now();
  auto result = f();
  double best = seconds_since(t0), total = best;
  out["first_seconds"] = best;
  int runs = 1;
  for (; total < 0.25 && runs < 50; ++runs) {
    t0 = Clock::now();
    result = f();
    const double s = seconds_since(t0);
    best = std::min(best, s);
    total += s;
  }
  out["runs"] = runs;
  out["seconds"] = best;
  out["measured_seconds"] = best;
  return result;
}

struct Args {
  std::string mode;
  arma::uword V = 2000, d = 50;
  unsigned threads = 2;
  std::size_t wrong = 0;
  double wrong_delta = 1e-2;
  std::uint64_t seed = 1;
  double budget = 30.0;          // exhaustive_blackbox: seconds before extrapolating
  double prefix_seconds = 3.0;   // exhaustive_blackbox: least timed prefix when extrapolating
};

// The point of the check: scores u_wᵀv_c ~ N(0, 1), as for small random
// embeddings early in training.
struct Problem {
  arma::vec center;
  arma::uword outside = 0;
  arma::mat U;         // (V, d), row w = u_w
  arma::mat analytic;  // ∂J/∂U, `wrong` of its entries corrupted
  std::vector<arma::uword> injected;  // corrupted linear indices, sorted
};

Problem make_problem(const Args& a) {
  Problem p;
  arma::arma_rng::set_seed(a.seed);
  p.center = arma::randn<arma::vec>(a.d);
  p.U = arma::randn<arma::mat>(a.V, a.d);
  p.U *= 1.0 / std::sqrt(static_cast<double>(a.d));
  std::mt19937_64 rng(a.seed * 0x9E3779B97F4A7C15ULL + 1);
  p.outside = std::uniform_int_distribution<arma::uword>(0, a.V - 1)(rng);
  p.analytic = w2v::naive_softmax_loss_and_gradient(p.center, p.outside, p.U).grad_outside;

  const arma::uword P = p.U.n_elem;
  if (a.wrong > P) throw std::invalid_argument("--wrong exceeds V·d");
  std::set<arma::uword> chosen;
  std::uniform_int_distribution<arma::uword> coordinate(0, P - 1);
  while (chosen.size() < a.wrong) chosen.insert(coordinate(rng));
  p.injected.assign(chosen.begin(), chosen.end());
  for (std::size_t k = 0; k < p.injected.size(); ++k)
    p.analytic[p.injected[k]] += (k % 2 == 0 ? 1.0 : -1.0) * a.wrong_delta;
  return p;
}

json comparison_json(const w2v::GradientComparison& c) {
  return {{"checked", c.checked},
          {"failing", c.failing},
          {"max_abs_error", c.max_abs_error},
          {"max_error_floor", c.max_error_floor},
          {"worst_index", c.worst.index}};
}

// Flagged coordinates (first keep_failures) against the injected ones.
bool flagged_match(const w2v::GradientComparison& c, const std::vector<arma::uword>& injected) {
  if (c.failing != injected.size()) return false;
  for (const auto& f : c.failures)
    if (!std::binary_search(injected.begin(), injected.end(), f.index)) return false;
  return true;
}

void run_exhaustive_structured(const Args& a, Problem& p, json& out) {
  const arma::uvec no_negatives;
  const w2v::ReferenceLossView loss{w2v::ReferenceLossKind::naive_softmax, p.center, p.outside,
                                    p.U, no_negatives};
  w2v::ComparisonOptions cmp;
  cmp.keep_failures = std::max<std::size_t>(cmp.keep_failures, a.wrong);
  const w2v::GradientComparison c = time_best(
      [&] {
        return w2v::structured_exhaustive_check(loss, w2v::LossBlock::outside_vectors,
                                                p.analytic, w2v::FdOptions{}, cmp, a.threads);
      },
      out);
  out["extrapolated"] = false;
  out["checked"] = c.checked;
  out["coordinates_done"] = c.checked;
  out["passed"] = c.passed();
  out["flagged_match_injected"] = flagged_match(c, p.injected);
  out["comparison"] = comparison_json(c);
}

// The loss alone, as the reference computes it (no V×d gradient per call).
double naive_softmax_loss(const arma::vec& center, arma::uword outside, const arma::mat& U) {
  const arma::vec scores = U * center;
  return w2v::log_sum_exp(scores) - scores[outside];
}

void run_exhaustive_blackbox(const Args& a, Problem& p, json& out) {
  const arma::uword P = p.U.n_elem;
  const std::function<double(const arma::mat&)> loss = [&](const arma::mat& X) {
    return naive_softmax_loss(p.center, p.outside, X);
  };
  w2v::ComparisonOptions cmp;
  cmp.keep_failures = std::max<std::size_t>(cmp.keep_failures, a.wrong);
  const w2v::FdOptions fd;

  struct Chunk {
    arma::uword n;
    double seconds;
  };
  auto timed = [&](arma::uword first, arma::uword n, w2v::GradientComparison* c) {
    const arma::uvec coords = arma::regspace<arma::uvec>(first, first + n - 1);
    const auto t0 = Clock::now();
    const w2v::NumericalGradient g =
        w2v::numerical_gradient_parallel(loss, p.U, fd, coords, a.threads);
    const double s = seconds_since(t0);
    if (c) *c = w2v::compare_gradients(p.analytic, g, cmp);
    return Chunk{n, s};
  };
  // Full time ≈ overhead + rate·P. Every call pays a fixed overhead (V×d result
  // matrices, a copy of U per thread), so the rate comes from the difference of
  // the last two (doubling) chunks, not from their mean.
  auto project = [&](const std::vector<Chunk>& chunks, double* rate_out, double* overhead_out) {
    const Chunk& last = chunks.back();
    double rate = last.seconds / static_cast<double>(last.n), overhead = 0.0;
    if (chunks.size() >= 2) {
      const Chunk& prev = chunks[chunks.size() - 2];
      const double r = (last.seconds - prev.seconds) / static_cast<double>(last.n - prev.n);
      const double o = prev.seconds - r * static_cast<double>(prev.n);
      if (r > 0 && o >= 0) rate = r, overhead = o;
    }
    *rate_out = rate;
    *overhead_out = overhead;
    return overhead + rate * static_cast<double>(P);
  };

  // Calibrate on doubling prefixes until a chunk takes ≥ 0.2 s or the next one
  // would pass P/4; run everything in one call if the projection fits the
  // budget, else stop after --prefix-seconds and report the projection.
  std::vector<Chunk> chunks;
  arma::uword n = std::max<arma::uword>(4 * a.threads, 8), done = 0;
  double prefix_total = 0.0, rate = 0.0, overhead = 0.0, projected = 0.0;
  w2v::GradientComparison prefix_cmp;
  for (;;) {
    n = std::min(n, P);
    w2v::GradientComparison c;
    chunks.push_back(timed(0, n, &c));
    done = n;  // each chunk is the prefix [0, n): its comparison replaces the last
    prefix_cmp = c;
    prefix_total += chunks.back().seconds;
    projected = project(chunks, &rate, &overhead);
    if (n == P) break;
    const bool fits = projected <= a.budget;
    if (fits && (chunks.back().seconds >= 0.2 || 2 * n > P / 4)) break;
    // Two prefixes at least, so that the per-call overhead can be told apart.
    if (!fits && chunks.size() >= 2 && prefix_total >= std::min(a.prefix_seconds, a.budget))
      break;
    n *= 2;
  }

  out["calibration_seconds"] = prefix_total;
  out["rate_coordinates_per_second"] = rate > 0 ? 1.0 / rate : 0.0;
  out["call_overhead_seconds"] = overhead;
  if (done == P || projected <= a.budget) {
    w2v::GradientComparison c;
    time_best([&] { return timed(0, P, &c); }, out);
    out["extrapolated"] = false;
    out["checked"] = c.checked;
    out["coordinates_done"] = c.checked;
    out["passed"] = c.passed();
    out["flagged_match_injected"] = flagged_match(c, p.injected);
    out["comparison"] = comparison_json(c);
  } else {
    // Prefix [0, done) measured; the full check is extrapolated.
    out["seconds"] = projected;
    out["measured_seconds"] = chunks.back().seconds;
    out["extrapolated"] = true;
    out["checked"] = done;
    out["coordinates_done"] = done;
    out["passed"] = prefix_cmp.passed();  // on the prefix only
    out["comparison"] = comparison_json(prefix_cmp);
  }
}

void run_fast(const Args& a, Problem& p, json& out) {
  const arma::uvec no_negatives;
  const w2v::ReferenceLossView loss{w2v::ReferenceLossKind::naive_softmax, p.center, p.outside,
                                    p.U, no_negatives};
  w2v::FastOptions options;
  options.seed = a.seed;
  const w2v::FastResult r = time_best(
      [&] {
        const w2v::LineLossFactory line =
            w2v::structured_line(loss, w2v::LossBlock::outside_vectors);
        return w2v::fast_check(line, p.analytic, options);
      },
      out);
  out["extrapolated"] = false;
  out["checked"] = p.U.n_elem;
  out["coordinates_done"] = p.U.n_elem;
  out["passed"] = r.passed;
  out["localised"] = r.wrong;
  out["localised_count"] = r.wrong.size();
  out["localised_match_injected"] = r.wrong == p.injected;
  out["localisation_complete"] = r.localisation_complete;
  out["tests"] = r.tests;
  out["evaluations"] = r.evaluations;
  out["worst_ratio"] = r.worst_ratio;
  out["guarantee"] = r.guarantee;
}

int run_one(const Args& a) {
  json out;
  out["mode"] = a.mode;
  out["V"] = a.V;
  out["d"] = a.d;
  out["P"] = a.V * a.d;
  out["threads"] = a.threads;
  out["seed"] = a.seed;
  out["wrong_injected"] = a.wrong;
  out["wrong_delta"] = a.wrong_delta;
  try {
    const auto t0 = Clock::now();
    Problem p = make_problem(a);
    out["setup_seconds"] = seconds_since(t0);
    out["injected"] = p.injected;
    out["parameter_bytes"] = p.U.n_elem * sizeof(double);
    if (a.mode == "exhaustive_structured")
      run_exhaustive_structured(a, p, out);
    else if (a.mode == "exhaustive_blackbox")
      run_exhaustive_blackbox(a, p, out);
    else
      run_fast(a, p, out);
    out["peak_rss_bytes"] = peak_rss_bytes();
  } catch (const std::exception& e) {
    out["error"] = e.what();
    std::cout << out.dump() << std::endl;
    return 2;
  }
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"w2v-bench: time gradient checks of the naive-softmax outside block"};
  app.require_subcommand(1);
  Args a;
  CLI::App* one = app.add_subcommand("one", "one measurement, printed as one JSON line");
  one->add_option("--mode", a.mode, "exhaustive_structured | exhaustive_blackbox | fast")
      ->required()
      ->check(CLI::IsMember({"exhaustive_structured", "exhaustive_blackbox", "fast"}));
  one->add_option("--V", a.V, "vocabulary size")->check(CLI::Range(arma::uword{1}, arma::uword{10000000}));
  one->add_option("--d", a.d, "embedding size")->check(CLI::Range(arma::uword{1}, arma::uword{100000}));
  one->add_option("--threads", a.threads, "worker threads")->check(CLI::Range(1u, 1024u));
  one->add_option("--wrong", a.wrong, "coordinates of the analytic gradient to corrupt");
  one->add_option("--wrong-delta", a.wrong_delta, "added to each corrupted coordinate (±)");
  one->add_option("--seed", a.seed, "seed of U, v_c, o, the corrupted coordinates and fast mode");
  one->add_option("--budget", a.budget, "exhaustive_blackbox: seconds before extrapolating")
      ->check(CLI::PositiveNumber);
  one->add_option("--prefix-seconds", a.prefix_seconds,
                  "exhaustive_blackbox: least timed prefix when extrapolating")
      ->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return run_one(a);
}
