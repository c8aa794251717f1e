// checks/solution_client.hpp: every way a solution's handshake or reply can be
// malformed — garbage, wrong id, wrongly typed fields, sizes that overflow,
// nesting that would overflow the stack, numbers no double holds — becomes a
// failed call whose message names the function and the field, never a harness
// crash; one malformed output fails only what reads it; and a C++ solution
// missing functions still builds and says "not implemented". Fake solutions
// answer every request with one canned line (tests/support/fake_solution.hpp).
#define BOOST_TEST_MODULE checks_solution_client
#include <boost/test/unit_test.hpp>

#include <armadillo>

#include <memory>
#include <string>
#include <vector>

#include "checks/functions.hpp"
#include "checks/solution_client.hpp"
#include "fake_solution.hpp"

namespace {

using w2v::SandboxLimits;
using w2v::SolutionClient;
using w2v::testing::FakeSolutions;
using w2v::testing::kHandshakeLine;

SandboxLimits limits() {
  SandboxLimits l;
  l.request_timeout_seconds = 60.0;
  return l;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The message of the std::runtime_error `f` throws ("" and a test error if none).
template <typename F>
std::string error_of(F f, const std::string& what_ran) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  } catch (const std::exception& e) {
    BOOST_ERROR(what_ran << ": threw something other than std::runtime_error: " << e.what());
    return e.what();
  }
  BOOST_ERROR(what_ran << ": no error");
  return "";
}

// The case every naive-softmax test asks for: V = 5 words, d = 3.
constexpr arma::uword kV = 5, kD = 3;
const arma::vec kCenter = {0.1, -0.2, 0.3};
arma::mat outside_vectors() { return arma::reshape(arma::regspace(1.0, 15.0), kV, kD) / 10.0; }

std::string numbers(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", " : "") + std::to_string(0.5 + i);
  return out;
}

std::string naive_reply(const std::string& grad_center, const std::string& grad_outside,
                        const std::string& loss = "1.5") {
  return R"({"id": @ID@, "ok": true, "result": {"loss": )" + loss + R"(, "grad_center_vec": )" +
         grad_center + R"(, "grad_outside_vectors": )" + grad_outside + "}}";
}

const std::string kGoodCenter = "[" + numbers(kD) + "]";
const std::string kGoodOutside =
    R"({"rows": 5, "cols": 3, "data": [)" + numbers(kV * kD) + "]}";

struct Graded {
  std::shared_ptr<SolutionClient> client;
  w2v::Word2vecFunctions functions;
};

Graded grade(const std::string& program) {
  auto client = std::make_shared<SolutionClient>(std::vector<std::string>{program}, limits());
  return {client, w2v::solution_functions(client)};
}

