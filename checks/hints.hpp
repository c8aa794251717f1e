#pragma once
// Mistake hints: when a solution's gradient is wrong, name the likeliest cause
// by comparing it with the known wrong variants of the correct gradient on the
// same instance (checks/mistakes.hpp) and with simple structure — a sign, a
// constant factor, Uᵀ for U, single-precision round-off, only some rows wrong —
// or, for a call that failed outright, by what the failure says.
//
//   std::string h = w2v::gradient_hint(entry, sc, inst, solution_grad);
#include <armadillo>

#include <string>

#include "checks/catalog.hpp"

namespace w2v {

// The likeliest mistake behind `solution_gradient` (≠ the reference's gradient
// on `instance`), one sentence; never empty.
std::string gradient_hint(const ShapeCase& shape_case, const CheckInstance& instance,
                          const arma::mat& solution_gradient);

// The likeliest cause behind an errored case's message (crash, timeout,
// mutation, transposed shape …); empty if nothing specific.
std::string error_hint(const std::string& error);

// A loss that differs from the reference's: single-precision round-off, a
// sign, or just wrong.
std::string loss_hint(double solution_loss, double reference_loss);

}  // namespace w2v
