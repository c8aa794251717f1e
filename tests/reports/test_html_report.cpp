// HTML report: the verdict, one table row per check with the run's numbers as
// printed, one detail section per check with two well-formed SVG plots whose
// marks match the cases, every string escaped (a student's "<script>" stays
// text), non-finite numbers as words, no URL of any kind, graceful empty data.
// Runs: tests/reports/report_runs.hpp (seed 42, 14 shapes).
#define BOOST_TEST_MODULE html_report
#include <fmt/format.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <regex>
#include <sstream>

#include "process_fixture.hpp"
#include "report_runs.hpp"
#include "reports/console.hpp"
#include "reports/html_report.hpp"

namespace pt = boost::property_tree;
using w2v::CaseStatus;

namespace {

std::string html_of(const w2v::RunResult& run) {
  std::ostringstream out;
  w2v::write_html_report(out, run);
  return out.str();
}

// How the report must print a number: scientific with 3 significant digits,
// non-finite values as words.
std::string sci(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.2e}", v);
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++n;
  return n;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// From the first `open` at or after `from` to the end of the matching `close`.
std::string slice(const std::string& text, const std::string& open, const std::string& close,
                  std::size_t from = 0) {
  const std::size_t a = text.find(open, from);
  if (a == std::string::npos) return {};
  const std::size_t b = text.find(close, a);
  return b == std::string::npos ? std::string() : text.substr(a, b + close.size() - a);
}

// The checks-table row of a check, and its detail section.
std::string row_of(const std::string& html, const std::string& id) {
  const std::size_t at = html.find("data-check=\"" + w2v::html_escape(id) + "\"");
  if (at == std::string::npos) return {};
  const std::size_t start = html.rfind("<tr", at);
  return slice(html, "<tr", "</tr>", start);
}

std::string section_of(const std::string& html, const std::string& id) {
  const std::string marker = "data-check=\"" + w2v::html_escape(id) + "\">";
  std::size_t at = html.find(marker);
  while (at != std::string::npos) {
    const std::size_t start = html.rfind("<", at);
    if (html.compare(start, 8, "<section") == 0)
      return slice(html, "<section", "</section>", start);
    at = html.find(marker, at + 1);
  }
  return {};
}

std::string case_row(const std::string& section, std::size_t index) {
  const std::size_t at = section.find("data-case=\"" + std::to_string(index) + "\"");
  if (at == std::string::npos) return {};
  return slice(section, "<tr", "</tr>", section.rfind("<tr", at));
}

std::vector<std::string> svgs_in(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = text.find("<svg"); at != std::string::npos; at = text.find("<svg", at + 1))
    out.push_back(slice(text, "<svg", "</svg>", at));
  return out;
}

pt::ptree parse_xml(const std::string& xml) {
  std::istringstream in(xml);
  pt::ptree tree;
  pt::read_xml(in, tree);
  return tree;
}

// Elements named `tag` with class `cls` anywhere under `node`.
std::size_t count_marks(const pt::ptree& node, const std::string& tag, const std::string& cls) {
  std::size_t n = 0;
  for (const auto& [name, child] : node) {
    if (name == tag && child.get<std::string>("<xmlattr>.class", "") == cls) ++n;
    n += count_marks(child, tag, cls);
  }
  return n;
}

// Every geometric attribute is a finite number (or a path of them): a NaN
// reaching the SVG would make the browser drop the mark or the whole plot.
void expect_finite_geometry(const pt::ptree& node, const std::string& where) {
  static const std::regex number(R"(-?[0-9]+(\.[0-9]+)?)");
  static const std::regex path(R"(([ML]-?[0-9]+(\.[0-9]+)? -?[0-9]+(\.[0-9]+)?)+)");
  for (const auto& [name, child] : node) {
    if (name == "<xmlattr>") {
      for (const auto& [attr, value] : child) {
        const std::string v = value.data();
        if (attr == "d")
          BOOST_TEST(std::regex_match(v, path), where << ": d=\"" << v << "\"");
        else if (attr == "x" || attr == "y" || attr == "cx" || attr == "cy" || attr == "r" ||
                 attr == "x1" || attr == "x2" || attr == "y1" || attr == "y2" || attr == "width" ||
                 attr == "height")
          BOOST_TEST(std::regex_match(v, number), where << ": " << attr << "=\"" << v << "\"");
      }
      continue;
    }
    expect_finite_geometry(child, where);
  }
}

