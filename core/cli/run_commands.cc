// run — a one-off container for an app, attached to the caller's terminal.
// Until releases exist it runs on the app's stack alone.
#include <unistd.h>

#include <random>

#include "core/base/validate.h"
#include "core/cli/containers_commands.h"
#include "core/cli/helpers.h"
#include "core/runtime/network.h"
#include "core/runtime/oci_runtime.h"
#include "core/runtime/resources.h"
#include "core/runtime/stacks.h"
#include "core/runtime/storage.h"

namespace berth {

Result<std::string> SelectedStack(Context& ctx, const std::string& app);  // stacks_commands.cc
Result<NetworkMode> AppNetworkMode(Context& ctx, const std::string& app);  // network_commands.cc
Result<BridgeConfig> BridgeSettings(Context& ctx);                        // network_commands.cc

// The environment of an app's process: global vars, the app's over them, then
// the per-run --env pairs, then what berth itself sets. Also used by run:detached.
Result<std::map<std::string, std::string>> ProcessEnv(Context& ctx, const std::string& app,
                                                      const std::vector<std::string>& extra) {
  BERTH_ASSIGN_OR_RETURN(EnvMap env, ctx.store->GetEnv(Scope::Global()));
  BERTH_ASSIGN_OR_RETURN(EnvMap mine, ctx.store->GetEnv(Scope::App(app)));
  for (auto& [k, v] : mine) env[k] = v;
  for (const std::string& pair : extra) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument("--env takes KEY=VALUE");
    std::string key = pair.substr(0, eq);
    BERTH_RETURN_IF_ERROR(ValidateEnvKey(key));
    env[key] = pair.substr(eq + 1);
  }
  env["HOME"] = "/app";
  env.try_emplace("PATH", "/app/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
  return env;
}

namespace {

Status Run(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::vector<std::string> command(args.positional.begin() + 1, args.positional.end());
  if (command.empty()) return InvalidArgument("Usage: berth run APP [--env KEY=VALUE]... COMMAND...");
  if (::geteuid() != 0) return PermissionDenied("run needs root (containers are mounted and started by root)");
  auto extra = args.repeated.find("env");
  BERTH_ASSIGN_OR_RETURN(auto env, ProcessEnv(ctx, app, extra == args.repeated.end()
                                                              ? std::vector<std::string>{}
                                                              : extra->second));
  BERTH_ASSIGN_OR_RETURN(std::string stack_name, SelectedStack(ctx, app));
  BERTH_ASSIGN_OR_RETURN(StackInfo stack, CurrentStack(ctx.env.root, stack_name));

  std::random_device random;
  std::string n = std::to_string(random() % 1000000);
  ContainerSpec spec;
  spec.id = app + ".run." + n;
  spec.hostname = spec.id;
  spec.args = command;
  spec.env = env;
  spec.env["DYNO"] = "run." + n;
  spec.cwd = "/app";
  spec.terminal = ctx.env.stdin_is_tty && ::isatty(1) == 1;
  spec.cgroup_path = "/berth/" + spec.id;
  BERTH_ASSIGN_OR_RETURN(auto resource, ctx.store->ListProperties(kResourcePlugin, Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(spec.limits, LimitsFor(resource, "run"));
  BERTH_ASSIGN_OR_RETURN(auto storage, ctx.store->ListProperties(kStoragePlugin, Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(spec.mounts, StorageMounts(storage, ctx.env.root));
  BERTH_ASSIGN_OR_RETURN(spec.network, AppNetworkMode(ctx, app));
  std::optional<BridgeNetwork> bridge;
  if (spec.network == NetworkMode::kBridge) {
    BERTH_ASSIGN_OR_RETURN(BridgeConfig config, BridgeSettings(ctx));
    bridge.emplace(ctx.runner, *ctx.store, std::move(config));
    BERTH_ASSIGN_OR_RETURN(ContainerNetwork attached, bridge->Attach(spec.id));
    spec.netns_path = attached.netns_path;
    spec.env["BERTH_CONTAINER_IP"] = attached.address;
  }

  ctx.out.Flush();
  OciRuntime runtime(ctx.runner,
                     {ctx.env.root, SelectOciRuntime(), ShimBesideBerth(ctx.env.berth_bin)});
  auto code = runtime.RunAttached(spec, {stack.rootfs});
  if (bridge) bridge->Detach(spec.id);
  if (!code.ok()) return code.status();
  return Status::ExitedWith(*code);
}

}  // namespace

void RegisterRunCommands(CommandRegistry& registry) {
  registry.Add({"run", "Run one-off commands in an app's container", {
      {.name = "run", .usage = "run APP [--env KEY=VALUE]... COMMAND...",
       .summary = "Run a command in a new one-off container, attached", .handler = Run,
       .flags = {{"env", true}}, .redact_values = true, .rest_is_command = true},
      {.name = "run:detached",
       .usage = "run:detached APP [--env KEY=VALUE]... [--restart POLICY] [--stop-timeout SECONDS] "
                "COMMAND...",
       .summary = "Run a command in a new container kept by its own berth-shim; prints its id",
       .handler = RunDetached,
       .flags = {{"env", true}, {"restart", true}, {"stop-timeout", true}},
       .redact_values = true, .rest_is_command = true},
      {.name = "run:list", .usage = "run:list APP",
       .summary = "List an app's run:detached containers and their state", .handler = RunList},
      {.name = "run:stop", .usage = "run:stop APP --container ID [--stop-timeout SECONDS]",
       .summary = "Stop one detached container (SIGTERM, then SIGKILL after the stop timeout)",
       .handler = RunStop, .flags = {{"container", true}, {"stop-timeout", true}}},
  }});
}

}  // namespace berth
