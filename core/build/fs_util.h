// File system steps of packing and unpacking slugs that files.h does not have.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/base/status.h"

namespace berth {

// Renames `from` to `to` unless `to` exists, atomically where the file system
// allows; kAlreadyExists when it does, kInternal on other errors.
Status RenameNoReplace(const std::string& from, const std::string& to);

// Removes `path` and everything below it, never following symlinks; errors
// are ignored (it is a clean-up step).
void RemoveTree(const std::string& path);

// Removes everything inside the directory `dir`, keeping `dir` itself.
void EmptyDirectory(const std::string& dir);

// Sets the owner of `dir` and everything below it, not following symlinks.
Status ChownTree(const std::string& dir, uid_t uid, gid_t gid);

}  // namespace berth
