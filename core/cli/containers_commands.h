// Detached containers from the CLI: run:detached, run:list, run:stop, ps:stop,
// ps:retire, ps:start, ps:restore. The handlers live in containers_commands.cc
// (logs: logs_commands.cc).
#pragma once

#include <string>
#include <vector>

#include "core/cli/command.h"

namespace berth {

// The ids of the app's containers that the runtime has (ids are APP.TYPE.N...).
Result<std::vector<std::string>> AppContainers(ContainerRuntime& runtime, const std::string& app);

Status RunDetached(Context& ctx, const Args& args);
Status RunList(Context& ctx, const Args& args);
Status RunStop(Context& ctx, const Args& args);
Status PsStop(Context& ctx, const Args& args);
Status PsRetire(Context& ctx, const Args& args);
Status PsStart(Context& ctx, const Args& args);    // restore_commands.cc
Status PsRestore(Context& ctx, const Args& args);  // restore_commands.cc

}  // namespace berth
