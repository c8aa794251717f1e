#include "checks/result.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace w2v {

std::string_view to_string(CaseStatus s) {
  switch (s) {
    case CaseStatus::passed: return "passed";
    case CaseStatus::failed: return "failed";
    case CaseStatus::error: return "error";
    case CaseStatus::skipped: return "skipped";
  }
  return "unknown";
}

bool LossCheck::passed() const { return std::isfinite(solution) && abs_error <= tolerance; }

std::string_view to_string(CheckMode m) {
  switch (m) {
    case CheckMode::sampled: return "sampled";
    case CheckMode::exhaustive: return "exhaustive";
    case CheckMode::fast: return "fast";
    case CheckMode::automatic: return "auto";
  }
  return "unknown";
}

CheckMode check_mode_from_string(std::string_view name) {
  for (const CheckMode m :
       {CheckMode::sampled, CheckMode::exhaustive, CheckMode::fast, CheckMode::automatic})
    if (to_string(m) == name) return m;
  throw std::invalid_argument(fmt::format(
      "unknown mode '{}': valid modes are sampled, exhaustive, fast, auto", name));
}

CaseStatus CaseResult::status() const {
  if (!error.empty()) return CaseStatus::error;
  if (!skipped.empty()) return CaseStatus::skipped;
  const bool loss_ok = !loss.checked || loss.passed();
  return comparison.passed() && loss_ok ? CaseStatus::passed : CaseStatus::failed;
}

std::size_t CheckResult::count(CaseStatus s) const {
  return static_cast<std::size_t>(
      std::count_if(cases.begin(), cases.end(), [s](const CaseResult& c) { return c.status() == s; }));
}

bool CheckResult::passed() const {
  return count(CaseStatus::failed) == 0 && count(CaseStatus::error) == 0;
}

bool CheckResult::skipped() const { return count(CaseStatus::skipped) == cases.size(); }

std::string_view CheckResult::status_name() const {
  return skipped() ? "skipped" : passed() ? "passed" : "failed";
}

bool CheckResult::compared_any() const {
  return count(CaseStatus::passed) + count(CaseStatus::failed) > 0;
}

const CaseResult* CheckResult::worst_case() const {
  const CaseResult* worst = nullptr;
  double worst_ratio = -1.0;
  for (const CaseResult& c : cases) {
    double ratio;
    switch (c.status()) {
      case CaseStatus::skipped: continue;
      case CaseStatus::error: ratio = std::numeric_limits<double>::infinity(); break;
      default:
        if (!c.comparison.has_worst)  // fast mode: no entry compared alone
          ratio = c.comparison.passed() ? 0.0 : std::numeric_limits<double>::infinity();
        else
          ratio = c.comparison.worst.tolerance > 0
                      ? c.comparison.worst.abs_error / c.comparison.worst.tolerance
                      : std::numeric_limits<double>::infinity();
        if (c.loss.checked && !c.loss.passed())
          ratio = std::max(ratio, c.loss.tolerance > 0 && std::isfinite(c.loss.abs_error)
                                      ? c.loss.abs_error / c.loss.tolerance
                                      : std::numeric_limits<double>::infinity());
    }
    if (!(ratio <= worst_ratio)) {  // also takes NaN
      worst_ratio = ratio;
      worst = &c;
    }
    if (worst_ratio == std::numeric_limits<double>::infinity()) break;
  }
  return worst;
}

namespace {
template <class Get>
double max_over(const std::vector<CaseResult>& cases, Get get) {
  double m = 0.0;
  for (const CaseResult& c : cases)
    if (c.status() == CaseStatus::passed || c.status() == CaseStatus::failed) m = std::max(m, get(c));
  return m;
}
}  // namespace

double CheckResult::max_abs_error() const {
  return max_over(cases, [](const CaseResult& c) { return c.comparison.max_abs_error; });
}
double CheckResult::max_rel_error() const {
  return max_over(cases, [](const CaseResult& c) { return c.comparison.max_rel_error; });
}
double CheckResult::max_reldiff() const {
  return max_over(cases, [](const CaseResult& c) { return c.comparison.max_reldiff; });
}

