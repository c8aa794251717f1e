#include "checks/solution_client.hpp"

#include "checks/solution/protocol_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace w2v {

using json = nlohmann::ordered_json;
using protocol::matrix_json;
using protocol::vector_json;

namespace {

std::string shape_text(arma::uword rows, arma::uword cols) {
  return fmt::format("({}, {})", rows, cols);
}

// Safe on anything parse_solution_line() returned: its depth is bounded, and
// its strings are valid UTF-8 (the parser checks).
std::string short_json(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

// A handshake or reply that is JSON but not what docs/protocol.md describes.
// The message names the field; the catcher says where it was.
struct ProtocolViolation : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string a_type(const json& j) {
  const std::string_view type = j.type_name();
  const bool vowel = !type.empty() && std::string_view("aeiou").find(type[0]) != std::string_view::npos;
  return fmt::format("{} {} ({})", vowel ? "an" : "a", type, short_json(j));
}

// The members of a handshake or reply object, read with the types the
// protocol gives them: a wrong type is a ProtocolViolation such as
// 'field "ok" is a string ("yes"), expected true or false'.
class Envelope {
 public:
  Envelope(const json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object())
      throw ProtocolViolation(fmt::format("{} is {}, expected a JSON object",
                                          path_.empty() ? "it" : "field \"" + path_ + "\"",
                                          a_type(object_)));
  }

  const json* find(std::string_view key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  std::optional<bool> boolean(std::string_view key) const {
    const json* j = find(key);
    if (j == nullptr) return std::nullopt;
    if (!j->is_boolean()) wrong(key, *j, "true or false");
    return j->get<bool>();
  }

  std::optional<std::string> string(std::string_view key) const {
    const json* j = find(key);
    if (j == nullptr) return std::nullopt;
    if (!j->is_string()) wrong(key, *j, "a string");
    return j->get<std::string>();
  }

  std::vector<std::string> strings(std::string_view key) const {
    const json* j = find(key);
    std::vector<std::string> out;
    if (j == nullptr) return out;
    if (!j->is_array()) wrong(key, *j, "an array of strings");
    for (const json& s : *j) {
      if (!s.is_string()) wrong(key, *j, "an array of strings");
      out.push_back(s.get<std::string>());
    }
    return out;
  }

  std::optional<Envelope> object(std::string_view key) const {
    const json* j = find(key);
    if (j == nullptr) return std::nullopt;
    if (!j->is_object()) wrong(key, *j, "a JSON object");
    return Envelope(*j, name(key));
  }

  const json& value() const { return object_; }

 private:
  std::string name(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  [[noreturn]] void wrong(std::string_view key, const json& j, const char* expected) const {
    throw ProtocolViolation(
        fmt::format("field \"{}\" is {}, expected {}", name(key), a_type(j), expected));
  }

  const json& object_;
  std::string path_;
};

// "[json.exception.parse_error.101] parse error at …" without the bracket.
std::string without_json_prefix(const char* what) {
  std::string_view s(what);
  if (s.starts_with("[json.exception.")) {
    const std::size_t end = s.find("] ");
    if (end != std::string_view::npos) s.remove_prefix(end + 2);
  }
  return std::string(s);
}

// An output of the result: present, or named in the message as missing.
const json& output_field(const json& result, const std::string& name) {
  const auto it = result.find(name);
  if (it == result.end())
    throw std::runtime_error(
        fmt::format("returned no {} (the result has no field \"{}\")", name, name));
  return *it;
}

arma::vec expect_vector(const json& result, const std::string& name, arma::uword n) {
  return vector_from_protocol(output_field(result, name), name, n);
}

arma::mat expect_matrix(const json& result, const std::string& name, arma::uword rows,
                        arma::uword cols) {
  return matrix_from_protocol(output_field(result, name), name, rows, cols);
}

// Reads one gradient output into `out`; when it is malformed, `out` gets NaN
// of the expected size (so nothing reading it by mistake could pass) and the
// reason goes to `unusable[member]`: only the checks reading it fail.
template <typename T, typename Read>
void read_output(T& out, std::map<std::string, std::string>& unusable, const char* member,
                 const std::string& function, arma::uword rows, arma::uword cols, Read read) {
  try {
    out = read();
  } catch (const std::runtime_error& e) {
    out.set_size(rows, cols);
    out.fill(arma::datum::nan);
    unusable[member] = fmt::format("{}: {}", function, e.what());
  }
}

}  // namespace

json parse_solution_line(const std::string& line) {
  const json::parser_callback_t limit_depth = [](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxReplyDepth)
      throw MalformedLine(fmt::format("nested deeper than {} levels", kMaxReplyDepth));
    return true;
  };
  try {
    return json::parse(line, limit_depth);
  } catch (const json::exception& e) {
    throw MalformedLine(without_json_prefix(e.what()));
  }
}

double number_from_protocol(const json& j, const std::string& what) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  throw std::runtime_error(
      fmt::format("returned {} = {}, which is not a number", what, short_json(j)));
}

