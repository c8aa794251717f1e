#pragma once
// Plain-text report of a run: one row per check (status, id, cases, entries
// probed, worst abs / rel / CS224n reldiff error, largest error floor), the
// failing cases with their reproduce command, and the summary line
// "N passed, N failed" that CI systems read. Colour only when asked for
// (see use_color), and a progress line for long runs on a terminal.
//
//   w2v::write_console_report(std::cout, run, {.color = w2v::use_color(w2v::ColorMode::automatic, 1)});
#include <chrono>
#include <ostream>
#include <string>
#include <string_view>

#include "checks/result.hpp"

namespace w2v {

enum class ColorMode { automatic, always, never };
// Throws std::invalid_argument for anything but auto, always, never.
ColorMode color_mode_from_string(std::string_view name);
// always → true; never → false; automatic → `fd` is a terminal and NO_COLOR is
// unset or empty (https://no-color.org convention).
bool use_color(ColorMode mode, int fd);

struct ConsoleStyle {
  bool color = false;
};

void write_console_report(std::ostream& out, const RunResult& run, ConsoleStyle style = {});

// The metric and tolerance rule, in one sentence, as every report states it.
std::string describe_metric(const RunResult& run);
// The run's mode and what it covers, e.g. "auto (every entry where …)".
std::string describe_mode(const RunOptions& options);

// "[=====>    ] 120/340 checks · 3.1 s elapsed · ETA 5.6 s", redrawn in place
// with \r at most ten times a second. Disabled (prints nothing) when `enabled`
// is false, e.g. when stderr is not a terminal, so logs stay clean.
class ProgressLine {
 public:
  ProgressLine(std::ostream& out, bool enabled);
  void update(std::size_t done, std::size_t total);
  void clear();  // erase the line (call before printing the report)

 private:
  std::ostream& out_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace w2v
