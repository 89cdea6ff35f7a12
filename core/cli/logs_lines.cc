#include "core/cli/logs_lines.h"

#include <algorithm>

#include "core/base/validate.h"
#include "core/cli/scheduler.h"

namespace berth {

std::string DynoOf(const std::string& app, const std::string& container_id) {
  std::string dyno = container_id.starts_with(app + ".") ? container_id.substr(app.size() + 1)
                                                         : container_id;
  if (GenerationOf(container_id) != 0) dyno.erase(dyno.rfind('.'));
  return dyno;
}

bool DynoSelected(const std::string& dyno, const std::string& process) {
  return process.empty() || dyno == process || dyno.starts_with(process + ".");
}

Status ValidateProcessFilter(const std::string& process) {
  if (process.empty()) return Status::Ok();
  size_t dot = process.find('.');
  std::string type = process.substr(0, dot);
  std::string n = dot == std::string::npos ? "1" : process.substr(dot + 1);
  bool number = !n.empty() && n.size() <= 9 && n.find_first_not_of("0123456789") == std::string::npos;
  if (!ValidateProcessType(type).ok() || !number) {
    return InvalidArgument("-p takes a process type (web) or one process (web.1), not '" +
                           process.substr(0, 60) + "'");
  }
  return Status::Ok();
}

std::optional<AppLogLine> ParseShimLogLine(const std::string& dyno, const std::string& raw) {
  size_t sp1 = raw.find(' ');
  size_t sp2 = sp1 == std::string::npos ? sp1 : raw.find(' ', sp1 + 1);
  if (sp2 == std::string::npos) return std::nullopt;
  std::string stream = raw.substr(sp1 + 1, sp2 - sp1 - 1);
  if (stream != "stdout" && stream != "stderr" && stream != "berth") return std::nullopt;
  return AppLogLine{raw.substr(0, sp1), stream == "berth" ? "berth" : "app", dyno,
                    raw.substr(sp2 + 1)};
}

std::string FormatAppLogLine(const AppLogLine& line, bool raw) {
  if (raw) return line.text;
  return line.time + " " + line.source + "[" + line.dyno + "]: " + line.text;
}

void SortByTime(std::vector<AppLogLine>& lines) {
  std::stable_sort(lines.begin(), lines.end(),
                   [](const AppLogLine& a, const AppLogLine& b) { return a.time < b.time; });
}

void KeepLast(std::vector<AppLogLine>& lines, size_t num) {
  if (num > 0 && lines.size() > num) {
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(num));
  }
}

}  // namespace berth
