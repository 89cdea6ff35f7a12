// Overlay root filesystems: read-only lower layers (a release's slug over a
// stack) under a per-container writable upper dir.
#pragma once

#include <string>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct OverlayLayout {
  std::vector<std::string> lower_dirs;  // topmost first; read-only
  std::string upper_dir;                // the container's writes
  std::string work_dir;                 // overlayfs scratch, same filesystem as upper
  std::string target;                   // where the merged tree is mounted
};

// The mount(2) data string; fails for paths overlayfs cannot express (',' ':').
Result<std::string> OverlayMountData(const OverlayLayout& layout);

// Creates upper, work and target, then mounts the overlay at target.
Status MountOverlay(const OverlayLayout& layout);

// Unmounts `target` (lazily when busy); succeeds when nothing is mounted there.
Status UnmountIfMounted(const std::string& target);

// Whether `path` is a mount point (per /proc/self/mountinfo).
bool IsMountPoint(const std::string& path);

}  // namespace berth
