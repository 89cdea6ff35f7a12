// What plugin:install checks in a plugin's folder before it is put in place.
#pragma once

#include <string>
#include <vector>

#include "core/base/status.h"

namespace berth {

// Checks the plugin folder `dir`: plugin.toml must parse (the error carries
// toml++'s line and column); a file named after a catalogue trigger must be
// executable; so must every file in subcommands/. Returns warnings for
// executables named like no trigger (the lifecycle triggers and `commands`
// count as known), or the first error.
Result<std::vector<std::string>> CheckPluginFolder(const std::string& dir);

}  // namespace berth
