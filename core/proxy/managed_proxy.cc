#include "core/proxy/managed_proxy.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <thread>

#include "core/base/files.h"

namespace berth {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kRunTimeout{30000};
constexpr milliseconds kReloadWait{10000};
constexpr milliseconds kGracefulStopWait{10000};
constexpr milliseconds kOldWorkersWait{3000};
// How long a validated configuration may be applied without validating it
// again (the files it names could change; a deploy's checks take seconds).
constexpr std::time_t kValidatedFreshSeconds = 120;
constexpr milliseconds kPoll{20};

struct ProcStat {
  std::string comm;
  char state = '?';
  int ppid = 0;
};

// /proc/PID/stat: "PID (comm) S PPID ...". nullopt when there is no such process.
std::optional<ProcStat> ReadStat(int pid) {
  auto text = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (!text.ok()) return std::nullopt;
  size_t open = text->find('(');
  size_t close = text->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 4 > text->size()) {
    return std::nullopt;
  }
  ProcStat stat;
  stat.comm = text->substr(open + 1, close - open - 1);
  stat.state = (*text)[close + 2];
  stat.ppid = std::atoi(text->c_str() + close + 4);
  return stat;
}

bool Alive(int pid, std::string_view comm) {
  auto stat = ReadStat(pid);
  return stat && stat->state != 'Z' && stat->state != 'X' && stat->comm == comm;
}

// The live children of `pid` (its workers).
std::set<int> Children(int pid) {
  std::set<int> out;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return out;
  while (dirent* entry = ::readdir(dir)) {
    int child = std::atoi(entry->d_name);
    if (child <= 0) continue;
    auto stat = ReadStat(child);
    if (stat && stat->ppid == pid && stat->state != 'Z') out.insert(child);
  }
  ::closedir(dir);
  return out;
}

template <typename Pred>
bool WaitUntil(milliseconds limit, Pred done) {
  auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPoll);
  }
  return true;
}

// The last lines of a log file, to show with an error.
std::string Tail(const std::string& path, size_t lines) {
  auto text = ReadFile(path);
  if (!text.ok() || text->empty()) return "";
  size_t pos = text->size() - 1;
  for (size_t n = 0; pos > 0; --pos) {
    if ((*text)[pos - 1] == '\n' && ++n == lines) break;
  }
  return text->substr(pos);
}

