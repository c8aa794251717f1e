// checks/solution_process.hpp and checks/process_tree.hpp: a solution process
// that crashes, hangs, exits, prints garbage, forks a child that keeps the
// channel open, or escapes its process group with setsid() is reported as
// exactly that, and nothing it started survives it. The fake solutions are
// /bin/sh scripts (tests/support/fake_solution.hpp); every wait on another
// process has a generous limit and no test asserts how fast anything is.
#define BOOST_TEST_MODULE checks_solution_process
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <string>
#include <thread>

#include "checks/process_tree.hpp"
#include "checks/solution_process.hpp"
#include "fake_solution.hpp"

namespace {

using w2v::FailureKind;
using w2v::SandboxLimits;
using w2v::SolutionFailure;
using w2v::SolutionProcess;
using w2v::testing::alive;
using w2v::testing::eventually;
using w2v::testing::FakeSolutions;
using w2v::testing::kHandshake;
using w2v::testing::kHandshakeLine;
using w2v::testing::kill_if_alive;

SandboxLimits limits(double request_timeout = 60.0) {
  SandboxLimits l;
  l.request_timeout_seconds = request_timeout;
  l.total_timeout_seconds = 600.0;
  return l;
}

// The SolutionFailure that `f` throws; fails the test if it throws none.
template <typename F>
SolutionFailure failure_of(F f, const std::string& what_ran) {
  try {
    f();
  } catch (const SolutionFailure& e) {
    return e;
  }
  BOOST_ERROR(what_ran << ": no SolutionFailure");
  return SolutionFailure(FailureKind::protocol_error, "(none)");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(solution_process)

BOOST_AUTO_TEST_CASE(handshake_and_replies_are_lines) {
  FakeSolutions dir;
  const std::string echo = dir.script(
      "echo", kHandshake + "while IFS= read -r line <&3; do echo \"got $line\" >&4; done\n");
  SolutionProcess p({echo}, limits());
  BOOST_TEST(p.start() == kHandshakeLine, "handshake of " << echo);
  BOOST_TEST(p.exchange("one") == "got one", echo);
  BOOST_TEST(p.exchange("two") == "got two", echo);
  p.stop();
  BOOST_TEST(!p.running());
}

BOOST_AUTO_TEST_CASE(a_crash_names_the_signal) {
  FakeSolutions dir;
  const std::string crasher = dir.script("crasher", kHandshake + "read -r line <&3\nkill -SEGV $$\n");
  SolutionProcess p({crasher}, limits());
  p.start();
  const SolutionFailure f = failure_of([&] { p.exchange("{}"); }, crasher);
  BOOST_TEST((f.kind == FailureKind::crashed), crasher << ": " << f.what());
  BOOST_TEST(contains(f.what(), "killed by SIGSEGV (Segmentation fault)"), crasher << ": " << f.what());
  BOOST_TEST(!p.running());
}

BOOST_AUTO_TEST_CASE(an_early_exit_names_the_status) {
  FakeSolutions dir;
  const std::string quitter = dir.script("quitter", kHandshake + "read -r line <&3\nexit 3\n");
  SolutionProcess p({quitter}, limits());
  p.start();
  const SolutionFailure f = failure_of([&] { p.exchange("{}"); }, quitter);
  BOOST_TEST((f.kind == FailureKind::exited), quitter << ": " << f.what());
  BOOST_TEST(contains(f.what(), "exited with status 3 while the harness waited for a reply"),
             quitter << ": " << f.what());
}

BOOST_AUTO_TEST_CASE(a_program_that_cannot_run_fails_to_start) {
  SolutionProcess p({"/nonexistent/solution"}, limits());
  const SolutionFailure f = failure_of([&] { p.start(); }, "/nonexistent/solution");
  BOOST_TEST((f.kind == FailureKind::start_failed), f.what());
  BOOST_TEST(contains(f.what(), "cannot run '/nonexistent/solution': No such file or directory"),
             f.what());
}

BOOST_AUTO_TEST_CASE(garbage_lines_arrive_as_they_are) {
  FakeSolutions dir;
  const std::string garbage = dir.script(
      "garbage", kHandshake + "read -r line <&3\necho 'hello world' >&4\nsleep 1000\n");
  SolutionProcess p({garbage}, limits());
  p.start();
  // The process layer moves lines; judging them is the client's job.
  BOOST_TEST(p.exchange("{}") == "hello world", garbage);
}

BOOST_AUTO_TEST_CASE(a_timeout_kills_the_whole_process_group) {
  FakeSolutions dir;
  const std::string hanger = dir.script("hanger", kHandshake +
                                                      "read -r line <&3\n"
                                                      "sleep 1000 &\n"
                                                      "echo $! > helper.pid\n"
                                                      "sleep 1000\n");
  SolutionProcess p({hanger}, limits(1.0));
  p.start();
  const SolutionFailure f = failure_of([&] { p.exchange("{}"); }, hanger);
  BOOST_TEST((f.kind == FailureKind::timed_out), hanger << ": " << f.what());
  BOOST_TEST(contains(f.what(), "no answer within the 1 s time limit"), hanger << ": " << f.what());
  const pid_t helper = dir.wait_for_pid("helper.pid");
  BOOST_TEST(helper > 0, hanger << " wrote no helper.pid");
  BOOST_TEST(!alive(helper), hanger << ": its background sleep " << helper << " survived");
  kill_if_alive(helper);
}

// The child keeps fd 4 open, so end of file never comes: the harness must see
// the solution die, and report the crash, not a timeout a minute later.
BOOST_AUTO_TEST_CASE(a_crash_while_a_forked_child_holds_the_reply_channel_is_a_crash) {
  FakeSolutions dir;
  const std::string forker = dir.script("forker", kHandshake +
                                                      "read -r line <&3\n"
                                                      "sleep 1000 &\n"
                                                      "echo $! > child.pid\n"
                                                      "kill -SEGV $$\n");
  SolutionProcess p({forker}, limits(60.0));
  p.start();
  const SolutionFailure f = failure_of([&] { p.exchange("{}"); }, forker);
  BOOST_TEST((f.kind == FailureKind::crashed), forker << ": " << f.what());
  BOOST_TEST(contains(f.what(), "SIGSEGV"), forker << ": " << f.what());
  const pid_t child = dir.wait_for_pid("child.pid");
  BOOST_TEST(!alive(child), forker << ": the child " << child << " holding fd 4 survived");
  kill_if_alive(child);
}

BOOST_AUTO_TEST_CASE(an_exit_while_a_forked_child_holds_the_reply_channel_is_an_exit) {
  FakeSolutions dir;
  const std::string forker =
      dir.script("forker", kHandshake + "read -r line <&3\nsleep 1000 &\nexit 4\n");
  SolutionProcess p({forker}, limits(60.0));
  p.start();
  const SolutionFailure f = failure_of([&] { p.exchange("{}"); }, forker);
  BOOST_TEST((f.kind == FailureKind::exited), forker << ": " << f.what());
  BOOST_TEST(contains(f.what(), "exited with status 4"), forker << ": " << f.what());
}

// What the solution wrote just before exiting is its reply; its exit is the
// next call's failure.
BOOST_AUTO_TEST_CASE(a_reply_written_before_exiting_is_delivered) {
  FakeSolutions dir;
  const std::string last_words = dir.script(
      "last_words", kHandshake + "read -r line <&3\nsleep 1000 &\necho 'bye' >&4\nexit 0\n");
  SolutionProcess p({last_words}, limits(60.0));
  p.start();
  BOOST_TEST(p.exchange("{}") == "bye", last_words);
  const SolutionFailure f = failure_of([&] { p.exchange("{}"); }, last_words);
  BOOST_TEST((f.kind == FailureKind::exited), last_words << ": " << f.what());
}

// The request does not fit in the pipe, the solution is gone, a child keeps
// fd 3 open: the write must notice the exit rather than wait for the timeout.
BOOST_AUTO_TEST_CASE(an_exit_while_the_harness_writes_a_long_request_is_an_exit) {
  FakeSolutions dir;
  const std::string deaf = dir.script("deaf", kHandshake + "sleep 1000 &\nexit 5\n");
  SolutionProcess p({deaf}, limits(60.0));
  p.start();
  const SolutionFailure f = failure_of([&] { p.exchange(std::string(4 << 20, 'x')); }, deaf);
  BOOST_TEST((f.kind == FailureKind::exited), deaf << ": " << f.what());
  BOOST_TEST(contains(f.what(), "exited with status 5"), deaf << ": " << f.what());
}

BOOST_AUTO_TEST_CASE(a_setsid_grandchild_dies_when_the_solution_stops) {
  FakeSolutions dir;
  const std::string escaper = dir.script("escaper", "setsid sleep 1000 &\n"
                                                    "echo $! > escaped.pid\n" +
                                                        kHandshake +
                                                        "while IFS= read -r line <&3; do echo ok >&4; done\n");
  SolutionProcess p({escaper}, limits());
  p.start();
  const pid_t escaped = dir.wait_for_pid("escaped.pid");
  BOOST_REQUIRE_MESSAGE(escaped > 0, escaper << " wrote no escaped.pid");
  // Only then is the test about a process outside the solution's group.
  BOOST_TEST(eventually([&] { return ::getsid(escaped) == escaped; }),
             escaper << ": " << escaped << " never left the session");
  BOOST_TEST(p.exchange("{}") == "ok", escaper);
  p.stop();
  BOOST_TEST(!alive(escaped), escaper << ": the setsid() grandchild " << escaped << " survived stop()");
  kill_if_alive(escaped);
}

BOOST_AUTO_TEST_CASE(a_setsid_grandchild_dies_when_the_solution_times_out) {
  FakeSolutions dir;
  const std::string escaper = dir.script("escaper", kHandshake +
                                                        "read -r line <&3\n"
                                                        "setsid sleep 1000 &\n"
                                                        "echo $! > escaped.pid\n"
                                                        "sleep 1000\n");
  SolutionProcess p({escaper}, limits(1.0));
  p.start();
  const SolutionFailure f = failure_of([&] { p.exchange("{}"); }, escaper);
  BOOST_TEST((f.kind == FailureKind::timed_out), escaper << ": " << f.what());
  const pid_t escaped = dir.wait_for_pid("escaped.pid");
  BOOST_TEST(!alive(escaped), escaper << ": the setsid() grandchild " << escaped << " survived");
  kill_if_alive(escaped);
}

// Ctrl-C of the harness: the harness here is a forked copy of this test.
BOOST_AUTO_TEST_CASE(sigint_of_the_harness_kills_the_solution_and_what_escaped_it) {
  FakeSolutions dir;
  const std::string hanger = dir.script("hanger", "setsid sleep 1000 &\n"
                                                  "echo $! > escaped.pid\n"
                                                  "echo $$ > solution.pid\n" +
                                                      kHandshake + "sleep 1000\n");
  int ready[2];
  BOOST_REQUIRE(::pipe(ready) == 0);
  const pid_t harness = ::fork();
  BOOST_REQUIRE(harness >= 0);
  if (harness == 0) {
    ::close(ready[0]);
    try {
      SolutionProcess p({hanger}, limits());
      p.start();
      (void)!::write(ready[1], "x", 1);
      for (;;) ::pause();
    } catch (...) {
    }
    ::_exit(3);
  }
  ::close(ready[1]);
  pollfd started{ready[0], POLLIN, 0};
  BOOST_REQUIRE_MESSAGE(::poll(&started, 1, 60'000) == 1, hanger << ": the forked harness never started it");
  ::close(ready[0]);
  const pid_t solution = dir.wait_for_pid("solution.pid");
  const pid_t escaped = dir.wait_for_pid("escaped.pid");
  BOOST_TEST(eventually([&] { return ::getsid(escaped) == escaped; }),
             hanger << ": " << escaped << " never left the session");

  ::kill(harness, SIGINT);
  int status = 0;
  ::waitpid(harness, &status, 0);
  BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGINT),
             "the harness should end by its SIGINT; wait status " << status);
  BOOST_TEST(!alive(solution), hanger << ": solution " << solution << " survived the harness's SIGINT");
  BOOST_TEST(!alive(escaped), hanger << ": setsid() grandchild " << escaped << " survived");
  kill_if_alive(solution);
  kill_if_alive(escaped);
  w2v::kill_orphans();  // reaps whatever was re-parented to this test
}

// SIGKILL of the harness runs no handler: PR_SET_PDEATHSIG takes the solution.
BOOST_AUTO_TEST_CASE(the_solution_dies_with_a_killed_harness) {
  FakeSolutions dir;
  const std::string hanger =
      dir.script("hanger", "echo $$ > solution.pid\n" + kHandshake + "sleep 1000\n");
  const pid_t harness = ::fork();
  BOOST_REQUIRE(harness >= 0);
  if (harness == 0) {
    try {
      SolutionProcess p({hanger}, limits());
      p.start();
      for (;;) ::pause();
    } catch (...) {
    }
    ::_exit(3);
  }
  const pid_t solution = dir.wait_for_pid("solution.pid");
  BOOST_REQUIRE_MESSAGE(solution > 0, hanger << " never started");
  BOOST_TEST(eventually([&] { return alive(solution); }));
  ::kill(harness, SIGKILL);
  ::waitpid(harness, nullptr, 0);
  BOOST_TEST(eventually([&] { return !alive(solution); }),
             hanger << ": solution " << solution << " outlived its SIGKILLed harness");
  kill_if_alive(solution);
  w2v::kill_orphans();
}

BOOST_AUTO_TEST_CASE(the_solution_has_a_process_limit) {
  FakeSolutions dir;
  const std::string reporter = dir.script(
      "reporter", "grep 'Max processes' /proc/$$/limits > limits.txt\n" + kHandshake + "sleep 1000\n");
  SolutionProcess p({reporter}, limits());
  p.start();
  p.stop();
  const std::string line = dir.read("limits.txt");
  BOOST_TEST(contains(line, "Max processes"), reporter << " wrote " << line);
  BOOST_TEST(!contains(line, "unlimited"), reporter << ": " << line);
  rlimit mine{};
  ::getrlimit(RLIMIT_NPROC, &mine);
  // What the user runs already, with room for a solution's threads and
  // helpers, and not much more (1000: other processes of the user come and go).
  const std::size_t soft = std::strtoull(line.c_str() + line.find_first_of("0123456789"), nullptr, 10);
  const std::size_t tasks = w2v::tasks_of_real_user();
  const std::size_t room = std::max<std::size_t>(256, 8 * std::max(1U, std::thread::hardware_concurrency()));
  BOOST_TEST(soft >= std::min<std::size_t>(tasks + 100, mine.rlim_cur), line);
  BOOST_TEST(soft <= tasks + room + 1000, line << " for a user with " << tasks << " tasks");
}

BOOST_AUTO_TEST_CASE(kill_orphans_spares_running_solutions) {
  FakeSolutions dir;
  const std::string sleeper = dir.script("sleeper", kHandshake + "sleep 1000\n");
  SolutionProcess p({sleeper}, limits());
  p.start();
  w2v::kill_orphans();
  BOOST_TEST(p.running());
  const SolutionFailure f = failure_of(
      [&] {
        SolutionProcess q({sleeper}, limits(1.0));
        q.start();
        q.exchange("{}");
      },
      sleeper);
  BOOST_TEST((f.kind == FailureKind::timed_out), f.what());
  BOOST_TEST(p.running(), "another solution's timeout must not kill this one");
}

BOOST_AUTO_TEST_CASE(signal_names) {
  BOOST_TEST(w2v::signal_description(SIGSEGV) == "SIGSEGV (Segmentation fault)");
  BOOST_TEST(w2v::signal_description(SIGKILL) == "SIGKILL (Killed)");
}

BOOST_AUTO_TEST_SUITE_END()
