#include "core/plugins/plugin_manifest.h"

#include <sstream>
#include <toml++/toml.h>

#include "core/base/files.h"
#include "core/base/validate.h"

namespace berth {

Result<PluginManifest> ParsePluginManifest(std::string_view text, const std::string& source) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return InvalidArgument(msg.str());
  }
  PluginManifest manifest;
  const toml::table* plugin = table["plugin"].as_table();
  if (plugin == nullptr) return manifest;
  manifest.description = (*plugin)["description"].value_or(std::string());
  manifest.version = (*plugin)["version"].value_or(std::string());
  if (const toml::table* config = (*plugin)["config"].as_table()) {
    for (const auto& [key, node] : *config) {
      std::string name(key.str());
      Status valid = ValidateEnvKey(name);
      if (!valid.ok()) return InvalidArgument(source + ": [plugin.config] " + valid.message());
      if (auto s = node.value_exact<std::string>()) {
        manifest.config[name] = *s;
      } else if (auto i = node.value_exact<int64_t>()) {
        manifest.config[name] = std::to_string(*i);
      } else if (auto b = node.value_exact<bool>()) {
        manifest.config[name] = *b ? "true" : "false";
      } else {
        return InvalidArgument(source + ": [plugin.config] " + name +
                               " must be a string, integer or boolean");
      }
    }
  }
  return manifest;
}

Result<PluginManifest> LoadPluginManifest(const std::string& dir) {
  std::string path = dir + "/plugin.toml";
  auto text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return PluginManifest{};
    return text.status();
  }
  return ParsePluginManifest(*text, path);
}

}  // namespace berth
