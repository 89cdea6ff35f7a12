// Which files of a built app go into its slug, in the order they are packed.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/build/slugignore.h"

namespace berth {

struct SlugTreeEntry {
  std::string path;  // relative to the app's root, no "./" prefix
  struct stat st {};  // from lstat
};

// The directories, regular files and symlinks under `root`, depth first with
// names in byte order, leaving out .git (at any depth), what `ignore` matches
// and anything else (sockets, fifos, devices). kInternal when a directory
// cannot be read.
Result<std::vector<SlugTreeEntry>> ListSlugTree(const std::string& root, const SlugIgnore& ignore);

}  // namespace berth
