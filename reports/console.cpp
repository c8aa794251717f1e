#include "reports/console.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace w2v {

ColorMode color_mode_from_string(std::string_view name) {
  if (name == "auto") return ColorMode::automatic;
  if (name == "always") return ColorMode::always;
  if (name == "never") return ColorMode::never;
  throw std::invalid_argument(
      fmt::format("unknown colour mode '{}': expected auto, always or never", name));
}

bool use_color(ColorMode mode, int fd) {
  if (mode != ColorMode::automatic) return mode == ColorMode::always;
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(fd) == 1 && (no_color == nullptr || *no_color == '\0');
}

namespace {

// ANSI SGR: a colour names the status; the word is always printed too.
std::string paint(bool on, std::string_view sgr, std::string_view text) {
  return on ? fmt::format("\x1b[{}m{}\x1b[0m", sgr, text) : std::string(text);
}
constexpr std::string_view kGreen = "32", kRed = "1;31", kBold = "1", kYellow = "33";

}  // namespace

ProgressLine::ProgressLine(std::ostream& out, bool enabled)
    : out_(out), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

void ProgressLine::update(std::size_t done, std::size_t total) {
  if (!enabled_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = done == 0 ? 0.0 : elapsed * static_cast<double>(total - done) / done;
  constexpr std::size_t kWidth = 24;
  const std::size_t filled = kWidth * done / total;
  fmt::print(out_, "\r[{}{}] {}/{} cases · {:.1f} s elapsed · ETA {:.1f} s\x1b[K",
             std::string(filled, '='), std::string(kWidth - filled, ' '), done, total, elapsed,
             eta);
  out_.flush();
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  out_ << "\r\x1b[K";
  out_.flush();
  drawn_ = false;
}

std::string describe_metric(const RunResult& run) {
  const FdOptions& fd = run.options.fd;
  return fmt::format(
      "numerical gradient: {} stencil, h = 2^round(log2({:.3g}·max(1,|x|))); entry fails when "
      "|analytic − numeric| > {:g}·e + {:g}·|numeric|, e = Richardson truncation estimate + "
      "{:g} ulp round-off bound; max rel = max |analytic − numeric| / max(|analytic|, "
      "|numeric|) over entries larger than that tolerance",
      to_string(fd.stencil), step_scale(fd), run.options.comparison.safety,
      run.options.comparison.rtol, fd.roundoff_ulps);
}

std::string describe_mode(const RunOptions& o) {
  const std::string limit = o.max_coordinates == 0 ? std::string("any number of")
                                                   : fmt::format("≤ {}", o.max_coordinates);
  switch (o.mode) {
    case CheckMode::sampled:
      return o.max_coordinates == 0
                 ? "sampled (every entry)"
                 : fmt::format("sampled (at most {} entries per case, a seeded subset)",
                               o.max_coordinates);
    case CheckMode::exhaustive: return "exhaustive (every entry)";
    case CheckMode::fast: return "fast (directional tests, wrong entries localised)";
    case CheckMode::automatic:
      return fmt::format(
          "auto (every entry where the loss's structure allows it or the block has {} entries; "
          "directional tests elsewhere)",
          limit);
  }
  return std::string(to_string(o.mode));
}

namespace {

// What the graded solution said about itself and the end of what it printed.
void write_solution_summary(std::ostream& out, const RunResult& run) {
  if (run.solution_args.empty()) return;
  for (const std::string& n : run.solution_notes) fmt::print(out, "\nsolution: {}\n", n);
  if (run.solution_output.empty()) return;
  std::string tail = run.solution_output;
  std::size_t lines = 0, cut = tail.size();
  while (cut > 0 && lines < 12) {
    cut = tail.rfind('\n', cut - 1);
    if (cut == std::string::npos) {
      cut = 0;
      break;
    }
    ++lines;
  }
  fmt::print(out, "\nsolution output (stdout+stderr, {} bytes; last lines):\n{}\n", run.solution_output_bytes,
             tail.substr(cut == 0 ? 0 : cut + 1));
}

}  // namespace

void write_console_report(std::ostream& out, const RunResult& run, ConsoleStyle style) {
  const bool color = style.color;
  fmt::print(out, "w2v-gradcheck: {} — seed {}, {} shape(s), mode {}\n", run.subject,
             run.options.seed,
             run.options.cases.empty() ? run.options.shapes : run.options.cases.size(),
             describe_mode(run.options));
  fmt::print(out, "{}\n\n", describe_metric(run));
  fmt::print(out, "{:<6} {:<20} {:>13} {:>9} {:>10} {:>10} {:>10} {:>10}\n", "status", "check",
             "cases ok/run", "entries", "max abs", "max rel", "reldiff", "max floor");
  for (const CheckResult& c : run.checks) {
    std::size_t probed = 0;
    double floor = 0.0;
    for (const CaseResult& k : c.cases) {
      probed += k.comparison.checked;
      floor = std::max(floor, k.comparison.max_error_floor);
    }
    const std::size_t ran = c.cases.size() - c.count(CaseStatus::skipped);
    const std::string status = c.skipped()  ? paint(color, kYellow, "SKIP  ")
                               : c.passed() ? paint(color, kGreen, "PASS  ")
                                            : paint(color, kRed, "FAIL  ");
    // Every case skipped or errored: there is no error to state (as in the HTML).
    const bool compared = c.compared_any();
    auto number = [compared](double v) {
      return compared ? fmt::format("{:>10.2e}", v) : fmt::format("{:>10}", "–");
    };
    fmt::print(out, "{} {:<20} {:>13} {:>9} {} {} {} {}\n", status, c.id,
               fmt::format("{}/{}", c.count(CaseStatus::passed), ran), probed,
               number(c.max_abs_error()), number(c.max_rel_error()), number(c.max_reldiff()),
               number(floor));
  }

  bool header = false;
  for (const CheckResult& c : run.checks) {
    std::size_t shown = 0;
    for (const CaseResult& k : c.cases) {
      const CaseStatus s = k.status();
      if (s != CaseStatus::failed && s != CaseStatus::error) continue;
      if (!header) fmt::print(out, "\n{}\n", paint(color, kBold, "Failures:")), header = true;
      if (++shown > 3) continue;  // the count below says how many more
      fmt::print(out, "- {} case {} (case seed {}, {}): ", c.id, k.case_index, k.seed,
                 k.shape.describe());
      if (s == CaseStatus::error) {
        fmt::print(out, "ERROR {}\n", k.error);
      } else if (k.comparison.passed()) {
        fmt::print(out, "gradient right, but loss {:.17g} differs from the reference {:.17g} by "
                        "{:.2e} > tolerance {:.2e}\n",
                   k.loss.solution, k.loss.reference, k.loss.abs_error, k.loss.tolerance);
      } else {
        const EntryError& w = k.comparison.worst;
        fmt::print(out,
                   "{} of {} entries over tolerance; worst at ({}, {}): analytic {:.10g}, "
                   "numeric {:.10g}, abs error {:.2e} > tolerance {:.2e}\n",
                   k.comparison.failing, k.comparison.checked, w.row, w.col, w.analytic,
                   w.numeric, w.abs_error, w.tolerance);
      }
      if (const std::string g = grading_summary(k); !g.empty() && s == CaseStatus::failed)
        fmt::print(out, "    {}\n", g);
      if (!k.hint.empty()) fmt::print(out, "    hint: {}\n", k.hint);
      fmt::print(out, "    reproduce: {}\n", reproduce_command(run, c, k));
    }
    if (shown > 3) fmt::print(out, "  … and {} more failing case(s) of {}\n", shown - 3, c.id);
    if (shown > 0 && !c.hint().empty())
      fmt::print(out, "  {} {}: {}\n", paint(color, kBold, "likely mistake in"), c.id, c.hint());
  }
  write_solution_summary(out, run);

  fmt::print(out, "\n{} checks in {:.2f} s\n", run.checks.size(), run.seconds);
  std::string summary =
      fmt::format("{} passed, {} failed", run.count_checks(true), run.count_checks(false));
  if (const std::size_t skipped = run.count_skipped_checks(); skipped > 0)
    summary += fmt::format(", {} skipped (no case applies)", skipped);
  fmt::print(out, "{}\n", paint(color, run.passed() ? kGreen : kRed, summary));
}

}  // namespace w2v
