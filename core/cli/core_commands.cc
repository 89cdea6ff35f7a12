// help, version, report: the commands that are about berth itself.
#include "core/cli/help.h"
#include "core/cli/helpers.h"

#ifndef BERTH_VERSION
#define BERTH_VERSION "0.0.0"
#endif

namespace berth {
namespace {

Status Help(Context& ctx, const Args& args) {
  const CommandRegistry& registry = BuiltinCommands();
  if (args.Has("markdown")) {
    PrintMarkdownReference(ctx.out, registry);
    return Status::Ok();
  }
  if (args.Has("all")) {
    PrintAllCommands(ctx.out, registry, ctx.plugins);
    return Status::Ok();
  }
  if (args.positional.empty()) {
    PrintOverview(ctx.out, registry, ctx.plugins);
    return Status::Ok();
  }
  const std::string& family = args.positional[0];
  if (!PrintFamilyHelp(ctx.out, registry, ctx.plugins, family)) {
    return InvalidArgument("No help for '" + family.substr(0, 40) + "': it is not a berth command family");
  }
  return Status::Ok();
}

Status Version(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "version"));
  ctx.out.Line("berth " BERTH_VERSION);
  return Status::Ok();
}

// Every family's report for one app, or for all apps.
Status FullReport(Context& ctx, const Args& args) {
  static constexpr std::string_view kReports[] = {"apps:report", "domains:report", "ports:report",
                                                  "ps:report"};
  if (args.positional.size() > 1) return InvalidArgument("Usage: berth report [APP]");
  if (!args.positional.empty()) BERTH_RETURN_IF_ERROR(ExistingApp(ctx, args).status());
  for (auto name : kReports) {
    const CommandSpec* spec = BuiltinCommands().Find(name);
    BERTH_RETURN_IF_ERROR(spec->handler(ctx, args));
  }
  return Status::Ok();
}

}  // namespace

void RegisterCoreCommands(CommandRegistry& registry) {
  registry.Add({"help", "Show help for berth or a command family", {
      {.name = "help", .usage = "help [FAMILY] [--all]", .summary = "Show help",
       .handler = Help, .flags = {{"all"}, {"markdown"}}, .takes_app = false, .needs_store = false,
       .access = KeyAccess::kEveryKey},
  }});
  registry.Add({"version", "Print berth's version", {
      {.name = "version", .usage = "version", .summary = "Print berth's version",
       .handler = Version, .takes_app = false, .needs_store = false,
       .access = KeyAccess::kEveryKey},
  }});
  registry.Add({"report", "Display every report for an app, or for all apps", {
      {.name = "report", .usage = "report [APP]", .summary = "Display every report",
       .handler = FullReport},
  }});
}

}  // namespace berth
