// The handlers berth-pipeline installs for the pipeline commands (see
// core/cli/pipeline.h), one function per file that defines them.
#pragma once

#include "core/cli/pipeline.h"

namespace berth {

void AddReceiveHandlers(PipelineHandlers& handlers);  // git-receive-pack, git-upload-pack, git-hook
void AddSourceHandlers(PipelineHandlers& handlers);   // git:from-archive, git:sync, ps:rebuild
void AddRollbackHandlers(PipelineHandlers& handlers); // releases:rollback
void AddDeployHandlers(PipelineHandlers& handlers);   // config:set/unset/clear, ps:scale, ps:restart
void AddPluginHandlers(PipelineHandlers& handlers);   // plugin:install, plugin:update

// Every handler above, in one table (berth-pipeline's main installs it).
const PipelineHandlers& AllPipelineHandlers();

}  // namespace berth
