#include "core/cli/scheduler.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/base/contained_path.h"
#include "core/base/files.h"
#include "core/base/strings.h"
#include "core/build/app_json.h"
#include "core/cli/logs_failed.h"
#include "core/cli/proxy_routes.h"
#include "core/cli/service_addresses.h"
#include "core/deploy/health_check.h"
#include "core/deploy/health_settings.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {
namespace {

constexpr int kDefaultPort = 5000;

Result<int> Property(Context& ctx, const std::string& app, const std::string& key) {
  BERTH_ASSIGN_OR_RETURN(auto v, ctx.store->GetProperty(kSchedulerPlugin, Scope::App(app), key));
  return v ? std::atoi(v->c_str()) : 0;
}

// The app.json inside the release's slug (an empty one when there is none).
AppJson ReleaseAppJson(const RunningRelease& release) {
  auto text = ReadFileInside(release.slug_layer + "/app", "app.json");
  if (!text.ok() || text->empty()) return {};
  auto parsed = ParseAppJson(*text);
  return parsed.ok() ? *parsed : AppJson{};
}

// $PORT of web processes: the container port of the app's first http(s)
// mapping, else 5000.
Result<int> WebPort(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto ports, ctx.store->GetPorts(app));
  for (const PortMapping& p : ports) {
    if (p.scheme == "http" || p.scheme == "https") return p.container_port;
  }
  return kDefaultPort;
}

// The quantity of each process type to run: the stored formation (web=1
// unless scaled), seeded from app.json's formation for an app never scaled.
Result<std::map<std::string, int>> Quantities(Context& ctx, const std::string& app,
                                              const DeployTarget& target, const AppJson& app_json) {
  BERTH_ASSIGN_OR_RETURN(auto formation, ctx.store->GetFormation(app));
  if (formation.empty() && !app_json.formation.empty()) {
    BERTH_RETURN_IF_ERROR(ctx.store->SetFormation(app, app_json.formation));
    formation = app_json.formation;
  }
  std::map<std::string, int> out;
  for (const auto& [type, command] : target.process_types) {
    if (type == "release") continue;
    auto it = formation.find(type);
    out[type] = it != formation.end() ? it->second : DefaultQuantity(type);
  }
  return out;
}

struct Started {
  std::string id;
  std::string type;
  std::string address;  // bridge IP; 127.0.0.1 in host networking
  std::string check_output;  // what its failed checks printed, for logs:failed
  std::chrono::steady_clock::time_point started_at;
};

Result<Started> StartProcess(Context& ctx, const std::string& app, const DeployTarget& target,
                             const std::string& type, int instance, int generation, int port) {
  std::vector<std::string> env = {"PORT=" + std::to_string(port)};
  BERTH_ASSIGN_OR_RETURN(AppContainer c,
                         BuildReleaseContainer(ctx, app, &target.release, LaunchMode::kShell, type,
                                               instance, {target.process_types.at(type)}, env));
  c.spec.id += "." + std::to_string(generation);
  c.spec.cgroup_path = "/berth/" + c.spec.id;
  DetachedOptions options;
  BERTH_ASSIGN_OR_RETURN(auto policy, ctx.store->GetProperty("ps", Scope::App(app), "restart-policy"));
  if (policy) options.restart_policy = *policy;
  BERTH_ASSIGN_OR_RETURN(options.stop_timeout, AppStopTimeout(ctx, app));
  ContainerRecord record{c.spec.id, app, type, instance, "running", SavedContainerJson(c, options), 0};
  BERTH_RETURN_IF_ERROR(ctx.store->AddContainer(record));
  Status started = StartAppContainer(ctx, c, options, /*again=*/false);
  if (!started.ok()) {
    (void)ctx.store->RemoveContainer(record.id);
    return started;
  }
  std::string address = c.spec.env.contains("BERTH_CONTAINER_IP") ? c.spec.env["BERTH_CONTAINER_IP"]
                                                                   : "127.0.0.1";
  return Started{c.spec.id, type, address, "", std::chrono::steady_clock::now()};
}

// After a failed deploy (`why`): keeps the new containers' output for
// logs:failed, then removes them.
void RemoveContainers(Context& ctx, const std::string& app, const std::vector<Started>& started,
                      const Status& why) {
  std::vector<FailedContainer> failed;
  for (const Started& s : started) failed.push_back({s.id, s.check_output});
  SaveFailedDeploy(ctx, app, failed, why.message());
  for (const Started& s : started) {
    (void)ctx.runtime.Remove(s.id);
    DetachNetwork(ctx, s.id);
    (void)ctx.store->RemoveContainer(s.id);
  }
}