arma::vec vector_from_protocol(const json& j, const std::string& what, arma::uword length) {
  if (!j.is_array())
    throw std::runtime_error(
        fmt::format("returned {} = {}, expected an array of numbers", what, short_json(j)));
  if (j.size() != length)
    throw std::runtime_error(
        fmt::format("returned {} of length {}; expected {}", what, j.size(), length));
  arma::vec v(length);
  for (arma::uword i = 0; i < length; ++i)
    v[i] = number_from_protocol(j[i], fmt::format("{}[{}]", what, i));
  return v;
}

arma::mat matrix_from_protocol(const json& j, const std::string& what, arma::uword rows,
                               arma::uword cols) {
  if (!j.is_object() || !j.contains("rows") || !j.contains("cols") || !j.contains("data"))
    throw std::runtime_error(fmt::format(
        "returned {} = {}, expected a matrix {{\"rows\", \"cols\", \"data\"}}", what, short_json(j)));
  for (const char* dim : {"rows", "cols"})
    if (!j[dim].is_number_unsigned())
      throw std::runtime_error(fmt::format(
          "returned {} with {} = {}: expected a matrix whose rows and cols are non-negative "
          "integers",
          what, dim, short_json(j[dim])));
  // The shape first: rows × cols of a garbage reply may overflow (2^32 × 2^32
  // is 0 in 64 bits), while the expected one is a matrix the harness holds.
  const auto got_rows = j["rows"].get<std::uint64_t>(), got_cols = j["cols"].get<std::uint64_t>();
  if (got_rows != rows || got_cols != cols) {
    std::string msg = fmt::format("returned {} of shape ({}, {}); expected (V, d) = {}", what,
                                  got_rows, got_cols, shape_text(rows, cols));
    if (got_rows == cols && got_cols == rows && rows != cols)
      msg += ": the transposed (d, V) layout (handout's U instead of the code's outsideVectors)";
    throw std::runtime_error(msg);
  }
  const json& data = j["data"];
  if (!data.is_array())
    throw std::runtime_error(
        fmt::format("returned {} with data = {}, expected an array of numbers", what, short_json(data)));
  if (data.size() != rows * cols)
    throw std::runtime_error(fmt::format("returned {} with rows × cols = {} × {} but {} numbers",
                                         what, rows, cols, data.size()));
  arma::mat m(rows, cols);
  for (arma::uword r = 0; r < rows; ++r)
    for (arma::uword c = 0; c < cols; ++c)
      m(r, c) = number_from_protocol(data[r * cols + c], fmt::format("{}[{}, {}]", what, r, c));
  return m;
}

SolutionClient::SolutionClient(std::vector<std::string> argv, SandboxLimits limits)
    : process_(std::move(argv), limits) {}

