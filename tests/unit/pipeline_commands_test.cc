// The lean commands around builds: git:set/report, buildpacks:*, builder:*,
// apps:set, releases listing, and that pipeline commands are marked for
// berth-pipeline (berth forwards them; it has no handler for them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cli/pipeline.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::HasSubstr;

class BuildCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "shop"}));
  }
};

TEST_F(BuildCommandsTest, PipelineCommandsAreMarkedForBerthPipeline) {
  for (const char* name : {"git-receive-pack", "git-upload-pack", "git-hook", "git:from-archive",
                           "git:sync", "ps:rebuild", "releases:rollback"}) {
    EXPECT_TRUE(IsPipelineCommand(name)) << name;
  }
  for (const char* name : {"apps:list", "config:get", "releases", "builds:list", "git:set",
                           "buildpacks:add", "no-such-command"}) {
    EXPECT_FALSE(IsPipelineCommand(name)) << name;
  }
  EXPECT_FALSE(NeedsPipeline({}));
}

TEST_F(BuildCommandsTest, GitTransportsAndTheHookAreHiddenFromHelp) {
  ASSERT_TRUE(RunOk({"help", "--all"}));
  EXPECT_THAT(out(), HasSubstr("git:sync"));
  EXPECT_THAT(out(), ::testing::Not(HasSubstr("git-receive-pack")));
  EXPECT_THAT(out(), ::testing::Not(HasSubstr("git-hook")));
}

TEST_F(BuildCommandsTest, GitSetValidatesAndReportShowsIt) {
  ASSERT_TRUE(RunOk({"git:set", "shop", "deploy-branch", "release/2"}));
  ASSERT_TRUE(RunOk({"git:set", "--global", "deploy-branch", "main"}));
  ASSERT_TRUE(RunOk({"git:report", "shop", "--git-deploy-branch"}));
  EXPECT_EQ(out(), "release/2\n");
  ASSERT_TRUE(RunOk({"git:report", "shop", "--git-global-deploy-branch"}));
  EXPECT_EQ(out(), "main\n");
  for (const char* bad : {"-x", "a..b", "x.lock", "a b", "a;b"}) {
    Status s = Run({"git:set", "shop", "deploy-branch", bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(Run({"git:set", "shop", "colour", "x"}).message(), HasSubstr("Unknown git setting"));
  EXPECT_EQ(Run({"git:set", "shop", "rev-env-var", "1X"}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(RunOk({"git:set", "shop", "deploy-branch"}));  // unset
  ASSERT_TRUE(RunOk({"git:report", "shop", "--git-deploy-branch"}));
  EXPECT_EQ(out(), "\n");
}

TEST_F(BuildCommandsTest, BuildpacksListKeepsOrderAndRejectsBadUrls) {
  ASSERT_TRUE(RunOk({"buildpacks:add", "shop", "https://github.com/heroku/heroku-buildpack-nodejs.git"}));
  ASSERT_TRUE(RunOk({"buildpacks:add", "shop", "https://example.com/bp.tgz"}));
  ASSERT_TRUE(RunOk({"buildpacks:add", "shop", "--index", "1", "https://example.com/first.git#v1"}));
  ASSERT_TRUE(RunOk({"buildpacks:list", "shop"}));
  EXPECT_EQ(out(),
            "=====> shop buildpack urls\n"
            "https://example.com/first.git#v1\n"
            "https://github.com/heroku/heroku-buildpack-nodejs.git\n"
            "https://example.com/bp.tgz\n");
  EXPECT_EQ(Run({"buildpacks:add", "shop", "https://example.com/bp.tgz"}).code(),
            StatusCode::kAlreadyExists);
  for (const char* bad : {"relative/path", "ftp://x/y", "https://a b", ""}) {
    EXPECT_FALSE(Run({"buildpacks:add", "shop", bad}).ok()) << bad;
  }
  ASSERT_TRUE(RunOk({"buildpacks:remove", "shop", "--index", "2"}));
  ASSERT_TRUE(RunOk({"buildpacks:set", "shop", "https://example.com/replaced.git"}));
  ASSERT_TRUE(RunOk({"buildpacks:report", "shop", "--buildpacks-list"}));
  EXPECT_EQ(out(), "https://example.com/replaced.git,https://example.com/bp.tgz\n");
  EXPECT_EQ(Run({"buildpacks:remove", "shop", "https://nope.example/x.git"}).code(), StatusCode::kNotFound);
  ASSERT_TRUE(RunOk({"buildpacks:clear", "shop"}));
  ASSERT_TRUE(RunOk({"buildpacks:list", "shop"}));
  EXPECT_EQ(out(), "=====> shop buildpack urls\n");
}

TEST_F(BuildCommandsTest, BuilderSetAcceptsOnlyKnownBuilders) {
  ASSERT_TRUE(RunOk({"builder:set", "shop", "selected", "null"}));
  ASSERT_TRUE(RunOk({"builder:report", "shop", "--builder-computed-selected"}));
  EXPECT_EQ(out(), "null\n");
  EXPECT_THAT(Run({"builder:set", "shop", "selected", "dockerfile"}).message(),
              HasSubstr("Unknown builder"));
  ASSERT_TRUE(RunOk({"builder:set", "shop", "selected"}));
  ASSERT_TRUE(RunOk({"builder:report", "shop", "--builder-selected"}));
  EXPECT_EQ(out(), "\n");
}

TEST_F(BuildCommandsTest, AppsSetOnlyTakesTheGlobalAutocreationSwitch) {
  ASSERT_TRUE(RunOk({"apps:set", "--global", "disable-autocreation", "true"}));
  auto v = store().GetProperty("apps", Scope::Global(), "disable-autocreation");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or(""), "true");
  EXPECT_FALSE(Run({"apps:set", "--global", "disable-autocreation", "maybe"}).ok());
  EXPECT_FALSE(Run({"apps:set", "shop", "disable-autocreation", "true"}).ok());
}

TEST_F(BuildCommandsTest, ReleasesListAndInfoHideConfigValues) {
  ReleaseRecord r;
  r.description = "Deploy 1234567";
  r.git_rev = "1234567890";
  r.slug_digest = "abc";
  r.builder = "herokuish";
  r.process_types = {{"web", "npm start"}};
  r.config = {{"DATABASE_URL", "postgres://user:secret@db"}};
  ASSERT_TRUE(store().AddRelease("shop", r).ok());
  ASSERT_TRUE(RunOk({"releases", "shop"}));
  EXPECT_THAT(out(), HasSubstr("v1:"));
  EXPECT_THAT(out(), HasSubstr("Deploy 1234567"));
  ASSERT_TRUE(RunOk({"releases:info", "shop", "v1"}));
  EXPECT_THAT(out(), HasSubstr("DATABASE_URL"));
  EXPECT_THAT(out(), ::testing::Not(HasSubstr("secret")));
  ASSERT_TRUE(RunOk({"releases", "shop", "--format", "json"}));
  EXPECT_THAT(out(), HasSubstr("\"git_rev\":\"1234567890\""));
  EXPECT_THAT(out(), ::testing::Not(HasSubstr("secret")));
  EXPECT_EQ(Run({"releases:info", "shop", "v9"}).code(), StatusCode::kNotFound);
  EXPECT_EQ(Run({"releases:info", "shop", "x1"}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace berth
