// Detached containers: run:detached starts one under its own berth-shim;
// run:list, run:stop, ps:stop and ps:retire manage them; logs reads their output.
#include "core/cli/containers_commands.h"

#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/cli/helpers.h"
#include "core/runtime/oci_runtime.h"
#include "core/runtime/stacks.h"

namespace berth {

Result<std::string> SelectedStack(Context& ctx, const std::string& app);  // stacks_commands.cc
Result<std::map<std::string, std::string>> ProcessEnv(Context& ctx, const std::string& app,
                                                      const std::vector<std::string>& extra);

namespace {

ContainerRuntime* g_test_runtime = nullptr;

// Borrows the runtime a test installed without owning it.
class Borrowed : public ContainerRuntime {
 public:
  explicit Borrowed(ContainerRuntime& r) : r_(r) {}
  Result<int> RunAttached(const ContainerSpec& s, const std::vector<std::string>& l) override {
    return r_.RunAttached(s, l);
  }
  Status StartDetached(const ContainerSpec& s, const std::vector<std::string>& l,
                       const DetachedOptions& o) override {
    return r_.StartDetached(s, l, o);
  }
  Status Stop(const std::string& id, std::chrono::milliseconds t) override {
    return r_.Stop(id, t);
  }
  Status Kill(const std::string& id, int sig) override { return r_.Kill(id, sig); }
  Status Remove(const std::string& id) override { return r_.Remove(id); }
  Result<ContainerState> Inspect(const std::string& id) override { return r_.Inspect(id); }
  Result<std::vector<std::string>> List() override { return r_.List(); }
  Result<std::vector<std::string>> Logs(const std::string& id, size_t tail) override {
    return r_.Logs(id, tail);
  }
  Result<std::vector<std::string>> LogsAfter(const std::string& id, uint64_t& offset) override {
    return r_.LogsAfter(id, offset);
  }

