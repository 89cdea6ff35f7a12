// plugin:install and plugin:update: fetch a plugin into $BERTH_ROOT/plugins/
// .staging, check it, move it into available/ (linked from enabled/) and run
// its lifecycle triggers. A failure at any step leaves the plugins as they
// were: a failed install removes the plugin, a failed update puts the previous
// version back.
#include <algorithm>
#include <filesystem>

#include "core/cli/helpers.h"
#include "core/cli/pipeline/pipeline_commands.h"
#include "core/cli/pipeline/plugin_fetch.h"
#include "core/cli/plugin_admin.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {
namespace {

// The staging folder of one command, removed when it goes.
struct Staging {
  std::string path;
  ~Staging() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

Status Install(Context& ctx, const Args& args) {
  if (args.positional.size() != 1) {
    return InvalidArgument(
        "Usage: berth plugin:install FOLDER|TARBALL|GIT_URL [--name NAME] [--committish REF]");
  }
  BERTH_RETURN_IF_ERROR(RequirePluginAdmin(ctx, "plugin:install"));
  BERTH_ASSIGN_OR_RETURN(PluginSource source,
                         ParsePluginSource(args.positional[0], args.Flag("committish")));
  std::string name = args.Flag("name", PluginNameFromSource(source.location));
  BERTH_RETURN_IF_ERROR(ValidatePluginName(name));
  if (IsBundledPlugin(ctx, name)) {
    return AlreadyExists("berth bundles a plugin named " + name + ": choose another with --name");
  }
  InstalledPlugins installed(ctx.env.root);
  if (installed.IsInstalled(name)) {
    return AlreadyExists("The plugin " + name + " is installed; use plugin:update " + name);
  }
  ctx.out.Step("Installing plugin " + name + " from " + std::string(KindName(source.kind)) + " " +
               source.location);
  Staging staging;
  BERTH_ASSIGN_OR_RETURN(staging.path, installed.MakeStaging(name));
  BERTH_ASSIGN_OR_RETURN(FetchedPlugin fetched, FetchPlugin(ctx, source, staging.path));
  BERTH_RETURN_IF_ERROR(installed.Commit(fetched.dir, name, {source, fetched.commit}));
  Status s = RunInstallTriggers(ctx, installed.AvailableDir(name));
  if (!s.ok()) {
    installed.Remove(name);
    return FailedPrecondition("Plugin " + name + " not installed: " + s.message());
  }
  ctx.out.Step("Plugin " + name + " installed and enabled");
  return Status::Ok();
}

Status UpdateOne(Context& ctx, InstalledPlugins& installed, const std::string& name,
                 const std::string& ref) {
  BERTH_RETURN_IF_ERROR(ExpectInstalledPlugin(ctx, installed, name));
  BERTH_ASSIGN_OR_RETURN(InstalledSource previous, installed.Source(name));
  PluginSource source = previous.source;
  if (!ref.empty()) {
    if (source.kind != PluginSourceKind::kGit) {
      return InvalidArgument(name + " was installed from a " + std::string(KindName(source.kind)) +
                             ": a REF applies to git sources only");
    }
    BERTH_ASSIGN_OR_RETURN(source, ParsePluginSource(source.location, ref));
  }
  ctx.out.Step("Updating plugin " + name + " from " + source.location);
  Staging staging;
  BERTH_ASSIGN_OR_RETURN(staging.path, installed.MakeStaging(name));
  BERTH_ASSIGN_OR_RETURN(FetchedPlugin fetched, FetchPlugin(ctx, source, staging.path));
  BERTH_ASSIGN_OR_RETURN(std::string old, installed.Replace(fetched.dir, name, {source, fetched.commit}));
  Staging old_files{old};
  std::string dir = installed.AvailableDir(name);
  Status s = ctx.plugins.FireAt(dir, {triggers::kUpdate, {}, "", ""});
  if (!s.ok()) s = FailedPrecondition("its update trigger failed: " + s.message());
  if (s.ok()) s = RunInstallTriggers(ctx, dir);
  if (!s.ok()) {
    Status restored = installed.Restore(old, name, previous);
    return FailedPrecondition("Plugin " + name + " not updated: " + s.message() +
                              (restored.ok() ? "; the previous version is back"
                                             : "; " + restored.message()));
  }
  ctx.out.Step("Plugin " + name + " updated" +
               (fetched.commit.empty() ? "" : " to " + fetched.commit.substr(0, 7)));
  return Status::Ok();
}

// plugin:update [NAME [REF]]: one plugin, or every installed one.
Status Update(Context& ctx, const Args& args) {
  if (args.positional.size() > 2) return InvalidArgument("Usage: berth plugin:update [NAME [REF]]");
  BERTH_RETURN_IF_ERROR(RequirePluginAdmin(ctx, "plugin:update"));
  InstalledPlugins installed(ctx.env.root);
  if (!args.positional.empty()) {
    std::string ref = args.positional.size() == 2 ? args.positional[1] : "";
    return UpdateOne(ctx, installed, args.positional[0], ref);
  }
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ctx.env.root + "/plugins/available", ec)) {
    std::string name = e.path().filename().string();
    if (ValidatePluginName(name).ok() && installed.IsInstalled(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) ctx.out.Warn("No plugins installed");
  Status first;
  for (const std::string& name : names) {
    Status s = UpdateOne(ctx, installed, name, "");
    if (!s.ok()) {
      ctx.out.Error(s.message());
      if (first.ok()) first = FailedPrecondition("Not every plugin was updated");
    }
  }
  return first;
}

}  // namespace

void AddPluginHandlers(PipelineHandlers& handlers) {
  handlers["plugin:install"] = Install;
  handlers["plugin:update"] = Update;
}

}  // namespace berth
