#include "core/git/commit.h"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/base/files.h"
#include "core/git/libgit2_errors.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

template <typename T>
using GitPtr = std::unique_ptr<T, void (*)(T*)>;

Result<git_oid> WriteTree(git_repository* repo, const fs::path& dir) {
  git_treebuilder* raw = nullptr;
  if (git_treebuilder_new(&raw, repo, nullptr) != 0) return GitError("cannot build a tree");
  GitPtr<git_treebuilder> builder(raw, git_treebuilder_free);
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  if (ec) return Internal("cannot read " + dir.string() + ": " + ec.message());
  for (const auto& entry : entries) {
    std::string name = entry.path().filename().string();
    if (name == ".git") continue;
    git_oid oid;
    git_filemode_t mode;
    struct stat st;
    if (::lstat(entry.path().c_str(), &st) != 0) return Internal(ErrnoMessage("stat " + entry.path().string()));
    if (S_ISLNK(st.st_mode)) {
      std::string target = fs::read_symlink(entry.path(), ec).string();
      if (git_blob_create_from_buffer(&oid, repo, target.data(), target.size()) != 0) {
        return GitError("cannot store " + entry.path().string());
      }
      mode = GIT_FILEMODE_LINK;
    } else if (S_ISDIR(st.st_mode)) {
      BERTH_ASSIGN_OR_RETURN(oid, WriteTree(repo, entry.path()));
      mode = GIT_FILEMODE_TREE;
    } else if (S_ISREG(st.st_mode)) {
      if (git_blob_create_from_disk(&oid, repo, entry.path().c_str()) != 0) {
        return GitError("cannot store " + entry.path().string());
      }
      mode = (st.st_mode & 0111) != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    } else {
      continue;  // sockets, fifos, devices have no place in a repository
    }
    if (git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &oid, mode) != 0) {
      return GitError("cannot add " + entry.path().string());
    }
  }
  git_oid tree;
  if (git_treebuilder_write(&tree, builder.get()) != 0) return GitError("cannot write a tree");
  return tree;
}

}  // namespace

Result<std::string> CommitDirectory(const std::string& repo_path, const std::string& dir,
                                    const std::string& branch, const std::string& message) {
  EnsureLibgit2();
  git_repository* raw_repo = nullptr;
  int rc = PathExists(repo_path + "/HEAD") ? git_repository_open_bare(&raw_repo, repo_path.c_str())
                                           : git_repository_init(&raw_repo, repo_path.c_str(), 1);
  if (rc != 0) return GitError("cannot open the repository " + repo_path);
  GitPtr<git_repository> repo(raw_repo, git_repository_free);
  BERTH_ASSIGN_OR_RETURN(git_oid tree_id, WriteTree(repo.get(), dir));
  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo.get(), &tree_id) != 0) return GitError("cannot read the tree");
  GitPtr<git_tree> tree(raw_tree, git_tree_free);

  std::string ref = "refs/heads/" + branch;
  git_commit* parent = nullptr;
  git_oid parent_id;
  if (git_reference_name_to_id(&parent_id, repo.get(), ref.c_str()) == 0) {
    if (git_commit_lookup(&parent, repo.get(), &parent_id) != 0) return GitError("cannot read " + ref);
  }
  GitPtr<git_commit> parent_owner(parent, git_commit_free);
  git_signature* raw_sig = nullptr;
  if (git_signature_now(&raw_sig, "berth", "berth@localhost") != 0) return GitError("cannot sign");
  GitPtr<git_signature> sig(raw_sig, git_signature_free);
  const git_commit* parents[] = {parent};
  git_oid commit_id;
  if (git_commit_create(&commit_id, repo.get(), ref.c_str(), sig.get(), sig.get(), nullptr,
                        message.c_str(), tree.get(), parent != nullptr ? 1 : 0, parents) != 0) {
    return GitError("cannot commit to " + ref);
  }
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &commit_id);
  return std::string(hex);
}

}  // namespace berth
