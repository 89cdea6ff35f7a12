// plugin:* — list plugins and fire triggers by hand (for plugin authors).
#include "core/cli/helpers.h"
#include "core/plugins/trigger_spec.h"

namespace berth {
namespace {

Status List(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "plugin:list"));
  auto plugins = ctx.plugins.ListPlugins();
  if (plugins.empty()) ctx.out.Warn("No plugins installed");
  size_t width = 0;
  for (const auto& p : plugins) width = std::max(width, p.name.size());
  for (const auto& p : plugins) {
    std::string version = p.version.empty() ? "-" : p.version;
    version.resize(std::max<size_t>(version.size(), 8), ' ');
    ctx.out.Line("  " + p.name + std::string(width - p.name.size() + 2, ' ') + version + " " +
                 (p.bundled ? "bundled " : "enabled ") + " " + p.description);
  }
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
  TriggerRequest request{spec->name, trigger_args, "", ""};
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
      {.name = "plugin:trigger", .usage = "plugin:trigger TRIGGER [ARGS...]",
       .summary = "Fire a trigger by hand, for debugging plugins", .handler = Trigger,
       .takes_app = false, .host_only = true, .needs_store = false},
  }});
}

}  // namespace berth
