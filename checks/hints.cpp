#include "checks/hints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <regex>
#include <variant>

#include "checks/mistakes.hpp"

namespace w2v {

namespace {

struct KindLabel {
  HintKind kind;
  std::string_view label;
};

constexpr KindLabel kLabels[] = {
    {HintKind::wrong_shape, "wrong shape"},
    {HintKind::not_finite, "returns NaN or inf"},
    {HintKind::sign_flipped, "sign flipped"},
    {HintKind::transposed_values, "Uᵀ for U"},
    {HintKind::missing_normaliser, "missing softmax normaliser"},
    {HintKind::forgot_minus_y, "the −y term is missing"},
    {HintKind::dropped_repeats, "repeated negative samples counted once"},
    {HintKind::scaled, "scaled by a constant"},
    {HintKind::single_precision, "single precision (float32)"},
    {HintKind::round_off, "round-off-sized difference"},
    {HintKind::some_rows_wrong, "only some rows wrong"},
    {HintKind::some_entries_wrong, "only some entries wrong"},
    {HintKind::no_pattern, "no recognised pattern"},
    {HintKind::loss_not_finite, "loss is NaN or inf"},
    {HintKind::loss_sign, "loss has the wrong sign"},
    {HintKind::wrong_loss, "wrong loss"},
    {HintKind::does_not_start, "does not start"},
    {HintKind::protocol_version, "protocol version mismatch"},
    {HintKind::mutated_inputs, "inputs mutated in place"},
    {HintKind::transposed_layout, "transposed layout"},
    {HintKind::not_implemented, "not implemented"},
    {HintKind::returns_none, "returns None"},
    {HintKind::output_limit, "prints more than the output limit"},
    {HintKind::crashed, "crashes"},
    {HintKind::out_of_memory, "exhausts memory"},
    {HintKind::timed_out, "timed out"},
    {HintKind::total_time_used_up, "total time limit used up"},
    {HintKind::exited_early, "exits before replying"},
    {HintKind::protocol_garbage, "writes garbage to the protocol channel"},
    {HintKind::shape_mismatch, "shape mismatch inside the function"},
    {HintKind::raised, "raises an exception"},
    {HintKind::wrong_type, "wrong type or tuple size"},
};

std::string make(HintKind kind, const std::string& details) {
  return fmt::format("{}: {}", label(kind), details);
}

// Unit round-off of float32: u = 2⁻²⁴ ≈ 6e-8 per rounding. The results checked
// here chain a dot product (d ≤ 50 terms), a sum or log-sum-exp over V ≤ 1000
// words and, in skip-gram, up to 2m = 10 per-word results; each rounding is
// relative to the terms it combines (scores up to |s| ≈ 30, inputs), not to
// the result, and independent ones grow like the square root of their number.
// So a float32 result lands within a few tens of u of the truth, relative to
// the inputs' size (a gradient) or max(1, |J|) (a loss). The float32 examples
// (C++ and Python, 5000+ seeded shapes of every family) reach 49 u ≈ 2.9e-6:
// a skip-gram gradient summing 10 float32 terms, and a saturated loss
// (J ≈ 0.007 from scores near 30). 64 u ≈ 3.8e-6 covers them; a wrong
// formula or a loss off by a term is off by far more.
constexpr double kFloat32RoundOff = 64 * 0x1p-24;

// Entries of x this instance covers, as a 0/1 mask of x's shape.
arma::mat coverage_mask(const CheckInstance& inst) {
  arma::mat mask(arma::size(inst.point), arma::fill::zeros);
  if (inst.coordinates.is_empty()) mask.ones();
  for (const arma::uword i : inst.coordinates) mask[i] = 1.0;
  return mask;
}

// m with the entries outside the check zeroed (not multiplied: NaN · 0 is NaN).
arma::mat covered(arma::mat m, const arma::mat& mask) {
  m.elem(arma::find(mask == 0)).zeros();
  return m;
}

double max_abs(const arma::mat& m) { return m.is_empty() ? 0.0 : arma::abs(m).max(); }

// A solution's double-precision implementation of a formula agrees with ours to
// ~1e-13 relative; 1e-6 recognises the formula while no two distinct
// mistakes on a random instance come that close.
constexpr double kMatch = 1e-6;

bool matches(const arma::mat& a, const arma::mat& b, double scale) {
  return max_abs(a - b) <= kMatch * scale;
}

// The largest input the checked function reads: float32 round-off is relative
// to the terms a result is built from (ŷ_w u_w, σ(s) v_c …), which can be far
// larger than the result when they cancel.
double input_magnitude(const CheckInstance& inst) {
  double m = max_abs(inst.point);
  if (!inst.structure) return m;
  if (const auto* r = std::get_if<ReferenceStructure>(&*inst.structure))
    return std::max({m, max_abs(r->center_vec), max_abs(r->outside_vectors)});
  const auto& s = std::get<SkipgramStructure>(*inst.structure);
  return std::max({m, max_abs(s.center_vectors), max_abs(s.outside_vectors)});
}

// What row w of the checked block is to the loss this check differentiates:
// ∂J/∂U of one word's loss knows o and its negatives; skip-gram's ∂J/∂U knows
// the context words (each the o of one term) and every term's negatives; its
// ∂J/∂(centre vectors) knows only c. "" for a row with no role.
std::string row_role(const CheckInstance& inst, arma::uword w) {
  if (!inst.structure) return "";
  std::vector<std::string> roles;
  auto add = [&roles](const char* role, arma::uword n) {
    if (n == 1) roles.emplace_back(role);
    if (n > 1) roles.push_back(fmt::format("{} ×{}", role, n));
  };
  auto count = [w](const arma::uvec& v) { return static_cast<arma::uword>(arma::accu(v == w)); };
  if (const auto* r = std::get_if<ReferenceStructure>(&*inst.structure)) {
    if (r->block != LossBlock::outside_vectors) return "";
    if (w == r->outside_idx) roles.emplace_back("o");
    add("a negative", count(r->negative_indices));
  } else {
    const auto& s = std::get<SkipgramStructure>(*inst.structure);
    if (s.block == SkipgramBlock::center_vectors) {
      if (w == s.center_idx) roles.emplace_back("c");
    } else {
      add("a context word", count(s.context));
      arma::uword negatives = 0;
      for (const arma::uvec& n : s.negatives_per_context) negatives += count(n);
      add("a negative", negatives);
    }
  }
  std::string out;
  for (const std::string& r : roles) out += (out.empty() ? "" : ", ") + r;
  return out.empty() ? "" : " (" + out + ")";
}

// Row roles apply to a matrix block; a vector's "rows" are plain entries.
bool has_rows(const arma::mat& g) { return g.n_cols > 1; }

// "only some rows wrong: rows 3 (o), 7 (a negative ×2); the other 8 are right …".
std::string wrong_rows_hint(const CheckInstance& inst, const arma::mat& diff, const arma::mat& mask,
                            double threshold) {
  const bool matrix = has_rows(diff);
  const arma::uword units = matrix ? diff.n_rows : diff.n_elem;
  std::vector<arma::uword> wrong;
  arma::uword checked = 0;
  for (arma::uword r = 0; r < units; ++r) {
    const arma::rowvec m = matrix ? arma::rowvec(mask.row(r)) : arma::rowvec{mask[r]};
    if (arma::accu(m) == 0) continue;
    ++checked;
    const arma::rowvec d = matrix ? arma::rowvec(diff.row(r)) : arma::rowvec{diff[r]};
    if (max_abs(d % m) > threshold) wrong.push_back(r);
  }
  if (wrong.empty() || wrong.size() == checked || checked < 2) return "";
  std::string list;
  for (std::size_t i = 0; i < wrong.size() && i < 8; ++i)
    list += fmt::format("{}{}{}", i == 0 ? "" : ", ", wrong[i], matrix ? row_role(inst, wrong[i]) : "");
  if (wrong.size() > 8) list += fmt::format(", … ({} in all)", wrong.size());
  const char* unit = matrix ? "row" : "entry";
  const char* units_word = matrix ? "rows" : "entries";
  return make(matrix ? HintKind::some_rows_wrong : HintKind::some_entries_wrong,
              fmt::format("{} {}; the other {} are right (look at the terms that touch only {})",
                          wrong.size() == 1 ? unit : units_word, list, checked - wrong.size(),
                          wrong.size() == 1 ? "that " + std::string(unit) : "those"));
}

// Hints for the variants in checks/mistakes.cpp that are real student mistakes;
// sign flips, transposes and constant factors are recognised structurally.
struct VariantHint {
  const char* variant;
  HintKind kind;
  const char* details;
};

constexpr VariantHint kVariantHints[] = {
    {"missing_normaliser", HintKind::missing_normaliser,
     "ŷ = exp(s) is not divided by Σ_w exp(s_w) in the gradient"},
    {"missing_normaliser_shifted", HintKind::missing_normaliser,
     "ŷ = exp(s − max s) is not divided by its sum in the gradient"},
    {"forgot_minus_y", HintKind::forgot_minus_y,
     "the gradient uses ŷ where ŷ − y belongs, so the outside word o lacks its −v_c (∂/∂U) or "
     "−u_o (∂/∂v_c) term"},
    {"dropped_repeats", HintKind::dropped_repeats,
     "a word drawn n times must contribute n times (numpy's grad[idx] += … drops repeats; use "
     "np.add.at or a loop)"},
};

// A double computation essentially never lands on float32 values everywhere;
// a float32 one always does (numpy's float32 arrays, arma::fmat).
bool is_float32(double x) { return static_cast<double>(static_cast<float>(x)) == x; }

bool is_single_precision(const arma::mat& g) {
  bool any_nonzero = false;
  for (const double x : g) {
    if (!is_float32(x)) return false;
    any_nonzero |= x != 0.0;
  }
  return any_nonzero;
}

// The ways a (V, d) result can hold the d×V handout layout's values: its
// transpose (only a square block can hold it unreshaped) or the d×V matrix
// reshaped, not transposed, read column by column (arma::reshape, Fortran
// order) or row by row (np.reshape, C order).
std::string transposed_values_hint(const arma::mat& g, const arma::mat& t_full, const arma::mat& mask,
                                   const std::function<bool(const arma::mat&)>& explains) {
  if (g.n_rows < 2 || g.n_cols < 2) return "";
  const arma::uword V = t_full.n_rows, d = t_full.n_cols;
  struct Layout {
    arma::mat values;
    const char* details;
  };
  std::vector<Layout> layouts;
  if (V == d) layouts.push_back({t_full.t(), "the gradient is the transpose of the correct one"});
  layouts.push_back({arma::reshape(arma::mat(t_full.t()), V, d),
                     "the gradient was built in the handout's d×V layout and reshaped column by "
                     "column (as arma::reshape does) into the code's (V, d) shape instead of "
                     "transposed"});
  layouts.push_back({arma::mat(arma::reshape(arma::vectorise(t_full), d, V).t()),
                     "the gradient was built in the handout's d×V layout and reshaped row by row "
                     "(as np.reshape does) into the code's (V, d) shape instead of transposed "
                     "(use .T)"});
  std::vector<const char*> matched;
  for (const Layout& l : layouts)
    if (explains(covered(l.values, mask))) matched.push_back(l.details);
  if (matched.empty()) return "";
  // Where the covered entries cannot tell the two reshape orders apart (a
  // single row of near-zero entries), say only what both share.
  if (matched.size() > 1 && V != d)
    return make(HintKind::transposed_values,
                "the gradient was built in the handout's d×V layout and reshaped into the code's "
                "(V, d) shape instead of transposed");
  return make(HintKind::transposed_values, matched.front());
}

}  // namespace

const std::vector<HintKind>& all_hint_kinds() {
  static const std::vector<HintKind> kinds = [] {
    std::vector<HintKind> out;
    for (const KindLabel& k : kLabels) out.push_back(k.kind);
    return out;
  }();
  return kinds;
}

std::string_view label(HintKind kind) {
  for (const KindLabel& k : kLabels)
    if (k.kind == kind) return k.label;
  return "hint";
}

std::optional<HintKind> hint_kind_of(std::string_view hint) {
  for (const KindLabel& k : kLabels)
    if (hint.size() > k.label.size() && hint.substr(0, k.label.size()) == k.label &&
        hint[k.label.size()] == ':')
      return k.kind;
  return std::nullopt;
}

std::string gradient_hint(const ShapeCase& sc, const CheckInstance& inst, const arma::mat& g_in) {
  (void)sc;  // the instance carries everything the hints use
  const arma::mat mask = coverage_mask(inst);
  if (g_in.n_rows != inst.point.n_rows || g_in.n_cols != inst.point.n_cols)
    return make(HintKind::wrong_shape, fmt::format("({}, {}), expected ({}, {})", g_in.n_rows,
                                                   g_in.n_cols, inst.point.n_rows, inst.point.n_cols));
  const arma::mat g = covered(g_in, mask);
  if (!g.is_finite()) {
    const arma::uword i = arma::uvec(arma::find_nonfinite(g))[0];
    return make(HintKind::not_finite,
                fmt::format("first at row {}, col {}: an overflow or 0/0; use the stable forms "
                            "(max-shifted softmax, log-sum-exp, the two-branch σ)",
                            i % g.n_rows, i / g.n_rows));
  }
  const Word2vecFunctions reference = reference_functions();
  const arma::mat t_full = inst.gradient(reference, inst.point);
  const arma::mat t = covered(t_full, mask);
  const double scale = std::max(max_abs(t), 1e-300);
  const arma::mat diff = g - t;
  const double worst = max_abs(diff);
  const double magnitude = std::max(scale, input_magnitude(inst));
  // A wrong variant explains g only if it is told apart from the truth by
  // more than round-off: where a mistake changes the result less than float32
  // rounding would (a saturated softmax whose sum is 1 to 1e-7), a float32
  // solution would match it by chance.
  const double round_off = kFloat32RoundOff * magnitude;
  auto explains = [&](const arma::mat& variant) {
    return !matches(variant, t, scale) && max_abs(variant - t) > round_off && matches(g, variant, scale);
  };

  if (!matches(-t, t, scale) && matches(g, -t, scale))
    return make(HintKind::sign_flipped, "the gradient is exactly the negative of the correct one");
  for (const WrongVariant& w : wrong_variants()) {
    const auto* hint = std::find_if(std::begin(kVariantHints), std::end(kVariantHints),
                                    [&w](const VariantHint& h) { return w.name == h.variant; });
    if (hint == std::end(kVariantHints)) continue;
    try {
      if (explains(covered(inst.gradient(w.functions, inst.point), mask)))
        return make(hint->kind, hint->details);
    } catch (const std::exception&) {
    }
  }
  if (std::string h = transposed_values_hint(g, t_full, mask, explains); !h.empty()) return h;

  // A single number is a multiple of any other: a scale needs ≥ 2 entries.
  if (arma::accu(arma::abs(t) > 1e-6 * scale) >= 2) {
    const double alpha = arma::accu(g % t) / arma::accu(t % t);
    if (explains(alpha * t))
      return make(HintKind::scaled,
                  fmt::format("the gradient is {:.6g} × the correct one (a stray factor{})", alpha,
                              std::abs(alpha - 2.0) < 1e-6 || std::abs(alpha - 0.5) < 1e-6 ? " 2" : ""));
  }
  if (worst <= round_off) {
    if (is_single_precision(g))
      return make(HintKind::single_precision,
                  fmt::format("every entry is a float32 number, off by at most {:.2g} ({:.2g} of "
                              "the inputs' size, float32 round-off); compute in double (float64) "
                              "throughout",
                              worst, worst / magnitude));
    return make(HintKind::round_off,
                fmt::format("off by at most {:.2g} ({:.2g} of the inputs' size), the size of single "
                            "precision (float32) round-off, though the entries are not float32 "
                            "numbers: is a part computed in float32 and summed in double? If not, "
                            "look for a tiny term missing or extra",
                            worst, worst / magnitude));
  }
  if (std::string rows = wrong_rows_hint(inst, diff, mask, 1e-9 * scale); !rows.empty()) return rows;
  const arma::uword i = arma::abs(diff).index_max();
  const std::string role = has_rows(g) ? row_role(inst, i % g.n_rows) : "";
  return make(HintKind::no_pattern,
              fmt::format("differs from the correct gradient by up to {:.3g}, largest at row {}{}, "
                          "col {}",
                          worst, i % g.n_rows, role, i / g.n_rows));
}

namespace {

// "1x3 and 3x1" (Armadillo) or "(5,3) (3,5)" (numpy): a (V, d) matrix met a (d, V) one.
bool mentions_swapped_shapes(const std::string& error) {
  static const std::regex shapes(R"((\d+)\s*[x,]\s*(\d+)\)?\s*(?:and|\s)\s*\(?(\d+)\s*[x,]\s*(\d+))");
  for (auto it = std::sregex_iterator(error.begin(), error.end(), shapes); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    if (m[1] == m[4] && m[2] == m[3] && m[1] != m[2]) return true;
  }
  return false;
}

// The first capture group of `pattern` in `text`, or nullopt without a match.
std::optional<std::string> first_capture(const std::string& text, const char* pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return std::nullopt;
  return m.size() > 1 && m[1].matched ? m[1].str() : std::string();
}

}  // namespace

std::string error_hint(const std::string& error) {
  auto has = [&error](const char* pattern) { return first_capture(error, pattern).has_value(); };
  // The order matters where messages nest: "not called again after it failed
  // earlier: crashed: killed by SIGXFSZ …" is about the output limit.
  if (mentions_swapped_shapes(error) && !has("killed by"))
    return make(HintKind::transposed_layout,
                "a (V, d) and a (d, V) matrix were combined (Uᵀ for U somewhere upstream, e.g. in "
                "the per-word loss)");
  if (has("could not be loaded|did not start"))
    return make(HintKind::does_not_start, "see the solution's error in the report");
  if (has("speaks protocol"))
    return make(HintKind::protocol_version, "the solution speaks another version of docs/protocol.md");
  if (has("changed its inputs in place"))
    return make(HintKind::mutated_inputs, "the function changes its arguments; work on a copy");
  if (has(R"(transposed \(d, V\) layout)"))
    return make(HintKind::transposed_layout, "returns (d, V) instead of (V, d)");
  if (has("not implemented"))
    return make(HintKind::not_implemented, "the function is missing or still the starter code");
  if (has("returned None"))
    return make(HintKind::returns_none, "the function gives back nothing (a missing return statement?)");
  if (has("SIGXFSZ|File too large"))
    return make(HintKind::output_limit, "it prints too much in one call (debug output in a loop?)");
  if (has("SIGXCPU"))
    return make(HintKind::timed_out, "it used up its CPU time limit (SIGXCPU): hangs or is far too slow");
  if (const auto limit = first_capture(error, R"(total time limit of (.+?) used up)"))
    return make(HintKind::total_time_used_up,
                fmt::format("the solution's {} for the whole run (--total-timeout) ran out before "
                            "this call, which was not made; earlier calls used it up",
                            *limit));
  if (const auto limit = first_capture(error, R"(total time limit of (.+?) ran out)"))
    return make(HintKind::total_time_used_up,
                fmt::format("the solution's {} for the whole run (--total-timeout) ran out during "
                            "this call",
                            *limit));
  if (const auto signal = first_capture(error, "killed by (SIG[A-Z0-9]+)"))
    return make(HintKind::crashed, fmt::format("killed by {}", *signal));
  if (has("ran out of memory"))
    return make(HintKind::out_of_memory, "it allocates far more than the problem needs");
  if (const auto limit = first_capture(error, R"(no answer within the (.+?) time limit)"))
    return make(HintKind::timed_out,
                fmt::format("no answer within the {} limit per call (--timeout): hangs or is far "
                            "too slow",
                            *limit));
  if (has("timed out")) return make(HintKind::timed_out, "hangs or is far too slow");
  if (const auto status = first_capture(error, R"(exited with status (\d+))"))
    return make(HintKind::exited_early, fmt::format("exited with status {}", *status));
  if (has("unparsable reply|wrong request"))
    return make(HintKind::protocol_garbage, "something other than one JSON reply per line on fd 4");
  if (has("of length|of shape|rows × cols"))
    return make(HintKind::wrong_shape, "returns a result of the wrong shape");
  if (has("incompatible matrix dimensions|could not be broadcast|size mismatch"))
    return make(HintKind::shape_mismatch, "a per-word loss returning the wrong shape?");
  if (has("raised an exception")) {
    const auto type = first_capture(error, R"(raised an exception: (?:\w+ raised )?(\S+?):(?:\s|$))");
    return make(HintKind::raised, type && !type->empty()
                                      ? fmt::format("{} (the traceback is in the report)", *type)
                                      : "see the traceback in the report");
  }
  if (has("bad result|not a number|expected an array|expected a matrix|has no field"))
    return make(HintKind::wrong_type, "returns something other than the expected values");
  return "";
}

std::string loss_hint(double solution_loss, double reference_loss) {
  if (!std::isfinite(solution_loss))
    return make(HintKind::loss_not_finite,
                fmt::format("loss is {}: an overflow or log(0); use log-sum-exp / log σ stable forms",
                            solution_loss));
  const double scale = std::max(1.0, std::abs(reference_loss));
  const double err = std::abs(solution_loss - reference_loss);
  // Both conditions: a float32 number alone says nothing about the size of
  // the error (0.5 is one), and a small error alone may be a tiny wrong term.
  if (err <= kFloat32RoundOff * scale && is_float32(solution_loss))
    return make(HintKind::single_precision,
                fmt::format("the loss is a float32 number, off by {:.2g} ({:.2g} relative, float32 "
                            "round-off); compute in double (float64) throughout",
                            err, err / scale));
  if (err <= kFloat32RoundOff * scale)
    return make(HintKind::round_off,
                fmt::format("the loss is off by only {:.2g} ({:.2g} relative), the size of single "
                            "precision (float32) round-off, though it is not a float32 number: is "
                            "a part computed in float32 and summed in double? If not, look for a "
                            "tiny term missing or extra",
                            err, err / scale));
  if (std::abs(solution_loss + reference_loss) <= 1e-9 * scale)
    return make(HintKind::loss_sign, "J is a negative log-likelihood, ≥ 0");
  return make(HintKind::wrong_loss,
              fmt::format("loss is {:.17g}, expected {:.17g}", solution_loss, reference_loss));
}

bool same_cause(const std::string& gradient_hint, const std::string& loss_hint) {
  const auto g = hint_kind_of(gradient_hint), l = hint_kind_of(loss_hint);
  auto precision = [](std::optional<HintKind> k) {
    return k == HintKind::single_precision || k == HintKind::round_off;
  };
  return g.has_value() && (g == l || (precision(g) && precision(l)));
}

}  // namespace w2v
