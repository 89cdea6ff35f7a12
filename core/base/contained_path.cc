#include "core/base/contained_path.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include "core/base/files.h"

namespace berth {
namespace {

Result<std::string> RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) {
    if (errno == ENOENT) return NotFound(path);
    return Internal(ErrnoMessage("cannot resolve " + path));
  }
  return std::string(buf);
}

bool Within(const std::string& real_root, const std::string& real) {
  return real == real_root || real.starts_with(real_root + "/");
}

Status Outside(const std::string& relative) {
  return PermissionDenied("'" + relative + "' is a link that leads out of the app; make it a file "
                          "(or a link to a file inside the app) and push again");
}

}  // namespace

Result<std::optional<std::string>> ResolveInside(const std::string& root, const std::string& relative) {
  BERTH_ASSIGN_OR_RETURN(std::string real_root, RealPath(root));
  auto real = RealPath(root + "/" + relative);
  if (!real.ok()) {
    if (real.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
    return real.status();
  }
  if (!Within(real_root, *real)) return Outside(relative);
  return std::optional<std::string>(*real);
}

Result<std::string> ReadFileInside(const std::string& root, const std::string& relative) {
  BERTH_ASSIGN_OR_RETURN(auto path, ResolveInside(root, relative));
  if (!path) return std::string();
  return ReadFile(*path);
}

Result<std::string> DirectoryInside(const std::string& root, const std::string& relative) {
  BERTH_ASSIGN_OR_RETURN(auto path, ResolveInside(root, relative));
  if (path) return *path;
  // Missing (or a dangling link): a dangling link may still point outside.
  std::string full = root + "/" + relative;
  char target[PATH_MAX];
  if (::readlink(full.c_str(), target, sizeof target) >= 0) return Outside(relative);
  BERTH_RETURN_IF_ERROR(MakeDirs(full, 0755));
  BERTH_ASSIGN_OR_RETURN(path, ResolveInside(root, relative));
  if (!path) return Internal("cannot create " + full);
  return *path;
}

}  // namespace berth
