// Validation of every name, key, domain and port a user hands berth. Each check
// returns a Status whose message says what was wrong and what is allowed, so a
// command can refuse before it touches any state.
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace berth {

// Lowercase letters, digits and dashes, starting with a letter or digit; at most 63.
Status ValidateAppName(std::string_view name);
// An environment variable name: [A-Za-z_][A-Za-z0-9_]*, at most 255 characters.
Status ValidateEnvKey(std::string_view key);
// A config value: any bytes but NUL, up to 256 KiB.
Status ValidateEnvValue(std::string_view key, std::string_view value);
// A hostname (RFC 1123 labels), optionally with a leading "*." wildcard.
Status ValidateDomain(std::string_view domain);
// A TCP port, 1..65535, written in decimal digits only.
Result<int> ParsePort(std::string_view text);
// A process type from a Procfile: letters, digits, dashes and underscores.
Status ValidateProcessType(std::string_view type);
// A name for an ssh key or a plugin: letters, digits, '.', '_', '@', '-'.
Status ValidateSimpleName(std::string_view what, std::string_view name);
// A restart policy of a detached container: no, always, on-failure[:N].
Status ValidateRestartPolicy(std::string_view policy);
// A non-negative count no larger than `max`, decimal digits only.
Result<int> ParseCount(std::string_view what, std::string_view text, int max);

}  // namespace berth
