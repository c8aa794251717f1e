#include "checks/solution_process.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "checks/process_tree.hpp"

extern char** environ;

namespace w2v {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int to_poll_ms(double seconds) {
  return static_cast<int>(std::clamp(std::ceil(seconds * 1000.0), 0.0, 2.0e9));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Adds the time spent in a call to the process's total, however it ends.
class TimeSpent {
 public:
  explicit TimeSpent(double& total) : total_(total), start_(Clock::now()) {}
  ~TimeSpent() { total_ += seconds_since(start_); }
  TimeSpent(const TimeSpent&) = delete;
  TimeSpent& operator=(const TimeSpent&) = delete;

 private:
  double& total_;
  Clock::time_point start_;
};

std::string describe_seconds(double s) { return fmt::format("{:g} s", s); }

std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "W2V_PROTOCOL=", 13) != 0) env.emplace_back(*e);
  env.emplace_back("W2V_PROTOCOL=1");
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void set_limit(int resource, rlim_t value) {
  const rlimit r{value, value};
  ::setrlimit(resource, &r);
}

// RLIMIT_NPROC counts every task (process or thread) of the real user, not the
// solution's own, so a fixed small number fails at once for a user who already
// runs many (a desktop session, a CI runner with parallel jobs). The solution
// gets what the user has now plus room for a legitimate solution: OpenBLAS
// starts a thread per core when it loads, and a helper process or two. A busy
// user whose other jobs start processes meanwhile leaves the solution less
// room; only the solution's own forks and threads can then fail (EAGAIN). For
// root the kernel does not enforce the limit at all; there the subreaper
// cleanup (checks/process_tree.hpp) is what ends a fork bomb, after the call.
rlim_t process_limit() {
  const std::size_t cores = std::max(1U, std::thread::hardware_concurrency());
  const rlim_t wanted = tasks_of_real_user() + std::max<std::size_t>(256, 8 * cores);
  rlimit current{};
  if (::getrlimit(RLIMIT_NPROC, &current) != 0) return wanted;
  return std::min(wanted, current.rlim_cur);  // never more than the harness has
}

int open_exit_fd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // close-on-exec by definition
#else
  (void)pid;
  return -1;
#endif
}

// Without a pidfd, how often a wait checks whether the child has exited.
constexpr int kExitPollMs = 50;

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(int request_read, int reply_write, int log_fd, int dev_null,
                             int exec_error_write, const SandboxLimits& limits, rlim_t processes,
                             pid_t harness, char** argv, char** envp) {
  // Dies with the harness even when the harness is SIGKILLed. The signal is
  // tied to the thread that forked: solutions are started and used from one
  // thread that lives as long as they do (the runner's).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != harness) ::_exit(127);  // the harness died before prctl
  ::setpgid(0, 0);
  // Move everything above the fds we are about to fill so no dup2 clobbers a source.
  const int req = ::fcntl(request_read, F_DUPFD, 10);
  const int rep = ::fcntl(reply_write, F_DUPFD, 10);
  const int log = ::fcntl(log_fd, F_DUPFD, 10);
  const int nul = ::fcntl(dev_null, F_DUPFD, 10);
  if (req < 0 || rep < 0 || log < 0 || nul < 0 || ::dup2(nul, 0) < 0 || ::dup2(log, 1) < 0 ||
      ::dup2(log, 2) < 0 || ::dup2(req, 3) < 0 || ::dup2(rep, 4) < 0) {
    const int err = errno;
    (void)!::write(exec_error_write, &err, sizeof err);
    ::_exit(127);
  }
  // Every other descriptor of the harness stays out of the child.
  ::close_range(5, ~0U, CLOSE_RANGE_CLOEXEC);

  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGXCPU, SIGXFSZ}) ::sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  const double cpu = std::min(limits.total_timeout_seconds + 5.0, 1e9);
  set_limit(RLIMIT_CPU, static_cast<rlim_t>(cpu));
  set_limit(RLIMIT_AS, static_cast<rlim_t>(limits.address_space_bytes));
  set_limit(RLIMIT_FSIZE, static_cast<rlim_t>(limits.output_file_bytes));
  set_limit(RLIMIT_CORE, 0);
  set_limit(RLIMIT_NPROC, processes);

  ::execvpe(argv[0], argv, envp);
  const int err = errno;
  (void)!::write(exec_error_write, &err, sizeof err);
  ::_exit(127);
}

}  // namespace

