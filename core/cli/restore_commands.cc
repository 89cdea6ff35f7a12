// Starting detached containers again from their store records: ps:start (an
// app's stopped ones) and ps:restore (every one that should run, e.g. after a
// reboot, several apps at a time), and entering a running one (enter).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/cli/app_container.h"
#include "core/cli/containers_commands.h"
#include "core/cli/helpers.h"
#include "core/cli/proxy_routes.h"
#include "core/plugins/trigger_catalogue.h"
#include "core/state/sqlite_store.h"

namespace berth {
namespace {

// Starts the recorded container again with the app's current config, on its
// old bundle when it has one (so its log continues), and marks it wanted.
Status StartAgain(Context& ctx, const ContainerRecord& record) {
  DetachedOptions options;
  BERTH_ASSIGN_OR_RETURN(AppContainer container, RebuildAppContainer(ctx, record, options));
  ctx.out.Detail("Starting " + record.id);
  BERTH_RETURN_IF_ERROR(ctx.store->SetContainerDesired(record.id, "running"));
  return StartAppContainer(ctx, container, options, /*again=*/true);
}

bool ShimAlive(Context& ctx, const std::string& id) {
  auto state = ctx.runtime.Inspect(id);
  return state.ok() && state->shim_alive;
}

// The app's containers that run now, by id.
std::vector<std::string> RunningContainers(Context& ctx, const std::string& app) {
  std::vector<std::string> running;
  auto records = ctx.store->ListContainers(app);
  if (!records.ok()) return running;
  for (const ContainerRecord& r : *records) {
    auto state = ctx.runtime.Inspect(r.id);
    if (state.ok() && state->shim_alive && state->status == "running") running.push_back(r.id);
  }
  return running;
}

// Starts the app's containers that should run but do not. One that cannot
// start does not keep the others down; the first failure is returned.
Status RestoreApp(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(app));
  ctx.out.Step("Restoring " + app);
  Status first_failure;
  for (const ContainerRecord& record : records) {
    if (record.desired != "running" || ShimAlive(ctx, record.id)) continue;
    Status started = StartAgain(ctx, record);
    if (started.ok()) continue;
    ctx.out.Error(record.id + ": " + started.message());
    if (first_failure.ok()) first_failure = started;
  }
  return first_failure;
}

// At most this many apps are restored at once: starting a container is mostly
// waiting (mounts, the runtime, the network), so more than the CPUs is fine.
constexpr size_t kParallelApps = 4;

// Runs `each` for every app, up to kParallelApps at a time, and returns what
// each returned. Each worker has its own store connection and output, which
// is printed in one piece once its app is done, so apps' lines do not mix.
std::vector<Status> ForEachAppInParallel(Context& ctx, const std::vector<std::string>& apps,
                                         Status (*each)(Context&, const std::string&)) {
  std::vector<Status> results(apps.size());
  size_t jobs = std::min(kParallelApps, apps.size());
  if (jobs <= 1) {
    for (size_t i = 0; i < apps.size(); ++i) results[i] = each(ctx, apps[i]);
    return results;
  }
  std::mutex print;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < apps.size(); i = next++) {
      std::ostringstream out;
      std::ostringstream err;
      Output output(out, err, ctx.out.quiet());
      auto store = SqliteStore::Open(ctx.env.root + "/berth.db");
      if (store.ok()) {
        Context mine{store->get(), ctx.plugins, ctx.runner, output, ctx.in, ctx.env, ctx.runtime};
        results[i] = each(mine, apps[i]);
      } else {
        results[i] = store.status();
        output.Error(apps[i] + ": " + store.status().message());
      }
      std::lock_guard<std::mutex> lock(print);
      ctx.out.Raw(out.str());
      ctx.out.err() << err.str();
      ctx.out.Flush();
    }
  };
  std::vector<std::thread> workers;
  for (size_t j = 1; j < jobs; ++j) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  return results;
}

Status NeedRoot(Context& ctx) {
  if (!ctx.env.is_root) {
    return PermissionDenied("containers are mounted and started by root; run berth as root");
  }
  return Status::Ok();
}

}  // namespace

Status PsStart(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_RETURN_IF_ERROR(NeedRoot(ctx));
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(app));
  ctx.out.Step("Starting " + app);
  for (const ContainerRecord& record : records) {
    if (ShimAlive(ctx, record.id)) continue;
    BERTH_RETURN_IF_ERROR(StartAgain(ctx, record));
  }
  return Status::Ok();
}

Status PsRestore(Context& ctx, const Args& args) {
  std::vector<std::string> apps;
  if (args.positional.empty() || args.Has("all")) {
    BERTH_ASSIGN_OR_RETURN(auto all, ctx.store->ListApps());
    for (const auto& a : all) apps.push_back(a.name);
  } else {
    BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
    apps.push_back(app);
  }
  BERTH_RETURN_IF_ERROR(NeedRoot(ctx));
  std::vector<Status> results = ForEachAppInParallel(ctx, apps, RestoreApp);
  // After a reboot the proxy is down too; it comes back once the upstreams are.
  if (args.positional.empty()) BERTH_RETURN_IF_ERROR(StartDiedProxies(ctx));
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostRestore, apps, "", ""}));
  std::string failed;
  Status first_failure;
  for (size_t i = 0; i < apps.size(); ++i) {
    if (results[i].ok()) continue;
    failed += (failed.empty() ? "" : ", ") + apps[i];
    if (first_failure.ok()) first_failure = results[i];
  }
  if (first_failure.ok()) return Status::Ok();
  return Status(first_failure.code(), "Not every container could be restored (" + failed +
                                          "); see the errors above");
}

Status Enter(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_RETURN_IF_ERROR(NeedRoot(ctx));
  std::vector<std::string> rest(args.positional.begin() + 1, args.positional.end());
  std::string id;
  if (!rest.empty()) {
    // APP.TYPE.N, or TYPE.N as Dokku names a container of the app; a process
    // container's id carries its generation too (APP.TYPE.N.GEN).
    std::string named = rest[0].starts_with(app + ".") ? rest[0] : app + "." + rest[0];
    if (ctx.runtime.Inspect(named).ok()) id = named;
    for (const std::string& running : RunningContainers(ctx, app)) {
      if (id.empty() && running.starts_with(named + ".")) id = running;
    }
    if (!id.empty()) {
      rest.erase(rest.begin());
    } else if (rest[0].starts_with(app + ".")) {
      return NotFound("No container " + rest[0] + "; see `berth run:list " + app + "`");
    }
  }
  if (id.empty()) {
    std::vector<std::string> running = RunningContainers(ctx, app);
    if (running.empty()) {
      return FailedPrecondition("No container of " + app + " is running; start one with "
                                "`berth ps:start " + app + "`");
    }
    id = running.front();
  }
  if (rest.empty()) rest = {"/bin/sh"};
  bool tty = ctx.env.stdin_is_tty && ::isatty(1) == 1;
  ctx.out.Flush();
  BERTH_ASSIGN_OR_RETURN(int code, ctx.runtime.Exec(id, rest, tty));
  return Status::ExitedWith(code);
}

void RegisterEnterCommands(CommandRegistry& registry) {
  registry.Add({"enter", "Run a command in a running container", {
      {.name = "enter", .usage = "enter APP [CONTAINER_ID|TYPE.N] [COMMAND...]",
       .summary = "Run a command (default /bin/sh) in a running container of the app, attached",
       .handler = Enter, .rest_is_command = true},
  }});
}

}  // namespace berth