namespace {
// Hints of the same kind differ in their numbers and rows; every hint starts
// with its kind's fixed label and a ':' (checks/hints.hpp), so the kind is the
// text before the first ':'. A label may hold '(' ("single precision
// (float32)"); the details after the ':' are what varies.
std::string hint_kind(const std::string& hint) { return hint.substr(0, hint.find(':')); }
}  // namespace

std::string CheckResult::hint() const {
  std::map<std::string, std::size_t> votes;
  for (const CaseResult& c : cases)
    if (!c.hint.empty() && (c.status() == CaseStatus::failed || c.status() == CaseStatus::error))
      ++votes[hint_kind(c.hint)];
  if (votes.empty()) return "";
  std::string best_kind = votes.begin()->first;
  for (const auto& [kind, n] : votes)
    if (n > votes[best_kind]) best_kind = kind;
  // Show the worst case of the winning kind, with its numbers.
  const CaseResult* shown = nullptr;
  for (const CaseResult& c : cases)
    if (!c.hint.empty() && hint_kind(c.hint) == best_kind &&
        (c.status() == CaseStatus::failed || c.status() == CaseStatus::error) &&
        (shown == nullptr || c.comparison.worst.abs_error > shown->comparison.worst.abs_error))
      shown = &c;
  return shown->hint;
}

std::size_t RunResult::count_checks(bool passed) const {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [passed](const CheckResult& c) {
        return passed ? c.passed() && !c.skipped() : !c.passed();
      }));
}

std::size_t RunResult::count_skipped_checks() const {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [](const CheckResult& c) { return c.skipped(); }));
}

bool RunResult::passed() const { return error.empty() && count_checks(false) == 0; }

std::string grading_summary(const CaseResult& c) {
  std::string out;
  if (c.loss.checked)
    out = fmt::format("loss {:.17g} vs reference {:.17g} (|Δ| {:.2e} {} {:.2e})", c.loss.solution,
                      c.loss.reference, c.loss.abs_error, c.loss.passed() ? "≤" : ">",
                      c.loss.tolerance);
  const SelfConsistency& sc = c.self_consistency;
  if (sc.checked)
    out += fmt::format("{}gradient {} with its own loss at {} entries{}", out.empty() ? "" : "; ",
                       sc.comparison.passed() ? "consistent" : "inconsistent",
                       sc.comparison.checked,
                       sc.comparison.passed()
                           ? ""
                           : fmt::format(" (max abs error {:.2e})", sc.comparison.max_abs_error));
  else if (!sc.error.empty())
    out += fmt::format("{}own loss not differentiable: {}", out.empty() ? "" : "; ", sc.error);
  return out;
}

namespace {

// POSIX shell quoting, only where needed: the command is meant to be pasted.
std::string shell_word(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789_./-+=:,@%") == std::string::npos)
    return word;
  std::string quoted = "'";
  for (const char ch : word) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

}  // namespace

std::string reproduce_command(const RunResult& run, const CheckResult& check, const CaseResult& c) {
  std::string cmd = fmt::format("{}{} --seed {} --only {} --case {}", shell_word(run.program),
                                run.solution_args.empty() ? "" : " grade " + run.solution_args,
                                run.options.seed, check.id, c.case_index);
  if (!run.mistake.empty()) cmd += fmt::format(" --inject-mistake {}", run.mistake);
  const RunOptions defaults;
  if (run.options.fd.stencil != defaults.fd.stencil)
    cmd += fmt::format(" --stencil {}", to_string(run.options.fd.stencil));
  if (run.options.fd.step_scale != defaults.fd.step_scale)
    cmd += fmt::format(" --step-scale {}", run.options.fd.step_scale);
  if (run.options.comparison.safety != defaults.comparison.safety)
    cmd += fmt::format(" --safety {}", run.options.comparison.safety);
  if (run.options.mode != defaults.mode) cmd += fmt::format(" --mode {}", to_string(run.options.mode));
  if (run.options.max_coordinates != defaults.max_coordinates)
    cmd += fmt::format(" --max-coordinates {}", run.options.max_coordinates);
  const std::size_t default_shapes = run.solution_args.empty() ? defaults.shapes : kGradeDefaultShapes;
  if (c.case_index >= default_shapes) cmd += fmt::format(" --shapes {}", c.case_index + 1);
  return cmd;
}

}  // namespace w2v
