// plugin:* — list, install, enable, disable, update and uninstall plugins, and
// fire triggers by hand (for plugin authors). plugin:install and plugin:update
// fetch sources with libgit2/libarchive, so they run in berth-pipeline
// (core/cli/pipeline/plugin_install_commands.cc).
#include <algorithm>
#include <filesystem>

#include "core/base/files.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline.h"
#include "core/cli/plugin_admin.h"
#include "core/plugins/plugin_manifest.h"
#include "core/plugins/trigger_catalogue.h"
#include "core/plugins/trigger_spec.h"

namespace berth {
namespace {

// Installed plugins that are not enabled (the host lists only enabled ones).
std::vector<PluginInfo> DisabledPlugins(const Context& ctx) {
  InstalledPlugins installed(ctx.env.root);
  std::vector<PluginInfo> out;
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ctx.env.root + "/plugins/available", ec)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (!ValidatePluginName(name).ok() || installed.IsEnabled(name) || !installed.IsInstalled(name)) {
      continue;
    }
    PluginInfo info;
    info.name = name;
    info.dir = installed.AvailableDir(name);
    if (auto manifest = LoadPluginManifest(info.dir); manifest.ok()) {
      info.version = manifest->version;
      info.description = manifest->description;
    }
    out.push_back(std::move(info));
  }
  return out;
}

Status List(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "plugin:list"));
  auto plugins = ctx.plugins.ListPlugins();
  auto disabled = DisabledPlugins(ctx);
  if (plugins.empty() && disabled.empty()) ctx.out.Warn("No plugins installed");
  size_t width = 0;
  for (const auto& p : plugins) width = std::max(width, p.name.size());
  for (const auto& p : disabled) width = std::max(width, p.name.size());
  auto line = [&](const PluginInfo& p, std::string_view state) {
    std::string version = p.version.empty() ? "-" : p.version;
    version.resize(std::max<size_t>(version.size(), 8), ' ');
    ctx.out.Line("  " + p.name + std::string(width - p.name.size() + 2, ' ') + version + " " +
                 std::string(state) + "  " + p.description);
  };
  for (const auto& p : plugins) line(p, p.bundled ? "bundled " : "enabled ");
  for (const auto& p : disabled) line(p, "disabled");
  return Status::Ok();
}

// plugin:installed NAME: exit 0 when berth has the plugin (bundled or
// installed, enabled or not), 1 otherwise, silently (for scripts, as Dokku).
Status Installed(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "plugin:installed NAME"));
  const std::string& name = args.positional[0];
  BERTH_RETURN_IF_ERROR(ValidatePluginName(name));
  bool have = IsBundledPlugin(ctx, name) || InstalledPlugins(ctx.env.root).IsInstalled(name);
  return have ? Status::Ok() : Status::ExitedWith(1);
}

// plugin:enable and plugin:disable: one installed plugin's link in enabled/.
Status SetEnabled(Context& ctx, const Args& args, bool enable) {
  std::string command = enable ? "plugin:enable" : "plugin:disable";
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, command + " NAME"));
  BERTH_RETURN_IF_ERROR(RequirePluginAdmin(ctx, command));
  InstalledPlugins installed(ctx.env.root);
  const std::string& name = args.positional[0];
  BERTH_RETURN_IF_ERROR(ExpectInstalledPlugin(ctx, installed, name));
  BERTH_RETURN_IF_ERROR(enable ? installed.Enable(name) : installed.Disable(name));
  ctx.out.Step("Plugin " + name + (enable ? " enabled"
                                          : " disabled (its files stay; plugin:enable brings it back)"));
  return Status::Ok();
}

Status Enable(Context& ctx, const Args& args) { return SetEnabled(ctx, args, true); }
Status Disable(Context& ctx, const Args& args) { return SetEnabled(ctx, args, false); }

