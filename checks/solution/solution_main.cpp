// The main() linked into every C++ solution by w2v_add_solution(): serves the
// solution protocol, version 1 (docs/protocol.md), calling the student's
// w2v::solution functions. Requests arrive on fd 3, replies leave on fd 4,
// exactly one reply line per request line (an empty or non-JSON line gets a
// bad_request reply); the student's own output goes to stdout/stderr, which
// the harness only logs. A function the student's sources do not define
// still links (a weak default, below) and replies not_implemented.
#include "protocol_json.hpp"
#include "w2v/solution.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

namespace {

namespace sol = w2v::solution;
using w2v::protocol::BadRequest;
using w2v::protocol::Fields;
using w2v::protocol::Json;
using w2v::protocol::matrix_json;
using w2v::protocol::number_json;
using w2v::protocol::vector_json;

constexpr int kRequestFd = 3;
constexpr int kReplyFd = 4;

class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // False at end of input; a last line without '\n' still counts.
  bool next(std::string& line) {
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        line.assign(buffer_, 0, nl);
        buffer_.erase(0, nl + 1);
        return true;
      }
      char chunk[1 << 16];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (buffer_.empty()) return false;
        line = std::move(buffer_);
        buffer_.clear();
        return true;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

void write_line(const Json& reply) {
  // replace: an exception message from student code need not be valid UTF-8.
  std::string line = reply.dump(-1, ' ', false, Json::error_handler_t::replace);
  line += '\n';
  for (std::size_t done = 0; done < line.size();) {
    const ssize_t n = ::write(kReplyFd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) std::_Exit(1);  // the harness is gone; nobody is left to tell
    done += static_cast<std::size_t>(n);
  }
}

template <typename T>
bool same_bits(const arma::Mat<T>& a, const arma::Mat<T>& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         (a.n_elem == 0 || std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(T)) == 0);
}

// Inputs are const&, but a const_cast can still write to them; the harness
// must learn of it, because its next probe would otherwise see altered inputs.
class MutationWatch {
 public:
  template <typename T>
  void watch(std::string name, const arma::Mat<T>& live) {
    checks_.emplace_back(std::move(name), [&live, copy = arma::Mat<T>(live)] {
      return !same_bits(live, copy);
    });
  }

  Json mutated() const {
    Json names = Json::array();
    for (const auto& [name, changed] : checks_)
      if (changed()) names.push_back(name);
    return names;
  }

 private:
  std::vector<std::pair<std::string, std::function<bool()>>> checks_;
};

// What a call returned, and which of its inputs it changed; the inputs live
// in the call_* functions, so the watch is read before they return.
struct Outcome {
  Json result;
  Json mutated;
};

Json loss_and_gradient_json(const sol::LossAndGradient& r) {
  return Json{{"loss", number_json(r.loss)},
              {"grad_center_vec", vector_json(r.grad_center_vec)},
              {"grad_outside_vectors", matrix_json(r.grad_outside_vectors)}};
}

Outcome call_sigmoid(const Fields& args, bool grad) {
  const arma::vec x = args.vector("x");
  MutationWatch watch;
  watch.watch("x", x);
  Json result{{"value", vector_json(grad ? sol::sigmoid_grad(x) : sol::sigmoid(x))}};
  return {std::move(result), watch.mutated()};
}

Outcome call_word_loss(const Fields& args, bool negative_sampling) {
  const arma::vec center_vec = args.vector("center_vec");
  const arma::uword outside_idx = args.index("outside_idx");
  const arma::mat outside_vectors = args.matrix("outside_vectors");
  const arma::uvec negatives = negative_sampling ? args.indices("negative_indices") : arma::uvec();
  MutationWatch watch;
  watch.watch("center_vec", center_vec);
  watch.watch("outside_vectors", outside_vectors);
  if (negative_sampling) watch.watch("negative_indices", negatives);
  Json result = loss_and_gradient_json(
      negative_sampling
          ? sol::neg_sampling_loss_and_gradient(center_vec, outside_idx, outside_vectors, negatives)
          : sol::naive_softmax_loss_and_gradient(center_vec, outside_idx, outside_vectors));
  return {std::move(result), watch.mutated()};
}