// The structure every report must have, whatever the run.
void expect_report(const w2v::RunResult& run, const std::string& html) {
  BOOST_TEST(html.starts_with("<!DOCTYPE html>"));
  BOOST_TEST(contains(html, "<meta charset=\"utf-8\">"));
  BOOST_TEST(contains(html, "name=\"viewport\""));
  const bool ok = run.passed();
  BOOST_TEST(contains(html, std::string("data-verdict=\"") + (ok ? "passed" : "failed") + "\""));
  BOOST_TEST(contains(html, ok ? "✓ PASSED</span>" : "✗ FAILED</span>"));
  BOOST_TEST(!contains(html, ok ? "FAILED</span>" : "PASSED</span>"));
  BOOST_TEST(contains(html, w2v::html_escape(run.subject)));
  BOOST_TEST(contains(html, "<dt>seed</dt><dd>" + std::to_string(run.options.seed) + "</dd>"));
  BOOST_TEST(contains(html, w2v::html_escape(w2v::describe_metric(run))));
  BOOST_TEST(contains(html, run.started_at));
  BOOST_TEST(contains(html, run.tool_version));

  // Header counts.
  auto stat = [&](std::size_t n, const std::string& label) {
    BOOST_TEST(contains(html, "<span class=\"n\">" + std::to_string(n) +
                                  "</span><span class=\"l\">" + label),
               label << " should be " << n);
  };
  stat(run.count_checks(true), "checks passed");
  stat(run.count_checks(false), "checks failed");
  stat(report_runs::count_cases(run, CaseStatus::passed), "cases passed");
  stat(report_runs::count_cases(run, CaseStatus::failed), "cases failed");
  stat(report_runs::count_cases(run, CaseStatus::error), "cases errored");
  stat(report_runs::count_cases(run, CaseStatus::skipped), "cases skipped");

  BOOST_TEST(count_of(html, "<tr class=\"check-row") == run.checks.size());
  BOOST_TEST(count_of(html, "<section class=\"check ") == run.checks.size());
  BOOST_TEST(count_of(html, "<svg") == 2 * run.checks.size());

  for (const w2v::CheckResult& check : run.checks) {
    BOOST_TEST_CONTEXT(check.id) {
      const std::string row = row_of(html, check.id);
      BOOST_TEST_REQUIRE(!row.empty());
      const bool failed = !check.passed();
      BOOST_TEST(contains(row, "row-failed") == failed);
      BOOST_TEST(contains(row, failed             ? "data-status=\"failed\""
                               : check.skipped() ? "data-status=\"skipped\""
                                                 : "data-status=\"passed\""));
      BOOST_TEST(contains(row, failed ? (check.count(CaseStatus::failed) > 0 ? "✗ FAIL" : "! ERROR")
                               : check.skipped() ? "– SKIPPED"
                                                 : "✓ PASS"));
      const std::size_t ran = check.cases.size() - check.count(CaseStatus::skipped);
      BOOST_TEST(contains(row, fmt::format(">{}/{}<", check.count(CaseStatus::passed), ran)));
      if (check.count(CaseStatus::passed) + check.count(CaseStatus::failed) > 0) {
        BOOST_TEST(contains(row, ">" + sci(check.max_abs_error()) + "<"), row);
        BOOST_TEST(contains(row, ">" + sci(check.max_rel_error()) + "<"), row);
        BOOST_TEST(contains(row, ">" + sci(check.max_reldiff()) + "<"), row);
      } else {  // nothing compared: a dash, not a misleading 0.00e+00
        BOOST_TEST(count_of(row, ">–<") == 3u, row);
        BOOST_TEST(!contains(row, "e+00<"), row);
      }
      // The link leads to the section.
      const std::smatch m = [&] {
        std::smatch r;
        std::regex_search(row, r, std::regex("href=\"#([^\"]+)\""));
        return r;
      }();
      BOOST_TEST_REQUIRE(m.size() == 2u);
      const std::string section = section_of(html, check.id);
      BOOST_TEST_REQUIRE(!section.empty());
      BOOST_TEST(contains(section, "id=\"" + m[1].str() + "\""));
      BOOST_TEST(count_of(html, "id=\"" + m[1].str() + "\"") == 1u);
      BOOST_TEST(contains(section, "title=\"" + w2v::html_escape(check.formula) + "\""));

      // Cases: every failing one with its reproduce command, numbers as printed.
      std::size_t shown_quiet = 0;
      for (const w2v::CaseResult& c : check.cases) {
        BOOST_TEST_CONTEXT("case " << c.case_index << " seed " << c.seed << " shape "
                                   << c.shape.describe()) {
          const CaseStatus s = c.status();
          const bool bad = s == CaseStatus::failed || s == CaseStatus::error;
          const std::string crow = case_row(section, c.case_index);
          if (!bad && shown_quiet++ >= 20) {
            BOOST_TEST(crow.empty());
            continue;
          }
          BOOST_TEST_REQUIRE(!crow.empty());
          BOOST_TEST(contains(crow, ">" + std::to_string(c.seed) + "<"));
          BOOST_TEST(contains(crow, w2v::html_escape(c.shape.describe())));
          BOOST_TEST(contains(
              crow, std::string("data-status=\"") + std::string(w2v::to_string(s)) + "\""));
          if (s == CaseStatus::passed || s == CaseStatus::failed) {
            BOOST_TEST(contains(crow, ">" + sci(c.comparison.max_abs_error) + "<"), crow);
            BOOST_TEST(contains(crow, fmt::format(">{}/{}<", c.comparison.checked, c.parameters)));
            BOOST_TEST(contains(crow, sci(c.comparison.worst.abs_error) +
                                          (s == CaseStatus::passed ? " ≤ " : " &gt; ") +
                                          sci(c.comparison.worst.tolerance)),
                       crow);
          }
          if (s == CaseStatus::skipped) BOOST_TEST(contains(crow, w2v::html_escape(c.skipped)));
          if (bad) {
            const std::string cmd = w2v::html_escape(w2v::reproduce_command(run, check, c));
            BOOST_TEST(contains(section, "<code class=\"repro\">" + cmd + "</code>"), cmd);
            if (s == CaseStatus::error) BOOST_TEST(contains(section, w2v::html_escape(c.error)));
          }
        }
      }
      const std::size_t bad = check.count(CaseStatus::failed) + check.count(CaseStatus::error);
      BOOST_TEST(count_of(section, "<tr class=\"case-detail") == bad);

      // Two plots, each well-formed XML with one mark per plotted value.
      const std::vector<std::string> svgs = svgs_in(section);
      BOOST_TEST_REQUIRE(svgs.size() == 2u);
      for (const std::string& svg : svgs) {
        pt::ptree tree;
        BOOST_CHECK_NO_THROW(tree = parse_xml(svg));
        BOOST_TEST_REQUIRE(tree.count("svg") == 1u);
        expect_finite_geometry(tree, check.id);
      }
      const pt::ptree scatter = parse_xml(svgs[0]);
      BOOST_TEST(contains(svgs[0], "class=\"scatter\""));
      BOOST_TEST(count_marks(scatter, "circle", "pt-pass") == check.count(CaseStatus::passed));
      BOOST_TEST(count_marks(scatter, "path", "pt-fail") == check.count(CaseStatus::failed));
      const pt::ptree sweep = parse_xml(svgs[1]);
      BOOST_TEST(contains(svgs[1], "class=\"hsweep\""));
      BOOST_TEST(count_marks(sweep, "circle", "hs-pt") == check.h_sweep.points.size());
      if (!check.h_sweep.points.empty())
        BOOST_TEST(contains(section, fmt::format("case {}", check.h_sweep.case_index)));
    }
  }

  // Self-contained: nothing is fetched, every link stays on the page.
  for (const char* banned :
       {"http://", "https://", "HTTP://", "HTTPS://", "url(", "@import", "<link", "src=\""})
    BOOST_TEST(!contains(html, banned), "found " << banned);
  static const std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it)
    BOOST_TEST((*it)[1].str().starts_with("#"), (*it)[1].str());
  BOOST_TEST(count_of(html, "<script") == 1u);

  // Without JS nothing is hidden but the filter buttons, which need JS.
  BOOST_TEST(count_of(html, " hidden") == (run.checks.empty() ? 0u : 1u));
  BOOST_TEST(contains(html, "id=\"status-filter\" hidden") == !run.checks.empty());
  BOOST_TEST(contains(html, "setAttribute(\"data-ready\", \"1\")"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(reference_run_passes) {
  const w2v::RunResult& run = report_runs::reference();
  BOOST_TEST_REQUIRE(run.passed());
  BOOST_TEST_REQUIRE(run.checks.size() == w2v::catalog().size());
  const std::string html = html_of(run);
  expect_report(run, html);
  BOOST_TEST(!contains(html, "class=\"check-row row-failed"));
  BOOST_TEST(!contains(html, "class=\"case-row row-failed"));
  BOOST_TEST(contains(html, "<title>w2v-gradcheck: PASSED — reference</title>"));
}

BOOST_AUTO_TEST_CASE(sign_flip_run_fails_with_red_rows) {
  const w2v::RunResult& run = report_runs::sign_flip();
  BOOST_TEST_REQUIRE(!run.passed());
  const std::string html = html_of(run);
  expect_report(run, html);
  BOOST_TEST(count_of(html, "<tr class=\"check-row row-failed") == run.count_checks(false));
  BOOST_TEST(contains(html, "--inject-mistake sign_flip"));
  BOOST_TEST(contains(html, w2v::html_escape(run.subject)));
}

BOOST_AUTO_TEST_CASE(nan_gradient_prints_words_not_broken_svg) {
  const w2v::RunResult& run = report_runs::nan_gradient();
  const std::string html = html_of(run);
  expect_report(run, html);
  BOOST_TEST(!std::regex_search(html, std::regex(R"(\b-?nan\b)")));
}

BOOST_AUTO_TEST_CASE(errored_cases_show_the_escaped_message) {
  const w2v::RunResult& run = report_runs::throwing();
  BOOST_TEST_REQUIRE(report_runs::count_cases(run, CaseStatus::error) > 0u);
  const std::string html = html_of(run);
  expect_report(run, html);
  BOOST_TEST(contains(html,
                      "bad &lt;grad&gt; &amp; &quot;quote&quot; &#39;apos&#39; \xEF\xBF\xBD ctl "
                      "\xEF\xBF\xBD byte"));
  BOOST_TEST(!contains(html, "<grad>"));
  BOOST_TEST(!contains(html, "\x01"));
  BOOST_TEST(!contains(html, "\xff byte"));
  BOOST_TEST(contains(html, "No h-sweep"));
}

BOOST_AUTO_TEST_CASE(hostile_strings_stay_text) {
  w2v::RunResult run = report_runs::sign_flip();
  const std::string attack = "<script>alert(1)</script>";
  w2v::CaseResult* victim = nullptr;
  for (w2v::CaseResult& c : run.checks.at(0).cases)
    if (c.status() == CaseStatus::failed) victim = &c;
  BOOST_TEST_REQUIRE(victim != nullptr);
  victim->error = attack;  // now an errored case
  run.subject = "<script>alert(2)</script> \"quoted\" 'single'";
  run.host = "<b>host</b>";
  run.checks.at(1).title = "<img src=x onerror=alert(3)>";
  run.checks.at(1).formula = "dJ/dv_c</div><script>alert(4)</script>";
  run.checks.at(2).cases.at(0).skipped = "<iframe>";
  run.checks.at(2).cases.at(0).inputs = "<svg onload=alert(5)>";
  const std::string html = html_of(run);
  expect_report(run, html);
  BOOST_TEST(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  BOOST_TEST(
      contains(html, "&lt;script&gt;alert(2)&lt;/script&gt; &quot;quoted&quot; &#39;single&#39;"));
  BOOST_TEST(contains(html, "&lt;img src=x onerror=alert(3)&gt;"));
  for (const char* raw :
       {"<script>alert", "<img", "<b>host", "<iframe", "<svg onload", "alert(4)</script>"})
    BOOST_TEST(!contains(html, raw), "unescaped " << raw);
}

BOOST_AUTO_TEST_CASE(non_finite_values_in_cases_and_sweep) {
  w2v::RunResult run = report_runs::reference();
  w2v::CheckResult& check = run.checks.at(0);
  const double nan = std::numeric_limits<double>::quiet_NaN(),
               inf = std::numeric_limits<double>::infinity();
  std::vector<w2v::CaseResult*> compared;
  for (w2v::CaseResult& c : check.cases)
    if (c.status() == CaseStatus::passed) compared.push_back(&c);
  BOOST_TEST_REQUIRE(compared.size() >= 3u);
  compared[0]->comparison.max_abs_error = nan;
  compared[1]->comparison.max_abs_error = inf;
  compared[2]->comparison.max_abs_error = 0.0;
  BOOST_TEST_REQUIRE(check.h_sweep.points.size() >= 6u);
  check.h_sweep.points[2].abs_error = nan;
  check.h_sweep.points[3].abs_error = inf;
  check.h_sweep.points[4].abs_error = 0.0;
  check.h_sweep.analytic = nan;
  const std::string html = html_of(run);
  expect_report(run, html);
  const std::string section = section_of(html, check.id);
  BOOST_TEST(contains(case_row(section, compared[0]->case_index), ">NaN<"));
  BOOST_TEST(contains(case_row(section, compared[1]->case_index), ">inf<"));
  BOOST_TEST(contains(section, "NaN/inf</text>"));  // the band the plots put them in
  BOOST_TEST(contains(section, "analytic value NaN"));
  BOOST_TEST(!std::regex_search(html, std::regex(R"(\b-?nan\b)")));
}

BOOST_AUTO_TEST_CASE(empty_data_is_said_not_drawn) {
  w2v::RunResult run = report_runs::reference();
  run.checks.resize(2);
  for (w2v::CaseResult& c : run.checks[0].cases) c.skipped = "every case skipped for this test";
  run.checks[0].h_sweep.points.clear();
  const std::string html = html_of(run);
  expect_report(run, html);
  const std::string section = section_of(html, run.checks[0].id);
  BOOST_TEST(contains(section, "no case compared any entry"));
  BOOST_TEST(contains(section, "No h-sweep: every case of this check was skipped."));
  BOOST_TEST(contains(row_of(html, run.checks[0].id), ">0/0<"));

  w2v::RunResult nothing = report_runs::reference();
  nothing.checks.clear();
  const std::string empty = html_of(nothing);
  expect_report(nothing, empty);
  BOOST_TEST(contains(empty, "No checks were run."));
}

BOOST_AUTO_TEST_CASE(case_rows_are_capped_failures_first_class) {
  w2v::RunResult run = report_runs::reference();
  run.checks.resize(1);
  w2v::CheckResult& check = run.checks[0];
  std::vector<w2v::CaseResult> passed;
  for (const w2v::CaseResult& c : check.cases)
    if (c.status() == CaseStatus::passed) passed.push_back(c);
  BOOST_TEST_REQUIRE(!passed.empty());
  check.cases.clear();
  for (std::size_t k = 0; k < 60; ++k) {
    w2v::CaseResult c = passed[k % passed.size()];
    c.case_index = k;
    if (k == 5 || k == 30 || k == 59) {
      c.comparison.failing = 1;
      c.comparison.worst.abs_error = 1.0;
    }
    check.cases.push_back(c);
  }
  BOOST_TEST_REQUIRE(check.count(CaseStatus::failed) == 3u);
  const std::string html = html_of(run);
  expect_report(run, html);
  const std::string section = section_of(html, check.id);
  BOOST_TEST(count_of(section, "<tr class=\"case-row") == 23u);
  BOOST_TEST(!case_row(section, 59).empty());
  BOOST_TEST(case_row(section, 58).empty());
  BOOST_TEST(contains(section, "37 more passed and 0 more skipped cases are not shown"));
}

BOOST_AUTO_TEST_CASE(html_escape_entities_and_bad_bytes) {
  BOOST_TEST(w2v::html_escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  BOOST_TEST(w2v::html_escape("") == "");
  BOOST_TEST(w2v::html_escape("∂J/∂v_c ŷ Σ\ttab\nline") == "∂J/∂v_c ŷ Σ\ttab\nline");
  BOOST_TEST(w2v::html_escape("x\x01y\x7fz") == "x\xEF\xBF\xBDy\xEF\xBF\xBDz");
  BOOST_TEST(w2v::html_escape("bad \xff byte \xe2\x88 cut") ==
             "bad \xEF\xBF\xBD byte \xEF\xBF\xBD\xEF\xBF\xBD cut");
  BOOST_TEST(w2v::html_escape("\xc0\xaf overlong") == "\xEF\xBF\xBD\xEF\xBF\xBD overlong");
}
