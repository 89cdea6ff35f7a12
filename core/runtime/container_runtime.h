// ContainerRuntime: running containers without a daemon. Implementations: the
// OCI runtime (runc/crun on overlayfs) and a fake for unit tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/runtime/container_spec.h"

namespace berth {

// How a detached container's shim treats its process.
struct DetachedOptions {
  std::string restart_policy = "on-failure:10";  // no | always | on-failure[:N]
  std::chrono::milliseconds stop_timeout{30000};  // SIGTERM, then SIGKILL after this
  // Commands (argv, no shell) the shim runs once the container has ended for
  // good, e.g. taking its network down. Words may not contain tabs or newlines.
  std::vector<std::vector<std::string>> on_exit;
};

// A container as its shim last recorded it (BUNDLE/shim.json), or an attached
// run as its owner did.
struct ContainerState {
  std::string id;
  // starting running restarting exited stopped; "dead": shim and owner gone.
  // An attached run is "running" while its owner lives.
  std::string status;
  bool shim_alive = false;
  int64_t shim_pid = 0;
  int64_t container_pid = 0;            // 0 when not running or not yet known
  std::optional<int> exit_code;         // of the last run
  // Why the last run ended: "exit", "signal" (128 + N), or "oom" when the
  // kernel's OOM killer took it; "" when unknown.
  std::string reason;
  int64_t exited_at_ms = 0;             // unix milliseconds, 0 if it never exited
  int restarts = 0;
  std::string restart_policy;
  std::chrono::milliseconds stop_timeout{30000};  // the one it was started with
  // The berth process that made the bundle (0: none recorded): for an attached
  // `run`, the one that runs it in the foreground; for a detached one, the one
  // starting it. While it lives, the container is in use even without a shim.
  int64_t owner_pid = 0;
  bool owner_alive = false;

  // Something looks after the container: its shim, or its owner.
  bool InUse() const { return shim_alive || owner_alive; }
};

class ContainerRuntime {
 public:
  virtual ~ContainerRuntime() = default;

  // Runs a one-off container in the foreground with berth's stdin, stdout and
  // stderr attached, on an overlay of `lower_dirs` (topmost first), and removes
  // the container, its mounts and its files afterwards, whatever happened.
  // Returns the process's exit code (128 + signal when killed). The bundle
  // names the calling process its owner meanwhile, so it is not taken for a
  // crash's leftovers; when the OOM killer ended it, a line on stderr says so.
  virtual Result<int> RunAttached(const ContainerSpec& spec,
                                  const std::vector<std::string>& lower_dirs) = 0;

  // Creates and starts a container supervised by its own berth-shim, and
  // returns once the shim runs it; the container outlives berth. Fails (and
  // leaves nothing behind) when the bundle cannot be made or the shim cannot start.
  virtual Status StartDetached(const ContainerSpec& spec, const std::vector<std::string>& lower_dirs,
                               const DetachedOptions& options) = 0;
  // Starts a detached container whose shim has ended (stopped, exited, or
  // killed with the host) again: on its existing bundle, keeping its log and
  // upper dir, when there is one; else like StartDetached. kFailedPrecondition
  // while its shim is still alive.
  virtual Status Restart(const ContainerSpec& spec, const std::vector<std::string>& lower_dirs,
                         const DetachedOptions& options) = 0;
  // Runs `args` inside the running container `id` as its process user, with
  // berth's stdin, stdout and stderr attached (on a pseudo-terminal when `tty`).
  // Returns the exit code; kFailedPrecondition when the container is not running.
  virtual Result<int> Exec(const std::string& id, const std::vector<std::string>& args,
                           bool tty) = 0;
  // Stops for good: SIGTERM, SIGKILL after `timeout`; returns once the shim has
  // exited. Bundle and log stay. Stopping a stopped container is not an error.
  virtual Status Stop(const std::string& id, std::chrono::milliseconds timeout) = 0;
  // Sends `signal` to the container's init (the restart policy still applies).
  virtual Status Kill(const std::string& id, int signal) = 0;
  // Stops if needed, then removes the runtime's record, mounts, bundle and log.
  // Removing what does not exist is not an error.
  virtual Status Remove(const std::string& id) = 0;
  // The recorded state; kNotFound when there is no such container.
  virtual Result<ContainerState> Inspect(const std::string& id) = 0;
  // Every container with a bundle or a runtime record, sorted.
  virtual Result<std::vector<std::string>> List() = 0;
  // The last `tail` lines of the container's log (rotated part included), each
  // "TIMESTAMP STREAM TEXT"; tail 0: all of them.
  virtual Result<std::vector<std::string>> Logs(const std::string& id, size_t tail) = 0;
  // Lines appended since byte `offset` of the current log, advancing it; a
  // rotation starts again at 0. For following a log.
  virtual Result<std::vector<std::string>> LogsAfter(const std::string& id, uint64_t& offset) = 0;
};

}  // namespace berth
