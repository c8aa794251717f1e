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

// Run with the solution's interpreter and limits: can this environment run
// the adapter at all? It imports numpy and the adapter module (not its main),
// and answers like a solution's handshake. The innermost exception is the
// real reason: numpy wraps "libopenblas.so.0: failed to map segment" (too
// little address space) in a long "Importing the numpy C-extensions failed".
constexpr const char* kEnvironmentCheck = R"(
import json, os, sys
try:
    import numpy
    import importlib.util
    spec = importlib.util.spec_from_file_location("w2v_adapter_check", sys.argv[1])
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    hello = {"protocol": 1, "ready": True, "language": "python"}
except BaseException as e:
    while (e.__cause__ or e.__context__) is not None:
        e = e.__cause__ or e.__context__
    lines = str(e).strip().splitlines()
    hello = {"protocol": 1, "ready": False,
             "error": {"kind": "environment",
                       "message": "%s: %s" % (type(e).__name__, lines[-1] if lines else "")}}
os.write(4, (json.dumps(hello) + "\n").encode())
)";

// Empty when `python` can run `adapter` under `limits`; otherwise why not.
// Asked only after a Python solution did not start, to tell a broken grading
// environment (exit status 2, every student affected) from a broken student
// file (a failed grade).
std::string python_environment_problem(const std::string& python, const std::string& adapter,
                                       const SandboxLimits& limits) {
  SolutionProcess check({python, "-c", kEnvironmentCheck, adapter}, limits);
  std::string why;
  try {
    const nlohmann::ordered_json hello = parse_solution_line(check.start());
    const bool ready = hello.is_object() && hello.contains("ready") && hello["ready"] == true;
    const nlohmann::ordered_json message =
        hello.is_object() && hello.contains("error") && hello["error"].is_object()
            ? hello["error"].value("message", nlohmann::ordered_json())
            : nlohmann::ordered_json();
    if (!ready)
      why = message.is_string() ? message.get<std::string>() : "unexpected answer " + hello.dump();
  } catch (const std::exception& e) {  // SolutionFailure, MalformedLine
    why = e.what();
  }
  check.stop();
  if (why.empty()) return "";
  if (const std::string printed = check.output_tail(400); !printed.empty())
    why += "; it printed: " + printed;
  return fmt::format(
      "the grading environment cannot run Python solutions ({} with the adapter, address-space "
      "limit {} MiB): {}. Not the solution's fault: check --python-interpreter / W2V_PYTHON (a "
      "python3 with numpy) and --memory-limit",
      python, limits.address_space_bytes >> 20, why);
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
  std::string adapter;
  if (!spec.executable.empty()) {
    s.description = fmt::format("C++ solution {}", spec.executable);
    s.args = fmt::format("--solution {}", spec.executable);
    s.problem = file_problem("--solution", spec.executable, true);
    argv = {as_path(spec.executable)};
  } else {
    s.description = fmt::format("Python solution {}", spec.python_file);
    s.args = fmt::format("--python {}", spec.python_file);
    s.problem = file_problem("--python", spec.python_file, false);
    adapter = python_adapter();
    if (s.problem.empty() && !fs::exists(adapter))
      s.problem = fmt::format("the Python adapter '{}' is missing (set W2V_PYTHON_ADAPTER)", adapter);
    argv = {spec.python_interpreter.empty() ? default_python() : spec.python_interpreter, adapter,
            spec.python_file};
  }
  const std::string interpreter = spec.python_file.empty() ? "" : argv[0];
  s.client = std::make_shared<SolutionClient>(std::move(argv), spec.limits);
  s.client->start();
  if (!interpreter.empty() && s.problem.empty() && s.client->startup_error()) {
    s.problem = python_environment_problem(interpreter, adapter, spec.limits);
    if (!s.problem.empty())
      s.client->fail_every_call(fmt::format("the solution did not start: {}", s.problem));
  }
  s.functions = solution_functions(s.client);
  return s;
}

void record_solution(RunResult& run, SolutionSubject& subject) {
  subject.client->finish();
  run.subject = subject.description;
  run.solution_args = subject.args;
  if (!subject.problem.empty()) run.solution_notes.push_back(subject.problem);
  if (const auto err = subject.client->startup_error();
      err && (subject.problem.empty() || err->find(subject.problem) == std::string::npos))
    run.solution_notes.push_back(*err);
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
