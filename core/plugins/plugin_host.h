// PluginHost: discovers plugins and fires triggers at them.
//
// A plugin is a folder holding plugin.toml, executables named after triggers,
// and optionally subcommands/<name> (run as `berth <plugin>:<name>`) and a
// `commands` help text. Firing a trigger nobody implements starts no process.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct PluginInfo {
  std::string name;
  std::string dir;
  std::string version;      // from plugin.toml, empty when absent
  std::string description;  // from plugin.toml
  bool bundled = false;     // shipped with berth rather than installed
  std::vector<std::string> triggers;     // executables named after catalogue triggers
  std::vector<std::string> subcommands;  // names under subcommands/
  std::string help;                      // the `commands` file, if any
};

struct TriggerRequest {
  std::string_view trigger;       // a triggers::k* constant
  std::vector<std::string> args;  // positional arguments, as the catalogue lists
  std::string app;                // exported as APP when not empty
  std::string stdin_data;
};

class PluginHost {
 public:
  virtual ~PluginHost() = default;

  // Runs every implementation of the trigger in plugin-name order.
  // kVeto: the first non-zero exit stops and returns kPermissionDenied carrying the
  //   plugin's stderr. kObserve: failures are reported as warnings; returns Ok.
  // Plugin stdout (observe and veto) is passed through to the user.
  virtual Status Fire(const TriggerRequest& request) = 0;

  // Fires the trigger at the one plugin in `plugin_dir` (installed or not), with
  // Fire's semantics; Ok when that plugin does not implement it. For the
  // lifecycle triggers (install, dependencies, update, uninstall).
  virtual Status FireAt(const std::string& plugin_dir, const TriggerRequest& request) = 0;

  // For kAnswer triggers: the first non-empty stdout (trailing newlines removed),
  // or nullopt when no plugin answered.
  virtual Result<std::optional<std::string>> Query(const TriggerRequest& request) = 0;

  // Whether any plugin implements the trigger (no process is started to find out).
  virtual bool Implements(std::string_view trigger) = 0;

  virtual std::vector<PluginInfo> ListPlugins() = 0;

  // Runs `berth <plugin>:<command> args...` if a plugin provides it, with the
  // caller's stdin/stdout/stderr. nullopt when no plugin provides the command;
  // otherwise the command's exit code.
  virtual std::optional<int> RunCommand(std::string_view command,
                                        const std::vector<std::string>& args) = 0;
};

}  // namespace berth
