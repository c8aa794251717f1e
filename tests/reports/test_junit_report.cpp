// JUnit XML: one <testsuite> per check, one <testcase> per case, counts that
// match the children, <failure>/<error>/<skipped> exactly where the result
// model says, the reproduce command in every failure, and well-formed XML 1.0
// whatever a student's message contains (markup, control characters, bytes
// that are not UTF-8).
#define BOOST_TEST_MODULE junit_report
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <boost/test/unit_test.hpp>

#include "process_fixture.hpp"
#include "report_runs.hpp"

#include <regex>
#include <sstream>

#include "reports/console.hpp"
#include "reports/junit_report.hpp"

namespace pt = boost::property_tree;
using w2v::CaseStatus;

namespace {

std::string xml_of(const w2v::RunResult& run) {
  std::ostringstream out;
  w2v::write_junit_report(out, run);
  return out.str();
}

pt::ptree parse(const std::string& xml) {
  std::istringstream in(xml);
  pt::ptree tree;
  pt::read_xml(in, tree);
  return tree;
}

std::string attr(const pt::ptree& node, const std::string& name) {
  return node.get<std::string>("<xmlattr>." + name);
}

std::size_t count_children(const pt::ptree& node, const std::string& tag) {
  return node.count(tag);
}

// Decodes UTF-8 strictly; false on a malformed sequence or a code point that
// XML 1.0 does not allow (§2.2 Char).
bool is_valid_xml_text(const std::string& s, std::string& why) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return why = "bad UTF-8 at byte " + std::to_string(i), false;
    char32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return why = "bad UTF-8 at byte " + std::to_string(i), false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                    (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) return why = "code point " + std::to_string(cp) + " at byte " + std::to_string(i), false;
    i += len;
  }
  // Every '&' starts a reference; no '<' inside an attribute value.
  static const std::regex bad_amp("&(?!(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)");
  if (std::regex_search(s, bad_amp)) return why = "bare '&'", false;
  // Inside a tag (its attribute values included): no '<', and no raw line
  // break or tab, which attribute normalisation would turn into spaces.
  for (std::size_t open = s.find('<'); open != std::string::npos; open = s.find('<', open + 1)) {
    const std::size_t close = s.find('>', open);
    if (close == std::string::npos) return why = "unclosed tag", false;
    const std::string_view tag(s.data() + open + 1, close - open - 1);
    if (tag.find_first_of("<\n\t\r") != std::string_view::npos)
      return why = "'<', line break or tab inside tag <" + std::string(tag.substr(0, 60)), false;
  }
  return true;
}

std::size_t as_count(const pt::ptree& node, const std::string& name) {
  return std::stoul(attr(node, name));
}

