// Cron schedules: the five fields, errors naming the bad field, the next run
// (cron's "either day field" rule included) and systemd calendar expressions.
#include "core/base/cron_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CronScheduleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_tz_ = tz == nullptr ? "" : tz;
    had_tz_ = tz != nullptr;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      ::setenv("TZ", saved_tz_.c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

  // Seconds since the epoch of a UTC time.
  static std::time_t Utc(int year, int month, int day, int hour, int minute) {
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_hour = hour;
    t.tm_min = minute;
    return ::timegm(&t);
  }

  static std::time_t Next(const std::string& text, std::time_t after) {
    auto s = ParseCronSchedule(text);
    EXPECT_TRUE(s.ok()) << text << ": " << s.status().message();
    if (!s.ok()) return 0;
    auto next = NextCronRun(*s, after);
    EXPECT_TRUE(next.has_value()) << text;
    return next.value_or(0);
  }

 private:
  std::string saved_tz_;
  bool had_tz_ = false;
};

TEST_F(CronScheduleTest, ParsesFieldsRangesStepsListsAndNames) {
  auto s = ParseCronSchedule("*/15 9-17 1,15 jan-MAR mon-fri");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->minutes[0] && s->minutes[15] && s->minutes[30] && s->minutes[45]);
  EXPECT_EQ(s->minutes.count(), 4u);
  EXPECT_EQ(s->hours.count(), 9u);
  EXPECT_TRUE(s->days[1] && s->days[15]);
  EXPECT_EQ(s->days.count(), 2u);
  EXPECT_TRUE(s->months[1] && s->months[2] && s->months[3]);
  EXPECT_EQ(s->months.count(), 3u);
  EXPECT_EQ(s->weekdays.count(), 5u);
  EXPECT_FALSE(s->weekdays[0]);
  EXPECT_TRUE(s->days_restricted);
  EXPECT_TRUE(s->weekdays_restricted);
}

TEST_F(CronScheduleTest, SevenIsSundayAndStepsFromAValueRunToTheEnd) {
  auto s = ParseCronSchedule("5/20 0 * * 7");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->minutes[5] && s->minutes[25] && s->minutes[45]);
  EXPECT_EQ(s->minutes.count(), 3u);
  EXPECT_TRUE(s->weekdays[0]);
  EXPECT_FALSE(s->days_restricted);
}

TEST_F(CronScheduleTest, MacrosExpand) {
  auto daily = ParseCronSchedule("@daily");
  ASSERT_TRUE(daily.ok());
  EXPECT_EQ(daily->minutes.count(), 1u);
  EXPECT_EQ(daily->hours.count(), 1u);
  EXPECT_TRUE(ParseCronSchedule("@hourly").ok());
  EXPECT_TRUE(ParseCronSchedule("@yearly").ok());
  auto reboot = ParseCronSchedule("@reboot");
  ASSERT_FALSE(reboot.ok());
  EXPECT_THAT(reboot.status().message(), HasSubstr("unknown macro '@reboot'"));
}

TEST_F(CronScheduleTest, ErrorsNameTheBadField) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"61 * * * *", "the minute field '61': 61 is out of range 0-59"},
      {"* 24 * * *", "the hour field '24': 24 is out of range 0-23"},
      {"* * 0 * *", "the day-of-month field '0': 0 is out of range 1-31"},
      {"* * * 13 *", "the month field '13': 13 is out of range 1-12"},
      {"* * * * 8", "the day-of-week field '8': 8 is out of range 0-7"},
      {"* * * foo *", "the month field 'foo': 'foo' is not a number or a name (jan, ...)"},
      {"*/0 * * * *", "the minute field '*/0': the step '0' must be a number from 1 to 60"},
      {"5-2 * * * *", "the minute field '5-2': the range 5-2 goes backwards"},
      {"1,,2 * * * *", "the minute field '1,,2': an empty list item"},
      {"* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"},
      {"* * * * * *", "got 6"},
      {"", "got 0"},
      {"L * * * *", "the minute field 'L': 'L' is not a number"},
  };
  for (const Case& c : cases) {
    auto s = ParseCronSchedule(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST_F(CronScheduleTest, NextRunIsTheFollowingMatchingMinute) {
  std::time_t now = Utc(2026, 11, 23, 6, 30) + 17;
  EXPECT_EQ(Next("* * * * *", now), Utc(2026, 11, 23, 6, 31));
  EXPECT_EQ(Next("*/5 * * * *", now), Utc(2026, 11, 23, 6, 35));
  EXPECT_EQ(Next("30 6 * * *", now), Utc(2026, 11, 24, 6, 30));  // strictly after
  EXPECT_EQ(Next("0 0 1 1 *", now), Utc(2027, 1, 1, 0, 0));
  EXPECT_EQ(Next("@hourly", now), Utc(2026, 11, 23, 7, 0));
  EXPECT_EQ(Next("15 10 * * mon", now), Utc(2026, 11, 23, 10, 15));  // 2026-11-23 is a Monday
  EXPECT_EQ(Next("15 5 * * mon", now), Utc(2026, 11, 30, 5, 15));
  EXPECT_EQ(Next("0 0 29 2 *", now), Utc(2028, 2, 29, 0, 0));
  EXPECT_EQ(Next("59 23 31 12 *", Utc(2026, 12, 31, 23, 59)), Utc(2027, 12, 31, 23, 59));
}

TEST_F(CronScheduleTest, EitherDayFieldMatchesWhenBothAreRestricted) {
  std::time_t now = Utc(2026, 11, 23, 12, 0);  // Monday
  // The 1st of the month or any Friday: Friday the 27th comes first.
  EXPECT_EQ(Next("0 0 1 * fri", now), Utc(2026, 11, 27, 0, 0));
  // One day field a star: both must match (every 2nd day that is a Friday).
  EXPECT_EQ(Next("0 0 */2 * fri", now), Utc(2026, 11, 27, 0, 0));
  EXPECT_EQ(Next("0 0 */2 * thu", now), Utc(2026, 12, 3, 0, 0));  // the 26th is even
}

TEST_F(CronScheduleTest, ImpossibleDatesNeverRun) {
  auto s = ParseCronSchedule("0 0 30 2 *");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(NextCronRun(*s, Utc(2026, 1, 1, 0, 0)).has_value());
}

TEST_F(CronScheduleTest, SystemdCalendarExpressions) {
  auto every = ParseCronSchedule("* * * * *");
  ASSERT_TRUE(every.ok());
  EXPECT_THAT(SystemdCalendar(*every), ElementsAre("*-*-* *:*:00"));
  auto steps = ParseCronSchedule("*/15 9-11 * * mon-fri");
  ASSERT_TRUE(steps.ok());
  EXPECT_THAT(SystemdCalendar(*steps),
              ElementsAre("Mon,Tue,Wed,Thu,Fri *-*-* 09,10,11:00,15,30,45:00"));
  auto both = ParseCronSchedule("0 0 1 * sun");
  ASSERT_TRUE(both.ok());
  EXPECT_THAT(SystemdCalendar(*both), ElementsAre("*-*-01 00:00:00", "Sun *-*-* 00:00:00"));
  auto monthly = ParseCronSchedule("@monthly");
  ASSERT_TRUE(monthly.ok());
  EXPECT_THAT(SystemdCalendar(*monthly), ElementsAre("*-*-01 00:00:00"));
}

}  // namespace
}  // namespace berth
