#include "core/build/slug_tree.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "core/base/files.h"

namespace berth {
namespace {

Result<std::vector<std::string>> SortedNames(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), &::closedir);
  if (!handle) return Internal(ErrnoMessage("cannot list " + dir));
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(handle.get());
    if (entry == nullptr) break;
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return Internal(ErrnoMessage("cannot list " + dir));
  std::sort(names.begin(), names.end());
  return names;
}

Status AddDirectory(const std::string& root, const std::string& relative,
                    const SlugIgnore& ignore, std::vector<SlugTreeEntry>* out) {
  std::string dir = relative.empty() ? root : root + "/" + relative;
  BERTH_ASSIGN_OR_RETURN(std::vector<std::string> names, SortedNames(dir));
  for (const std::string& name : names) {
    if (name == ".git") continue;
    SlugTreeEntry entry;
    entry.path = relative.empty() ? name : relative + "/" + name;
    std::string full = root + "/" + entry.path;
    if (::lstat(full.c_str(), &entry.st) != 0) return Internal(ErrnoMessage("cannot stat " + full));
    bool is_dir = S_ISDIR(entry.st.st_mode);
    if (!is_dir && !S_ISREG(entry.st.st_mode) && !S_ISLNK(entry.st.st_mode)) continue;
    if (ignore.Ignored(entry.path, is_dir)) continue;
    out->push_back(entry);
    if (is_dir) BERTH_RETURN_IF_ERROR(AddDirectory(root, entry.path, ignore, out));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<SlugTreeEntry>> ListSlugTree(const std::string& root, const SlugIgnore& ignore) {
  std::vector<SlugTreeEntry> entries;
  BERTH_RETURN_IF_ERROR(AddDirectory(root, "", ignore, &entries));
  return entries;
}

}  // namespace berth
