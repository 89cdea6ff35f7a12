// Exporting a commit's tree into a plain directory with libgit2 (no git CLI,
// no checkout metadata): the source a build starts from.
#pragma once

#include <string>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct ExportedCommit {
  std::string commit;     // full hex id
  std::string short_id;   // 7 characters
  std::string subject;    // first line of the message
  size_t files = 0;
};

// Resolves `rev` (a commit id, branch or tag) in the repository at `repo_path`
// and writes its tree into `dest` (created, must be empty): files with their
// executable bit, symlinks as symlinks. `object_dirs` are searched too (git's
// quarantine directory while a pre-receive hook runs). Submodules are refused
// with a message saying what to do; entry names that could escape `dest` are
// refused.
Result<ExportedCommit> ExportCommit(const std::string& repo_path, const std::string& rev,
                                    const std::string& dest,
                                    const std::vector<std::string>& object_dirs = {});

}  // namespace berth
