// berth-pipeline: the commands that need libgit2 and libarchive (see
// core/cli/pipeline.h). berth forwards them here with the same argv.
#include "core/cli/berth_main.h"
#include "core/cli/pipeline/pipeline_commands.h"

int main(int argc, char** argv) {
  static berth::PipelineHandlers handlers;
  berth::AddReceiveHandlers(handlers);
  berth::AddSourceHandlers(handlers);
  berth::AddRollbackHandlers(handlers);
  berth::InstallPipelineHandlers(handlers);
  return berth::BerthMain(argc, argv, /*pipeline=*/true);
}
