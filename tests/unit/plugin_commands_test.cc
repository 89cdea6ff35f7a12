// plugin:* commands that run in berth itself (installed, enable, disable,
// uninstall, trigger) through the dispatcher, with a FakePluginHost: who may run
// them, what they change on disk, and which triggers they fire.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/plugins/installed_plugins.h"
#include "core/plugins/trigger_catalogue.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class PluginCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    env_.share_dir = dir_.MakeDir("share");
    dir_.MakeDir("share/plugins/bundled-one");
  }
  // Installs plugin `name` (one VERSION file) as plugin:install would.
  void Install(const std::string& name) {
    InstalledPlugins installed(env_.root);
    auto staging = installed.MakeStaging(name);
    ASSERT_TRUE(staging.ok());
    std::string tree = *staging + "/tree";
    std::filesystem::create_directories(tree);
    std::ofstream(tree + "/VERSION") << "1";
    InstalledSource source{{PluginSourceKind::kFolder, "/srv/" + name, ""}, ""};
    ASSERT_TRUE(installed.Commit(*staging + "/tree", name, source).ok());
  }
  InstalledPlugins Installed() const { return InstalledPlugins(env_.root); }
};

TEST_F(PluginCommandsTest, APluginCommandsExitStatusIsBerths) {
  plugins_.Command("probe:check", 20);
  plugins_.Command("probe:fine", 0);
  Status s = Run({"probe:check", "ghost"});
  EXPECT_EQ(s.ExitCode(), 20) << "e.g. an app that does not exist, as Dokku's plugins say";
  EXPECT_EQ(err(), "") << "the plugin has said why";
  EXPECT_EQ(Run({"probe:fine"}).ExitCode(), 0);
  EXPECT_EQ(Run({"probe:absent"}).ExitCode(), 1);
}

TEST_F(PluginCommandsTest, InstalledExitsZeroOrOneSilently) {
  Install("hello");
  EXPECT_TRUE(Run({"plugin:installed", "hello"}).ok());
  EXPECT_TRUE(Run({"plugin:installed", "bundled-one"}).ok()) << "bundled plugins are installed";
  Status missing = Run({"plugin:installed", "nosuch"});
  EXPECT_EQ(missing.ExitCode(), 1);
  EXPECT_EQ(out() + err(), "");
  EXPECT_EQ(Run({"plugin:installed", "../etc"}).code(), StatusCode::kInvalidArgument);
}

TEST_F(PluginCommandsTest, DisableAndEnableMoveOnlyTheLink) {
  Install("hello");
  ASSERT_TRUE(RunOk({"plugin:disable", "hello"}));
  EXPECT_FALSE(Installed().IsEnabled("hello"));
  EXPECT_TRUE(Installed().IsInstalled("hello"));
  ASSERT_TRUE(RunOk({"plugin:list"}));
  EXPECT_THAT(out(), HasSubstr("hello"));
  EXPECT_THAT(out(), HasSubstr("disabled"));
  ASSERT_TRUE(RunOk({"plugin:enable", "hello"}));
  EXPECT_TRUE(Installed().IsEnabled("hello"));
}

TEST_F(PluginCommandsTest, ChangingPluginsNeedsRootAndTheHost) {
  Install("hello");
  env_.is_root = false;
  for (const char* command : {"plugin:disable", "plugin:enable", "plugin:uninstall"}) {
    Status s = Run({command, "hello"});
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << command;
    EXPECT_THAT(err(), HasSubstr("as root")) << command;
  }
  env_.is_root = true;
  env_.via_ssh = true;
  for (const char* command : {"plugin:disable", "plugin:enable", "plugin:uninstall",
                              "plugin:install", "plugin:update"}) {
    EXPECT_EQ(Run({command, "hello"}).code(), StatusCode::kPermissionDenied) << command;
  }
  EXPECT_TRUE(Installed().IsEnabled("hello")) << "nothing changed";
  EXPECT_THAT(plugins_.Named(triggers::kUninstall), IsEmpty());
}

TEST_F(PluginCommandsTest, BundledAndMissingPluginsAreRefused) {
  Status bundled = Run({"plugin:disable", "bundled-one"});
  EXPECT_EQ(bundled.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(err(), HasSubstr("bundled"));
  EXPECT_EQ(Run({"plugin:uninstall", "nosuch"}).code(), StatusCode::kNotFound);
  EXPECT_EQ(Run({"plugin:enable", "../x"}).code(), StatusCode::kInvalidArgument);
}

TEST_F(PluginCommandsTest, UninstallFiresUninstallAtThePluginThenRemovesIt) {
  Install("hello");
  std::string dir = Installed().AvailableDir("hello");
  ASSERT_TRUE(RunOk({"plugin:uninstall", "hello"}));
  auto fired = plugins_.Named(triggers::kUninstall);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].stdin_data, dir) << "fired at that plugin's folder";
  EXPECT_FALSE(Installed().IsInstalled("hello"));
  EXPECT_FALSE(Installed().IsEnabled("hello"));
}

TEST_F(PluginCommandsTest, TriggerExportsAppForTriggersAboutAnApp) {
  ASSERT_TRUE(RunOk({"plugin:trigger", "post-create", "demo"}));
  auto fired = plugins_.Named(triggers::kPostCreate);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_THAT(fired[0].args, ElementsAre("demo"));
  EXPECT_EQ(fired[0].app, "demo");
  ASSERT_TRUE(RunOk({"plugin:trigger", "post-app-rename", "old", "new"}));
  EXPECT_EQ(plugins_.Named(triggers::kPostAppRename)[0].app, "") << "OLD_APP is not APP";
  EXPECT_EQ(Run({"plugin:trigger", "no-such"}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace berth
