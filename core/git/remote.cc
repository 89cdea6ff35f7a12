#include "core/git/remote.h"

#include <git2.h>

#include <memory>

#include "core/base/files.h"
#include "core/git/libgit2_errors.h"

namespace berth {
namespace {

template <typename T>
using GitPtr = std::unique_ptr<T, void (*)(T*)>;

Result<GitPtr<git_repository>> OpenOrInitBare(const std::string& repo_path) {
  EnsureLibgit2();
  git_repository* raw = nullptr;
  int rc = PathExists(repo_path + "/HEAD") ? git_repository_open_bare(&raw, repo_path.c_str())
                                           : git_repository_init(&raw, repo_path.c_str(), 1);
  if (rc != 0) return GitError("could not open the repository " + repo_path);
  return GitPtr<git_repository>(raw, git_repository_free);
}

}  // namespace

Result<std::string> FetchFromRemote(const std::string& repo_path, const std::string& url,
                                    const std::vector<std::string>& refspecs) {
  BERTH_ASSIGN_OR_RETURN(auto repo, OpenOrInitBare(repo_path));
  git_remote* raw = nullptr;
  if (git_remote_create_anonymous(&raw, repo.get(), url.c_str()) != 0) {
    return GitError("could not use " + url + " as a git remote");
  }
  GitPtr<git_remote> remote(raw, git_remote_free);
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  git_proxy_options proxy = GIT_PROXY_OPTIONS_INIT;
  proxy.type = GIT_PROXY_AUTO;
  if (git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, &proxy, nullptr) != 0) {
    return GitError("could not reach " + url);
  }
  std::string default_branch;
  git_buf buf = GIT_BUF_INIT;
  if (git_remote_default_branch(&buf, remote.get()) == 0) {
    default_branch = buf.ptr;
    if (default_branch.starts_with("refs/heads/")) default_branch.erase(0, 11);
  }
  git_buf_dispose(&buf);
  std::vector<char*> specs;
  for (const std::string& s : refspecs) specs.push_back(const_cast<char*>(s.c_str()));
  git_strarray array{specs.data(), specs.size()};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.proxy_opts.type = GIT_PROXY_AUTO;
  if (git_remote_download(remote.get(), &array, &options) != 0) {
    return GitError("could not fetch from " + url);
  }
  if (git_remote_update_tips(remote.get(), &callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_AUTO, nullptr) != 0) {
    return GitError("could not update refs from " + url);
  }
  git_remote_disconnect(remote.get());
  return default_branch;
}

Result<std::string> ResolveCommit(const std::string& repo_path,
                                  const std::vector<std::string>& candidates,
                                  const std::string& shown) {
  BERTH_ASSIGN_OR_RETURN(auto repo, OpenOrInitBare(repo_path));
  for (const std::string& candidate : candidates) {
    if (candidate.empty()) continue;
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo.get(), candidate.c_str()) != 0) continue;
    GitPtr<git_object> obj(raw, git_object_free);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) continue;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, git_object_id(peeled));
    git_object_free(peeled);
    return std::string(hex);
  }
  return NotFound("no branch, tag or commit named " + shown);
}

Status SetBranch(const std::string& repo_path, const std::string& branch, const std::string& commit) {
  BERTH_ASSIGN_OR_RETURN(auto repo, OpenOrInitBare(repo_path));
  git_oid oid;
  if (git_oid_fromstr(&oid, commit.c_str()) != 0) return GitError("bad commit id " + commit);
  git_reference* ref = nullptr;
  std::string name = "refs/heads/" + branch;
  if (git_reference_create(&ref, repo.get(), name.c_str(), &oid, 1, "berth git:sync") != 0) {
    return GitError("could not update " + name);
  }
  git_reference_free(ref);
  return Status::Ok();
}

}  // namespace berth
