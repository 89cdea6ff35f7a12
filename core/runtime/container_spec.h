// ContainerSpec: everything berth decides about one container before the OCI
// runtime sees it. The OCI bundle (config.json) is generated from this alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth {

// The app user every container process runs as (Heroku's convention: not root).
inline constexpr uint32_t kAppUid = 32767;
inline constexpr uint32_t kAppGid = 32767;

struct BindMount {
  std::string host_path;       // absolute, must exist
  std::string container_path;  // absolute, no ".."
  bool read_only = false;
};

struct ResourceLimits {
  std::optional<int64_t> memory_bytes;  // cgroup memory limit (and swap = same)
  std::optional<int64_t> pids;          // cgroup pids limit
  std::optional<double> cpus;           // CPU quota in cores (1.5 = 150 ms per 100 ms)
  uint64_t open_files = 10000;          // RLIMIT_NOFILE (Heroku's dyno limit)
};

enum class NetworkMode {
  kNone,    // a private network namespace with only loopback
  kBridge,  // a private namespace joined to berth's bridge (netns_path)
  kHost,    // the host's network namespace
};

struct ContainerSpec {
  std::string id;        // OCI container id: [a-z0-9][a-z0-9.-]*, unique on the host
  std::string hostname;  // APP.TYPE.N
  std::vector<std::string> args;  // argv of the container's process
  std::map<std::string, std::string> env;
  std::string cwd = "/";
  uint32_t uid = kAppUid;
  uint32_t gid = kAppGid;
  ResourceLimits limits;
  std::vector<BindMount> mounts;
  NetworkMode network = NetworkMode::kNone;
  std::string netns_path;  // kBridge: the namespace prepared for this container
  bool terminal = false;   // allocate a pseudo-terminal for the process
  std::string cgroup_path; // cgroupsPath for the runtime, e.g. /berth/ID
  // The container's /etc/hosts (written into the bundle, mounted read-only);
  // empty: the stack's own.
  std::string etc_hosts;
};

}  // namespace berth