// What naive_softmax_loss_and_gradient's call fails with, for a solution that
// always replies `reply`.
std::string naive_call_error(const std::string& name, const std::string& reply) {
  FakeSolutions dir;
  const std::string program = dir.replier(name, kHandshakeLine, reply);
  Graded g = grade(program);
  const std::string error = error_of(
      [&] { (void)g.functions.naive_softmax(kCenter, 1, outside_vectors()); },
      program + " replying " + reply.substr(0, 200));
  g.client->finish();
  return error;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(solution_client)

BOOST_AUTO_TEST_CASE(a_well_formed_reply_is_read) {
  FakeSolutions dir;
  const std::string program =
      dir.replier("good", kHandshakeLine, naive_reply(kGoodCenter, kGoodOutside));
  Graded g = grade(program);
  const w2v::LossAndGradient r = g.functions.naive_softmax(kCenter, 1, outside_vectors());
  BOOST_TEST(r.loss == 1.5, program);
  BOOST_TEST(w2v::grad_center_of(r)(2) == 2.5, program);
  BOOST_TEST(w2v::grad_outside_of(r)(1, 0) == 3.5, program << ": data is row-major");
  BOOST_TEST(r.unusable.empty(), program);
  BOOST_TEST(g.client->language() == "sh");
  g.client->finish();
}

// 2^32 × 2^32 wraps to 0 in 64 bits: an empty data array used to pass the size
// check and the harness read far out of bounds.
BOOST_AUTO_TEST_CASE(sizes_that_overflow_are_a_shape_error) {
  FakeSolutions dir;
  for (const std::string dims : {R"("rows": 4294967296, "cols": 4294967296)",
                                  R"("rows": 100000, "cols": 100000)",
                                  R"("rows": 18446744073709551615, "cols": 2)"}) {
    const std::string reply = naive_reply(kGoodCenter, "{" + dims + R"(, "data": []})");
    const std::string program = dir.replier("overflow", kHandshakeLine, reply);
    Graded g = grade(program);
    const w2v::LossAndGradient r = g.functions.naive_softmax(kCenter, 1, outside_vectors());
    const std::string error = error_of([&] { (void)w2v::grad_outside_of(r); }, program + " " + dims);
    BOOST_TEST(contains(error, "naive_softmax_loss_and_gradient: returned grad_outside_vectors of shape ("),
               dims << ": " << error);
    BOOST_TEST(contains(error, "expected (V, d) = (5, 3)"), dims << ": " << error);
    g.client->finish();
  }
}

BOOST_AUTO_TEST_CASE(a_negative_or_fractional_size_is_named) {
  for (const std::string dims : {R"("rows": -1, "cols": 3)", R"("rows": 5, "cols": 3.0)"}) {
    FakeSolutions dir;
    const std::string program = dir.replier(
        "negative", kHandshakeLine, naive_reply(kGoodCenter, "{" + dims + R"(, "data": [1]})"));
    Graded g = grade(program);
    const w2v::LossAndGradient r = g.functions.naive_softmax(kCenter, 1, outside_vectors());
    const std::string error = error_of([&] { (void)w2v::grad_outside_of(r); }, program + " " + dims);
    BOOST_TEST(contains(error, "expected a matrix whose rows and cols are non-negative integers"),
               dims << ": " << error);
    g.client->finish();
  }
}

BOOST_AUTO_TEST_CASE(data_of_the_wrong_count_is_named) {
  FakeSolutions dir;
  const std::string program = dir.replier(
      "short", kHandshakeLine,
      naive_reply(kGoodCenter, R"({"rows": 5, "cols": 3, "data": [)" + numbers(14) + "]}"));
  Graded g = grade(program);
  const w2v::LossAndGradient r = g.functions.naive_softmax(kCenter, 1, outside_vectors());
  const std::string error = error_of([&] { (void)w2v::grad_outside_of(r); }, program);
  BOOST_TEST(contains(error, "grad_outside_vectors with rows × cols = 5 × 3 but 14 numbers"), error);
  g.client->finish();
}

// A (d, V) gradient of U must not fail the check of ∂J/∂v_c, which is right.
BOOST_AUTO_TEST_CASE(a_transposed_output_fails_only_what_reads_it) {
  FakeSolutions dir;
  const std::string transposed =
      R"({"rows": 3, "cols": 5, "data": [)" + numbers(kV * kD) + "]}";
  const std::string program =
      dir.replier("transposed", kHandshakeLine, naive_reply(kGoodCenter, transposed));
  Graded g = grade(program);
  const w2v::LossAndGradient r = g.functions.naive_softmax(kCenter, 1, outside_vectors());
  BOOST_TEST(r.loss == 1.5, program);
  BOOST_TEST(w2v::grad_center_of(r)(0) == 0.5, program << ": grad_center_vec is usable");
  const std::string error = error_of([&] { (void)w2v::grad_outside_of(r); }, program);
  BOOST_TEST(contains(error, "naive_softmax_loss_and_gradient: returned grad_outside_vectors of "
                             "shape (3, 5); expected (V, d) = (5, 3): the transposed (d, V) layout"),
             error);
  BOOST_TEST(r.grad_outside.has_nan(), "a malformed output is NaN for anyone reading it directly");
  g.client->finish();
}

BOOST_AUTO_TEST_CASE(a_wrong_length_vector_fails_only_what_reads_it) {
  FakeSolutions dir;
  const std::string program =
      dir.replier("long", kHandshakeLine, naive_reply("[" + numbers(4) + "]", kGoodOutside));
  Graded g = grade(program);
  const w2v::LossAndGradient r = g.functions.naive_softmax(kCenter, 1, outside_vectors());
  BOOST_TEST(w2v::grad_outside_of(r)(0, 0) == 0.5, program);
  const std::string error = error_of([&] { (void)w2v::grad_center_of(r); }, program);
  BOOST_TEST(contains(error, "returned grad_center_vec of length 4; expected 3"), error);
  g.client->finish();
}

BOOST_AUTO_TEST_CASE(a_missing_or_mistyped_output_fails_only_what_reads_it) {
  FakeSolutions dir;
  for (const auto& [reply, fragment] : std::vector<std::pair<std::string, std::string>>{
           {R"({"id": @ID@, "ok": true, "result": {"loss": 1.5, "grad_outside_vectors": )" +
                kGoodOutside + "}}",
            "returned no grad_center_vec"},
           {naive_reply(R"("zero")", kGoodOutside), "returned grad_center_vec = \"zero\", expected an array"},
           {naive_reply(R"([1, true, 3])", kGoodOutside), "returned grad_center_vec[1] = true, which is not a number"}}) {
    const std::string program = dir.replier("mistyped", kHandshakeLine, reply);
    Graded g = grade(program);
    const w2v::LossAndGradient r = g.functions.naive_softmax(kCenter, 1, outside_vectors());
    BOOST_TEST(w2v::grad_outside_of(r).n_rows == kV, reply);
    const std::string error = error_of([&] { (void)w2v::grad_center_of(r); }, program + " " + reply);
    BOOST_TEST(contains(error, fragment), reply << ": " << error);
    g.client->finish();
  }
}

BOOST_AUTO_TEST_CASE(a_malformed_loss_fails_the_call) {
  const std::string error =
      naive_call_error("badloss", naive_reply(kGoodCenter, kGoodOutside, "true"));
  BOOST_TEST(contains(error, "naive_softmax_loss_and_gradient: returned loss = true, which is not a number"),
             error);
}

// 200 000 levels of [[[…]]] used to overflow the harness's stack in dump().
BOOST_AUTO_TEST_CASE(deep_nesting_is_garbage) {
  const std::string deep = std::string(200'000, '[') + "1" + std::string(200'000, ']');
  const std::string error = naive_call_error(
      "nested", R"({"id": @ID@, "ok": true, "result": {"loss": )" + deep + "}}");
  BOOST_TEST(contains(error, "naive_softmax_loss_and_gradient: unparsable reply"), error.substr(0, 300));
  BOOST_TEST(contains(error, "nested deeper than 16 levels"), error.substr(0, 300));
}

BOOST_AUTO_TEST_CASE(a_deeply_nested_handshake_means_no_start) {
  FakeSolutions dir;
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  const std::string program = dir.replier("nested_hello", deep, "{}");
  Graded g = grade(program);
  const auto error = g.client->startup_error();
  BOOST_REQUIRE_MESSAGE(error, program << " started");
  BOOST_TEST(contains(*error, "not a protocol handshake (nested deeper than 16 levels)"),
             error->substr(0, 300));
}

BOOST_AUTO_TEST_CASE(a_number_no_double_holds_is_garbage) {
  const std::string error =
      naive_call_error("bignum", naive_reply("[1e999, 0, 0]", kGoodOutside, "1e999"));
  BOOST_TEST(contains(error, "naive_softmax_loss_and_gradient: unparsable reply"), error);
  BOOST_TEST(contains(error, "number overflow parsing '1e999'"), error);
}

BOOST_AUTO_TEST_CASE(wrongly_typed_reply_fields_are_named) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"id": @ID@, "ok": "yes", "result": {}})", R"(field "ok" is a string ("yes"), expected true or false)"},
      {R"({"id": @ID@, "ok": false, "error": "string error"})", R"(field "error" is a string ("string error"), expected a JSON object)"},
      {R"({"id": @ID@, "ok": false, "error": {"kind": 5, "message": "x"}})", R"(field "error.kind" is a number (5), expected a string)"},
      {R"({"id": @ID@, "ok": false, "error": {"kind": "exception", "message": ["x"]}})", R"(field "error.message" is an array)"},
      {R"({"id": @ID@, "ok": false, "error": {"kind": "exception", "message": "x", "traceback": 7}})", R"(field "error.traceback" is a number (7))"},
      {R"({"id": @ID@, "ok": true, "warnings": "not a list", "result": {}})", R"(field "warnings" is a string ("not a list"), expected an array of strings)"},
      {R"({"id": @ID@, "ok": true, "mutated": 5, "result": {}})", R"(field "mutated" is a number (5), expected an array of strings)"},
      {R"({"id": @ID@, "ok": true, "result": [1, 2]})", R"(field "result" is an array ([1,2]), expected a JSON object)"},
      {R"({"id": @ID@, "ok": true})", R"("ok": true without a "result" object)"},
      {R"({"id": @ID@, "result": {}})", R"(no field "ok")"},
  };
  for (const auto& [reply, fragment] : cases) {
    const std::string error = naive_call_error("typed", reply);
    BOOST_TEST(contains(error, "naive_softmax_loss_and_gradient: unparsable reply ("), reply << ": " << error);
    BOOST_TEST(contains(error, fragment), reply << ": " << error);
  }
}

