// checks:* through the dispatcher: set/unset with validation (nothing changes
// on a bad value), disable/enable/skip of process types, and the report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/deploy/health_settings.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class ChecksCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
  }
  std::map<std::string, std::string> Props(const Scope& scope) {
    auto props = store().ListProperties(kChecksPlugin, scope);
    EXPECT_TRUE(props.ok());
    return props.ok() ? *props : std::map<std::string, std::string>{};
  }
  AppCheckPolicy Policy(const std::string& type) {
    auto policy = LoadCheckPolicy(store(), "app", type);
    EXPECT_TRUE(policy.ok()) << policy.status().message();
    return policy.ok() ? *policy : AppCheckPolicy{};
  }
};

TEST_F(ChecksCommandsTest, SetAndUnsetForAnAppAndGlobally) {
  ASSERT_TRUE(RunOk({"checks:set", "app", "wait", "5"}));
  EXPECT_EQ(out(), "-----> Setting wait to 5 for app\n");
  ASSERT_TRUE(RunOk({"checks:set", "--global", "wait-to-retire", "30"}));
  EXPECT_EQ(out(), "-----> Setting wait-to-retire to 30 for --global\n");
  ASSERT_TRUE(RunOk({"checks:set", "app", "timeout", "007"}));
  EXPECT_THAT(Props(Scope::App("app")),
              UnorderedElementsAre(Pair("wait", "5"), Pair("timeout", "7")));
  EXPECT_THAT(Props(Scope::Global()), UnorderedElementsAre(Pair("wait-to-retire", "30")));
  AppCheckPolicy policy = Policy("web");
  EXPECT_EQ(policy.settings.default_wait, seconds(5));
  EXPECT_EQ(policy.settings.default_timeout, seconds(7));
  EXPECT_EQ(policy.wait_to_retire, seconds(30));

  ASSERT_TRUE(RunOk({"checks:set", "app", "wait"}));
  EXPECT_EQ(out(), "-----> Unsetting wait for app\n");
  ASSERT_TRUE(RunOk({"checks:set", "--global", "wait-to-retire", ""}));
  EXPECT_THAT(Props(Scope::App("app")), UnorderedElementsAre(Pair("timeout", "7")));
  EXPECT_THAT(Props(Scope::Global()), IsEmpty());
  EXPECT_EQ(Policy("web").settings.default_wait, seconds(2));
}

TEST_F(ChecksCommandsTest, BadSettingsAreRefusedAndChangeNothing) {
  ASSERT_TRUE(RunOk({"checks:set", "app", "wait", "4"}));
  struct Case {
    std::vector<std::string> words;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"checks:set", "app", "wait", "3601"},
       "Invalid wait '3601': use a whole number of seconds from 0 to 3600"},
      {{"checks:set", "app", "wait", "2.5"},
       "Invalid wait '2.5': use a whole number of seconds from 0 to 3600"},
      {{"checks:set", "app", "timeout", "0"},
       "Invalid timeout '0': use a whole number of seconds from 1 to 3600"},
      {{"checks:set", "app", "attempts", "3"},
       "Unknown checks setting 'attempts'; keys: wait, timeout, wait-to-retire"},
      {{"checks:set", "app", "nope"},
       "Unknown checks setting 'nope'; keys: wait, timeout, wait-to-retire"},
      {{"checks:set", "app"}, "Usage: berth checks:set APP|--global KEY [SECONDS]"},
      {{"checks:set", "app", "wait", "1", "2"},
       "Usage: berth checks:set APP|--global KEY [SECONDS]"},
      {{"checks:set", "Bad_App", "wait", "1"}, ""},
  };
  for (const auto& c : cases) {
    Status s = Run(c.words);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.words.back();
    if (!c.message.empty()) {
      EXPECT_EQ(s.message(), c.message);
    }
  }
  EXPECT_THAT(Props(Scope::App("app")), UnorderedElementsAre(Pair("wait", "4")));
  EXPECT_THAT(Props(Scope::Global()), IsEmpty());
}