Status Uninstall(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "plugin:uninstall NAME"));
  BERTH_RETURN_IF_ERROR(RequirePluginAdmin(ctx, "plugin:uninstall"));
  InstalledPlugins installed(ctx.env.root);
  const std::string& name = args.positional[0];
  BERTH_RETURN_IF_ERROR(ExpectInstalledPlugin(ctx, installed, name));
  // An observer: a failing uninstall script must not keep a broken plugin around.
  BERTH_RETURN_IF_ERROR(
      ctx.plugins.FireAt(installed.AvailableDir(name), {triggers::kUninstall, {}, "", ""}));
  installed.Remove(name);
  ctx.out.Step("Plugin " + name + " uninstalled");
  return Status::Ok();
}

Status Trigger(Context& ctx, const Args& args) {
  if (args.positional.empty()) return InvalidArgument("Usage: berth plugin:trigger TRIGGER [ARGS...]");
  const std::string& name = args.positional[0];
  const TriggerSpec* spec = FindTrigger(name);
  if (spec == nullptr) {
    return InvalidArgument("No trigger named '" + name.substr(0, 60) +
                           "' in the catalogue (see docs/triggers.md)");
  }
  std::vector<std::string> trigger_args(args.positional.begin() + 1, args.positional.end());
  // Triggers about an app export it as APP, as when berth fires them.
  bool about_app = spec->args == "APP" || spec->args.starts_with("APP ");
  std::string app = about_app && !trigger_args.empty() ? trigger_args[0] : "";
  TriggerRequest request{spec->name, trigger_args, app, ""};
  if (spec->kind == TriggerKind::kAnswer) {
    BERTH_ASSIGN_OR_RETURN(auto answer, ctx.plugins.Query(request));
    if (answer) ctx.out.Line(*answer);
    return Status::Ok();
  }
  return ctx.plugins.Fire(request);
}

}  // namespace

void RegisterPluginCommands(CommandRegistry& registry) {
  registry.Add({"plugin", "Manage plugins", {
      {.name = "plugin:list", .usage = "plugin:list", .summary = "List the plugins berth runs",
       .handler = List, .takes_app = false, .needs_store = false},
      {.name = "plugin:installed", .usage = "plugin:installed NAME",
       .summary = "Exit 0 when a plugin is installed, 1 when not", .handler = Installed,
       .takes_app = false, .needs_store = false},
      {.name = "plugin:install",
       .usage = "plugin:install FOLDER|TARBALL|GIT_URL [--name NAME] [--committish REF]",
       .summary = "Install and enable a plugin, then run its install and dependencies triggers",
       .handler = PipelineHandler("plugin:install"),
       .flags = {{"name", true}, {"committish", true}}, .takes_app = false, .host_only = true,
       .needs_store = false},
      {.name = "plugin:update", .usage = "plugin:update [NAME [REF]]",
       .summary = "Fetch an installed plugin (or all) again from its source",
       .handler = PipelineHandler("plugin:update"), .takes_app = false, .host_only = true,
       .needs_store = false},
      {.name = "plugin:enable", .usage = "plugin:enable NAME",
       .summary = "Enable an installed plugin", .handler = Enable, .takes_app = false,
       .host_only = true, .needs_store = false},
      {.name = "plugin:disable", .usage = "plugin:disable NAME",
       .summary = "Disable an installed plugin, keeping its files", .handler = Disable,
       .takes_app = false, .host_only = true, .needs_store = false},
      {.name = "plugin:uninstall", .usage = "plugin:uninstall NAME",
       .summary = "Run a plugin's uninstall trigger and remove it", .handler = Uninstall,
       .takes_app = false, .host_only = true, .needs_store = false},
      {.name = "plugin:trigger", .usage = "plugin:trigger TRIGGER [ARGS...]",
       .summary = "Fire a trigger by hand, for debugging plugins", .handler = Trigger,
       .takes_app = false, .host_only = true, .needs_store = false},
  }});
}

}  // namespace berth
