// Fetching a plugin's files from its source into a staging folder, for
// plugin:install and plugin:update (berth-pipeline: libgit2 and libarchive).
#pragma once

#include <string>

#include "core/cli/command.h"
#include "core/plugins/plugin_source.h"

namespace berth {

struct FetchedPlugin {
  std::string dir;     // the plugin's files: STAGING/tree
  std::string commit;  // git sources: the commit fetched
};

// Copies a folder, extracts a tarball (downloaded with curl when it is a URL;
// entries are checked as for app archives) or exports a git commit (the
// committish, else the default branch) into `staging`/tree, then checks the
// result (CheckPluginFolder), printing its warnings. Nothing outside `staging`
// is written.
Result<FetchedPlugin> FetchPlugin(Context& ctx, const PluginSource& source,
                                  const std::string& staging);

}  // namespace berth
