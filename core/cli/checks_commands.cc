// checks:* — zero-downtime deploy checks: which process types are checked,
// skipped or disabled, and the seconds of the default check and of retiring
// old containers. The checks themselves run in the deploy (core/deploy).
#include "core/cli/helpers.h"
#include "core/cli/report.h"
#include "core/deploy/health_settings.h"

namespace berth {
namespace {

std::string TypesText(const std::vector<std::string>& types) {
  if (types.size() == 1 && types[0] == kAllProcessTypes) return "all process types";
  std::string joined;
  for (const auto& t : types) joined += (joined.empty() ? "" : ", ") + t;
  return (types.size() == 1 ? "process type " : "process types ") + joined;
}

// checks:enable|disable|skip APP [TYPE,...]
Status ChangeMode(Context& ctx, const Args& args, CheckMode mode, std::string_view verb) {
  if (args.positional.empty() || args.positional.size() > 2) {
    return InvalidArgument("Usage: berth checks:" + std::string(verb) + " APP [TYPE,...]");
  }
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(
      auto types, ParseProcessTypeList(args.positional.size() == 2 ? args.positional[1] : ""));
  BERTH_RETURN_IF_ERROR(SetCheckMode(*ctx.store, app, mode, types));
  switch (mode) {
    case CheckMode::kEnabled:
      ctx.out.Step("Enabled checks and zero downtime for " + app + " (" + TypesText(types) + ")");
      break;
    case CheckMode::kDisabled:
      ctx.out.Step("Disabled checks and zero downtime for " + app + " (" + TypesText(types) + ")");
      ctx.out.Warn(
          "Deploys of these process types now stop the old containers first: expect downtime");
      break;
    case CheckMode::kSkipped:
      ctx.out.Step("Skipping checks for " + app + " (" + TypesText(types) +
                   "); deploys stay zero-downtime");
      break;
  }
  return Status::Ok();
}

Status Enable(Context& ctx, const Args& args) {
  return ChangeMode(ctx, args, CheckMode::kEnabled, "enable");
}
Status Disable(Context& ctx, const Args& args) {
  return ChangeMode(ctx, args, CheckMode::kDisabled, "disable");
}
Status Skip(Context& ctx, const Args& args) {
  return ChangeMode(ctx, args, CheckMode::kSkipped, "skip");
}

// checks:set APP|--global KEY [VALUE]; no value unsets.
Status Set(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  if (rest.empty() || rest.size() > 2) {
    return InvalidArgument("Usage: berth checks:set APP|--global KEY [SECONDS]");
  }
  const std::string& key = rest[0];
  if (rest.size() == 1 || rest[1].empty()) {
    BERTH_RETURN_IF_ERROR(ValidateCheckSettingKey(key));
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kChecksPlugin, scope, key));
    ctx.out.Step("Unsetting " + key + " for " + ScopeName(scope));
    return Status::Ok();
  }
  BERTH_ASSIGN_OR_RETURN(int seconds, ParseCheckSetting(key, rest[1]));
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kChecksPlugin, scope, key, std::to_string(seconds)));
  ctx.out.Step("Setting " + key + " to " + std::to_string(seconds) + " for " + ScopeName(scope));
  return Status::Ok();
}

std::string ListText(const std::vector<std::string>& types) {
  std::string joined;
  for (const auto& t : types) joined += (joined.empty() ? "" : ",") + t;
  return joined.empty() ? "none" : joined;
}

// "Checks computed wait to retire", "Checks global wait to retire", "Checks wait to retire".
Status ReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(CheckModes modes, LoadCheckModes(*ctx.store, app));
  BERTH_ASSIGN_OR_RETURN(auto mine, ctx.store->ListProperties(kChecksPlugin, Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(auto global, ctx.store->ListProperties(kChecksPlugin, Scope::Global()));
  Report report(app + " checks information");
  report.Add("Checks disabled list", ListText(modes.disabled));
  report.Add("Checks skipped list", ListText(modes.skipped));
  for (const auto& spec : kCheckSettingKeys) {
    std::string key(spec.key);
    std::string label = key;
    for (char& c : label) c = c == '-' ? ' ' : c;
    auto own = mine.find(key);
    auto host = global.find(key);
    std::string computed = own != mine.end()      ? own->second
                           : host != global.end() ? host->second
                                                  : std::to_string(spec.default_seconds);
    report.Add("Checks computed " + label, computed);
    report.Add("Checks global " + label, host == global.end() ? "" : host->second);
    report.Add("Checks " + label, own == mine.end() ? "" : own->second);
  }
  return report.Print(ctx.out, args);
}

Status ChecksReport(Context& ctx, const Args& args) { return ReportAppOrAll(ctx, args, ReportOne); }

}  // namespace

void RegisterChecksCommands(CommandRegistry& registry) {
  registry.Add(
      {"checks",
       "Manage zero-downtime deploy checks",
       {
           {.name = "checks:disable",
            .usage = "checks:disable APP [TYPE,...]",
            .summary = "Disable checks and zero downtime for all (or the listed) process types",
            .handler = Disable},
           {.name = "checks:enable",
            .usage = "checks:enable APP [TYPE,...]",
            .summary = "Enable checks and zero downtime for all (or the listed) process types",
            .handler = Enable},
           {.name = "checks:skip",
            .usage = "checks:skip APP [TYPE,...]",
            .summary = "Skip checks for all (or the listed) process types, keeping zero downtime",
            .handler = Skip},
           {.name = "checks:set",
            .usage = "checks:set APP|--global KEY [SECONDS]",
            .summary = "Set wait (default check grace, 2), timeout (30) or wait-to-retire (60); no "
                       "value unsets",
            .handler = Set,
            .flags = {{"global"}}},
           {.name = "checks:report",
            .usage = "checks:report [APP] [--format json] [--<key>]",
            .summary = "Display checks information",
            .handler = ChecksReport,
            .flags = {{"format", true}},
            .any_flag = true},
       }});
}

}  // namespace berth
