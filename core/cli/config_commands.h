// config:set, config:import, config:unset and config:clear change an app's config vars;
// berth-pipeline runs them (the change is followed by a deploy, see
// core/cli/pipeline/deploy_commands.cc).
#pragma once

#include <string>
#include <vector>

#include "core/cli/command.h"

namespace berth {

// What config:import changed: the keys it set and, with --replace, removed.
struct ConfigImportResult {
  std::vector<std::string> keys;
  std::vector<std::string> removed;
};
Result<ConfigImportResult> ConfigImport(Context& ctx, const Args& args);
Status ConfigSet(Context& ctx, const Args& args);
Status ConfigUnset(Context& ctx, const Args& args);
Status ConfigClear(Context& ctx, const Args& args);

}  // namespace berth
