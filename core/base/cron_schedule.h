// Cron schedules as crontab(5) writes them: five fields (minute, hour, day of
// month, month, day of week) of `*`, numbers, names (jan-dec, sun-sat), ranges
// `a-b`, steps `*/n` and `a-b/n`, and lists `x,y`; or a macro (@hourly, @daily,
// @midnight, @weekly, @monthly, @yearly, @annually). `?` reads as `*`. As in
// cron, when both day fields are restricted a day matching either one runs.
#pragma once

#include <bitset>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct CronSchedule {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;      // 1-31
  std::bitset<13> months;    // 1-12
  std::bitset<7> weekdays;   // 0 (Sunday) - 6; 7 reads as 0
  bool days_restricted = false;      // the day-of-month field is not `*`
  bool weekdays_restricted = false;  // the day-of-week field is not `*`
};

// kInvalidArgument naming the bad field: "the minute field '61': 61 is out of
// range 0-59", "expected 5 fields (minute hour day-of-month month
// day-of-week), got 4".
Result<CronSchedule> ParseCronSchedule(std::string_view text);

// The first minute strictly after `after` (seconds since the epoch) at which
// the schedule runs, in the host's local time; nullopt when it never does
// (e.g. "0 0 30 2 *") within the next eight years.
std::optional<std::time_t> NextCronRun(const CronSchedule& schedule, std::time_t after);

// systemd.time(7) calendar expressions (OnCalendar=) that together fire
// exactly when the schedule does: one, or two when both day fields are
// restricted (systemd matches them with "and", cron with "or").
std::vector<std::string> SystemdCalendar(const CronSchedule& schedule);

}  // namespace berth
