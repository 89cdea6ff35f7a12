// The installed plugins on disk, under $BERTH_ROOT/plugins:
//   available/NAME     the plugin's files
//   enabled/NAME       a symlink to ../available/NAME while the plugin is enabled
//   sources/NAME       where it came from (kind, location, committish, commit)
//   .staging/          fetched plugins being checked, on the same file system
// Installing is staging a folder, then Commit: one rename and one symlink.
#pragma once

#include <string>

#include "core/base/status.h"
#include "core/plugins/plugin_source.h"

namespace berth {

struct InstalledSource {
  PluginSource source;
  std::string commit;  // git: the commit installed
};

class InstalledPlugins {
 public:
  explicit InstalledPlugins(std::string berth_root);

  std::string AvailableDir(const std::string& name) const;
  bool IsInstalled(const std::string& name) const;  // in available/
  bool IsEnabled(const std::string& name) const;    // linked from enabled/

  // A new, empty folder under .staging/ for fetching `name` into.
  Result<std::string> MakeStaging(const std::string& name) const;

  // Moves the staged folder to available/NAME (which must not exist), records
  // its source and enables it.
  Status Commit(const std::string& staged, const std::string& name, const InstalledSource& source);

  // Swaps the staged folder with the installed one; the old files go to the
  // returned folder (under .staging/), for Restore or removal.
  Result<std::string> Replace(const std::string& staged, const std::string& name,
                              const InstalledSource& source);
  // Puts the folder Replace returned back in place, with the previous source.
  Status Restore(const std::string& old, const std::string& name, const InstalledSource& source);

  Status Enable(const std::string& name);
  Status Disable(const std::string& name);
  // Removes the link, the files and the source record; missing parts are fine.
  void Remove(const std::string& name);

  Result<InstalledSource> Source(const std::string& name) const;

 private:
  Status WriteSource(const std::string& name, const InstalledSource& source);

  std::string dir_;  // $BERTH_ROOT/plugins
};

}  // namespace berth
