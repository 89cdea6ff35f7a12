#include "core/deploy/health_settings.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/base/strings.h"
#include "core/base/validate.h"

namespace berth {
namespace {

constexpr char kDisabledKey[] = "disabled";
constexpr char kSkippedKey[] = "skipped";

std::string Shown(std::string_view text) {
  return "'" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "...'" : "'");
}

std::string KnownKeys() {
  std::string keys;
  for (const auto& k : kCheckSettingKeys) keys += (keys.empty() ? "" : ", ") + std::string(k.key);
  return keys;
}

bool IsAll(const std::vector<std::string>& types) {
  return types.size() == 1 && types[0] == kAllProcessTypes;
}

bool Covers(const std::vector<std::string>& list, const std::string& type) {
  return IsAll(list) || std::find(list.begin(), list.end(), type) != list.end();
}

// Splits a stored or given list; empty items are dropped, duplicates kept once.
std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> items;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = std::min(text.find(',', begin), text.size());
    std::string item(text.substr(begin, end - begin));
    if (!item.empty() && std::find(items.begin(), items.end(), item) == items.end()) {
      items.push_back(std::move(item));
    }
    begin = end + 1;
  }
  return items;
}

Status WriteList(Store& store, const std::string& app, const char* key,
                 const std::vector<std::string>& list) {
  if (list.empty()) return store.UnsetProperty(kChecksPlugin, Scope::App(app), key);
  return store.SetProperty(kChecksPlugin, Scope::App(app), key, JoinStrings(list, ","));
}

std::string_view ModeWord(CheckMode mode) {
  switch (mode) {
    case CheckMode::kEnabled:
      return "enabled";
    case CheckMode::kDisabled:
      return "disabled";
    case CheckMode::kSkipped:
      return "skipped";
  }
  return "";
}

// What checks:enable/disable/skip make of the current lists.
Result<CheckModes> Apply(CheckModes modes, CheckMode mode, const std::vector<std::string>& types,
                         const std::string& app) {
  if (IsAll(types)) {
    modes.disabled.clear();
    modes.skipped.clear();
    if (mode == CheckMode::kDisabled) modes.disabled = types;
    if (mode == CheckMode::kSkipped) modes.skipped = types;
    return modes;
  }
  // A type leaving an every-type mode would need the other types spelt out.
  // Disabling a type while every type is skipped is fine: disabled wins.
  auto refuse = [&](CheckMode all_mode) -> Status {
    return FailedPrecondition(
        "Checks are " + std::string(ModeWord(all_mode)) + " for every process type of " + app +
        "; run `berth checks:enable " + app + "` first, then " +
        (mode == CheckMode::kDisabled ? "disable" : "skip") + " only the types you want");
  };
  if (IsAll(modes.disabled) && mode != CheckMode::kDisabled) {
    if (mode == CheckMode::kEnabled) {
      return FailedPrecondition("Checks are disabled for every process type of " + app +
                                "; run `berth checks:enable " + app +
                                "` to enable them all, then disable the types you want");
    }
    return refuse(CheckMode::kDisabled);
  }
  if (IsAll(modes.skipped) && mode == CheckMode::kEnabled) {
    return FailedPrecondition("Checks are skipped for every process type of " + app +
                              "; run `berth checks:enable " + app +
                              "` to enable them all, then skip the types you want");
  }
  auto remove = [](std::vector<std::string>* list, const std::string& type) {
    if (IsAll(*list)) return;
    list->erase(std::remove(list->begin(), list->end(), type), list->end());
  };
  auto add = [](std::vector<std::string>* list, const std::string& type) {
    if (!Covers(*list, type)) list->push_back(type);
  };
  for (const auto& type : types) {
    remove(&modes.disabled, type);
    remove(&modes.skipped, type);
    if (mode == CheckMode::kDisabled) add(&modes.disabled, type);
    if (mode == CheckMode::kSkipped) add(&modes.skipped, type);
  }
  return modes;
}

}  // namespace

Status ValidateCheckSettingKey(std::string_view key) {
  for (const auto& k : kCheckSettingKeys) {
    if (k.key == key) return Status::Ok();
  }
  return InvalidArgument("Unknown checks setting " + Shown(key) + "; keys: " + KnownKeys());
}