std::string_view to_string(FailureKind k) {
  switch (k) {
    case FailureKind::start_failed: return "start_failed";
    case FailureKind::crashed: return "crashed";
    case FailureKind::exited: return "exited";
    case FailureKind::timed_out: return "timed_out";
    case FailureKind::protocol_error: return "protocol_error";
  }
  return "unknown";
}

std::string signal_description(int signal_number) {
  const char* abbrev = ::sigabbrev_np(signal_number);
  const char* text = ::sigdescr_np(signal_number);
  std::string out = abbrev != nullptr ? fmt::format("SIG{}", abbrev)
                                      : fmt::format("signal {}", signal_number);
  if (text != nullptr) out += fmt::format(" ({})", text);
  return out;
}

SolutionProcess::SolutionProcess(std::vector<std::string> argv, SandboxLimits limits)
    : argv_(std::move(argv)), limits_(limits) {
  if (argv_.empty() || argv_[0].empty())
    throw std::invalid_argument("solution command is empty");
  adopt_orphans();
  // A child that dies while we write its request must give us EPIPE, not kill
  // the harness with SIGPIPE.
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, nullptr);
  }
  char path[] = "/tmp/w2v-solution-output-XXXXXX";
  log_fd_ = ::mkostemp(path, O_CLOEXEC | O_APPEND);
  if (log_fd_ < 0)
    throw std::runtime_error(fmt::format("cannot create a log file for the solution's output: {}",
                                         std::strerror(errno)));
  ::unlink(path);
}

SolutionProcess::~SolutionProcess() {
  kill_child();
  close_fd(log_fd_);
}

std::string SolutionProcess::command_line() const {
  std::string out;
  for (const std::string& a : argv_) out += (out.empty() ? "" : " ") + a;
  return out;
}

double SolutionProcess::elapsed_seconds() const { return used_seconds_; }

double SolutionProcess::remaining_total() const {
  return limits_.total_timeout_seconds - used_seconds_;
}

