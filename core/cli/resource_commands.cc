// resource:* — cgroup limits (memory, CPU, processes) of an app's containers,
// per process type or for all types ("_default"). `run` applies them.
#include "core/base/validate.h"
#include "core/cli/helpers.h"
#include "core/cli/report.h"
#include "core/runtime/resources.h"

namespace berth {
namespace {

// --process-type T, or _default without it.
Result<std::string> ProcessTypeFlag(const Args& args) {
  if (!args.Has("process-type")) return std::string(kDefaultProcessType);
  std::string type = args.Flag("process-type");
  BERTH_RETURN_IF_ERROR(ValidateProcessType(type));
  return type;
}

std::string TypeName(const std::string& type) {
  return type == kDefaultProcessType ? "all process types" : "process type " + type;
}

Status Limit(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "resource:limit APP [--memory M] [--cpu C] [--pids N] [--process-type T]"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(std::string type, ProcessTypeFlag(args));
  std::vector<std::pair<std::string, std::string>> given;
  for (std::string_view kind : kResourceKinds) {
    if (!args.Has(kind)) continue;
    std::string value = args.Flag(kind);
    BERTH_RETURN_IF_ERROR(ValidateResourceLimit(kind, value));
    given.emplace_back(std::string(kind), value);
  }
  if (given.empty()) {
    return InvalidArgument("Please specify at least one of --memory, --cpu and --pids");
  }
  for (const auto& [kind, value] : given) {
    BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kResourcePlugin, Scope::App(app), type + "." + kind, value));
  }
  ctx.out.Header("Setting resource limits for " + app + " (" + TypeName(type) + ")");
  PrintAligned(ctx.out, given, true);
  return Status::Ok();
}

Status LimitClear(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "resource:limit-clear APP [--process-type T]"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(std::string type, ProcessTypeFlag(args));
  for (std::string_view kind : kResourceKinds) {
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kResourcePlugin, Scope::App(app),
                                                   type + "." + std::string(kind)));
  }
  ctx.out.Step("Cleared resource limits for " + app + " (" + TypeName(type) + ")");
  return Status::Ok();
}

// "Resource limit memory" for the default, "Resource web limit memory" for a type.
Status ReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto props, ctx.store->ListProperties(kResourcePlugin, Scope::App(app)));
  Report report(app + " resource information");
  for (std::string_view kind : kResourceKinds) {
    auto it = props.find(std::string(kDefaultProcessType) + "." + std::string(kind));
    report.Add("Resource limit " + std::string(kind), it == props.end() ? "" : it->second);
  }
  for (const auto& [key, value] : props) {
    size_t dot = key.rfind('.');
    std::string type = key.substr(0, dot);
    if (dot == std::string::npos || type == kDefaultProcessType) continue;
    report.Add("Resource " + type + " limit " + key.substr(dot + 1), value);
  }
  return report.Print(ctx.out, args);
}

Status ResourceReport(Context& ctx, const Args& args) {
  return ReportAppOrAll(ctx, args, ReportOne);
}

}  // namespace

void RegisterResourceCommands(CommandRegistry& registry) {
  registry.Add({"resource", "Manage an app's resource limits", {
      {.name = "resource:limit",
       .usage = "resource:limit APP [--memory M] [--cpu C] [--pids N] [--process-type T]",
       .summary = "Limit the memory (512m, 2g), CPU cores (1.5) and processes of an app's containers",
       .handler = Limit,
       .flags = {{"memory", true}, {"cpu", true}, {"pids", true}, {"process-type", true}}},
      {.name = "resource:limit-clear", .usage = "resource:limit-clear APP [--process-type T]",
       .summary = "Remove the resource limits of an app (or of one process type)",
       .handler = LimitClear, .flags = {{"process-type", true}}},
      {.name = "resource:report", .usage = "resource:report [APP] [--format json] [--<key>]",
       .summary = "Display resource limits", .handler = ResourceReport,
       .flags = {{"format", true}}, .any_flag = true},
  }});
}

}  // namespace berth
