// apps:* through the dispatcher: create, list, rename, destroy (with and without
// confirmation), lock, and the triggers each fires with the catalogue's args.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

class AppsCommandsTest : public test::CommandTest {};

TEST_F(AppsCommandsTest, CreateRecordsTheAppAndFiresPostCreate) {
  ASSERT_TRUE(RunOk({"apps:create", "1994testapp"}));
  EXPECT_EQ(out(), "-----> Creating 1994testapp...\n");
  EXPECT_THAT(AppNames(), ElementsAre("1994testapp"));
  auto post = plugins_.Named("post-create");
  ASSERT_EQ(post.size(), 1u);
  EXPECT_THAT(post[0].args, ElementsAre("1994testapp"));
  EXPECT_EQ(post[0].app, "1994testapp");
}

TEST_F(AppsCommandsTest, CreatingAnExistingAppFailsWithoutFiringPostCreate) {
  ASSERT_TRUE(RunOk({"apps:create", "dup"}));
  plugins_.Clear();
  Status s = Run({"apps:create", "dup"});
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.ExitCode(), 1);
  EXPECT_EQ(err(), " !     Name is already taken\n");
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth"));
}

TEST_F(AppsCommandsTest, CreateNeedsExactlyOneApp) {
  EXPECT_EQ(Run({"apps:create"}).message(), "Usage: berth apps:create APP");
  EXPECT_EQ(Run({"apps:create", "a", "b"}).message(), "Usage: berth apps:create APP");
  EXPECT_THAT(AppNames(), IsEmpty());
}

TEST_F(AppsCommandsTest, ListIsSortedAndHasAJsonForm) {
  ASSERT_TRUE(RunOk({"apps:list"}));
  EXPECT_EQ(out(), "=====> My Apps\n");
  for (const char* app : {"zulu", "alpha", "mike"}) ASSERT_TRUE(RunOk({"apps:create", app}));
  ASSERT_TRUE(RunOk({"apps:list"}));
  EXPECT_EQ(out(), "=====> My Apps\nalpha\nmike\nzulu\n");
  ASSERT_TRUE(RunOk({"apps:list", "--format", "json"}));
  EXPECT_EQ(out(), "[\"alpha\",\"mike\",\"zulu\"]\n");
  Status s = Run({"apps:list", "--format", "yaml"});
  EXPECT_EQ(s.message(), "Invalid --format value 'yaml': use stdout or json");
}

TEST_F(AppsCommandsTest, ExistsExitsZeroOrTwenty) {
  ASSERT_TRUE(RunOk({"apps:create", "here"}));
  EXPECT_EQ(Run({"apps:exists", "here"}).ExitCode(), 0);
  EXPECT_EQ(Run({"apps:exists", "gone"}).ExitCode(), 20);
}

TEST_F(AppsCommandsTest, RenameMovesSettingsAndFiresPostAppRename) {
  ASSERT_TRUE(RunOk({"apps:create", "old"}));
  ASSERT_TRUE(RunOk({"config:set", "old", "K=V"}));
  ASSERT_TRUE(RunOk({"domains:add", "old", "old.example.com"}));
  plugins_.Clear();
  ASSERT_TRUE(RunOk({"apps:rename", "old", "new"}));
  EXPECT_EQ(out(), "-----> Renaming old to new\n");
  EXPECT_THAT(AppNames(), ElementsAre("new"));
  EXPECT_THAT(Env("new"), ElementsAre(Pair("K", "V")));
  EXPECT_THAT(*store().GetDomains(Scope::App("new")), ElementsAre("old.example.com"));
  auto renamed = plugins_.Named("post-app-rename");
  ASSERT_EQ(renamed.size(), 1u);
  EXPECT_THAT(renamed[0].args, ElementsAre("old", "new"));
  EXPECT_EQ(renamed[0].app, "new");
}

