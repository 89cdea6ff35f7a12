// The exact output of the commands people and scripts read most, compared with
// files in tests/unit/golden/. A difference here is a visible change to users:
// update the golden file only on purpose.
#include <gtest/gtest.h>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

class GoldenOutputTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    for (const char* app : {"worker-7", "api", "frontend"}) {
      ASSERT_TRUE(RunOk({"apps:create", app}));
    }
  }
};

TEST_F(GoldenOutputTest, AppsList) {
  ASSERT_TRUE(RunOk({"apps:list"}));
  EXPECT_EQ(out(), test::Golden("apps_list.txt"));
}

TEST_F(GoldenOutputTest, ConfigShow) {
  ASSERT_TRUE(RunOk({"config:set", "api", "PORT=5000", "DATABASE_URL=postgres://db:5432/api",
                     "GREETING=it's \"quoted\" $(not run)"}));
  ASSERT_TRUE(RunOk({"config", "api"}));
  EXPECT_EQ(out(), test::Golden("config_show.txt"));
}

TEST_F(GoldenOutputTest, PsScale) {
  ASSERT_TRUE(RunOk({"ps:scale", "api", "web=2", "worker=0", "release_phase=1"}));
  ASSERT_TRUE(RunOk({"ps:scale", "api"}));
  EXPECT_EQ(out(), test::Golden("ps_scale.txt"));
}

TEST_F(GoldenOutputTest, PortsList) {
  ASSERT_TRUE(RunOk({"ports:add", "api", "http:80:5000", "https:443:5000", "tcp:2222:22"}));
  ASSERT_TRUE(RunOk({"ports:list", "api"}));
  EXPECT_EQ(out(), test::Golden("ports_list.txt"));
}

TEST_F(GoldenOutputTest, DomainsReport) {
  ASSERT_TRUE(RunOk({"domains:add", "api", "api.example.com", "www.example.com"}));
  ASSERT_TRUE(RunOk({"domains:add-global", "example.com", "example.org"}));
  ASSERT_TRUE(RunOk({"domains:report", "api"}));
  EXPECT_EQ(out(), test::Golden("domains_report.txt"));
}

}  // namespace
}  // namespace berth
