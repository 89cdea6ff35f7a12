#include "core/cli/plugin_admin.h"

#include "core/base/files.h"
#include "core/plugins/plugin_source.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {

Status RequirePluginAdmin(const Context& ctx, std::string_view command) {
  if (ctx.env.via_ssh) {
    return PermissionDenied(std::string(command) + " runs plugin code as root: only on the host");
  }
  if (!ctx.env.is_root) {
    return PermissionDenied(std::string(command) + " runs plugin code as root: run it as root");
  }
  return Status::Ok();
}

bool IsBundledPlugin(const Context& ctx, const std::string& name) {
  return PathExists(ctx.env.share_dir + "/plugins/" + name + "/");
}

Status ExpectInstalledPlugin(const Context& ctx, const InstalledPlugins& installed,
                             const std::string& name) {
  BERTH_RETURN_IF_ERROR(ValidatePluginName(name));
  if (IsBundledPlugin(ctx, name)) {
    return FailedPrecondition(name + " is bundled with berth: it cannot be changed by plugin:*");
  }
  if (!installed.IsInstalled(name)) {
    return NotFound("The plugin " + name + " is not installed (see berth plugin:list)");
  }
  return Status::Ok();
}

Status RunInstallTriggers(Context& ctx, const std::string& dir) {
  for (std::string_view trigger : {triggers::kInstall, triggers::kDependencies}) {
    Status s = ctx.plugins.FireAt(dir, {trigger, {}, "", ""});
    if (!s.ok()) return FailedPrecondition("its " + std::string(trigger) + " trigger failed: " + s.message());
  }
  return Status::Ok();
}

}  // namespace berth
