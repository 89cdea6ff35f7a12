// builds:*, buildpacks:* and builder:* — what builds an app and what its
// builds printed.
#include "core/base/files.h"
#include "core/base/strings.h"
#include "core/build/buildpack_ref.h"
#include "core/cli/build_settings.h"
#include "core/cli/helpers.h"
#include "core/cli/report.h"

namespace berth {
namespace {

Status BuildsList(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "builds:list APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto builds, ctx.store->ListBuilds(app));
  ctx.out.Header(app + " builds");
  std::vector<std::pair<std::string, std::string>> rows;
  for (const BuildRecord& b : builds) {
    std::string took = b.finished_at != 0 ? std::to_string(b.finished_at - b.started_at) + "s" : "-";
    rows.emplace_back(std::to_string(b.id), b.status + "  " + b.git_rev.substr(0, 7) + "  " +
                                                b.source + "  " + FormatUnixTime(b.started_at) + "  " + took);
  }
  PrintAligned(ctx.out, rows, false);
  return Status::Ok();
}

Status BuildsOutput(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  if (args.positional.size() > 2) return InvalidArgument("Usage: berth builds:output APP [ID]");
  BERTH_ASSIGN_OR_RETURN(auto builds, ctx.store->ListBuilds(app));
  const BuildRecord* chosen = builds.empty() ? nullptr : &builds[0];
  if (args.positional.size() == 2) {
    chosen = nullptr;
    for (const BuildRecord& b : builds) {
      if (std::to_string(b.id) == args.positional[1]) chosen = &b;
    }
    if (chosen == nullptr) {
      return NotFound(app + " has no build " + args.positional[1].substr(0, 20) +
                      "; see `berth builds:list " + app + "`");
    }
  }
  if (chosen == nullptr) return NotFound(app + " has not been built yet; push to it first");
  BERTH_ASSIGN_OR_RETURN(std::string log, ReadFile(chosen->log_path));
  ctx.out.Raw(log);
  return Status::Ok();
}

Result<std::pair<std::string, std::vector<std::string>>> AppAndList(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto list, AppBuildpacks(ctx, app));
  return std::make_pair(app, list);
}

// The --index N flag (1-based) as a position in a list of `size`, or `size`.
Result<size_t> IndexFlag(const Args& args, size_t size) {
  if (!args.Has("index")) return size;
  std::string v = args.Flag("index");
  if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(v) == 0) {
    return InvalidArgument("--index must be a position from 1");
  }
  return std::min<size_t>(std::stoul(v) - 1, size);
}

Status BuildpackUrlArg(Context& ctx, const Args& args, std::string_view usage, std::string* url) {
  if (args.positional.size() != 2) return InvalidArgument("Usage: berth " + std::string(usage));
  BERTH_ASSIGN_OR_RETURN(BuildpackRef ref, ParseBuildpackRef(args.positional[1]));
  if (ctx.env.via_ssh && (ref.kind == BuildpackRef::Kind::kLocal || ref.url.starts_with("/"))) {
    return PermissionDenied("Over ssh, a buildpack is a URL (https, git), not a path on the host");
  }
  *url = ref.ToString();
  return Status::Ok();
}

Status BuildpacksAdd(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(auto app_list, AppAndList(ctx, args));
  auto& [app, list] = app_list;
  std::string url;
  BERTH_RETURN_IF_ERROR(BuildpackUrlArg(ctx, args, "buildpacks:add APP URL [--index N]", &url));
  for (const auto& u : list) {
    if (u == url) return AlreadyExists("The buildpack " + url + " is already set on " + app);
  }
  BERTH_ASSIGN_OR_RETURN(size_t at, IndexFlag(args, list.size()));
  list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), url);
  BERTH_RETURN_IF_ERROR(SetAppBuildpacks(ctx, app, list));
  ctx.out.Step("Buildpack " + url + " added to " + app);
  return Status::Ok();
}

Status BuildpacksSet(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(auto app_list, AppAndList(ctx, args));
  auto& [app, list] = app_list;
  std::string url;
  BERTH_RETURN_IF_ERROR(BuildpackUrlArg(ctx, args, "buildpacks:set APP URL [--index N]", &url));
  BERTH_ASSIGN_OR_RETURN(size_t at, IndexFlag(args, 0));
  if (!args.Has("index")) at = 0;
  if (at < list.size()) list[at] = url;
  else list.push_back(url);
  BERTH_RETURN_IF_ERROR(SetAppBuildpacks(ctx, app, list));
  ctx.out.Step("Buildpack " + url + " set on " + app);
  return Status::Ok();
}

Status BuildpacksRemove(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(auto app_list, AppAndList(ctx, args));
  auto& [app, list] = app_list;
  size_t before = list.size();
  if (args.Has("index")) {
    BERTH_ASSIGN_OR_RETURN(size_t at, IndexFlag(args, list.size()));
    if (at >= list.size()) return NotFound(app + " has no buildpack at that index");
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(at));
  } else {
    std::string url;
    BERTH_RETURN_IF_ERROR(BuildpackUrlArg(ctx, args, "buildpacks:remove APP URL|--index N", &url));
    std::erase(list, url);
    if (list.size() == before) return NotFound("The buildpack " + url + " is not set on " + app);
  }
  BERTH_RETURN_IF_ERROR(SetAppBuildpacks(ctx, app, list));
  ctx.out.Step("Buildpack removed from " + app);
  return Status::Ok();
}