// Structure and agreement of the whole document with the run.
void expect_junit(const w2v::RunResult& run) {
  const std::string xml = xml_of(run);
  std::string why;
  BOOST_TEST(is_valid_xml_text(xml, why), why);
  BOOST_TEST(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  const pt::ptree doc = parse(xml);
  BOOST_TEST_REQUIRE(doc.size() == 1u);
  const pt::ptree& root = doc.get_child("testsuites");
  BOOST_TEST(as_count(root, "tests") ==
             report_runs::count_cases(run, CaseStatus::passed) +
                 report_runs::count_cases(run, CaseStatus::failed) +
                 report_runs::count_cases(run, CaseStatus::error) +
                 report_runs::count_cases(run, CaseStatus::skipped));
  BOOST_TEST(as_count(root, "failures") == report_runs::count_cases(run, CaseStatus::failed));
  BOOST_TEST(as_count(root, "errors") == report_runs::count_cases(run, CaseStatus::error));
  BOOST_TEST(as_count(root, "skipped") == report_runs::count_cases(run, CaseStatus::skipped));
  BOOST_TEST(std::stod(attr(root, "time")) >= 0.0);

  std::size_t suite = 0, tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto& [tag, node] : root) {
    if (tag == "<xmlattr>") continue;
    BOOST_TEST_REQUIRE(tag == "testsuite");
    BOOST_TEST_REQUIRE(suite < run.checks.size());
    const w2v::CheckResult& check = run.checks[suite++];
    BOOST_TEST_CONTEXT(check.id) {
      BOOST_TEST(attr(node, "name") == check.id);
      BOOST_TEST(as_count(node, "tests") == check.cases.size());
      BOOST_TEST(as_count(node, "failures") == check.count(CaseStatus::failed));
      BOOST_TEST(as_count(node, "errors") == check.count(CaseStatus::error));
      BOOST_TEST(as_count(node, "skipped") == check.count(CaseStatus::skipped));
      BOOST_TEST(attr(node, "timestamp") == run.started_at);
      BOOST_TEST(node.get<std::string>("properties.property.<xmlattr>.name") == "title");
      BOOST_TEST(node.get<std::string>("properties.property.<xmlattr>.value") == check.title);
      BOOST_TEST(count_children(node, "testcase") == check.cases.size());
      std::size_t k = 0, suite_failures = 0, suite_errors = 0, suite_skipped = 0;
      for (const auto& [ctag, tc] : node) {
        if (ctag != "testcase") continue;
        const w2v::CaseResult& c = check.cases[k++];
        BOOST_TEST_CONTEXT("case " << c.case_index << " seed " << c.seed << " shape "
                                   << c.shape.describe()) {
          BOOST_TEST(attr(tc, "name") ==
                     "case " + std::to_string(c.case_index) + " [" + c.shape.describe() + "]");
          BOOST_TEST(attr(tc, "classname") == check.id);
          const std::string time = attr(tc, "time");
          BOOST_TEST(std::regex_match(time, std::regex("[0-9]+\\.[0-9]+")), time);
          const std::size_t nf = tc.count("failure"), ne = tc.count("error"),
                            ns = tc.count("skipped");
          suite_failures += nf, suite_errors += ne, suite_skipped += ns;
          switch (c.status()) {
            case CaseStatus::passed:
              BOOST_TEST(nf + ne + ns == 0u);
              break;
            case CaseStatus::failed: {
              BOOST_TEST_REQUIRE(nf == 1u);
              BOOST_TEST(ne + ns == 0u);
              const pt::ptree& f = tc.get_child("failure");
              const std::string message = attr(f, "message");
              BOOST_TEST(message.starts_with(std::to_string(c.comparison.failing) + " of " +
                                             std::to_string(c.comparison.checked) +
                                             " entries over tolerance"),
                         message);
              const std::string body = f.data();
              BOOST_TEST(body.find("reproduce: " + w2v::reproduce_command(run, check, c)) !=
                         std::string::npos, body);
              BOOST_TEST(body.find("seed " + std::to_string(c.seed)) != std::string::npos);
              BOOST_TEST(body.find(c.shape.describe()) != std::string::npos);
              break;
            }
            case CaseStatus::error: {
              BOOST_TEST_REQUIRE(ne == 1u);
              BOOST_TEST(nf + ns == 0u);
              const pt::ptree& e = tc.get_child("error");
              BOOST_TEST(e.data().find("reproduce: " + w2v::reproduce_command(run, check, c)) !=
                         std::string::npos);
              break;
            }
            case CaseStatus::skipped:
              BOOST_TEST_REQUIRE(ns == 1u);
              BOOST_TEST(nf + ne == 0u);
              BOOST_TEST(attr(tc.get_child("skipped"), "message") == c.skipped);
              break;
          }
        }
      }
      BOOST_TEST(suite_failures == check.count(CaseStatus::failed));
      BOOST_TEST(suite_errors == check.count(CaseStatus::error));
      BOOST_TEST(suite_skipped == check.count(CaseStatus::skipped));
      tests += k, failures += suite_failures, errors += suite_errors, skipped += suite_skipped;
    }
  }
  BOOST_TEST(suite == run.checks.size());
  BOOST_TEST(as_count(root, "tests") == tests);
  BOOST_TEST(as_count(root, "failures") == failures);
  BOOST_TEST(as_count(root, "errors") == errors);
  BOOST_TEST(as_count(root, "skipped") == skipped);
}

}  // namespace

