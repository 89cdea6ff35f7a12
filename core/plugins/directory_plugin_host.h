// DirectoryPluginHost: plugins found as folders in a list of directories
// (berth's bundled plugins, then $BERTH_ROOT/plugins/enabled). Nothing is read
// until a trigger fires: then one listing of each directory finds the plugins,
// and one stat per plugin finds who implements that trigger (remembered for the
// rest of the process). No plugin process starts for a trigger nobody implements.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/base/output.h"
#include "core/base/process.h"
#include "core/plugins/plugin_host.h"
#include "core/plugins/trigger_spec.h"

namespace berth {

struct PluginDirectory {
  std::string path;
  bool bundled = false;
};

struct PluginHostOptions {
  // Searched in order; when two hold a plugin of the same name, the first wins.
  std::vector<PluginDirectory> directories;
  // Exported as PLUGIN_PATH.
  std::string enabled_dir;
  // Exported to every plugin process (BERTH_ROOT, BERTH_BIN, ...).
  std::map<std::string, std::string> env;
  // --trace: print every plugin process berth starts, on stderr.
  bool trace = false;
};

class DirectoryPluginHost : public PluginHost {
 public:
  DirectoryPluginHost(ProcessRunner& runner, Output& out, PluginHostOptions options);

  Status Fire(const TriggerRequest& request) override;
  Status FireAt(const std::string& plugin_dir, const TriggerRequest& request) override;
  Result<std::optional<std::string>> Query(const TriggerRequest& request) override;
  bool Implements(std::string_view trigger) override;
  std::vector<PluginInfo> ListPlugins() override;
  std::optional<int> RunCommand(std::string_view command,
                                const std::vector<std::string>& args) override;

 private:
  struct Plugin {
    std::string name;
    std::string dir;
    bool bundled = false;
  };

  void BuildIndex();
  void Trace(const std::vector<std::string>& argv);
  const std::vector<const Plugin*>& Implementers(std::string_view trigger);
  // The environment one plugin process runs with.
  std::map<std::string, std::string> PluginEnv(const Plugin& plugin, const std::string& app);
  // Runs one plugin's implementation and applies the trigger kind's rules:
  // a veto's refusal is returned, an observer's failure printed as a warning.
  Status FireOne(const TriggerSpec& spec, const Plugin& plugin, const TriggerRequest& request);
  Result<ProcessResult> RunTrigger(const Plugin& plugin, const TriggerRequest& request,
                                   int timeout_seconds);

  ProcessRunner& runner_;
  Output& out_;
  PluginHostOptions options_;
  bool indexed_ = false;
  std::vector<Plugin> plugins_;  // sorted by name; entries not checked to be folders
  // Filled per trigger on first use.
  std::map<std::string, std::vector<const Plugin*>, std::less<>> by_trigger_;
};

}  // namespace berth
