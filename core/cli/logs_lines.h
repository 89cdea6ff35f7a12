// The lines `berth logs` prints, made from the container logs berth-shim
// writes ("TIMESTAMP STREAM TEXT", see core/shim/shim_log.h). Like Dokku and
// Heroku: "TIMESTAMP app[web.1]: TEXT" for a process's output and
// "TIMESTAMP berth[web.1]: TEXT" for berth's notes about it (how it ended).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct AppLogLine {
  std::string time;    // "2026-11-23T06:00:00.123456Z": sorts as text
  std::string source;  // "app" or "berth"
  std::string dyno;    // "web.1"
  std::string text;
};

// The dyno a container of `app` runs: "web.1" for APP.web.1.3 (a deploy's
// container; the generation is left out) and "run.4" for APP.run.4.
std::string DynoOf(const std::string& app, const std::string& container_id);

// Whether -p `process` selects `dyno`: "" selects all, "web" every web.N,
// "web.2" that one.
bool DynoSelected(const std::string& dyno, const std::string& process);

// kInvalidArgument unless `process` is "", a process type or TYPE.N.
Status ValidateProcessFilter(const std::string& process);

// One line of the shim's log as the app's log line; nullopt for the shim's
// own technical notes and for malformed lines.
std::optional<AppLogLine> ParseShimLogLine(const std::string& dyno, const std::string& raw);

// "TIME app[web.1]: TEXT", or TEXT alone when `raw` (logs -q).
std::string FormatAppLogLine(const AppLogLine& line, bool raw);

// Sorts by time; lines of the same time keep their order.
void SortByTime(std::vector<AppLogLine>& lines);

// Keeps the last `num` lines (all of them when num is 0).
void KeepLast(std::vector<AppLogLine>& lines, size_t num);

}  // namespace berth
