#pragma once
// `w2v-gradcheck grade`: turns --solution PATH / --python FILE into the
// functions the runner checks, backed by a sandboxed solution process, and
// copies what the solution said and printed into the run's result.
#include <memory>
#include <string>

#include "checks/result.hpp"
#include "checks/solution_client.hpp"

namespace w2v {

struct SolutionSpec {
  std::string executable;   // --solution: a program built with w2v_add_solution()
  std::string python_file;  // --python: a CS224n-style word2vec.py
  std::string python_interpreter;  // empty: $W2V_PYTHON, else the one CMake found with numpy
  SandboxLimits limits;
};

struct SolutionSubject {
  Word2vecFunctions functions;
  std::shared_ptr<SolutionClient> client;
  std::string description;  // "C++ solution ./x", for the report header
  std::string args;         // "--solution ./x", for reproduce commands
  // A usage problem (missing file, no adapter) or an environment that cannot
  // run any solution (the Python interpreter does not start, lacks numpy, or
  // cannot import the adapter within the sandbox's limits): not the student's
  // fault. The run still happens, every check fails with the reason, the
  // reports are written, and the exit status is 2.
  std::string problem;
};

// Throws std::invalid_argument if neither or both of the two are given.
SolutionSubject open_solution(const SolutionSpec& spec);

// Stops the solution and records its start-up notes and output in `run`.
void record_solution(RunResult& run, SolutionSubject& subject);

}  // namespace w2v
