// The supervisor half of berth-shim: detach, start the container detached from
// the OCI runtime (`run -d`) with its output on pipes, log it, reap it as its
// subreaper, read from its cgroup whether the OOM killer ended it, delete it,
// restart by policy, stop on SIGTERM.
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/shim/memory_cgroup.h"
#include "core/shim/shim.h"
#include "core/shim/shim_log.h"

namespace berth::shim {
namespace {

int64_t NowMs(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

struct State {
  const char* status = "starting";  // starting running restarting exited stopped
  long container_pid = 0;
  int exit_code = -1;
  const char* reason = "";  // why the last run ended: exit, signal or oom
  int64_t exited_at_ms = 0;
  int restarts = 0;
  int64_t started_at_ms = 0;
};

// How a run ended: the OOM killer took a process of a container that then
// failed; else a signal (128 + N) or a plain exit.
const char* ExitReason(int code, int64_t oom_kills) {
  if (oom_kills > 0 && code != 0) return "oom";
  if (code > 128 && code <= 128 + 64) return "signal";
  return "exit";
}

class Supervisor {
 public:
  explicit Supervisor(const SuperviseOptions& o)
      : o_(o), log_(o.bundle + "/log", o.log_max_bytes) {
    ParsePolicy();
  }

  // Runs until the container ends for good; writes "ok" to ready_fd once the
  // first start was attempted. Returns the shim's exit status.
  int Run(int ready_fd);

 private:
  void ParsePolicy() {
    if (o_.restart == "no") max_restarts_ = 0;
    else if (o_.restart == "always") always_ = true, max_restarts_ = -1;
    else if (o_.restart == "on-failure") max_restarts_ = -1;
    else max_restarts_ = std::atoi(o_.restart.c_str() + 11);
  }

  void WriteState() {
    char json[768];
    std::snprintf(json, sizeof json,
                  "{\"id\":\"%s\",\"shim_pid\":%ld,\"container_pid\":%ld,\"status\":\"%s\","
                  "\"exit_code\":%d,\"reason\":\"%s\",\"exited_at_ms\":%lld,\"restarts\":%d,"
                  "\"restart_policy\":\"%s\",\"stop_timeout_ms\":%ld,\"started_at_ms\":%lld}\n",
                  o_.id.c_str(), static_cast<long>(::getpid()), state_.container_pid,
                  state_.status, state_.exit_code, state_.reason,
                  static_cast<long long>(state_.exited_at_ms), state_.restarts,
                  o_.restart.c_str(), o_.stop_timeout_ms,
                  static_cast<long long>(state_.started_at_ms));
    std::string tmp = o_.bundle + "/shim.json.tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    bool ok = WriteAll(fd, json, std::strlen(json)) && ::fsync(fd) == 0;
    ::close(fd);
    if (ok) ::rename(tmp.c_str(), (o_.bundle + "/shim.json").c_str());
  }

  // Runs `RUNTIME --root R ARGS...` to completion (SIGKILLed after 10 s).
  int Runtime(std::vector<std::string> args) {
    std::vector<std::string> argv = {o_.runtime, "--root", o_.runtime_root};
    argv.insert(argv.end(), args.begin(), args.end());
    return Command(argv);
  }

  // Deletes the runtime's record of the container (and with it its cgroup),
  // if it has one.
  void ForgetRun() {
    if (::access((o_.runtime_root + "/" + o_.id).c_str(), F_OK) == 0) {
      Runtime({"delete", "--force", o_.id});
    }
  }

  // Runs argv to completion, output discarded (SIGKILLed after 10 s).
  int Command(const std::vector<std::string>& argv) {
    pid_t pid = Spawn(argv, -1, -1);
    if (pid < 0) return -1;
    int64_t deadline = NowMs(CLOCK_MONOTONIC) + 10000;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (NowMs(CLOCK_MONOTONIC) > deadline) ::kill(pid, SIGKILL);
      ::usleep(5000);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // fork+exec with stdout/stderr on the given fds (-1: /dev/null).
  pid_t Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
    pid_t pid = ::fork();
    if (pid != 0) return pid;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, 0);
    ::dup2(out_fd >= 0 ? out_fd : null_fd, 1);
    ::dup2(err_fd >= 0 ? err_fd : null_fd, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }

  // Starts `runtime run -d`, which passes the pipes on to the container as
  // its stdout and stderr; false when it could not even be forked.
  bool StartContainer() {
    int out[2];
    int err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return false;
    if (::pipe2(err, O_CLOEXEC) != 0) {
      ::close(out[0]), ::close(out[1]);
      return false;
    }
    std::string pid_file = o_.bundle + "/container.pid";
    ::unlink(pid_file.c_str());
    // The last run's record, if a crash kept one, would refuse the same id.
    ForgetRun();
    std::vector<std::string> argv = {o_.runtime, "--root", o_.runtime_root, "run", "-d",
                                     "--pid-file", pid_file, "--bundle", o_.bundle, o_.id};
    runtime_pid_ = Spawn(argv, out[1], err[1]);
    ::close(out[1]);
    ::close(err[1]);
    out_ = {"stdout", out[0], {}};
    err_ = {"stderr", err[0], {}};
    if (runtime_pid_ < 0) {
      ::close(out[0]), ::close(err[0]);
      return false;
    }
    state_.status = "running";
    state_.container_pid = 0;
    state_.started_at_ms = NowMs(CLOCK_REALTIME);
    WriteState();
    return true;
  }

  void ReadContainerPid() {
    FILE* f = std::fopen((o_.bundle + "/container.pid").c_str(), "re");
    if (f == nullptr) return;
    long pid = 0;
    if (std::fscanf(f, "%ld", &pid) == 1 && pid > 0) {
      state_.container_pid = pid;
      WriteState();
    }
    std::fclose(f);
  }

  // Sends `sig` to the container's init: through the runtime, else directly.
  // Before the container exists only a SIGKILL is sent (to the runtime).
  void Signal(int sig) {
    if (state_.container_pid > 0) {
      if (Runtime({"kill", o_.id, sig == SIGKILL ? "KILL" : "TERM"}) != 0) {
        ::kill(static_cast<pid_t>(state_.container_pid), sig);
      }
    } else if (sig == SIGKILL && runtime_pid_ > 0) {
      ::kill(runtime_pid_, SIGKILL);
    }
  }

  // SIGTERM or SIGINT: stop for good. A sigqueue'd value overrides the timeout.
  void BeginStop(const signalfd_siginfo& si) {
    if (stopping_) return;
    stopping_ = true;
    long timeout = o_.stop_timeout_ms;
    if (si.ssi_code == SI_QUEUE && si.ssi_int > 0) timeout = si.ssi_int - 1;
    char msg[96];
    std::snprintf(msg, sizeof msg, "stopping: SIGTERM, SIGKILL after %ld ms", timeout);
    log_.Message(msg);
    Signal(SIGTERM);  // or once the runtime has started it (see Reaped)
    kill_at_ms_ = NowMs(CLOCK_MONOTONIC) + timeout;
  }

  // Handles the end of a child; true when it ends the current run.
  bool Reaped(pid_t pid, int status, int& exit_code);
  // Waits for one run of the container to end; returns its exit code.
  int WaitForExit(int sig_fd);
  // Reads why the run that ended with `code` ended, notes it, and deletes the
  // runtime's record (and the container's cgroup).
  void RecordExit(int code);
  // Sleeps `ms` unless a stop arrives first (then returns false).
  bool Backoff(int sig_fd, long ms);
  void FinalCleanup();
  // Runs BUNDLE/on-exit: one command a line, its words separated by tabs.
  void RunOnExitCommands();

  SuperviseOptions o_;
  Log log_;
  State state_;
  bool always_ = false;
  int max_restarts_ = 10;  // -1: no limit
  bool stopping_ = false;
  bool killed_ = false;
  int64_t kill_at_ms_ = 0;
  pid_t runtime_pid_ = -1;  // `runtime run -d`, until it has started the container
  // Children reaped before their pid was known (the container ending while
  // the runtime still runs): pid and wait status.
  std::vector<std::pair<pid_t, int>> early_;
  Stream out_{"stdout", -1, {}};
  Stream err_{"stderr", -1, {}};
};

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool Supervisor::Reaped(pid_t pid, int status, int& exit_code) {
  if (pid == runtime_pid_) {
    runtime_pid_ = -1;
    if (ExitCode(status) != 0) {  // it did not start; its error is in the log
      exit_code = ExitCode(status);
      return true;
    }
    ReadContainerPid();
    if (state_.container_pid == 0) {
      log_.Message("the runtime wrote no container pid");
      exit_code = 255;
      return true;
    }
    if (stopping_) Signal(SIGTERM);
    for (const auto& [early_pid, early_status] : early_) {
      if (early_pid == state_.container_pid) {
        exit_code = ExitCode(early_status);
        return true;
      }
    }
    return false;
  }
  if (state_.container_pid > 0 && pid == state_.container_pid) {
    exit_code = ExitCode(status);
    return true;
  }
  // The runtime's own helpers, reparented to us; or the container, early.
  if (runtime_pid_ > 0 && early_.size() < 64) early_.emplace_back(pid, status);
  return false;
}

int Supervisor::WaitForExit(int sig_fd) {
  int exit_code = -1;
  bool ended = false;
  early_.clear();
  while (!ended) {
    // A container that is not our child (a runtime that double-forks) is
    // watched by polling, once a second.
    int timeout = state_.container_pid > 0 ? 1000 : 50;
    if (stopping_ && !killed_) {
      int64_t left = kill_at_ms_ - NowMs(CLOCK_MONOTONIC);
      timeout = std::min(timeout, static_cast<int>(std::max<int64_t>(0, left)));
    }
    pollfd fds[3] = {{sig_fd, POLLIN, 0}, {out_.fd, POLLIN, 0}, {err_.fd, POLLIN, 0}};
    ::poll(fds, 3, timeout);
    if (out_.fd >= 0 && fds[1].revents != 0) out_.Pump(log_);
    if (err_.fd >= 0 && fds[2].revents != 0) err_.Pump(log_);
    if (fds[0].revents != 0) {
      signalfd_siginfo si{};
      while (::read(sig_fd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) BeginStop(si);
      }
    }
    int status = 0;
    pid_t pid;
    while (!ended && (pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      ended = Reaped(pid, status, exit_code);
    }
    if (!ended && runtime_pid_ < 0 && state_.container_pid > 0 &&
        ::kill(static_cast<pid_t>(state_.container_pid), 0) != 0 && errno == ESRCH) {
      log_.Message("the container ended outside the shim; its exit status is unknown");
      exit_code = 255;
      ended = true;
    }
    if (!ended && stopping_ && !killed_ && NowMs(CLOCK_MONOTONIC) >= kill_at_ms_) {
      killed_ = true;
      log_.Message("stop timeout passed: SIGKILL");
      Signal(SIGKILL);
    }
  }
  // The container's processes are gone; take what is left in the pipes.
  out_.Drain(log_);
  err_.Drain(log_);
  if (runtime_pid_ > 0) {  // it failed to report the container's start
    ::kill(runtime_pid_, SIGKILL);
    ::waitpid(runtime_pid_, nullptr, 0);
    runtime_pid_ = -1;
  }
  return exit_code;
}

void Supervisor::RecordExit(int code) {
  MemoryCgroup cgroup = FindMemoryCgroup(o_.cgroup_root, o_.cgroup);
  int64_t oom_kills = OomKills(cgroup);
  state_.exit_code = code;
  state_.reason = ExitReason(code, oom_kills);
  state_.exited_at_ms = NowMs(CLOCK_REALTIME);
  state_.container_pid = 0;
  char msg[160];
  std::snprintf(msg, sizeof msg, "container exited with status %d (%s)", code, state_.reason);
  log_.Message(msg);
  if (std::strcmp(state_.reason, "oom") == 0) {
    std::string note = "container killed: " + OutOfMemoryText(MemoryLimit(cgroup));
    log_.Note(note.c_str());
  }
  ForgetRun();
}

bool Supervisor::Backoff(int sig_fd, long ms) {
  int64_t until = NowMs(CLOCK_MONOTONIC) + ms;
  while (true) {
    int64_t left = until - NowMs(CLOCK_MONOTONIC);
    if (left <= 0) return true;
    pollfd p = {sig_fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    signalfd_siginfo si{};
    while (::read(sig_fd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
      if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) return false;
    }
  }
}

int RemoveEntry(const char* path, const struct stat*, int, FTW*) { return ::remove(path); }

void Supervisor::RunOnExitCommands() {
  FILE* f = std::fopen((o_.bundle + "/on-exit").c_str(), "re");
  if (f == nullptr) return;
  char line[4096];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    std::vector<std::string> argv;
    std::string word;
    for (const char* p = line; *p != '\0' && *p != '\n'; ++p) {
      if (*p == '\t') argv.push_back(word), word.clear();
      else word.push_back(*p);
    }
    argv.push_back(word);
    if (argv.size() == 1 && argv[0].empty()) continue;
    int code = Command(argv);
    if (code != 0) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "on-exit command %.80s exited with status %d",
                    argv[0].c_str(), code);
      log_.Message(msg);
    }
  }
  std::fclose(f);
}

void Supervisor::FinalCleanup() {
  ForgetRun();
  std::string rootfs = o_.bundle + "/rootfs";
  while (::umount2(rootfs.c_str(), MNT_DETACH) == 0) {
  }
  RunOnExitCommands();
  std::string removed = o_.bundle + "/removed";
  if (::access(removed.c_str(), F_OK) == 0) {
    ::nftw(o_.bundle.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
  }
}

int Supervisor::Run(int ready_fd) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGCHLD, SIGHUP, SIGPIPE}) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  // The container's init is reparented to the shim once `run -d` returns.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  int sig_fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  WriteState();
  while (true) {
    if (!StartContainer()) {
      log_.Message("cannot start the OCI runtime");
      state_.status = "exited";
      break;
    }
    if (ready_fd >= 0) {
      char ok[32];
      std::snprintf(ok, sizeof ok, "ok %ld\n", static_cast<long>(::getpid()));
      WriteAll(ready_fd, ok, std::strlen(ok));
      ::close(ready_fd);
      ready_fd = -1;
    }
    int code = WaitForExit(sig_fd);
    RecordExit(code);
    if (stopping_) {
      state_.status = "stopped";
      break;
    }
    bool wanted = always_ || code != 0;
    bool allowed = max_restarts_ < 0 || state_.restarts < max_restarts_;
    if (!wanted || !allowed) {
      state_.status = "exited";
      if (wanted && max_restarts_ != 0) {  // why it stays down, for `berth logs`
        char note[160];
        std::snprintf(note, sizeof note,
                      "crashed (status %d); gave up after %d restarts (restart policy %.40s)", code,
                      state_.restarts, o_.restart.c_str());
        log_.Note(note);
      }
      break;
    }
    long delay = o_.backoff_first_ms;
    for (int i = 0; i < state_.restarts && delay < o_.backoff_max_ms; ++i) delay *= 2;
    delay = std::min(delay, o_.backoff_max_ms);
    state_.status = "restarting";
    WriteState();
    char msg[128];
    std::snprintf(msg, sizeof msg, "restarting in %ld ms (restart %d)", delay, state_.restarts + 1);
    log_.Message(msg);
    if (!Backoff(sig_fd, delay)) {
      state_.status = "stopped";
      break;
    }
    ++state_.restarts;
  }
  FinalCleanup();
  if (::access(o_.bundle.c_str(), F_OK) == 0) WriteState();
  return 0;
}

}  // namespace

