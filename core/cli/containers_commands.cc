// Detached containers: run:detached starts one under its own berth-shim;
// run:list, run:stop, ps:stop and ps:retire manage them (logs: logs_commands.cc).
#include "core/cli/containers_commands.h"

#include <string.h>

#include "core/base/strings.h"
#include "core/base/validate.h"
#include "core/cli/app_container.h"
#include "core/cli/helpers.h"
#include "core/cli/scheduler.h"
#include "core/cli/service_addresses.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {

namespace {

Status NeedRoot(Context& ctx) {
  if (!ctx.env.is_root) {
    return PermissionDenied("containers are mounted and started by root; run berth as root");
  }
  return Status::Ok();
}

// The app's stop timeout (ps property stop-timeout-seconds, default 30 s).
Result<std::chrono::milliseconds> StopTimeout(Context& ctx, const std::string& app,
                                              const Args& args) {
  std::string text = args.Flag("stop-timeout");
  if (text.empty()) {
    BERTH_ASSIGN_OR_RETURN(auto stored,
                           ctx.store->GetProperty("ps", Scope::App(app), "stop-timeout-seconds"));
    text = stored.value_or("30");
  }
  bool digits = text.find_first_not_of("0123456789") == std::string::npos;
  if (text.empty() || text.size() > 6 || !digits) {
    return InvalidArgument("The stop timeout is a whole number of seconds, not '" + text + "'");
  }
  return std::chrono::milliseconds(std::stoll(text) * 1000);
}

// How the last run ended: "137, out of memory", "143, SIGTERM", "1".
std::string ExitSummary(const ContainerState& state) {
  int code = state.exit_code.value_or(-1);
  std::string text = std::to_string(code);
  if (state.reason == "oom") return text + ", out of memory";
  const char* signal = state.reason == "signal" ? ::sigabbrev_np(code - 128) : nullptr;
  return signal == nullptr ? text : text + ", SIG" + signal;
}

// Stops with --stop-timeout if given, else with the timeout it was started with.
Status StopOne(Context& ctx, ContainerRuntime& runtime, const std::string& app,
               const std::string& id, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(auto timeout, StopTimeout(ctx, app, args));
  if (!args.Has("stop-timeout")) {
    auto state = runtime.Inspect(id);
    if (state.ok()) timeout = state->stop_timeout;
  }
  auto desired = ctx.store->SetContainerDesired(id, "stopped");
  if (!desired.ok() && desired.code() != StatusCode::kNotFound) return desired;
  ctx.out.Detail("Stopping " + id);
  return runtime.Stop(id, timeout);
}

}  // namespace

// The app's containers: those the runtime has (ids are APP.TYPE.N).
Result<std::vector<std::string>> AppContainers(ContainerRuntime& runtime, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto ids, runtime.List());
  std::vector<std::string> mine;
  for (const std::string& id : ids) {
    if (id.starts_with(app + ".")) mine.push_back(id);
  }
  return mine;
}

Status RunDetached(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::vector<std::string> command(args.positional.begin() + 1, args.positional.end());
  if (command.empty()) {
    return InvalidArgument("Usage: berth run:detached APP [--env KEY=VALUE]... COMMAND...");
  }
  BERTH_RETURN_IF_ERROR(NeedRoot(ctx));
  DetachedOptions options;
  BERTH_ASSIGN_OR_RETURN(auto stored_policy,
                         ctx.store->GetProperty("ps", Scope::App(app), "restart-policy"));
  options.restart_policy = args.Flag("restart", stored_policy.value_or(options.restart_policy));
  BERTH_RETURN_IF_ERROR(ValidateRestartPolicy(options.restart_policy));
  BERTH_ASSIGN_OR_RETURN(options.stop_timeout, StopTimeout(ctx, app, args));
  int n = NewRunInstance();
  BERTH_ASSIGN_OR_RETURN(AppContainer container,
                         BuildAppContainer(ctx, app, "run", n, command, args.Values("env")));
  const ContainerSpec& spec = container.spec;
  BERTH_RETURN_IF_ERROR(ctx.store->AddContainer({.id = spec.id, .app = app, .process_type = "run",
                                                 .instance = n,
                                                 .spec = SavedContainerJson(container, options)}));
  Status started = StartAppContainer(ctx, container, options, /*again=*/false);
  if (!started.ok()) {
    (void)ctx.store->RemoveContainer(spec.id);
    return started;
  }
  ctx.out.Line(spec.id);
  return Status::Ok();
}

Status RunList(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  ContainerRuntime& runtime = ctx.runtime;
  BERTH_ASSIGN_OR_RETURN(auto ids, AppContainers(runtime, app));
  ctx.out.Header(app + " run containers");
  for (const std::string& id : ids) {
    auto state = runtime.Inspect(id);
    if (!state.ok()) continue;
    std::string line = id + "  " + state->status;
    bool ended = state->status == "exited" || state->status == "stopped" ||
                 state->status == "restarting";
    if (ended && state->exit_code) line += " (" + ExitSummary(*state) + ")";
    ctx.out.Line(line + "  restarts=" + std::to_string(state->restarts));
  }
  return Status::Ok();
}

