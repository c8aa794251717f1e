// w2v-gradcheck: checks every catalog derivation against central-difference (or
// better) numerical gradients over seeded shapes and prints a report.
// `w2v-gradcheck grade --solution PROGRAM | --python FILE` grades a student
// solution instead (parts b–f), in a sandboxed child process.
// Exit status: 0 all checks passed, 1 some check failed, 2 usage or internal error.
#include <CLI/CLI.hpp>
#include <unistd.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include "checks/process_setup.hpp"
#include "cli/solution_subject.hpp"
#include "checks/catalog.hpp"
#include "checks/mistakes.hpp"
#include "checks/runner.hpp"
#include "reports/console.hpp"
#include "reports/gradescope_report.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/junit_report.hpp"

namespace {

constexpr int kExitUsage = 2;

// An empty piece ("--only ''", "b,,c") would silently widen the selection to
// every check, so it is an error.
std::vector<std::string> split_ids(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const std::string& item : raw) {
    std::size_t start = 0;
    while (start <= item.size()) {
      const std::size_t comma = item.find(',', start);
      const std::string id = item.substr(start, comma - start);
      if (id.empty())
        throw std::invalid_argument(fmt::format(
            "--only '{}': empty check id (give ids or prefixes, e.g. --only b.naive.dv_c,f.neg)",
            item));
      out.push_back(id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

// CLI11 reads "-1" into an unsigned option as 2^64 − 1, and its range
// validators print DBL_MAX in full; these say what is wrong in words.
const CLI::Validator kWholeNumber(
    [](std::string& s) -> std::string {
      if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
        return fmt::format("expected a whole number ≥ 0, got '{}'", s);
      if (s.size() > 19 && s > "18446744073709551615")
        return fmt::format("'{}' is too large", s);
      return {};
    },
    "UINT");

CLI::Validator real_above(double lower, bool inclusive) {
  return CLI::Validator(
      [lower, inclusive](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        const bool number = !s.empty() && end == s.c_str() + s.size() && std::isfinite(v);
        if (!number) return fmt::format("expected a number, got '{}'", s);
        if (inclusive ? v < lower : v <= lower)
          return fmt::format("must be {} {}, got {}", inclusive ? "≥" : ">", lower, s);
        return {};
      },
      inclusive ? "REAL ≥ 0" : "REAL > 0");
}

struct ReportFiles {
  std::string json, html, junit, gradescope;
};

// Writes one report; a failure to write is reported and remembered, and the
// other reports are still written.
bool write_report(const std::string& path, const char* what,
                  const std::function<void(std::ostream&)>& write) {
  if (path.empty()) return true;
  // Like `mkdir -p`: `--html out/grade.html` should just work.
  std::error_code dir_error;
  if (const auto parent = std::filesystem::path(path).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent, dir_error);
  std::ofstream out(path, std::ios::binary);
  if (out) write(out);
  out.close();
  if (!out) {
    std::cerr << fmt::format("w2v-gradcheck: cannot write the {} report to '{}'\n", what, path);
    return false;
  }
  std::error_code ec;
  const auto abs = std::filesystem::absolute(path, ec);
  std::cout << fmt::format("{} report: {}\n", what, ec ? path : abs.string());
  return true;
}

bool write_reports(const ReportFiles& files, const w2v::RunResult& run,
                   const w2v::GradescopeWeights& weights) {
  bool written = true;
  written &= write_report(files.json, "JSON", [&](std::ostream& o) { w2v::write_json_report(o, run); });
  written &= write_report(files.junit, "JUnit", [&](std::ostream& o) { w2v::write_junit_report(o, run); });
  written &= write_report(files.gradescope, "Gradescope", [&](std::ostream& o) {
    w2v::write_gradescope_report(o, run, weights);
  });
  written &= write_report(files.html, "HTML", [&](std::ostream& o) { w2v::write_html_report(o, run); });
  return written;
}

// When the command line itself is wrong, CLI11 stops before it has read
// every flag; the report paths are taken from argv directly.
ReportFiles report_files_in(int argc, char** argv) {
  ReportFiles files;
  const std::pair<const char*, std::string*> flags[] = {
      {"--json", &files.json}, {"--html", &files.html}, {"--junit", &files.junit},
      {"--gradescope", &files.gradescope}};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    for (const auto& [flag, path] : flags) {
      if (arg == flag && i + 1 < argc) *path = argv[i + 1];
      else if (arg.starts_with(std::string(flag) + "=")) *path = arg.substr(std::string_view(flag).size() + 1);
    }
  }
  return files;
}

// A run that could not start still writes every report asked for, saying
// why (a CI step waiting for results.json gets one).
int fail_before_run(const ReportFiles& files, const std::string& error) {
  w2v::RunResult run = w2v::start_run(w2v::RunOptions{});
  run.error = error;
  run.subject = "nothing (the run could not start)";
  write_reports(files, run, w2v::GradescopeWeights{});
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  w2v::configure_process_for_checks();
  w2v::RunOptions opts;
  std::vector<std::string> only;
  std::string stencil = "central";
  bool list = false;
  std::string mistake;
  ReportFiles files;
  std::string weights_spec;
  std::string color = "auto";
  w2v::SolutionSpec solution;
  double memory_mib = static_cast<double>(solution.limits.address_space_bytes >> 20);

  CLI::App app{"w2v-gradcheck: verify the CS224n word2vec gradients (parts b–f) numerically"};
  app.add_option("--seed", opts.seed, "run seed; every case's seed derives from it")
      ->capture_default_str()
      ->check(kWholeNumber);
  app.add_option("--shapes", opts.shapes, "number of seeded shapes per check")
      ->capture_default_str()
      ->check(kWholeNumber)
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  app.add_option("--case", opts.cases, "run only these case indices (repeatable)")
      ->check(kWholeNumber);
  app.add_option("--only", only, "check ids or prefixes, e.g. b.naive.dv_c or f.neg (repeatable, comma-separated)");
  std::string mode{w2v::to_string(opts.mode)};
  app.add_option("--mode", mode,
                 "auto (every entry where the structure makes it cheap, else by size) | exhaustive "
                 "(every entry) | fast (directional tests + localisation) | sampled (≤ "
                 "--max-coordinates entries per case)")
      ->capture_default_str();
  app.add_option("--threads", opts.threads, "threads for exhaustive and fast modes (0: all cores)")
      ->capture_default_str()
      ->check(kWholeNumber);
  app.add_option("--stencil", stencil, "central | four_point | richardson")->capture_default_str();
  app.add_option("--step-scale", opts.fd.step_scale,
                 "relative step s, h = s·max(1,|x|) (0: the stencil's optimum)")
      ->check(real_above(0.0, true));
  app.add_option("--safety", opts.comparison.safety, "tolerance = safety × error estimate")
      ->capture_default_str()
      ->check(real_above(0.0, false));
  app.add_option("--max-coordinates", opts.max_coordinates,
                 "sampled mode: probe at most this many entries per case (0: all); auto: "
                 "blocks without structure up to this size are checked exhaustively")
      ->capture_default_str()
      ->check(kWholeNumber);
  app.add_option("--json", files.json, "write the JSON report (schema: reports/schema/)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--html", files.html, "write the self-contained HTML report")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--junit", files.junit, "write JUnit XML (one testcase per check × shape)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--gradescope", files.gradescope, "write a Gradescope results.json")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--weights", weights_spec,
                 "Gradescope weights per check id or prefix, e.g. 'b=2,f.neg=0.5,*=1'");
  app.add_option("--color", color, "auto | always | never (auto honours NO_COLOR)")
      ->capture_default_str();
  app.add_flag("--list", list, "list the check ids and exit");
  app.add_option("--inject-mistake", mistake,
                 "check a deliberately wrong variant of the reference instead (sign_flip, "
                 "transposed, missing_normaliser, forgot_minus_y, dropped_repeats, factor_2, float32, "
                 "zeroed_coordinate, off_by_1e-3): shows what a failing report looks like");

  CLI::App* grade = app.add_subcommand(
      "grade", "grade a student solution (parts b–f): a C++ program built with "
               "w2v_add_solution() or a CS224n-style word2vec.py; all options above apply");
  grade->fallthrough();
  grade->add_option("--solution", solution.executable, "the solution program to grade");
  grade->add_option("--python", solution.python_file, "a CS224n-style word2vec.py to grade");
  grade->add_option("--python-interpreter", solution.python_interpreter,
                    "python3 to run --python with (default: $W2V_PYTHON, else the python3 with numpy "
                    "found at build time)");
  grade->add_option("--timeout", solution.limits.request_timeout_seconds,
                    "seconds one call of the solution may take")
      ->capture_default_str()
      ->check(real_above(0.0, false));
  grade->add_option("--total-timeout", solution.limits.total_timeout_seconds,
                    "seconds the solution may take in all")
      ->capture_default_str()
      ->check(real_above(0.0, false));
  grade->add_option("--memory-limit", memory_mib, "address-space limit of the solution, MiB")
      ->capture_default_str()
      ->check(CLI::Range(64.0, 1048576.0));
  grade->add_option("--self-consistency", opts.grading.self_consistency_coordinates,
                    "entries per case at which the solution's own loss is differentiated")
      ->capture_default_str()
      ->check(kWholeNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints CLI11's message naming the flag, and where --help is
    return fail_before_run(report_files_in(argc, argv), e.what());
  }

  try {
    opts.fd.stencil = w2v::stencil_from_string(stencil);
    opts.mode = w2v::check_mode_from_string(mode);
    const bool colored = w2v::use_color(w2v::color_mode_from_string(color), STDOUT_FILENO);
    const w2v::GradescopeWeights weights = w2v::parse_gradescope_weights(weights_spec);
    opts.only = split_ids(only);
    // Every shape costs a solution a few dozen calls: grading samples fewer.
    if (grade->parsed() && app.get_option("--shapes")->empty()) opts.shapes = w2v::kGradeDefaultShapes;
    // --case 3 --case 3 is one case.
    std::vector<std::size_t> unique_cases;
    for (const std::size_t k : opts.cases)
      if (std::find(unique_cases.begin(), unique_cases.end(), k) == unique_cases.end())
        unique_cases.push_back(k);
    opts.cases = unique_cases;
    for (const std::size_t k : opts.cases)
      if (k >= opts.shapes)
        throw std::invalid_argument(fmt::format(
            "--case {} is out of range: cases are 0..{} (raise --shapes)", k, opts.shapes - 1));
    const std::vector<w2v::CheckEntry> entries = w2v::catalog();
    // A mistyped id would silently leave a check at the default weight.
    for (const auto& [id, weight] : weights.by_id) {
      try {
        (void)w2v::select_checks(entries, {id});
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(fmt::format("--weights: {}", e.what()));
      }
    }
    if (list) {
      for (const w2v::CheckEntry& e : entries) fmt::print("{:<20} {}\n", e.id, e.title);
      return EXIT_SUCCESS;
    }
    const bool grading = grade->parsed();
    w2v::Word2vecFunctions subject = w2v::reference_functions();
    std::string subject_name = "reference";
    std::optional<w2v::SolutionSubject> graded;
    if (grading) {
      if (!mistake.empty())
        throw std::invalid_argument("--inject-mistake applies to the reference run, not to grade");
      solution.limits.address_space_bytes = static_cast<std::size_t>(memory_mib * 1024 * 1024);
      graded = w2v::open_solution(solution);
      if (!graded->problem.empty()) std::cerr << "w2v-gradcheck: " << graded->problem << "\n";
      subject = graded->functions;
      opts.grading.enabled = true;
    }
    if (!mistake.empty()) {
      const w2v::WrongVariant variant = w2v::wrong_variant(mistake);
      subject = variant.functions;
      subject_name = "reference with injected mistake '" + mistake + "' (" + variant.description + ")";
    }
    w2v::ProgressLine progress(std::cerr, isatty(STDERR_FILENO) == 1);
    // Students implement parts b–f; the later editions' ReLU checks are not theirs.
    std::vector<w2v::CheckEntry> to_run;
    for (const w2v::CheckEntry& e : entries)
      if (!grading || e.part != "x") to_run.push_back(e);
    w2v::RunResult run = w2v::run_checks(to_run, subject, opts, [&](std::size_t done, std::size_t total) {
      progress.update(done, total);
    });
    progress.clear();
    run.subject = subject_name;
    // Reproduce commands name the binary as it was invoked (e.g.
    // ./build/release/w2v-gradcheck), so they can be pasted as printed.
    if (argc > 0 && std::string_view(argv[0]).find('/') != std::string_view::npos)
      run.program = argv[0];
    run.mistake = mistake;
    if (graded) w2v::record_solution(run, *graded);
    w2v::write_console_report(std::cout, run, {.color = colored});
    const bool written = write_reports(files, run, weights);
    if (!written || (graded && !graded->problem.empty())) return kExitUsage;
    return run.passed() ? EXIT_SUCCESS : EXIT_FAILURE;
  } catch (const std::invalid_argument& e) {
    std::cerr << "w2v-gradcheck: " << e.what() << "\n";
    return fail_before_run(files, e.what());
  } catch (const std::exception& e) {
    std::cerr << "w2v-gradcheck: internal error: " << e.what() << "\n";
    return fail_before_run(files, std::string("internal error: ") + e.what());
  }
}
