// Generating an OCI runtime-spec config.json from a ContainerSpec. The process
// gets its own pid, mount, ipc, uts and (unless host networking) net
// namespaces, runs as the app user with no capabilities and no_new_privs,
// behind masked and read-only /proc and /sys paths, within the spec's limits.
#pragma once

#include <string>

#include "core/base/status.h"
#include "core/runtime/container_spec.h"

namespace berth {

// The config.json text for a bundle whose root filesystem is `rootfs_path`.
// Fails for a spec berth must not run (relative or ".." mount paths, empty args,
// a bad id).
Result<std::string> OciConfigJson(const ContainerSpec& spec, const std::string& rootfs_path);

// Checks an OCI container id: lowercase letters, digits, '.', '-' and '_',
// starting with a letter or digit, at most 128 characters.
Status ValidateContainerId(std::string_view id);

}  // namespace berth
