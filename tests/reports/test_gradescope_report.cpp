// Gradescope results.json: one test per check with score = weight × passed /
// run cases, the total the sum of the tests, weights parsed from "id=w,…" with
// the longest id prefix winning and every malformed item named in the error.
#define BOOST_TEST_MODULE gradescope_report
#include <boost/test/unit_test.hpp>

#include "process_fixture.hpp"
#include "report_runs.hpp"

#include <nlohmann/json.hpp>

#include <sstream>
#include <stdexcept>

#include "reports/console.hpp"
#include "reports/gradescope_report.hpp"

using nlohmann::json;
using w2v::CaseStatus;

namespace {

json results_of(const w2v::RunResult& run, const w2v::GradescopeWeights& weights) {
  std::ostringstream out;
  w2v::write_gradescope_report(out, run, weights);
  return json::parse(out.str());
}

double expected_score(const w2v::CheckResult& check, double weight) {
  const std::size_t ran = check.cases.size() - check.count(CaseStatus::skipped);
  if (ran == 0) return 0.0;  // not graded
  return weight * static_cast<double>(check.count(CaseStatus::passed)) / static_cast<double>(ran);
}

void expect_results(const w2v::RunResult& run, const w2v::GradescopeWeights& weights) {
  const json r = results_of(run, weights);
  for (const char* key : {"score", "execution_time", "output", "tests"})
    BOOST_TEST(r.contains(key), "missing " << key);
  BOOST_TEST(r.at("execution_time").get<double>() == run.seconds);
  BOOST_TEST(r.at("output").get<std::string>().find(w2v::describe_metric(run)) != std::string::npos);
  BOOST_TEST_REQUIRE(r.at("tests").size() == run.checks.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < run.checks.size(); ++i) {
    const w2v::CheckResult& check = run.checks[i];
    const json& t = r["tests"][i];
    BOOST_TEST_CONTEXT(check.id) {
      const double w = weights.weight_for(check.id);
      BOOST_TEST(t.at("name") == check.id + ": " + check.title);
      BOOST_TEST(t.at("max_score").get<double>() == (check.skipped() ? 0.0 : w));
      BOOST_TEST(t.at("score").get<double>() == expected_score(check, w));
      BOOST_TEST(t.at("score").get<double>() <= w);
      BOOST_TEST(t.at("status") == (check.passed() ? "passed" : "failed"));
      const std::string output = t.at("output").get<std::string>();
      BOOST_TEST(output.find(check.formula) != std::string::npos);
      if (!check.passed()) {
        const w2v::CaseResult* worst = check.worst_case();
        BOOST_TEST_REQUIRE(worst != nullptr);
        BOOST_TEST(output.find("reproduce: " + w2v::reproduce_command(run, check, *worst)) !=
                   std::string::npos, output);
      }
      sum += t.at("score").get<double>();
    }
  }
  BOOST_TEST(r.at("score").get<double>() == sum);
}

w2v::GradescopeWeights weights(std::string_view spec) { return w2v::parse_gradescope_weights(spec); }

// The exception's message, for a spec that must be rejected.
std::string rejection(std::string_view spec) {
  try {
    w2v::parse_gradescope_weights(spec);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

BOOST_AUTO_TEST_CASE(weights_parse) {
  const w2v::GradescopeWeights w = weights(" b = 2 , f.neg=0.5,*=3,c.naive.du_o=0 ,");
  BOOST_TEST(w.default_weight == 3.0);
  BOOST_TEST(w.by_id.size() == 3u);
  BOOST_TEST(w.weight_for("b.naive.dv_c") == 2.0);
  BOOST_TEST(w.weight_for("f.neg.dU") == 0.5);
  BOOST_TEST(w.weight_for("f.naive.dU") == 3.0);
  BOOST_TEST(w.weight_for("c.naive.du_o") == 0.0);
  BOOST_TEST(w.weight_for("c.naive.du_w") == 3.0);
  BOOST_TEST(w.weight_for("x.relu.grad") == 3.0);

  const w2v::GradescopeWeights empty = weights("");
  BOOST_TEST(empty.default_weight == 1.0);
  BOOST_TEST(empty.by_id.empty());
  BOOST_TEST(weights("  ").by_id.empty());
  BOOST_TEST(weights("b=1e1").weight_for("b.naive.dv_c") == 10.0);
}

BOOST_AUTO_TEST_CASE(longest_prefix_wins_and_prefixes_are_dotted) {
  const w2v::GradescopeWeights w = weights("f=1,f.neg=4,f.neg.dU=9,e.ne=7");
  BOOST_TEST(w.weight_for("f.neg.dU") == 9.0);
  BOOST_TEST(w.weight_for("f.neg.dv_c") == 4.0);
  BOOST_TEST(w.weight_for("f.naive.dv_c") == 1.0);
  BOOST_TEST(w.weight_for("e.neg.du_k") == 1.0, "'e.ne' is not a prefix of 'e.neg.du_k'");
  BOOST_TEST(w.weight_for("fx") == 1.0, "'f' is not a prefix of 'fx'");
  BOOST_TEST(w.weight_for("f") == 1.0);
}

BOOST_AUTO_TEST_CASE(malformed_weights_are_named) {
  struct Bad {
    const char* spec;
    const char* item;    // the item the message must quote
    const char* reason;  // and part of its reason
  };
  for (const Bad& b : {Bad{"b", "'b'", "no '='"},
                       Bad{"b=2,c", "'c'", "no '='"},
                       Bad{"=2", "'=2'", "missing check id"},
                       Bad{"b=", "'b='", "missing weight"},
                       Bad{"b=two", "'b=two'", "'two' is not a number"},
                       Bad{"b=2x", "'b=2x'", "not a number"},
                       Bad{"b=+2", "'b=+2'", "not a number"},
                       Bad{"b=-1", "'b=-1'", "negative"},
                       Bad{"b=nan", "'b=nan'", "finite"},
                       Bad{"b=inf", "'b=inf'", "finite"},
                       Bad{"b=1=2", "'b=1=2'", "more than one '='"},
                       Bad{"b=1, b = 2", "'b=2'", "given twice"},
                       Bad{"*=1,*=2", "'*=2'", "given twice"},
                       Bad{"f.=1", "'f.=1'", "empty parts"},
                       Bad{"f..neg=1", "'f..neg=1'", "empty parts"}}) {
    const std::string msg = rejection(b.spec);
    BOOST_TEST_CONTEXT("spec \"" << b.spec << "\": " << msg) {
      BOOST_TEST(msg.find(b.item) != std::string::npos);
      BOOST_TEST(msg.find(b.reason) != std::string::npos);
      BOOST_TEST(msg.find("id=weight") != std::string::npos, "states the expected form");
    }
  }
}

BOOST_AUTO_TEST_CASE(reference_gets_full_marks) {
  const w2v::RunResult& run = report_runs::reference();
  const w2v::GradescopeWeights w = weights("b=2,f.neg=0.5");
  expect_results(run, w);
  double full = 0.0;
  for (const w2v::CheckResult& c : run.checks) full += w.weight_for(c.id);
  const json r = results_of(run, w);
  BOOST_TEST(r.at("score").get<double>() == full);
  for (const json& t : r["tests"]) {
    BOOST_TEST(t["status"] == "passed");
    const std::string name = t["name"];
    const double weight = name.starts_with("b.") ? 2.0 : name.starts_with("f.neg.") ? 0.5 : 1.0;
    BOOST_TEST(t["max_score"].get<double>() == weight, name);
  }
}

BOOST_AUTO_TEST_CASE(failing_run_gets_partial_scores) {
  const w2v::RunResult& run = report_runs::sign_flip();
  expect_results(run, weights("*=3"));
  const json r = results_of(run, weights(""));
  std::size_t failed = 0;
  for (const json& t : r["tests"]) failed += t["status"] == "failed";
  BOOST_TEST(failed == run.count_checks(false));
  BOOST_TEST(r["score"].get<double>() < static_cast<double>(run.checks.size()));
}

BOOST_AUTO_TEST_CASE(partial_credit_is_passed_over_run_cases) {
  // 13 of 14 cases run (V=1 skips), a known number failing: exact fractions.
  w2v::RunResult run = report_runs::reference();
  w2v::CheckResult* with_skip = nullptr;
  for (w2v::CheckResult& c : run.checks)
    if (c.count(CaseStatus::skipped) > 0) with_skip = &c;
  BOOST_TEST_REQUIRE(with_skip != nullptr);
  const std::size_t ran = with_skip->cases.size() - with_skip->count(CaseStatus::skipped);
  std::size_t broken = 0;
  for (w2v::CaseResult& c : with_skip->cases)
    if (c.status() == CaseStatus::passed && broken < 3) c.error = "broken", ++broken;
  const json r = results_of(run, weights("*=4"));
  for (const json& t : r["tests"]) {
    if (t["name"].get<std::string>().rfind(with_skip->id + ":", 0) != 0) continue;
    BOOST_TEST(t["score"].get<double>() == 4.0 * static_cast<double>(ran - 3) / static_cast<double>(ran));
    BOOST_TEST(t["status"] == "failed");
    BOOST_TEST(t["output"].get<std::string>().find(std::to_string(ran - 3) + "/" +
                                                   std::to_string(ran) + " cases passed") !=
               std::string::npos);
  }
  expect_results(run, weights("*=4"));
}

// A check no case applies to (e.g. the optional sigmoid_grad a course
// word2vec.py does not define) was not graded: worth 0 of 0, never free points.
BOOST_AUTO_TEST_CASE(all_skipped_check_is_not_graded) {
  w2v::RunResult run = report_runs::reference();
  for (w2v::CaseResult& c : run.checks[0].cases) c.skipped = "the solution does not define it";
  const json r = results_of(run, weights("*=2"));
  BOOST_TEST(r["tests"][0]["score"].get<double>() == 0.0);
  BOOST_TEST(r["tests"][0]["max_score"].get<double>() == 0.0);
  const std::string output = r["tests"][0]["output"].get<std::string>();
  BOOST_TEST(output.find("Not graded (0 points)") != std::string::npos, output);
  BOOST_TEST(output.find("the solution does not define it") != std::string::npos, output);
  double total = 0.0;
  for (const json& t : r["tests"]) total += t["score"].get<double>();
  BOOST_TEST(r["score"].get<double>() == total);
  expect_results(run, weights("*=2"));
}

BOOST_AUTO_TEST_CASE(zero_weights_and_errors) {
  const w2v::RunResult& run = report_runs::throwing();
  const json r = results_of(run, weights("*=0"));
  BOOST_TEST(r["score"].get<double>() == 0.0);
  expect_results(run, weights("b=5"));
  // The thrown message (with a non-UTF-8 byte) reaches the student, replaced.
  const std::string out = results_of(run, weights("")).at("tests").at(0).at("output");
  BOOST_TEST(out.find("could not run: b.naive.dv_c: bad <grad>") != std::string::npos, out);
  BOOST_TEST(out.find("\xEF\xBF\xBD byte") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(nan_gradient_fails_its_test) {
  const w2v::RunResult& run = report_runs::nan_gradient();
  expect_results(run, weights(""));
  const json r = results_of(run, weights(""));
  BOOST_TEST(r["tests"][0]["status"] == "failed");
  BOOST_TEST(r["tests"][0]["output"].get<std::string>().find("analytic nan") != std::string::npos);
}