// The checker's view of berth's containers.
class RuntimeCheckEnvironment : public CheckEnvironment {
 public:
  explicit RuntimeCheckEnvironment(ContainerRuntime& runtime) : runtime_(runtime) {}
  bool ContainerRunning(const std::string& id) override {
    auto state = runtime_.Inspect(id);
    return state.ok() && state->status == "running";
  }
  Result<int> Exec(const std::string& id, const std::vector<std::string>& argv,
                   std::string* output) override {
    if (output != nullptr) output->clear();
    return runtime_.Exec(id, argv, /*tty=*/false);
  }
  void Sleep(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
  std::chrono::steady_clock::time_point Now() override { return std::chrono::steady_clock::now(); }

 private:
  ContainerRuntime& runtime_;
};

// Checks one new container: app.json's checks for its type, or the default
// (web: accepts connections on $PORT and stays up; others: stays up).
Status CheckContainer(Context& ctx, const std::string& app, Started& s, int port,
                      const AppJson& app_json, const std::string& host) {
  BERTH_ASSIGN_OR_RETURN(AppCheckPolicy policy, LoadCheckPolicy(*ctx.store, app, s.type));
  if (policy.disabled || policy.skipped) {
    ctx.out.Detail("Checks of " + s.type + " are " + (policy.disabled ? "disabled" : "skipped"));
    return Status::Ok();
  }
  RuntimeCheckEnvironment env(ctx.runtime);
  std::vector<Healthcheck> checks;
  if (auto it = app_json.healthchecks.find(s.type); it != app_json.healthchecks.end()) checks = it->second;
  if (s.type != "web" && checks.empty()) {
    // No port to connect to: the process must stay up for the wait.
    auto until = s.started_at + policy.settings.default_wait;
    while (env.Now() < until) {
      if (!env.ContainerRunning(s.id)) {
        return FailedPrecondition(s.id + " exited during its first " +
                                  std::to_string(policy.settings.default_wait.count() / 1000) +
                                  " s; see `berth logs " + app + " -p " + s.type + "`");
      }
      env.Sleep(std::chrono::milliseconds(100));
    }
    return Status::Ok();
  }
  CheckTarget target{s.id, s.address, port, host, s.started_at};
  ctx.out.Detail("Checking " + s.id + " at " + s.address + ":" + std::to_string(port));
  CheckOutcome outcome = RunHealthChecks(env, target, checks, policy.settings);
  if (!outcome.log.empty()) ctx.out.Raw(outcome.log + (outcome.log.back() == '\n' ? "" : "\n"));
  if (!outcome.passed) {
    s.check_output = outcome.log;
    std::string why = "The checks of " + s.id + " failed; the running release is unchanged";
    // A container that is not running says why in its log's last lines (the
    // OCI runtime's error when it could not start it).
    if (!env.ContainerRunning(s.id)) {
      auto tail = ctx.runtime.Logs(s.id, 5);
      if (tail.ok() && !tail->empty()) why += ". Its last output:\n" + JoinStrings(*tail, "\n");
    }
    return FailedPrecondition(why);
  }
  return Status::Ok();
}

// The app's first domain, for the Host header of HTTP checks.
std::string FirstDomain(Context& ctx, const std::string& app) {
  auto domains = ctx.store->GetDomains(Scope::App(app));
  if (domains.ok() && !domains->empty()) return domains->front();
  auto global = ctx.store->GetDomains(Scope::Global());
  if (global.ok() && !global->empty()) return app + "." + global->front();
  return "";
}

Status SwitchTraffic(Context& ctx, const std::string& app, const std::vector<std::string>& web_ips) {
  BERTH_RETURN_IF_ERROR(
      ctx.store->SetProperty(kSchedulerPlugin, Scope::App(app), "web-upstreams", JoinStrings(web_ips, ",")));
  return RebuildProxy(ctx);
}

// Detached: `berth ps:retire-old APP GENERATION SECONDS` sleeps, then retires.
void ScheduleRetirement(Context& ctx, const std::string& app, int keep, std::chrono::seconds after) {
  if (after.count() <= 0) {
    Status s = RetireOldGenerations(ctx, app, keep);
    if (!s.ok()) ctx.out.Warn("Retiring old containers: " + s.message());
    return;
  }
  ProcessSpec spec;
  spec.argv = {ctx.env.berth_bin, "--root", ctx.env.root, "ps:retire-old", app,
               std::to_string(keep), std::to_string(after.count())};
  auto r = ctx.runner.Run(spec);
  if (!r.ok() || !r->ok()) {
    ctx.out.Warn("Could not schedule the retirement of old containers; run `berth ps:retire` later");
    return;
  }
  ctx.out.Detail("Old containers are retired in " + std::to_string(after.count()) + " s");
}

Status StartAll(Context& ctx, const std::string& app, const DeployTarget& target,
                const std::map<std::string, int>& quantities, int generation, int port,
                std::vector<Started>& started) {
  for (const auto& [type, qty] : quantities) {
    for (int n = 1; n <= qty; ++n) {
      ctx.out.Detail("Starting " + type + "." + std::to_string(n));
      BERTH_ASSIGN_OR_RETURN(Started s, StartProcess(ctx, app, target, type, n, generation,
                                                     type == "web" ? port : kDefaultPort));
      started.push_back(s);
    }
  }
  return Status::Ok();
}

}  // namespace