int StartDetached(const SuperviseOptions& options) {
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) {
    std::perror("berth-shim: pipe");
    return 1;
  }
  pid_t first = ::fork();
  if (first < 0) {
    std::perror("berth-shim: fork");
    return 1;
  }
  if (first > 0) {
    ::close(ready[1]);
    std::string answer;
    char buf[64];
    ssize_t n;
    while ((n = ::read(ready[0], buf, sizeof buf)) != 0) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      answer.append(buf, static_cast<size_t>(n));
    }
    ::waitpid(first, nullptr, 0);
    if (answer.rfind("ok ", 0) != 0) {
      std::fprintf(stderr, "berth-shim: the container %s did not start; see %s/log\n",
                   options.id.c_str(), options.bundle.c_str());
      return 1;
    }
    std::fputs(answer.c_str() + 3, stdout);
    return 0;
  }
  ::close(ready[0]);
  ::setsid();
  if (::fork() != 0) _exit(0);
  // The grandchild: no controlling terminal, not a session leader, no stdio.
  if (::chdir("/") != 0) _exit(1);
  int null_fd = ::open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3; ++fd) ::dup2(null_fd, fd);
  if (null_fd > 2) ::close(null_fd);
  Supervisor supervisor(options);
  _exit(supervisor.Run(ready[1]));
}

}  // namespace berth::shim
