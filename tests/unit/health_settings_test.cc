// Check settings: LoadCheckPolicy (app over global over defaults, disabled and
// skipped process types) and the enable/disable/skip transitions, on a real
// SqliteStore in a temporary directory.
#include "core/deploy/health_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "core/state/sqlite_store.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class HealthSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto opened = SqliteStore::Open(dir_.Join("berth.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->CreateApp("app").ok());
  }
  void TearDown() override {
    store_.reset();
    dir_.Remove();
  }

  AppCheckPolicy Policy(const std::string& type) {
    auto policy = LoadCheckPolicy(*store_, "app", type);
    EXPECT_TRUE(policy.ok()) << policy.status().message();
    return policy.ok() ? *policy : AppCheckPolicy{};
  }
  CheckModes Modes() {
    auto modes = LoadCheckModes(*store_, "app");
    EXPECT_TRUE(modes.ok()) << modes.status().message();
    return modes.ok() ? *modes : CheckModes{};
  }
  void Set(const Scope& scope, const std::string& key, const std::string& value) {
    ASSERT_TRUE(store_->SetProperty(kChecksPlugin, scope, key, value).ok());
  }
  Status Mode(CheckMode mode, const std::string& types) {
    auto list = ParseProcessTypeList(types);
    if (!list.ok()) return list.status();
    return SetCheckMode(*store_, "app", mode, *list);
  }

  test::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(HealthSettingsTest, DefaultsWithNothingStored) {
  AppCheckPolicy policy = Policy("web");
  EXPECT_FALSE(policy.disabled);
  EXPECT_FALSE(policy.skipped);
  EXPECT_EQ(policy.settings.default_wait, seconds(2));
  EXPECT_EQ(policy.settings.default_timeout, seconds(30));
  EXPECT_EQ(policy.settings.poll, milliseconds(100));
  EXPECT_EQ(policy.wait_to_retire, seconds(60));
}

TEST_F(HealthSettingsTest, AppSettingsWinOverGlobalOnesPerKey) {
  Set(Scope::Global(), "wait", "5");
  Set(Scope::Global(), "wait-to-retire", "120");
  Set(Scope::App("app"), "wait", "0");
  Set(Scope::App("app"), "timeout", "90");
  AppCheckPolicy policy = Policy("web");
  EXPECT_EQ(policy.settings.default_wait, seconds(0));
  EXPECT_EQ(policy.settings.default_timeout, seconds(90));
  EXPECT_EQ(policy.wait_to_retire, seconds(120));
}

TEST_F(HealthSettingsTest, ABrokenStoredValueIsAnErrorThatSaysHowToFixIt) {
  Set(Scope::Global(), "timeout", "soon");
  auto policy = LoadCheckPolicy(*store_, "app", "web");
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), StatusCode::kInternal);
  EXPECT_THAT(policy.status().message(), HasSubstr("berth checks:set --global timeout N"));
}

TEST_F(HealthSettingsTest, ProcessTypeIsValidated) {
  auto policy = LoadCheckPolicy(*store_, "app", "../web");
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HealthSettingsTest, ParseCheckSettingChecksKeyAndRange) {
  EXPECT_EQ(*ParseCheckSetting("wait", "0"), 0);
  EXPECT_EQ(*ParseCheckSetting("wait-to-retire", "3600"), 3600);
  EXPECT_EQ(ParseCheckSetting("wait", "3601").status().message(),
            "Invalid wait '3601': use a whole number of seconds from 0 to 3600");
  EXPECT_EQ(ParseCheckSetting("timeout", "0").status().message(),
            "Invalid timeout '0': use a whole number of seconds from 1 to 3600");
  EXPECT_FALSE(ParseCheckSetting("wait", "1.5").ok());
  EXPECT_FALSE(ParseCheckSetting("wait", "-1").ok());
  EXPECT_FALSE(ParseCheckSetting("wait", "").ok());
  EXPECT_EQ(ParseCheckSetting("attempts", "3").status().message(),
            "Unknown checks setting 'attempts'; keys: wait, timeout, wait-to-retire");
}