std::vector<std::string> SolutionClient::take_warnings() {
  return std::exchange(warnings_, {});
}

void SolutionClient::start() {
  try {
    ensure_started();
  } catch (const SolutionFailure&) {
    // Kept in startup_error_ (never started) or broken on the next call.
  }
}

void SolutionClient::fail_every_call(std::string reason) {
  startup_error_ = std::move(reason);
  process_.stop();
}

void SolutionClient::ensure_started() {
  if (process_.running() || startup_error_) return;
  json hello;
  try {
    const std::string line = process_.start();
    try {
      hello = parse_solution_line(line);
    } catch (const MalformedLine& e) {
      throw SolutionFailure(FailureKind::start_failed,
                            fmt::format("its first line is not a protocol handshake ({}): {}",
                                        e.what(), line.substr(0, 200)));
    }
  } catch (const SolutionFailure& f) {
    // Never started, or fails at start-up: no call could succeed.
    if (!started_once_) startup_error_ = fmt::format("the solution did not start: {}", f.what());
    throw;
  }
  started_once_ = true;
  try {
    read_handshake(hello);
  } catch (const ProtocolViolation& e) {
    startup_error_ = fmt::format(
        "the solution did not start: its handshake is not protocol JSON (docs/protocol.md): {}: {}",
        e.what(), short_json(hello));
  }
  if (startup_error_) process_.stop();
}

void SolutionClient::read_handshake(const json& hello) {
  const Envelope h(hello, "");
  const json* protocol = h.find("protocol");
  if (protocol == nullptr || *protocol != json(kProtocolVersion)) {
    startup_error_ = fmt::format(
        "the solution speaks protocol {}, this harness speaks protocol {} (docs/protocol.md)",
        protocol != nullptr ? short_json(*protocol) : "(none)", kProtocolVersion);
    return;
  }
  const bool ready = h.boolean("ready").value_or(false);
  const std::string language = h.string("language").value_or("");
  const std::vector<std::string> functions = h.strings("functions");
  const std::vector<std::string> notes = h.strings("notes");
  const std::optional<Envelope> error = h.object("error");
  std::string kind = "error", message = "no message", traceback;
  if (!ready && error) {
    kind = error->string("kind").value_or(kind);
    message = error->string("message").value_or(message);
    traceback = error->string("traceback").value_or("");
  }
  language_ = language;
  functions_ = functions;
  // A restarted solution says the same things again.
  for (const std::string& n : notes)
    if (std::find(startup_notes_.begin(), startup_notes_.end(), n) == startup_notes_.end())
      startup_notes_.push_back(n);
  if (!ready) {
    startup_error_ = fmt::format("the solution could not be loaded ({}): {}", kind, message);
    if (!traceback.empty()) *startup_error_ += "\n" + traceback;
  }
}

json SolutionClient::exchange(const std::string& function, const json& args) {
  const long id = next_id_++;
  const json request = {{"id", id}, {"function", function}, {"args", args}};
  ++requests_;
  const std::string line = process_.exchange(request.dump());
  json reply;
  try {
    reply = parse_solution_line(line);
  } catch (const MalformedLine& e) {
    process_.stop();  // the channel is out of step: start afresh for the next call
    throw SolutionFailure(FailureKind::protocol_error,
                          fmt::format("unparsable reply (not one JSON object per line: {}): {}",
                                      e.what(), line.substr(0, 200)));
  }
  const json* got_id = reply.is_object() && reply.contains("id") ? &reply["id"] : nullptr;
  if (got_id == nullptr || *got_id != json(id)) {
    process_.stop();
    throw SolutionFailure(FailureKind::protocol_error,
                          fmt::format("reply for the wrong request (expected id {}): {}", id,
                                      short_json(reply)));
  }
  return reply;
}

