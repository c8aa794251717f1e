#include "checks/result.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

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

CaseStatus CaseResult::status() const {
  if (!error.empty()) return CaseStatus::error;
  if (!skipped.empty()) return CaseStatus::skipped;
  return comparison.passed() ? CaseStatus::passed : CaseStatus::failed;
}

std::size_t CheckResult::count(CaseStatus s) const {
  return static_cast<std::size_t>(
      std::count_if(cases.begin(), cases.end(), [s](const CaseResult& c) { return c.status() == s; }));
}

bool CheckResult::passed() const {
  return count(CaseStatus::failed) == 0 && count(CaseStatus::error) == 0;
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
        ratio = c.comparison.worst.tolerance > 0 ? c.comparison.worst.abs_error / c.comparison.worst.tolerance
                                                 : std::numeric_limits<double>::infinity();
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

std::size_t RunResult::count_checks(bool passed) const {
  return static_cast<std::size_t>(std::count_if(
      checks.begin(), checks.end(), [passed](const CheckResult& c) { return c.passed() == passed; }));
}

bool RunResult::passed() const { return count_checks(false) == 0; }

std::string reproduce_command(const RunResult& run, const CheckResult& check, const CaseResult& c) {
  std::string cmd = fmt::format("w2v-gradcheck --seed {} --only {} --case {}", run.options.seed,
                                check.id, c.case_index);
  if (!run.mistake.empty()) cmd += fmt::format(" --inject-mistake {}", run.mistake);
  const RunOptions defaults;
  if (run.options.fd.stencil != defaults.fd.stencil)
    cmd += fmt::format(" --stencil {}", to_string(run.options.fd.stencil));
  if (run.options.fd.step_scale != defaults.fd.step_scale)
    cmd += fmt::format(" --step-scale {}", run.options.fd.step_scale);
  if (run.options.comparison.safety != defaults.comparison.safety)
    cmd += fmt::format(" --safety {}", run.options.comparison.safety);
  if (run.options.max_coordinates != defaults.max_coordinates)
    cmd += fmt::format(" --max-coordinates {}", run.options.max_coordinates);
  if (c.case_index >= defaults.shapes) cmd += fmt::format(" --shapes {}", c.case_index + 1);
  return cmd;
}

}  // namespace w2v
