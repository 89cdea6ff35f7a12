// Resource limits as `resource:limit` stores them: properties of the "resource"
// plugin, per app, keyed "TYPE.memory", "TYPE.cpu" and "TYPE.pids", where TYPE
// is a process type or "_default" (what applies to a type without its own).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/runtime/container_spec.h"

namespace berth {

inline constexpr std::string_view kResourcePlugin = "resource";
inline constexpr std::string_view kDefaultProcessType = "_default";
// The limit names, in the order reports show them.
inline constexpr std::string_view kResourceKinds[] = {"memory", "cpu", "pids"};

// A memory size: decimal digits with an optional k, m or g suffix (binary
// units, either case); plain digits are bytes. At least 4 MiB (a process cannot
// start in less), at most 1 TiB.
Result<int64_t> ParseMemory(std::string_view text);
// CPU cores: a positive decimal such as 1, 1.5 or 0.25, at most 1024.
Result<double> ParseCpus(std::string_view text);
// A process count: a positive whole number, at most 4194304 (the kernel's pid_max limit).
Result<int64_t> ParsePids(std::string_view text);
// Checks `value` as a limit of `kind` (one of kResourceKinds).
Status ValidateResourceLimit(std::string_view kind, std::string_view value);

// The limits for processes of `type` from the resource properties of an app:
// each limit from TYPE.KIND, falling back to _default.KIND. Fails when a stored
// value does not parse (edited by hand).
Result<ResourceLimits> LimitsFor(const std::map<std::string, std::string>& properties,
                                 std::string_view type);

}  // namespace berth
