#include "core/base/cron_schedule.h"

#include <array>
#include <charconv>

#include "core/base/strings.h"

namespace berth {
namespace {

struct FieldSpec {
  std::string_view name;
  int lo;
  int hi;
  std::array<std::string_view, 12> names;  // names[i] is lo + i; empty when none
};

constexpr FieldSpec kMinute{"minute", 0, 59, {}};
constexpr FieldSpec kHour{"hour", 0, 23, {}};
constexpr FieldSpec kDay{"day-of-month", 1, 31, {}};
constexpr FieldSpec kMonth{
    "month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
constexpr FieldSpec kWeekday{"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

constexpr std::array<std::string_view, 7> kSystemdDays = {"Sun", "Mon", "Tue", "Wed",
                                                          "Thu", "Fri", "Sat"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status FieldError(const FieldSpec& spec, std::string_view field, const std::string& why) {
  return InvalidArgument("the " + std::string(spec.name) + " field '" +
                         std::string(field.substr(0, 40)) + "': " + why);
}

// A number or (for months and weekdays) a name.
Result<int> ParseValue(const FieldSpec& spec, std::string_view field, std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
    if (value < spec.lo || value > spec.hi) {
      return FieldError(spec, field,
                        std::string(text) + " is out of range " + std::to_string(spec.lo) + "-" +
                            std::to_string(spec.hi));
    }
    return value;
  }
  std::string name = Lower(text);
  for (size_t i = 0; i < spec.names.size(); ++i) {
    if (!spec.names[i].empty() && spec.names[i] == name) return spec.lo + static_cast<int>(i);
  }
  std::string why = "'" + std::string(text.substr(0, 20)) + "' is not a number";
  if (!spec.names[0].empty()) why += " or a name (" + std::string(spec.names[0]) + ", ...)";
  return FieldError(spec, field, why);
}

// One field into `bits` (index = value). Returns whether the field starts
// with `*` or `?` (cron's "unrestricted" for the day fields).
Result<bool> ParseField(const FieldSpec& spec, std::string_view field, std::vector<bool>& bits) {
  bits.assign(static_cast<size_t>(spec.hi + 1), false);
  size_t pos = 0;
  while (pos <= field.size()) {
    size_t comma = field.find(',', pos);
    if (comma == std::string_view::npos) comma = field.size();
    std::string_view item = field.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) return FieldError(spec, field, "an empty list item");
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      std::string_view step_text = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (ec != std::errc() || end != step_text.data() + step_text.size() || step_text.empty() ||
          step < 1 || step > spec.hi - spec.lo + 1) {
        return FieldError(spec, field, "the step '" + std::string(step_text.substr(0, 20)) +
                                           "' must be a number from 1 to " +
                                           std::to_string(spec.hi - spec.lo + 1));
      }
      item = item.substr(0, slash);
    }
    int first = spec.lo, last = spec.hi;
    if (item == "*" || item == "?") {
      // every value
    } else if (size_t dash = item.find('-'); dash != std::string_view::npos) {
      BERTH_ASSIGN_OR_RETURN(first, ParseValue(spec, field, item.substr(0, dash)));
      BERTH_ASSIGN_OR_RETURN(last, ParseValue(spec, field, item.substr(dash + 1)));
      if (first > last) {
        return FieldError(spec, field, "the range " + std::string(item) + " goes backwards");
      }
    } else {
      BERTH_ASSIGN_OR_RETURN(first, ParseValue(spec, field, item));
      last = step > 1 ? spec.hi : first;  // "5/15" is "5-59/15", as cron reads it
    }
    for (int v = first; v <= last; v += step) bits[static_cast<size_t>(v)] = true;
  }
  return field.starts_with("*") || field.starts_with("?");
}

template <size_t N>
void Copy(const std::vector<bool>& bits, std::bitset<N>& out) {
  for (size_t i = 0; i < N && i < bits.size(); ++i) out[i] = bits[i];
}

std::string_view Expand(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return text;
}

bool DayMatches(const CronSchedule& s, const std::tm& t) {
  bool day = s.days[static_cast<size_t>(t.tm_mday)];
  bool weekday = s.weekdays[static_cast<size_t>(t.tm_wday)];
  if (s.days_restricted && s.weekdays_restricted) return day || weekday;
  return day && weekday;
}

template <size_t N>
std::string CalendarList(const std::bitset<N>& bits, size_t from, size_t to) {
  bool all = true;
  for (size_t i = from; i <= to; ++i) all = all && bits[i];
  if (all) return "*";
  std::vector<std::string> values;
  for (size_t i = from; i <= to; ++i) {
    if (bits[i]) values.push_back((i < 10 ? "0" : "") + std::to_string(i));
  }
  return JoinStrings(values, ",");
}

}  // namespace

Result<CronSchedule> ParseCronSchedule(std::string_view text) {
  std::string_view expanded = Expand(text);
  if (expanded.starts_with("@")) {
    return InvalidArgument("unknown macro '" + std::string(text.substr(0, 20)) +
                           "': use @hourly, @daily, @midnight, @weekly, @monthly, @yearly "
                           "or @annually");
  }
  std::vector<std::string> fields = SplitBlanks(expanded);
  if (fields.size() != 5) {
    return InvalidArgument(
        "expected 5 fields (minute hour day-of-month month day-of-week), got " +
        std::to_string(fields.size()));
  }
  CronSchedule s;
  std::vector<bool> bits;
  BERTH_RETURN_IF_ERROR(ParseField(kMinute, fields[0], bits).status());
  Copy(bits, s.minutes);
  BERTH_RETURN_IF_ERROR(ParseField(kHour, fields[1], bits).status());
  Copy(bits, s.hours);
  BERTH_ASSIGN_OR_RETURN(bool any_day, ParseField(kDay, fields[2], bits));
  Copy(bits, s.days);
  BERTH_RETURN_IF_ERROR(ParseField(kMonth, fields[3], bits).status());
  Copy(bits, s.months);
  BERTH_ASSIGN_OR_RETURN(bool any_weekday, ParseField(kWeekday, fields[4], bits));
  if (bits[7]) bits[0] = true;  // 7 is Sunday too
  Copy(bits, s.weekdays);
  s.days_restricted = !any_day;
  s.weekdays_restricted = !any_weekday;
  return s;
}

std::optional<std::time_t> NextCronRun(const CronSchedule& s, std::time_t after) {
  std::time_t start = after - (after % 60) + 60;
  std::tm t{};
  if (::localtime_r(&start, &t) == nullptr) return std::nullopt;
  t.tm_sec = 0;
  const int limit_year = t.tm_year + 8;
  auto normalize = [&t]() {
    t.tm_isdst = -1;
    std::time_t when = std::mktime(&t);
    ::localtime_r(&when, &t);
    return when;
  };
  // Each step moves to the start of the next candidate month, day, hour or
  // minute, so this ends within a few thousand steps.
  while (t.tm_year <= limit_year) {
    if (!s.months[static_cast<size_t>(t.tm_mon + 1)]) {
      t.tm_mon += 1;
      t.tm_mday = 1;
      t.tm_hour = 0;
      t.tm_min = 0;
    } else if (!DayMatches(s, t)) {
      t.tm_mday += 1;
      t.tm_hour = 0;
      t.tm_min = 0;
    } else if (!s.hours[static_cast<size_t>(t.tm_hour)]) {
      t.tm_hour += 1;
      t.tm_min = 0;
    } else if (!s.minutes[static_cast<size_t>(t.tm_min)]) {
      t.tm_min += 1;
    } else {
      t.tm_isdst = -1;
      std::tm copy = t;
      return std::mktime(&copy);
    }
    normalize();
  }
  return std::nullopt;
}

std::vector<std::string> SystemdCalendar(const CronSchedule& s) {
  std::string month = CalendarList(s.months, 1, 12);
  std::string time = CalendarList(s.hours, 0, 23) + ":" + CalendarList(s.minutes, 0, 59) + ":00";
  std::vector<std::string> weekdays;
  bool all_weekdays = true;
  for (size_t i = 0; i < 7; ++i) {
    if (s.weekdays[i]) weekdays.emplace_back(kSystemdDays[i]);
    all_weekdays = all_weekdays && s.weekdays[i];
  }
  std::string dow = all_weekdays ? "" : JoinStrings(weekdays, ",") + " ";
  std::string dom = CalendarList(s.days, 1, 31);
  if (s.days_restricted && s.weekdays_restricted) {
    return {"*-" + month + "-" + dom + " " + time, dow + "*-" + month + "-* " + time};
  }
  return {dow + "*-" + month + "-" + dom + " " + time};
}

}  // namespace berth
