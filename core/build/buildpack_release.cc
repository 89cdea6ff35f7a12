#include "core/build/buildpack_release.h"

#include <yaml-cpp/yaml.h>

#include "core/base/shell_words.h"
#include "core/base/validate.h"
#include "core/build/procfile.h"
#include "core/build/text_lines.h"

namespace berth {
namespace {

using Check = Status (*)(std::string_view key, std::string_view value);

Status CheckProcessCommand(std::string_view type, std::string_view command) {
  if (!IsValidProcessType(type)) {
    return InvalidArgument("invalid process type " + Quoted(type) +
                           " (use 1 to 63 letters, digits, '-' and '_')");
  }
  if (command.empty()) return InvalidArgument("process type '" + std::string(type) + "' has no command");
  if (command.find('\0') != std::string_view::npos) {
    return InvalidArgument("the command of '" + std::string(type) + "' contains a NUL byte");
  }
  return Status::Ok();
}

Status CheckConfigVar(std::string_view key, std::string_view value) {
  BERTH_RETURN_IF_ERROR(ValidateEnvKey(key));
  return ValidateEnvValue(key, value);
}

// Copies the string map at root[section] into *out, checking each pair.
Status ReadStringMap(const YAML::Node& root, const char* section, Check check,
                     std::map<std::string, std::string>* out) {
  YAML::Node map = root[section];
  if (!map || map.IsNull()) return Status::Ok();
  if (!map.IsMap()) return InvalidArgument(std::string(section) + " must be a map");
  for (const auto& pair : map) {
    if (!pair.first.IsScalar()) return InvalidArgument(std::string(section) + " has a key that is not a string");
    std::string key = pair.first.Scalar();
    if (!pair.second.IsScalar()) {
      return InvalidArgument(std::string(section) + "." + key + " must be a string");
    }
    std::string value = pair.second.Scalar();
    Status status = check(key, value);
    if (!status.ok()) return InvalidArgument(std::string(section) + ": " + status.message());
    (*out)[key] = std::move(value);
  }
  return Status::Ok();
}

}  // namespace

Result<BuildpackRelease> ParseBuildpackRelease(std::string_view yaml, std::string_view buildpack) {
  std::string who = "bin/release of " + std::string(buildpack);
  BuildpackRelease release;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root || root.IsNull()) return release;
    if (!root.IsMap()) return InvalidArgument(who + " printed YAML that is not a map");
    Status status = ReadStringMap(root, "default_process_types", &CheckProcessCommand,
                                  &release.default_process_types);
    if (status.ok()) {
      status = ReadStringMap(root, "config_vars", &CheckConfigVar, &release.config_vars);
    }
    if (!status.ok()) return InvalidArgument(who + ": " + status.message());
  } catch (const YAML::Exception& e) {
    std::string where = e.mark.is_null() ? "" : " at line " + std::to_string(e.mark.line + 1);
    return InvalidArgument(who + " printed invalid YAML" + where + ": " + e.msg);
  }
  return release;
}

std::string ConfigVarsProfileScript(const std::map<std::string, std::string>& vars) {
  std::string script =
      "# Config vars from the buildpack's bin/release (config_vars), written by berth.\n"
      "# They are defaults: a config var of the app with the same name wins.\n";
  for (const auto& [key, value] : vars) {
    if (!ValidateEnvKey(key).ok() || value.find('\0') != std::string::npos) continue;
    script += "[ -n \"${" + key + "+set}\" ] || export " + key + "=" + ShellQuote(value) + "\n";
  }
  return script;
}

}  // namespace berth
