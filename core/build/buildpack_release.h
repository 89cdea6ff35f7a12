// What a buildpack's bin/release prints: YAML with default process types and
// legacy config vars (its `addons` are ignored).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace berth {

struct BuildpackRelease {
  std::map<std::string, std::string> default_process_types;  // type -> command
  std::map<std::string, std::string> config_vars;            // legacy; see ConfigVarsProfileScript
};

// Parses the output of `bin/release` of `buildpack` (named in messages). Empty
// output gives an empty release. Fails (kInvalidArgument) on invalid YAML
// ("bin/release of X printed invalid YAML at line N: ..."), on a value that is
// not a plain string, on a process type failing IsValidProcessType, on an empty
// command and on a config var key that is not [A-Za-z_][A-Za-z0-9_]*.
Result<BuildpackRelease> ParseBuildpackRelease(std::string_view yaml, std::string_view buildpack);

// A .profile.d script that exports `vars` as defaults (a var the process
// already has wins, as on Heroku): a header comment, then one
// `[ -n "${KEY+set}" ] || export KEY='value'` line a var, sorted by key, with
// single quotes written as '\''. Keys that are not valid variable names, and values holding a NUL
// byte, are left out.
std::string ConfigVarsProfileScript(const std::map<std::string, std::string>& vars);

}  // namespace berth