std::string SolutionProcess::start() {
  kill_child();
  if (remaining_total() <= 0)
    throw SolutionFailure(FailureKind::timed_out,
                          fmt::format("total time limit of {} used up; not started again",
                                      describe_seconds(limits_.total_timeout_seconds)));
  TimeSpent spent(used_seconds_);
  int request[2], reply[2], exec_error[2];
  if (::pipe2(request, O_CLOEXEC) != 0 || ::pipe2(reply, O_CLOEXEC) != 0 ||
      ::pipe2(exec_error, O_CLOEXEC) != 0)
    throw SolutionFailure(FailureKind::start_failed,
                          fmt::format("cannot create pipes: {}", std::strerror(errno)));
  int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::vector<std::string> env = child_environment();
  std::vector<std::string> args = argv_;
  std::vector<char*> envp = c_strings(env), argvp = c_strings(args);
  const rlim_t processes = process_limit();
  const pid_t harness = ::getpid();

  const pid_t pid = ::fork();
  if (pid == 0)
    exec_child(request[0], reply[1], log_fd_, dev_null, exec_error[1], limits_, processes, harness,
               argvp.data(), envp.data());
  ::close(request[0]);
  ::close(reply[1]);
  ::close(exec_error[1]);
  close_fd(dev_null);
  if (pid < 0) {
    ::close(request[1]);
    ::close(reply[0]);
    ::close(exec_error[0]);
    throw SolutionFailure(FailureKind::start_failed, fmt::format("fork failed: {}", std::strerror(errno)));
  }
  ::setpgid(pid, pid);  // also in the child: whichever runs first
  pid_ = pid;
  track_solution(pid);
  exit_fd_ = open_exit_fd(pid);
  ++starts_;
  request_fd_ = request[1];
  reply_fd_ = reply[0];
  ::fcntl(request_fd_, F_SETFL, ::fcntl(request_fd_, F_GETFL) | O_NONBLOCK);
  // Non-blocking: after the child died, what it wrote is drained without
  // waiting on a descendant that still holds fd 4.
  ::fcntl(reply_fd_, F_SETFL, ::fcntl(reply_fd_, F_GETFL) | O_NONBLOCK);

  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_error[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(exec_error[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    kill_child();
    throw SolutionFailure(FailureKind::start_failed,
                          fmt::format("cannot run '{}': {}", argv_[0], std::strerror(child_errno)));
  }
  try {
    return read_line(std::min(limits_.request_timeout_seconds, remaining_total()),
                     "its handshake");
  } catch (const SolutionFailure& f) {
    throw SolutionFailure(f.kind == FailureKind::timed_out ? f.kind : FailureKind::start_failed,
                          f.what());
  }
}

std::string SolutionProcess::exchange(const std::string& request_line) {
  if (!running()) throw std::logic_error("SolutionProcess::exchange: the solution is not running");
  TimeSpent spent(used_seconds_);
  const Clock::time_point begin = Clock::now();
  const bool total_binds = remaining_total() < limits_.request_timeout_seconds;
  const double budget = std::min(limits_.request_timeout_seconds, remaining_total());
  trim_output();
  write_all(request_line + "\n", budget);
  try {
    return read_line(budget - seconds_since(begin), "a reply");
  } catch (const SolutionFailure& f) {
    if (f.kind == FailureKind::timed_out) fail_timeout("a reply", total_binds);
    throw;
  }
}

bool SolutionProcess::child_exited() const {
  if (pid_ <= 0) return true;
  siginfo_t info{};
  // WNOWAIT: the zombie keeps its pid, so its process group id cannot be
  // reused before kill_child() has signalled the group.
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid_;
}

bool SolutionProcess::wait_for_exit(double seconds) const {
  const Clock::time_point begin = Clock::now();
  for (;;) {
    if (child_exited()) return true;
    const double left = seconds - seconds_since(begin);
    if (left <= 0) return false;
    wait_on(-1, 0, left);
  }
}

short SolutionProcess::wait_on(int fd, short events, double seconds) const {
  // poll() ignores negative descriptors: no fd, or no pidfd, is simply not watched.
  pollfd p[2] = {{fd, events, 0}, {exit_fd_, POLLIN, 0}};
  const int ms = exit_fd_ >= 0 ? to_poll_ms(seconds) : std::min(to_poll_ms(seconds), kExitPollMs);
  return ::poll(p, 2, ms) > 0 ? p[0].revents : 0;
}

void SolutionProcess::write_all(const std::string& data, double timeout_seconds) {
  const Clock::time_point begin = Clock::now();
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(request_fd_, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) fail_child_gone("it to read its request", true);
    if (n < 0 && errno != EAGAIN)
      throw SolutionFailure(FailureKind::protocol_error,
                            fmt::format("cannot send the request: {}", std::strerror(errno)));
    // The pipe is full: the child is not reading (yet), or is dead while a
    // process it forked holds fd 3 open.
    const double left = timeout_seconds - seconds_since(begin);
    if (left <= 0) fail_timeout("it to read its request", false);
    wait_on(request_fd_, POLLOUT, left);
    if (child_exited()) fail_child_gone("it to read its request", false);
  }
}

SolutionProcess::Read SolutionProcess::read_available() {
  char chunk[1 << 16];
  const ssize_t n = ::read(reply_fd_, chunk, sizeof chunk);
  if (n > 0) {
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return Read::data;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Read::nothing;
  return Read::end_of_file;  // 0, or an error: nothing more will come
}

std::string SolutionProcess::read_line(double timeout_seconds, const char* waiting_for) {
  const Clock::time_point begin = Clock::now();
  std::size_t scanned = 0;
  for (;;) {
    const std::size_t nl = buffer_.find('\n', scanned);
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    scanned = buffer_.size();
    if (buffer_.size() > limits_.reply_bytes) {
      kill_child();
      throw SolutionFailure(FailureKind::protocol_error,
                            fmt::format("sent more than {} MiB without a newline while the harness "
                                        "waited for {}",
                                        limits_.reply_bytes >> 20, waiting_for));
    }
    const double left = timeout_seconds - seconds_since(begin);
    if (left <= 0) fail_timeout(waiting_for, false);
    if (wait_on(reply_fd_, POLLIN, left) != 0) {
      const Read r = read_available();
      if (r == Read::data) continue;
      if (r == Read::end_of_file) fail_child_gone(waiting_for, true);
    }
    if (child_exited()) {
      // What it wrote before dying is still in the pipe; a process it forked
      // may hold fd 4 open, so end of file may never come.
      while (buffer_.size() <= limits_.reply_bytes && read_available() == Read::data) {
      }
      if (buffer_.find('\n', scanned) != std::string::npos) continue;
      fail_child_gone(waiting_for, false);
    }
  }
}

void SolutionProcess::fail_timeout(const char* waiting_for, bool total) {
  kill_child();
  const std::string limit =
      total ? fmt::format("the total time limit of {} ran out",
                          describe_seconds(limits_.total_timeout_seconds))
            : fmt::format("no answer within the {} time limit",
                          describe_seconds(limits_.request_timeout_seconds));
  throw SolutionFailure(FailureKind::timed_out,
                        fmt::format("timed out: {} while the harness waited for {} (hanging or "
                                    "far too slow); its process group was killed",
                                    limit, waiting_for));
}

void SolutionProcess::fail_child_gone(const char* waiting_for, bool channel_closed) {
  // End of file on a channel usually means the child died: give it a moment.
  if (channel_closed && !wait_for_exit(2.0)) {
    kill_child();
    throw SolutionFailure(FailureKind::protocol_error,
                          fmt::format("closed its reply channel (fd 4) without exiting while the "
                                      "harness waited for {}",
                                      waiting_for));
  }
  const int status = kill_child();
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::string why = signal_description(sig);
    if (sig == SIGXCPU) why += ": CPU time limit reached";
    if (sig == SIGXFSZ)
      why += fmt::format(": printed more than the {} MiB output limit", limits_.output_file_bytes >> 20);
    throw SolutionFailure(FailureKind::crashed,
                          fmt::format("crashed: killed by {} while the harness waited for {}", why,
                                      waiting_for));
  }
  throw SolutionFailure(FailureKind::exited,
                        fmt::format("exited with status {} while the harness waited for {}",
                                    WEXITSTATUS(status), waiting_for));
}

int SolutionProcess::kill_child() {
  int status = -1;
  if (pid_ > 0) {
    // The group first, while the child (a zombie at worst) still holds its id.
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    untrack_solution(pid_);
    pid_ = -1;
    // Descendants that left the group (setsid) or outlived their parent were
    // re-parented to the harness (a subreaper): they die now too.
    kill_orphans();
  }
  close_fd(exit_fd_);
  close_fd(request_fd_);
  close_fd(reply_fd_);
  buffer_.clear();
  return status;
}

void SolutionProcess::stop() {
  if (!running()) return;
  close_fd(request_fd_);  // EOF on fd 3: the solution exits by itself
  wait_for_exit(1.0);
  kill_child();
}

std::size_t SolutionProcess::output_bytes() const {
  struct stat st {};
  return dropped_output_ + (::fstat(log_fd_, &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0);
}

void SolutionProcess::trim_output() {
  // Between calls the child only waits on fd 3, so the log can be cut to its
  // tail; its O_APPEND writes then continue after the kept tail.
  constexpr std::size_t kTrimAbove = std::size_t{8} << 20, kKeep = std::size_t{256} << 10;
  struct stat st {};
  if (::fstat(log_fd_, &st) != 0 || static_cast<std::size_t>(st.st_size) <= kTrimAbove) return;
  const std::size_t size = static_cast<std::size_t>(st.st_size);
  std::string tail(kKeep, '\0');
  const ssize_t n = ::pread(log_fd_, tail.data(), kKeep, static_cast<off_t>(size - kKeep));
  if (n != static_cast<ssize_t>(kKeep) || ::ftruncate(log_fd_, 0) != 0) return;
  if (::write(log_fd_, tail.data(), tail.size()) != static_cast<ssize_t>(tail.size())) return;
  dropped_output_ += size - kKeep;
}

std::string SolutionProcess::output_tail(std::size_t max_bytes) const {
  const std::size_t size = output_bytes() - dropped_output_;
  const std::size_t from = size > max_bytes ? size - max_bytes : 0;
  std::string out(size - from, '\0');
  const ssize_t n = ::pread(log_fd_, out.data(), out.size(), static_cast<off_t>(from));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

}  // namespace w2v
