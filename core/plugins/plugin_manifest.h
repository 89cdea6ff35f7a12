// plugin.toml: a plugin's description, version and [plugin.config] settings.
#pragma once

#include <map>
#include <string>

#include "core/base/status.h"

namespace berth {

struct PluginManifest {
  std::string description;
  std::string version;
  // [plugin.config]: exported as environment variables to the plugin's scripts.
  std::map<std::string, std::string> config;
};

// Reads DIR/plugin.toml. A missing file gives an empty manifest; a file that does
// not parse, or a config key that is not a valid variable name, is an error
// naming the file, line and problem.
Result<PluginManifest> LoadPluginManifest(const std::string& dir);
Result<PluginManifest> ParsePluginManifest(std::string_view text, const std::string& source);

}  // namespace berth
