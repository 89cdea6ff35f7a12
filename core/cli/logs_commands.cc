// logs and logs:failed: an app's output, as Dokku prints it.
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>

#include "core/base/files.h"
#include "core/base/validate.h"
#include "core/cli/app_logs.h"
#include "core/cli/containers_commands.h"
#include "core/cli/helpers.h"
#include "core/cli/logs_failed.h"

namespace berth {
namespace {

constexpr std::string_view kLogsUsage = "logs APP [-n|--num N] [-t|--tail] [-p|--ps TYPE[.N]] [-q|--quiet]";

struct LogsRequest {
  std::string app;
  size_t num = 100;
  std::string process;
  bool follow = false;
  bool raw = false;
};

// Dokku's short flags arrive as positionals, before or after the app, and
// combine as getopt's do: -t, -q, -n N (or -nN), -p TYPE, -tq.
Result<LogsRequest> ParseLogsArgs(const Args& args) {
  LogsRequest r;
  auto usage = [] { return InvalidArgument("Usage: berth " + std::string(kLogsUsage)); };
  std::string num = args.Flag("num", "100");
  r.process = args.Flag("ps");
  r.follow = args.Has("tail");
  r.raw = args.Has("quiet");
  const auto& words = args.positional;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (!w.starts_with("-") || w == "-") {
      if (!r.app.empty()) return usage();
      r.app = w;
      continue;
    }
    for (size_t k = 1; k < w.size(); ++k) {
      char c = w[k];
      if (c == 't') { r.follow = true; continue; }
      if (c == 'q') { r.raw = true; continue; }
      if (c != 'n' && c != 'p') return usage();
      std::string value = w.substr(k + 1);
      if (value.empty()) {
        if (i + 1 >= words.size()) return InvalidArgument(std::string("-") + c + " needs a value");
        value = words[++i];
      }
      (c == 'n' ? num : r.process) = value;
      break;
    }
  }
  if (num.empty() || num.size() > 9 || num.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("-n takes a number of lines, not '" + num.substr(0, 40) + "'");
  }
  r.num = std::stoul(num);
  BERTH_RETURN_IF_ERROR(ValidateProcessFilter(r.process));
  return r;
}

volatile std::sig_atomic_t g_stop_following = 0;

void OnStopSignal(int) { g_stop_following = 1; }

// Follows until SIGINT, SIGTERM or SIGHUP, or until stdout's reader has gone
// (the ssh client disconnected: the pipe or terminal hangs up), polling every 200 ms.
class SignalFollowControl : public FollowControl {
 public:
  SignalFollowControl() {
    g_stop_following = 0;
    struct sigaction action {};
    action.sa_handler = OnStopSignal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &action, &saved_[i]);
  }
  ~SignalFollowControl() override {
    for (size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &saved_[i], nullptr);
  }
  SignalFollowControl(const SignalFollowControl&) = delete;
  SignalFollowControl& operator=(const SignalFollowControl&) = delete;

  void Wait() override {
    timespec pause = {0, 200 * 1000 * 1000};
    ::nanosleep(&pause, nullptr);  // a signal ends it early
  }
  bool Stopped() override {
    if (g_stop_following) return true;
    pollfd out = {STDOUT_FILENO, 0, 0};
    return ::poll(&out, 1, 0) > 0 && (out.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
  }

 private:
  static constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> saved_{};
};

// Dokku's answer for an app that has never run: an error, not an empty log.
Status ExpectDeployed(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto containers, AppContainers(ctx.runtime, app));
  if (!containers.empty()) return Status::Ok();
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (!releases.empty()) return Status::Ok();
  return FailedPrecondition("App " + app + " has not been deployed: it has no logs yet.\n"
                            "Deploy it first: git push berth@HOST:" + app + " main");
}

