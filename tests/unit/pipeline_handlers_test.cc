// The unit tests run commands as berth-pipeline does: with its handlers
// installed before the command table is first built (config:set, ps:scale and
// the other commands that deploy after their bookkeeping live there).
#include <gtest/gtest.h>

#include "core/cli/pipeline.h"
#include "core/cli/pipeline/pipeline_commands.h"

namespace berth {
namespace {

const bool kInstalled = (InstallPipelineHandlers(AllPipelineHandlers()), true);

TEST(PipelineHandlersTest, EveryPipelineCommandHasAHandler) {
  ASSERT_TRUE(kInstalled);
  for (const CommandFamily& family : BuiltinCommands().families()) {
    for (const CommandSpec& command : family.commands) {
      EXPECT_NE(command.handler, nullptr) << command.name;
      if (IsPipelineCommand(command.name)) {
        EXPECT_TRUE(AllPipelineHandlers().contains(command.name)) << command.name;
      }
    }
  }
}

TEST(PipelineHandlersTest, BerthPipelineRunsItsCommandsItself) {
  EXPECT_FALSE(NeedsPipeline({"config:set", "app", "A=1"}));
}

}  // namespace
}  // namespace berth
