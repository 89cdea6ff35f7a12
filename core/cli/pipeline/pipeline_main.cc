// berth-pipeline: the commands that need libgit2, libarchive, health checks
// and the proxy (see core/cli/pipeline.h). berth forwards them here with the
// same argv.
#include "core/cli/berth_main.h"
#include "core/cli/pipeline/pipeline_commands.h"

int main(int argc, char** argv) {
  berth::InstallPipelineHandlers(berth::AllPipelineHandlers());
  return berth::BerthMain(argc, argv, /*pipeline=*/true);
}
