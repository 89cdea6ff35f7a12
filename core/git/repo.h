// An app's bare repository: $BERTH_ROOT/repos/APP.git, whose pre-receive hook
// hands every push to `berth git-hook APP`.
#pragma once

#include <string>

#include "core/base/status.h"

namespace berth {

std::string AppRepoPath(const std::string& berth_root, const std::string& app);

// The pre-receive hook for `app`: runs `berth_bin --root ROOT git-hook APP`
// with the hook's stdin. Paths must not contain a quote or newline.
Result<std::string> PreReceiveHook(const std::string& berth_bin, const std::string& berth_root,
                                   const std::string& app);

// Creates the bare repository when missing and (re)writes its pre-receive hook,
// so an upgraded berth takes over existing repos.
Status EnsureAppRepo(const std::string& repo_path, const std::string& hook_script);

// The commit a branch of the repo points at; kNotFound when there is no such branch.
Result<std::string> BranchCommit(const std::string& repo_path, const std::string& branch);

}  // namespace berth