TEST_F(ChecksCommandsTest, UnknownAppExitsWith20) {
  EXPECT_EQ(Run({"checks:set", "ghost", "wait", "1"}).ExitCode(), 20);
  EXPECT_EQ(Run({"checks:disable", "ghost"}).ExitCode(), 20);
  EXPECT_EQ(Run({"checks:report", "ghost"}).ExitCode(), 20);
}

TEST_F(ChecksCommandsTest, DisableSkipEnable) {
  ASSERT_TRUE(RunOk({"checks:disable", "app", "web,worker"}));
  EXPECT_EQ(out(),
            "-----> Disabled checks and zero downtime for app (process types web, worker)\n");
  EXPECT_THAT(err(), HasSubstr("expect downtime"));
  EXPECT_TRUE(Policy("web").disabled);
  EXPECT_FALSE(Policy("clock").disabled);

  ASSERT_TRUE(RunOk({"checks:skip", "app", "worker"}));
  EXPECT_EQ(out(),
            "-----> Skipping checks for app (process type worker); deploys stay zero-downtime\n");
  EXPECT_FALSE(Policy("worker").disabled);
  EXPECT_TRUE(Policy("worker").skipped);

  ASSERT_TRUE(RunOk({"checks:enable", "app"}));
  EXPECT_EQ(out(), "-----> Enabled checks and zero downtime for app (all process types)\n");
  EXPECT_FALSE(Policy("web").disabled);
  EXPECT_FALSE(Policy("worker").skipped);
  EXPECT_THAT(Props(Scope::App("app")), IsEmpty());
}

TEST_F(ChecksCommandsTest, ModeChangesAreValidated) {
  ASSERT_TRUE(RunOk({"checks:skip", "app", "web"}));
  EXPECT_EQ(Run({"checks:disable", "app", "web,bad type"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"checks:disable", "app", "web", "worker"}).message(),
            "Usage: berth checks:disable APP [TYPE,...]");
  EXPECT_EQ(Run({"checks:enable"}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(RunOk({"checks:disable", "app", "_all_"}));
  Status s = Run({"checks:enable", "app", "web"});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(err(), HasSubstr("run `berth checks:enable app` to enable them all"));
  EXPECT_THAT(Props(Scope::App("app")), UnorderedElementsAre(Pair("disabled", "_all_")));
}

TEST_F(ChecksCommandsTest, ReportShowsComputedGlobalAndAppValues) {
  ASSERT_TRUE(RunOk({"checks:set", "--global", "wait", "3"}));
  ASSERT_TRUE(RunOk({"checks:set", "app", "wait-to-retire", "10"}));
  ASSERT_TRUE(RunOk({"checks:skip", "app", "web"}));
  ASSERT_TRUE(RunOk({"checks:report", "app"}));
  EXPECT_EQ(out(),
            "=====> app checks information\n"
            "       Checks disabled list:            none\n"
            "       Checks skipped list:             web\n"
            "       Checks computed wait:            3\n"
            "       Checks global wait:              3\n"
            "       Checks wait:                     \n"
            "       Checks computed timeout:         30\n"
            "       Checks global timeout:           \n"
            "       Checks timeout:                  \n"
            "       Checks computed wait to retire:  10\n"
            "       Checks global wait to retire:    \n"
            "       Checks wait to retire:           10\n");
  ASSERT_TRUE(RunOk({"checks:report", "app", "--checks-computed-wait"}));
  EXPECT_EQ(out(), "3\n");
  ASSERT_TRUE(RunOk({"checks:report", "app", "--format", "json"}));
  EXPECT_THAT(out(), HasSubstr("\"checks-skipped-list\":\"web\""));
  EXPECT_THAT(out(), HasSubstr("\"checks-computed-wait-to-retire\":\"10\""));
}

TEST_F(ChecksCommandsTest, ReportWithoutAnAppCoversEveryApp) {
  ASSERT_TRUE(RunOk({"apps:create", "other"}));
  ASSERT_TRUE(RunOk({"checks:report"}));
  EXPECT_THAT(out(), HasSubstr("=====> app checks information\n"));
  EXPECT_THAT(out(), HasSubstr("=====> other checks information\n"));
}

}  // namespace
}  // namespace berth