 private:
  ContainerRuntime& r_;
};

Status NeedRoot() {
  if (g_test_runtime == nullptr && ::geteuid() != 0) {
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

Status ValidRestartPolicy(const std::string& p) {
  bool ok = p == "no" || p == "always" || p == "on-failure";
  if (p.starts_with("on-failure:") && p.size() > 11 && p.size() < 16) {
    ok = p.find_first_not_of("0123456789", 11) == std::string::npos;
  }
  if (!ok) {
    return InvalidArgument("Invalid restart policy '" + p + "': use no, always or on-failure[:N]");
  }
  return Status::Ok();
}

// The app's containers: those the runtime has (ids are APP.TYPE.N).
Result<std::vector<std::string>> AppContainers(ContainerRuntime& runtime, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto ids, runtime.List());
  std::vector<std::string> mine;
  for (const std::string& id : ids) {
    if (id.starts_with(app + ".")) mine.push_back(id);
  }
  return mine;
}

// "TIMESTAMP STREAM TEXT" from the shim's log as Dokku prints it:
// "TIMESTAMP APP[TYPE.N]: TEXT". The shim's own notes are left out.
std::optional<std::string> LogLine(const std::string& app, const std::string& id,
                                   const std::string& raw) {
  size_t sp1 = raw.find(' ');
  size_t sp2 = sp1 == std::string::npos ? sp1 : raw.find(' ', sp1 + 1);
  if (sp2 == std::string::npos) return std::nullopt;
  std::string stream = raw.substr(sp1 + 1, sp2 - sp1 - 1);
  if (stream != "stdout" && stream != "stderr") return std::nullopt;
  return raw.substr(0, sp1) + " " + app + "[" + id.substr(app.size() + 1) + "]: " +
         raw.substr(sp2 + 1);
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

std::unique_ptr<ContainerRuntime> DetachedRuntime(Context& ctx) {
  if (g_test_runtime != nullptr) return std::make_unique<Borrowed>(*g_test_runtime);
  return std::make_unique<OciRuntime>(
      ctx.runner, OciRuntimeOptions{ctx.env.root, SelectOciRuntime(),
                                    ShimBesideBerth(ctx.env.berth_bin)});
}

void SetContainerRuntimeForTesting(ContainerRuntime* runtime) { g_test_runtime = runtime; }

Status RunDetached(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::vector<std::string> command(args.positional.begin() + 1, args.positional.end());
  if (command.empty()) {
    return InvalidArgument("Usage: berth run:detached APP [--env KEY=VALUE]... COMMAND...");
  }
  BERTH_RETURN_IF_ERROR(NeedRoot());
  DetachedOptions options;
  BERTH_ASSIGN_OR_RETURN(auto stored_policy,
                         ctx.store->GetProperty("ps", Scope::App(app), "restart-policy"));
  options.restart_policy = args.Flag("restart", stored_policy.value_or(options.restart_policy));
  BERTH_RETURN_IF_ERROR(ValidRestartPolicy(options.restart_policy));
  BERTH_ASSIGN_OR_RETURN(options.stop_timeout, StopTimeout(ctx, app, args));
  auto extra = args.repeated.find("env");
  BERTH_ASSIGN_OR_RETURN(auto env, ProcessEnv(ctx, app, extra == args.repeated.end()
                                                              ? std::vector<std::string>{}
                                                              : extra->second));
  BERTH_ASSIGN_OR_RETURN(std::string stack_name, SelectedStack(ctx, app));
  BERTH_ASSIGN_OR_RETURN(StackInfo stack, CurrentStack(ctx.env.root, stack_name));

  std::random_device random;
  int n = static_cast<int>(random() % 1000000);
  ContainerSpec spec;
  spec.id = app + ".run." + std::to_string(n);
  spec.hostname = spec.id;
  spec.args = command;
  spec.env = env;
  spec.env["DYNO"] = "run." + std::to_string(n);
  spec.cwd = "/app";
  spec.cgroup_path = "/berth/" + spec.id;

  nlohmann::json saved = {{"args", command},
                          {"restart_policy", options.restart_policy},
                          {"stop_timeout_ms", options.stop_timeout.count()}};
  BERTH_RETURN_IF_ERROR(ctx.store->AddContainer(
      {.id = spec.id, .app = app, .process_type = "run", .instance = n, .spec = saved.dump()}));
  Status started = DetachedRuntime(ctx)->StartDetached(spec, {stack.rootfs}, options);
  if (!started.ok()) {
    (void)ctx.store->RemoveContainer(spec.id);
    return started;
  }
  ctx.out.Line(spec.id);
  return Status::Ok();
}

Status RunList(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  auto runtime = DetachedRuntime(ctx);
  BERTH_ASSIGN_OR_RETURN(auto ids, AppContainers(*runtime, app));
  ctx.out.Header(app + " run containers");
  for (const std::string& id : ids) {
    auto state = runtime->Inspect(id);
    if (!state.ok()) continue;
    std::string line = id + "  " + state->status + "  restarts=" + std::to_string(state->restarts);
    if (state->exit_code) line += "  exit=" + std::to_string(*state->exit_code);
    ctx.out.Line(line);
  }
  return Status::Ok();
}

Status RunStop(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::string id = args.Flag("container");
  if (id.empty() || !id.starts_with(app + ".")) {
    return InvalidArgument("Usage: berth run:stop APP --container ID (an id from run:list APP)");
  }
  BERTH_RETURN_IF_ERROR(NeedRoot());
  auto runtime = DetachedRuntime(ctx);
  BERTH_RETURN_IF_ERROR(runtime->Inspect(id).status());
  return StopOne(ctx, *runtime, app, id, args);
}

Status PsStop(Context& ctx, const Args& args) {
  std::vector<std::string> apps;
  if (args.Has("all")) {
    BERTH_ASSIGN_OR_RETURN(auto all, ctx.store->ListApps());
    for (const auto& a : all) apps.push_back(a.name);
  } else {
    BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
    apps.push_back(app);
  }
  BERTH_RETURN_IF_ERROR(NeedRoot());
  auto runtime = DetachedRuntime(ctx);
  for (const std::string& app : apps) {
    ctx.out.Step("Stopping " + app);
    BERTH_ASSIGN_OR_RETURN(auto ids, AppContainers(*runtime, app));
    for (const std::string& id : ids) {
      auto state = runtime->Inspect(id);
      if (state.ok() && !state->shim_alive) continue;
      BERTH_RETURN_IF_ERROR(StopOne(ctx, *runtime, app, id, args));
    }
  }
  return Status::Ok();
}

Status PsRetire(Context& ctx, const Args&) {
  BERTH_RETURN_IF_ERROR(NeedRoot());
  auto runtime = DetachedRuntime(ctx);
  BERTH_ASSIGN_OR_RETURN(auto ids, runtime->List());
  ctx.out.Step("Retiring containers whose shim is gone");
  int retired = 0;
  for (const std::string& id : ids) {
    auto state = runtime->Inspect(id);
    if (state.ok() && state->shim_alive) continue;
    BERTH_RETURN_IF_ERROR(runtime->Remove(id));
    BERTH_RETURN_IF_ERROR(ctx.store->RemoveContainer(id));
    ctx.out.Detail("Removed " + id);
    ++retired;
  }
  // Records of containers that are gone altogether.
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(""));
  for (const ContainerRecord& record : records) {
    if (runtime->Inspect(record.id).ok()) continue;
    BERTH_RETURN_IF_ERROR(ctx.store->RemoveContainer(record.id));
    ctx.out.Detail("Forgot " + record.id);
    ++retired;
  }
  ctx.out.Detail(std::to_string(retired) + " retired");
  return Status::Ok();
}

namespace {

Status Logs(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  bool follow = args.Has("tail");
  std::string num = args.Flag("num", "100");
  // Dokku's short forms arrive as positionals: -t, -n N.
  for (size_t i = 1; i < args.positional.size(); ++i) {
    const std::string& w = args.positional[i];
    if (w == "-t") follow = true;
    else if (w == "-n" && i + 1 < args.positional.size()) num = args.positional[++i];
    else return InvalidArgument("Usage: berth logs APP [-n|--num N] [-t|--tail]");
  }
  if (num.empty() || num.size() > 9 || num.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("-n takes a number of lines, not '" + num + "'");
  }
  size_t tail = std::stoul(num);
  auto runtime = DetachedRuntime(ctx);
  BERTH_ASSIGN_OR_RETURN(auto ids, AppContainers(*runtime, app));
  std::vector<std::string> merged;
  std::map<std::string, uint64_t> offsets;
  for (const std::string& id : ids) {
    BERTH_ASSIGN_OR_RETURN(auto lines, runtime->Logs(id, 0));
    for (const std::string& raw : lines) {
      if (auto line = LogLine(app, id, raw)) merged.push_back(*line);
    }
    uint64_t offset = 0;
    (void)runtime->LogsAfter(id, offset);  // where following starts
    offsets[id] = offset;
  }
  std::stable_sort(merged.begin(), merged.end(), [](const std::string& a, const std::string& b) {
    return a.substr(0, a.find(' ')) < b.substr(0, b.find(' '));
  });
  size_t first = tail > 0 && merged.size() > tail ? merged.size() - tail : 0;
  for (size_t i = first; i < merged.size(); ++i) ctx.out.Line(merged[i]);
  ctx.out.Flush();
  while (follow) {  // until interrupted
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    BERTH_ASSIGN_OR_RETURN(ids, AppContainers(*runtime, app));
    for (const std::string& id : ids) {
      BERTH_ASSIGN_OR_RETURN(auto lines, runtime->LogsAfter(id, offsets[id]));
      for (const std::string& raw : lines) {
        if (auto line = LogLine(app, id, raw)) ctx.out.Line(*line);
      }
    }
    ctx.out.Flush();
  }
  return Status::Ok();
}

}  // namespace

void RegisterLogsCommands(CommandRegistry& registry) {
  registry.Add({"logs", "Read the output of an app's containers", {
      {.name = "logs", .usage = "logs APP [-n|--num N] [-t|--tail]",
       .summary = "Show the last N lines (100) of every container's output, merged; -t follows",
       .handler = Logs, .flags = {{"num", true}, {"tail"}}},
  }});
}

}  // namespace berth
