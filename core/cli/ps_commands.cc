// ps:* — the formation (how many processes of each type an app runs).
// Containers arrive with the deploy pipeline; until an app is deployed the
// formation is recorded and applied at its first deploy.
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/base/validate.h"
#include "core/cli/containers_commands.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline.h"
#include "core/cli/ps_commands.h"
#include "core/cli/report.h"
#include "core/cli/scheduler.h"

namespace berth {
namespace {

constexpr int kMaxQuantity = 100;
constexpr char kDefaultRestartPolicy[] = "on-failure:10";

// The stored formation, with web=1 unless web was scaled explicitly.
Result<std::map<std::string, int>> Formation(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto formation, ctx.store->GetFormation(app));
  formation.try_emplace("web", 1);
  return formation;
}

Status PrintFormation(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto formation, Formation(ctx, app));
  std::string format = args.Flag("format", "stdout");
  if (format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& [type, qty] : formation) j.push_back({{"process_type", type}, {"quantity", qty}});
    ctx.out.Line(j.dump());
    return Status::Ok();
  }
  if (format != "stdout") return InvalidArgument("Invalid --format value '" + format + "': use stdout or json");
  ctx.out.Step("Scaling for " + app);
  std::vector<std::pair<std::string, std::string>> rows = {{"proctype", "qty"}, {"--------", "---"}};
  for (const auto& [type, qty] : formation) rows.emplace_back(type, std::to_string(qty));
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());
  for (const auto& [type, qty] : rows) {
    ctx.out.Line(type + ":" + std::string(width - type.size() + 1, ' ') + qty);
  }
  return Status::Ok();
}

}  // namespace

Status PsScale(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  if (args.positional.size() == 1) return PrintFormation(ctx, args, app);
  std::map<std::string, int> scale;
  std::string summary;
  for (size_t i = 1; i < args.positional.size(); ++i) {
    const std::string& pair = args.positional[i];
    size_t eq = pair.find('=');
    if (eq == std::string::npos) {
      return InvalidArgument("Invalid scale pair '" + pair.substr(0, 80) + "': use TYPE=QUANTITY, e.g. web=2");
    }
    std::string type = pair.substr(0, eq);
    BERTH_RETURN_IF_ERROR(ValidateProcessType(type));
    BERTH_ASSIGN_OR_RETURN(int qty, ParseCount("quantity for " + type, pair.substr(eq + 1), kMaxQuantity));
    scale[type] = qty;
  }
  for (const auto& [type, qty] : scale) summary += (summary.empty() ? "" : " ") + type + "=" + std::to_string(qty);
  BERTH_RETURN_IF_ERROR(ctx.store->SetFormation(app, scale));
  ctx.out.Step("Scaling " + app + " processes: " + summary);
  return Status::Ok();
}

namespace {

// ps:retire-old APP GENERATION SECONDS: detaches, waits, then stops and
// removes the app's containers older than GENERATION (after a deploy).
Status RetireOld(Context& ctx, const Args& args) {
  if (args.positional.size() != 3) return InvalidArgument("Usage: berth ps:retire-old APP GENERATION SECONDS");
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(int generation, ParseCount("generation", args.positional[1], 1000000000));
  BERTH_ASSIGN_OR_RETURN(int seconds, ParseCount("seconds", args.positional[2], 86400));
  if (seconds == 0) return RetireOldGenerations(ctx, app, generation);
  pid_t child = ::fork();
  if (child < 0) return Internal("fork failed");
  if (child > 0) return Status::Ok();  // the deploy goes on; the child waits
  // The child holds nothing of the parent's (no store connection): it waits,
  // then runs this command again with no delay.
  ::setsid();
  int null = ::open("/dev/null", O_RDWR);
  for (int fd : {0, 1, 2}) ::dup2(null, fd);
  ::sleep(static_cast<unsigned>(seconds));
  std::vector<std::string> argv = {ctx.env.berth_bin, "--root", ctx.env.root, "ps:retire-old", app,
                                   std::to_string(generation), "0"};
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  ::execv(ctx.env.berth_bin.c_str(), c_argv.data());
  ::_exit(127);
}

// ps:set APP restart-policy|stop-timeout-seconds [VALUE]: used by the next
// start of each container (no value: back to the default).
Status PsSet(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  if (args.positional.size() < 2 || args.positional.size() > 3) {
    return InvalidArgument("Usage: berth ps:set APP restart-policy|stop-timeout-seconds [VALUE]");
  }
  const std::string& key = args.positional[1];
  if (key != "restart-policy" && key != "stop-timeout-seconds") {
    return InvalidArgument("Unknown ps setting '" + key.substr(0, 40) +
                           "': use restart-policy or stop-timeout-seconds");
  }
  if (args.positional.size() == 2) {
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty("ps", Scope::App(app), key));
    ctx.out.Step("Unsetting " + key);
    return Status::Ok();
  }
  const std::string& value = args.positional[2];
  if (key == "restart-policy") {
    BERTH_RETURN_IF_ERROR(ValidateRestartPolicy(value));
  } else {
    BERTH_RETURN_IF_ERROR(ParseCount("stop-timeout-seconds", value, 3600).status());
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty("ps", Scope::App(app), key, value));
  ctx.out.Step("Setting " + key + " to " + value);
  return Status::Ok();
}

