#include "core/runtime/overlay.h"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/base/files.h"

namespace berth {

Result<std::string> OverlayMountData(const OverlayLayout& layout) {
  if (layout.lower_dirs.empty()) return InvalidArgument("An overlay needs at least one lower layer");
  std::vector<const std::string*> all = {&layout.upper_dir, &layout.work_dir};
  for (const auto& l : layout.lower_dirs) all.push_back(&l);
  for (const std::string* p : all) {
    if (p->empty() || (*p)[0] != '/' || p->find_first_of(",:\n") != std::string::npos) {
      return InvalidArgument("Overlay layer path '" + *p +
                             "' must be absolute and free of ',' ':' and newlines");
    }
  }
  std::string lower;
  for (const auto& l : layout.lower_dirs) lower += (lower.empty() ? "" : ":") + l;
  return "lowerdir=" + lower + ",upperdir=" + layout.upper_dir + ",workdir=" + layout.work_dir;
}

Status MountOverlay(const OverlayLayout& layout) {
  BERTH_ASSIGN_OR_RETURN(std::string data, OverlayMountData(layout));
  for (const auto* dir : {&layout.upper_dir, &layout.work_dir, &layout.target}) {
    BERTH_RETURN_IF_ERROR(MakeDirs(*dir, 0755));
  }
  if (::mount("overlay", layout.target.c_str(), "overlay", MS_NODEV, data.c_str()) != 0) {
    return Internal(ErrnoMessage("cannot mount the overlay root filesystem at " + layout.target));
  }
  return Status::Ok();
}

bool IsMountPoint(const std::string& path) {
  std::ifstream info("/proc/self/mountinfo");
  std::string line;
  while (std::getline(info, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    fields >> id >> parent >> devno >> root >> mount_point;
    if (mount_point == path) return true;
  }
  return false;
}

Status UnmountIfMounted(const std::string& target) {
  while (IsMountPoint(target)) {
    if (::umount2(target.c_str(), 0) == 0) continue;
    if (errno == EBUSY && ::umount2(target.c_str(), MNT_DETACH) == 0) continue;
    if (errno == EINVAL || errno == ENOENT) break;
    return Internal(ErrnoMessage("cannot unmount " + target));
  }
  return Status::Ok();
}

}  // namespace berth