Result<int> ParseCheckSetting(std::string_view key, std::string_view value) {
  BERTH_RETURN_IF_ERROR(ValidateCheckSettingKey(key));
  const CheckSettingKey* spec = nullptr;
  for (const auto& k : kCheckSettingKeys) {
    if (k.key == key) spec = &k;
  }
  int seconds = -1;
  bool digits = !value.empty() && value.size() <= 9;
  for (char c : value) digits = digits && c >= '0' && c <= '9';
  if (digits) std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (!digits || seconds < spec->min_seconds || seconds > spec->max_seconds) {
    return InvalidArgument("Invalid " + std::string(key) + " " + Shown(value) +
                           ": use a whole number of seconds from " +
                           std::to_string(spec->min_seconds) + " to " +
                           std::to_string(spec->max_seconds));
  }
  return seconds;
}

Result<std::vector<std::string>> ParseProcessTypeList(std::string_view text) {
  std::vector<std::string> types = Split(text);
  if (types.empty() || std::find(types.begin(), types.end(), kAllProcessTypes) != types.end()) {
    return std::vector<std::string>{kAllProcessTypes};
  }
  for (const auto& type : types) BERTH_RETURN_IF_ERROR(ValidateProcessType(type));
  return types;
}

Result<CheckModes> LoadCheckModes(Store& store, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto props, store.ListProperties(kChecksPlugin, Scope::App(app)));
  CheckModes modes;
  if (auto it = props.find(kDisabledKey); it != props.end()) modes.disabled = Split(it->second);
  if (auto it = props.find(kSkippedKey); it != props.end()) modes.skipped = Split(it->second);
  return modes;
}

Status SetCheckMode(Store& store, const std::string& app, CheckMode mode,
                    const std::vector<std::string>& types) {
  if (types.empty()) return InvalidArgument("Please name the process types, or _all_");
  if (!IsAll(types)) {
    for (const auto& type : types) BERTH_RETURN_IF_ERROR(ValidateProcessType(type));
  }
  BERTH_ASSIGN_OR_RETURN(CheckModes current, LoadCheckModes(store, app));
  BERTH_ASSIGN_OR_RETURN(CheckModes next, Apply(current, mode, types, app));
  BERTH_RETURN_IF_ERROR(WriteList(store, app, kDisabledKey, next.disabled));
  return WriteList(store, app, kSkippedKey, next.skipped);
}

Result<AppCheckPolicy> LoadCheckPolicy(Store& store, const std::string& app,
                                       const std::string& process_type) {
  BERTH_RETURN_IF_ERROR(ValidateProcessType(process_type));
  BERTH_ASSIGN_OR_RETURN(auto mine, store.ListProperties(kChecksPlugin, Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(auto global, store.ListProperties(kChecksPlugin, Scope::Global()));
  std::map<std::string_view, int> seconds;
  for (const auto& spec : kCheckSettingKeys) {
    std::string key(spec.key);
    const std::string* stored = nullptr;
    std::string where;
    if (auto it = mine.find(key); it != mine.end()) {
      stored = &it->second;
      where = app;
    } else if (auto g = global.find(key); g != global.end()) {
      stored = &g->second;
      where = "--global";
    }
    seconds[spec.key] = spec.default_seconds;
    if (stored == nullptr) continue;
    auto parsed = ParseCheckSetting(key, *stored);
    if (!parsed.ok()) {
      return Internal("The stored checks setting " + key + " of " + where + " is broken (" +
                      parsed.status().message() + "); set it again with `berth checks:set " +
                      where + " " + key + " N`");
    }
    seconds[spec.key] = *parsed;
  }
  AppCheckPolicy policy;
  policy.settings.default_wait = std::chrono::seconds(seconds["wait"]);
  policy.settings.default_timeout = std::chrono::seconds(seconds["timeout"]);
  policy.wait_to_retire = std::chrono::seconds(seconds["wait-to-retire"]);
  BERTH_ASSIGN_OR_RETURN(CheckModes modes, LoadCheckModes(store, app));
  policy.disabled = Covers(modes.disabled, process_type);
  policy.skipped = !policy.disabled && Covers(modes.skipped, process_type);
  return policy;
}

}  // namespace berth
