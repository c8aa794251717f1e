#include "cli/solution_subject.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace w2v {

namespace {

namespace fs = std::filesystem;

std::string python_adapter() {
  if (const char* env = std::getenv("W2V_PYTHON_ADAPTER"); env != nullptr && *env != '\0') return env;
  return W2V_PYTHON_ADAPTER;  // the source tree's checks/solution/python/w2v_adapter.py
}

// The python3 with numpy found at configure time; W2V_PYTHON overrides it.
std::string default_python() {
  if (const char* env = std::getenv("W2V_PYTHON"); env != nullptr && *env != '\0') return env;
  return W2V_DEFAULT_PYTHON;
}

// Paths without a slash would be looked up on PATH by exec; a solution is a file.
std::string as_path(const std::string& p) {
  return p.find('/') == std::string::npos ? "./" + p : p;
}

std::string file_problem(const std::string& flag, const std::string& path, bool executable) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return fmt::format("{} '{}': no such file", flag, path);
  if (fs::is_directory(path, ec))
    return fmt::format("{} '{}' is a directory; give the built program (or the .py file)", flag, path);
  if (executable && ::access(path.c_str(), X_OK) != 0)
    return fmt::format("{} '{}' is not executable; build it with w2v_add_solution()", flag, path);
  return "";
}

}  // namespace

SolutionSubject open_solution(const SolutionSpec& spec) {
  if (spec.executable.empty() == spec.python_file.empty())
    throw std::invalid_argument("grade needs exactly one of --solution PROGRAM or --python FILE");
  SolutionSubject s;
  std::vector<std::string> argv;
  if (!spec.executable.empty()) {
    s.description = fmt::format("C++ solution {}", spec.executable);
    s.args = fmt::format("--solution {}", spec.executable);
    s.problem = file_problem("--solution", spec.executable, true);
    argv = {as_path(spec.executable)};
  } else {
    s.description = fmt::format("Python solution {}", spec.python_file);
    s.args = fmt::format("--python {}", spec.python_file);
    s.problem = file_problem("--python", spec.python_file, false);
    const std::string adapter = python_adapter();
    if (s.problem.empty() && !fs::exists(adapter))
      s.problem = fmt::format("the Python adapter '{}' is missing (set W2V_PYTHON_ADAPTER)", adapter);
    argv = {spec.python_interpreter.empty() ? default_python() : spec.python_interpreter, adapter,
            spec.python_file};
  }
  s.client = std::make_shared<SolutionClient>(std::move(argv), spec.limits);
  s.functions = solution_functions(s.client);
  return s;
}

void record_solution(RunResult& run, SolutionSubject& subject) {
  subject.client->finish();
  run.subject = subject.description;
  run.solution_args = subject.args;
  if (!subject.problem.empty()) run.solution_notes.push_back(subject.problem);
  if (const auto err = subject.client->startup_error()) run.solution_notes.push_back(*err);
  if (!subject.client->language().empty())
    run.solution_notes.push_back(fmt::format("language: {}; {} requests, {} process start(s), {:.2f} s "
                                             "inside the solution",
                                             subject.client->language(), subject.client->requests(),
                                             subject.client->process().starts(),
                                             subject.client->process().elapsed_seconds()));
  for (const std::string& n : subject.client->startup_notes()) run.solution_notes.push_back(n);
  run.solution_output = subject.client->output_tail(16 * 1024);
  run.solution_output_bytes = subject.client->output_bytes();
}

}  // namespace w2v
