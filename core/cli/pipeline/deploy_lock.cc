#include "core/cli/pipeline/deploy_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/base/files.h"

namespace berth {

Result<std::unique_ptr<DeployLock>> DeployLock::Acquire(const std::string& berth_root,
                                                        const std::string& app) {
  BERTH_RETURN_IF_ERROR(MakeDirs(berth_root + "/locks", 0755));
  std::string path = berth_root + "/locks/" + app + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Internal(ErrnoMessage("cannot open " + path));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
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
