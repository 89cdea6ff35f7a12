#include "core/cli/app_logs.h"

#include <algorithm>
#include <ostream>

namespace berth {
namespace {

using Lines = std::vector<std::string>;

// The lines of `current` (the whole current log) after the last line of
// `recent` (read just before): what was written in between. All of them when
// that line is not there: the log rotated in between, or was empty.
Lines::const_iterator GainedSince(const Lines& recent, const Lines& current) {
  if (recent.empty()) return current.begin();
  auto last = std::find(current.rbegin(), current.rend(), recent.back());
  return last == current.rend() ? current.begin() : last.base();
}

}  // namespace

AppLogReader::AppLogReader(ContainerRuntime& runtime, std::string app, std::string process)
    : runtime_(runtime), app_(std::move(app)), process_(std::move(process)) {}

Result<std::vector<std::string>> AppLogReader::Containers() {
  BERTH_ASSIGN_OR_RETURN(auto ids, runtime_.List());
  std::erase_if(ids, [&](const std::string& id) {
    return !id.starts_with(app_ + ".") || !DynoSelected(DynoOf(app_, id), process_);
  });
  return ids;
}

std::vector<AppLogLine> AppLogReader::Parse(const std::string& id,
                                            const std::vector<std::string>& raw) const {
  std::vector<AppLogLine> lines;
  std::string dyno = DynoOf(app_, id);
  for (const std::string& r : raw) {
    if (auto line = ParseShimLogLine(dyno, r)) lines.push_back(std::move(*line));
  }
  return lines;
}

Result<std::vector<AppLogLine>> AppLogReader::Recent(size_t num) {
  BERTH_ASSIGN_OR_RETURN(auto ids, Containers());
  std::vector<AppLogLine> merged;
  offsets_.clear();
  for (const std::string& id : ids) {
    // A container removed meanwhile has nothing to show.
    auto recent = runtime_.Logs(id, num);
    if (!recent.ok()) continue;
    // Where its current log ends, and what it gained since Logs read it.
    uint64_t offset = 0;
    auto current = runtime_.LogsAfter(id, offset);
    if (!current.ok()) continue;
    offsets_[id] = offset;
    recent->insert(recent->end(), GainedSince(*recent, *current), current->cend());
    for (AppLogLine& line : Parse(id, *recent)) merged.push_back(std::move(line));
  }
  SortByTime(merged);
  KeepLast(merged, num);
  return merged;
}

Result<std::vector<AppLogLine>> AppLogReader::Next() {
  BERTH_ASSIGN_OR_RETURN(auto ids, Containers());
  std::map<std::string, uint64_t> offsets;
  std::vector<AppLogLine> merged;
  for (const std::string& id : ids) {
    auto known = offsets_.find(id);
    uint64_t offset = known == offsets_.end() ? 0 : known->second;
    auto lines = runtime_.LogsAfter(id, offset);
    if (!lines.ok()) continue;
    offsets[id] = offset;
    for (AppLogLine& line : Parse(id, *lines)) merged.push_back(std::move(line));
  }
  offsets_ = std::move(offsets);
  SortByTime(merged);
  return merged;
}

Status FollowAppLogs(AppLogReader& reader, Output& out, bool raw, FollowControl& control) {
  while (!control.Stopped()) {
    control.Wait();
    if (control.Stopped()) break;
    BERTH_ASSIGN_OR_RETURN(auto lines, reader.Next());
    for (const AppLogLine& line : lines) out.Line(FormatAppLogLine(line, raw));
    out.Flush();
    if (!out.out().good()) break;  // nobody reads any more
  }
  return Status::Ok();
}

}  // namespace berth
