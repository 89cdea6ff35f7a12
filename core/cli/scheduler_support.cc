// The parts of the scheduler that every berth command may use (no health
// checks, no proxy): container generations, one-off commands, retirement.
#include <algorithm>
#include <chrono>

#include "core/cli/proxy_routes.h"
#include "core/cli/scheduler.h"

namespace berth {

int GenerationOf(const std::string& container_id) {
  // APP.TYPE.N.G: four dot-separated parts, the last one numeric.
  auto dots = std::count(container_id.begin(), container_id.end(), '.');
  if (dots != 3) return 0;
  std::string last = container_id.substr(container_id.rfind('.') + 1);
  if (last.empty() || last.find_first_not_of("0123456789") != std::string::npos || last.size() > 9) return 0;
  return std::atoi(last.c_str());
}

Status RunOneOffCommand(Context& ctx, const std::string& app, const RunningRelease& release,
                        const std::string& what, const std::string& command) {
  ctx.out.Step("Running " + what + ": " + command);
  BERTH_ASSIGN_OR_RETURN(AppContainer c, BuildReleaseContainer(ctx, app, &release, LaunchMode::kShell,
                                                               what, NewRunInstance(), {command}, {}));
  BERTH_ASSIGN_OR_RETURN(std::string address, AttachNetwork(ctx, c.spec, false));
  ctx.out.Flush();
  auto code = ctx.runtime.RunAttached(c.spec, c.lower_dirs);
  if (!address.empty()) DetachNetwork(ctx, c.spec.id);
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return FailedPrecondition("The " + what + " command exited with code " + std::to_string(*code));
  }
  return Status::Ok();
}

Result<DeployTarget> CurrentTarget(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (releases.empty()) return FailedPrecondition(app + " has not been deployed yet; push to it first");
  const ReleaseRecord& r = releases.front();
  return DeployTarget{{r.version, SlugLayerDir(ctx.env.root, r.slug_digest), r.git_rev},
                      r.process_types, "v" + std::to_string(r.version)};
}

Status RetireContainer(Context& ctx, const std::string& id, std::chrono::seconds timeout) {
  (void)ctx.runtime.Stop(id, timeout);
  (void)ctx.runtime.Remove(id);
  DetachNetwork(ctx, id);
  return ctx.store->RemoveContainer(id);
}

Result<std::chrono::seconds> AppStopTimeout(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto stop, ctx.store->GetProperty("ps", Scope::App(app), "stop-timeout-seconds"));
  return std::chrono::seconds(stop ? std::atoi(stop->c_str()) : 30);
}

namespace {

// Retires the app's containers whose id `retire` accepts, with its stop timeout.
template <typename Pred>
Status RetireWhere(Context& ctx, const std::string& app, Pred retire) {
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(app));
  BERTH_ASSIGN_OR_RETURN(std::chrono::seconds timeout, AppStopTimeout(ctx, app));
  for (const ContainerRecord& r : records) {
    if (retire(r.id)) BERTH_RETURN_IF_ERROR(RetireContainer(ctx, r.id, timeout));
  }
  return Status::Ok();
}

}  // namespace

Status RetireOldGenerations(Context& ctx, const std::string& app, int keep) {
  return RetireWhere(ctx, app, [keep](const std::string& id) {
    int g = GenerationOf(id);
    return g != 0 && g < keep;
  });
}

Status RetireAllContainers(Context& ctx, const std::string& app) {
  return RetireWhere(ctx, app, [](const std::string&) { return true; });
}

}  // namespace berth
