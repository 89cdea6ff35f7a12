// berth-shim: one small supervisor per detached container, and the init that
// runs as pid 1 inside it. Static, libc only (no iostreams), so that one shim
// stays under 2 MiB resident and the same binary runs inside any stack.
#pragma once

#include <string>

namespace berth::shim {

// `berth-shim init -- CMD...`: runs CMD as a child, forwards SIGTERM, SIGINT,
// SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH to it, reaps every zombie, and
// exits with CMD's status (128 + signal when it was killed).
int RunInit(int argc, char** argv);

struct SuperviseOptions {
  std::string bundle;        // the OCI bundle dir; log, shim.json live here too
  std::string id;            // the container id
  std::string runtime;       // runc or crun
  std::string runtime_root;  // the runtime's --root
  // The container's cgroupsPath (e.g. /berth/ID): where the shim reads, after
  // each run, whether the OOM killer ended it. Empty: not read.
  std::string cgroup;
  std::string cgroup_root = "/sys/fs/cgroup";
  std::string restart = "on-failure:10";  // no | always | on-failure[:N]
  long stop_timeout_ms = 30000;
  long log_max_bytes = 10L << 20;  // rotate log to log.1 past this size
  long backoff_first_ms = 100;     // doubled per restart, capped at backoff_max_ms
  long backoff_max_ms = 10000;
};

// `berth-shim start ...`: detaches (double fork, own session, stdio to
// /dev/null), then supervises the container until it ends for good, recording
// its state in BUNDLE/shim.json: status, exit code and why it ended ("reason":
// exit, signal, or oom when the kernel's OOM killer took it). The calling
// process returns once the runtime has been started, printing the shim's pid;
// non-zero with a message on stderr when the shim could not start it.
int StartDetached(const SuperviseOptions& options);

}  // namespace berth::shim
