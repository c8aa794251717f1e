// The JSON report carries the RunResult unchanged: every value read back from
// the written file equals the result-model field it came from, bit for bit;
// non-finite values are the strings "inf"/"-inf"/"nan"; seeds are exact decimal
// strings; the keys written are exactly those the schema declares.
#define BOOST_TEST_MODULE json_report
#include <boost/test/unit_test.hpp>

#include "process_fixture.hpp"
#include "report_runs.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "reports/console.hpp"
#include "reports/json_report.hpp"

using nlohmann::json;
using w2v::CaseStatus;

namespace {

// `j` encodes `v` exactly (number, or "inf"/"-inf"/"nan").
bool same_real(const json& j, double v) {
  if (std::isnan(v)) return j == "nan";
  if (std::isinf(v)) return j == (v > 0 ? "inf" : "-inf");
  return j.is_number() && j.get<double>() == v;
}

#define CHECK_REAL(j, v) BOOST_TEST(same_real(j, v), #j " = " << (j).dump() << ", expected " << (v))

json written(const w2v::RunResult& run) {
  std::ostringstream out;
  w2v::write_json_report(out, run);
  return json::parse(out.str());
}

std::string text_of(const w2v::RunResult& run) {
  std::ostringstream out;
  w2v::write_json_report(out, run);
  return out.str();
}

json null_or(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

void expect_entry(const json& j, const w2v::EntryError& e) {
  BOOST_TEST(j.at("row") == e.row);
  BOOST_TEST(j.at("col") == e.col);
  BOOST_TEST(j.at("index") == e.index);
  CHECK_REAL(j.at("analytic"), e.analytic);
  CHECK_REAL(j.at("numeric"), e.numeric);
  CHECK_REAL(j.at("abs_error"), e.abs_error);
  CHECK_REAL(j.at("rel_error"), e.rel_error);
  CHECK_REAL(j.at("reldiff"), e.reldiff);
  CHECK_REAL(j.at("tolerance"), e.tolerance);
  CHECK_REAL(j.at("step"), e.step);
}

void expect_case(const json& j, const w2v::RunResult& run, const w2v::CheckResult& check,
                 const w2v::CaseResult& c) {
  BOOST_TEST_CONTEXT(check.id << " case " << c.case_index << " seed " << c.seed << " shape "
                              << c.shape.describe()) {
    BOOST_TEST(j.at("index") == c.case_index);
    BOOST_TEST(j.at("seed") == std::to_string(c.seed));
    const json& s = j.at("shape");
    BOOST_TEST(s.at("family") == c.shape.family);
    BOOST_TEST(s.at("V") == c.shape.V);
    BOOST_TEST(s.at("d") == c.shape.d);
    BOOST_TEST(s.at("K") == c.shape.K);
    BOOST_TEST(s.at("window") == c.shape.window);
    CHECK_REAL(s.at("max_score"), c.shape.max_score);
    BOOST_TEST(s.at("outside_is_center") == c.shape.outside_is_center);
    BOOST_TEST(s.at("negatives_contain_center") == c.shape.negatives_contain_center);
    BOOST_TEST(s.at("repeated_negatives") == c.shape.repeated_negatives);
    BOOST_TEST(s.at("identical_context") == c.shape.identical_context);
    BOOST_TEST(s.at("description") == c.shape.describe());
    BOOST_TEST(j.at("inputs") == c.inputs);
    BOOST_TEST(j.at("status") == std::string(w2v::to_string(c.status())));
    BOOST_TEST(j.at("parameters") == c.parameters);
    BOOST_TEST(j.at("checked") == c.comparison.checked);
    BOOST_TEST(j.at("failing") == c.comparison.failing);
    CHECK_REAL(j.at("max_abs_error"), c.comparison.max_abs_error);
    CHECK_REAL(j.at("max_rel_error"), c.comparison.max_rel_error);
    CHECK_REAL(j.at("max_reldiff"), c.comparison.max_reldiff);
    CHECK_REAL(j.at("max_error_floor"), c.comparison.max_error_floor);
    if (c.comparison.checked == 0)
      BOOST_TEST(j.at("worst").is_null());
    else
      expect_entry(j.at("worst"), c.comparison.worst);
    BOOST_TEST(j.at("evaluations") == c.evaluations);
    CHECK_REAL(j.at("seconds"), c.seconds);
    BOOST_TEST(j.at("error") == null_or(c.error));
    BOOST_TEST(j.at("skipped") == null_or(c.skipped));
    const bool reproducible = c.status() == CaseStatus::failed || c.status() == CaseStatus::error;
    BOOST_TEST(j.at("reproduce") ==
               (reproducible ? json(w2v::reproduce_command(run, check, c)) : json(nullptr)));
  }
}

void expect_check(const json& j, const w2v::RunResult& run, const w2v::CheckResult& check) {
  BOOST_TEST_CONTEXT(check.id) {
    BOOST_TEST(j.at("id") == check.id);
    BOOST_TEST(j.at("part") == check.part);
    BOOST_TEST(j.at("title") == check.title);
    BOOST_TEST(j.at("formula") == check.formula);
    BOOST_TEST(j.at("status") == (check.passed() ? "passed" : "failed"));
    const json& n = j.at("counts");
    BOOST_TEST(n.at("total") == check.cases.size());
    BOOST_TEST(n.at("passed") == check.count(CaseStatus::passed));
    BOOST_TEST(n.at("failed") == check.count(CaseStatus::failed));
    BOOST_TEST(n.at("error") == check.count(CaseStatus::error));
    BOOST_TEST(n.at("skipped") == check.count(CaseStatus::skipped));
    CHECK_REAL(j.at("max_abs_error"), check.max_abs_error());
    CHECK_REAL(j.at("max_rel_error"), check.max_rel_error());
    CHECK_REAL(j.at("max_reldiff"), check.max_reldiff());
    const w2v::CaseResult* worst = check.worst_case();
    BOOST_TEST(j.at("worst_case") == (worst ? json(worst->case_index) : json(nullptr)));
    const json& sweep = j.at("h_sweep");
    if (check.h_sweep.points.empty()) {
      BOOST_TEST(sweep.is_null());
    } else {
      BOOST_TEST(sweep.at("case_index") == check.h_sweep.case_index);
      BOOST_TEST(sweep.at("row") == check.h_sweep.row);
      BOOST_TEST(sweep.at("col") == check.h_sweep.col);
      CHECK_REAL(sweep.at("analytic"), check.h_sweep.analytic);
      BOOST_TEST_REQUIRE(sweep.at("points").size() == check.h_sweep.points.size());
      for (std::size_t i = 0; i < check.h_sweep.points.size(); ++i) {
        CHECK_REAL(sweep["points"][i].at("step"), check.h_sweep.points[i].step);
        CHECK_REAL(sweep["points"][i].at("numeric"), check.h_sweep.points[i].numeric);
        CHECK_REAL(sweep["points"][i].at("abs_error"), check.h_sweep.points[i].abs_error);
      }
    }
    BOOST_TEST_REQUIRE(j.at("cases").size() == check.cases.size());
    for (std::size_t i = 0; i < check.cases.size(); ++i)
      expect_case(j["cases"][i], run, check, check.cases[i]);
  }
}

// The whole file, read back from its text, against the run.
void expect_report(const w2v::RunResult& run) {
  const json j = written(run);
  BOOST_TEST(j.at("schema_version") == w2v::kJsonSchemaVersion);
  BOOST_TEST(j.at("tool") == json({{"name", "w2v-gradcheck"}, {"version", run.tool_version}}));
  const json& s = j.at("summary");
  BOOST_TEST(s.at("checks") == run.checks.size());
  BOOST_TEST(s.at("passed") == run.count_checks(true));
  BOOST_TEST(s.at("failed") == run.count_checks(false));
  BOOST_TEST(s.at("cases_passed") == report_runs::count_cases(run, CaseStatus::passed));
  BOOST_TEST(s.at("cases_failed") == report_runs::count_cases(run, CaseStatus::failed));
  BOOST_TEST(s.at("cases_error") == report_runs::count_cases(run, CaseStatus::error));
  BOOST_TEST(s.at("cases_skipped") == report_runs::count_cases(run, CaseStatus::skipped));
  BOOST_TEST(s.at("verdict") == (run.passed() ? "passed" : "failed"));
  BOOST_TEST_REQUIRE(j.at("checks").size() == run.checks.size());
  for (std::size_t i = 0; i < run.checks.size(); ++i) expect_check(j["checks"][i], run, run.checks[i]);
}

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& [k, v] : object.items()) out.insert(k);
  return out;
}

