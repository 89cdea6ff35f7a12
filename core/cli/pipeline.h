// Commands that need libgit2 or libarchive (receiving pushes, building,
// slugs) run in a second executable, berth-pipeline, so that every other
// command starts without loading those libraries: they would cost each berth
// process about 15 ms. Both executables share the command table; in `berth`
// such commands have no handler and main forwards them with execv, argv
// unchanged (ssh-dispatch included, so the pipeline sees the same caller).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/cli/command.h"

namespace berth {

using PipelineHandlers = std::map<std::string_view, Handler>;

// Called by berth-pipeline's main before the command table is first used.
void InstallPipelineHandlers(const PipelineHandlers& handlers);

// The handler of a pipeline command: nullptr in `berth`, which forwards it.
Handler PipelineHandler(std::string_view command);

// Whether `command` is one of berth-pipeline's commands.
bool IsPipelineCommand(std::string_view command);

// Whether `words` (after global flags) must run in berth-pipeline: a pipeline
// command, and this is berth itself.
bool NeedsPipeline(const std::vector<std::string>& words);

// Replaces this process with berth-pipeline (beside `berth_bin`) run with
// `argv`. Returns only on failure.
Status ExecPipeline(const std::string& berth_bin, char** argv);

}  // namespace berth
