// ProcessRunner: the one way berth starts other programs. Never through a shell:
// argv goes to execve as given. Tests swap in a fake to run no process at all.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is a path or a name looked up in PATH
  // The child's whole environment when set; otherwise berth's own, plus `extra_env`.
  std::optional<std::map<std::string, std::string>> env;
  std::map<std::string, std::string> extra_env;
  std::optional<std::string> cwd;
  std::string stdin_data;        // written to the child's stdin, then closed
  bool inherit_stdin = false;    // true: the child reads berth's stdin (stdin_data unused)
  bool capture_stdout = true;    // false: the child inherits berth's stdout
  bool capture_stderr = true;    // false: the child inherits berth's stderr
  std::chrono::milliseconds timeout{0};  // 0: none; else SIGKILL when it passes
};

struct ProcessResult {
  int exit_code = 0;     // the exit status, or 128 + signal when killed
  bool timed_out = false;
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0 && !timed_out; }
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs the program to completion. An error Status only when it could not be
  // started at all (not found, not executable); a non-zero exit is a result.
  virtual Result<ProcessResult> Run(const ProcessSpec& spec) = 0;
};

// Runs real processes with posix_spawn. Ignores SIGPIPE in berth (once), so a
// child that stops reading its stdin cannot kill the caller.
class PosixProcessRunner : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const ProcessSpec& spec) override;
};

}  // namespace berth
