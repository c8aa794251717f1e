#include "checks/runner.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "checks/directional.hpp"
#include "checks/hints.hpp"
#include "checks/structured_fd.hpp"
#include "reference/neg_sampling.hpp"

namespace w2v {

arma::uvec coordinates_to_check(const CheckInstance& instance, std::size_t max_coordinates,
                                std::uint64_t seed) {
  arma::uvec pool = instance.coordinates.is_empty()
                        ? arma::regspace<arma::uvec>(0, instance.point.n_elem - 1)
                        : instance.coordinates;
  if (max_coordinates == 0 || pool.n_elem <= max_coordinates) return pool;
  std::mt19937_64 rng(seed);
  // Partial Fisher–Yates with the portable uniform01 (see shape_sampler.cpp).
  for (arma::uword i = 0; i < max_coordinates; ++i) {
    const arma::uword j = i + static_cast<arma::uword>(uniform01(rng) * (pool.n_elem - i));
    std::swap(pool[i], pool[j]);
  }
  return arma::sort(pool.head(max_coordinates));
}

namespace {

std::size_t block_size(const CheckInstance& inst) {
  return inst.coordinates.is_empty() ? inst.point.n_elem : inst.coordinates.n_elem;
}

bool has_structured_form(const CheckInstance& inst, const RunOptions& options) {
  return inst.structure.has_value() && options.fd.stencil == Stencil::central;
}

}  // namespace

CheckMode resolve_mode(const RunOptions& options, const CheckInstance& inst) {
  if (options.mode != CheckMode::automatic) return options.mode;
  if (has_structured_form(inst, options)) return CheckMode::exhaustive;
  if (options.max_coordinates == 0 || block_size(inst) <= options.max_coordinates)
    return CheckMode::exhaustive;
  return CheckMode::fast;
}

std::uint64_t coordinate_seed(const CheckEntry& entry, const ShapeCase& sc) {
  return mix_seed(sc.seed, stream_id(entry.id));
}

NumericalGradient reference_numerical_gradient(const CheckInstance& inst, CheckMode mode,
                                               const RunOptions& options,
                                               std::uint64_t coordinate_seed) {
  const Word2vecFunctions reference = reference_functions();
  const std::function<double(const arma::mat&)> reference_loss =
      [&inst, reference](const arma::mat& p) { return inst.loss(reference, p); };
  if (mode == CheckMode::sampled) {
    arma::mat x = inst.point;
    return numerical_gradient(reference_loss, x, options.fd,
                              coordinates_to_check(inst, options.max_coordinates, coordinate_seed));
  }
  if (mode != CheckMode::exhaustive)
    throw std::invalid_argument(fmt::format(
        "reference_numerical_gradient: mode {} has no entry-by-entry gradient", to_string(mode)));
  const arma::uvec all = coordinates_to_check(inst, 0, 0);
  if (has_structured_form(inst, options))
    return structured_central_differences(*inst.structure, options.fd, all);
  return numerical_gradient_parallel(reference_loss, inst.point, options.fd, all, options.threads);
}

namespace {

// Fast mode: directional tests over the whole block; the localised entries
// are then differentiated one by one, so a failure still names entries with
// both values. A passing case has no individually compared entry.
GradientComparison fast_comparison(CaseResult& r, const CheckInstance& inst,
                                   const arma::mat& analytic,
                                   const std::function<double(const arma::mat&)>& reference_loss,
                                   bool structured, const RunOptions& options) {
  FastOptions fast;
  fast.directions = options.fast_directions;
  fast.seed = mix_seed(r.seed, 0xfa57);
  fast.safety = options.comparison.safety;
  fast.fd = options.fd;
  // Directional lines have a structured form for the word losses only; a
  // skip-gram line re-evaluates the window loss.
  const ReferenceStructure* word = structured ? std::get_if<ReferenceStructure>(&*inst.structure)
                                              : nullptr;
  const LineLossFactory line = word ? structured_line(word->view(), word->block)
                                    : black_box_line(reference_loss, inst.point);
  const FastResult fr = fast_check(line, analytic, fast, inst.coordinates);
  r.evaluations += static_cast<long>(fr.evaluations);
  r.mode = fmt::format("fast ({} directional tests, worst ratio {:.2g}{}): {}", fr.tests,
                       fr.worst_ratio, fr.localisation_complete ? "" : ", localisation cut short",
                       fr.guarantee);
  GradientComparison cmp;
  if (!fr.wrong.empty()) {
    arma::mat x = inst.point;
    const NumericalGradient at_wrong =
        numerical_gradient(reference_loss, x, options.fd, arma::uvec(fr.wrong));
    cmp = compare_gradients(analytic, at_wrong, options.comparison);
    r.evaluations += at_wrong.evaluations;
  }
  cmp.checked = r.parameters;
  if (!fr.passed && cmp.failing == 0) cmp.failing = 1;  // a block disagreed; nothing localised
  return cmp;
}

// The solution's loss against the reference's; its gradient against the
// numerical gradient of its own loss at the worst entries; and a hint when
// something is wrong.
void grade_case(CaseResult& r, const ShapeCase& sc, const CheckInstance& inst,
                const arma::mat& analytic, const Word2vecFunctions& subject,
                const RunOptions& options) {
  const Word2vecFunctions reference = reference_functions();
  r.loss.checked = true;
  r.loss.solution = inst.loss(subject, inst.point);
  r.loss.reference = inst.loss(reference, inst.point);
  r.loss.abs_error = std::abs(r.loss.solution - r.loss.reference);
  r.loss.tolerance = options.grading.loss_rtol * std::max(1.0, std::abs(r.loss.reference));

  if (options.grading.self_consistency_coordinates > 0) {
    std::vector<arma::uword> picked;
    for (const EntryError& f : r.comparison.failures) picked.push_back(f.index);
    const arma::uvec pool = coordinates_to_check(inst, 0, 0);
    for (arma::uword k = 0; picked.size() < pool.n_elem && k < pool.n_elem; ++k) {
      if (picked.size() >= options.grading.self_consistency_coordinates) break;
      // Then a deterministic spread over the rest of the block.
      const arma::uword i = pool[(k * 7919) % pool.n_elem];
      if (std::find(picked.begin(), picked.end(), i) == picked.end()) picked.push_back(i);
    }
    picked.resize(std::min(picked.size(), options.grading.self_consistency_coordinates));
    std::sort(picked.begin(), picked.end());
    try {
      arma::mat x = inst.point;
      const NumericalGradient own = numerical_gradient(
          [&](const arma::mat& p) { return inst.loss(subject, p); }, x, options.fd,
          arma::uvec(picked));
      r.self_consistency.comparison = compare_gradients(analytic, own, options.comparison);
      r.self_consistency.checked = true;
    } catch (const std::exception& e) {
      r.self_consistency.error = e.what();
    }
  }

  const bool gradient_ok = r.comparison.passed();
  const bool loss_ok = r.loss.passed();
  if (gradient_ok && loss_ok) return;
  if (gradient_ok) {
    r.hint = loss_hint(r.loss.solution, r.loss.reference) + " (the gradient is right)";
    return;
  }
  std::string hint = gradient_hint(sc, inst, analytic);
  const std::string loss_text = loss_hint(r.loss.solution, r.loss.reference);
  if (!loss_ok && same_cause(hint, loss_text)) {
    r.hint = hint;  // one cause (single precision) explains both
    return;
  }
  const bool consistent = r.self_consistency.checked && r.self_consistency.comparison.passed();
  if (!loss_ok && consistent)
    hint = "the gradient matches your own loss, but the loss is wrong (" + loss_text +
           "): fix the loss and the gradient with it; " + hint;
  else if (!loss_ok)
    hint = "both the loss and the gradient are wrong (" + loss_text + "); " + hint;
  r.hint = hint;
}

}  // namespace

CaseResult run_case(const CheckEntry& entry, const ShapeCase& sc, const Word2vecFunctions& subject,
                    const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  CaseResult r;
  r.case_index = sc.index;
  r.seed = sc.seed;
  r.shape = sc.shape;
  try {
    const CheckInstance inst = entry.make_instance(sc);
    r.inputs = inst.inputs;
    if (!inst.not_applicable.empty()) {
      r.skipped = inst.not_applicable;
      return r;
    }
    if (options.grading.enabled && !inst.outside_solution_contract.empty()) {
      r.skipped = inst.outside_solution_contract;
      return r;
    }
    r.parameters = block_size(inst);
    const Word2vecFunctions reference = reference_functions();
    const CheckMode mode = resolve_mode(options, inst);
    const bool structured = has_structured_form(inst, options);
    const std::function<double(const arma::mat&)> reference_loss =
        [&inst, reference](const arma::mat& p) { return inst.loss(reference, p); };
    NumericalGradient numeric;
    if (mode != CheckMode::fast) {
      numeric = reference_numerical_gradient(inst, mode, options, coordinate_seed(entry, sc));
      r.mode = mode == CheckMode::sampled ? "sampled"
               : structured               ? "exhaustive (structured)"
                                          : "exhaustive (black-box, threads)";
    }
    r.evaluations = numeric.evaluations;

    arma::mat analytic;
    try {
      analytic = inst.gradient(subject, inst.point);
    } catch (const std::bad_function_call&) {
      if (!options.grading.enabled) throw std::runtime_error("the function under test is not implemented");
      r.skipped = "the solution does not define this optional function (docs/protocol.md)";
      r.comparison = {};
      return r;
    }
    if (mode == CheckMode::fast)
      r.comparison = fast_comparison(r, inst, analytic, reference_loss, structured, options);
    else
      r.comparison = compare_gradients(analytic, numeric, options.comparison);
    if (options.grading.enabled) grade_case(r, sc, inst, analytic, subject, options);
  } catch (const std::exception& e) {
    r.error = fmt::format("{}: {} (case {}, seed {}, shape {})", entry.id, e.what(), sc.index,
                          sc.seed, sc.shape.describe());
    if (options.grading.enabled) r.hint = error_hint(e.what());
  }
  if (subject.take_notes)
    for (std::string& n : subject.take_notes())
      if (std::find(r.notes.begin(), r.notes.end(), n) == r.notes.end()) r.notes.push_back(std::move(n));
  // Negatives drawn with np.random instead of the dataset explain any mismatch.
  const CaseStatus status = r.status();
  if (status == CaseStatus::failed || status == CaseStatus::error)
    for (const std::string& n : r.notes)
      if (n.find("sampleTokenIdx") != std::string::npos)
        r.hint = "not deterministic: samples its own negatives (" + n + ")";
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

HSweep h_sweep(const CheckEntry& entry, const CaseResult& worst, const Word2vecFunctions& subject,
               const RunOptions& options) {
  HSweep sweep;
  sweep.case_index = worst.case_index;
  try {
    const CheckInstance inst = entry.make_instance(sample_shape(options.seed, worst.case_index));
    // A case that compared no entry alone (fast mode, passing) has no worst
    // entry: sweep the block's first.
    const arma::uword i = worst.comparison.has_worst ? worst.comparison.worst.index
                          : inst.coordinates.is_empty() ? 0
                                                        : inst.coordinates[0];
    sweep.row = i % inst.point.n_rows;
    sweep.col = i / inst.point.n_rows;
    sweep.analytic = inst.gradient(subject, inst.point)[i];
    const Word2vecFunctions reference = reference_functions();
    // Against a wrong subject, the reference's own curve shows what a correct
    // gradient draws at the same entry.
    sweep.reference_analytic = inst.gradient(reference, inst.point)[i];
    sweep.has_reference = !(sweep.reference_analytic == sweep.analytic);
    arma::mat x = inst.point;
    const double x0 = x[i];
    auto phi = [&](double t) {
      x[i] = x0 + t;
      const double v = inst.loss(reference, x);
      x[i] = x0;
      return v;
    };
    // Powers of two, like step_for: x0 ± h is then exact.
    const double base = std::exp2(std::round(std::log2(std::max(1.0, std::abs(x0)))));
    for (int k = 1; k <= 40; ++k) {
      const double h = std::ldexp(base, -k);
      const double numeric = (phi(h) - phi(-h)) / (2 * h);
      sweep.points.push_back({h, numeric, std::abs(sweep.analytic - numeric),
                              std::abs(sweep.reference_analytic - numeric)});
    }
  } catch (const std::exception&) {
    sweep.points.clear();  // the case itself already recorded the error
  }
  return sweep;
}

RunResult start_run(const RunOptions& options) {
  RunResult run;
  run.options = options;
  run.tool_version = W2V_VERSION;
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  run.started_at = stamp;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) run.host = host;
  return run;
}

RunResult run_checks(const std::vector<CheckEntry>& entries, const Word2vecFunctions& subject,
                     const RunOptions& options, const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<CheckEntry> selected = select_checks(entries, options.only);
  for (const std::size_t k : options.cases)
    if (k >= options.shapes)
      throw std::invalid_argument(fmt::format(
          "case {} is out of range: cases are 0..{} (raise the number of shapes)", k, options.shapes - 1));
  std::vector<std::size_t> indices = options.cases;
  if (indices.empty()) {
    indices.resize(options.shapes);
    std::iota(indices.begin(), indices.end(), std::size_t{0});
  }
  std::vector<ShapeCase> shapes;
  for (const std::size_t k : indices) shapes.push_back(sample_shape(options.seed, k));

  RunResult run = start_run(options);
  const std::size_t total = selected.size() * shapes.size();
  std::size_t done = 0;
  for (const CheckEntry& e : selected) {
    CheckResult check{e.id, e.part, e.title, e.formula, {}, {}};
    for (const ShapeCase& sc : shapes) {
      check.cases.push_back(run_case(e, sc, subject, options));
      if (progress) progress(++done, total);
    }
    if (const CaseResult* worst = check.worst_case();
        worst != nullptr && worst->status() != CaseStatus::error)
      check.h_sweep = h_sweep(e, *worst, subject, options);
    run.checks.push_back(std::move(check));
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace w2v
