// Recording a directory as a commit (libgit2): how `git:from-archive` keeps
// archive deploys in the app's repository, so `ps:rebuild` and clones work
// the same for every source.
#pragma once

#include <string>

#include "core/base/status.h"

namespace berth {

// Commits the tree at `dir` (files, their executable bit, symlinks; .git
// skipped) onto refs/heads/BRANCH of the bare repo at `repo_path` (created
// when missing), with the branch's current commit as parent. Returns the id.
Result<std::string> CommitDirectory(const std::string& repo_path, const std::string& dir,
                                    const std::string& branch, const std::string& message);

}  // namespace berth
