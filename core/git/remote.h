// Fetching from other repositories with libgit2: `git:sync` and buildpacks
// given by git URL (https, file:// or a local path).
#pragma once

#include <string>
#include <vector>

#include "core/base/status.h"

namespace berth {

// Fetches `refspecs` from `url` into the bare repository at `repo_path`
// (created when missing) and returns the remote's default branch ("" when it
// does not say). Errors name the URL and libgit2's reason.
Result<std::string> FetchFromRemote(const std::string& repo_path, const std::string& url,
                                    const std::vector<std::string>& refspecs);

// The commit the first resolvable of `candidates` (ref names or revisions)
// points at; kNotFound naming `shown` when none resolves.
Result<std::string> ResolveCommit(const std::string& repo_path,
                                  const std::vector<std::string>& candidates,
                                  const std::string& shown);

// Points refs/heads/BRANCH at `commit` (forced).
Status SetBranch(const std::string& repo_path, const std::string& branch, const std::string& commit);

}  // namespace berth
