#pragma once
// Runs catalog entries over seeded shapes against a set of functions under test.
// For each case: build the instance, probe the numerical gradient of the
// *reference* loss (verified separately), ask the subject for its analytic
// gradient, compare (error_metrics.hpp). Exceptions from the subject become an
// errored case with the message; the run always completes.
//
//   w2v::RunResult r = w2v::run_checks(w2v::catalog(), w2v::reference_functions(), opts);
#include <functional>

#include "checks/catalog.hpp"
#include "checks/result.hpp"

namespace w2v {

using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

CaseResult run_case(const CheckEntry& entry, const ShapeCase& shape_case,
                    const Word2vecFunctions& subject, const RunOptions& options);

// The entries of `instance` to probe: all its coordinates, or a seeded random
// subset of max_coordinates of them (sorted).
arma::uvec coordinates_to_check(const CheckInstance& instance, std::size_t max_coordinates,
                                std::uint64_t seed);

// The mode run_case uses for `inst`: options.mode, with auto resolved to
// exhaustive where the reference loss has a structured form (central stencil)
// or the block has ≤ max_coordinates entries (0: any), else fast.
CheckMode resolve_mode(const RunOptions& options, const CheckInstance& inst);

// The seed of the sampled subset of a case's entries.
std::uint64_t coordinate_seed(const CheckEntry& entry, const ShapeCase& sc);

// The numerical gradient of the instance's reference loss that run_case
// compares with in `mode`: sampled at coordinates_to_check(inst,
// max_coordinates, coordinate_seed), or exhaustive at every entry of the block
// (structure-aware where the loss allows it, else black-box over threads).
// Throws std::invalid_argument for fast and auto, which have no such gradient.
NumericalGradient reference_numerical_gradient(const CheckInstance& inst, CheckMode mode,
                                               const RunOptions& options,
                                               std::uint64_t coordinate_seed);

// Central differences over h = 2^-1 … 2^-40 (times max(1,|x|) rounded to a
// power of two) at the worst entry of `worst` (the block's first entry when
// no entry was compared alone), which must be a case of `entry` in this run.
HSweep h_sweep(const CheckEntry& entry, const CaseResult& worst, const Word2vecFunctions& subject,
               const RunOptions& options);

// A run with no checks yet: the options, the tool version, the start time
// (ISO 8601 UTC) and the host. run_checks starts from it; so does a run that
// stops at a usage error.
RunResult start_run(const RunOptions& options);

// Throws std::invalid_argument for an unknown --only selector or a case index
// ≥ options.shapes; everything else is recorded in the result.
RunResult run_checks(const std::vector<CheckEntry>& entries, const Word2vecFunctions& subject,
                     const RunOptions& options, const ProgressFn& progress = {});

}  // namespace w2v