// The channel is in step after a wrongly typed reply: the next call is made.
BOOST_AUTO_TEST_CASE(a_wrongly_typed_reply_fails_only_its_call) {
  FakeSolutions dir;
  const std::string program =
      dir.replier("typed", kHandshakeLine, R"({"id": @ID@, "ok": "yes", "result": {}})");
  Graded g = grade(program);
  for (int i = 0; i < 2; ++i) {
    const std::string error =
        error_of([&] { (void)g.functions.sigmoid(arma::vec{double(i)}); }, program);
    BOOST_TEST(contains(error, R"(sigmoid: unparsable reply (field "ok")"), error);
  }
  BOOST_TEST(g.client->requests() == 2u);
  BOOST_TEST(g.client->process().starts() == 1);
  g.client->finish();
}

BOOST_AUTO_TEST_CASE(garbage_breaks_the_function_for_the_run) {
  FakeSolutions dir;
  const std::string program = dir.replier("garbage", kHandshakeLine, "hello world");
  Graded g = grade(program);
  const std::string first = error_of([&] { (void)g.functions.sigmoid(arma::vec{0.0}); }, program);
  BOOST_TEST(contains(first, "sigmoid: unparsable reply (not one JSON object per line"), first);
  BOOST_TEST(contains(first, "hello world"), first);
  const std::string second = error_of([&] { (void)g.functions.sigmoid(arma::vec{1.0}); }, program);
  BOOST_TEST(contains(second, "not called again after it failed earlier in this run"), second);
  BOOST_TEST(g.client->requests() == 1u);
  g.client->finish();
}

