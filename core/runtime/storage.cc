#include "core/runtime/storage.h"

#include <climits>
#include <cstdlib>
#include <memory>

#include <sys/stat.h>

namespace berth {
namespace {

// Host directories a container must never get: the system's own.
constexpr std::string_view kForbiddenHostPaths[] = {
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
    "/root", "/run", "/sbin", "/sys", "/usr", "/var/run", "/var/lib/berth"};
constexpr std::string_view kForbiddenContainerPaths[] = {"/proc", "/sys", "/dev"};

// `path` is `dir` or inside it.
bool Within(std::string_view path, std::string_view dir) {
  if (dir == "/") return true;
  return path == dir || (path.size() > dir.size() && path.substr(0, dir.size()) == dir &&
                         path[dir.size()] == '/');
}

Result<std::string> PlainAbsolutePath(std::string_view what, std::string_view text) {
  std::string path(text);
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  Status bad = InvalidArgument("Invalid " + std::string(what) + " '" + std::string(text.substr(0, 200)) +
                               "': use an absolute path without '.', '..' or empty parts");
  if (path.empty() || path[0] != '/' || path.size() > 4096) return bad;
  if (path == "/") return path;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part = std::string_view(path).substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return bad;
    start = end + 1;
  }
  for (char c : path) {
    if (c == '\0' || c == '\n' || c == ',') return bad;
  }
  return path;
}

Result<std::string> RealPath(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
  if (!real) {
    return InvalidArgument("Host path " + path + " does not exist: create it first (and make it " +
                           "writable by uid 32767 if the app writes there)");
  }
  return std::string(real.get());
}

}  // namespace

Result<BindMount> ParseStorageMount(std::string_view text) {
  size_t a = text.find(':');
  size_t b = a == std::string_view::npos ? a : text.find(':', a + 1);
  if (a == std::string_view::npos || (b != std::string_view::npos && text.find(':', b + 1) != std::string_view::npos)) {
    return InvalidArgument("Invalid mount '" + std::string(text.substr(0, 200)) +
                           "': use /host/path:/container/path or /host/path:/container/path:ro");
  }
  BindMount mount;
  BERTH_ASSIGN_OR_RETURN(mount.host_path, PlainAbsolutePath("host path", text.substr(0, a)));
  std::string_view container = b == std::string_view::npos ? text.substr(a + 1) : text.substr(a + 1, b - a - 1);
  BERTH_ASSIGN_OR_RETURN(mount.container_path, PlainAbsolutePath("container path", container));
  if (b != std::string_view::npos) {
    std::string_view mode = text.substr(b + 1);
    if (mode != "ro" && mode != "rw") {
      return InvalidArgument("Invalid mount mode '" + std::string(mode.substr(0, 20)) + "': use ro or rw");
    }
    mount.read_only = mode == "ro";
  }
  if (mount.container_path == "/") return InvalidArgument("Cannot mount over a container's root '/'");
  for (std::string_view dir : kForbiddenContainerPaths) {
    if (Within(mount.container_path, dir)) {
      return InvalidArgument("Cannot mount at " + mount.container_path + ": " + std::string(dir) +
                             " belongs to the container's kernel interfaces");
    }
  }
  return mount;
}

std::string StorageMountText(const BindMount& mount) {
  return mount.host_path + ":" + mount.container_path + (mount.read_only ? ":ro" : "");
}

Result<std::string> ResolveStorageHostPath(const std::string& host_path,
                                           const std::string& berth_root) {
  BERTH_ASSIGN_OR_RETURN(std::string real, RealPath(host_path));
  struct stat st {};
  if (::stat(real.c_str(), &st) != 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
    return InvalidArgument("Host path " + host_path + " must be a directory or a regular file");
  }
  std::string shown = real == host_path ? host_path : host_path + " (" + real + ")";
  if (real == "/") return InvalidArgument("Cannot give containers the host's root directory");
  for (std::string_view dir : kForbiddenHostPaths) {
    if (Within(real, dir)) {
      return InvalidArgument("Cannot mount " + shown + ": " + std::string(dir) +
                             " is a system directory; use a directory of its own, e.g. under /var/lib/berth-storage");
    }
  }
  auto root = RealPath(berth_root);
  std::string root_path = root.ok() ? *root : berth_root;
  if (Within(real, root_path) || Within(root_path, real)) {
    return InvalidArgument("Cannot mount " + shown + ": it holds or is inside berth's state (" +
                           root_path + ")");
  }
  return real;
}

Result<std::vector<BindMount>> StorageMounts(const std::map<std::string, std::string>& properties,
                                             const std::string& berth_root) {
  std::vector<BindMount> mounts;
  for (const auto& [container_path, text] : properties) {
    BERTH_ASSIGN_OR_RETURN(BindMount mount, ParseStorageMount(text));
    auto host = ResolveStorageHostPath(mount.host_path, berth_root);
    if (!host.ok()) {
      return FailedPrecondition("Storage mount " + text + " cannot be used: " +
                                host.status().message());
    }
    mount.host_path = *host;
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

}  // namespace berth