Status Logs(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(LogsRequest request, ParseLogsArgs(args));
  Args app_only;
  if (!request.app.empty()) app_only.positional = {request.app};
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, app_only));
  AppLogReader reader(ctx.runtime, app, request.process);
  BERTH_RETURN_IF_ERROR(ExpectDeployed(ctx, app));
  BERTH_ASSIGN_OR_RETURN(auto recent, reader.Recent(request.num));
  for (const AppLogLine& line : recent) ctx.out.Line(FormatAppLogLine(line, request.raw));
  ctx.out.Flush();
  if (!request.follow) return Status::Ok();
  SignalFollowControl control;
  return FollowAppLogs(reader, ctx.out, request.raw, control);
}

Status LogsFailed(Context& ctx, const Args& args) {
  if (!args.Has("all")) {
    BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "logs:failed APP|--all"));
    BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
    BERTH_ASSIGN_OR_RETURN(bool printed, PrintFailedDeploy(ctx, app));
    if (!printed) ctx.out.Line("No failed deploy of " + app + " is recorded");
    return Status::Ok();
  }
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "logs:failed APP|--all"));
  BERTH_ASSIGN_OR_RETURN(auto apps, ctx.store->ListApps());
  bool any = false;
  for (const auto& a : apps) {
    BERTH_ASSIGN_OR_RETURN(bool printed, PrintFailedDeploy(ctx, a.name));
    any = any || printed;
  }
  if (!any) ctx.out.Line("No failed deploys are recorded");
  return Status::Ok();
}

// berth's own log (audit_log.cc): the last N lines, oldest first, of the
// current file and the one rotated before it; --key keeps one key's lines.
Status LogsAudit(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "logs:audit [--num N] [--key NAME]"));
  std::string num = args.Flag("num", "100");
  if (num.empty() || num.size() > 9 || num.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("--num takes a number of lines, not '" + num.substr(0, 40) + "'");
  }
  size_t limit = std::stoul(num);
  std::string key = args.Flag("key");
  if (!key.empty()) BERTH_RETURN_IF_ERROR(ValidateSimpleName("key name", key));
  std::vector<std::string> lines;
  for (const char* file : {"/logs/berth.1.log", "/logs/berth.log"}) {
    auto text = ReadFile(ctx.env.root + file);
    if (!text.ok()) continue;
    for (size_t pos = 0; pos < text->size();) {
      size_t eol = std::min(text->find('\n', pos), text->size());
      std::string line = text->substr(pos, eol - pos);
      pos = eol + 1;
      if (key.empty() || line.find(" key=" + key + " ") != std::string::npos) {
        lines.push_back(std::move(line));
      }
    }
  }
  size_t first = limit == 0 || lines.size() <= limit ? 0 : lines.size() - limit;
  for (size_t i = first; i < lines.size(); ++i) ctx.out.Line(lines[i]);
  return Status::Ok();
}

}  // namespace

void RegisterLogsCommands(CommandRegistry& registry) {
  registry.Add({"logs", "Read the output of an app's processes", {
      {.name = "logs", .usage = kLogsUsage,
       .summary = "Show the last N lines (100; 0: all) of every process's output, merged in time "
                  "order as TIME app[TYPE.N]: LINE; -t follows across restarts and deploys; "
                  "-p: one process type or process; -q: the lines alone",
       .handler = Logs, .flags = {{"num", true}, {"tail"}, {"ps", true}, {"quiet"}}},
      {.name = "logs:failed", .usage = "logs:failed APP|--all",
       .summary = "Show the output of the app's last failed deploy (its checks and the new "
                  "containers' logs), kept until the next one fails; --all: of every app",
       .handler = LogsFailed, .flags = {{"all"}}},
      {.name = "logs:audit", .usage = "logs:audit [--num N] [--key NAME]",
       .summary = "Show berth's audit log: one line per command with the key, its fingerprint, "
                  "the command (secrets redacted) and the outcome; the last N lines (100; 0: all), "
                  "of one key with --key (admin keys only)",
       .handler = LogsAudit, .flags = {{"num", true}, {"key", true}}, .takes_app = false,
       .access = KeyAccess::kAdmin},
  }});
}

}  // namespace berth
