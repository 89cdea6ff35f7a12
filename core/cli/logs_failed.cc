#include "core/cli/logs_failed.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/base/files.h"
#include "core/cli/helpers.h"
#include "core/cli/logs_lines.h"

namespace berth {
namespace {

// Lines kept of each container: a failed deploy's containers ran briefly.
constexpr size_t kMaxLines = 10000;

std::string RecordPath(const std::string& root, const std::string& app) {
  return root + "/logs/" + app + "/failed/deploy.json";
}

}  // namespace

void SaveFailedDeploy(Context& ctx, const std::string& app,
                      const std::vector<FailedContainer>& containers, const std::string& reason) {
  nlohmann::json record = {{"failed_at", static_cast<int64_t>(std::time(nullptr))},
                           {"reason", reason},
                           {"containers", nlohmann::json::array()}};
  for (const FailedContainer& c : containers) {
    auto log = ctx.runtime.Logs(c.id, kMaxLines);
    record["containers"].push_back({{"id", c.id},
                                    {"checks", c.check_output},
                                    {"log", log.ok() ? *log : std::vector<std::string>{}}});
  }
  std::string path = RecordPath(ctx.env.root, app);
  Status saved = MakeDirs(path.substr(0, path.rfind('/')), 0700);
  // Invalid UTF-8 from an app is kept as the replacement character.
  if (saved.ok()) {
    saved = WriteFileAtomic(path, record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                            0600);
  }
  if (!saved.ok()) ctx.out.Warn("Could not keep the failed deploy's output: " + saved.message());
}

Result<bool> PrintFailedDeploy(Context& ctx, const std::string& app) {
  std::string path = RecordPath(ctx.env.root, app);
  if (!PathExists(path)) return false;
  BERTH_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto record = nlohmann::json::parse(text, nullptr, false);
  if (record.is_discarded() || !record.is_object()) {
    return Internal(path + " is damaged; it is replaced by the next failed deploy");
  }
  ctx.out.Header(app + " failed deploy, " +
                 FormatUnixTime(record.value("failed_at", static_cast<int64_t>(0))));
  std::string reason = record.value("reason", "");
  if (!reason.empty()) ctx.out.Detail(reason);
  std::vector<AppLogLine> merged;
  for (const auto& c : record.value("containers", nlohmann::json::array())) {
    std::string id = c.value("id", "");
    std::string dyno = DynoOf(app, id);
    std::string checks = c.value("checks", "");
    if (!checks.empty()) {
      ctx.out.Step("Checks of " + dyno + " (" + id + ")");
      ctx.out.Raw(checks + (checks.back() == '\n' ? "" : "\n"));
    }
    for (const auto& raw : c.value("log", nlohmann::json::array())) {
      if (!raw.is_string()) continue;
      if (auto line = ParseShimLogLine(dyno, raw.get<std::string>())) merged.push_back(*line);
    }
  }
  SortByTime(merged);
  ctx.out.Step("Output of the failed containers");
  if (merged.empty()) ctx.out.Detail("(none)");
  for (const AppLogLine& line : merged) ctx.out.Line(FormatAppLogLine(line, /*raw=*/false));
  return true;
}

}  // namespace berth