Outcome call_skipgram(const Fields& args) {
  const arma::uword center_idx = args.index("center_idx");
  const arma::uvec context = args.indices("context_indices");
  const arma::mat center_vectors = args.matrix("center_vectors");
  const arma::mat outside_vectors = args.matrix("outside_vectors");
  const std::string loss = args.string("loss");

  // The harness drew the negatives; call j of the student's word loss gets list j.
  // The counter lives outside the closure: std::function copies its target.
  std::vector<arma::uvec> negatives;
  std::size_t calls = 0;
  sol::WordLossFn word_loss;
  if (loss == "naive_softmax") {
    word_loss = sol::naive_softmax_loss_and_gradient;
  } else if (loss == "neg_sampling") {
    negatives = args.index_lists("negatives_per_context");
    if (negatives.size() != context.n_elem)
      throw BadRequest("args.negatives_per_context: expected one list per context word (" +
                       std::to_string(context.n_elem) + "), got " +
                       std::to_string(negatives.size()));
    word_loss = [&negatives, &calls](const arma::vec& v_c, arma::uword o, const arma::mat& u) {
      if (calls >= negatives.size())
        throw std::runtime_error("skipgram called the word loss more than once per context word (" +
                                 std::to_string(negatives.size()) +
                                 " context words): the harness has no negative samples for call " +
                                 std::to_string(calls + 1));
      return sol::neg_sampling_loss_and_gradient(v_c, o, u, negatives[calls++]);
    };
  } else {
    throw BadRequest("args.loss: expected \"naive_softmax\" or \"neg_sampling\", got \"" + loss +
                     "\"");
  }

  MutationWatch watch;
  watch.watch("context_indices", context);
  watch.watch("center_vectors", center_vectors);
  watch.watch("outside_vectors", outside_vectors);
  const sol::SkipgramResult r =
      sol::skipgram(center_idx, context, center_vectors, outside_vectors, word_loss);
  Json result{{"loss", number_json(r.loss)},
              {"grad_center_vectors", matrix_json(r.grad_center_vectors)},
              {"grad_outside_vectors", matrix_json(r.grad_outside_vectors)}};
  return {std::move(result), watch.mutated()};
}

std::string type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? name.get() : type.name();
}

// Thrown by the weak defaults below, never by a student's code.
struct UndefinedFunction : std::logic_error {
  explicit UndefinedFunction(const std::string& function)
      : std::logic_error(function + " is not implemented: the solution's sources do not define "
                                    "w2v::solution::" + function) {}
};

Json error_reply(const Json& id, const char* kind, const std::string& message) {
  return Json{{"id", id}, {"ok", false}, {"error", {{"kind", kind}, {"message", message}}}};
}

Json serve(const std::string& line) {
  Json id = nullptr;  // a reply to a request whose id cannot be read says "id": null
  try {
    Json request;
    try {
      request = Json::parse(line);
    } catch (const Json::parse_error& e) {
      throw BadRequest(std::string("request is not valid JSON: ") + e.what());
    }
    const Fields fields(request, "");
    if (!fields.at("id").is_number_integer())
      throw BadRequest(std::string("id: expected an integer, got ") + fields.at("id").type_name());
    id = fields.at("id");
    const std::string function = fields.string("function");
    const Fields args(fields.at("args"), "args");

    Outcome out;
    if (function == "sigmoid" || function == "sigmoid_grad")
      out = call_sigmoid(args, function == "sigmoid_grad");
    else if (function == "naive_softmax_loss_and_gradient" ||
             function == "neg_sampling_loss_and_gradient")
      out = call_word_loss(args, function == "neg_sampling_loss_and_gradient");
    else if (function == "skipgram")
      out = call_skipgram(args);
    else
      // A newer harness may ask for a function this main predates: to the
      // grade that is a missing function, not a broken channel.
      return error_reply(id, "not_implemented", "unknown function \"" + function + "\"");
    return Json{{"id", id}, {"ok", true}, {"result", std::move(out.result)},
                {"mutated", std::move(out.mutated)}};
  } catch (const BadRequest& e) {
    return error_reply(id, "bad_request", e.what());
  } catch (const UndefinedFunction& e) {
    return error_reply(id, "not_implemented", e.what());
  } catch (const w2v::not_implemented& e) {
    return error_reply(id, "not_implemented", e.what());
  } catch (const std::exception& e) {
    return error_reply(id, "exception", type_name(typeid(e)) + ": " + e.what());
  } catch (...) {
    return error_reply(id, "exception", "unknown exception (not derived from std::exception)");
  }
}

// Every request is a handful of small products: one BLAS thread keeps the
// student's loss bit-reproducible between the harness's probes and keeps the
// CPU-time limit about this process's work. OpenBLAS is looked up at run time
// (Debian reaches it through the libblas.so.3 alternative); no-op otherwise.
void use_one_blas_thread() {
  using SetThreads = void (*)(int);
  if (void* sym = ::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))
    reinterpret_cast<SetThreads>(sym)(1);
}

bool fd_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// The defaults the student's definitions replace at link time; an asm label
// gives each a plain symbol name for the weak aliases below.
arma::vec default_sigmoid(const arma::vec&) asm("w2v_solution_default_sigmoid");
arma::vec default_sigmoid(const arma::vec&) { throw UndefinedFunction("sigmoid"); }
arma::vec default_sigmoid_grad(const arma::vec&) asm("w2v_solution_default_sigmoid_grad");
arma::vec default_sigmoid_grad(const arma::vec&) { throw UndefinedFunction("sigmoid_grad"); }
sol::LossAndGradient default_naive_softmax(const arma::vec&, arma::uword, const arma::mat&) asm(
    "w2v_solution_default_naive_softmax");
