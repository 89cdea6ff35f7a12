// Hidden helpers for the bundled cron plugin (plugins/cron), which owns the
// behaviour: parsing cron schedules and reading an app's app.json `cron`
// entries is easier and safer here than in shell.
//   cron-schedule SCHEDULE [--after UNIX_TIME] [--count N] [--systemd]
//   cron-entries APP | --file PATH [--after UNIX_TIME]
#include <cstdint>
#include <ctime>

#include "core/base/contained_path.h"
#include "core/base/cron_schedule.h"
#include "core/base/validate.h"
#include "core/build/app_json.h"
#include "core/cli/app_container.h"
#include "core/cli/helpers.h"

namespace berth {
namespace {

Result<std::time_t> After(const Args& args) {
  std::string text = args.Flag("after");
  if (text.empty()) return std::time(nullptr);
  if (text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("--after takes seconds since the epoch");
  }
  return static_cast<std::time_t>(std::stoll(text));
}

std::string LocalTime(std::time_t when) {
  std::tm t{};
  ::localtime_r(&when, &t);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &t);
  return buf;
}

// "UNIX_TIME<TAB>YYYY-MM-DD HH:MM ZONE", or "-<TAB>never".
std::string NextRunColumns(const CronSchedule& schedule, std::time_t after) {
  auto next = NextCronRun(schedule, after);
  if (!next) return "-\tnever";
  return std::to_string(*next) + "\t" + LocalTime(*next);
}

// A short id that stays the same while the entry's schedule and command do.
std::string EntryId(const CronEntry& entry) {
  uint32_t hash = 2166136261u;  // FNV-1a
  for (std::string_view part : {std::string_view(entry.schedule), std::string_view("\n"),
                                std::string_view(entry.command)}) {
    for (char c : part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 16777619u;
    }
  }
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", hash);
  return buf;
}

Status CronScheduleCommand(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(
      ExpectArgs(args, 1, "cron-schedule SCHEDULE [--after UNIX_TIME] [--count N] [--systemd]"));
  const std::string& text = args.positional[0];
  auto schedule = ParseCronSchedule(text);
  if (!schedule.ok()) {
    return InvalidArgument("Invalid cron schedule '" + text.substr(0, 60) +
                           "': " + schedule.status().message());
  }
  if (args.Has("systemd")) {
    for (const std::string& calendar : SystemdCalendar(*schedule)) ctx.out.Line(calendar);
    return Status::Ok();
  }
  BERTH_ASSIGN_OR_RETURN(std::time_t after, After(args));
  BERTH_ASSIGN_OR_RETURN(int count, ParseCount("--count", args.Flag("count", "1"), 100));
  for (int i = 0; i < count; ++i) {
    auto next = NextCronRun(*schedule, after);
    if (!next) {
      if (i == 0) ctx.out.Line("-\tnever");
      break;
    }
    ctx.out.Line(std::to_string(*next) + "\t" + LocalTime(*next));
    after = *next;
  }
  return Status::Ok();
}

// The app.json text: the file given, or the one in the app's newest release
// ("" when it has no release or no app.json).
Result<std::string> AppJsonText(Context& ctx, const Args& args) {
  if (args.Has("file")) {
    if (!args.positional.empty()) return InvalidArgument("Give an APP or --file PATH, not both");
    std::string path = args.Flag("file");
    size_t slash = path.rfind('/');
    if (!path.starts_with("/") || slash == std::string::npos) {
      return InvalidArgument("--file takes an absolute path");
    }
    return ReadFileInside(path.substr(0, slash), path.substr(slash + 1));
  }
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "cron-entries APP | --file PATH [--after UNIX_TIME]"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (releases.empty()) return std::string();
  return ReadFileInside(SlugLayerDir(ctx.env.root, releases.front().slug_digest) + "/app",
                        "app.json");
}

// One line per entry: ID, schedule, next run (unix time, then local time),
// command, tab-separated. Any invalid entry fails the whole file, naming it.
Status CronEntriesCommand(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string text, AppJsonText(ctx, args));
  BERTH_ASSIGN_OR_RETURN(std::time_t after, After(args));
  if (text.empty()) return Status::Ok();
  BERTH_ASSIGN_OR_RETURN(AppJson app_json, ParseAppJson(text));
  std::vector<std::string> lines;
  for (size_t i = 0; i < app_json.cron.size(); ++i) {
    const CronEntry& entry = app_json.cron[i];
    std::string field = "app.json: cron[" + std::to_string(i) + "]";
    auto schedule = ParseCronSchedule(entry.schedule);
    if (!schedule.ok()) {
      return InvalidArgument(field + ".schedule '" + entry.schedule.substr(0, 60) +
                             "': " + schedule.status().message());
    }
    for (char c : entry.command) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return InvalidArgument(field + ".command must be one line without control characters");
      }
    }
    lines.push_back(EntryId(entry) + "\t" + entry.schedule + "\t" +
                    NextRunColumns(*schedule, after) + "\t" + entry.command);
  }
  for (const std::string& line : lines) ctx.out.Line(line);
  return Status::Ok();
}

}  // namespace

void RegisterCronHelperCommands(CommandRegistry& registry) {
  registry.Add({"cron-helpers", "Schedules and app.json cron entries, for the cron plugin", {
      {.name = "cron-schedule",
       .usage = "cron-schedule SCHEDULE [--after UNIX_TIME] [--count N] [--systemd]",
       .summary = "Validate a cron schedule; print its next runs or systemd calendar expressions",
       .handler = CronScheduleCommand,
       .flags = {{"after", true}, {"count", true}, {"systemd", false}},
       .takes_app = false, .needs_store = false, .hidden = true},
      {.name = "cron-entries", .usage = "cron-entries APP | --file PATH [--after UNIX_TIME]",
       .summary = "Validate app.json cron entries; print id, schedule, next run and command",
       .handler = CronEntriesCommand, .flags = {{"file", true}, {"after", true}},
       .host_only = true, .hidden = true},
  }});
}

}  // namespace berth
