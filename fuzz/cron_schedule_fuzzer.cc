// A cron schedule from app.json's cron entries: any text gives a schedule
// (whose next run and systemd calendar can be computed) or an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/cron_schedule.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto schedule = berth::ParseCronSchedule(text);
  if (!schedule.ok()) {
    BERTH_FUZZ_CHECK(!schedule.status().message().empty());
    return 0;
  }
  BERTH_FUZZ_CHECK(schedule->minutes.any() && schedule->hours.any());
  (void)berth::NextCronRun(*schedule, 1700000000);
  BERTH_FUZZ_CHECK(!berth::SystemdCalendar(*schedule).empty());
  return 0;
}
