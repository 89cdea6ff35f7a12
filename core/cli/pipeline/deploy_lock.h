// The per-app deploy lock: one deploy of an app at a time (different apps
// build in parallel). An flock on $BERTH_ROOT/locks/APP.lock, so a crashed
// deploy never leaves it held; `apps:unlock` removes the file.
#pragma once

#include <memory>
#include <string>

#include "core/base/status.h"

namespace berth {

class DeployLock {
 public:
  // Takes the lock without waiting; kFailedPrecondition naming the holder's
  // pid when another deploy of the app runs.
  static Result<std::unique_ptr<DeployLock>> Acquire(const std::string& berth_root,
                                                     const std::string& app);
  ~DeployLock();

  DeployLock(const DeployLock&) = delete;
  DeployLock& operator=(const DeployLock&) = delete;

 private:
  explicit DeployLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace berth