TEST_F(HealthSettingsTest, ParseProcessTypeList) {
  EXPECT_THAT(*ParseProcessTypeList(""), ElementsAre("_all_"));
  EXPECT_THAT(*ParseProcessTypeList("_all_"), ElementsAre("_all_"));
  EXPECT_THAT(*ParseProcessTypeList("web,worker,,web"), ElementsAre("web", "worker"));
  EXPECT_FALSE(ParseProcessTypeList("web,bad type").ok());
  EXPECT_FALSE(ParseProcessTypeList("-web").ok());
}

TEST_F(HealthSettingsTest, DisableAllThenEnableAll) {
  ASSERT_TRUE(Mode(CheckMode::kDisabled, "").ok());
  EXPECT_TRUE(Policy("web").disabled);
  EXPECT_TRUE(Policy("worker").disabled);
  EXPECT_FALSE(Policy("worker").skipped);
  ASSERT_TRUE(Mode(CheckMode::kEnabled, "_all_").ok());
  EXPECT_FALSE(Policy("web").disabled);
  EXPECT_THAT(Modes().disabled, IsEmpty());
  EXPECT_THAT(Modes().skipped, IsEmpty());
}

TEST_F(HealthSettingsTest, TypesMoveBetweenDisabledAndSkipped) {
  ASSERT_TRUE(Mode(CheckMode::kDisabled, "web,worker").ok());
  ASSERT_TRUE(Mode(CheckMode::kSkipped, "worker,clock").ok());
  EXPECT_THAT(Modes().disabled, ElementsAre("web"));
  EXPECT_THAT(Modes().skipped, ElementsAre("worker", "clock"));
  EXPECT_TRUE(Policy("web").disabled);
  EXPECT_FALSE(Policy("worker").disabled);
  EXPECT_TRUE(Policy("worker").skipped);
  EXPECT_FALSE(Policy("release").skipped);

  ASSERT_TRUE(Mode(CheckMode::kEnabled, "web,clock").ok());
  EXPECT_THAT(Modes().disabled, IsEmpty());
  EXPECT_THAT(Modes().skipped, ElementsAre("worker"));
}

TEST_F(HealthSettingsTest, DisablingATypeWhileAllAreSkippedDisablesIt) {
  ASSERT_TRUE(Mode(CheckMode::kSkipped, "").ok());
  ASSERT_TRUE(Mode(CheckMode::kDisabled, "web").ok());
  EXPECT_TRUE(Policy("web").disabled);
  EXPECT_FALSE(Policy("web").skipped);
  EXPECT_TRUE(Policy("worker").skipped);
  ASSERT_TRUE(Mode(CheckMode::kSkipped, "web").ok());
  EXPECT_THAT(Modes().disabled, IsEmpty());
  EXPECT_THAT(Modes().skipped, ElementsAre("_all_"));
}

TEST_F(HealthSettingsTest, OneTypeCannotLeaveAnEveryTypeModeAndNothingChanges) {
  ASSERT_TRUE(Mode(CheckMode::kDisabled, "").ok());
  Status s = Mode(CheckMode::kEnabled, "web");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "Checks are disabled for every process type of app; run `berth checks:enable app` to "
            "enable them all, then disable the types you want");
  EXPECT_EQ(Mode(CheckMode::kSkipped, "web").code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(Modes().disabled, ElementsAre("_all_"));
  EXPECT_THAT(Modes().skipped, IsEmpty());

  ASSERT_TRUE(Mode(CheckMode::kSkipped, "").ok());
  EXPECT_EQ(Mode(CheckMode::kEnabled, "web").code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(Modes().skipped, ElementsAre("_all_"));
}

TEST_F(HealthSettingsTest, InvalidTypesChangeNothing) {
  ASSERT_TRUE(Mode(CheckMode::kSkipped, "web").ok());
  EXPECT_EQ(SetCheckMode(*store_, "app", CheckMode::kDisabled, {"worker", "no good"}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SetCheckMode(*store_, "app", CheckMode::kDisabled, {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(Modes().disabled, IsEmpty());
  EXPECT_THAT(Modes().skipped, ElementsAre("web"));
}

}  // namespace
}  // namespace berth
