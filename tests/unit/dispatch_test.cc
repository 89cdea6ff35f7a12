// The dispatcher: exit codes, the user-auth veto that every command passes,
// host-only commands over ssh, global and command flags, and the audit text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/base/files.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

class DispatchTest : public test::CommandTest {};

TEST_F(DispatchTest, UnknownCommandExitsOneWithDokkusMessage) {
  Status s = Run({"x"});
  EXPECT_EQ(s.ExitCode(), 1);
  EXPECT_THAT(s.message(), StartsWith("`x` is not a berth command."));
  EXPECT_THAT(err(), StartsWith(" !     `x` is not a berth command.\n"));
  EXPECT_EQ(out(), "");
}

TEST_F(DispatchTest, UnknownCommandWithAColonIsAlsoRefused) {
  Status s = Run({"apps:frobnicate", "app"});
  EXPECT_EQ(s.ExitCode(), 1);
  EXPECT_THAT(s.message(), StartsWith("`apps:frobnicate` is not a berth command."));
}

TEST_F(DispatchTest, MissingAppExitsTwenty) {
  const std::vector<std::vector<std::string>> commands = {
      {"apps:exists", "ghost"},
      {"apps:destroy", "ghost", "--force"},
      {"apps:rename", "ghost", "other"},
      {"config:show", "ghost"},
      {"config:set", "ghost", "K=V"},
      {"config:get", "ghost", "K"},
      {"ps:scale", "ghost"},
      {"ports:list", "ghost"},
      {"domains:add", "ghost", "a.com"},
      {"apps:report", "ghost"},
  };
  for (const auto& words : commands) {
    Status s = Run(words);
    EXPECT_EQ(s.code(), StatusCode::kAppNotFound) << words[0];
    EXPECT_EQ(s.ExitCode(), 20) << words[0];
    EXPECT_EQ(err(), " !     App ghost does not exist\n") << words[0];
  }
}