BOOST_AUTO_TEST_CASE(reference_run_has_skips_and_no_failures) {
  const w2v::RunResult& run = report_runs::reference();
  BOOST_TEST_REQUIRE(report_runs::count_cases(run, CaseStatus::skipped) > 0u);
  expect_junit(run);
  const pt::ptree doc = parse(xml_of(run));
  BOOST_TEST(doc.get<std::size_t>("testsuites.<xmlattr>.failures") == 0u);
  BOOST_TEST(doc.get<std::size_t>("testsuites.<xmlattr>.errors") == 0u);
}

BOOST_AUTO_TEST_CASE(failed_cases_are_failures_with_reproduce) {
  const w2v::RunResult& run = report_runs::sign_flip();
  BOOST_TEST_REQUIRE(report_runs::count_cases(run, CaseStatus::failed) > 0u);
  expect_junit(run);
  BOOST_TEST(xml_of(run).find("--inject-mistake sign_flip") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(nan_gradients_are_reported_as_failures) {
  const w2v::RunResult& run = report_runs::nan_gradient();
  expect_junit(run);
  BOOST_TEST(xml_of(run).find("analytic nan") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(errored_cases_are_errors_with_a_clean_message) {
  const w2v::RunResult& run = report_runs::throwing();
  BOOST_TEST_REQUIRE(report_runs::count_cases(run, CaseStatus::error) > 0u);
  expect_junit(run);
  const std::string xml = xml_of(run);
  // The control character is dropped, the bad byte becomes U+FFFD, markup is escaped.
  BOOST_TEST(xml.find('\x01') == std::string::npos);
  BOOST_TEST(xml.find("bad &lt;grad&gt; &amp; &quot;quote&quot; &apos;apos&apos;  ctl \xEF\xBF\xBD byte") !=
             std::string::npos);
  const pt::ptree doc = parse(xml);
  const pt::ptree& first_case = doc.get_child("testsuites.testsuite.testcase");
  const std::string message = first_case.get<std::string>("error.<xmlattr>.message");
  BOOST_TEST(message.find("bad <grad> & \"quote\" 'apos'  ctl \xEF\xBF\xBD byte") !=
             std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(every_string_field_is_escaped) {
  w2v::RunResult run = report_runs::sign_flip();
  const std::string nasty = report_runs::kNastyText + "\n\tline two\r\x1f";
  run.checks[0].title = nasty;
  run.checks[0].formula = nasty;
  run.checks[0].id = "b<&\"'>";
  run.host = nasty;
  run.started_at = nasty;
  run.subject = nasty;
  for (w2v::CaseResult& c : run.checks[0].cases) {
    c.inputs = nasty;
    if (c.status() == CaseStatus::skipped) c.skipped = nasty;
  }
  run.checks[1].cases[0].error = nasty;  // now an errored case
  const std::string xml = xml_of(run);
  std::string why;
  BOOST_TEST(is_valid_xml_text(xml, why), why);
  const pt::ptree doc = parse(xml);
  const pt::ptree& suite = doc.get_child("testsuites.testsuite");
  const std::string clean = "bad <grad> & \"quote\" 'apos'  ctl \xEF\xBF\xBD byte\n\tline two\r";
  BOOST_TEST(attr(suite, "name") == "b<&\"'>");
  BOOST_TEST(attr(suite, "hostname") == clean);
  BOOST_TEST(suite.get<std::string>("properties.property.<xmlattr>.value") == clean);
  BOOST_TEST(attr(suite.get_child("testcase"), "classname") == "b<&\"'>");
  std::size_t errors = 0;
  for (const auto& [tag, node] : doc.get_child("testsuites"))
    if (tag == "testsuite") errors += std::stoul(attr(node, "errors"));
  BOOST_TEST(errors == 1u);
  BOOST_TEST(doc.get<std::size_t>("testsuites.<xmlattr>.errors") == 1u);
}
