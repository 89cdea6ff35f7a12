// ps:scale down on a deployed app (the scheduler's ApplyFormation against
// FakeContainerRuntime): the extra containers are stopped with the app's
// stop-timeout-seconds and removed, between the pre-stop and post-stop
// triggers; a pre-stop veto keeps them all. (berth-pipeline's handlers, which
// ps:scale needs to deploy, are installed for the whole unit test binary by
// pipeline_handlers_test.cc.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using std::chrono::milliseconds;

class ScaleDownTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "shop"}));
    ReleaseRecord release;
    release.description = "Deploy 1234567";
    release.git_rev = "1234567890";
    release.slug_digest = "abc";
    release.builder = "herokuish";
    release.process_types = {{"web", "python3 server.py"}};
    ASSERT_TRUE(store().AddRelease("shop", release).ok());
    ASSERT_TRUE(store().SetProperty("scheduler", Scope::App("shop"), "generation", "1").ok());
    ASSERT_TRUE(store().SetFormation("shop", {{"web", 3}}).ok());
    for (int n = 1; n <= 3; ++n) {
      ContainerSpec spec;
      spec.id = "shop.web." + std::to_string(n) + ".1";
      ASSERT_TRUE(runtime_.StartDetached(spec, {}, {}).ok());
      ASSERT_TRUE(store().AddContainer({spec.id, "shop", "web", n, "running", "{}", 0}).ok());
    }
    plugins_.Clear();
  }

  // The stop and scale triggers fired, in order (every command also fires user-auth).
  std::vector<std::string> StopTriggers() {
    std::vector<std::string> names = plugins_.names();
    std::erase_if(names,
                  [](const std::string& n) { return !n.ends_with("-stop") && n != "post-scale"; });
    return names;
  }

  std::vector<std::string> Recorded() {
    std::vector<std::string> ids;
    auto records = store().ListContainers("shop");
    EXPECT_TRUE(records.ok());
    if (records.ok()) {
      for (const ContainerRecord& r : *records) ids.push_back(r.id);
    }
    return ids;
  }
};

TEST_F(ScaleDownTest, StopsTheExtraContainersWithTheAppsStopTimeoutBetweenTheStopTriggers) {
  ASSERT_TRUE(RunOk({"ps:set", "shop", "stop-timeout-seconds", "3"}));
  ASSERT_TRUE(RunOk({"ps:scale", "shop", "web=1"}));
  EXPECT_THAT(runtime_.stops, ElementsAre(Pair("shop.web.2.1", milliseconds(3000)),
                                          Pair("shop.web.3.1", milliseconds(3000))));
  EXPECT_THAT(runtime_.removed, ElementsAre("shop.web.2.1", "shop.web.3.1"));
  EXPECT_THAT(Recorded(), ElementsAre("shop.web.1.1"));
  EXPECT_THAT(StopTriggers(), ElementsAre("pre-stop", "post-stop", "post-scale"));
  EXPECT_THAT(plugins_.Named("post-stop")[0].args, ElementsAre("shop"));
  EXPECT_THAT(out(), HasSubstr("Stopping web.3"));
}

TEST_F(ScaleDownTest, WithoutAStopTimeoutSettingItIs30Seconds) {
  ASSERT_TRUE(RunOk({"ps:scale", "shop", "web=2"}));
  EXPECT_THAT(runtime_.stops, ElementsAre(Pair("shop.web.3.1", milliseconds(30000))));
}

TEST_F(ScaleDownTest, APreStopVetoKeepsEveryContainer) {
  plugins_.Veto("pre-stop", "shop must keep three");
  Status s = Run({"ps:scale", "shop", "web=1"});
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("shop must keep three"));
  EXPECT_TRUE(runtime_.stops.empty());
  EXPECT_TRUE(runtime_.removed.empty());
  EXPECT_EQ(Recorded().size(), 3u);
  EXPECT_THAT(*store().GetFormation("shop"), ElementsAre(Pair("web", 3)))
      << "the refused scale is not kept for the next deploy";
}

TEST_F(ScaleDownTest, ScalingUpFiresNoStopTrigger) {
  ASSERT_TRUE(RunOk({"ps:scale", "shop", "web=3"}));
  EXPECT_THAT(StopTriggers(), ElementsAre("post-scale"));
}

}  // namespace
}  // namespace berth
