#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base/files.h"
#include "core/base/process.h"

extern char** environ;

namespace berth {
namespace {

using Clock = std::chrono::steady_clock;

// A pipe whose ends close themselves.
struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() { Close(); }
  bool Open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
  void CloseEnd(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void Close() {
    CloseEnd(0);
    CloseEnd(1);
  }
};

std::vector<std::string> BuildEnv(const ProcessSpec& spec) {
  std::map<std::string, std::string> env;
  if (spec.env) {
    env = *spec.env;
  } else {
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  for (const auto& [k, v] : spec.extra_env) env[k] = v;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<ProcessResult> PosixProcessRunner::Run(const ProcessSpec& spec) {
  if (spec.argv.empty()) return InvalidArgument("no program to run");
  // A child that exits without reading its stdin must give us EPIPE, not kill
  // berth; children get the default disposition back (POSIX_SPAWN_SETSIGDEF).
  static const bool kSigpipeIgnored = (::signal(SIGPIPE, SIG_IGN), true);
  (void)kSigpipeIgnored;
  if (spec.cwd && !PathExists(*spec.cwd)) {
    return Internal("cannot run " + spec.argv[0] + ": working directory " + *spec.cwd +
                    " does not exist");
  }
  Pipe in, out, err;
  if (!in.Open() || !out.Open() || !err.Open()) return Internal(ErrnoMessage("pipe"));
  // Our end of the child's stdin must not block: a child that writes output while
  // it still reads input would otherwise deadlock with us once both pipes fill.
  if (::fcntl(in.fd[1], F_SETFL, O_NONBLOCK) != 0) return Internal(ErrnoMessage("fcntl"));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!spec.inherit_stdin) posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  if (spec.capture_stdout) posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  if (spec.capture_stderr) posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  if (spec.cwd) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd->c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  short flags = POSIX_SPAWN_SETSIGDEF;
  if (spec.timeout.count() > 0) {
    flags |= POSIX_SPAWN_SETPGROUP;  // so a timeout kills the child's own children too
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, flags);

  std::vector<std::string> argv_strings = spec.argv;
  std::vector<std::string> env_strings = BuildEnv(spec);
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Internal("cannot run " + spec.argv[0] + ": " + std::strerror(rc));
  }
  in.CloseEnd(0);
  out.CloseEnd(1);
  err.CloseEnd(1);
  if (!spec.capture_stdout) out.CloseEnd(0);
  if (!spec.capture_stderr) err.CloseEnd(0);

  ProcessResult result;
  size_t written = 0;
  if (spec.stdin_data.empty() || spec.inherit_stdin) in.CloseEnd(1);
  const auto deadline = Clock::now() + spec.timeout;
  while (in.fd[1] >= 0 || out.fd[0] >= 0 || err.fd[0] >= 0) {
    pollfd fds[3];
    nfds_t n = 0;
    if (in.fd[1] >= 0) fds[n++] = {in.fd[1], POLLOUT, 0};
    if (out.fd[0] >= 0) fds[n++] = {out.fd[0], POLLIN, 0};
    if (err.fd[0] >= 0) fds[n++] = {err.fd[0], POLLIN, 0};
    int wait_ms = -1;
    if (spec.timeout.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        result.timed_out = true;
        ::kill(-pid, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    int ready = ::poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      int fd = fds[i].fd;
      if (fd == in.fd[1]) {
        ssize_t w = ::write(fd, spec.stdin_data.data() + written, spec.stdin_data.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EINTR && errno != EAGAIN) in.CloseEnd(1);
        if (written == spec.stdin_data.size()) in.CloseEnd(1);
        continue;
      }
      char buf[16384];
      ssize_t r = ::read(fd, buf, sizeof buf);
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      std::string& sink = fd == out.fd[0] ? result.out : result.err;
      if (r <= 0) {
        out.fd[0] == fd ? out.CloseEnd(0) : err.CloseEnd(0);
        continue;
      }
      sink.append(buf, static_cast<size_t>(r));
    }
  }

  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return Internal(ErrnoMessage("waitpid"));
  }
  if (WIFEXITED(wstatus)) result.exit_code = WEXITSTATUS(wstatus);
  else if (WIFSIGNALED(wstatus)) result.exit_code = 128 + WTERMSIG(wstatus);
  return result;
}

}  // namespace berth
