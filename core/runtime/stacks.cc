#include "core/runtime/stacks.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/base/files.h"
#include "core/base/validate.h"

namespace berth {
namespace fs = std::filesystem;

Result<StackInfo> CurrentStack(const std::string& berth_root, const std::string& name) {
  BERTH_RETURN_IF_ERROR(ValidateSimpleName("stack name", name));
  std::string current = berth_root + "/stacks/" + name + "/current";
  std::error_code ec;
  fs::path target = fs::read_symlink(current, ec);
  if (ec) {
    return NotFound("Stack " + name + " is not built yet: run `berth stacks:build " + name + "`");
  }
  StackInfo info{name, target.filename().string(), berth_root + "/stacks/" + name + "/" +
                                                       target.filename().string(), ""};
  info.rootfs = info.dir + "/rootfs";
  if (!PathExists(info.rootfs + "/bin")) {
    return NotFound("Stack " + name + " is damaged (no " + info.rootfs +
                    "/bin): run `berth stacks:build " + name + "` again");
  }
  return info;
}

std::vector<StackInfo> ListStacks(const std::string& berth_root) {
  std::vector<StackInfo> stacks;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(berth_root + "/stacks", ec)) {
    auto info = CurrentStack(berth_root, entry.path().filename().string());
    if (info.ok()) stacks.push_back(*info);
  }
  std::sort(stacks.begin(), stacks.end(),
            [](const StackInfo& a, const StackInfo& b) { return a.name < b.name; });
  return stacks;
}

Result<StackInfo> BuildStack(ProcessRunner& runner, const StackBuildOptions& options,
                             const std::string& name) {
  BERTH_RETURN_IF_ERROR(ValidateSimpleName("stack name", name));
  std::string script = options.share_dir + "/scripts/build-stack.sh";
  if (!PathExists(script)) return Internal("cannot find " + script);
  std::string stack_root = options.berth_root + "/stacks/" + name;
  std::string dest = options.cache_dir.empty() ? stack_root : options.cache_dir + "/" + name;
  BERTH_RETURN_IF_ERROR(MakeDirs(stack_root, 0755));
  BERTH_RETURN_IF_ERROR(MakeDirs(dest, 0755));

  ProcessSpec spec;
  spec.argv = {"bash", script, name, dest};
  spec.extra_env = {{"BERTH_STACKS_DIR", options.share_dir + "/stacks"}};
  spec.capture_stdout = true;   // the stack directory
  spec.capture_stderr = false;  // progress, straight to the user
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, runner.Run(spec));
  if (!result.ok()) return Internal("building stack " + name + " failed (see the output above)");
  std::string built = result.out;
  while (!built.empty() && (built.back() == '\n' || built.back() == ' ')) built.pop_back();
  std::string digest = fs::path(built).filename().string();

  std::error_code ec;
  if (!options.cache_dir.empty()) {
    std::string link = stack_root + "/" + digest;
    if (!fs::exists(link, ec)) fs::create_directory_symlink(built, link, ec);
    if (ec) return Internal("cannot link stack " + link + ": " + ec.message());
  }
  // Swap `current` atomically: a new link beside it, renamed over it.
  std::string tmp = stack_root + "/.current." + std::to_string(::getpid());
  fs::remove(tmp, ec);
  fs::create_directory_symlink(digest, tmp, ec);
  if (!ec) fs::rename(tmp, stack_root + "/current", ec);
  if (ec) return Internal("cannot make " + digest + " the current " + name + " stack: " + ec.message());
  return CurrentStack(options.berth_root, name);
}

}  // namespace berth
