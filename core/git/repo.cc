#include "core/git/repo.h"

#include <git2.h>
#include <sys/stat.h>

#include <memory>

#include "core/base/files.h"
#include "core/git/libgit2_errors.h"

namespace berth {

std::string AppRepoPath(const std::string& berth_root, const std::string& app) {
  return berth_root + "/repos/" + app + ".git";
}

Result<std::string> PreReceiveHook(const std::string& berth_bin, const std::string& berth_root,
                                   const std::string& app) {
  for (const std::string* s : {&berth_bin, &berth_root, &app}) {
    if (s->find_first_of("'\n\\") != std::string::npos) {
      return InvalidArgument("cannot write a git hook for the path " + *s +
                             ": it contains a quote, backslash or newline");
    }
  }
  return "#!/bin/sh\n"
         "# Written by berth: every push is built and released by `berth git-hook`.\n"
         "exec '" + berth_bin + "' --root '" + berth_root + "' git-hook '" + app + "'\n";
}

Status EnsureAppRepo(const std::string& repo_path, const std::string& hook_script) {
  EnsureLibgit2();
  if (!PathExists(repo_path + "/HEAD")) {
    git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    options.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
    options.initial_head = "main";
    git_repository* repo = nullptr;
    if (git_repository_init_ext(&repo, repo_path.c_str(), &options) != 0) {
      return GitError("could not create the repository " + repo_path);
    }
    git_repository_free(repo);
  }
  std::string hook = repo_path + "/hooks/pre-receive";
  // Every push passes here: a hook that is already right is not rewritten (the
  // atomic write's fsync is a few milliseconds of each push).
  struct stat st {};
  if (::lstat(hook.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0755) {
    auto current = ReadFile(hook);
    if (current.ok() && *current == hook_script) return Status::Ok();
  }
  BERTH_RETURN_IF_ERROR(MakeDirs(repo_path + "/hooks", 0755));
  return WriteFileAtomic(hook, hook_script, 0755);
}

Result<std::string> BranchCommit(const std::string& repo_path, const std::string& branch) {
  EnsureLibgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_bare(&raw, repo_path.c_str()) != 0) {
    return NotFound("no repository at " + repo_path);
  }
  std::unique_ptr<git_repository, decltype(&git_repository_free)> repo(raw, git_repository_free);
  git_oid oid;
  std::string ref = "refs/heads/" + branch;
  if (git_reference_name_to_id(&oid, repo.get(), ref.c_str()) != 0) {
    return NotFound("the repository has no branch " + branch);
  }
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return std::string(hex);
}

}  // namespace berth