TEST_F(DispatchTest, InvalidAppNameExitsOneBeforeTouchingState) {
  for (std::string bad : {"Bad_App", "test;id", "../etc", "$(id)"}) {
    Status s = Run({"apps:create", bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.ExitCode(), 1);
  }
  EXPECT_THAT(AppNames(), IsEmpty());
}

TEST_F(DispatchTest, NoCommandPrintsTheOverview) {
  ASSERT_TRUE(RunOk({}));
  EXPECT_THAT(out(), StartsWith("Usage: berth "));
  EXPECT_THAT(out(), HasSubstr("    apps "));
  EXPECT_THAT(plugins_.fired(), IsEmpty());
}

TEST_F(DispatchTest, FamilyNamePrintsItsHelp) {
  ASSERT_TRUE(RunOk({"config:help"}));
  EXPECT_THAT(out(), StartsWith("Usage: berth config[:COMMAND]\n"));
  EXPECT_THAT(out(), HasSubstr("config:set APP|--global"));
}

TEST_F(DispatchTest, CommandsWithoutStateDoNotCreateTheRoot) {
  ASSERT_TRUE(RunOk({"version"}));
  EXPECT_THAT(out(), StartsWith("berth "));
  ASSERT_TRUE(RunOk({"help"}));
  EXPECT_FALSE(PathExists(env_.root));
}

// ---- user-auth ---------------------------------------------------------------

TEST_F(DispatchTest, UserAuthIsFiredFirstWithUserKeyCommandAndArgs) {
  env_.key_name = "laptop";
  ASSERT_TRUE(RunOk({"apps:create", "myapp"}));
  ASSERT_FALSE(plugins_.fired().empty());
  const test::FiredTrigger& auth = plugins_.fired().front();
  EXPECT_EQ(auth.trigger, "user-auth");
  EXPECT_THAT(auth.args, ElementsAre("tester", "laptop", "apps:create", "myapp"));
  EXPECT_EQ(auth.app, "");
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth", "post-create"));
}

TEST_F(DispatchTest, UserAuthSeesTheCommandAfterGlobalFlags) {
  ASSERT_TRUE(RunOk({"--quiet", "apps:create", "myapp"}));
  EXPECT_THAT(plugins_.fired().front().args,
              ElementsAre("tester", "default", "apps:create", "myapp"));
}

TEST_F(DispatchTest, UserAuthIsFiredEvenForUnknownCommands) {
  EXPECT_FALSE(Run({"nope", "a"}).ok());
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth"));
  EXPECT_THAT(plugins_.fired().front().args, ElementsAre("tester", "default", "nope", "a"));
}

TEST_F(DispatchTest, UserAuthVetoStopsTheCommandWithNoStateChange) {
  ASSERT_TRUE(RunOk({"apps:create", "existing"}));
  plugins_.Clear();
  plugins_.Veto("user-auth", "the ci key may not do that");
  for (const std::vector<std::string>& words :
       std::vector<std::vector<std::string>>{{"apps:create", "blocked"},
                                             {"apps:destroy", "existing", "--force"},
                                             {"config:set", "existing", "K=V"},
                                             {"domains:add", "existing", "a.com"}}) {
    Status s = Run(words);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << words[0];
    EXPECT_EQ(s.ExitCode(), 1);
    EXPECT_EQ(err(), " !     the ci key may not do that\n");
    EXPECT_EQ(out(), "");
  }
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth", "user-auth", "user-auth", "user-auth"));
  EXPECT_THAT(AppNames(), ElementsAre("existing"));
  EXPECT_THAT(Env("existing"), IsEmpty());
  EXPECT_THAT(*store().GetDomains(Scope::App("existing")), IsEmpty());
}

// ---- host-only commands over ssh ---------------------------------------------

TEST_F(DispatchTest, HostOnlyCommandsAreRefusedOverSsh) {
  env_.via_ssh = true;
  env_.key_name = "remote";
  for (const std::vector<std::string>& words :
       std::vector<std::vector<std::string>>{{"ssh-keys:add", "intruder"},
                                             {"ssh-keys:remove", "admin"},
                                             {"ssh-keys:list"},
                                             {"plugin:trigger", "post-create", "app"}}) {
    plugins_.Clear();
    Status s =
        Run(words,
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << words[0];
    EXPECT_THAT(s.message(), HasSubstr(words[0] + " changes the host"));
    // user-auth still ran, and nothing else did.
    EXPECT_THAT(plugins_.names(), ElementsAre("user-auth")) << words[0];
  }
  EXPECT_THAT(runner_.specs(), IsEmpty());
  EXPECT_FALSE(PathExists(env_.authorized_keys));
}

TEST_F(DispatchTest, HostOnlyCommandsRunLocally) {
  ASSERT_TRUE(RunOk({"plugin:trigger", "post-create", "myapp"}));
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth", "post-create"));
  EXPECT_THAT(plugins_.fired().back().args, ElementsAre("myapp"));
}

TEST_F(DispatchTest, PluginTriggerRefusesNamesOutsideTheCatalogue) {
  Status s = Run({"plugin:trigger", "no-such-trigger"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("No trigger named 'no-such-trigger'"));
}

TEST_F(DispatchTest, OrdinaryCommandsWorkOverSsh) {
  env_.via_ssh = true;
  ASSERT_TRUE(RunOk({"apps:create", "remote-app"}));
  EXPECT_THAT(AppNames(), ElementsAre("remote-app"));
}

// ---- flags -------------------------------------------------------------------

TEST_F(DispatchTest, AppGlobalFlagFillsTheAppArgument) {
  ASSERT_TRUE(RunOk({"apps:create", "myapp"}));
  ASSERT_TRUE(RunOk({"--app", "myapp", "config:set", "K=V"}));
  EXPECT_EQ(Env("myapp"), (EnvMap{{"K", "V"}}));
  ASSERT_TRUE(RunOk({"--app=myapp", "config:get", "K"}));
  EXPECT_EQ(out(), "V\n");
}

TEST_F(DispatchTest, AppGlobalFlagIsRefusedByCommandsWithoutAnApp) {
  Status s = Run({"--app", "myapp", "apps:list"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "--app is not accepted by apps:list");
}

TEST_F(DispatchTest, UnknownGlobalFlagIsRefused) {
  Status s = Run({"--bogus", "apps:list"});
  EXPECT_EQ(s.ExitCode(), 1);
  EXPECT_EQ(s.message(), "Unknown global flag --bogus");
}

TEST_F(DispatchTest, RootFlagIsNotAcceptedOverSsh) {
  std::vector<std::string> words = {"--root", "/etc", "apps:list"};
  auto globals = ParseGlobalFlags(words, /*allow_root=*/false);
  ASSERT_FALSE(globals.ok());
  EXPECT_EQ(globals.status().message(), "Unknown global flag --root");

  std::vector<std::string> local = {"--root", "/srv/berth", "--quiet", "apps:list"};
  auto host = ParseGlobalFlags(local, /*allow_root=*/true);
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->root, "/srv/berth");
  EXPECT_TRUE(host->quiet);
  EXPECT_THAT(local, ElementsAre("apps:list"));
}

TEST_F(DispatchTest, UnknownCommandFlagIsRefusedWithTheUsage) {
  Status s = Run({"apps:create", "myapp", "--bogus"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Unknown flag --bogus for apps:create; usage: berth apps:create APP");
  EXPECT_THAT(AppNames(), IsEmpty());
}

TEST_F(DispatchTest, FlagValuesAndDoubleDash) {
  CommandSpec spec{.name = "t:t",
                   .usage = "t:t",
                   .summary = "a test command",
                   .handler = nullptr,
                   .flags = {{"format", true}, {"merged"}}};
  std::vector<std::string> words = {"t:t", "--format", "json", "a", "--", "--merged", "b"};
  auto args = ParseCommandArgs(spec, words, GlobalFlags{});
  ASSERT_TRUE(args.ok()) << args.status().message();
  EXPECT_EQ(args->Flag("format"), "json");
  EXPECT_FALSE(args->Has("merged"));
  EXPECT_THAT(args->positional, ElementsAre("a", "--merged", "b"));

  std::vector<std::string> missing = {"t:t", "--format"};
  EXPECT_EQ(ParseCommandArgs(spec, missing, GlobalFlags{}).status().message(),
            "--format needs a value");
  std::vector<std::string> valued = {"t:t", "--merged=yes"};
  EXPECT_EQ(ParseCommandArgs(spec, valued, GlobalFlags{}).status().message(),
            "--merged takes no value");
}

TEST_F(DispatchTest, QuietDropsStepAndHeaderLinesButKeepsData) {
  ASSERT_TRUE(RunOk({"apps:create", "loud"}));
  EXPECT_EQ(out(), "-----> Creating loud...\n");
  ASSERT_TRUE(RunOk({"--quiet", "apps:create", "hushed"}));
  EXPECT_EQ(out(), "");
  ASSERT_TRUE(RunOk({"--quiet", "apps:list"}));
  EXPECT_EQ(out(), "hushed\nloud\n");
  ASSERT_TRUE(RunOk({"--quiet", "config:set", "loud", "K=V"}));
  EXPECT_THAT(out(), Not(HasSubstr("----->")));
  EXPECT_EQ(Env("loud"), (EnvMap{{"K", "V"}}));
}

// ---- audit text ----------------------------------------------------------------

TEST(AuditTextTest, RedactsConfigSetValues) {
  EXPECT_EQ(AuditText({"config:set", "app", "SECRET=hunter2", "--encoded", "B=x=y", "EMPTY="}),
            "config:set app SECRET=<redacted> --encoded B=<redacted> EMPTY=<redacted>");
  EXPECT_EQ(AuditText({"config:set", "--global", "TOKEN=abc"}),
            "config:set --global TOKEN=<redacted>");
}

TEST(AuditTextTest, LeavesOtherCommandsAlone) {
  EXPECT_EQ(AuditText({"ps:scale", "app", "web=2"}), "ps:scale app web=2");
  EXPECT_EQ(AuditText({"config:unset", "app", "K"}), "config:unset app K");
  EXPECT_EQ(AuditText({"domains:add", "app", "a.com"}), "domains:add app a.com");
  EXPECT_EQ(AuditText({}), "");
}

TEST(AuditTextTest, ReplacesControlCharacters) {
  EXPECT_EQ(AuditText({"apps:create", "a\nb\x1b[31m"}), "apps:create a?b?[31m");
}

}  // namespace
}  // namespace berth
