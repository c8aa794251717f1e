#include "reports/console.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace w2v {

std::string describe_metric(const RunResult& run) {
  const FdOptions& fd = run.options.fd;
  return fmt::format(
      "numerical gradient: {} stencil, h = 2^round(log2({:.3g}·max(1,|x|))); entry fails when "
      "|analytic − numeric| > {:g}·e + {:g}·|numeric|, e = Richardson truncation estimate + "
      "{:g} ulp round-off bound",
      to_string(fd.stencil), step_scale(fd), run.options.comparison.safety,
      run.options.comparison.rtol, fd.roundoff_ulps);
}

void write_console_report(std::ostream& out, const RunResult& run) {
  fmt::print(out, "w2v-gradcheck: {} — seed {}, {} shape(s), at most {} entries per case\n",
             run.subject, run.options.seed,
             run.options.cases.empty() ? run.options.shapes : run.options.cases.size(),
             run.options.max_coordinates);
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
    fmt::print(out, "{:<6} {:<20} {:>13} {:>9} {:>10.2e} {:>10.2e} {:>10.2e} {:>10.2e}\n",
               c.passed() ? "PASS" : "FAIL", c.id,
               fmt::format("{}/{}", c.count(CaseStatus::passed), ran), probed, c.max_abs_error(),
               c.max_rel_error(), c.max_reldiff(), floor);
  }

  bool header = false;
  for (const CheckResult& c : run.checks) {
    std::size_t shown = 0;
    for (const CaseResult& k : c.cases) {
      const CaseStatus s = k.status();
      if (s != CaseStatus::failed && s != CaseStatus::error) continue;
      if (!header) fmt::print(out, "\nFailures:\n"), header = true;
      if (++shown > 3) continue;  // the count below says how many more
      fmt::print(out, "- {} case {} (seed {}, {}): ", c.id, k.case_index, k.seed,
                 k.shape.describe());
      if (s == CaseStatus::error) {
        fmt::print(out, "ERROR {}\n", k.error);
      } else {
        const EntryError& w = k.comparison.worst;
        fmt::print(out,
                   "{} of {} entries over tolerance; worst at ({}, {}): analytic {:.10g}, "
                   "numeric {:.10g}, abs error {:.2e} > tolerance {:.2e}\n",
                   k.comparison.failing, k.comparison.checked, w.row, w.col, w.analytic,
                   w.numeric, w.abs_error, w.tolerance);
      }
      fmt::print(out, "    reproduce: {}\n", reproduce_command(run, c, k));
    }
    if (shown > 3) fmt::print(out, "  … and {} more failing case(s) of {}\n", shown - 3, c.id);
  }

  fmt::print(out, "\n{} checks in {:.2f} s\n", run.checks.size(), run.seconds);
  fmt::print(out, "{} passed, {} failed\n", run.count_checks(true), run.count_checks(false));
}

}  // namespace w2v
