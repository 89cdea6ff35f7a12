// An app's git settings (git:set): which branch deploys and which env var
// carries the commit id.
#pragma once

#include <string>

#include "core/cli/command.h"

namespace berth {

inline constexpr char kGitPlugin[] = "git";
inline constexpr char kGitSettingKeys[] = "deploy-branch, rev-env-var";

struct GitSettings {
  std::string deploy_branch;         // the app's own setting, "" when unset
  std::string global_deploy_branch;  // the global setting, "" when unset
  std::string rev_env_var = "GIT_REV";
  // The branch that deploys: the app's, else the global, else "" (the first
  // branch pushed is remembered as the app's).
  std::string Effective() const { return deploy_branch.empty() ? global_deploy_branch : deploy_branch; }
};

Result<GitSettings> LoadGitSettings(Context& ctx, const std::string& app);

// kInvalidArgument for an unknown key or a malformed branch or variable name.
Status ValidateGitSetting(const std::string& key, const std::string& value);

}  // namespace berth
