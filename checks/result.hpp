#pragma once
// The one result model of a run. Every report writer reads it; none recomputes
// anything. A case is one (check, shape) pair; a check aggregates its cases.
//
//   w2v::RunResult r = w2v::run_checks(w2v::catalog(), w2v::reference_functions(), {});
//   for (const auto& c : r.checks) c.worst_case();
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "checks/error_metrics.hpp"
#include "checks/finite_difference.hpp"
#include "checks/shape_sampler.hpp"

namespace w2v {

enum class CaseStatus { passed, failed, error, skipped };

// How the numerical side of a case is computed:
//   sampled     black-box central differences at ≤ max_coordinates entries (seeded subset)
//   exhaustive  every entry: structure-aware O(V·d) for the reference losses that
//               allow it (checks/structured_fd.hpp), else black-box over threads
//   fast        directional derivatives along Gaussian directions, wrong entries
//               localised by group testing (checks/directional.hpp)
//   auto        exhaustive when the reference loss has structure or the block has
//               ≤ max_coordinates entries, else fast
enum class CheckMode { sampled, exhaustive, fast, automatic };
std::string_view to_string(CheckMode m);
// Throws std::invalid_argument listing the valid names.
CheckMode check_mode_from_string(std::string_view name);
std::string_view to_string(CaseStatus s);

// Grading a solution (RunOptions::grading): its loss against the reference
// loss, and its gradient against the numerical gradient of its *own* loss, so
// a wrong loss and a wrong gradient can be told apart.
struct LossCheck {
  bool checked = false;
  double solution = 0.0, reference = 0.0;
  double abs_error = 0.0, tolerance = 0.0;
  bool passed() const;  // finite and abs_error ≤ tolerance
};

struct SelfConsistency {
  bool checked = false;
  GradientComparison comparison;  // solution gradient vs ∂(solution loss) numerically
  std::string error;              // the solution's loss could not be differentiated
};

struct CaseResult {
  std::size_t case_index = 0;
  std::uint64_t seed = 0;
  Shape shape;
  std::string inputs;
  std::size_t parameters = 0;  // entries the check covers in this shape
  GradientComparison comparison;  // comparison.checked = entries probed
  long evaluations = 0;
  double seconds = 0.0;
  std::string error;    // the check could not run (exception text)
  std::string skipped;  // why this shape has nothing to check
  LossCheck loss;
  SelfConsistency self_consistency;
  std::string hint;                // likeliest mistake, for failed and errored cases
  std::vector<std::string> notes;  // what the solution reported about itself (warnings)
  std::string mode;                // what ran, e.g. "exhaustive (structured)"
  CaseStatus status() const;       // failed: gradient or loss check failed
};

// Error of a plain central difference against the analytic entry as h sweeps
// from 2^-1 down to 2^-40: a correct gradient gives a V (truncation falling
// as h², then round-off rising as 1/h, bottom near 1e-10); a wrong one a flat
// line at the size of the mistake.
struct HSweepPoint {
  double step = 0.0;
  double numeric = 0.0;
  double abs_error = 0.0;  // |analytic − numeric|
  double reference_abs_error = 0.0;  // |reference analytic − numeric|
};

struct HSweep {
  std::size_t case_index = 0;  // the check's worst case
  arma::uword row = 0, col = 0;  // its worst entry
  double analytic = 0.0;
  // The reference's analytic value at that entry; has_reference when it
  // differs from `analytic` (the subject is not the reference there).
  double reference_analytic = 0.0;
  bool has_reference = false;
  std::vector<HSweepPoint> points;
};

struct CheckResult {
  std::string id, part, title, formula;
  std::vector<CaseResult> cases;
  HSweep h_sweep;  // empty points when no case ran
  std::size_t count(CaseStatus s) const;
  bool passed() const;  // no failed or errored case
  // Every case skipped (e.g. an optional function the solution lacks):
  // nothing was checked, so the check counts as neither passed nor failed.
  bool skipped() const;
  // Some case compared entries (passed or failed): only then do the error
  // maxima below say anything.
  bool compared_any() const;
  // "skipped", "passed" or "failed", as every report names the check's status.
  std::string_view status_name() const;
  // The case with the largest worst-entry error/tolerance ratio (errors first);
  // nullptr when every case was skipped.
  const CaseResult* worst_case() const;
  double max_abs_error() const;
  double max_rel_error() const;
  double max_reldiff() const;
  // The hint of most failing cases (ties: the worst case's); empty if none.
  std::string hint() const;
};

// Shapes per check when grading a solution and --shapes is not given.
inline constexpr std::size_t kGradeDefaultShapes = 40;

struct GradingOptions {
  bool enabled = false;
  // |J_solution − J_reference| ≤ loss_rtol · max(1, |J_reference|). Two sound
  // double implementations of these sums (≤ 10⁴ terms, log-sum-exp) agree to
  // ~1e-13; 1e-8 leaves 10⁵× headroom yet flags float32 losses (~1e-7).
  double loss_rtol = 1e-8;
  // Entries per case at which the solution's own loss is differentiated
  // numerically (each costs 4 calls to the solution); the worst entries first.
  std::size_t self_consistency_coordinates = 3;
};

struct RunOptions {
  std::uint64_t seed = 42;
  std::size_t shapes = 200;
  std::vector<std::size_t> cases;  // run only these case indices (empty: 0..shapes−1)
  std::vector<std::string> only;   // check id selectors (empty: all)
  FdOptions fd;
  ComparisonOptions comparison;
  // Sampled mode probes at most this many entries per case, a seeded random
  // subset of larger blocks (stated in the report as checked/parameters); auto
  // mode checks blocks without structure up to this size exhaustively.
  std::size_t max_coordinates = 1024;
  // Every entry of every catalog block where structure makes it O(V·d)
  // (checks/structured_fd.hpp); a sample can miss a single wrong entry.
  CheckMode mode = CheckMode::automatic;
  unsigned threads = 0;            // exhaustive and fast modes; 0: one per hardware thread
  std::size_t fast_directions = 2;  // Gaussian directions per block test in fast mode
  GradingOptions grading;
};

struct RunResult {
  std::string tool_version;           // w2v-gradcheck version
  std::string started_at;             // ISO 8601 UTC, e.g. 2026-11-25T04:41:14Z
  std::string host;                   // machine name
  std::string program = "w2v-gradcheck";  // how reproduce commands name the binary
  // Why the run could not start (a usage error: bad flag, unknown check id);
  // no check ran. Reports still say so, so nothing downstream waits in vain.
  std::string error;
  std::string subject = "reference";  // what was checked
  std::string mistake;                // --inject-mistake name, empty for the real subject
  // A graded solution: the grade arguments naming it ("--solution PATH",
  // "--python FILE"; empty for the reference), what it said at start-up or why
  // it could not start, and the tail of what it printed (stdout and stderr).
  std::string solution_args;
  std::vector<std::string> solution_notes;
  std::string solution_output;
  std::size_t solution_output_bytes = 0;  // all it printed (the tail may be shorter)
  RunOptions options;
  std::vector<CheckResult> checks;
  double seconds = 0.0;
  // Checks that passed (and were not skipped) or that failed.
  std::size_t count_checks(bool passed) const;
  std::size_t count_skipped_checks() const;
  bool passed() const;  // no check failed, and the run started
};

// A graded case's loss and self-consistency in one line of plain text, e.g.
// "loss 1.25 vs reference 1.25 (|Δ| 2.2e-16 ≤ 1.2e-08); gradient consistent
// with its own loss at 3 entries"; empty when the case was not graded.
std::string grading_summary(const CaseResult& c);

// The command line that re-runs exactly this case.
std::string reproduce_command(const RunResult& run, const CheckResult& check,
                              const CaseResult& c);

}  // namespace w2v
