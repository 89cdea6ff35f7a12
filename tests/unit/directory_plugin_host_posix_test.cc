// DirectoryPluginHost with the real PosixProcessRunner and /bin/sh plugins: the
// arguments, stdin and environment the host promises really reach the plugin,
// and a real refusal comes back with the plugin's stderr.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <sstream>
#include <string>

#include "core/plugins/directory_plugin_host.h"
#include "core/plugins/trigger_catalogue.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using ::testing::HasSubstr;

class DirectoryPluginHostPosixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ::signal(SIGPIPE, SIG_IGN); }  // as berth's main does

  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    plugins_ = dir_.MakeDir("plugins");
    PluginHostOptions options;
    options.directories = {{plugins_, false}};
    options.enabled_dir = plugins_;
    options.env = {{"BERTH_ROOT", dir_.Join("root")}};
    host_ = std::make_unique<DirectoryPluginHost>(runner_, output_, options);
  }
  void TearDown() override { dir_.Remove(); }

  test::TempDir dir_;
  std::string plugins_;
  PosixProcessRunner runner_;
  std::ostringstream out_;
  std::ostringstream err_;
  Output output_{out_, err_, false};
  std::unique_ptr<DirectoryPluginHost> host_;
};

TEST_F(DirectoryPluginHostPosixTest, ArgsStdinAndEnvironmentReachThePlugin) {
  dir_.WriteFile("plugins/echoer/plugin.toml", "[plugin.config]\nGREETING = \"hi there\"\n");
  dir_.WriteFile("plugins/echoer/post-create",
                 "#!/bin/sh\n"
                 "printf 'argc=%s\\n' \"$#\"\n"
                 "for a in \"$@\"; do printf 'arg=[%s]\\n' \"$a\"; done\n"
                 "printf 'stdin=[%s]\\n' \"$(cat)\"\n"
                 "printf 'APP=%s\\nPLUGIN_NAME=%s\\nGREETING=%s\\n' \"$APP\" \"$PLUGIN_NAME\" "
                 "\"$GREETING\"\n"
                 "printf 'BERTH_ROOT=%s\\nPLUGIN_DIR=%s\\nPWD=%s\\n' \"$BERTH_ROOT\" "
                 "\"$PLUGIN_DIR\" \"$(pwd -P)\"\n",
                 0755);
  Status s = host_->Fire({triggers::kPostCreate,
                          {"my-app", "$(id); `id` | x", ""},
                          "my-app",
                          "from stdin\nsecond line"});
  ASSERT_TRUE(s.ok()) << s.message() << "\nstderr: " << err_.str();
  const std::string plugin_dir = plugins_ + "/echoer";
  EXPECT_EQ(out_.str(),
            "argc=3\n"
            "arg=[my-app]\n"
            "arg=[$(id); `id` | x]\n"
            "arg=[]\n"
            "stdin=[from stdin\nsecond line]\n"
            "APP=my-app\n"
            "PLUGIN_NAME=echoer\n"
            "GREETING=hi there\n"
            "BERTH_ROOT=" +
                dir_.Join("root") +
                "\n"
                "PLUGIN_DIR=" +
                plugin_dir +
                "\n"
                "PWD=" +
                plugin_dir + "\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(DirectoryPluginHostPosixTest, RealVetoRefusesWithThePluginsStderr) {
  dir_.WriteFile("plugins/guard/pre-delete",
                 "#!/bin/sh\n"
                 "[ \"$1\" != production ] || { echo 'production is protected' >&2; exit 1; }\n",
                 0755);
  EXPECT_TRUE(host_->Fire({triggers::kPreDelete, {"staging"}, "staging", ""}).ok());
  Status s = host_->Fire({triggers::kPreDelete, {"production"}, "production", ""});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "production is protected");
}

TEST_F(DirectoryPluginHostPosixTest, ObserverThatCannotBeExecutedIsAWarning) {
  // Executable bit set, but no interpreter line and not a binary: execve refuses.
  dir_.WriteFile("plugins/broken/post-delete",
                 "\x7f"
                 "ELF garbage",
                 0755);
  EXPECT_TRUE(host_->Fire({triggers::kPostDelete, {"app"}, "app", ""}).ok());
  EXPECT_THAT(err_.str(), HasSubstr("plugin broken failed in post-delete"));
}

}  // namespace
}  // namespace berth
