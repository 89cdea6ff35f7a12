#include "core/build/fs_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "core/base/files.h"

namespace berth {

namespace fs = std::filesystem;

Status RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::Ok();
  }
  if (errno == EEXIST) return AlreadyExists(to + " already exists");
  if (errno != EINVAL && errno != ENOSYS) {
    return Internal(ErrnoMessage("cannot rename " + from + " to " + to));
  }
  // The file system cannot refuse to replace: check first, then rename.
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0) return AlreadyExists(to + " already exists");
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Internal(ErrnoMessage("cannot rename " + from + " to " + to));
  }
  return Status::Ok();
}

void RemoveTree(const std::string& path) {
  std::error_code ignored;
  struct stat st {};
  bool real_dir = ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  // Directories extracted without write permission would keep their contents.
  // (A symlink is removed itself; the walk must never start at one.)
  for (auto it = real_dir ? fs::recursive_directory_iterator(path, ignored)
                          : fs::recursive_directory_iterator();
       !ignored && it != fs::recursive_directory_iterator(); it.increment(ignored)) {
    if (it->is_directory(ignored) && !it->is_symlink(ignored)) ::chmod(it->path().c_str(), 0700);
  }
  ignored.clear();
  fs::remove_all(path, ignored);
}

void EmptyDirectory(const std::string& dir) {
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(dir, ignored)) RemoveTree(entry.path());
}

Status ChownTree(const std::string& dir, uid_t uid, gid_t gid) {
  if (::lchown(dir.c_str(), uid, gid) != 0) return Internal(ErrnoMessage("cannot chown " + dir));
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(dir, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (::lchown(it->path().c_str(), uid, gid) != 0) {
      return Internal(ErrnoMessage("cannot chown " + it->path().string()));
    }
  }
  if (error) return Internal("cannot walk " + dir + ": " + error.message());
  return Status::Ok();
}

}  // namespace berth
