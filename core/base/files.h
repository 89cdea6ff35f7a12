// Small file helpers shared by every module. Writes are atomic: a temp file in
// the same directory, fsync, rename.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "core/base/status.h"

namespace berth {

// "strerror(errno)" for the current errno, prefixed by what was being done.
std::string ErrnoMessage(std::string_view what);

Result<std::string> ReadFile(const std::string& path);
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode = 0644);
Status MakeDirs(const std::string& path, mode_t mode = 0755);
bool PathExists(const std::string& path);
bool IsExecutableFile(const std::string& path);

}  // namespace berth
