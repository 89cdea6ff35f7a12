// ps:scale records the formation; berth-pipeline runs it so the running
// containers follow (core/cli/pipeline/deploy_commands.cc).
#pragma once

#include "core/cli/command.h"

namespace berth {

Status PsScale(Context& ctx, const Args& args);

}  // namespace berth
