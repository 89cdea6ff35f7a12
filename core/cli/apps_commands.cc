// apps:* — create, destroy, list, rename, lock and report apps.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/base/validate.h"
#include "core/cli/acl.h"
#include "core/cli/helpers.h"
#include "core/cli/proxy_custom_template.h"
#include "core/cli/proxy_routes.h"
#include "core/cli/report.h"
#include "core/cli/scheduler.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {
namespace {

// The directories an app owns on disk besides its state: repo, build cache,
// build logs, kept logs (logs:failed).
std::vector<std::string> AppDirs(const std::string& root, const std::string& app) {
  return {root + "/repos/" + app + ".git", root + "/cache/" + app, root + "/builds/" + app,
          root + "/logs/" + app};
}

Status Create(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "apps:create APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, AppArg(args));
  BERTH_RETURN_IF_ERROR(ctx.store->CreateApp(app));
  ctx.out.Step("Creating " + app + "...");
  BERTH_RETURN_IF_ERROR(GrantCreatorAccess(ctx.env, *ctx.store, app));
  return ctx.plugins.Fire({triggers::kPostCreate, {app}, app, ""});
}

// Asks the user to type the app's name. Without a terminal there is nobody to
// ask, so it refuses instead of waiting on stdin.
Status Confirm(Context& ctx, const std::string& app) {
  if (!ctx.env.stdin_is_tty) {
    return FailedPrecondition("Refusing to destroy " + app +
                              " without confirmation: no terminal to ask on. Run it again "
                              "with --force (ssh: `ssh -t`, or pass --force)");
  }
  ctx.out.Warn("WARNING: Potentially Destructive Action\nThis command will destroy app " + app +
               ".\nTo proceed, type \"" + app + "\"");
  ctx.out.Raw("\n> ");
  ctx.out.Flush();
  std::string answer;
  std::getline(ctx.in, answer);
  if (answer != app) return FailedPrecondition("Confirmation did not match " + app + ". Aborted.");
  return Status::Ok();
}

Status Destroy(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "apps:destroy APP [--force]"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  if (!args.Has("force")) BERTH_RETURN_IF_ERROR(Confirm(ctx, app));
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPreDelete, {app}, app, ""}));
  ctx.out.Step("Destroying " + app + " (including all add-ons)");
  BERTH_RETURN_IF_ERROR(RetireAllContainers(ctx, app));
  BERTH_RETURN_IF_ERROR(ctx.store->DestroyApp(app));
  // The app's routes leave the proxy: its domains answer with the 404 page.
  if (Status s = RebuildProxy(ctx); !s.ok()) ctx.out.Warn("Proxy not updated: " + s.message());
  std::error_code ec;
  for (const std::string& dir : AppDirs(ctx.env.root, app)) std::filesystem::remove_all(dir, ec);
  std::filesystem::remove_all(CertDir(ctx.env, app), ec);
  std::filesystem::remove_all(TemplatesDir(ctx, app), ec);
  std::filesystem::remove(ctx.env.root + "/locks/" + app + ".lock", ec);
  return ctx.plugins.Fire({triggers::kPostDelete, {app}, app, ""});
}

// Every app, or over ssh with a key that is not an admin, the apps on its ACL.
Status List(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "apps:list [--format json]"));
  BERTH_ASSIGN_OR_RETURN(auto apps, ctx.store->ListApps());
  BERTH_ASSIGN_OR_RETURN(auto visible, VisibleApps(ctx.env, *ctx.store));
  if (visible) std::erase_if(apps, [&](const AppRecord& a) { return !visible->contains(a.name); });
  std::string format = args.Flag("format", "stdout");
  if (format == "json") {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& a : apps) names.push_back(a.name);
    ctx.out.Line(names.dump());
    return Status::Ok();
  }
  if (format != "stdout") return InvalidArgument("Invalid --format value '" + format + "': use stdout or json");
  ctx.out.Header("My Apps");
  for (const auto& a : apps) ctx.out.Line(a.name);
  return Status::Ok();
}

Status Exists(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "apps:exists APP"));
  return ExistingApp(ctx, args).status();
}

Status Rename(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 2, "apps:rename OLD_APP NEW_APP"));
  BERTH_ASSIGN_OR_RETURN(std::string from, ExistingApp(ctx, args));
  const std::string& to = args.positional[1];
  BERTH_RETURN_IF_ERROR(ValidateAppName(to));
  ctx.out.Step("Renaming " + from + " to " + to);
  BERTH_RETURN_IF_ERROR(ctx.store->RenameApp(from, to));
  std::vector<std::string> old_dirs = AppDirs(ctx.env.root, from);
  std::vector<std::string> new_dirs = AppDirs(ctx.env.root, to);
  for (size_t i = 0; i < old_dirs.size(); ++i) {
    std::error_code ec;
    if (std::filesystem::exists(old_dirs[i], ec)) std::filesystem::rename(old_dirs[i], new_dirs[i], ec);
    if (ec) ctx.out.Warn("Could not move " + old_dirs[i] + ": " + ec.message());
  }
  return ctx.plugins.Fire({triggers::kPostAppRename, {from, to}, to, ""});
}

