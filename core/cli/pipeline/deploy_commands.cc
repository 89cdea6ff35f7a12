// The commands that change what runs and therefore deploy: config changes
// (a new release, unless --no-restart), ps:scale, ps:restart and checks:run.
// Their bookkeeping is shared with berth (config_commands.cc,
// ps_commands.cc); the deploy that follows needs health checks and the proxy,
// which only berth-pipeline links.
#include "core/cli/config_commands.h"
#include "core/cli/deploy_lock.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline/pipeline_commands.h"
#include "core/cli/ps_commands.h"
#include "core/cli/scheduler.h"

namespace berth {
namespace {

// How long a config change, ps:restart or ps:scale waits for a running deploy
// of the app (a push) before it gives up.
constexpr std::chrono::minutes kQueuedDeployWait{3};

// The app's deploy lock for a deploy that queues behind a running one: says
// that it waits, and what `what` leaves undone when it gives up.
Result<std::unique_ptr<DeployLock>> WaitForDeployLock(Context& ctx, const std::string& app,
                                                      const std::string& what) {
  auto lock = DeployLock::Acquire(ctx.env.root, app);
  if (lock.ok() || lock.status().code() != StatusCode::kFailedPrecondition) return lock;
  ctx.out.Detail("Waiting for the running deploy of " + app + " to finish");
  ctx.out.Flush();
  lock = DeployLock::Acquire(ctx.env.root, app, kQueuedDeployWait);
  if (lock.ok()) return lock;
  return Status(lock.status().code(), what + ": " + lock.status().message());
}

// The app a config command changed; "" for --global (nothing to redeploy).
std::string ChangedApp(const Args& args) {
  if (args.Has("global") || args.positional.empty()) return "";
  return args.positional[0];
}

Status Redeploy(Context& ctx, const Args& args, const std::string& description) {
  std::string app = ChangedApp(args);
  if (app.empty() || args.Has("no-restart")) return Status::Ok();
  BERTH_ASSIGN_OR_RETURN(auto lock, WaitForDeployLock(ctx, app,
                                                      "The config is saved, but " + app +
                                                          " was not restarted with it (run `berth ps:restart " +
                                                          app + "` later)"));
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

Status ImportAndDeploy(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(ConfigImportResult imported, ConfigImport(ctx, args));
  std::string description = "Import " + KeysOf(imported.keys, /*pairs=*/false);
  if (!imported.removed.empty()) description += "; unset " + KeysOf(imported.removed, /*pairs=*/false);
  return Redeploy(ctx, args, description);
}

Status UnsetAndDeploy(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ConfigUnset(ctx, args));
  return Redeploy(ctx, args, "Unset " + KeysOf(AfterApp(args), /*pairs=*/false));
}

Status ClearAndDeploy(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ConfigClear(ctx, args));
  return Redeploy(ctx, args, "Clear config vars");
}

// ps:scale of a deployed app changes the running containers at once; when
// that fails (a check, a pre-stop veto) the recorded formation goes back to
// what it was, so that the next deploy does not apply the refused scale.
Status ScaleAndApply(Context& ctx, const Args& args) {
  if (args.positional.size() < 2 || args.Has("skip-deploy")) return PsScale(ctx, args);  // shown, or recorded only
  const std::string& app = args.positional[0];
  BERTH_ASSIGN_OR_RETURN(auto lock, WaitForDeployLock(ctx, app, "The scale was not changed"));
  BERTH_ASSIGN_OR_RETURN(auto before, ctx.store->GetFormation(app));
  BERTH_RETURN_IF_ERROR(PsScale(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (releases.empty()) return Status::Ok();  // applied at the first deploy
  Status applied = ApplyFormation(ctx, app);
  if (applied.ok()) return applied;
  BERTH_ASSIGN_OR_RETURN(auto after, ctx.store->GetFormation(app));
  std::map<std::string, int> previous;
  for (const auto& [type, quantity] : after) {
    auto it = before.find(type);
    previous[type] = it != before.end() ? it->second : DefaultQuantity(type);
  }
  if (Status restored = ctx.store->SetFormation(app, previous); !restored.ok()) {
    ctx.out.Warn("Could not put the previous scale back: " + restored.message());
  }
  return applied;
}

Status Restart(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "ps:restart APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto lock, WaitForDeployLock(ctx, app, app + " was not restarted"));
  BERTH_ASSIGN_OR_RETURN(DeployTarget target, CurrentTarget(ctx, app));
  return DeployProcesses(ctx, app, target);
}

}  // namespace

void AddDeployHandlers(PipelineHandlers& handlers) {
  handlers["config:set"] = SetAndDeploy;
  handlers["config:import"] = ImportAndDeploy;
  handlers["config:unset"] = UnsetAndDeploy;
  handlers["config:clear"] = ClearAndDeploy;
  handlers["ps:scale"] = ScaleAndApply;
  handlers["ps:restart"] = Restart;
}

}  // namespace berth
