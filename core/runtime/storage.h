// Persistent storage as `storage:mount` stores it: bind mounts of host
// directories into an app's containers, properties of the "storage" plugin
// keyed by the container path, each valued "HOST:CONTAINER" or "HOST:CONTAINER:ro".
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/runtime/container_spec.h"

namespace berth {

inline constexpr std::string_view kStoragePlugin = "storage";

// Parses "/host/path:/container/path[:ro|:rw]". Both paths must be absolute
// and plain (no "." or ".." parts, no empty parts; one trailing '/' is
// dropped). The container path must not be '/' nor under /proc, /sys or /dev.
// Does not look at the file system.
Result<BindMount> ParseStorageMount(std::string_view text);
// The canonical text of a mount, as stored and listed.
std::string StorageMountText(const BindMount& mount);

// The host path with symlinks resolved, when it may be given to containers: it
// exists and is neither '/', a system directory (/etc, /proc, /usr, /root,
// ...), inside berth's state at `berth_root`, nor a parent of it.
Result<std::string> ResolveStorageHostPath(const std::string& host_path,
                                           const std::string& berth_root);

// The bind mounts of an app from its storage properties, ordered by container
// path (a parent before what is mounted inside it), each host path checked
// again and resolved (so a symlink swapped in later cannot redirect it).
Result<std::vector<BindMount>> StorageMounts(const std::map<std::string, std::string>& properties,
                                             const std::string& berth_root);

}  // namespace berth