// The reply is in step (its id matched), so a wrongly typed field fails this
// call only; the solution keeps serving.
json SolutionClient::result_of(const json& reply, const std::string& unit) {
  const Envelope r(reply, "");
  for (std::string& w : r.strings("warnings")) warnings_.push_back(std::move(w));
  const std::optional<bool> ok = r.boolean("ok");
  if (!ok) throw ProtocolViolation("no field \"ok\"");
  if (!*ok) {
    const std::optional<Envelope> err = r.object("error");
    if (!err) throw ProtocolViolation("\"ok\": false without an \"error\" object");
    const std::string kind = err->string("kind").value_or("error");
    std::string msg = err->string("message").value_or("no message");
    const std::string tb = err->string("traceback").value_or("");
    if (kind == "not_implemented") throw std::runtime_error("not implemented: " + msg);
    if (kind == "exception") msg = "raised an exception: " + msg;
    // Running out of memory costs seconds each time: like a crash, once is enough.
    if (kind == "exception" && (msg.find("bad_alloc") != std::string::npos ||
                                msg.find("MemoryError") != std::string::npos)) {
      msg = fmt::format("ran out of memory (address-space limit {} MiB): {}",
                        process_.limits().address_space_bytes >> 20, msg);
      broken_[unit] = msg;
    }
    if (kind == "bad_result") msg = "returned a bad result: " + msg;
    if (kind == "bad_request") msg = "rejected the request (harness bug, please report): " + msg;
    throw std::runtime_error(tb.empty() ? msg : msg + "\n" + tb);
  }
  const std::vector<std::string> mutated = r.strings("mutated");
  if (!mutated.empty()) {
    std::string names;
    for (const std::string& m : mutated) names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", m);
    throw std::runtime_error(fmt::format(
        "changed its inputs in place ({}): inputs are read-only, work on a copy", names));
  }
  const std::optional<Envelope> result = r.object("result");
  if (!result) throw ProtocolViolation("\"ok\": true without a \"result\" object");
  return result->value();
}

json SolutionClient::call(const std::string& function, const json& args) {
  // skipgram with naive softmax and with negative sampling run different
  // student code: one crashing must not silence the other.
  const std::string unit =
      args.contains("loss") ? function + " (" + args["loss"].get<std::string>() + ")" : function;
  try {
    if (startup_error_) throw std::runtime_error(*startup_error_);
    if (const auto b = broken_.find(unit); b != broken_.end())
      throw std::runtime_error(fmt::format("not called again after it failed earlier in this run: {}",
                                           b->second));
    std::string key = function + args.dump();
    for (const auto& [k, v] : recent_)
      if (k == key) return v;

    json reply;
    try {
      ensure_started();
      if (startup_error_) throw std::runtime_error(*startup_error_);
      reply = exchange(function, args);
    } catch (const SolutionFailure& f) {
      if (startup_error_) throw std::runtime_error(*startup_error_);
      broken_[unit] = f.what();
      throw std::runtime_error(f.what());
    }
    json result = result_of(reply, unit);
    recent_.emplace_back(std::move(key), result);
    if (recent_.size() > 4) recent_.erase(recent_.begin());
    return result;
  } catch (const ProtocolViolation& e) {
    throw std::runtime_error(fmt::format("{}: unparsable reply ({}): it does not follow "
                                         "docs/protocol.md",
                                         function, e.what()));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{}: {}", function, e.what()));
  } catch (const nlohmann::json::exception& e) {
    // Every read above checks its type first; should one slip through, it is
    // still the solution's garbage, not a harness crash.
    throw std::runtime_error(
        fmt::format("{}: unparsable reply ({})", function, without_json_prefix(e.what())));
  }
}

