// stacks:* — the root filesystems containers run on.
#include <cstdlib>

#include "core/cli/helpers.h"
#include "core/cli/report.h"
#include "core/runtime/stacks.h"

namespace berth {
namespace {

constexpr char kDefaultStack[] = "default";

Status Build(Context& ctx, const Args& args) {
  if (args.positional.size() > 1) return InvalidArgument("Usage: berth stacks:build [NAME]");
  std::string name = args.positional.empty() ? kDefaultStack : args.positional[0];
  const char* cache = std::getenv("BERTH_STACK_CACHE");
  ctx.out.Step("Building stack " + name);
  ctx.out.Flush();
  StackBuildOptions options{ctx.env.root, ctx.env.share_dir, cache != nullptr ? cache : ""};
  BERTH_ASSIGN_OR_RETURN(StackInfo stack, BuildStack(ctx.runner, options, name));
  ctx.out.Step("Stack " + stack.name + " is ready (" + stack.digest + ")");
  return Status::Ok();
}

Status List(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "stacks:list"));
  ctx.out.Header("Stacks");
  for (const StackInfo& s : ListStacks(ctx.env.root)) ctx.out.Line(s.name + "  " + s.digest);
  return Status::Ok();
}

Status StacksReport(Context& ctx, const Args& args) {
  std::vector<StackInfo> stacks;
  if (!args.positional.empty()) {
    BERTH_ASSIGN_OR_RETURN(StackInfo s, CurrentStack(ctx.env.root, args.positional[0]));
    stacks.push_back(s);
  } else {
    stacks = ListStacks(ctx.env.root);
  }
  for (const StackInfo& s : stacks) {
    Report report(s.name + " stack information");
    report.Add("Stack digest", s.digest);
    report.Add("Stack dir", s.dir);
    report.Add("Stack rootfs", s.rootfs);
    BERTH_RETURN_IF_ERROR(report.Print(ctx.out, args));
  }
  return Status::Ok();
}

Status Set(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  if (rest.size() != 1) return InvalidArgument("Usage: berth stacks:set APP|--global NAME");
  BERTH_RETURN_IF_ERROR(CurrentStack(ctx.env.root, rest[0]).status());
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty("stacks", scope, "selected", rest[0]));
  ctx.out.Step("Stack for " + ScopeName(scope) + " set to " + rest[0]);
  return Status::Ok();
}

}  // namespace

Result<std::string> SelectedStack(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto mine, ctx.store->GetProperty("stacks", Scope::App(app), "selected"));
  if (mine) return *mine;
  BERTH_ASSIGN_OR_RETURN(auto global, ctx.store->GetProperty("stacks", Scope::Global(), "selected"));
  return global.value_or(kDefaultStack);
}

void RegisterStacksCommands(CommandRegistry& registry) {
  registry.Add({"stacks", "Manage the root filesystems containers run on", {
      {.name = "stacks:build", .usage = "stacks:build [NAME]",
       .summary = "Build a stack from its recipe (default: the default stack)", .handler = Build,
       .takes_app = false, .host_only = true},
      {.name = "stacks:list", .usage = "stacks:list", .summary = "List the built stacks",
       .handler = List, .takes_app = false, .needs_store = false},
      {.name = "stacks:report", .usage = "stacks:report [NAME] [--format json] [--<key>]",
       .summary = "Display stack information", .handler = StacksReport,
       .flags = {{"format", true}}, .any_flag = true, .takes_app = false, .needs_store = false},
      {.name = "stacks:set", .usage = "stacks:set APP|--global NAME",
       .summary = "Choose the stack an app (or every app) runs on", .handler = Set,
       .flags = {{"global"}}},
  }});
}

}  // namespace berth
