// Test-only: runs the p2pcdn-sim binary (or any program) as a child process in a given
// working directory, capturing its exit status, stdout, stderr and wall time; a callback may
// act while it runs (remove its output directory, fill its disk).
#pragma once
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::testing {

struct ProcessResult {
  int status = -1;  // exit status; 128 + signal when killed
  std::string out, err;
  double seconds = 0;
};

// argv[0] is the program (looked up in PATH). `capture` is a directory for the output files.
inline ProcessResult run_process(const std::vector<std::string>& argv,
                                 const std::filesystem::path& cwd,
                                 const std::filesystem::path& capture,
                                 const std::function<void()>& while_running = {}) {
  const std::filesystem::path out_file = capture / "stdout.txt";
  const std::filesystem::path err_file = capture / "stderr.txt";
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) std::_Exit(126);
    if (::chdir(cwd.c_str()) != 0) std::_Exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::_Exit(127);
  }
  ProcessResult result;
  if (pid < 0) return result;
  if (while_running) while_running();
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  result.out = read_text(out_file);
  result.err = read_text(err_file);
  return result;
}

// Whether `program` is found in PATH.
inline bool in_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string dirs = path;
  std::size_t from = 0;
  while (from <= dirs.size()) {
    const std::size_t to = std::min(dirs.find(':', from), dirs.size());
    if (::access((dirs.substr(from, to - from) + "/" + program).c_str(), X_OK) == 0) return true;
    from = to + 1;
  }
  return false;
}

}  // namespace p2pcdn::testing