Word2vecFunctions solution_functions(std::shared_ptr<SolutionClient> client) {
  Word2vecFunctions f;
  auto elementwise = [client](const char* function) {
    return [client, function](const arma::vec& x) {
      const json r = client->call(function, {{"x", vector_json(x)}});
      try {
        return expect_vector(r, "value", x.n_elem);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(fmt::format("{}: {}", function, e.what()));
      }
    };
  };
  f.sigmoid = elementwise("sigmoid");
  client->start();
  const std::vector<std::string> listed = client->announced_functions();
  const bool has_sigmoid_grad =
      listed.empty() || std::find(listed.begin(), listed.end(), "sigmoid_grad") != listed.end();
  if (has_sigmoid_grad) f.sigmoid_grad = elementwise("sigmoid_grad");
  // Every check reads the loss, so a malformed loss fails the call; each
  // gradient is read on its own (read_output).
  auto word_loss = [client](const std::string& function, json args, arma::uword d, arma::uword V) {
    const json r = client->call(function, args);
    LossAndGradient out;
    try {
      out.loss = number_from_protocol(output_field(r, "loss"), "loss");
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("{}: {}", function, e.what()));
    }
    read_output(out.grad_center, out.unusable, "grad_center", function, d, 1,
                [&] { return expect_vector(r, "grad_center_vec", d); });
    read_output(out.grad_outside, out.unusable, "grad_outside", function, V, d,
                [&] { return expect_matrix(r, "grad_outside_vectors", V, d); });
    return out;
  };
  f.naive_softmax = [word_loss](const arma::vec& v, arma::uword o, const arma::mat& U) {
    return word_loss("naive_softmax_loss_and_gradient",
                     {{"center_vec", vector_json(v)}, {"outside_idx", o}, {"outside_vectors", matrix_json(U)}},
                     v.n_elem, U.n_rows);
  };
  f.neg_sampling = [word_loss](const arma::vec& v, arma::uword o, const arma::mat& U,
                               const arma::uvec& negatives) {
    return word_loss("neg_sampling_loss_and_gradient",
                     {{"center_vec", vector_json(v)},
                      {"outside_idx", o},
                      {"outside_vectors", matrix_json(U)},
                      {"negative_indices", std::vector<arma::uword>(negatives.begin(), negatives.end())}},
                     v.n_elem, U.n_rows);
  };
  f.skipgram = [client](arma::uword c, const arma::uvec& context, const arma::mat& center_vectors,
                        const arma::mat& outside_vectors, WordLossKind kind,
                        const std::vector<arma::uvec>& negatives_per_context) {
    json negatives = json::array();
    for (arma::uword j = 0; j < context.n_elem; ++j) {
      if (kind == WordLossKind::neg_sampling && j < negatives_per_context.size())
        negatives.push_back(std::vector<arma::uword>(negatives_per_context[j].begin(),
                                                     negatives_per_context[j].end()));
      else
        negatives.push_back(json::array());
    }
    const std::string function = "skipgram";
    const json r = client->call(
        function, {{"center_idx", c},
                   {"context_indices", std::vector<arma::uword>(context.begin(), context.end())},
                   {"center_vectors", matrix_json(center_vectors)},
                   {"outside_vectors", matrix_json(outside_vectors)},
                   {"loss", kind == WordLossKind::naive_softmax ? "naive_softmax" : "neg_sampling"},
                   {"negatives_per_context", std::move(negatives)}});
    SkipgramResult out;
    try {
      out.loss = number_from_protocol(output_field(r, "loss"), "loss");
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("{}: {}", function, e.what()));
    }
    const arma::uword V = center_vectors.n_rows, d = center_vectors.n_cols;
    read_output(out.grad_center_vectors, out.unusable, "grad_center_vectors", function, V, d,
                [&] { return expect_matrix(r, "grad_center_vectors", V, d); });
    read_output(out.grad_outside, out.unusable, "grad_outside", function, outside_vectors.n_rows,
                outside_vectors.n_cols, [&] {
                  return expect_matrix(r, "grad_outside_vectors", outside_vectors.n_rows,
                                       outside_vectors.n_cols);
                });
    return out;
  };
  f.take_notes = [client] { return client->take_warnings(); };
  return f;
}

}  // namespace w2v
