#pragma once
// Fake solutions for the tests of checks/solution_process.hpp and
// checks/solution_client.hpp: small /bin/sh scripts written into a fresh
// temporary directory (removed afterwards), speaking just enough of
// docs/protocol.md to misbehave in one particular way. A script reads a
// request with `read -r line <&3` and answers with `echo … >&4`.
//
//   FakeSolutions dir;
//   const std::string crasher = dir.script("crasher", kHandshake + "read -r line <&3\nkill -SEGV $$\n");
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace w2v::testing {

// The first line every fake solution writes.
inline const std::string kHandshakeLine = R"({"protocol": 1, "ready": true, "language": "sh"})";
inline const std::string kHandshake = "echo '" + kHandshakeLine + "' >&4\n";

class FakeSolutions {
 public:
  FakeSolutions() {
    char name[] = "/tmp/w2v-fake-solutions-XXXXXX";
    if (::mkdtemp(name) == nullptr) throw std::runtime_error("FakeSolutions: mkdtemp failed");
    dir_ = name;
  }
  ~FakeSolutions() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  FakeSolutions(const FakeSolutions&) = delete;
  FakeSolutions& operator=(const FakeSolutions&) = delete;

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  // An executable /bin/sh script; `cd`s into this directory first, so the
  // script names its files without paths.
  std::string script(const std::string& name, const std::string& body) const {
    const std::string file =
        write(name, "#!/bin/sh\ncd '" + dir_.string() + "' || exit 99\n" + body);
    ::chmod(file.c_str(), 0755);
    return file;
  }

  // A solution that greets with `handshake` and answers every request with
  // `reply`, in which "@ID@" stands for the request's id.
  std::string replier(const std::string& name, const std::string& handshake,
                      const std::string& reply) const {
    write(name + ".handshake", handshake + "\n");
    write(name + ".reply", reply + "\n");
    return script(name, "cat " + name + ".handshake >&4\n"
                        "while IFS= read -r line <&3; do\n"
                        "  id=$(printf '%s' \"$line\" | sed 's/^{\"id\":\\([0-9]*\\).*/\\1/')\n"
                        "  sed \"s/@ID@/$id/g\" " + name + ".reply >&4\n"
                        "done\n");
  }

  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  // A pid a script wrote into `name` (`echo $! > name`), waiting up to
  // `seconds` for the file; -1 if it never came.
  pid_t wait_for_pid(const std::string& name, double seconds = 30.0) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
      const std::string text = read(name);
      if (!text.empty() && text.back() == '\n') return static_cast<pid_t>(std::atol(text.c_str()));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  std::filesystem::path dir_;
};

// The process exists and has not exited (a zombie has).
inline bool alive(pid_t pid) {
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] != 'Z';
}

// Polls until `done()` or `seconds` have passed; whether it became true. For
// waiting on other processes without asserting how fast they are.
template <typename F>
bool eventually(F done, double seconds = 30.0) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A test that fails must not leave a sleeper behind.
inline void kill_if_alive(pid_t pid) {
  if (alive(pid)) ::kill(pid, SIGKILL);
}

}  // namespace w2v::testing
