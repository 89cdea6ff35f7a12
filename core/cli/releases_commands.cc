// releases:* — the history of what an app ran: each deploy, rollback and
// config change makes release vN.
#include <nlohmann/json.hpp>

#include "core/base/strings.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline.h"
#include "core/cli/report.h"

namespace berth {
namespace {

Status Releases(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "releases APP [--format json]"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  std::string format = args.Flag("format", "stdout");
  if (format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const ReleaseRecord& r : releases) {
      list.push_back({{"version", r.version},
                      {"created_at", FormatUnixTime(r.created_at)},
                      {"description", r.description},
                      {"git_rev", r.git_rev},
                      {"slug_digest", r.slug_digest},
                      {"builder", r.builder},
                      {"buildpacks", r.buildpacks},
                      {"process_types", r.process_types}});
    }
    ctx.out.Line(list.dump());
    return Status::Ok();
  }
  if (format != "stdout") return InvalidArgument("Invalid --format value '" + format + "': use stdout or json");
  ctx.out.Header(app + " releases");
  std::vector<std::pair<std::string, std::string>> rows;
  for (const ReleaseRecord& r : releases) {
    rows.emplace_back("v" + std::to_string(r.version), FormatUnixTime(r.created_at) + "  " + r.description);
  }
  PrintAligned(ctx.out, rows, false);
  return Status::Ok();
}

Status ReleasesInfo(Context& ctx, const Args& args) {
  if (args.positional.size() != 2) return InvalidArgument("Usage: berth releases:info APP vN");
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(int version, ParseReleaseVersion(args.positional[1]));
  BERTH_ASSIGN_OR_RETURN(ReleaseRecord r, ctx.store->GetRelease(app, version));
  std::vector<std::string> types;
  for (const auto& [type, command] : r.process_types) types.push_back(type + ": " + command);
  std::vector<std::string> keys;
  for (const auto& [key, value] : r.config) keys.push_back(key);
  Report report(app + " release v" + std::to_string(r.version));
  report.Add("Release version", "v" + std::to_string(r.version));
  report.Add("Release created at", FormatUnixTime(r.created_at));
  report.Add("Release description", r.description);
  report.Add("Release git rev", r.git_rev);
  report.Add("Release slug digest", r.slug_digest);
  report.Add("Release builder", r.builder);
  report.Add("Release buildpacks", JoinStrings(r.buildpacks, ","));
  report.Add("Release process types", JoinStrings(types, "; "));
  report.Add("Release config keys", JoinStrings(keys, ","));  // values stay out of sight
  return report.Print(ctx.out, args);
}

}  // namespace

void RegisterReleasesCommands(CommandRegistry& registry) {
  registry.Add({"releases", "Inspect and roll back an app's releases", {
      {.name = "releases", .usage = "releases APP [--format json]",
       .summary = "List an app's releases, newest first", .handler = Releases,
       .flags = {{"format", true}}},
      {.name = "releases:info", .usage = "releases:info APP vN [--format json] [--<key>]",
       .summary = "Display one release", .handler = ReleasesInfo, .flags = {{"format", true}},
       .any_flag = true},
      {.name = "releases:rollback", .usage = "releases:rollback APP [vN]",
       .summary = "Release an earlier slug with that release's config again (default: the one before)",
       .handler = PipelineHandler("releases:rollback")},
  }});
}

}  // namespace berth
