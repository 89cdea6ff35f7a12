#include "core/cli/pipeline/pipeline_commands.h"

namespace berth {

const PipelineHandlers& AllPipelineHandlers() {
  static const PipelineHandlers handlers = [] {
    PipelineHandlers h;
    AddReceiveHandlers(h);
    AddSourceHandlers(h);
    AddRollbackHandlers(h);
    AddDeployHandlers(h);
    AddPluginHandlers(h);
    return h;
  }();
  return handlers;
}

}  // namespace berth
