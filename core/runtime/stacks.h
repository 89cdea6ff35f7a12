// Stacks: the root filesystems containers run on (the analogue of Heroku's
// stack images), built by scripts/build-stack.sh from recipes in stacks/ and
// kept in $BERTH_ROOT/stacks/NAME/DIGEST/rootfs, with NAME/current pointing at
// the newest build.
#pragma once

#include <string>
#include <vector>

#include "core/base/output.h"
#include "core/base/process.h"
#include "core/base/status.h"

namespace berth {

struct StackInfo {
  std::string name;
  std::string digest;  // of the recipe it was built from
  std::string dir;     // $BERTH_ROOT/stacks/NAME/DIGEST (may be a link into a shared cache)
  std::string rootfs;  // dir + "/rootfs"
};

// The stack NAME's current build; kNotFound (saying how to build it) when none.
Result<StackInfo> CurrentStack(const std::string& berth_root, const std::string& name);

// Every stack with a current build, by name.
std::vector<StackInfo> ListStacks(const std::string& berth_root);

struct StackBuildOptions {
  std::string berth_root;
  std::string share_dir;  // holds scripts/build-stack.sh and stacks/*.recipe
  // When set, builds land here (shared by every BERTH_ROOT on the machine) and
  // the BERTH_ROOT entry links to them; an unchanged recipe is never rebuilt.
  std::string cache_dir;
};

// Builds (or reuses) the stack and makes it current. The script's output is
// streamed to the user.
Result<StackInfo> BuildStack(ProcessRunner& runner, const StackBuildOptions& options,
                             const std::string& name);

}  // namespace berth
