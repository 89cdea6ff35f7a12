#include "core/cli/app_container.h"

#include <nlohmann/json.hpp>
#include <random>

#include "core/base/files.h"
#include "core/cli/git_settings.h"
#include "core/runtime/name_resolution.h"
#include "core/runtime/network.h"
#include "core/runtime/resources.h"
#include "core/runtime/stacks.h"
#include "core/runtime/storage.h"

namespace berth {

Result<std::string> SelectedStack(Context& ctx, const std::string& app);  // stacks_commands.cc
// The app's network:set mode, else the global one, else `fallback`.
Result<NetworkMode> AppNetworkMode(Context& ctx, const std::string& app,
                                   NetworkMode fallback);  // network_commands.cc
Result<BridgeConfig> BridgeSettings(Context& ctx);                        // network_commands.cc
Result<std::map<std::string, std::string>> ProcessEnv(Context& ctx, const std::string& app,
                                                      const std::vector<std::string>& extra);

int NewRunInstance() {
  std::random_device random;
  return static_cast<int>(random() % 1000000);
}

std::string SlugLayerDir(const std::string& berth_root, const std::string& digest) {
  return berth_root + "/slugs/" + digest;
}

Result<std::optional<RunningRelease>> CurrentRelease(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (releases.empty()) return std::optional<RunningRelease>();
  const ReleaseRecord& newest = releases.front();
  return std::optional<RunningRelease>(
      RunningRelease{newest.version, SlugLayerDir(ctx.env.root, newest.slug_digest), newest.git_rev});
}

Result<AppContainer> BuildAppContainer(Context& ctx, const std::string& app,
                                       const std::string& process_type, int instance,
                                       const std::vector<std::string>& command,
                                       const std::vector<std::string>& extra_env) {
  BERTH_ASSIGN_OR_RETURN(auto release, CurrentRelease(ctx, app));
  return BuildReleaseContainer(ctx, app, release ? &*release : nullptr, LaunchMode::kExec,
                               process_type, instance, command, extra_env);
}

Result<AppContainer> BuildReleaseContainer(Context& ctx, const std::string& app,
                                           const RunningRelease* release, LaunchMode mode,
                                           const std::string& process_type, int instance,
                                           const std::vector<std::string>& command,
                                           const std::vector<std::string>& extra_env) {
  AppContainer c;
  c.extra_env = extra_env;
  c.command = command;
  c.mode = mode;
  BERTH_ASSIGN_OR_RETURN(std::string stack_name, SelectedStack(ctx, app));
  BERTH_ASSIGN_OR_RETURN(StackInfo stack, CurrentStack(ctx.env.root, stack_name));
  c.lower_dirs = {stack.rootfs};

  std::string dyno = process_type + "." + std::to_string(instance);
  ContainerSpec& spec = c.spec;
  spec.id = app + "." + dyno;
  spec.hostname = spec.id;
  spec.args = command;
  BERTH_ASSIGN_OR_RETURN(spec.env, ProcessEnv(ctx, app, extra_env));
  spec.env["DYNO"] = dyno;
  spec.cwd = "/app";
  spec.cgroup_path = "/berth/" + spec.id;
  BERTH_ASSIGN_OR_RETURN(auto resource, ctx.store->ListProperties(kResourcePlugin, Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(spec.limits, LimitsFor(resource, process_type));
  BERTH_ASSIGN_OR_RETURN(auto storage, ctx.store->ListProperties(kStoragePlugin, Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(spec.mounts, StorageMounts(storage, ctx.env.root));
  // Its own name resolves without DNS; other names with the host's resolver.
  spec.etc_hosts = EtcHostsText(spec.hostname, "");
  if (std::string resolv = HostResolvConf(); !resolv.empty()) {
    spec.mounts.push_back({resolv, "/etc/resolv.conf", true});
  }
  // The proxy must reach an app's processes: unless network:set chose a mode,
  // they join the bridge; one-off `run` containers stay isolated.
  NetworkMode fallback = process_type == "run" ? NetworkMode::kNone : NetworkMode::kBridge;
  BERTH_ASSIGN_OR_RETURN(spec.network, AppNetworkMode(ctx, app, fallback));
  if (release != nullptr) {
    if (!PathExists(release->slug_layer + "/app")) {
      return FailedPrecondition("The slug of " + app + "'s release v" +
                                std::to_string(release->version) +
                                " is missing; run `berth ps:rebuild " + app + "`");
    }
    c.lower_dirs.insert(c.lower_dirs.begin(), release->slug_layer);
    spec.mounts.push_back({ctx.env.share_dir + "/builder", "/.berth/builder", true});
    spec.args = {"/.berth/builder/launch", mode == LaunchMode::kExec ? "exec" : "shell"};
    spec.args.insert(spec.args.end(), command.begin(), command.end());
    BERTH_ASSIGN_OR_RETURN(GitSettings git, LoadGitSettings(ctx, app));
    spec.env.try_emplace(git.rev_env_var, release->git_rev);
  }
  return c;
}

Result<std::string> AttachNetwork(Context& ctx, ContainerSpec& spec, bool again) {
  if (spec.network != NetworkMode::kBridge) return std::string();
  BERTH_ASSIGN_OR_RETURN(BridgeConfig config, BridgeSettings(ctx));
  if (again) {
    // An address on another bridge (network:set changed it) is given up there.
    BERTH_ASSIGN_OR_RETURN(auto addresses, ctx.store->ListAddresses(""));
    for (const AddressRecord& a : addresses) {
      if (a.container_id == spec.id && a.network != config.bridge) DetachNetwork(ctx, spec.id);
    }
  }
  BridgeNetwork bridge(ctx.runner, *ctx.store, std::move(config));
  BERTH_ASSIGN_OR_RETURN(ContainerNetwork attached,
                         again ? bridge.Reattach(spec.id) : bridge.Attach(spec.id));
  spec.netns_path = attached.netns_path;
  spec.env["BERTH_CONTAINER_IP"] = attached.address;
  spec.etc_hosts = EtcHostsText(spec.hostname, attached.address);
  return attached.address;
}

void DetachNetwork(Context& ctx, const std::string& id) {
  auto addresses = ctx.store->ListAddresses("");
  auto config = BridgeSettings(ctx);
  if (!addresses.ok() || !config.ok()) return;
  // A namespace without an address is what a crash between the two leaves.
  bool held = PathExists("/run/netns/" + BridgeNetwork::NetnsName(id));
  for (const AddressRecord& a : *addresses) {
    if (a.container_id != id) continue;
    held = true;
    config->bridge = a.network;
  }
  if (held) BridgeNetwork(ctx.runner, *ctx.store, std::move(*config)).Detach(id);
}

Status StartAppContainer(Context& ctx, AppContainer& container, DetachedOptions options,
                         bool again) {
  ContainerSpec& spec = container.spec;
  BERTH_ASSIGN_OR_RETURN(std::string address, AttachNetwork(ctx, spec, again));
  if (!address.empty()) {
    // The namespace and veth go with the container; the address stays held
    // until ps:retire or a restart releases it.
    BERTH_ASSIGN_OR_RETURN(uint32_t numeric, ParseIpv4(address));
    options.on_exit = {{"ip", "netns", "del", BridgeNetwork::NetnsName(spec.id)},
                       {"ip", "link", "del", "dev", BridgeNetwork::HostVethName(numeric)}};
  }
  Status started = again ? ctx.runtime.Restart(spec, container.lower_dirs, options)
                         : ctx.runtime.StartDetached(spec, container.lower_dirs, options);
  if (!started.ok() && !address.empty()) DetachNetwork(ctx, spec.id);
  return started;
}

std::string SavedContainerJson(const AppContainer& container, const DetachedOptions& options) {
  nlohmann::json saved = {{"args", container.command},
                          {"env", container.extra_env},
                          {"launch", container.mode == LaunchMode::kShell ? "shell" : "exec"},
                          {"restart_policy", options.restart_policy},
                          {"stop_timeout_ms", options.stop_timeout.count()}};
  return saved.dump();
}

Result<AppContainer> RebuildAppContainer(Context& ctx, const ContainerRecord& record,
                                         DetachedOptions& options) {
  auto saved = nlohmann::json::parse(record.spec, nullptr, false);
  std::vector<std::string> args;
  std::vector<std::string> extra_env;
  if (saved.is_object() && saved.contains("args") && saved["args"].is_array()) {
    for (const auto& a : saved["args"]) {
      if (a.is_string()) args.push_back(a.get<std::string>());
    }
    if (saved.contains("env") && saved["env"].is_array()) {
      for (const auto& e : saved["env"]) {
        if (e.is_string()) extra_env.push_back(e.get<std::string>());
      }
    }
    options.restart_policy = saved.value("restart_policy", options.restart_policy);
    options.stop_timeout =
        std::chrono::milliseconds(saved.value("stop_timeout_ms", options.stop_timeout.count()));
  }
  if (args.empty()) {
    return FailedPrecondition("The record of " + record.id +
                              " does not say what it runs; remove it with ps:retire");
  }
  LaunchMode mode = saved.is_object() && saved.value("launch", "exec") == "shell" ? LaunchMode::kShell
                                                                                  : LaunchMode::kExec;
  BERTH_ASSIGN_OR_RETURN(auto release, CurrentRelease(ctx, record.app));
  BERTH_ASSIGN_OR_RETURN(AppContainer c,
                         BuildReleaseContainer(ctx, record.app, release ? &*release : nullptr, mode,
                                               record.process_type, record.instance, args, extra_env));
  c.spec.id = record.id;
  c.spec.cgroup_path = "/berth/" + record.id;
  return c;
}

}  // namespace berth
