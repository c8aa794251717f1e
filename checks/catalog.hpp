#pragma once
// The check catalog: one entry per derivation and gradient block. An entry says
// what it checks (id, title, handout formula) and builds, from a seeded shape, a
// check instance: a point x, a scalar loss J(x) and the gradient block ∂J/∂x
// computed by the functions under test.
//
// Adding a derivation: write checks/catalog/<name>.cpp defining
// `std::vector<CheckEntry> <name>_checks()` and add one line
// `W2V_CATALOG(<name>)` to checks/catalog/registry.def.
//
//   for (const w2v::CheckEntry& e : w2v::catalog()) w2v::CheckInstance i = e.make_instance(sc);
#include <armadillo>

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "checks/functions.hpp"
#include "checks/shape_sampler.hpp"
#include "checks/structured_fd.hpp"

namespace w2v {

// The reference loss of an instance when it has the structure that
// checks/structured_fd.hpp exploits (naive softmax, negative sampling, and
// skip-gram over either): the exhaustive mode then differentiates every
// coordinate in O(V·d).
struct ReferenceStructure {
  ReferenceLossKind kind = ReferenceLossKind::naive_softmax;
  LossBlock block = LossBlock::outside_vectors;
  arma::vec center_vec;
  arma::uword outside_idx = 0;
  arma::mat outside_vectors;
  arma::uvec negative_indices;
  ReferenceLossView view() const {
    return {kind, center_vec, outside_idx, outside_vectors, negative_indices};
  }
};

struct SkipgramStructure {
  ReferenceLossKind kind = ReferenceLossKind::naive_softmax;
  SkipgramBlock block = SkipgramBlock::outside_vectors;
  arma::uword center_idx = 0;
  arma::mat center_vectors, outside_vectors;
  arma::uvec context;
  std::vector<arma::uvec> negatives_per_context;
  SkipgramLossView view() const {
    return {kind, center_idx, center_vectors, outside_vectors, context, negatives_per_context};
  }
};

using LossStructure = std::variant<ReferenceStructure, SkipgramStructure>;

// structured_central_differences (checks/structured_fd.hpp) of whichever loss
// `structure` holds, at `coordinates` of its block (all when empty).
NumericalGradient structured_central_differences(const LossStructure& structure,
                                                 const FdOptions& options,
                                                 arma::uvec coordinates = {});

struct CheckInstance {
  arma::mat point;  // x: the parameter block the derivative is taken with respect to
  // J(x), computed with the given functions (the reference for the numerical
  // gradient; the solution under test for self-consistency).
  std::function<double(const Word2vecFunctions&, const arma::mat& x)> loss;
  // ∂J/∂x at x as computed by the given functions; same shape as x.
  std::function<arma::mat(const Word2vecFunctions&, const arma::mat& x)> gradient;
  // Entries of x this check covers (linear indices); empty means all.
  arma::uvec coordinates;
  std::string inputs;  // the words and indices, for messages
  // Empty when the check applies; otherwise why this shape has nothing to check
  // (e.g. "V=1: no word other than o"). The runner reports the case as skipped.
  std::string not_applicable;
  // Non-empty when the instance lies outside what a solution may be asked
  // (docs/protocol.md): negatives containing o, which CS224n's
  // getNegativeSamples can never return (it only happens at V=1). The
  // reference is checked on such cases; grading skips them with this reason.
  std::string outside_solution_contract;
  std::optional<LossStructure> structure;  // see ReferenceStructure
};

// Rows `rows` of a V×d matrix as sorted linear (column-major) indices.
arma::uvec row_entries(arma::uword V, arma::uword d, const arma::uvec& rows);

struct CheckEntry {
  std::string id;       // stable, e.g. "b.naive.dv_c"
  std::string part;     // handout part: "b" … "f", or "x" for later editions
  std::string title;    // one line for tables
  std::string formula;  // the handout's formula, plain text
  std::function<CheckInstance(const ShapeCase&)> make_instance;
};

// An elementwise function f with derivative f', checked through
// J(x) = Σ_i f(x_i), whose gradient is f'(x) entry by entry. x is the case's
// activations input (|x_i| ≥ 0.01, away from kinks).
using ElementwiseFn = std::function<arma::vec(const Word2vecFunctions&, const arma::vec&)>;
CheckEntry elementwise_derivative_entry(std::string id, std::string part, std::string title,
                                        std::string formula, ElementwiseFn value,
                                        ElementwiseFn derivative);

// Every registered entry, in registry order.
std::vector<CheckEntry> catalog();

// Entries whose id equals one of `ids` or starts with "<id>." (so "f" or
// "f.neg" select groups). Throws std::invalid_argument listing the known ids if
// a selector matches nothing.
std::vector<CheckEntry> select_checks(const std::vector<CheckEntry>& all,
                                      const std::vector<std::string>& ids);

}  // namespace w2v
