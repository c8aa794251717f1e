#include "checks/solution_client.hpp"

#include "checks/solution/protocol_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace w2v {

using json = nlohmann::ordered_json;
using protocol::matrix_json;
using protocol::vector_json;

namespace {

std::string shape_text(arma::uword rows, arma::uword cols) {
  return fmt::format("({}, {})", rows, cols);
}

std::string short_json(const json& j) {
  std::string s = j.dump();
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

const json& field(const json& object, const std::string& name, const std::string& what) {
  if (!object.is_object() || !object.contains(name))
    throw std::runtime_error(fmt::format("{} has no field \"{}\": {}", what, name, short_json(object)));
  return object.at(name);
}

// The result must be a (V, d) matrix; a (d, V) one is the classic Uᵀ layout.
arma::mat expect_matrix(const json& result, const std::string& name, arma::uword V, arma::uword d) {
  arma::mat m = matrix_from_protocol(field(result, name, "the result"), name);
  if (m.n_rows == V && m.n_cols == d) return m;
  std::string msg = fmt::format("returned {} of shape {}; expected (V, d) = {}", name,
                                shape_text(m.n_rows, m.n_cols), shape_text(V, d));
  if (m.n_rows == d && m.n_cols == V)
    msg += ": the transposed (d, V) layout (handout's U instead of the code's outsideVectors)";
  throw std::runtime_error(msg);
}

arma::vec expect_vector(const json& result, const std::string& name, arma::uword n) {
  arma::vec v = vector_from_protocol(field(result, name, "the result"), name);
  if (v.n_elem != n)
    throw std::runtime_error(
        fmt::format("returned {} of length {}; expected {}", name, v.n_elem, n));
  return v;
}

}  // namespace

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

arma::vec vector_from_protocol(const json& j, const std::string& what) {
  if (!j.is_array())
    throw std::runtime_error(
        fmt::format("returned {} = {}, expected an array of numbers", what, short_json(j)));
  arma::vec v(j.size());
  for (std::size_t i = 0; i < j.size(); ++i)
    v[i] = number_from_protocol(j[i], fmt::format("{}[{}]", what, i));
  return v;
}

arma::mat matrix_from_protocol(const json& j, const std::string& what) {
  if (!j.is_object() || !j.contains("rows") || !j.contains("cols") || !j.contains("data") ||
      !j["rows"].is_number_unsigned() || !j["cols"].is_number_unsigned() || !j["data"].is_array())
    throw std::runtime_error(fmt::format(
        "returned {} = {}, expected a matrix {{\"rows\", \"cols\", \"data\"}}", what, short_json(j)));
  const auto rows = j["rows"].get<arma::uword>(), cols = j["cols"].get<arma::uword>();
  const json& data = j["data"];
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

void SolutionClient::ensure_started() {
  if (process_.running() || startup_error_) return;
  json hello;
  try {
    const std::string line = process_.start();
    try {
      hello = json::parse(line);
    } catch (const json::parse_error&) {
      throw SolutionFailure(FailureKind::start_failed,
                            fmt::format("its first line is not a protocol handshake: {}",
                                        line.substr(0, 200)));
    }
  } catch (const SolutionFailure& f) {
    // Never started, or fails at start-up: no call could succeed.
    if (!started_once_) startup_error_ = fmt::format("the solution did not start: {}", f.what());
    throw;
  }
  started_once_ = true;
  if (!hello.is_object() || hello.value("protocol", json()) != json(kProtocolVersion)) {
    startup_error_ = fmt::format(
        "the solution speaks protocol {}, this harness speaks protocol {} (docs/protocol.md)",
        hello.is_object() && hello.contains("protocol") ? hello["protocol"].dump() : "(none)",
        kProtocolVersion);
    process_.stop();
    return;
  }
  language_ = hello.value("language", "");
  functions_ = hello.value("functions", std::vector<std::string>{});
  for (const json& n : hello.value("notes", json::array()))
    if (n.is_string()) startup_notes_.push_back(n.get<std::string>());
  if (!hello.value("ready", false)) {
    const json err = hello.value("error", json::object());
    startup_error_ = fmt::format("the solution could not be loaded ({}): {}",
                                 err.value("kind", "error"), err.value("message", "no message"));
    const std::string tb = err.value("traceback", "");
    if (!tb.empty()) *startup_error_ += "\n" + tb;
    process_.stop();
  }
}

json SolutionClient::exchange(const std::string& function, const json& args) {
  const long id = next_id_++;
  const json request = {{"id", id}, {"function", function}, {"args", args}};
  ++requests_;
  const std::string line = process_.exchange(request.dump());
  json reply;
  try {
    reply = json::parse(line);
  } catch (const json::parse_error&) {
    process_.stop();  // the channel is out of step: start afresh for the next call
    throw SolutionFailure(FailureKind::protocol_error,
                          fmt::format("unparsable reply (not one JSON object per line): {}",
                                      line.substr(0, 200)));
  }
  if (!reply.is_object() || reply.value("id", json()) != json(id)) {
    process_.stop();
    throw SolutionFailure(FailureKind::protocol_error,
                          fmt::format("reply for the wrong request (expected id {}): {}", id,
                                      short_json(reply)));
  }
  return reply;
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
    for (const json& w : reply.value("warnings", json::array()))
      if (w.is_string()) warnings_.push_back(w.get<std::string>());
    if (!reply.value("ok", false)) {
      const json err = reply.value("error", json::object());
      const std::string kind = err.value("kind", "error");
      std::string msg = err.value("message", "no message");
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
      const std::string tb = err.value("traceback", "");
      throw std::runtime_error(tb.empty() ? msg : msg + "\n" + tb);
    }
    const json mutated = reply.value("mutated", json::array());
    if (!mutated.empty()) {
      std::string names;
      for (const json& m : mutated) names += (names.empty() ? "" : ", ") + m.dump();
      throw std::runtime_error(fmt::format(
          "changed its inputs in place ({}): inputs are read-only, work on a copy", names));
    }
    json result = field(reply, "result", "the reply");
    recent_.emplace_back(std::move(key), result);
    if (recent_.size() > 4) recent_.erase(recent_.begin());
    return result;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{}: {}", function, e.what()));
  }
}

Word2vecFunctions solution_functions(std::shared_ptr<SolutionClient> client) {
  Word2vecFunctions f;
  f.sigmoid = [client](const arma::vec& x) {
    const json r = client->call("sigmoid", {{"x", vector_json(x)}});
    try {
      return expect_vector(r, "value", x.n_elem);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("sigmoid: {}", e.what()));
    }
  };
  client->start();
  const std::vector<std::string> listed = client->announced_functions();
  const bool has_sigmoid_grad =
      listed.empty() || std::find(listed.begin(), listed.end(), "sigmoid_grad") != listed.end();
  if (has_sigmoid_grad) f.sigmoid_grad = [client](const arma::vec& x) {
    const json r = client->call("sigmoid_grad", {{"x", vector_json(x)}});
    try {
      return expect_vector(r, "value", x.n_elem);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("sigmoid_grad: {}", e.what()));
    }
  };
  auto word_loss = [client](const std::string& function, json args, arma::uword d, arma::uword V) {
    const json r = client->call(function, args);
    try {
      LossAndGradient out;
      out.loss = number_from_protocol(field(r, "loss", "the result"), "loss");
      out.grad_center = expect_vector(r, "grad_center_vec", d);
      out.grad_outside = expect_matrix(r, "grad_outside_vectors", V, d);
      return out;
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("{}: {}", function, e.what()));
    }
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
    const json r = client->call(
        "skipgram", {{"center_idx", c},
                     {"context_indices", std::vector<arma::uword>(context.begin(), context.end())},
                     {"center_vectors", matrix_json(center_vectors)},
                     {"outside_vectors", matrix_json(outside_vectors)},
                     {"loss", kind == WordLossKind::naive_softmax ? "naive_softmax" : "neg_sampling"},
                     {"negatives_per_context", std::move(negatives)}});
    try {
      SkipgramResult out;
      out.loss = number_from_protocol(field(r, "loss", "the result"), "loss");
      out.grad_center_vectors =
          expect_matrix(r, "grad_center_vectors", center_vectors.n_rows, center_vectors.n_cols);
      out.grad_outside =
          expect_matrix(r, "grad_outside_vectors", outside_vectors.n_rows, outside_vectors.n_cols);
      return out;
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("skipgram: {}", e.what()));
    }
  };
  f.take_notes = [client] { return client->take_warnings(); };
  return f;
}

}  // namespace w2v
