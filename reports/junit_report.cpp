#include "reports/junit_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cmath>
#include <string>
#include <string_view>

#include "reports/console.hpp"

namespace w2v {

namespace {

// Appends code point cp as UTF-8.
void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one UTF-8 sequence at text[i], advancing i; malformed, overlong or
// surrogate sequences decode to U+FFFD (consuming one byte).
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return ++i, b0;
  int len;
  char32_t cp, min;
  if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F, min = 0x80;
  else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F, min = 0x800;
  else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07, min = 0x10000;
  else return ++i, kReplacement;
  if (i + len > text.size()) return ++i, kReplacement;
  for (int k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return ++i, kReplacement;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return ++i, kReplacement;
  i += len;
  return cp;
}

// XML 1.0 §2.2 Char: anything else (NUL, most C0 controls, U+FFFE/FFFF) makes
// the document ill-formed and CI parsers reject the whole file.
bool is_xml_char(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Escaped for element text or (attribute = true) a double-quoted attribute value,
// where line breaks and tabs become character references so parsers' attribute
// normalisation does not turn them into spaces.
std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = next_code_point(text, i);
    if (!is_xml_char(cp)) continue;
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\r': out += "&#13;"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default: append_utf8(out, cp);
    }
  }
  return out;
}

std::string attr(std::string_view text) { return xml_escape(text, true); }
std::string body(std::string_view text) { return xml_escape(text, false); }

// xs:decimal (no exponent, no inf): what JUnit consumers parse for time.
std::string seconds(double s) { return fmt::format("{:.6f}", std::isfinite(s) && s > 0 ? s : 0.0); }

std::string case_name(const CaseResult& c) {
  return fmt::format("case {} [{}]", c.case_index, c.shape.describe());
}

std::string failure_message(const CaseResult& c) {
  const GradientComparison& cmp = c.comparison;
  const EntryError& w = cmp.worst;
  std::string text =
      cmp.passed()
          ? "gradient right, loss wrong: " + grading_summary(c)
          : fmt::format("{} of {} entries over tolerance; worst at ({}, {}): analytic {:.10g}, "
                        "numeric {:.10g}, abs error {:.2e} > tolerance {:.2e}",
                        cmp.failing, cmp.checked, w.row, w.col, w.analytic, w.numeric,
                        w.abs_error, w.tolerance);
  if (!c.hint.empty()) text += " — likely mistake: " + c.hint;
  return text;
}

std::string case_details(const RunResult& run, const CheckResult& check, const CaseResult& c) {
  std::string text = fmt::format("check: {} — {}\nformula: {}\ncase {}, case seed {}, shape {}\n",
                                 check.id, check.title, check.formula, c.case_index, c.seed,
                                 c.shape.describe());
  if (!c.inputs.empty()) text += fmt::format("inputs: {}\n", c.inputs);
  if (c.status() == CaseStatus::error) {
    text += fmt::format("error: {}\n", c.error);
  } else {
    const GradientComparison& cmp = c.comparison;
    const EntryError& w = cmp.worst;
    text += fmt::format(
        "{} of {} entries probed ({} in the block) over tolerance\n"
        "worst entry ({}, {}) [linear {}]: analytic {:.17g}, numeric {:.17g}, abs error {:.3e}, "
        "rel error {:.3e}, reldiff {:.3e}, tolerance {:.3e}, step {:.3e}\n"
        "case maxima: abs error {:.3e}, rel error {:.3e}, reldiff {:.3e}, error floor {:.3e}\n",
        cmp.failing, cmp.checked, c.parameters, w.row, w.col, w.index, w.analytic, w.numeric,
        w.abs_error, w.rel_error, w.reldiff, w.tolerance, w.step, cmp.max_abs_error,
        cmp.max_rel_error, cmp.max_reldiff, cmp.max_error_floor);
  }
  if (!c.mode.empty()) text += fmt::format("mode: {}\n", c.mode);
  if (const std::string g = grading_summary(c); !g.empty()) text += g + "\n";
  if (!c.hint.empty()) text += fmt::format("likely mistake: {}\n", c.hint);
  for (const std::string& n : c.notes) text += fmt::format("solution warning: {}\n", n);
  text += fmt::format("rule: {}\nreproduce: {}\n", describe_metric(run),
                      reproduce_command(run, check, c));
  return text;
}

