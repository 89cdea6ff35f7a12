// ps:scale and ps:report through the dispatcher: the formation's text and JSON
// forms, merging scale pairs, and refusing bad ones without a change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class PsCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
  }
};

TEST_F(PsCommandsTest, NewAppRunsOneWebProcess) {
  ASSERT_TRUE(RunOk({"ps:scale", "app", "--format", "json"}));
  EXPECT_EQ(out(), "[{\"process_type\":\"web\",\"quantity\":1}]\n");
  ASSERT_TRUE(RunOk({"ps:scale", "app"}));
  EXPECT_EQ(out(),
            "-----> Scaling for app\n"
            "proctype: qty\n"
            "--------: ---\n"
            "web:      1\n");
}

TEST_F(PsCommandsTest, ScaleMergesTypes) {
  ASSERT_TRUE(RunOk({"ps:scale", "app", "worker=2"}));
  EXPECT_EQ(out(), "-----> Scaling app processes: worker=2\n");
  ASSERT_TRUE(RunOk({"ps:scale", "app", "web=0", "release_phase=1"}));
  EXPECT_THAT(*store().GetFormation("app"),
              ElementsAre(Pair("release_phase", 1), Pair("web", 0), Pair("worker", 2)));
  ASSERT_TRUE(RunOk({"ps:scale", "app", "--format", "json"}));
  EXPECT_EQ(out(),
            "[{\"process_type\":\"release_phase\",\"quantity\":1},"
            "{\"process_type\":\"web\",\"quantity\":0},"
            "{\"process_type\":\"worker\",\"quantity\":2}]\n");
}

TEST_F(PsCommandsTest, BadPairsChangeNothing) {
  ASSERT_TRUE(RunOk({"ps:scale", "app", "web=3"}));
  for (const std::string& bad : std::vector<std::string>{
           "web", "web=", "web=-1", "web=101", "web=two", "=2", "-web=1", "web.1=2", "web=1.5"}) {
    Status s = Run({"ps:scale", "app", "worker=1", bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(*store().GetFormation("app"), ElementsAre(Pair("web", 3)));
  EXPECT_THAT(Run({"ps:scale", "app", "web=101"}).message(),
              HasSubstr("use a whole number from 0 to 100"));
}

TEST_F(PsCommandsTest, UnknownFormatIsRefused) {
  Status s = Run({"ps:scale", "app", "--format", "xml"});
  EXPECT_EQ(s.message(), "Invalid --format value 'xml': use stdout or json");
}

TEST_F(PsCommandsTest, ReportShowsFormationAndDefaults) {
  ASSERT_TRUE(RunOk({"ps:scale", "app", "worker=2"}));
  ASSERT_TRUE(RunOk({"ps:report", "app", "--format", "json"}));
  EXPECT_EQ(out(),
            "{\"deployed\":\"false\",\"processes\":\"0\",\"running\":\"false\",\"status\":\"\","
            "\"formation\":\"web=1 worker=2\",\"restart-policy\":\"on-failure:10\","
            "\"stop-timeout-seconds\":\"30\"}\n");
  ASSERT_TRUE(RunOk({"ps:report", "app", "--restart-policy"}));
  EXPECT_EQ(out(), "on-failure:10\n");
}

TEST_F(PsCommandsTest, ReportSaysWhenAProcessCrashedForGood) {
  auto add = [&](const std::string& id, int instance, const std::string& status, int exit_code,
                 int restarts) {
    ContainerSpec spec;
    spec.id = id;
    ASSERT_TRUE(runtime_.StartDetached(spec, {}, {}).ok());
    ContainerState& state = runtime_.containers[id].state;
    state.status = status;
    state.exit_code = exit_code;
    state.restarts = restarts;
    ASSERT_TRUE(store().AddContainer({id, "app", "web", instance, "running", "{}", 0}).ok());
  };
  add("app.web.1.4", 1, "exited", 3, 2);
  add("app.web.2.4", 2, "running", 0, 1);
  add("app.web.3.4", 3, "exited", 1, 0);
  ASSERT_TRUE(RunOk({"ps:report", "app", "--status"}));
  EXPECT_EQ(out(),
            "web.1: crashed, gave up after 2 restarts (exit code 3), web.2: running (1 restart), "
            "web.3: crashed (exit code 1)\n");
  ASSERT_TRUE(RunOk({"ps:report", "app", "--running"}));
  EXPECT_EQ(out(), "mixed\n");
}

}  // namespace
}  // namespace berth
