// Check settings (the checks:* commands), kept as properties of the "checks"
// plugin: the seconds per app or global, the disabled and skipped process types
// per app. Nothing here touches the network: berth's CLI links it, and berth
// loads no shared library (Boost.Asio and OpenSSL stay in berth_health).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/deploy/health_check.h"
#include "core/state/store.h"

namespace berth {

inline constexpr char kChecksPlugin[] = "checks";
// In a list of process types: every process type.
inline constexpr char kAllProcessTypes[] = "_all_";

// How one process type of an app is deployed (Dokku's semantics).
struct AppCheckPolicy {
  bool disabled = false;  // no checks and no zero downtime: old containers stop first
  bool skipped = false;   // no checks, but new containers still start beside the old
  CheckSettings settings;
  std::chrono::seconds wait_to_retire{60};  // before old containers are stopped
};

// Reads the stored settings of `app` for `process_type` (app over global over
// defaults). kInvalidArgument for a malformed process type, kInternal for a
// stored value that no longer parses.
Result<AppCheckPolicy> LoadCheckPolicy(Store& store, const std::string& app,
                                       const std::string& process_type);

// A checks:set key; every value is whole seconds.
struct CheckSettingKey {
  std::string_view key;  // "wait"
  int min_seconds;
  int max_seconds;
  int default_seconds;
};
inline constexpr CheckSettingKey kCheckSettingKeys[] = {
    {"wait", 0, 3600, 2},             // the default check: stay up this long
    {"timeout", 1, 3600, 30},         // the default check: connect within this
    {"wait-to-retire", 0, 3600, 60},  // old containers live on this long
};

// kInvalidArgument, naming the known keys, unless `key` is one.
Status ValidateCheckSettingKey(std::string_view key);
// The seconds `value` gives `key`; kInvalidArgument naming the known keys or
// the allowed range.
Result<int> ParseCheckSetting(std::string_view key, std::string_view value);

// "web,worker" as a list of process types, each validated; "" and "_all_"
// give {"_all_"}.
Result<std::vector<std::string>> ParseProcessTypeList(std::string_view text);

enum class CheckMode { kEnabled, kDisabled, kSkipped };

// The process types of an app whose checks are disabled or skipped; a list
// {"_all_"} covers every type. A type in both is disabled.
struct CheckModes {
  std::vector<std::string> disabled;
  std::vector<std::string> skipped;
};
Result<CheckModes> LoadCheckModes(Store& store, const std::string& app);

// Puts `types` of `app` ({"_all_"}: every type) in `mode`: checks:enable,
// checks:disable, checks:skip. kFailedPrecondition, changing nothing, when a
// single type is to leave a mode that covers every type (the other types are
// not known here): enable all first.
Status SetCheckMode(Store& store, const std::string& app, CheckMode mode,
                    const std::vector<std::string>& types);

}  // namespace berth
