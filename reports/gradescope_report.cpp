#include "reports/gradescope_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <system_error>

#include "reports/console.hpp"

namespace w2v {

double GradescopeWeights::weight_for(std::string_view check_id) const {
  double weight = default_weight;
  std::size_t best = 0;
  for (const auto& [key, w] : by_id) {
    // Same selector rule as --only: the id itself or a dotted prefix of it.
    const bool match =
        check_id == key || (check_id.size() > key.size() && check_id.starts_with(key) &&
                            check_id[key.size()] == '.');
    if (match && key.size() >= best) best = key.size(), weight = w;
  }
  return weight;
}

GradescopeWeights parse_gradescope_weights(std::string_view spec) {
  GradescopeWeights weights;
  bool default_given = false;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', start), spec.size());
    std::string item;
    for (const char ch : spec.substr(start, comma - start))
      if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') item += ch;
    start = comma + 1;
    if (item.empty()) continue;  // "b=2," or an empty spec

    const auto bad = [&](std::string_view why) {
      return std::invalid_argument(
          fmt::format("--weights: bad item '{}': {} (expected id=weight, e.g. \"b=2,f.neg=0.5,*=1\")",
                      item, why));
    };
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) throw bad("no '='");
    if (item.find('=', eq + 1) != std::string::npos) throw bad("more than one '='");
    const std::string id = item.substr(0, eq);
    const std::string value = item.substr(eq + 1);
    if (id.empty()) throw bad("missing check id before '='");
    if (value.empty()) throw bad("missing weight after '='");
    if (id.front() == '.' || id.back() == '.' || id.find("..") != std::string::npos)
      throw bad("a check id or prefix has no empty parts (\"f.neg\", not \"f.\")");
    double w = 0.0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), w);
    if (ec != std::errc() || end != value.data() + value.size())
      throw bad(fmt::format("'{}' is not a number", value));
    if (!std::isfinite(w)) throw bad("the weight must be finite");
    if (w < 0) throw bad("the weight must not be negative");
    if (id == "*") {
      if (default_given) throw bad("the default '*' is given twice");
      default_given = true;
      weights.default_weight = w;
    } else if (!weights.by_id.emplace(id, w).second) {
      throw bad(fmt::format("'{}' is given twice", id));
    }
  }
  return weights;
}

namespace {

// Start-up errors (a traceback) and the end of what the solution printed:
// often the first thing a student needs to see.
std::string solution_text(const RunResult& run) {
  if (run.solution_args.empty()) return "";
  std::string text;
  for (const std::string& n : run.solution_notes) text += fmt::format("solution: {}\n", n);
  if (!run.solution_output.empty()) {
    constexpr std::size_t kShown = 4096;
    const std::string& o = run.solution_output;
    text += fmt::format("your program's output (last {} of {} bytes):\n{}\n",
                        std::min(kShown, o.size()), run.solution_output_bytes,
                        o.size() > kShown ? o.substr(o.size() - kShown) : o);
  }
  return text;
}

std::string check_output(const RunResult& run, const CheckResult& check) {
  const std::size_t passed = check.count(CaseStatus::passed);
  const std::size_t skipped = check.count(CaseStatus::skipped);
  const std::size_t ran = check.cases.size() - skipped;
  std::string text = fmt::format("{}\nformula: {}\n", check.title, check.formula);
  if (ran == 0) {
    const std::string why = check.cases.empty() ? std::string("no cases ran")
                                                : check.cases.front().skipped;
    return text + fmt::format("Not graded (0 points): no case of this run applies ({} skipped: {}).\n",
                              skipped, why);
  }
  text += fmt::format(
      "{}/{} cases passed ({} failed, {} could not run, {} skipped); max abs error {:.2e}, max rel "
      "error {:.2e}, max reldiff {:.2e}\n",
      passed, ran, check.count(CaseStatus::failed), check.count(CaseStatus::error), skipped,
      check.max_abs_error(), check.max_rel_error(), check.max_reldiff());
  if (check.passed()) return text;
  const CaseResult* worst = check.worst_case();
  if (worst == nullptr) return text;
  text += fmt::format("worst case {} (case seed {}, shape {}): ", worst->case_index, worst->seed,
                      worst->shape.describe());
  if (worst->status() == CaseStatus::error) {
    text += fmt::format("could not run: {}\n", worst->error);
  } else {
    const EntryError& w = worst->comparison.worst;
    text += fmt::format(
        "{} of {} entries over tolerance; worst at ({}, {}): analytic {:.10g}, numeric {:.10g}, "
        "abs error {:.2e} > tolerance {:.2e}\n",
        worst->comparison.failing, worst->comparison.checked, w.row, w.col, w.analytic,
        w.numeric, w.abs_error, w.tolerance);
  }
  if (const std::string g = grading_summary(*worst); !g.empty()) text += g + "\n";
  if (const std::string hint = check.hint(); !hint.empty())
    text += fmt::format("likely mistake: {}\n", hint);
  text += fmt::format("reproduce: {}\n", reproduce_command(run, check, *worst));
  return text;
}

}  // namespace

void write_gradescope_report(std::ostream& out, const RunResult& run,
                             const GradescopeWeights& weights) {
  nlohmann::json tests = nlohmann::json::array();
  double total = 0.0;
  for (const CheckResult& check : run.checks) {
    const double weight = weights.weight_for(check.id);
    const std::size_t ran = check.cases.size() - check.count(CaseStatus::skipped);
    // A check no case applies to (an optional function the solution does not
    // define) was not graded: it is worth nothing either way.
    const double max_score = ran == 0 ? 0.0 : weight;
    const double score = ran == 0 ? 0.0
                                  : weight * static_cast<double>(check.count(CaseStatus::passed)) /
                                        static_cast<double>(ran);
    total += score;
    tests.push_back({
        {"name", fmt::format("{}: {}", check.id, check.title)},
        {"score", score},
        {"max_score", max_score},
        {"status", check.passed() ? "passed" : "failed"},
        {"output", check_output(run, check)},
    });
  }
  // A usage error: no check ran. Gradescope shows the top-level output.
  const std::string error =
      run.error.empty() ? std::string() : fmt::format("w2v-gradcheck could not run: {}\n", run.error);
  const nlohmann::json results = {
      {"score", total},
      {"execution_time", std::isfinite(run.seconds) ? run.seconds : 0.0},
      {"output", fmt::format("{}w2v-gradcheck {} on {}: {} passed, {} failed (seed {})\n{}\n{}",
                             error, run.tool_version, run.subject, run.count_checks(true),
                             run.count_checks(false), run.options.seed, describe_metric(run),
                             solution_text(run))},
      {"tests", std::move(tests)},
  };
  out << results.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace w2v
