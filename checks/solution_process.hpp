#pragma once
// A student solution running as a sandboxed child process (docs/protocol.md):
// requests go to its fd 3, replies come from its fd 4, one line each; its
// stdout and stderr are captured into a log. The child gets its own process
// group, rlimits (CPU, address space, file size, processes, no core), dies
// with the harness (PR_SET_PDEATHSIG) and has wall-clock timeouts per request
// and in total. Whenever it stops — timeout, crash, stop() — its process group
// and every descendant that left the group (setsid) are killed and reaped
// (checks/process_tree.hpp). Its death is noticed when it happens, not only
// when fd 4 reaches end of file: a child it forked may keep fd 4 open.
// Anything the child does — crash, hang, exit, print garbage — surfaces as a
// SolutionFailure with a message naming what happened; the harness goes on.
//
//   w2v::SolutionProcess p({"./my_solution"}, w2v::SandboxLimits{});
//   std::string hello = p.start();              // the handshake line
//   std::string reply = p.exchange(request_line);
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace w2v {

struct SandboxLimits {
  double request_timeout_seconds = 10.0;
  double total_timeout_seconds = 600.0;
  // Address space: generous for numpy + a BLAS, small enough that a runaway
  // allocation fails inside the child instead of swapping the machine.
  std::size_t address_space_bytes = std::size_t{4} << 30;
  // stdout+stderr the solution may print during one call (the log is trimmed
  // to its tail between calls, so a chatty solution is fine over a long run).
  std::size_t output_file_bytes = std::size_t{64} << 20;
  std::size_t reply_bytes = std::size_t{256} << 20;       // longest accepted reply line
};

enum class FailureKind {
  start_failed,   // exec failed, or no handshake
  crashed,        // killed by a signal
  exited,         // exited before replying
  timed_out,      // request or total timeout; the process group was killed
  protocol_error  // reply too long or channel closed without exit
};
std::string_view to_string(FailureKind k);

struct SolutionFailure : std::runtime_error {
  SolutionFailure(FailureKind kind, const std::string& message)
      : std::runtime_error(message), kind(kind) {}
  FailureKind kind;
};

class SolutionProcess {
 public:
  SolutionProcess(std::vector<std::string> argv, SandboxLimits limits);
  ~SolutionProcess();
  SolutionProcess(const SolutionProcess&) = delete;
  SolutionProcess& operator=(const SolutionProcess&) = delete;

  // Starts the child (killing any previous one) and returns its first line,
  // the handshake. Throws SolutionFailure.
  std::string start();
  bool running() const { return pid_ > 0; }
  // Sends one request line (without '\n') and returns the reply line. On any
  // failure the child is killed (the next call must start() again) and a
  // SolutionFailure says why.
  std::string exchange(const std::string& request_line);
  // Closes the request channel, waits briefly for a clean exit, then kills
  // what is left of the solution's process tree.
  void stop();

  // The last `max_bytes` of everything the child printed (all runs so far).
  std::string output_tail(std::size_t max_bytes) const;
  std::size_t output_bytes() const;
  double elapsed_seconds() const;  // wall time spent inside the solution
  int starts() const { return starts_; }
  const SandboxLimits& limits() const { return limits_; }
  std::string command_line() const;

 private:
  enum class Read { data, nothing, end_of_file };
  Read read_available();
  std::string read_line(double timeout_seconds, const char* waiting_for);
  void write_all(const std::string& data, double timeout_seconds);
  bool child_exited() const;
  // Waits up to `seconds` for the child to exit; true if it has.
  bool wait_for_exit(double seconds) const;
  // Up to `seconds` for `events` on `fd` (−1: none), woken early by the
  // child's exit (pidfd) or, without a pidfd, every few tens of ms so the
  // caller can check child_exited(). Returns fd's revents; 0 on timeout/EINTR.
  short wait_on(int fd, short events, double seconds) const;
  [[noreturn]] void fail_child_gone(const char* waiting_for, bool channel_closed);
  [[noreturn]] void fail_timeout(const char* waiting_for, bool total);
  // Kills the child's group and every orphan, reaps the child, closes the
  // pipes; returns the child's wait status (-1 if none was running).
  int kill_child();
  double remaining_total() const;
  void trim_output();

  std::vector<std::string> argv_;
  SandboxLimits limits_;
  pid_t pid_ = -1;
  // Readable once the child has exited (a pidfd); -1 where the kernel has no
  // pidfd_open (< 5.3): then the child is polled for.
  int exit_fd_ = -1;
  int request_fd_ = -1, reply_fd_ = -1, log_fd_ = -1;
  std::string buffer_;  // reply bytes read past the last line
  double used_seconds_ = 0.0;
  int starts_ = 0;
  std::size_t dropped_output_ = 0;  // bytes trimmed from the log's front
};

// "SIGSEGV (Segmentation fault)" for 11.
std::string signal_description(int signal_number);

}  // namespace w2v
