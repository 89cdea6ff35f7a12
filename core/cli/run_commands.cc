// run — a one-off container for an app, attached to the caller's terminal.
// Until releases exist it runs on the app's stack alone.
#include <unistd.h>


#include "core/base/validate.h"
#include "core/cli/app_container.h"
#include "core/cli/containers_commands.h"
#include "core/cli/helpers.h"

namespace berth {

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
  if (!ctx.env.is_root) return PermissionDenied("run needs root (containers are mounted and started by root)");
  int n = NewRunInstance();
  BERTH_ASSIGN_OR_RETURN(AppContainer container,
                         BuildAppContainer(ctx, app, "run", n, command, args.Values("env")));
  ContainerSpec& spec = container.spec;
  spec.terminal = ctx.env.stdin_is_tty && ::isatty(1) == 1;
  BERTH_ASSIGN_OR_RETURN(std::string address, AttachNetwork(ctx, spec, /*again=*/false));

  ctx.out.Flush();
  auto code = ctx.runtime.RunAttached(spec, container.lower_dirs);
  if (!address.empty()) DetachNetwork(ctx, spec.id);
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