void write_testcase(std::ostream& out, const RunResult& run, const CheckResult& check,
                    const CaseResult& c) {
  fmt::print(out, "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"", attr(case_name(c)),
             attr(check.id), seconds(c.seconds));
  switch (c.status()) {
    case CaseStatus::passed:
      out << "/>\n";
      return;
    case CaseStatus::skipped:
      fmt::print(out, ">\n      <skipped message=\"{}\"/>\n", attr(c.skipped));
      break;
    case CaseStatus::failed:
      fmt::print(out, ">\n      <failure message=\"{}\" type=\"GradientMismatch\">{}</failure>\n",
                 attr(failure_message(c)), body(case_details(run, check, c)));
      break;
    case CaseStatus::error:
      fmt::print(out, ">\n      <error message=\"{}\" type=\"CheckError\">{}</error>\n",
                 attr(c.error), body(case_details(run, check, c)));
      break;
  }
  out << "    </testcase>\n";
}

void write_property(std::ostream& out, std::string_view name, std::string_view value) {
  fmt::print(out, "      <property name=\"{}\" value=\"{}\"/>\n", attr(name), attr(value));
}

}  // namespace

void write_junit_report(std::ostream& out, const RunResult& run) {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const CheckResult& check : run.checks) {
    tests += check.cases.size();
    failures += check.count(CaseStatus::failed);
    errors += check.count(CaseStatus::error);
    skipped += check.count(CaseStatus::skipped);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (!run.error.empty()) {
    // No check ran: one errored testcase says why, so CI shows a red run.
    fmt::print(out,
               "<testsuites name=\"w2v-gradcheck\" tests=\"1\" failures=\"0\" errors=\"1\" "
               "skipped=\"0\" time=\"0\">\n"
               "  <testsuite name=\"w2v-gradcheck\" tests=\"1\" failures=\"0\" errors=\"1\" "
               "skipped=\"0\" time=\"0\" timestamp=\"{}\" hostname=\"{}\">\n"
               "    <testcase name=\"run\" classname=\"w2v-gradcheck\" time=\"0\">\n"
               "      <error message=\"{}\" type=\"usage\">{}</error>\n"
               "    </testcase>\n  </testsuite>\n</testsuites>\n",
               attr(run.started_at), attr(run.host), attr(run.error), body(run.error));
    return;
  }
  fmt::print(out,
             "<testsuites name=\"w2v-gradcheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
             "skipped=\"{}\" time=\"{}\">\n",
             tests, failures, errors, skipped, seconds(run.seconds));
  for (const CheckResult& check : run.checks) {
    double suite_seconds = 0.0;
    for (const CaseResult& c : check.cases) suite_seconds += c.seconds;
    fmt::print(out,
               "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
               "skipped=\"{}\" time=\"{}\" timestamp=\"{}\" hostname=\"{}\">\n",
               attr(check.id), check.cases.size(), check.count(CaseStatus::failed),
               check.count(CaseStatus::error), check.count(CaseStatus::skipped),
               seconds(suite_seconds), attr(run.started_at), attr(run.host));
    out << "    <properties>\n";
    write_property(out, "title", check.title);
    write_property(out, "part", check.part);
    write_property(out, "formula", check.formula);
    write_property(out, "subject", run.subject);
    write_property(out, "seed", std::to_string(run.options.seed));
    write_property(out, "tool_version", run.tool_version);
    write_property(out, "metric", describe_metric(run));
    out << "    </properties>\n";
    for (const CaseResult& c : check.cases) write_testcase(out, run, check, c);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace w2v