Status DeployProcesses(Context& ctx, const std::string& app, const DeployTarget& target) {
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPreDeploy, {app, target.label}, app, ""}));
  AppJson app_json = ReleaseAppJson(target.release);
  BERTH_ASSIGN_OR_RETURN(auto quantities, Quantities(ctx, app, target, app_json));
  BERTH_ASSIGN_OR_RETURN(int port, WebPort(ctx, app));
  if (!app_json.predeploy.empty()) {
    BERTH_RETURN_IF_ERROR(RunOneOffCommand(ctx, app, target.release, "predeploy", app_json.predeploy));
  }
  BERTH_ASSIGN_OR_RETURN(int previous, Property(ctx, app, "generation"));
  BERTH_ASSIGN_OR_RETURN(int last, Property(ctx, app, "last-generation"));
  int generation = std::max(previous, last) + 1;
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kSchedulerPlugin, Scope::App(app), "last-generation",
                                               std::to_string(generation)));
  ctx.out.Step("Deploying " + app + " " + target.label);
  std::vector<Started> started;
  Status ok = StartAll(ctx, app, target, quantities, generation, port, started);
  std::vector<std::string> web_ips;
  for (const Started& s : started) {
    if (s.type == "web") web_ips.push_back(s.address);
  }
  // While the containers boot (the default check waits for them anyway).
  if (ok.ok()) PrevalidateProxySwitch(ctx, app, web_ips);
  std::string host = FirstDomain(ctx, app);
  for (size_t i = 0; ok.ok() && i < started.size(); ++i) {
    ok = CheckContainer(ctx, app, started[i], port, app_json, host);
  }
  if (ok.ok()) ok = ctx.plugins.Fire({triggers::kCheckDeploy, {app, target.label}, app, ""});
  BERTH_ASSIGN_OR_RETURN(auto previous_ips,
                         ctx.store->GetProperty(kSchedulerPlugin, Scope::App(app), "web-upstreams"));
  if (ok.ok()) ok = SwitchTraffic(ctx, app, web_ips);
  if (!ok.ok()) {
    RemoveContainers(ctx, app, started, ok);
    (void)ctx.store->SetProperty(kSchedulerPlugin, Scope::App(app), "web-upstreams",
                                 previous_ips.value_or(""));
    (void)RebuildProxy(ctx);
    return ok;
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kSchedulerPlugin, Scope::App(app), "generation",
                                               std::to_string(generation)));
  // The old containers must not come back after a reboot; they keep serving
  // the requests they hold until they are retired.
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(app));
  for (const ContainerRecord& r : records) {
    int g = GenerationOf(r.id);
    if (g != 0 && g < generation) (void)ctx.store->SetContainerDesired(r.id, "stopped");
  }
  BERTH_ASSIGN_OR_RETURN(AppCheckPolicy policy, LoadCheckPolicy(*ctx.store, app, "web"));
  if (previous != 0 && policy.wait_to_retire.count() <= 0 && ServesThroughServiceAddresses(ctx, app)) {
    // Retired at once: first the proxy's pooled connections move over.
    std::this_thread::sleep_for(kServiceDrain);
  }
  ScheduleRetirement(ctx, app, generation, previous == 0 ? std::chrono::seconds(0) : policy.wait_to_retire);
  if (!app_json.postdeploy.empty()) {
    BERTH_RETURN_IF_ERROR(RunOneOffCommand(ctx, app, target.release, "postdeploy", app_json.postdeploy));
  }
  return ctx.plugins.Fire(
      {triggers::kPostDeploy, {app, target.label, target.release.git_rev}, app, ""});
}

