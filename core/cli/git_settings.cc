#include "core/cli/git_settings.h"

#include <regex>

namespace berth {

Result<GitSettings> LoadGitSettings(Context& ctx, const std::string& app) {
  GitSettings s;
  BERTH_ASSIGN_OR_RETURN(auto mine, ctx.store->ListProperties(kGitPlugin, Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(auto global, ctx.store->ListProperties(kGitPlugin, Scope::Global()));
  if (auto it = mine.find("deploy-branch"); it != mine.end()) s.deploy_branch = it->second;
  if (auto it = global.find("deploy-branch"); it != global.end()) s.global_deploy_branch = it->second;
  for (const auto* props : {&global, &mine}) {
    if (auto it = props->find("rev-env-var"); it != props->end()) s.rev_env_var = it->second;
  }
  return s;
}

Status ValidateGitSetting(const std::string& key, const std::string& value) {
  if (key == "deploy-branch") {
    static const std::regex branch(R"([A-Za-z0-9._][A-Za-z0-9._/-]{0,199})");
    if (value.empty()) return Status::Ok();
    if (!std::regex_match(value, branch) || value.find("..") != std::string::npos ||
        value.ends_with(".lock") || value.ends_with("/")) {
      return InvalidArgument("Invalid branch name '" + value.substr(0, 80) +
                             "': use letters, digits, '.', '_', '-' and '/'");
    }
    return Status::Ok();
  }
  if (key == "rev-env-var") {
    static const std::regex name(R"([A-Za-z_][A-Za-z0-9_]{0,63})");
    if (value.empty() || std::regex_match(value, name)) return Status::Ok();
    return InvalidArgument("Invalid variable name '" + value.substr(0, 80) +
                           "': use letters, digits and '_', not starting with a digit");
  }
  return InvalidArgument("Unknown git setting '" + key.substr(0, 40) + "'; keys: " + kGitSettingKeys);
}

}  // namespace berth
