#pragma once
// The harness side of the solution protocol (docs/protocol.md): turns calls on
// Word2vecFunctions into requests to a sandboxed solution process and replies
// back into Armadillo values, checking every field's type and every shape
// against what was asked. Whatever goes wrong — a missing function, an
// exception in the student's code, a crash, a hang, garbage on the channel —
// becomes a std::runtime_error whose message names the function and says what
// happened, so the runner records a failed case and moves on. One malformed
// output of a reply (a (d, V) gradient) fails only the checks that read that
// output (LossAndGradient::unusable); the others are graded.
//
// A function whose call crashed, hung or broke the channel is not called again
// in the same run: its later calls fail at once with the same reason (one hang
// costs one timeout). The process is restarted for the other functions.
//
//   auto client = std::make_shared<w2v::SolutionClient>(argv, w2v::SandboxLimits{});
//   w2v::Word2vecFunctions fns = w2v::solution_functions(client);
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "checks/functions.hpp"
#include "checks/solution_process.hpp"

namespace w2v {

inline constexpr int kProtocolVersion = 1;

// The deepest nesting a handshake or reply may have. A reply is at most four
// deep ({"result": {"grad_outside_vectors": {"data": [...]}}}); anything far
// deeper is garbage, and is refused while parsing, before anything recursive
// (json::dump) can overflow the harness's stack on it.
inline constexpr int kMaxReplyDepth = 16;

// A line from the solution that is not one JSON value: not JSON, nested deeper
// than kMaxReplyDepth, or holding a number no double can hold (1e999).
struct MalformedLine : std::runtime_error {
  using std::runtime_error::runtime_error;
};
nlohmann::ordered_json parse_solution_line(const std::string& line);

// Reading a solution's values (the writers are the solution side's own,
// checks/solution/protocol_json.hpp). `what` names the value in error
// messages ("grad_center_vec"); vectors and matrices must have the length and
// shape the harness asked for, checked before anything is allocated.
double number_from_protocol(const nlohmann::ordered_json& j, const std::string& what);
arma::vec vector_from_protocol(const nlohmann::ordered_json& j, const std::string& what,
                               arma::uword length);
// Shape (V, d) = (rows, cols); a (d, V) reply is named as the transposed layout.
arma::mat matrix_from_protocol(const nlohmann::ordered_json& j, const std::string& what,
                               arma::uword rows, arma::uword cols);

class SolutionClient {
 public:
  SolutionClient(std::vector<std::string> argv, SandboxLimits limits);

  // Sends one request and returns the reply's "result" object, or throws
  // std::runtime_error with the reason (the function's name first).
  nlohmann::ordered_json call(const std::string& function, const nlohmann::ordered_json& args);

  // Starts the solution now (normally the first call does); a failure is kept
  // in startup_error() and every call reports it.
  void start();
  // From now on every call fails with `reason` (the harness found that nothing
  // could run in this environment, e.g. an interpreter without numpy).
  void fail_every_call(std::string reason);

  // What the solution said about itself at start-up, or why it could not start.
  std::string language() const { return language_; }
  std::vector<std::string> announced_functions() const { return functions_; }
  std::optional<std::string> startup_error() const { return startup_error_; }
  // Notes from the handshake (e.g. the Python adapter's stand-in utils module),
  // each once however often the solution was restarted.
  std::vector<std::string> startup_notes() const { return startup_notes_; }
  // Warnings from replies (float32 results, np.random use) since the last call
  // of take_warnings().
  std::vector<std::string> take_warnings();
  std::string output_tail(std::size_t max_bytes) const { return process_.output_tail(max_bytes); }
  std::size_t output_bytes() const { return process_.output_bytes(); }
  const SolutionProcess& process() const { return process_; }
  std::size_t requests() const { return requests_; }
  // Closes the channel so the solution exits cleanly; kills what it left.
  void finish() { process_.stop(); }

 private:
  void ensure_started();
  void read_handshake(const nlohmann::ordered_json& hello);
  nlohmann::ordered_json exchange(const std::string& function, const nlohmann::ordered_json& args);
  nlohmann::ordered_json result_of(const nlohmann::ordered_json& reply, const std::string& unit);

  SolutionProcess process_;
  bool started_once_ = false;
  std::string language_;
  std::vector<std::string> functions_;
  std::optional<std::string> startup_error_;
  std::vector<std::string> startup_notes_;
  std::map<std::string, std::string> broken_;  // function → why it is not called again
  std::vector<std::string> warnings_;
  // The catalog asks for the loss and the gradient of the same point in two
  // calls; the last few replies are kept so that costs one request.
  std::vector<std::pair<std::string, nlohmann::ordered_json>> recent_;
  long next_id_ = 1;
  std::size_t requests_ = 0;
};

// Word2vecFunctions backed by the solution (sigmoid, sigmoid_grad,
// naive_softmax, neg_sampling, skipgram); ReLU entries stay empty, and so does
// sigmoid_grad if the solution does not list it (the course's word2vec.py has
// none; the protocol makes it optional). Starts the solution to find out.
Word2vecFunctions solution_functions(std::shared_ptr<SolutionClient> client);

}  // namespace w2v
