// The commands that change what runs and therefore deploy: config changes
// (a new release, unless --no-restart), ps:scale, ps:restart and checks:run.
// Their bookkeeping is shared with berth (config_commands.cc,
// ps_commands.cc); the deploy that follows needs health checks and the proxy,
// which only berth-pipeline links.
#include "core/cli/config_commands.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline/pipeline_commands.h"
#include "core/cli/ps_commands.h"
#include "core/cli/scheduler.h"

namespace berth {
namespace {

// The app a config command changed; "" for --global (nothing to redeploy).
std::string ChangedApp(const Args& args) {
  if (args.Has("global") || args.positional.empty()) return "";
  return args.positional[0];
}

Status Redeploy(Context& ctx, const Args& args, const std::string& description) {
  std::string app = ChangedApp(args);
  if (app.empty() || args.Has("no-restart")) return Status::Ok();
  return RedeployWithNewRelease(ctx, app, description);
}

std::string KeysOf(const std::vector<std::string>& words, bool pairs) {
  std::string keys;
  for (const std::string& w : words) {
    std::string key = pairs ? w.substr(0, w.find('=')) : w;
    keys += (keys.empty() ? "" : ", ") + key;
  }
  return keys;
}

std::vector<std::string> AfterApp(const Args& args) {
  if (args.Has("global") || args.positional.empty()) return args.positional;
  return {args.positional.begin() + 1, args.positional.end()};
}

Status SetAndDeploy(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ConfigSet(ctx, args));
  return Redeploy(ctx, args, "Set " + KeysOf(AfterApp(args), /*pairs=*/true));
}

Status UnsetAndDeploy(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ConfigUnset(ctx, args));
  return Redeploy(ctx, args, "Unset " + KeysOf(AfterApp(args), /*pairs=*/false));
}

Status ClearAndDeploy(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ConfigClear(ctx, args));
  return Redeploy(ctx, args, "Clear config vars");
}

Status ScaleAndApply(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(PsScale(ctx, args));
  if (args.positional.size() < 2 || args.Has("skip-deploy")) return Status::Ok();  // shown, or recorded only
  const std::string& app = args.positional[0];
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (releases.empty()) return Status::Ok();  // applied at the first deploy
  return ApplyFormation(ctx, app);
}

Status Restart(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "ps:restart APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(DeployTarget target, CurrentTarget(ctx, app));
  return DeployProcesses(ctx, app, target);
}

}  // namespace

void AddDeployHandlers(PipelineHandlers& handlers) {
  handlers["config:set"] = SetAndDeploy;
  handlers["config:unset"] = UnsetAndDeploy;
  handlers["config:clear"] = ClearAndDeploy;
  handlers["ps:scale"] = ScaleAndApply;
  handlers["ps:restart"] = Restart;
}

}  // namespace berth