// An exclusive flock held for the scope: one Apply at a time per proxy.
class ScopedLock {
 public:
  explicit ScopedLock(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~ScopedLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedLock(const ScopedLock&) = delete;
  ScopedLock& operator=(const ScopedLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

std::string Output(const ProcessResult& r) {
  std::string text = r.err.empty() ? r.out : r.err;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::string WorkerUserIfRoot(const char* user) {
  if (::geteuid() != 0) return "";
  return ::getpwnam(user) != nullptr ? user : "";
}

int ManagedProxy::LivePid() const {
  auto text = ReadFile(pid_path());
  if (!text.ok()) return 0;
  int pid = std::atoi(text->c_str());
  return pid > 0 && Alive(pid, type_) ? pid : 0;
}

bool ManagedProxy::Running() { return LivePid() != 0; }

bool ManagedProxy::Died() { return PathExists(pid_path()) && LivePid() == 0; }

Status ManagedProxy::RunChecked(const std::vector<std::string>& argv, const std::string& what) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.timeout = kRunTimeout;
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, runner_.Run(spec));
  if (result.timed_out) return Internal(what + ": " + argv[0] + " did not finish in time");
  if (!result.ok()) return FailedPrecondition(what + ":\n" + Output(result));
  return Status::Ok();
}

Result<std::string> ManagedProxy::ValidCandidate(const std::vector<AppRoutes>& apps,
                                                 const std::string& text) {
  BERTH_RETURN_IF_ERROR(PrepareFiles(apps));
  std::string candidate = config_path() + ".new-" + std::to_string(::getpid());
  BERTH_RETURN_IF_ERROR(WriteFileAtomic(candidate, text, 0644));
  Status valid =
      RunChecked(ValidateCommand(candidate),
                 "The new " + type_ + " configuration is invalid; the running one is unchanged");
  if (!valid.ok()) {
    ::unlink(candidate.c_str());
    return valid;
  }
  return candidate;
}

Result<std::string> ManagedProxy::Candidate(const std::vector<AppRoutes>& apps,
                                            const std::string& text) {
  std::string validated = validated_path();
  struct stat st;
  bool fresh = ::stat(validated.c_str(), &st) == 0 &&
               std::time(nullptr) - st.st_mtime <= kValidatedFreshSeconds;
  if (fresh) {
    auto kept = ReadFile(validated);
    if (kept.ok() && *kept == text) {
      BERTH_RETURN_IF_ERROR(PrepareFiles(apps));
      return validated;
    }
  }
  ::unlink(validated.c_str());
  return ValidCandidate(apps, text);
}

namespace {

// The configuration text, then each certificate and key file it names with its
// modification time and size: a certificate replaced in place changes this.
std::string LoadedState(const std::vector<AppRoutes>& apps, const std::string& text) {
  std::string state = text + "\n# files\n";
  for (const AppRoutes& app : apps) {
    for (const std::string& path : {app.cert_path, app.key_path}) {
      if (path.empty()) continue;
      struct stat st;
      if (::stat(path.c_str(), &st) != 0) continue;
      state += path + " " + std::to_string(st.st_mtim.tv_sec) + "." +
               std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_size) + "\n";
    }
  }
  return state;
}

}  // namespace

Status ManagedProxy::Check(const std::vector<AppRoutes>& apps, bool apply) {
  BERTH_ASSIGN_OR_RETURN(std::string text, Render(apps));
  BERTH_RETURN_IF_ERROR(MakeDirs(log_dir()));
  ScopedLock lock(dir() + "/apply.lock");
  if (!lock.ok()) return Internal(ErrnoMessage("lock " + dir() + "/apply.lock"));
  if (!apply) {
    BERTH_ASSIGN_OR_RETURN(std::string candidate, ValidCandidate(apps, text));
    if (::rename(candidate.c_str(), validated_path().c_str()) != 0) ::unlink(candidate.c_str());
    return Status::Ok();
  }
  std::string loaded = LoadedState(apps, text);
  bool running = Running();
  if (running) {
    auto previous = ReadFile(loaded_path());
    if (previous.ok() && *previous == loaded) return Status::Ok();  // it runs this already
  }
  BERTH_ASSIGN_OR_RETURN(std::string candidate, Candidate(apps, text));
  if (::rename(candidate.c_str(), config_path().c_str()) != 0) {
    Status s = Internal(ErrnoMessage("rename " + candidate));
    ::unlink(candidate.c_str());
    return s;
  }
  ::unlink(loaded_path().c_str());
  if (running) BERTH_RETURN_IF_ERROR(Reload());
  // Not running: Start loads what is on disk now.
  (void)WriteFileAtomic(loaded_path(), loaded, 0600);
  return Status::Ok();
}

Status ManagedProxy::Apply(const std::vector<AppRoutes>& apps) { return Check(apps, true); }

Status ManagedProxy::Validate(const std::vector<AppRoutes>& apps) { return Check(apps, false); }

Status ManagedProxy::Start() {
  if (Running()) return Status::Ok();
  if (!PathExists(config_path())) {
    return FailedPrecondition("There is no " + type_ + " configuration yet in " + dir());
  }
  BERTH_RETURN_IF_ERROR(MakeDirs(log_dir()));
  ::unlink(pid_path().c_str());  // a stale one from a daemon that died
  BERTH_RETURN_IF_ERROR(RunChecked(StartCommand(), "Could not start " + type_));
  if (!WaitUntil(milliseconds(5000), [&] { return Running(); })) {
    std::string log = Tail(log_dir() + "/error.log", 5);
    return Internal(type_ + " did not stay up" + (log.empty() ? "" : ":\n" + log));
  }
  return Status::Ok();
}

Status ManagedProxy::Reload() {
  int pid = LivePid();
  if (pid == 0) return FailedPrecondition(type_ + " is not running (berth proxy:start)");
  std::set<int> before = Children(pid);
  if (::kill(pid, ReloadSignal()) != 0) return Internal(ErrnoMessage("signal " + type_));
  // The master has loaded the configuration once it has forked a new worker.
  bool reloaded = WaitUntil(kReloadWait, [&] {
    for (int child : Children(pid)) {
      if (!before.contains(child)) return true;
    }
    return false;
  });
  if (!reloaded) {
    std::string log = Tail(log_dir() + "/error.log", 5);
    return Internal(type_ +
                    " did not load the new configuration; it keeps serving the previous one" +
                    (log.empty() ? "" : ":\n" + log));
  }
  if (int signal = OldWorkerStopSignal(); signal != 0) {
    std::set<int> now = Children(pid);  // still the master's: not a reused pid
    for (int old : before) {
      if (now.contains(old)) ::kill(old, signal);
    }
  }
  // Old workers stop accepting once told to finish; most are gone at once. Give
  // them a moment, so that when Reload returns, new connections see the new
  // configuration; one still busy with a long request may stay behind.
  WaitUntil(kOldWorkersWait, [&] {
    std::set<int> now = Children(pid);
    for (int old : before) {
      if (now.contains(old)) return false;
    }
    return true;
  });
  return Status::Ok();
}

Status ManagedProxy::Stop() {
  int pid = LivePid();
  if (pid == 0) {
    ::unlink(pid_path().c_str());
    return Status::Ok();
  }
  auto gone = [&] { return !Alive(pid, type_); };
  ::kill(pid, StopSignal());
  if (!WaitUntil(kGracefulStopWait, gone)) {
    ::kill(pid, SIGTERM);
    if (!WaitUntil(milliseconds(3000), gone)) {
      ::kill(-pid, SIGKILL);  // the master leads its workers' process group
      ::kill(pid, SIGKILL);
      WaitUntil(milliseconds(3000), gone);
    }
  }
  ::unlink(pid_path().c_str());
  return gone() ? Status::Ok()
                : Internal("Could not stop " + type_ + " (pid " + std::to_string(pid) + ")");
}

}  // namespace berth