Status BuildpacksClear(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "buildpacks:clear APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_RETURN_IF_ERROR(SetAppBuildpacks(ctx, app, {}));
  ctx.out.Step("Buildpacks cleared from " + app);
  return Status::Ok();
}

Status BuildpacksList(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "buildpacks:list APP"));
  BERTH_ASSIGN_OR_RETURN(auto app_list, AppAndList(ctx, args));
  ctx.out.Header(app_list.first + " buildpack urls");
  for (const auto& u : app_list.second) ctx.out.Line(u);
  return Status::Ok();
}

Status BuildpacksReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto list, AppBuildpacks(ctx, app));
  Report report(app + " buildpacks information");
  report.Add("Buildpacks list", JoinStrings(list, ","));
  return report.Print(ctx.out, args);
}

Status BuildpacksReport(Context& ctx, const Args& args) {
  return ReportAppOrAll(ctx, args, BuildpacksReportOne);
}

Status BuilderSet(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  if (rest.empty() || rest[0] != "selected" || rest.size() > 2) {
    return InvalidArgument("Usage: berth builder:set APP|--global selected [herokuish|null]");
  }
  if (rest.size() == 1 || rest[1].empty()) {
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kBuilderPlugin, scope, "selected"));
    ctx.out.Step("Unsetting selected");
    return Status::Ok();
  }
  if (rest[1] != "herokuish" && rest[1] != "null") {
    return InvalidArgument("Unknown builder '" + rest[1].substr(0, 40) +
                           "': use herokuish (buildpacks) or null (no build step)");
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kBuilderPlugin, scope, "selected", rest[1]));
  ctx.out.Step("Setting selected to " + rest[1]);
  return Status::Ok();
}

Status BuilderReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto mine, ctx.store->GetProperty(kBuilderPlugin, Scope::App(app), "selected"));
  BERTH_ASSIGN_OR_RETURN(auto global, ctx.store->GetProperty(kBuilderPlugin, Scope::Global(), "selected"));
  Report report(app + " builder information");
  report.Add("Builder computed selected", mine.value_or(global.value_or("")));
  report.Add("Builder global selected", global.value_or(""));
  report.Add("Builder selected", mine.value_or(""));
  return report.Print(ctx.out, args);
}

Status BuilderReport(Context& ctx, const Args& args) { return ReportAppOrAll(ctx, args, BuilderReportOne); }

}  // namespace

Result<std::vector<std::string>> AppBuildpacks(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto stored, ctx.store->GetProperty(kBuildpacksPlugin, Scope::App(app), "list"));
  std::vector<std::string> list;
  std::string text = stored.value_or("");
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) list.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return list;
}

Status SetAppBuildpacks(Context& ctx, const std::string& app, const std::vector<std::string>& list) {
  if (list.empty()) return ctx.store->UnsetProperty(kBuildpacksPlugin, Scope::App(app), "list");
  return ctx.store->SetProperty(kBuildpacksPlugin, Scope::App(app), "list", JoinStrings(list, "\n"));
}

Result<std::string> SelectedBuilder(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto mine, ctx.store->GetProperty(kBuilderPlugin, Scope::App(app), "selected"));
  if (mine) return *mine;
  BERTH_ASSIGN_OR_RETURN(auto global, ctx.store->GetProperty(kBuilderPlugin, Scope::Global(), "selected"));
  return global.value_or("");
}

void RegisterBuildCommands(CommandRegistry& registry) {
  registry.Add({"builds", "Inspect an app's builds", {
      {.name = "builds:list", .usage = "builds:list APP", .summary = "List an app's builds, newest first",
       .handler = BuildsList},
      {.name = "builds:output", .usage = "builds:output APP [ID]",
       .summary = "Print the full output of a build (default: the newest)", .handler = BuildsOutput},
  }});
  registry.Add({"buildpacks", "Choose the buildpacks that build an app", {
      {.name = "buildpacks:add", .usage = "buildpacks:add APP URL [--index N]",
       .summary = "Add a buildpack (git URL[#ref], tarball URL or path) to the app's list",
       .handler = BuildpacksAdd, .flags = {{"index", true}}},
      {.name = "buildpacks:set", .usage = "buildpacks:set APP URL [--index N]",
       .summary = "Replace the buildpack at a position (default: the first)",
       .handler = BuildpacksSet, .flags = {{"index", true}}},
      {.name = "buildpacks:remove", .usage = "buildpacks:remove APP URL|--index N",
       .summary = "Remove a buildpack from the app's list", .handler = BuildpacksRemove,
       .flags = {{"index", true}}},
      {.name = "buildpacks:clear", .usage = "buildpacks:clear APP",
       .summary = "Clear the list: buildpacks are detected again", .handler = BuildpacksClear},
      {.name = "buildpacks:list", .usage = "buildpacks:list APP", .summary = "List the app's buildpacks",
       .handler = BuildpacksList},
      {.name = "buildpacks:report", .usage = "buildpacks:report [APP] [--format json] [--<key>]",
       .summary = "Display buildpack information", .handler = BuildpacksReport,
       .flags = {{"format", true}}, .any_flag = true},
  }});
  registry.Add({"builder", "Choose how an app is built", {
      {.name = "builder:set", .usage = "builder:set APP|--global selected [herokuish|null]",
       .summary = "Choose the builder (no value: back to detection)", .handler = BuilderSet,
       .flags = {{"global"}}},
      {.name = "builder:report", .usage = "builder:report [APP] [--format json] [--<key>]",
       .summary = "Display builder information", .handler = BuilderReport,
       .flags = {{"format", true}}, .any_flag = true},
  }});
}

}  // namespace berth