// "running", "running (1 restart)", or for a process that failed and will not
// be restarted any more: "crashed, gave up after 2 restarts (exit code 3)".
std::string ProcessStatus(const ContainerState& state) {
  auto restarts = [](int n) { return std::to_string(n) + (n == 1 ? " restart" : " restarts"); };
  int code = state.exit_code.value_or(0);
  if (state.status == "exited" && code != 0) {
    std::string exit =
        "(exit code " + std::to_string(code) + (state.reason == "oom" ? ", out of memory)" : ")");
    if (state.restarts == 0) return "crashed " + exit;
    return "crashed, gave up after " + restarts(state.restarts) + " " + exit;
  }
  if (state.restarts == 0) return state.status;
  return state.status + " (" + restarts(state.restarts) + ")";
}

Status ReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto formation, Formation(ctx, app));
  BERTH_ASSIGN_OR_RETURN(auto policy, ctx.store->GetProperty("ps", Scope::App(app), "restart-policy"));
  BERTH_ASSIGN_OR_RETURN(auto timeout,
                         ctx.store->GetProperty("ps", Scope::App(app), "stop-timeout-seconds"));
  std::string scale;
  for (const auto& [type, qty] : formation) scale += (scale.empty() ? "" : " ") + type + "=" + std::to_string(qty);
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  BERTH_ASSIGN_OR_RETURN(auto records, ctx.store->ListContainers(app));
  int processes = 0;
  int running = 0;
  std::string states;
  for (const ContainerRecord& r : records) {
    if (r.desired != "running" || GenerationOf(r.id) == 0) continue;
    ++processes;
    auto state = ctx.runtime.Inspect(r.id);
    if (state.ok() && state->status == "running") ++running;
    states += (states.empty() ? "" : ", ") + r.process_type + "." + std::to_string(r.instance) + ": " +
              (state.ok() ? ProcessStatus(*state) : "missing");
  }
  Report report(app + " ps information");
  report.Add("Deployed", releases.empty() ? "false" : "true");
  report.Add("Processes", std::to_string(processes));
  report.Add("Running", processes > 0 && running == processes ? "true" : (running > 0 ? "mixed" : "false"));
  report.Add("Status", states);
  report.Add("Formation", scale);
  report.Add("Restart policy", policy.value_or(kDefaultRestartPolicy));
  report.Add("Stop timeout seconds", timeout.value_or("30"));
  return report.Print(ctx.out, args);
}

Status PsReport(Context& ctx, const Args& args) {
  return ReportAppOrAll(ctx, args, ReportOne);
}

}  // namespace

void RegisterPsCommands(CommandRegistry& registry) {
  registry.Add({"ps", "Manage an app's processes", {
      {.name = "ps:scale", .usage = "ps:scale APP [TYPE=QUANTITY...] [--format json]",
       .summary = "Show or set how many processes of each type run", .handler = PipelineHandler("ps:scale"),
       .flags = {{"format", true}, {"skip-deploy"}}},
      {.name = "ps:report", .usage = "ps:report [APP] [--format json] [--<key>]",
       .summary = "Display process information", .handler = PsReport,
       .flags = {{"format", true}}, .any_flag = true},
      {.name = "ps:stop", .usage = "ps:stop APP|--all [--stop-timeout SECONDS]",
       .summary = "Stop an app's containers for good; their logs stay until ps:retire",
       .handler = PsStop, .flags = {{"all"}, {"stop-timeout", true}}},
      {.name = "ps:retire", .usage = "ps:retire",
       .summary = "Remove dead containers and what crashes left: bundles, logs, mounts, veths",
       .handler = PsRetire, .takes_app = false, .host_only = true},
      {.name = "ps:start", .usage = "ps:start APP",
       .summary = "Start an app's stopped containers again (their logs continue)",
       .handler = PsStart},
      {.name = "ps:restore", .usage = "ps:restore [APP|--all]",
       .summary = "Start every container that should be running but is not (after a reboot); "
                  "without APP, also the proxy if it went down",
       .handler = PsRestore, .flags = {{"all"}}},
      {.name = "ps:restart", .usage = "ps:restart APP",
       .summary = "Start the current release in fresh containers, then retire the old ones",
       .handler = PipelineHandler("ps:restart")},
      {.name = "ps:retire-old", .usage = "ps:retire-old APP GENERATION SECONDS",
       .summary = "Retire a deploy's old containers after a delay (run by deploys)",
       .handler = RetireOld, .host_only = true, .hidden = true},
      {.name = "ps:set", .usage = "ps:set APP restart-policy|stop-timeout-seconds [VALUE]",
       .summary = "Set how containers restart (no, always, on-failure[:N]) and stop", .handler = PsSet},
      {.name = "ps:rebuild", .usage = "ps:rebuild APP",
       .summary = "Build the last deployed commit again and release it",
       .handler = PipelineHandler("ps:rebuild")},
  }});
}

}  // namespace berth