TEST_F(AppsCommandsTest, RenameRefusesBadOrTakenNames) {
  ASSERT_TRUE(RunOk({"apps:create", "a"}));
  ASSERT_TRUE(RunOk({"apps:create", "b"}));
  plugins_.Clear();
  EXPECT_EQ(Run({"apps:rename", "a", "B_ad"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"apps:rename", "a", "b"}).code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(AppNames(), ElementsAre("a", "b"));
  EXPECT_TRUE(plugins_.Named("post-app-rename").empty());
}

TEST_F(AppsCommandsTest, DestroyWithForceFiresPreAndPostDelete) {
  ASSERT_TRUE(RunOk({"apps:create", "doomed"}));
  ASSERT_TRUE(RunOk({"config:set", "doomed", "K=V"}));
  plugins_.Clear();
  ASSERT_TRUE(RunOk({"apps:destroy", "doomed", "--force"}));
  EXPECT_EQ(out(), "-----> Destroying doomed (including all add-ons)\n");
  EXPECT_THAT(AppNames(), IsEmpty());
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth", "pre-delete", "post-delete"));
  EXPECT_THAT(plugins_.fired()[1].args, ElementsAre("doomed"));
  EXPECT_EQ(plugins_.fired()[1].app, "doomed");
  EXPECT_THAT(plugins_.fired()[2].args, ElementsAre("doomed"));
  // A new app of the same name starts empty.
  ASSERT_TRUE(RunOk({"apps:create", "doomed"}));
  EXPECT_THAT(Env("doomed"), IsEmpty());
}

TEST_F(AppsCommandsTest, DestroyStopsAndRemovesEveryContainerOfTheApp) {
  ASSERT_TRUE(RunOk({"apps:create", "doomed"}));
  ASSERT_TRUE(RunOk({"apps:create", "kept"}));
  ASSERT_TRUE(RunOk({"ps:set", "doomed", "stop-timeout-seconds", "7"}));
  for (const auto& [id, app] : std::vector<std::pair<std::string, std::string>>{
           {"doomed.web.1.3", "doomed"}, {"doomed.run.1", "doomed"}, {"kept.web.1.1", "kept"}}) {
    ContainerSpec spec;
    spec.id = id;
    ASSERT_TRUE(runtime_.StartDetached(spec, {}, {}).ok());
    ContainerRecord record;
    record.id = id;
    record.app = app;
    ASSERT_TRUE(store().AddContainer(record).ok());
  }
  for (const char* dir : {"root/proxy/certs/doomed", "root/proxy/templates/doomed"}) {
    dir_.WriteFile(std::string(dir) + "/kept", "x");
  }
  ASSERT_TRUE(RunOk({"apps:destroy", "doomed", "--force"}));
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("root/proxy/certs/doomed")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("root/proxy/templates/doomed")));
  EXPECT_THAT(runtime_.removed, UnorderedElementsAre("doomed.web.1.3", "doomed.run.1"));
  ASSERT_EQ(runtime_.stops.size(), 2u);
  EXPECT_EQ(runtime_.stops[0].second, std::chrono::seconds(7));
  EXPECT_TRUE(runtime_.containers.contains("kept.web.1.1"));
  EXPECT_THAT(*store().ListContainers("doomed"), IsEmpty());
  EXPECT_EQ(store().ListContainers("kept")->size(), 1u);
}

TEST_F(AppsCommandsTest, GlobalForceFlagAlsoSkipsConfirmation) {
  ASSERT_TRUE(RunOk({"apps:create", "doomed"}));
  ASSERT_TRUE(RunOk({"--force", "apps:destroy", "doomed"}));
  EXPECT_THAT(AppNames(), IsEmpty());
}

TEST_F(AppsCommandsTest, DestroyWithoutATerminalIsRefused) {
  ASSERT_TRUE(RunOk({"apps:create", "kept"}));
  plugins_.Clear();
  env_.stdin_is_tty = false;
  Status s = Run({"apps:destroy", "kept"}, "kept\n");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.ExitCode(), 1);
  EXPECT_THAT(s.message(), HasSubstr("--force"));
  EXPECT_THAT(AppNames(), ElementsAre("kept"));
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth"));
}

TEST_F(AppsCommandsTest, DestroyOnATerminalAsksForTheName) {
  ASSERT_TRUE(RunOk({"apps:create", "kept"}));
  env_.stdin_is_tty = true;
  Status wrong = Run({"apps:destroy", "kept"}, "kep\n");
  EXPECT_EQ(wrong.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(wrong.message(), "Confirmation did not match kept. Aborted.");
  EXPECT_THAT(err(), StartsWith(" !     WARNING: Potentially Destructive Action\n"));
  EXPECT_THAT(AppNames(), ElementsAre("kept"));

  ASSERT_TRUE(RunOk({"apps:destroy", "kept"}, "kept\n"));
  EXPECT_THAT(AppNames(), IsEmpty());
}

TEST_F(AppsCommandsTest, PreDeleteVetoKeepsTheApp) {
  ASSERT_TRUE(RunOk({"apps:create", "production"}));
  ASSERT_TRUE(RunOk({"config:set", "production", "K=V"}));
  plugins_.Clear();
  plugins_.Veto("pre-delete", "production is protected");
  Status s = Run({"apps:destroy", "production", "--force"});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(err(), " !     production is protected\n");
  EXPECT_THAT(AppNames(), ElementsAre("production"));
  EXPECT_THAT(Env("production"), ElementsAre(Pair("K", "V")));
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth", "pre-delete"));
}

TEST_F(AppsCommandsTest, LockUnlockAndLocked) {
  ASSERT_TRUE(RunOk({"apps:create", "app"}));
  EXPECT_EQ(Run({"apps:locked", "app"}).message(), "Deploy lock does not exist");
  ASSERT_TRUE(RunOk({"apps:lock", "app"}));
  EXPECT_EQ(out(), "-----> Deploy lock created\n");
  ASSERT_TRUE(RunOk({"apps:locked", "app"}));
  ASSERT_TRUE(RunOk({"apps:report", "app", "--app-locked"}));
  EXPECT_EQ(out(), "true\n");
  ASSERT_TRUE(RunOk({"apps:unlock", "app"}));
  EXPECT_EQ(Run({"apps:locked", "app"}).ExitCode(), 1);
}

}  // namespace
}  // namespace berth