Status Lock(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "apps:lock APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_RETURN_IF_ERROR(ctx.store->SetAppLocked(app, true));
  ctx.out.Step("Deploy lock created");
  return Status::Ok();
}

Status Unlock(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "apps:unlock APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_RETURN_IF_ERROR(ctx.store->SetAppLocked(app, false));
  // A deploy stuck holding the lock file keeps running, but no longer blocks.
  std::error_code ec;
  std::filesystem::remove(ctx.env.root + "/locks/" + app + ".lock", ec);
  ctx.out.Step("Deploy lock removed");
  return Status::Ok();
}

Status Locked(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "apps:locked APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(AppRecord record, ctx.store->GetApp(app));
  if (!record.locked) return FailedPrecondition("Deploy lock does not exist");
  ctx.out.Step("Deploy lock exists");
  return Status::Ok();
}

// apps:set --global KEY VALUE: host-wide app settings.
Status Set(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  if (!scope.global() || rest.empty() || rest.size() > 2 || rest[0] != "disable-autocreation") {
    return InvalidArgument("Usage: berth apps:set --global disable-autocreation [true|false]");
  }
  if (rest.size() == 1) {
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty("apps", scope, rest[0]));
    ctx.out.Step("Unsetting " + rest[0]);
    return Status::Ok();
  }
  if (rest[1] != "true" && rest[1] != "false") {
    return InvalidArgument("disable-autocreation takes true or false");
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty("apps", scope, rest[0], rest[1]));
  ctx.out.Step("Setting " + rest[0] + " to " + rest[1]);
  return Status::Ok();
}

Status ReportOne(Context& ctx, const Args& args, const AppRecord& app) {
  Report report(app.name + " app information");
  report.Add("App created at", std::to_string(app.created_at));
  report.Add("App deploy source", "");
  report.Add("App deploy source metadata", "");
  report.Add("App dir", ctx.env.root + "/repos/" + app.name + ".git");
  report.Add("App locked", app.locked ? "true" : "false");
  return report.Print(ctx.out, args);
}

Status AppsReport(Context& ctx, const Args& args) {
  if (args.positional.size() > 1) return InvalidArgument("Usage: berth apps:report [APP] [--format json]");
  if (!args.positional.empty()) {
    BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
    BERTH_ASSIGN_OR_RETURN(AppRecord record, ctx.store->GetApp(app));
    return ReportOne(ctx, args, record);
  }
  BERTH_ASSIGN_OR_RETURN(auto apps, ctx.store->ListApps());
  if (apps.empty()) ctx.out.Warn("You haven't deployed any applications yet");
  for (const auto& a : apps) BERTH_RETURN_IF_ERROR(ReportOne(ctx, args, a));
  return Status::Ok();
}

}  // namespace

void RegisterAppsCommands(CommandRegistry& registry) {
  registry.Add({"apps", "Manage apps", {
      {.name = "apps:create", .usage = "apps:create APP", .summary = "Create a new app",
       .handler = Create, .access = KeyAccess::kCreator},
      {.name = "apps:destroy", .usage = "apps:destroy APP [--force]",
       .summary = "Permanently destroy an app (asks to confirm unless --force)",
       .handler = Destroy, .flags = {{"force"}}},
      {.name = "apps:list", .usage = "apps:list [--format json]", .summary = "List your apps",
       .handler = List, .flags = {{"format", true}}, .takes_app = false,
       .access = KeyAccess::kEveryKey},
      {.name = "apps:exists", .usage = "apps:exists APP",
       .summary = "Exit 0 if the app exists, 20 if not", .handler = Exists},
      {.name = "apps:rename", .usage = "apps:rename OLD_APP NEW_APP",
       .summary = "Rename an app, keeping all its settings", .handler = Rename},
      {.name = "apps:lock", .usage = "apps:lock APP", .summary = "Lock an app against deploys",
       .handler = Lock},
      {.name = "apps:unlock", .usage = "apps:unlock APP", .summary = "Remove an app's deploy lock",
       .handler = Unlock},
      {.name = "apps:locked", .usage = "apps:locked APP",
       .summary = "Exit 0 if the app is locked, 1 if not", .handler = Locked},
      {.name = "apps:set", .usage = "apps:set --global disable-autocreation [true|false]",
       .summary = "Host-wide app settings (true: a push never creates its app)", .handler = Set,
       .flags = {{"global"}}},
      {.name = "apps:report", .usage = "apps:report [APP] [--format json] [--<key>]",
       .summary = "Display an app's information", .handler = AppsReport,
       .flags = {{"format", true}}, .any_flag = true},
  }});
}

}  // namespace berth
