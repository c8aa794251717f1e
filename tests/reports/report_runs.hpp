#pragma once
// Real runs for the report-writer tests, small enough to be quick (seed 42,
// 14 shapes: the 12 edge shapes, so V=1 skips appear, plus two sampled ones):
// the reference (all pass, some skipped), the sign-flip mistake (fails), a
// subject whose ∂J/∂v_c is NaN (non-finite errors) and one that throws (errored
// cases, with markup, a control character and a non-UTF-8 byte in the message).
// Each is computed once per test module.
//
//   const w2v::RunResult& run = report_runs::sign_flip();
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "checks/catalog.hpp"
#include "checks/mistakes.hpp"
#include "checks/runner.hpp"

namespace report_runs {

inline constexpr std::uint64_t kSeed = 42;
inline constexpr std::size_t kShapes = 14;

// What a student's exception text can contain: markup, quotes, a control
// character (illegal in XML 1.0) and a byte that is not UTF-8.
inline const std::string kNastyText = "bad <grad> & \"quote\" 'apos' \x01 ctl \xff byte";

inline w2v::RunOptions small_options() {
  w2v::RunOptions opts;
  opts.seed = kSeed;
  opts.shapes = kShapes;
  return opts;
}

inline const w2v::RunResult& reference() {
  static const w2v::RunResult run =
      w2v::run_checks(w2v::catalog(), w2v::reference_functions(), small_options());
  return run;
}

inline const w2v::RunResult& sign_flip() {
  static const w2v::RunResult run = [] {
    w2v::RunResult r =
        w2v::run_checks(w2v::catalog(), w2v::wrong_variant("sign_flip").functions, small_options());
    r.mistake = "sign_flip";
    r.subject = "reference with injected mistake 'sign_flip'";
    return r;
  }();
  return run;
}

// naive_softmax with a NaN ∂J/∂v_c: part b fails with NaN errors.
inline const w2v::RunResult& nan_gradient() {
  static const w2v::RunResult run = [] {
    w2v::Word2vecFunctions f = w2v::reference_functions();
    f.naive_softmax = [ref = f.naive_softmax](const arma::vec& v, arma::uword o,
                                             const arma::mat& U) {
      w2v::LossAndGradient r = ref(v, o, U);
      r.grad_center.fill(std::numeric_limits<double>::quiet_NaN());
      return r;
    };
    w2v::RunOptions opts = small_options();
    opts.only = {"b"};
    w2v::RunResult r = w2v::run_checks(w2v::catalog(), f, opts);
    r.subject = "NaN gradient";
    return r;
  }();
  return run;
}

// naive_softmax throws: parts b and c error (c.naive.du_w still skips V=1).
inline const w2v::RunResult& throwing() {
  static const w2v::RunResult run = [] {
    w2v::Word2vecFunctions f = w2v::reference_functions();
    f.naive_softmax = [](const arma::vec&, arma::uword, const arma::mat&) -> w2v::LossAndGradient {
      throw std::runtime_error(kNastyText);
    };
    w2v::RunOptions opts = small_options();
    opts.only = {"b", "c"};
    w2v::RunResult r = w2v::run_checks(w2v::catalog(), f, opts);
    r.subject = "throwing solution";
    return r;
  }();
  return run;
}

inline std::size_t count_cases(const w2v::RunResult& run, w2v::CaseStatus s) {
  std::size_t n = 0;
  for (const w2v::CheckResult& c : run.checks) n += c.count(s);
  return n;
}

}  // namespace report_runs
