#include "core/cli/deploy_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <thread>

#include "core/base/files.h"

namespace berth {
namespace {

std::string LockPath(const std::string& berth_root, const std::string& app) {
  return berth_root + "/locks/" + app + ".lock";
}

// The pid the holder wrote into the lock file, "?" when there is none.
std::string HolderOf(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
  return holder.empty() ? "?" : holder;
}

}  // namespace

Result<std::unique_ptr<DeployLock>> DeployLock::Acquire(const std::string& berth_root,
                                                        const std::string& app,
                                                        std::chrono::milliseconds wait) {
  BERTH_RETURN_IF_ERROR(MakeDirs(berth_root + "/locks", 0755));
  std::string path = LockPath(berth_root, app);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Internal(ErrnoMessage("cannot open " + path));
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    std::string holder = HolderOf(fd);
    ::close(fd);
    return FailedPrecondition(app + " is being deployed by another push (pid " + holder +
                              "); wait for it to finish, or run `berth apps:unlock " + app +
                              "` if it is stuck");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    ::close(fd);
    return Internal(ErrnoMessage("cannot write " + path));
  }
  return std::unique_ptr<DeployLock>(new DeployLock(fd));
}

DeployLock::~DeployLock() { ::close(fd_); }

}  // namespace berth
