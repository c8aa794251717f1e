#include "checks/process_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <mutex>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

namespace w2v {

namespace {

// Read by the signal handler: lock-free atomics only, in static storage.
std::array<std::atomic<pid_t>, kMaxTrackedSolutions> g_tracked{};
static_assert(std::atomic<pid_t>::is_always_lock_free);

bool is_tracked(pid_t pid) {
  for (const std::atomic<pid_t>& slot : g_tracked)
    if (slot.load() == pid) return true;
  return false;
}

// Everything below runs inside a signal handler too: no allocation, no stdio,
// no locale, only system calls and arithmetic on local buffers.

pid_t parse_pid(const char* s) {
  if (*s == '\0') return -1;
  pid_t value = 0;
  for (; *s != '\0'; ++s) {
    if (*s < '0' || *s > '9' || value > 100'000'000) return -1;
    value = value * 10 + (*s - '0');
  }
  return value;
}

// "/proc/<pid>/<file>" into `out` (at least 48 bytes).
void proc_path(char* out, pid_t pid, const char* file) {
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid > 0 && n < 15);
  const char prefix[] = "/proc/";
  std::size_t at = 0;
  for (const char c : prefix)
    if (c != '\0') out[at++] = c;
  while (n > 0) out[at++] = digits[--n];
  out[at++] = '/';
  for (; *file != '\0' && at < 46; ++file) out[at++] = *file;
  out[at] = '\0';
}

// Up to size-1 bytes of a /proc file, NUL-terminated; the count, or -1.
ssize_t read_proc(pid_t pid, const char* file, char* buffer, std::size_t size) {
  char path[48];
  proc_path(path, pid, file);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n;
  do {
    n = ::read(fd, buffer, size - 1);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  buffer[n > 0 ? n : 0] = '\0';
  return n;
}

// The parent of `pid` from /proc/<pid>/stat, "pid (comm) S ppid …"; -1 if gone.
pid_t parent_of(pid_t pid) {
  char stat[512];
  const ssize_t n = read_proc(pid, "stat", stat, sizeof stat);
  if (n <= 0) return -1;
  // comm may hold spaces and ')': the fields resume after the last ')'.
  ssize_t close_paren = -1;
  for (ssize_t i = 0; i < n; ++i)
    if (stat[i] == ')') close_paren = i;
  if (close_paren < 0 || close_paren + 4 >= n) return -1;
  pid_t ppid = 0;
  bool digits = false;
  for (ssize_t i = close_paren + 4; i < n && stat[i] >= '0' && stat[i] <= '9'; ++i) {
    ppid = ppid * 10 + (stat[i] - '0');
    digits = true;
  }
  return digits ? ppid : -1;
}

template <typename F>
void for_each_process(F&& f) {
  const int dir = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  alignas(dirent64) char buffer[8192];
  for (;;) {
    const ssize_t n = ::getdents64(dir, buffer, sizeof buffer);
    if (n <= 0) break;
    for (ssize_t offset = 0; offset < n;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
      offset += entry->d_reclen;
      if (const pid_t pid = parse_pid(entry->d_name); pid > 0) f(pid);
    }
  }
  ::close(dir);
}

void sleep_briefly(long nanoseconds) {
  timespec t{0, nanoseconds};
  while (::nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}

// SIGKILL acts at once unless the process is stuck inside the kernel (a hung
// NFS read); after ~2 s it is left as it is, to be reaped by a later call,
// rather than hanging the harness.
void reap(pid_t pid) {
  long pause = 100'000;  // 0.1 ms, doubling to 10 ms
  for (long waited = 0; waited < 2'000'000'000L; waited += pause) {
    const pid_t r = ::waitpid(pid, nullptr, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return;
    sleep_briefly(pause);
    if (pause < 10'000'000) pause *= 2;
  }
}

void on_termination(int signal_number) {
  const int saved_errno = errno;
  for (std::atomic<pid_t>& slot : g_tracked)
    if (const pid_t pid = slot.load(); pid > 0) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
    }
  for (std::atomic<pid_t>& slot : g_tracked)
    if (const pid_t pid = slot.exchange(0); pid > 0) reap(pid);
  kill_orphans();
  errno = saved_errno;
  // SA_RESETHAND restored the default action: the signal ends the harness as
  // it would have without this handler (status 128 + n for the shell).
  ::raise(signal_number);
}

// A forked copy of the harness owns none of its parent's solutions.
void forget_tracked_in_child() {
  for (std::atomic<pid_t>& slot : g_tracked) slot.store(0);
}

}  // namespace

void adopt_orphans() {
  // Per process, not once per program: fork() does not pass the subreaper
  // attribute on, and a test may fork a harness of its own.
  static std::mutex mutex;
  static pid_t adopted_in = 0;
  const std::lock_guard lock(mutex);
  if (adopted_in == ::getpid()) return;
  const bool first = adopted_in == 0;
  adopted_in = ::getpid();
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (!first) return;  // the handlers are inherited
  ::pthread_atfork(nullptr, nullptr, forget_tracked_in_child);
  for (const int s : {SIGINT, SIGTERM, SIGHUP}) {
    // A handler the program installed (or SIG_IGN under nohup) stays.
    struct sigaction current {};
    if (::sigaction(s, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
    struct sigaction action {};
    action.sa_handler = on_termination;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    ::sigaction(s, &action, nullptr);
  }
}

void track_solution(pid_t pid) {
  for (std::atomic<pid_t>& slot : g_tracked) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return;
  }
  throw std::runtime_error("track_solution: more than " + std::to_string(kMaxTrackedSolutions) +
                           " solutions running at once");
}

void untrack_solution(pid_t pid) {
  for (std::atomic<pid_t>& slot : g_tracked) {
    pid_t expected = pid;
    slot.compare_exchange_strong(expected, 0);
  }
}

std::size_t kill_orphans() {
  const pid_t self = ::getpid();
  std::size_t killed = 0;
  // Each round kills one generation; a fork bomb gets as many rounds as it
  // has generations, bounded by RLIMIT_NPROC where the kernel enforces it.
  for (int round = 0; round < 100'000; ++round) {
    pid_t victims[256];
    std::size_t count = 0;
    for_each_process([&](pid_t pid) {
      if (count < std::size(victims) && parent_of(pid) == self && !is_tracked(pid))
        victims[count++] = pid;
    });
    if (count == 0) break;
    for (std::size_t i = 0; i < count; ++i) ::kill(victims[i], SIGKILL);
    for (std::size_t i = 0; i < count; ++i) reap(victims[i]);
    killed += count;
  }
  return killed;
}

std::size_t tasks_of_real_user() {
  const uid_t uid = ::getuid();
  std::size_t tasks = 0;
  for_each_process([&](pid_t pid) {
    char status[4096];
    if (read_proc(pid, "status", status, sizeof status) <= 0) return;
    const std::string_view text(status);
    // "Uid:\t<real>\t<effective>…" and "Threads:\t<n>"
    const auto number_after = [&](std::string_view key) -> long {
      const std::size_t at = text.find(key);
      if (at == std::string_view::npos) return -1;
      long value = 0;
      bool digits = false;
      for (std::size_t i = at + key.size(); i < text.size(); ++i) {
        if (text[i] == '\t' || text[i] == ' ') {
          if (digits) break;
          continue;
        }
        if (text[i] < '0' || text[i] > '9') break;
        value = value * 10 + (text[i] - '0');
        digits = true;
      }
      return digits ? value : -1;
    };
    if (number_after("\nUid:") != static_cast<long>(uid)) return;
    const long threads = number_after("\nThreads:");
    tasks += threads > 0 ? static_cast<std::size_t>(threads) : 1;
  });
  return tasks;
}

}  // namespace w2v
