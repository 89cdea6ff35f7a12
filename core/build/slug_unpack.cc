// UnpackSlug and ExtractArchive: where an archive goes and who owns it; the
// checks on each entry are in safe_extract.cc.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <utility>
#include <vector>

#include "core/base/files.h"
#include "core/build/fs_util.h"
#include "core/build/safe_extract.h"
#include "core/build/slug.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kSlugOwner = 32767;

// The only entry of `dir` when it is a directory (not a symlink), else "".
std::string SoleDirectory(const std::string& dir) {
  std::error_code error;
  fs::directory_iterator it(dir, error);
  if (error || it == fs::directory_iterator()) return "";
  fs::directory_entry first = *it;
  if (it.increment(error); error || it != fs::directory_iterator()) return "";
  if (!first.is_directory(error) || first.is_symlink(error)) return "";
  return first.path().filename().string();
}

// Moves every entry of `from` into `to`.
Status MoveChildren(const std::string& from, const std::string& to) {
  std::error_code error;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(from, error)) {
    names.push_back(entry.path().filename().string());
  }
  if (error) return Internal("cannot list " + from + ": " + error.message());
  for (const std::string& name : names) {
    BERTH_RETURN_IF_ERROR(RenameNoReplace(from + "/" + name, to + "/" + name));
  }
  return Status::Ok();
}

Result<bool> IsEmptyDirectory(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return NotFound(dir + " is not a directory; create it before extracting into it");
  }
  std::error_code error;
  bool empty = fs::is_empty(dir, error);
  if (error) return Internal("cannot list " + dir + ": " + error.message());
  return empty;
}

// `dest` without trailing '/', split into its parent directory and name.
std::pair<std::string, std::string> SplitDestination(std::string dest) {
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  size_t slash = dest.rfind('/');
  if (slash == std::string::npos) return {".", dest};
  return {slash == 0 ? "/" : dest.substr(0, slash), dest.substr(slash + 1)};
}

}  // namespace

Status UnpackSlug(const std::string& slug_path, const std::string& dest) {
  struct stat st {};
  if (::lstat(dest.c_str(), &st) == 0) {
    return AlreadyExists(dest + " already exists; remove it before unpacking a slug there");
  }
  auto [parent, name] = SplitDestination(dest);
  std::string temp = parent + "/." + name + ".unpack-XXXXXX";
  if (::mkdtemp(temp.data()) == nullptr) {
    return Internal(ErrnoMessage("cannot create a directory in " + parent));
  }
  Status status = ExtractInto(slug_path, temp);
  if (status.ok() && ::chmod(temp.c_str(), 0755) != 0) {
    status = Internal(ErrnoMessage("cannot chmod " + temp));
  }
  if (status.ok() && ::geteuid() == 0) status = ChownTree(temp, kSlugOwner, kSlugOwner);
  if (status.ok()) status = RenameNoReplace(temp, parent + "/" + name);
  if (!status.ok()) RemoveTree(temp);
  return status;
}

Status ExtractArchive(const std::string& archive_path, const std::string& dest) {
  BERTH_ASSIGN_OR_RETURN(bool empty, IsEmptyDirectory(dest));
  if (!empty) return FailedPrecondition(dest + " is not empty; extract into an empty directory");
  std::string staging = dest + "/.berth-extract-XXXXXX";
  if (::mkdtemp(staging.data()) == nullptr) {
    return Internal(ErrnoMessage("cannot create a directory in " + dest));
  }
  Status status = ExtractInto(archive_path, staging);
  if (status.ok()) {
    std::string top = SoleDirectory(staging);
    std::string from = top.empty() ? staging : staging + "/" + top;
    // The stripped directory goes away; it only has to let its entries move out.
    if (!top.empty()) ::chmod(from.c_str(), 0700);
    status = MoveChildren(from, dest);
  }
  RemoveTree(staging);
  if (!status.ok()) EmptyDirectory(dest);
  return status;
}

}  // namespace berth
