// The parts of the scheduler that every berth command may use (no health
// checks, no proxy): container generations, one-off commands, retirement.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/base/strings.h"
#include "core/cli/deploy_lock.h"
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

namespace {

// Containers of generations above the current one: puts the upstreams back if
// they had moved to one of them, then retires them.
Status RetireAboveCurrentGeneration(Context& ctx, const std::string& app,
                                    std::vector<std::string>& done) {
  BERTH_ASSIGN_OR_RETURN(auto stored, ctx.store->GetProperty(kSchedulerPlugin, Scope::App(app), "generation"));
  int current = stored ? std::atoi(stored->c_str()) : 0;
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(app));
  std::vector<std::string> leftovers;
  std::vector<std::string> current_web;
  for (const ContainerRecord& r : records) {
    int g = GenerationOf(r.id);
    if (g > current) leftovers.push_back(r.id);
    if (g == current && r.process_type == "web") current_web.push_back(r.id);
  }
  if (leftovers.empty()) return Status::Ok();
  BERTH_ASSIGN_OR_RETURN(auto addresses, ctx.store->ListAddresses(""));
  BERTH_ASSIGN_OR_RETURN(auto upstreams, ctx.store->GetProperty(kSchedulerPlugin, Scope::App(app), kWebUpstreamsKey));
  std::string serving = "," + upstreams.value_or("") + ",";
  bool moved = false;
  std::vector<std::string> restored;
  for (const AddressRecord& a : addresses) {
    bool leftover = std::find(leftovers.begin(), leftovers.end(), a.container_id) != leftovers.end();
    moved = moved || (leftover && serving.find("," + a.address + ",") != std::string::npos);
    if (std::find(current_web.begin(), current_web.end(), a.container_id) != current_web.end()) {
      restored.push_back(a.address);
    }
  }
  if (moved) {
    BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kSchedulerPlugin, Scope::App(app), kWebUpstreamsKey,
                                                 JoinStrings(restored, ",")));
    done.push_back("Routed " + app + " back to its current containers");
    // A proxy that is down gets the restored upstreams when it is started again.
    if (Status s = RebuildProxy(ctx); !s.ok()) done.push_back("Proxy not updated: " + s.message());
  }
  BERTH_ASSIGN_OR_RETURN(std::chrono::seconds timeout, AppStopTimeout(ctx, app));
  for (const std::string& id : leftovers) {
    BERTH_RETURN_IF_ERROR(RetireContainer(ctx, id, timeout));
    done.push_back("Removed " + id);
  }
  return Status::Ok();
}

// Whether `name` is a deploy workspace of the app: deploy-APP-PID-MILLISECONDS.
bool IsWorkspaceOf(const std::string& name, const std::string& app) {
  std::string prefix = "deploy-" + app + "-";
  if (!name.starts_with(prefix)) return false;
  std::string rest = name.substr(prefix.size());
  size_t dash = rest.find('-');
  return dash != std::string::npos && dash > 0 && dash + 1 < rest.size() &&
         rest.find_first_not_of("0123456789-") == std::string::npos &&
         rest.find('-', dash + 1) == std::string::npos;
}

// Whether something is mounted at or below `dir` (then it is not removed: a
// build container's mounts go with the container, which ps:retire removes first).
bool HasMountBelow(const std::string& dir) {
  std::ifstream info("/proc/self/mountinfo");
  std::string line;
  while (std::getline(info, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, mount_point;
    fields >> id >> parent >> dev >> root >> mount_point;
    if (mount_point == dir || mount_point.starts_with(dir + "/")) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<std::string>> CleanUpInterruptedDeploy(Context& ctx, const std::string& app) {
  std::vector<std::string> done;
  BERTH_RETURN_IF_ERROR(RetireAboveCurrentGeneration(ctx, app, done));
  BERTH_ASSIGN_OR_RETURN(auto builds, ctx.store->ListBuilds(app));
  for (const BuildRecord& b : builds) {
    if (b.status != "running") continue;
    BERTH_RETURN_IF_ERROR(ctx.store->FinishBuild(b.id, "interrupted"));
    done.push_back("Marked build " + std::to_string(b.id) + " of " + app + " interrupted");
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(ctx.env.root + "/tmp", ec)) {
    std::string name = entry.path().filename().string();
    if (!IsWorkspaceOf(name, app)) continue;
    if (HasMountBelow(entry.path().string())) {
      done.push_back("Kept workspace " + name + ": something is mounted in it");
      continue;
    }
    std::filesystem::remove_all(entry.path(), ec);
    if (ec) return Internal("cannot remove " + entry.path().string() + ": " + ec.message());
    done.push_back("Removed workspace " + name);
  }
  return done;
}

Result<std::vector<std::string>> CleanUpInterruptedDeploys(Context& ctx) {
  std::vector<std::string> done;
  BERTH_ASSIGN_OR_RETURN(auto apps, ctx.store->ListApps());
  for (const AppRecord& app : apps) {
    auto lock = DeployLock::Acquire(ctx.env.root, app.name);
    if (!lock.ok()) continue;  // a deploy runs: what it made is not left over
    BERTH_ASSIGN_OR_RETURN(auto cleaned, CleanUpInterruptedDeploy(ctx, app.name));
    done.insert(done.end(), cleaned.begin(), cleaned.end());
  }
  return done;
}

}  // namespace berth
