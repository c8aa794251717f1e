#pragma once
// Plain-text report of a run: one row per check (status, id, cases, entries
// probed, worst abs / rel / CS224n reldiff error, largest error floor), the
// failing cases with their reproduce command, and the summary line
// "N passed, N failed" that CI systems read.
//
//   w2v::write_console_report(std::cout, run);
#include <ostream>

#include "checks/result.hpp"

namespace w2v {

void write_console_report(std::ostream& out, const RunResult& run);

// The metric and tolerance rule, in one sentence, as every report states it.
std::string describe_metric(const RunResult& run);

}  // namespace w2v
