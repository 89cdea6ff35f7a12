// config:set, config:unset and config:clear change an app's config vars;
// berth-pipeline runs them (the change is followed by a deploy, see
// core/cli/pipeline/deploy_commands.cc).
#pragma once

#include "core/cli/command.h"

namespace berth {

Status ConfigSet(Context& ctx, const Args& args);
Status ConfigUnset(Context& ctx, const Args& args);
Status ConfigClear(Context& ctx, const Args& args);

}  // namespace berth