Status RunStop(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::string id = args.Flag("container");
  if (id.empty() || !id.starts_with(app + ".")) {
    return InvalidArgument("Usage: berth run:stop APP --container ID (an id from run:list APP)");
  }
  BERTH_RETURN_IF_ERROR(NeedRoot(ctx));
  ContainerRuntime& runtime = ctx.runtime;
  BERTH_RETURN_IF_ERROR(runtime.Inspect(id).status());
  return StopOne(ctx, runtime, app, id, args);
}

Status StopApp(Context& ctx, const std::string& app, const Args& args) {
  ContainerRuntime& runtime = ctx.runtime;
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPreStop, {app}, app, ""}));
  ctx.out.Step("Stopping " + app);
  BERTH_ASSIGN_OR_RETURN(auto ids, AppContainers(runtime, app));
  for (const std::string& id : ids) {
    auto state = runtime.Inspect(id);
    if (state.ok() && !state->shim_alive) continue;
    BERTH_RETURN_IF_ERROR(StopOne(ctx, runtime, app, id, args));
  }
  return ctx.plugins.Fire({triggers::kPostStop, {app}, app, ""});
}

// ps:stop --all goes on past an app that a plugin vetoes or that fails to stop,
// and says at the end which apps still run.
Status PsStop(Context& ctx, const Args& args) {
  if (!args.Has("all")) {
    BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
    BERTH_RETURN_IF_ERROR(NeedRoot(ctx));
    return StopApp(ctx, app, args);
  }
  BERTH_ASSIGN_OR_RETURN(auto all, ctx.store->ListApps());
  BERTH_RETURN_IF_ERROR(NeedRoot(ctx));
  std::vector<std::string> failed;
  Status first = Status::Ok();
  for (const auto& a : all) {
    Status s = StopApp(ctx, a.name, args);
    if (s.ok()) continue;
    ctx.out.Warn("Not stopped: " + a.name + ": " + s.message());
    if (first.ok()) first = s;
    failed.push_back(a.name);
  }
  if (failed.empty()) return Status::Ok();
  return Status(first.code(), std::to_string(failed.size()) + " of " + std::to_string(all.size()) +
                                  " apps were not stopped: " + JoinStrings(failed, ", "));
}

std::vector<std::string> RemoveStaleNetworks(Context& ctx);  // network_commands.cc

Status PsRetire(Context& ctx, const Args&) {
  BERTH_RETURN_IF_ERROR(NeedRoot(ctx));
  ContainerRuntime& runtime = ctx.runtime;
  BERTH_ASSIGN_OR_RETURN(auto ids, runtime.List());
  ctx.out.Step("Retiring containers whose shim and owner are gone");
  int retired = 0;
  for (const std::string& id : ids) {
    auto state = runtime.Inspect(id);
    if (state.ok() && !state->shim_alive && state->owner_alive) {
      ctx.out.Detail("Kept " + id + ": berth process " + std::to_string(state->owner_pid) +
                     " runs it");
    }
    if (state.ok() && state->InUse()) continue;
    BERTH_RETURN_IF_ERROR(runtime.Remove(id));
    DetachNetwork(ctx, id);
    BERTH_RETURN_IF_ERROR(ctx.store->RemoveContainer(id));
    ctx.out.Detail("Removed " + id);
    ++retired;
  }
  // What deploys that were killed half-way left: their containers, build
  // records and workspaces.
  BERTH_ASSIGN_OR_RETURN(auto cleaned, CleanUpInterruptedDeploys(ctx));
  for (const std::string& line : cleaned) ctx.out.Detail(line);
  // Records of containers that are gone altogether.
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(""));
  for (const ContainerRecord& record : records) {
    if (runtime.Inspect(record.id).ok()) continue;
    BERTH_RETURN_IF_ERROR(ctx.store->RemoveContainer(record.id));
    ctx.out.Detail("Forgot " + record.id);
    ++retired;
  }
  // Addresses (and namespaces) of containers that no longer exist.
  BERTH_ASSIGN_OR_RETURN(auto addresses, ctx.store->ListAddresses(""));
  for (const AddressRecord& address : addresses) {
    // A service address is the proxy's (RebuildProxy lets it go with its slot).
    if (IsServiceAddressHolder(address.container_id)) continue;
    if (runtime.Inspect(address.container_id).ok()) continue;
    DetachNetwork(ctx, address.container_id);
    ctx.out.Detail("Released " + address.address + " of " + address.container_id);
  }
  // Namespaces and veths without an address (a crash inside Attach or Detach).
  for (const std::string& name : RemoveStaleNetworks(ctx)) ctx.out.Detail("Removed " + name);
  ctx.out.Detail(std::to_string(retired) + " retired");
  return Status::Ok();
}

}  // namespace berth