BOOST_AUTO_TEST_CASE(a_reply_for_another_request_is_garbage) {
  const std::string error = naive_call_error(
      "wrong_id", R"({"id": 999, "ok": true, "result": {}})");
  BOOST_TEST(contains(error, "reply for the wrong request (expected id 1)"), error);
}

BOOST_AUTO_TEST_CASE(wrongly_typed_handshake_fields_mean_no_start) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"protocol": 1, "ready": true, "language": 5})", R"(field "language" is a number (5), expected a string)"},
      {R"({"protocol": 1, "ready": "yes"})", R"(field "ready" is a string ("yes"), expected true or false)"},
      {R"({"protocol": 1, "ready": true, "functions": "sigmoid"})", R"(field "functions" is a string)"},
      {R"({"protocol": 1, "ready": true, "notes": [1]})", R"(field "notes" is an array ([1]), expected an array of strings)"},
      {R"({"protocol": 1, "ready": false, "error": {"kind": 5}})", R"(field "error.kind" is a number (5))"},
      {R"([[[[[1]]]]])", R"(it is an array ([[[[[1]]]]]), expected a JSON object)"},
  };
  for (const auto& [hello, fragment] : cases) {
    FakeSolutions dir;
    const std::string program = dir.replier("hello", hello, "{}");
    Graded g = grade(program);  // used to throw json::type_error out of here
    const auto error = g.client->startup_error();
    BOOST_REQUIRE_MESSAGE(error, program << " with handshake " << hello << " started");
    BOOST_TEST(contains(*error, "the solution did not start: its handshake is not protocol JSON"),
               hello << ": " << *error);
    BOOST_TEST(contains(*error, fragment), hello << ": " << *error);
    const std::string call = error_of([&] { (void)g.functions.sigmoid(arma::vec{0.0}); }, program);
    BOOST_TEST(contains(call, "sigmoid: the solution did not start"), call);
  }
}

