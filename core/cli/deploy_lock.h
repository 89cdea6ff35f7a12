// The per-app deploy lock: one deploy of an app at a time (different apps
// build in parallel). An flock on $BERTH_ROOT/locks/APP.lock, so a crashed
// (even kill -9'd) deploy never leaves it held; `apps:unlock` removes the file.
// Pushes and rollbacks take it without waiting; config changes, ps:restart
// and ps:scale wait their turn for a while.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/base/status.h"

namespace berth {

class DeployLock {
 public:
  // Takes the lock, waiting up to `wait` (polling) for a running deploy to end;
  // kFailedPrecondition naming the holder's pid when it is still held then.
  static Result<std::unique_ptr<DeployLock>> Acquire(
      const std::string& berth_root, const std::string& app,
      std::chrono::milliseconds wait = std::chrono::milliseconds(0));

  ~DeployLock();

  DeployLock(const DeployLock&) = delete;
  DeployLock& operator=(const DeployLock&) = delete;

 private:
  explicit DeployLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace berth
