// reports/console: colour only when asked for or on a terminal without
// NO_COLOR (https://no-color.org), one table row per check with the numbers of
// the result model, failures with their reproduce commands, the summary line CI
// systems read, and a progress line that draws only when enabled and erases
// itself. Runs: tests/reports/report_runs.hpp (seed 42, 14 shapes).
#define BOOST_TEST_MODULE reports_console
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>
#include <pty.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

#include "report_runs.hpp"
#include "reports/console.hpp"

namespace {

using w2v::CaseStatus;
using w2v::ColorMode;

std::string console_of(const w2v::RunResult& run, bool color) {
  std::ostringstream out;
  w2v::write_console_report(out, run, {.color = color});
  return out.str();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Sets (or unsets, for nullopt) NO_COLOR for one scope.
class NoColor {
 public:
  explicit NoColor(std::optional<std::string> value) {
    if (const char* old = std::getenv("NO_COLOR")) old_ = old;
    if (value) setenv("NO_COLOR", value->c_str(), 1);
    else unsetenv("NO_COLOR");
  }
  ~NoColor() {
    if (old_) setenv("NO_COLOR", old_->c_str(), 1);
    else unsetenv("NO_COLOR");
  }
  NoColor(const NoColor&) = delete;
  NoColor& operator=(const NoColor&) = delete;

 private:
  std::optional<std::string> old_;
};

// A pseudo-terminal's two ends: isatty() is true for `terminal`.
struct Pty {
  int terminal = -1, controller = -1;
  Pty() { BOOST_TEST_REQUIRE(openpty(&controller, &terminal, nullptr, nullptr, nullptr) == 0); }
  ~Pty() {
    close(terminal);
    close(controller);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(color)

BOOST_AUTO_TEST_CASE(modes_parse_and_bad_names_throw) {
  BOOST_TEST((w2v::color_mode_from_string("auto") == ColorMode::automatic));
  BOOST_TEST((w2v::color_mode_from_string("always") == ColorMode::always));
  BOOST_TEST((w2v::color_mode_from_string("never") == ColorMode::never));
  BOOST_CHECK_THROW(w2v::color_mode_from_string("purple"), std::invalid_argument);
  BOOST_CHECK_THROW(w2v::color_mode_from_string(""), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(auto_means_a_terminal_without_no_color) {
  Pty pty;
  int pipe_fds[2];
  BOOST_TEST_REQUIRE(pipe(pipe_fds) == 0);
  {
    const NoColor unset(std::nullopt);
    BOOST_TEST(w2v::use_color(ColorMode::automatic, pty.terminal));
    BOOST_TEST(!w2v::use_color(ColorMode::automatic, pipe_fds[1]), "a pipe is not a terminal");
    BOOST_TEST(w2v::use_color(ColorMode::always, pipe_fds[1]));
    BOOST_TEST(!w2v::use_color(ColorMode::never, pty.terminal));
  }
  {
    const NoColor set(std::string("1"));
    BOOST_TEST(!w2v::use_color(ColorMode::automatic, pty.terminal), "NO_COLOR=1 on a terminal");
    BOOST_TEST(w2v::use_color(ColorMode::always, pty.terminal), "always overrides NO_COLOR");
  }
  {
    const NoColor empty(std::string(""));
    BOOST_TEST(w2v::use_color(ColorMode::automatic, pty.terminal), "an empty NO_COLOR is unset");
  }
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

BOOST_AUTO_TEST_CASE(escape_codes_only_when_coloured) {
  for (const w2v::RunResult* run : {&report_runs::reference(), &report_runs::sign_flip()}) {
    BOOST_TEST(!contains(console_of(*run, false), "\x1b["), run->subject);
    const std::string colored = console_of(*run, true);
    BOOST_TEST(contains(colored, "\x1b[32mPASS  \x1b[0m") == (run->count_checks(true) > 0),
               run->subject);
    BOOST_TEST(contains(colored, "\x1b[1;31mFAIL  \x1b[0m") == !run->passed(), run->subject);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(table)

BOOST_AUTO_TEST_CASE(one_row_per_check_with_the_model_numbers) {
  for (const w2v::RunResult* run : {&report_runs::reference(), &report_runs::sign_flip()}) {
    const std::string text = console_of(*run, false);
    BOOST_TEST(contains(text, w2v::describe_metric(*run)));
    BOOST_TEST(contains(text, w2v::describe_mode(run->options)));
    for (const w2v::CheckResult& c : run->checks) {
      BOOST_TEST_CONTEXT(run->subject << " " << c.id << " (seed " << run->options.seed << ")") {
        std::size_t probed = 0;
        double floor = 0.0;
        for (const w2v::CaseResult& k : c.cases) {
          probed += k.comparison.checked;
          floor = std::max(floor, k.comparison.max_error_floor);
        }
        const std::size_t ran = c.cases.size() - c.count(CaseStatus::skipped);
        const std::string row = fmt::format(
            "{} {:<20} {:>13} {:>9} {:>10.2e} {:>10.2e} {:>10.2e} {:>10.2e}\n",
            c.skipped() ? "SKIP  " : c.passed() ? "PASS  " : "FAIL  ", c.id,
            fmt::format("{}/{}", c.count(CaseStatus::passed), ran), probed, c.max_abs_error(),
            c.max_rel_error(), c.max_reldiff(), floor);
        BOOST_TEST(contains(text, row), "missing row: " << row);
      }
    }
    BOOST_TEST(contains(text, fmt::format("\n{} passed, {} failed\n", run->count_checks(true),
                                          run->count_checks(false))));
  }
}

BOOST_AUTO_TEST_CASE(failures_name_the_case_and_how_to_reproduce_it) {
  const w2v::RunResult& run = report_runs::sign_flip();
  const std::string text = console_of(run, false);
  BOOST_TEST(contains(text, "\nFailures:\n"));
  for (const w2v::CheckResult& c : run.checks) {
    std::size_t shown = 0;
    for (const w2v::CaseResult& k : c.cases) {
      if (k.status() != CaseStatus::failed || ++shown > 3) continue;  // the first three
      BOOST_TEST_CONTEXT(c.id << " case " << k.case_index << " (case seed " << k.seed << ")") {
        BOOST_TEST(contains(text, fmt::format("- {} case {} (case seed {}, {}): ", c.id,
                                              k.case_index, k.seed, k.shape.describe())));
        BOOST_TEST(contains(text, "reproduce: " + w2v::reproduce_command(run, c, k)));
      }
    }
    if (shown > 3)
      BOOST_TEST(contains(text, fmt::format("… and {} more failing case(s) of {}", shown - 3, c.id)));
  }
  BOOST_TEST(!contains(console_of(report_runs::reference(), false), "Failures:"));
}

BOOST_AUTO_TEST_CASE(a_check_with_nothing_to_check_is_skipped_not_passed) {
  w2v::RunResult run = report_runs::reference();
  for (w2v::CaseResult& k : run.checks[0].cases) k.skipped = "not applicable here";
  const std::string text = console_of(run, false);
  BOOST_TEST(contains(text, fmt::format("SKIP   {:<20}", run.checks[0].id)));
  BOOST_TEST(contains(text, fmt::format("{} passed, 0 failed, 1 skipped", run.checks.size() - 1)));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(progress)

BOOST_AUTO_TEST_CASE(disabled_prints_nothing) {
  std::ostringstream out;
  w2v::ProgressLine line(out, false);
  for (std::size_t k = 0; k <= 10; ++k) line.update(k, 10);
  line.clear();
  BOOST_TEST(out.str().empty());
}

BOOST_AUTO_TEST_CASE(enabled_draws_in_place_and_erases_itself) {
  std::ostringstream out;
  w2v::ProgressLine line(out, true);
  line.update(0, 4);  // the first draw is never throttled
  BOOST_TEST(contains(out.str(), "\r["));
  BOOST_TEST(contains(out.str(), "0/4 cases"));
  line.update(4, 4);  // nor is the last
  BOOST_TEST(contains(out.str(), "4/4 cases"));
  BOOST_TEST(contains(out.str(), "[========================]"));
  BOOST_TEST(!contains(out.str(), "\n"), "a progress line never ends a line");
  line.clear();
  BOOST_TEST(out.str().ends_with("\r\x1b[K"));
  const std::size_t size = out.str().size();
  line.clear();  // nothing left to erase
  BOOST_TEST(out.str().size() == size);
}

BOOST_AUTO_TEST_SUITE_END()