BOOST_AUTO_TEST_CASE(another_protocol_version_is_refused) {
  FakeSolutions dir;
  const std::string program = dir.replier("v2", R"({"protocol": 2, "ready": true})", "{}");
  Graded g = grade(program);
  const auto error = g.client->startup_error();
  BOOST_REQUIRE(error);
  BOOST_TEST(contains(*error, "the solution speaks protocol 2, this harness speaks protocol 1"), *error);
}

// Each crash restarts the solution; its handshake's notes are kept once.
BOOST_AUTO_TEST_CASE(handshake_notes_are_kept_once_over_restarts) {
  FakeSolutions dir;
  const std::string hello = R"({"protocol": 1, "ready": true, "notes": ["stand-in utils used"]})";
  dir.write("restarter.handshake", hello + "\n");
  const std::string program = dir.script(
      "restarter", "cat restarter.handshake >&4\nread -r line <&3\nkill -SEGV $$\n");
  Graded g = grade(program);
  (void)error_of([&] { (void)g.functions.sigmoid(arma::vec{0.0}); }, program);
  (void)error_of([&] { (void)g.functions.naive_softmax(kCenter, 1, outside_vectors()); }, program);
  (void)error_of([&] { (void)g.functions.neg_sampling(kCenter, 1, outside_vectors(), {0}); }, program);
  BOOST_TEST(g.client->process().starts() == 3, program);
  BOOST_TEST(g.client->startup_notes() == std::vector<std::string>{"stand-in utils used"},
             program << " restarted " << g.client->process().starts() << " times");
  g.client->finish();
}

BOOST_AUTO_TEST_CASE(sigmoid_grad_is_optional) {
  FakeSolutions dir;
  const std::string program = dir.replier(
      "no_grad", R"({"protocol": 1, "ready": true, "functions": ["sigmoid", "skipgram"]})", "{}");
  Graded g = grade(program);
  BOOST_TEST(!g.functions.sigmoid_grad, program << ": sigmoid_grad not listed, so not called");
  BOOST_TEST(static_cast<bool>(g.functions.sigmoid));
  g.client->finish();
}

// After grading (finish()), nothing the solution started is left running,
// even a grandchild that left its process group and session.
BOOST_AUTO_TEST_CASE(nothing_survives_grading) {
  FakeSolutions dir;
  dir.write("escaper.reply", R"({"id": @ID@, "ok": true, "result": {"value": [0.5]}})" "\n");
  const std::string program = dir.script(
      "escaper", "setsid sleep 1000 &\necho $! > escaped.pid\n"
                 "echo '" + kHandshakeLine + "' >&4\n"
                 "while IFS= read -r line <&3; do\n"
                 "  id=$(printf '%s' \"$line\" | sed 's/^{\"id\":\\([0-9]*\\).*/\\1/')\n"
                 "  sed \"s/@ID@/$id/g\" escaper.reply >&4\n"
                 "done\n");
  Graded g = grade(program);
  BOOST_TEST(g.functions.sigmoid(arma::vec{0.0})(0) == 0.5, program);
  const pid_t escaped = dir.wait_for_pid("escaped.pid");
  BOOST_TEST(w2v::testing::eventually([&] { return ::getsid(escaped) == escaped; }),
             program << ": " << escaped << " never left the session");
  g.client->finish();
  BOOST_TEST(!w2v::testing::alive(escaped),
             program << ": its setsid() grandchild " << escaped << " survived grading");
  w2v::testing::kill_if_alive(escaped);
}

