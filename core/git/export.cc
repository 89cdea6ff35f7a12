#include "core/git/export.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "core/base/files.h"
#include "core/git/libgit2_errors.h"

namespace berth {
namespace {

template <typename T>
using GitPtr = std::unique_ptr<T, void (*)(T*)>;

bool SafeEntryName(const char* name) {
  std::string n(name);
  return !n.empty() && n != "." && n != ".." && n != ".git" && n.find('/') == std::string::npos;
}

Status WriteBlob(git_repository* repo, const git_tree_entry* entry, const std::string& path,
                 git_filemode_t mode) {
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, git_tree_entry_id(entry)) != 0) {
    return GitError("could not read " + path);
  }
  GitPtr<git_blob> blob(raw, git_blob_free);
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
  if (mode == GIT_FILEMODE_LINK) {
    std::string target(data, size);
    if (::symlink(target.c_str(), path.c_str()) != 0) return Internal(ErrnoMessage("symlink " + path));
    return Status::Ok();
  }
  mode_t file_mode = mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, file_mode);
  if (fd < 0) return Internal(ErrnoMessage("create " + path));
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      ::close(fd);
      return Internal(ErrnoMessage("write " + path));
    }
    done += static_cast<size_t>(n);
  }
  ::fchmod(fd, file_mode);  // past the umask
  if (::close(fd) != 0) return Internal(ErrnoMessage("write " + path));
  return Status::Ok();
}

Status WriteTree(git_repository* repo, const git_tree* tree, const std::string& dir,
                 const std::string& shown, size_t& files) {
  size_t count = git_tree_entrycount(tree);
  for (size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    const char* name = git_tree_entry_name(entry);
    std::string rel = shown.empty() ? name : shown + "/" + name;
    if (!SafeEntryName(name)) {
      return InvalidArgument("the commit contains the path '" + rel +
                             "', which cannot be written safely; rename it and push again");
    }
    std::string path = dir + "/" + name;
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_COMMIT) {
      return FailedPrecondition(
          "'" + rel + "' is a git submodule, and berth does not fetch submodules; "
          "vendor its files into the repository (or use a buildpack that fetches it) and "
          "push again");
    }
    if (mode == GIT_FILEMODE_TREE) {
      if (::mkdir(path.c_str(), 0755) != 0) return Internal(ErrnoMessage("mkdir " + path));
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, repo, git_tree_entry_id(entry)) != 0) {
        return GitError("could not read " + rel);
      }
      GitPtr<git_tree> sub(raw, git_tree_free);
      BERTH_RETURN_IF_ERROR(WriteTree(repo, sub.get(), path, rel, files));
      continue;
    }
    BERTH_RETURN_IF_ERROR(WriteBlob(repo, entry, path, mode));
    ++files;
  }
  return Status::Ok();
}

}  // namespace

Result<ExportedCommit> ExportCommit(const std::string& repo_path, const std::string& rev,
                                    const std::string& dest,
                                    const std::vector<std::string>& object_dirs) {
  EnsureLibgit2();
  git_repository* raw_repo = nullptr;
  if (git_repository_open(&raw_repo, repo_path.c_str()) != 0) {
    return GitError("could not open the repository " + repo_path);
  }
  GitPtr<git_repository> repo(raw_repo, git_repository_free);
  if (!object_dirs.empty()) {
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repo.get()) != 0) return GitError("could not open the objects");
    GitPtr<git_odb> odb_owner(odb, git_odb_free);
    for (const std::string& dir : object_dirs) {
      if (git_odb_add_disk_alternate(odb, dir.c_str()) != 0) {
        return GitError("could not read the pushed objects in " + dir);
      }
    }
  }
  git_object* raw_obj = nullptr;
  if (git_revparse_single(&raw_obj, repo.get(), rev.c_str()) != 0) {
    return GitError("could not find revision " + rev);
  }
  GitPtr<git_object> obj(raw_obj, git_object_free);
  git_object* raw_commit = nullptr;
  if (git_object_peel(&raw_commit, obj.get(), GIT_OBJECT_COMMIT) != 0) {
    return GitError(rev + " is not a commit");
  }
  GitPtr<git_commit> commit(reinterpret_cast<git_commit*>(raw_commit), git_commit_free);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit.get()) != 0) return GitError("could not read the tree of " + rev);
  GitPtr<git_tree> tree(raw_tree, git_tree_free);

  ExportedCommit out;
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, git_commit_id(commit.get()));
  out.commit = hex;
  out.short_id = out.commit.substr(0, 7);
  const char* summary = git_commit_summary(commit.get());
  out.subject = summary != nullptr ? summary : "";
  BERTH_RETURN_IF_ERROR(MakeDirs(dest, 0755));
  BERTH_RETURN_IF_ERROR(WriteTree(repo.get(), tree.get(), dest, "", out.files));
  return out;
}

}  // namespace berth