sol::LossAndGradient default_naive_softmax(const arma::vec&, arma::uword, const arma::mat&) {
  throw UndefinedFunction("naive_softmax_loss_and_gradient");
}
sol::LossAndGradient default_neg_sampling(const arma::vec&, arma::uword, const arma::mat&,
                                          const arma::uvec&) asm("w2v_solution_default_neg_sampling");
sol::LossAndGradient default_neg_sampling(const arma::vec&, arma::uword, const arma::mat&,
                                          const arma::uvec&) {
  throw UndefinedFunction("neg_sampling_loss_and_gradient");
}
sol::SkipgramResult default_skipgram(arma::uword, const arma::uvec&, const arma::mat&,
                                     const arma::mat&, const sol::WordLossFn&)
    asm("w2v_solution_default_skipgram");
sol::SkipgramResult default_skipgram(arma::uword, const arma::uvec&, const arma::mat&,
                                     const arma::mat&, const sol::WordLossFn&) {
  throw UndefinedFunction("skipgram");
}

// Whether the student's sources define `function` (the linker then picked
// theirs over the weak alias of `fallback`): the handshake lists only those,
// so an optional function left out (sigmoid_grad) is skipped, not failed.
template <typename F>
bool defined(F* function, F* fallback) {
  return reinterpret_cast<void*>(function) != reinterpret_cast<void*>(fallback);
}

}  // namespace

// Weak: any definition in the student's sources wins. (A definition inside a
// static library would not: the linker never pulls an archive member for a
// symbol already defined; w2v_add_solution() compiles the sources in.)
namespace w2v::solution {
arma::vec sigmoid(const arma::vec& x) __attribute__((weak, alias("w2v_solution_default_sigmoid")));
arma::vec sigmoid_grad(const arma::vec& x)
    __attribute__((weak, alias("w2v_solution_default_sigmoid_grad")));
LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec, arma::uword outside_idx,
                                                const arma::mat& outside_vectors)
    __attribute__((weak, alias("w2v_solution_default_naive_softmax")));
LossAndGradient neg_sampling_loss_and_gradient(const arma::vec& center_vec, arma::uword outside_idx,
                                               const arma::mat& outside_vectors,
                                               const arma::uvec& negative_indices)
    __attribute__((weak, alias("w2v_solution_default_neg_sampling")));
SkipgramResult skipgram(arma::uword center_idx, const arma::uvec& context_indices,
                        const arma::mat& center_vectors, const arma::mat& outside_vectors,
                        const WordLossFn& word_loss)
    __attribute__((weak, alias("w2v_solution_default_skipgram")));
}  // namespace w2v::solution

namespace {

Json defined_functions() {
  Json functions = Json::array();
  if (defined(&sol::sigmoid, &default_sigmoid)) functions.push_back("sigmoid");
  if (defined(&sol::sigmoid_grad, &default_sigmoid_grad)) functions.push_back("sigmoid_grad");
  if (defined(&sol::naive_softmax_loss_and_gradient, &default_naive_softmax))
    functions.push_back("naive_softmax_loss_and_gradient");
  if (defined(&sol::neg_sampling_loss_and_gradient, &default_neg_sampling))
    functions.push_back("neg_sampling_loss_and_gradient");
  if (defined(&sol::skipgram, &default_skipgram)) functions.push_back("skipgram");
  return functions;
}

}  // namespace

int main() {
  if (!fd_open(kRequestFd) || !fd_open(kReplyFd)) {
    std::fputs(
        "this program is a w2v-gradcheck solution; it is run by the harness: "
        "w2v-gradcheck grade --solution <path>\n",
        stderr);
    return 2;
  }
  // Programs the student's code starts (system(), popen()) must not hold the
  // channel open: the harness would see neither end of file nor a reply.
  ::fcntl(kRequestFd, F_SETFD, FD_CLOEXEC);
  ::fcntl(kReplyFd, F_SETFD, FD_CLOEXEC);
  // Line-buffered, so a crash loses at most the student's last partial line
  // from the log the harness shows.
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  use_one_blas_thread();

  write_line(Json{{"protocol", 1}, {"ready", true}, {"language", "c++"},
                  {"functions", defined_functions()}});

  LineReader requests(kRequestFd);
  for (std::string line; requests.next(line);) {
    const Json reply = serve(line);
    std::cout.flush();
    std::fflush(nullptr);
    write_line(reply);
  }
  return 0;
}
