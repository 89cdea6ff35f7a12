// ContainerRuntime: running containers without a daemon. Implementations: the
// OCI runtime (runc/crun on overlayfs) and a fake for unit tests.
#pragma once

#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/runtime/container_spec.h"

namespace berth {

class ContainerRuntime {
 public:
  virtual ~ContainerRuntime() = default;

  // Runs a one-off container in the foreground with berth's stdin, stdout and
  // stderr attached, on an overlay of `lower_dirs` (topmost first), and removes
  // the container, its mounts and its files afterwards, whatever happened.
  // Returns the process's exit code (128 + signal when killed).
  virtual Result<int> RunAttached(const ContainerSpec& spec,
                                  const std::vector<std::string>& lower_dirs) = 0;
};

}  // namespace berth
