#pragma once
// Mistake hints: when a solution's gradient is wrong, name the likeliest cause
// by comparing it with the known wrong variants of the correct gradient on the
// same instance (checks/mistakes.hpp) and with simple structure — a sign, a
// constant factor, Uᵀ for U, single-precision round-off, only some rows wrong —
// or, for a call that failed outright, by what the failure says.
//
// Every hint starts with its kind's fixed label, then ": " and this case's
// details, e.g. "wrong loss: loss is 2.4, expected 1.9". A check shows the
// kind most of its failing cases share (CheckResult::hint() votes by the text
// before the first ':'), so details may vary from case to case, labels never.
//
//   std::string h = w2v::gradient_hint(sc, inst, solution_grad);
#include <armadillo>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/catalog.hpp"

namespace w2v {

enum class HintKind {
  // A gradient that came back but is wrong (gradient_hint).
  wrong_shape,
  not_finite,
  sign_flipped,
  transposed_values,   // Uᵀ for U in a (V, d)-shaped result
  missing_normaliser,
  forgot_minus_y,
  dropped_repeats,
  scaled,
  single_precision,    // float32 values within float32 round-off of the truth
  round_off,           // within float32 round-off, but not float32 values
  some_rows_wrong,
  some_entries_wrong,
  no_pattern,
  // A loss that differs from the reference's (loss_hint).
  loss_not_finite,
  loss_sign,
  wrong_loss,
  // A call that failed outright (error_hint).
  does_not_start,
  protocol_version,
  mutated_inputs,
  transposed_layout,   // a (d, V) result or a (V, d)·(d, V) clash
  not_implemented,
  returns_none,
  output_limit,
  crashed,
  out_of_memory,
  timed_out,
  total_time_used_up,
  exited_early,
  protocol_garbage,
  shape_mismatch,
  raised,
  wrong_type,
};

// Every kind, in declaration order.
const std::vector<HintKind>& all_hint_kinds();

// The kind's label, the start of each of its hints; never contains ':'.
std::string_view label(HintKind kind);

// The kind of a hint made here (by its label); nullopt for other text.
std::optional<HintKind> hint_kind_of(std::string_view hint);

// The likeliest mistake behind `solution_gradient` (≠ the reference's gradient
// on `instance`), one sentence; never empty.
std::string gradient_hint(const ShapeCase& shape_case, const CheckInstance& instance,
                          const arma::mat& solution_gradient);

// The likeliest cause behind an errored case's message (crash, timeout,
// mutation, transposed shape …); empty if nothing specific.
std::string error_hint(const std::string& error);

// A loss that differs from the reference's: single-precision round-off, a
// sign, or just wrong. Single precision only when the loss is a float32
// number and within float32 round-off of the reference (see hints.cpp).
std::string loss_hint(double solution_loss, double reference_loss);

// Whether a gradient hint and a loss hint of one case name the same cause, so
// one of them says it all (a float32 gradient and a float32 loss).
bool same_cause(const std::string& gradient_hint, const std::string& loss_hint);

}  // namespace w2v