Status RedeployWithNewRelease(Context& ctx, const std::string& app, const std::string& description) {
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (releases.empty()) return Status::Ok();
  ReleaseRecord next = releases.front();
  next.description = description;
  DeployTarget target{{next.version, SlugLayerDir(ctx.env.root, next.slug_digest), next.git_rev},
                      next.process_types, "v" + std::to_string(next.version + 1)};
  BERTH_RETURN_IF_ERROR(DeployProcesses(ctx, app, target));
  BERTH_ASSIGN_OR_RETURN(next.config, ctx.store->GetEnv(Scope::App(app)));
  next.created_at = 0;
  BERTH_ASSIGN_OR_RETURN(int version, ctx.store->AddRelease(app, next));
  ctx.out.Step("Release v" + std::to_string(version) + " created: " + description);
  return ctx.plugins.Fire({triggers::kPostRelease, {app, "v" + std::to_string(version)}, app, ""});
}

Status ApplyFormation(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(DeployTarget target, CurrentTarget(ctx, app));
  BERTH_ASSIGN_OR_RETURN(int generation, Property(ctx, app, "generation"));
  if (generation == 0) return DeployProcesses(ctx, app, target);
  AppJson app_json = ReleaseAppJson(target.release);
  BERTH_ASSIGN_OR_RETURN(auto quantities, Quantities(ctx, app, target, app_json));
  BERTH_ASSIGN_OR_RETURN(int port, WebPort(ctx, app));
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(app));
  std::map<std::string, std::vector<ContainerRecord>> running;  // of the current generation
  for (const ContainerRecord& r : records) {
    if (GenerationOf(r.id) == generation) running[r.process_type].push_back(r);
  }
  std::vector<ContainerRecord> extra;
  for (const auto& [type, qty] : quantities) {
    for (const auto& r : running[type]) {
      if (r.instance > qty) extra.push_back(r);
    }
  }
  // Removing containers is a stop, which a plugin may veto before anything changes.
  if (!extra.empty()) BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPreStop, {app}, app, ""}));
  std::vector<Started> added;
  for (const auto& [type, qty] : quantities) {
    std::vector<int> instances;
    for (const auto& r : running[type]) instances.push_back(r.instance);
    for (int n = 1; n <= qty; ++n) {
      if (std::find(instances.begin(), instances.end(), n) != instances.end()) continue;
      ctx.out.Detail("Starting " + type + "." + std::to_string(n));
      auto s = StartProcess(ctx, app, target, type, n, generation, type == "web" ? port : kDefaultPort);
      if (!s.ok()) {
        RemoveContainers(ctx, app, added, s.status());
        return s.status();
      }
      added.push_back(*s);
    }
  }
  std::string host = FirstDomain(ctx, app);
  for (Started& s : added) {
    Status checked = CheckContainer(ctx, app, s, port, app_json, host);
    if (!checked.ok()) {
      RemoveContainers(ctx, app, added, checked);
      return checked;
    }
  }
  // Web upstreams: the current generation's web containers that stay.
  std::vector<std::string> web_ips;
  BERTH_ASSIGN_OR_RETURN(auto addresses, ctx.store->ListAddresses(""));
  for (const auto& r : running["web"]) {
    if (r.instance > quantities["web"]) continue;
    for (const AddressRecord& a : addresses) {
      if (a.container_id == r.id) web_ips.push_back(a.address);
    }
  }
  for (const Started& s : added) {
    if (s.type == "web") web_ips.push_back(s.address);
  }
  BERTH_ASSIGN_OR_RETURN(auto previous_ips,
                         ctx.store->GetProperty(kSchedulerPlugin, Scope::App(app), kWebUpstreamsKey));
  if (Status switched = SwitchTraffic(ctx, app, web_ips); !switched.ok()) {
    // The proxy refused (or could not load) the new slots: back to the
    // upstreams it serves, without the containers started for them.
    (void)ctx.store->SetProperty(kSchedulerPlugin, Scope::App(app), kWebUpstreamsKey,
                                 previous_ips.value_or(""));
    (void)RebuildProxy(ctx);
    RemoveContainers(ctx, app, added, switched);
    return switched;
  }
  BERTH_ASSIGN_OR_RETURN(std::chrono::seconds stop_timeout, AppStopTimeout(ctx, app));
  for (const ContainerRecord& r : extra) {
    ctx.out.Detail("Stopping " + r.process_type + "." + std::to_string(r.instance));
    BERTH_RETURN_IF_ERROR(RetireContainer(ctx, r.id, stop_timeout));
  }
  if (!extra.empty()) BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostStop, {app}, app, ""}));
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostScale, {app}, app, ""}));
  return Status::Ok();
}

}  // namespace berth