const json& schema() {
  static const json s = [] {
    // Absolute under CMake; the schema sits at reports/schema/ of the source tree.
    const auto path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                      "reports" / "schema" / "report.schema.json";
    std::ifstream in(path);
    BOOST_TEST_REQUIRE(in.good(), "cannot open " << path);
    return json::parse(in);
  }();
  return s;
}

// An object's keys are exactly the schema's properties, all required.
void expect_schema_keys(const json& object, const json& def, const std::string& where) {
  BOOST_TEST_CONTEXT(where) {
    std::set<std::string> props = keys(def.at("properties"));
    std::set<std::string> required(def.at("required").begin(), def.at("required").end());
    BOOST_TEST(keys(object) == props, "written keys differ from the schema's properties");
    BOOST_TEST(required == props, "schema: not every property is required");
    BOOST_TEST(def.at("additionalProperties") == false);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(reference_report_agrees_with_the_result) {
  const w2v::RunResult& run = report_runs::reference();
  BOOST_TEST_REQUIRE(run.passed());
  BOOST_TEST_REQUIRE(report_runs::count_cases(run, CaseStatus::skipped) > 0u,
                     "14 shapes include the V=1 edge shapes; some checks must skip them");
  expect_report(run);
  const json j = written(run);
  BOOST_TEST(j["summary"]["verdict"] == "passed");
  BOOST_TEST(j["summary"]["failed"] == 0);
}

BOOST_AUTO_TEST_CASE(failing_report_agrees_with_the_result) {
  const w2v::RunResult& run = report_runs::sign_flip();
  BOOST_TEST_REQUIRE(!run.passed());
  expect_report(run);
  const json j = written(run);
  BOOST_TEST(j["summary"]["verdict"] == "failed");
  BOOST_TEST(j["run"]["mistake"] == "sign_flip");
  std::size_t with_reproduce = 0;
  for (const json& c : j["checks"])
    for (const json& k : c["cases"])
      if (k["status"] == "failed") {
        ++with_reproduce;
        BOOST_TEST(k["reproduce"].get<std::string>().find("--inject-mistake sign_flip") !=
                   std::string::npos);
      }
  BOOST_TEST(with_reproduce == report_runs::count_cases(run, CaseStatus::failed));
  BOOST_TEST(with_reproduce > 0u);
}

BOOST_AUTO_TEST_CASE(run_section_states_the_options_used) {
  w2v::RunOptions opts = report_runs::small_options();
  opts.cases = {3, 5};
  opts.only = {"d", "x.relu.grad"};
  opts.fd.stencil = w2v::Stencil::four_point;  // step_scale 0: the stencil's default
  opts.comparison.safety = 7.5;
  opts.comparison.rtol = 1e-9;
  opts.max_coordinates = 3;
  w2v::RunResult run = w2v::run_checks(w2v::catalog(), w2v::reference_functions(), opts);
  run.subject = "student";
  const json r = written(run).at("run");
  BOOST_TEST(r.at("subject") == "student");
  BOOST_TEST(r.at("mistake").is_null());
  BOOST_TEST(r.at("seed") == std::to_string(opts.seed));
  BOOST_TEST(r.at("shapes") == opts.shapes);
  BOOST_TEST(r.at("cases") == json({3, 5}));
  BOOST_TEST(r.at("only") == json({"d", "x.relu.grad"}));
  BOOST_TEST(r.at("started_at") == run.started_at);
  BOOST_TEST(r.at("host") == run.host);
  CHECK_REAL(r.at("seconds"), run.seconds);
  BOOST_TEST(r.at("stencil") == "four_point");
  CHECK_REAL(r.at("step_scale"), w2v::step_scale(opts.fd));
  BOOST_TEST(r.at("step_scale").get<double>() > 0.0, "the step scale actually used, not the 0 option");
  CHECK_REAL(r.at("roundoff_ulps"), opts.fd.roundoff_ulps);
  BOOST_TEST(r.at("richardson_levels") == opts.fd.richardson_levels);
  CHECK_REAL(r.at("safety"), 7.5);
  CHECK_REAL(r.at("rtol"), 1e-9);
  BOOST_TEST(r.at("max_coordinates") == 3u);
  BOOST_TEST(r.at("metric") == w2v::describe_metric(run));
  // All-cases runs say null, not an empty list.
  BOOST_TEST(written(report_runs::reference()).at("run").at("cases").is_null());
}

BOOST_AUTO_TEST_CASE(non_finite_values_are_explicit_strings) {
  const w2v::RunResult& run = report_runs::nan_gradient();
  BOOST_TEST_REQUIRE(run.checks.size() == 1u);
  expect_report(run);
  const json check = written(run).at("checks").at(0);
  BOOST_TEST(check.at("status") == "failed");
  BOOST_TEST(check.at("max_abs_error") == "inf");
  bool saw_nan_worst = false;
  for (const json& c : check.at("cases")) {
    if (c.at("status") != "failed") continue;
    BOOST_TEST(c.at("worst").at("analytic") == "nan");
    BOOST_TEST(c.at("worst").at("abs_error") == "nan");
    BOOST_TEST(c.at("max_abs_error") == "inf");
    saw_nan_worst = true;
  }
  BOOST_TEST(saw_nan_worst);
  BOOST_TEST(check.at("h_sweep").at("analytic") == "nan");

  // No bare NaN/Infinity tokens and no silent nulls for numbers.
  const std::string text = text_of(run);
  BOOST_TEST(text.find(": NaN") == std::string::npos);
  BOOST_TEST(text.find("Infinity") == std::string::npos);
  BOOST_TEST(text.find("\"analytic\": null") == std::string::npos);

  w2v::RunResult edited = run;
  edited.checks[0].cases[0].comparison.max_reldiff = -std::numeric_limits<double>::infinity();
  edited.seconds = std::numeric_limits<double>::infinity();
  const json e = written(edited);
  BOOST_TEST(e["checks"][0]["cases"][0]["max_reldiff"] == "-inf");
  BOOST_TEST(e["run"]["seconds"] == "inf");
}

BOOST_AUTO_TEST_CASE(errored_cases_carry_the_message_and_reproduce) {
  const w2v::RunResult& run = report_runs::throwing();
  BOOST_TEST_REQUIRE(report_runs::count_cases(run, CaseStatus::error) > 0u);
  BOOST_TEST_REQUIRE(report_runs::count_cases(run, CaseStatus::skipped) > 0u);
  const json j = written(run);
  BOOST_TEST(j["summary"]["cases_error"] == report_runs::count_cases(run, CaseStatus::error));
  for (std::size_t i = 0; i < run.checks.size(); ++i) {
    const w2v::CheckResult& check = run.checks[i];
    const json& jc = j["checks"][i];
    BOOST_TEST(jc["h_sweep"].is_null(), check.id << ": no sweep for an errored worst case");
    for (std::size_t k = 0; k < check.cases.size(); ++k) {
      const json& c = jc["cases"][k];
      if (check.cases[k].status() != CaseStatus::error) continue;
      BOOST_TEST(c["worst"].is_null());
      BOOST_TEST(c["reproduce"] == w2v::reproduce_command(run, check, check.cases[k]));
      // The message survives, its one non-UTF-8 byte replaced by U+FFFD.
      const std::string msg = c["error"].get<std::string>();
      BOOST_TEST(msg.find("bad <grad> & \"quote\" 'apos' \x01 ctl \xEF\xBF\xBD byte") !=
                 std::string::npos, msg);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_does_not_break_the_file) {
  w2v::RunResult run = report_runs::reference();
  run.checks[0].title = report_runs::kNastyText;
  run.host = "host\xC3";  // truncated two-byte sequence
  std::string text;
  BOOST_REQUIRE_NO_THROW(text = text_of(run));
  const json j = json::parse(text);
  BOOST_TEST(j["checks"][0]["title"] ==
             "bad <grad> & \"quote\" 'apos' \x01 ctl \xEF\xBF\xBD byte");
  BOOST_TEST(j["run"]["host"] == "host\xEF\xBF\xBD");
  BOOST_TEST(text.find("\\u0001") != std::string::npos, "control characters are escaped");
}

BOOST_AUTO_TEST_CASE(seeds_are_exact_decimal_strings) {
  const w2v::RunResult& run = report_runs::reference();
  const json j = written(run);
  std::size_t beyond_double = 0;
  for (std::size_t i = 0; i < run.checks.size(); ++i)
    for (std::size_t k = 0; k < run.checks[i].cases.size(); ++k) {
      const std::uint64_t seed = run.checks[i].cases[k].seed;
      const json& js = j["checks"][i]["cases"][k]["seed"];
      BOOST_TEST_REQUIRE(js.is_string());
      BOOST_TEST(std::stoull(js.get<std::string>()) == seed);
      if (seed > (std::uint64_t{1} << 53)) ++beyond_double;
    }
  // The reason for strings: these seeds would not survive a double.
  BOOST_TEST(beyond_double > 0u);
  BOOST_TEST(j["run"]["seed"] == "42");
}

BOOST_AUTO_TEST_CASE(written_keys_are_the_schema_properties) {
  const json& s = schema();
  BOOST_TEST(s.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  const std::string version = w2v::kJsonSchemaVersion;
  BOOST_TEST(version.starts_with("1."), "schema_version pattern is ^1\\.: bump it with the major");
  const json& defs = s.at("$defs");
  for (const w2v::RunResult* run : {&report_runs::sign_flip(), &report_runs::throwing(),
                                    &report_runs::nan_gradient()}) {
    const json j = written(*run);
    expect_schema_keys(j, s, "top level");
    expect_schema_keys(j["run"], defs.at("run"), "run");
    expect_schema_keys(j["summary"], defs.at("summary"), "summary");
    for (const json& c : j["checks"]) {
      expect_schema_keys(c, defs.at("check"), "check " + c["id"].get<std::string>());
      expect_schema_keys(c["counts"], defs.at("check").at("properties").at("counts"), "counts");
      if (!c["h_sweep"].is_null()) {
        expect_schema_keys(c["h_sweep"], defs.at("h_sweep"), "h_sweep");
        expect_schema_keys(c["h_sweep"]["points"][0],
                           defs.at("h_sweep").at("properties").at("points").at("items"), "point");
      }
      for (const json& k : c["cases"]) {
        expect_schema_keys(k, defs.at("case"), "case");
        expect_schema_keys(k["shape"], defs.at("shape"), "shape");
        if (!k["worst"].is_null()) expect_schema_keys(k["worst"], defs.at("entry"), "entry");
      }
    }
  }
}
