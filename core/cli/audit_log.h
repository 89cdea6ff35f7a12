// berth's own event log, $BERTH_ROOT/logs/berth.log (rotating): one line per
// command with the acting key, the command (secrets redacted), the outcome and
// how long it took.
#pragma once

#include <chrono>
#include <string>

#include "core/base/status.h"
#include "core/cli/command.h"

namespace berth {

// Never fails the command: a log that cannot be written is skipped.
void LogCommand(const Environment& env, const std::string& command_text, const Status& status,
                std::chrono::steady_clock::duration took);

}  // namespace berth
