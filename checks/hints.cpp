#include "checks/hints.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>
#include <regex>

#include "checks/mistakes.hpp"

namespace w2v {

namespace {

constexpr const char* kSinglePrecision = "computed in single precision (float32)";

// Entries of x this instance covers, as a 0/1 mask of x's shape.
arma::mat coverage_mask(const CheckInstance& inst) {
  arma::mat mask(arma::size(inst.point), arma::fill::zeros);
  if (inst.coordinates.is_empty()) mask.ones();
  for (const arma::uword i : inst.coordinates) mask[i] = 1.0;
  return mask;
}

double max_abs(const arma::mat& m) { return m.is_empty() ? 0.0 : arma::abs(m).max(); }

// A solution's double-precision implementation of a formula agrees with ours to
// ~1e-13 relative; 1e-6 recognises the formula while no two distinct
// mistakes on a random instance come that close.
constexpr double kMatch = 1e-6;

bool matches(const arma::mat& a, const arma::mat& b, double scale) {
  return max_abs(a - b) <= kMatch * scale;
}

std::string row_role(const Word2vecInputs& in, arma::uword w) {
  std::vector<std::string> roles;
  if (w == in.center_idx) roles.push_back("c");
  if (w == in.outside_idx) roles.push_back("o");
  const auto negatives = static_cast<arma::uword>(arma::accu(in.negatives == w));
  if (negatives == 1) roles.push_back("a negative");
  if (negatives > 1) roles.push_back(fmt::format("a negative ×{}", negatives));
  const auto contexts = static_cast<arma::uword>(arma::accu(in.context == w));
  if (contexts == 1) roles.push_back("a context word");
  if (contexts > 1) roles.push_back(fmt::format("a context word ×{}", contexts));
  std::string out;
  for (const std::string& r : roles) out += (out.empty() ? "" : ", ") + r;
  return out.empty() ? "" : " (" + out + ")";
}

// "only rows 3 (o), 7 (a negative ×2) are wrong; the other 8 are right".
std::string wrong_rows_hint(const ShapeCase& sc, const arma::mat& diff, const arma::mat& mask,
                            double threshold) {
  const bool matrix = diff.n_cols > 1;
  const arma::uword units = matrix ? diff.n_rows : diff.n_elem;
  std::vector<arma::uword> wrong;
  arma::uword covered = 0;
  for (arma::uword r = 0; r < units; ++r) {
    // A vector's "rows" are its entries.
    const arma::rowvec m = mask.row(r);
    if (arma::accu(m) == 0) continue;
    ++covered;
    if (max_abs(arma::rowvec(diff.row(r)) % m) > threshold) wrong.push_back(r);
  }
  if (wrong.empty() || wrong.size() == covered || covered < 2) return "";
  std::optional<Word2vecInputs> in;
  try {
    in = make_inputs(sc);
  } catch (const std::exception&) {
  }
  std::string list;
  for (std::size_t i = 0; i < wrong.size() && i < 8; ++i)
    list += fmt::format("{}{}{}", i == 0 ? "" : ", ", wrong[i],
                        matrix && in && diff.n_rows == in->outside_vectors.n_rows
                            ? row_role(*in, wrong[i])
                            : "");
  if (wrong.size() > 8) list += fmt::format(", … ({} in all)", wrong.size());
  const char* unit = matrix ? "row" : "entry";
  const char* units_word = matrix ? "rows" : "entries";
  return fmt::format("only some {} wrong: {} {}; the other {} are right (look at the terms "
                     "that touch only {})",
                     units_word, wrong.size() == 1 ? unit : units_word, list,
                     covered - wrong.size(), wrong.size() == 1 ? "that " + std::string(unit) : "those");
}

// Hints for the variants in checks/mistakes.cpp that are real student mistakes.
const std::map<std::string, std::string>& mistake_hints() {
  static const std::map<std::string, std::string> hints = {
      {"transposed",
       "Uᵀ for U: the gradient was built in the handout's d×V layout and reshaped into the code's "
       "(V, d) layout without transposing"},
      {"missing_normaliser",
       "missing softmax normaliser: ŷ = exp(s) is not divided by Σ_w exp(s_w) in the gradient"},
      {"missing_normaliser_shifted",
       "missing softmax normaliser: ŷ = exp(s − max s) is not divided by its sum in the gradient"},
      {"forgot_minus_y",
       "the −y term is missing: the gradient uses ŷ where ŷ − y belongs, so the outside word o "
       "lacks its −v_c (∂/∂U) or −u_o (∂/∂v_c) term"},
      {"dropped_repeats",
       "repeated negative samples counted once: a word drawn n times must contribute n times "
       "(numpy's grad[idx] += … drops repeats; use np.add.at or a loop)"},
  };
  return hints;
}

// A double computation essentially never lands on float32 values everywhere;
// a float32 one always does (numpy's float32 arrays, arma::fmat).
bool is_single_precision(const arma::mat& g) {
  bool any_nonzero = false;
  for (const double x : g) {
    if (static_cast<double>(static_cast<float>(x)) != x) return false;
    any_nonzero |= x != 0.0;
  }
  return any_nonzero;
}

}  // namespace

std::string gradient_hint(const ShapeCase& sc, const CheckInstance& inst, const arma::mat& g_in) {
  const arma::mat mask = coverage_mask(inst);
  if (g_in.n_rows != inst.point.n_rows || g_in.n_cols != inst.point.n_cols)
    return fmt::format("wrong shape ({}, {}), expected ({}, {})", g_in.n_rows, g_in.n_cols,
                       inst.point.n_rows, inst.point.n_cols);
  const arma::mat g = g_in % mask;
  if (!g.is_finite()) {
    const arma::uvec bad = arma::find_nonfinite(g);
    const arma::uword i = bad[0];
    return fmt::format("returns NaN or inf (first at row {}, col {}): an overflow or 0/0; use the "
                       "stable forms (max-shifted softmax, log-sum-exp, the two-branch σ)",
                       i % g.n_rows, i / g.n_rows);
  }
  const Word2vecFunctions reference = reference_functions();
  const arma::mat t = inst.gradient(reference, inst.point) % mask;
  const double scale = std::max(max_abs(t), 1e-300);
  const arma::mat diff = g - t;

  if (matches(g, -t, scale)) return "sign flipped: the gradient is exactly the negative of the correct one";
  for (const WrongVariant& w : wrong_variants()) {
    const auto hint = mistake_hints().find(w.name);
    if (hint == mistake_hints().end()) continue;
    try {
      const arma::mat tw = inst.gradient(w.functions, inst.point) % mask;
      if (!matches(tw, t, scale) && matches(g, tw, scale)) return hint->second;
    } catch (const std::exception&) {
    }
  }
  if (g.n_rows == g.n_cols && g.n_rows > 1 && matches(g, t.t(), scale) && !matches(t, t.t(), scale))
    return "transposed: the gradient is the transpose of the correct one (Uᵀ for U)";

  // A single number is a multiple of any other: a scale needs ≥ 2 entries.
  const double tt = arma::accu(t % t);
  if (arma::accu(arma::abs(t) > 1e-6 * scale) >= 2) {
    const double alpha = arma::accu(g % t) / tt;
    if (std::abs(alpha - 1.0) > kMatch && matches(g, alpha * t, scale))
      return fmt::format("scaled by a constant: the gradient is {:.6g} × the correct one (a stray "
                         "factor{})",
                         alpha, std::abs(alpha - 2.0) < 1e-6 || std::abs(alpha - 0.5) < 1e-6 ? " 2" : "");
  }
  const double worst = max_abs(diff);
  if (is_single_precision(g))
    return fmt::format("{}: every entry is a float32 number; errors up to {:.2g} (compute in double, "
                       "float64, throughout)",
                       kSinglePrecision, worst);
  const std::string rows = wrong_rows_hint(sc, diff, mask, 1e-9 * scale);
  if (!rows.empty()) return rows;
  const arma::uword i = arma::abs(diff).index_max();
  std::string role;
  if (g.n_cols > 1) try {
      const Word2vecInputs in = make_inputs(sc);
      if (g.n_rows == in.outside_vectors.n_rows) role = row_role(in, i % g.n_rows);
    } catch (const std::exception&) {
    }
  return fmt::format("differs from the correct gradient with no recognised pattern: largest "
                     "difference {:.3g} at row {}{}, col {}",
                     worst, i % g.n_rows, role, i / g.n_rows);
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

}  // namespace

std::string error_hint(const std::string& error) {
  if (mentions_swapped_shapes(error) && error.find("killed by") == std::string::npos)
    return "transposed layout: a (V, d) and a (d, V) matrix were combined (Uᵀ for U somewhere "
           "upstream, e.g. in the per-word loss)";
  struct Pattern {
    const char* regex;
    const char* hint;
  };
  static const Pattern patterns[] = {
      {"could not be loaded|did not start", "the solution does not start (see its error in the report)"},
      {"speaks protocol", "protocol version mismatch"},
      {"changed its inputs in place",
       "inputs mutated in place: the function changes its arguments; work on a copy"},
      {"transposed \\(d, V\\) layout", "transposed layout: returns (d, V) instead of (V, d)"},
      {"not implemented", "not implemented yet"},
      {"killed by (SIG[A-Z0-9]+)", "crashes"},
      {"ran out of memory", "exhausts memory (allocates far more than the problem needs)"},
      {"timed out", "hangs or is far too slow (timed out)"},
      {"exited with status", "exits before replying"},
      {"unparsable reply|wrong request", "writes garbage to the protocol channel"},
      {"of length|of shape|rows × cols", "returns a result of the wrong shape"},
      {"incompatible matrix dimensions|could not be broadcast|size mismatch",
       "shape mismatch inside the function (a per-word loss returning the wrong shape?)"},
      {"File too large|SIGXFSZ", "prints more than the output limit in one call"},
      {"raised an exception", "raises an exception"},
      {"bad result|not a number|expected an array|expected a matrix|has no field",
       "returns the wrong type or tuple size"},
  };
  for (const Pattern& p : patterns) {
    std::smatch m;
    if (std::regex_search(error, m, std::regex(p.regex))) {
      if (m.size() > 1 && m[1].matched) return fmt::format("{} ({})", p.hint, m[1].str());
      return p.hint;
    }
  }
  return "";
}

std::string loss_hint(double solution_loss, double reference_loss) {
  if (!std::isfinite(solution_loss))
    return fmt::format("loss is {}: an overflow or log(0); use log-sum-exp / log σ stable forms",
                       solution_loss);
  const double scale = std::max(1.0, std::abs(reference_loss));
  const double err = std::abs(solution_loss - reference_loss);
  if (static_cast<double>(static_cast<float>(solution_loss)) == solution_loss ||
      err <= 64 * std::ldexp(1.0, -23) * scale)
    return fmt::format("{}: loss off by {:.2g}; compute in double (float64) throughout",
                       kSinglePrecision, err);
  if (std::abs(solution_loss + reference_loss) <= 1e-9 * scale)
    return "loss has the wrong sign (J is a negative log-likelihood, ≥ 0)";
  return fmt::format("loss is {:.17g}, expected {:.17g}", solution_loss, reference_loss);
}

}  // namespace w2v