BOOST_AUTO_TEST_CASE(value_readers_check_before_allocating) {
  using nlohmann::ordered_json;
  BOOST_TEST(w2v::number_from_protocol(ordered_json("-Infinity"), "x") < 0);
  BOOST_TEST(std::isnan(w2v::number_from_protocol(ordered_json("NaN"), "x")));
  const ordered_json huge = {{"rows", 1ULL << 40}, {"cols", 1ULL << 40}, {"data", ordered_json::array()}};
  const std::string error =
      error_of([&] { (void)w2v::matrix_from_protocol(huge, "m", 2, 2); }, "matrix_from_protocol");
  BOOST_TEST(contains(error, "returned m of shape (1099511627776, 1099511627776); expected (V, d) = (2, 2)"),
             error);
  const std::string vector_error = error_of(
      [&] { (void)w2v::vector_from_protocol(ordered_json::array({1, 2}), "v", 3); }, "vector_from_protocol");
  BOOST_TEST(contains(vector_error, "returned v of length 2; expected 3"), vector_error);
}

BOOST_AUTO_TEST_CASE(parse_solution_line_limits_depth) {
  BOOST_TEST(w2v::parse_solution_line(std::string(16, '[') + std::string(16, ']')).is_array());
  const std::string deep = std::string(17, '[') + std::string(17, ']');
  BOOST_CHECK_THROW((void)w2v::parse_solution_line(deep), w2v::MalformedLine);
  BOOST_CHECK_THROW((void)w2v::parse_solution_line("1e999"), w2v::MalformedLine);
  BOOST_CHECK_THROW((void)w2v::parse_solution_line(""), w2v::MalformedLine);
}

// tests/checks/solutions/partial.cpp defines sigmoid and naive softmax only.
BOOST_AUTO_TEST_CASE(a_cpp_solution_missing_functions_builds_and_says_not_implemented) {
  const std::string program = W2V_PARTIAL_SOLUTION;
  Graded g = grade(program);
  BOOST_TEST(!g.client->startup_error(), program);
  BOOST_TEST((g.client->announced_functions() ==
              std::vector<std::string>{"sigmoid", "naive_softmax_loss_and_gradient"}),
             program);
  BOOST_TEST(!g.functions.sigmoid_grad, program << ": an optional function left out is skipped");
  const arma::vec s = g.functions.sigmoid(arma::vec{0.0});
  BOOST_TEST(s(0) == 0.5, program);
  BOOST_TEST(g.functions.naive_softmax(kCenter, 1, outside_vectors()).unusable.empty(), program);
  const std::string neg = error_of(
      [&] { (void)g.functions.neg_sampling(kCenter, 1, outside_vectors(), {0, 2}); }, program);
  BOOST_TEST(contains(neg, "neg_sampling_loss_and_gradient: not implemented: "
                           "neg_sampling_loss_and_gradient is not implemented: the solution's "
                           "sources do not define w2v::solution::neg_sampling_loss_and_gradient"),
             neg);
  const std::string sg = error_of(
      [&] {
        (void)g.functions.skipgram(0, {1}, outside_vectors(), outside_vectors(),
                                   w2v::WordLossKind::naive_softmax, {});
      },
      program);
  BOOST_TEST(contains(sg, "skipgram: not implemented"), sg);
  g.client->finish();
  // Its sigmoid ran system(): the shell it started must not have had fd 3 or 4.
  const std::string output = g.client->output_tail(4096);
  BOOST_TEST(contains(output, "partial: channel closed in children"), output);
}

BOOST_AUTO_TEST_SUITE_END()
