#include "reports/json_report.hpp"

#include <cmath>
#include <string>

#include "reports/console.hpp"

namespace w2v {

namespace {

using nlohmann::json;

// JSON has no inf or NaN and nlohmann would write them as null without a word;
// a NaN gradient is exactly what a failing report must show, so non-finite
// values are the strings "inf", "-inf" and "nan" (the schema's `real` type).
json real(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// Seeds are uint64 and often exceed 2^53; most JSON readers parse numbers as
// doubles and would silently round them, so they travel as decimal strings.
json seed_string(std::uint64_t seed) { return std::to_string(seed); }

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json shape_json(const Shape& s) {
  return {
      {"family", s.family},
      {"V", s.V},
      {"d", s.d},
      {"K", s.K},
      {"window", s.window},
      {"max_score", real(s.max_score)},
      {"outside_is_center", s.outside_is_center},
      {"negatives_contain_center", s.negatives_contain_center},
      {"repeated_negatives", s.repeated_negatives},
      {"identical_context", s.identical_context},
      {"description", s.describe()},
  };
}

json entry_json(const EntryError& e) {
  return {
      {"row", e.row},
      {"col", e.col},
      {"index", e.index},
      {"analytic", real(e.analytic)},
      {"numeric", real(e.numeric)},
      {"abs_error", real(e.abs_error)},
      {"rel_error", real(e.rel_error)},
      {"reldiff", real(e.reldiff)},
      {"tolerance", real(e.tolerance)},
      {"step", real(e.step)},
  };
}

json loss_json(const LossCheck& l) {
  return {{"solution", real(l.solution)},
          {"reference", real(l.reference)},
          {"abs_error", real(l.abs_error)},
          {"tolerance", real(l.tolerance)},
          {"passed", l.passed()}};
}

json self_consistency_json(const SelfConsistency& s) {
  const GradientComparison& cmp = s.comparison;
  return {{"checked", cmp.checked},
          {"failing", cmp.failing},
          {"max_abs_error", real(cmp.max_abs_error)},
          {"worst", cmp.has_worst ? entry_json(cmp.worst) : json(nullptr)},
          {"error", text_or_null(s.error)}};
}

json case_json(const RunResult& run, const CheckResult& check, const CaseResult& c) {
  const CaseStatus status = c.status();
  const GradientComparison& cmp = c.comparison;
  const bool reproducible = status == CaseStatus::failed || status == CaseStatus::error;
  return {
      {"index", c.case_index},
      {"seed", seed_string(c.seed)},
      {"shape", shape_json(c.shape)},
      {"inputs", c.inputs},
      {"status", std::string(to_string(status))},
      {"parameters", c.parameters},
      {"checked", cmp.checked},
      {"failing", cmp.failing},
      {"max_abs_error", real(cmp.max_abs_error)},
      {"max_rel_error", real(cmp.max_rel_error)},
      {"max_reldiff", real(cmp.max_reldiff)},
      {"max_error_floor", real(cmp.max_error_floor)},
      // No entry was compared (skipped, errored): there is no worst entry.
      {"worst", cmp.has_worst ? entry_json(cmp.worst) : json(nullptr)},
      {"evaluations", c.evaluations},
      {"seconds", real(c.seconds)},
      {"error", text_or_null(c.error)},
      {"skipped", text_or_null(c.skipped)},
      {"reproduce", reproducible ? json(reproduce_command(run, check, c)) : json(nullptr)},
      {"loss", c.loss.checked ? loss_json(c.loss) : json(nullptr)},
      {"self_consistency", run.options.grading.enabled && status != CaseStatus::skipped
                               ? self_consistency_json(c.self_consistency)
                               : json(nullptr)},
      {"hint", text_or_null(c.hint)},
      {"notes", c.notes},
      {"mode", text_or_null(c.mode)},
  };
}

json h_sweep_json(const HSweep& s) {
  if (s.points.empty()) return nullptr;
  json points = json::array();
  for (const HSweepPoint& p : s.points)
    points.push_back({{"step", real(p.step)},
                      {"numeric", real(p.numeric)},
                      {"abs_error", real(p.abs_error)},
                      {"reference_abs_error",
                       s.has_reference ? real(p.reference_abs_error) : json(nullptr)}});
  return {
      {"case_index", s.case_index},
      {"row", s.row},
      {"col", s.col},
      {"analytic", real(s.analytic)},
      {"reference_analytic", s.has_reference ? real(s.reference_analytic) : json(nullptr)},
      {"points", std::move(points)},
  };
}

json check_json(const RunResult& run, const CheckResult& check) {
  json cases = json::array();
  for (const CaseResult& c : check.cases) cases.push_back(case_json(run, check, c));
  const CaseResult* worst = check.worst_case();
  return {
      {"id", check.id},
      {"part", check.part},
      {"title", check.title},
      {"formula", check.formula},
      {"status", check.status_name()},
      {"counts",
       {{"total", check.cases.size()},
        {"passed", check.count(CaseStatus::passed)},
        {"failed", check.count(CaseStatus::failed)},
        {"error", check.count(CaseStatus::error)},
        {"skipped", check.count(CaseStatus::skipped)}}},
      {"max_abs_error", real(check.max_abs_error())},
      {"max_rel_error", real(check.max_rel_error())},
      {"max_reldiff", real(check.max_reldiff())},
      {"worst_case", worst == nullptr ? json(nullptr) : json(worst->case_index)},
      {"h_sweep", h_sweep_json(check.h_sweep)},
      {"hint", text_or_null(check.hint())},
      {"cases", std::move(cases)},
  };
}

json run_json(const RunResult& run) {
  const RunOptions& o = run.options;
  return {
      {"subject", run.subject},
      {"error", text_or_null(run.error)},
      {"mistake", text_or_null(run.mistake)},
      {"seed", seed_string(o.seed)},
      {"shapes", o.shapes},
      {"cases", o.cases.empty() ? json(nullptr) : json(o.cases)},
      {"only", o.only},
      {"started_at", run.started_at},
      {"host", run.host},
      {"seconds", real(run.seconds)},
      {"stencil", std::string(to_string(o.fd.stencil))},
      {"step_scale", real(step_scale(o.fd))},
      {"roundoff_ulps", real(o.fd.roundoff_ulps)},
      {"richardson_levels", o.fd.richardson_levels},
      {"safety", real(o.comparison.safety)},
      {"rtol", real(o.comparison.rtol)},
      {"max_coordinates", o.max_coordinates},
      {"mode", std::string(to_string(o.mode))},
      {"metric", describe_metric(run)},
      {"grading", o.grading.enabled ? json{{"loss_rtol", real(o.grading.loss_rtol)},
                                           {"self_consistency_coordinates",
                                            o.grading.self_consistency_coordinates}}
                                    : json(nullptr)},
      {"solution", run.solution_args.empty() ? json(nullptr)
                                             : json{{"args", run.solution_args},
                                                    {"notes", run.solution_notes},
                                                    {"output", run.solution_output},
                                                    {"output_bytes", run.solution_output_bytes}}},
  };
}

}  // namespace

json to_json(const RunResult& run) {
  std::size_t cases[4] = {};
  json checks = json::array();
  for (const CheckResult& c : run.checks) {
    for (const CaseStatus s :
         {CaseStatus::passed, CaseStatus::failed, CaseStatus::error, CaseStatus::skipped})
      cases[static_cast<int>(s)] += c.count(s);
    checks.push_back(check_json(run, c));
  }
  return {
      {"schema_version", kJsonSchemaVersion},
      {"tool", {{"name", "w2v-gradcheck"}, {"version", run.tool_version}}},
      {"run", run_json(run)},
      {"summary",
       {{"checks", run.checks.size()},
        {"passed", run.count_checks(true)},
        {"failed", run.count_checks(false)},
        {"skipped", run.count_skipped_checks()},
        {"cases_passed", cases[static_cast<int>(CaseStatus::passed)]},
        {"cases_failed", cases[static_cast<int>(CaseStatus::failed)]},
        {"cases_error", cases[static_cast<int>(CaseStatus::error)]},
        {"cases_skipped", cases[static_cast<int>(CaseStatus::skipped)]},
        {"verdict", run.passed() ? "passed" : "failed"}}},
      {"checks", std::move(checks)},
  };
}

void write_json_report(std::ostream& out, const RunResult& run) {
  // A student's exception text may hold bytes that are not UTF-8; replace them
  // (U+FFFD) instead of throwing halfway through the file.
  out << to_json(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace w2v
