// DirectoryPluginHost over a FakeProcessRunner: which plugins implement what,
// the order and environment plugins run with, and how veto, observe and
// timeout results become a Status. No process is started.
#include "core/plugins/directory_plugin_host.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/plugins/trigger_catalogue.h"
#include "tests/unit/fake_process_runner.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Key;
using ::testing::Not;
using ::testing::Pair;

constexpr mode_t kExecutable = 0755;
constexpr mode_t kPlain = 0644;

class DirectoryPluginHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    bundled_ = dir_.MakeDir("share/plugins");
    enabled_ = dir_.MakeDir("root/plugins/enabled");
  }
  void TearDown() override { dir_.Remove(); }

  // Creates `file` in plugin `plugin` under `root` (bundled_ or enabled_).
  std::string AddFile(const std::string& root, const std::string& plugin, const std::string& file,
                      mode_t mode = kExecutable, const std::string& content = "#!/bin/sh\n") {
    std::string relative = root.substr(dir_.path().size() + 1) + "/" + plugin + "/" + file;
    return dir_.WriteFile(relative, content, mode);
  }
  // The path the host runs for `trigger` of a bundled plugin.
  std::string Bundled(const std::string& plugin, std::string_view trigger) const {
    return bundled_ + "/" + plugin + "/" + std::string(trigger);
  }

  DirectoryPluginHost& Host() {
    if (!host_) {
      PluginHostOptions options;
      options.directories = {{bundled_, true}, {enabled_, false}};
      options.enabled_dir = enabled_;
      options.env = {{"BERTH_ROOT", "/srv/berth-root"}, {"BERTH_BIN", "/usr/bin/berth"}};
      options.trace = trace_;
      host_ = std::make_unique<DirectoryPluginHost>(runner_, output_, options);
    }
    return *host_;
  }

  ProcessResult Exited(int exit_code, std::string out = "", std::string err = "") {
    ProcessResult r;
    r.exit_code = exit_code;
    r.out = std::move(out);
    r.err = std::move(err);
    return r;
  }

  test::TempDir dir_;
  std::string bundled_;
  std::string enabled_;
  test::FakeProcessRunner runner_;
  std::ostringstream out_;
  std::ostringstream err_;
  Output output_{out_, err_, false};
  std::unique_ptr<DirectoryPluginHost> host_;
  bool trace_ = false;  // --trace
};

// ---- the index ---------------------------------------------------------------

TEST_F(DirectoryPluginHostTest, IndexHoldsOnlyExecutablesNamedAfterTriggers) {
  AddFile(bundled_, "alpha", "post-create", kExecutable);
  AddFile(bundled_, "alpha", "pre-delete", kPlain);          // not executable
  AddFile(bundled_, "alpha", "not-a-trigger", kExecutable);  // not in the catalogue
  AddFile(bundled_, "alpha", "plugin.toml", kPlain, "[plugin]\n");
  dir_.MakeDir("share/plugins/alpha/post-delete");  // a directory, not a file

  EXPECT_TRUE(Host().Implements(triggers::kPostCreate));
  EXPECT_FALSE(Host().Implements(triggers::kPreDelete));
  EXPECT_FALSE(Host().Implements(triggers::kPostDelete));
  EXPECT_FALSE(Host().Implements("not-a-trigger"));
  auto plugins = Host().ListPlugins();
  ASSERT_EQ(plugins.size(), 1u);
  EXPECT_THAT(plugins[0].triggers, ElementsAre("post-create"));
  EXPECT_THAT(runner_.specs(), IsEmpty()) << "the index is built from directory listings alone";
}

TEST_F(DirectoryPluginHostTest, IgnoresFilesAndBadlyNamedFoldersAmongPlugins) {
  AddFile(bundled_, "good", "post-create");
  dir_.WriteFile("share/plugins/stray-file", "", kExecutable);
  AddFile(bundled_, ".hidden", "post-create");
  AddFile(bundled_, "bad name", "post-create");
  auto plugins = Host().ListPlugins();
  ASSERT_EQ(plugins.size(), 1u);
  EXPECT_EQ(plugins[0].name, "good");
  ASSERT_TRUE(Host().Fire({triggers::kPostCreate, {"app"}, "app", ""}).ok());
  EXPECT_THAT(runner_.programs(), ElementsAre(Bundled("good", triggers::kPostCreate)));
}

TEST_F(DirectoryPluginHostTest, MissingDirectoriesMeanNoPlugins) {
  dir_.Remove();
  EXPECT_THAT(Host().ListPlugins(), IsEmpty());
  EXPECT_FALSE(Host().Implements(triggers::kUserAuth));
  EXPECT_TRUE(Host().Fire({triggers::kUserAuth, {"u", "k", "apps:list"}, "", ""}).ok());
}

TEST_F(DirectoryPluginHostTest, FiringAnUnimplementedTriggerRunsNoProcess) {
  AddFile(bundled_, "alpha", "post-create");
  AddFile(enabled_, "beta", "pre-delete", kPlain);
  EXPECT_TRUE(Host().Fire({triggers::kPostDelete, {"app"}, "app", ""}).ok());
  EXPECT_TRUE(Host().Fire({triggers::kPreDelete, {"app"}, "app", ""}).ok());
  auto answer = Host().Query({triggers::kPostDelete, {"app"}, "app", ""});
  ASSERT_TRUE(answer.ok());
  EXPECT_FALSE(answer->has_value());
  EXPECT_THAT(runner_.specs(), IsEmpty());
}

TEST_F(DirectoryPluginHostTest, TriggerOutsideTheCatalogueIsAnInternalError) {
  Status s = Host().Fire({"no-such-trigger", {}, "", ""});
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("no-such-trigger"));
  EXPECT_FALSE(Host().Query({"no-such-trigger", {}, "", ""}).ok());
}

// ---- order and shadowing ---------------------------------------------------

TEST_F(DirectoryPluginHostTest, RunsPluginsInNameOrderAcrossDirectories) {
  AddFile(bundled_, "charlie", "post-create");
  AddFile(bundled_, "alpha", "post-create");
  AddFile(enabled_, "bravo", "post-create");
  AddFile(enabled_, "aardvark", "post-delete");  // implements something else
  ASSERT_TRUE(Host().Fire({triggers::kPostCreate, {"app"}, "app", ""}).ok());
  EXPECT_THAT(runner_.programs(),
              ElementsAre(Bundled("alpha", "post-create"), enabled_ + "/bravo/post-create",
                          Bundled("charlie", "post-create")));
  std::vector<std::string> names;
  for (const auto& p : Host().ListPlugins()) names.push_back(p.name);
  EXPECT_THAT(names, ElementsAre("aardvark", "alpha", "bravo", "charlie"));
}

TEST_F(DirectoryPluginHostTest, SameNamedPluginInALaterDirectoryIsShadowed) {
  AddFile(bundled_, "dup", "post-create");
  AddFile(enabled_, "dup", "post-create");
  AddFile(enabled_, "dup", "post-delete");  // only the shadowed copy has this one
  ASSERT_TRUE(Host().Fire({triggers::kPostCreate, {"app"}, "app", ""}).ok());
  EXPECT_THAT(runner_.programs(), ElementsAre(Bundled("dup", "post-create")));
  EXPECT_FALSE(Host().Implements(triggers::kPostDelete));
  auto plugins = Host().ListPlugins();
  ASSERT_EQ(plugins.size(), 1u);
  EXPECT_EQ(plugins[0].dir, bundled_ + "/dup");
  EXPECT_TRUE(plugins[0].bundled);
}

// ---- veto and observe ---------------------------------------------------------

TEST_F(DirectoryPluginHostTest, VetoStopsAtTheFirstRefusalWithItsStderr) {
  for (auto trigger : {triggers::kUserAuth, triggers::kPreDelete}) {
    std::string name(trigger);
    AddFile(bundled_, "alpha", name);
    AddFile(bundled_, "bravo", name);
    AddFile(bundled_, "charlie", name);
    runner_.SetResult(Bundled("bravo", trigger), Exited(1, "", "the ci key may not do that\n"));
  }
  for (auto trigger : {triggers::kUserAuth, triggers::kPreDelete}) {
    size_t before = runner_.specs().size();
    Status s = Host().Fire({trigger, {"app"}, "app", ""});
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << trigger;
    EXPECT_EQ(s.message(), "the ci key may not do that");
    ASSERT_EQ(runner_.specs().size(), before + 2) << "charlie must not run after bravo refused";
    EXPECT_EQ(runner_.programs().back(), Bundled("bravo", trigger));
  }
}

TEST_F(DirectoryPluginHostTest, SilentVetoNamesThePlugin) {
  AddFile(enabled_, "guard", "pre-delete");
  runner_.SetExit(enabled_ + "/guard/pre-delete", 2);
  Status s = Host().Fire({triggers::kPreDelete, {"app"}, "app", ""});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "refused by plugin guard (pre-delete)");
}

TEST_F(DirectoryPluginHostTest, VetoThatCannotStartRefusesWithTheReason) {
  AddFile(bundled_, "guard", "user-auth");
  runner_.SetResult(Bundled("guard", "user-auth"), Internal("cannot run it: Exec format error"));
  Status s = Host().Fire({triggers::kUserAuth, {"u", "k", "apps:list"}, "", ""});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("Exec format error"));
}

TEST_F(DirectoryPluginHostTest, ObserveFailureIsAWarningAndLaterPluginsStillRun) {
  AddFile(bundled_, "alpha", "post-create");
  AddFile(bundled_, "bravo", "post-create");
  runner_.SetResult(Bundled("alpha", "post-create"), Exited(3, "", "boom\n"));
  Status s = Host().Fire({triggers::kPostCreate, {"app"}, "app", ""});
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(runner_.specs().size(), 2u);
  EXPECT_EQ(err_.str(), " !     plugin alpha failed in post-create: boom\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(DirectoryPluginHostTest, PluginOutputIsPassedThrough) {
  AddFile(bundled_, "alpha", "post-create");
  AddFile(bundled_, "bravo", "post-create");
  runner_.SetResult(Bundled("alpha", "post-create"), Exited(0, "-----> Welcome\n", "note\n"));
  runner_.SetResult(Bundled("bravo", "post-create"), Exited(0, "second\n"));
  ASSERT_TRUE(Host().Fire({triggers::kPostCreate, {"app"}, "app", ""}).ok());
  EXPECT_EQ(out_.str(), "-----> Welcome\nsecond\n");
  EXPECT_EQ(err_.str(), "note\n");
}

// ---- what a plugin process gets ---------------------------------------------

TEST_F(DirectoryPluginHostTest, PassesArgsStdinEnvironmentAndDirectory) {
  AddFile(enabled_, "greeter", "post-create");
  AddFile(enabled_, "greeter", "plugin.toml", kPlain,
          "[plugin]\ndescription = \"says hello\"\nversion = \"1.2.3\"\n"
          "[plugin.config]\nGREETING = \"hello there\"\nRETRIES = 3\nVERBOSE = true\n");
  ASSERT_TRUE(
      Host().Fire({triggers::kPostCreate, {"myapp", "$(id)"}, "myapp", "stdin bytes"}).ok());
  ASSERT_EQ(runner_.specs().size(), 1u);
  const ProcessSpec& spec = runner_.specs()[0];
  const std::string plugin_dir = enabled_ + "/greeter";
  EXPECT_THAT(spec.argv, ElementsAre(plugin_dir + "/post-create", "myapp", "$(id)"));
  EXPECT_EQ(spec.stdin_data, "stdin bytes");
  EXPECT_EQ(spec.cwd, plugin_dir);
  EXPECT_FALSE(spec.env.has_value()) << "plugins inherit berth's environment";
  EXPECT_THAT(spec.extra_env, Contains(Pair("BERTH_ROOT", "/srv/berth-root")));
  EXPECT_THAT(spec.extra_env, Contains(Pair("BERTH_BIN", "/usr/bin/berth")));
  EXPECT_THAT(spec.extra_env, Contains(Pair("APP", "myapp")));
  EXPECT_THAT(spec.extra_env, Contains(Pair("PLUGIN_NAME", "greeter")));
  EXPECT_THAT(spec.extra_env, Contains(Pair("PLUGIN_DIR", plugin_dir)));
  EXPECT_THAT(spec.extra_env, Contains(Pair("PLUGIN_PATH", enabled_)));
  EXPECT_THAT(spec.extra_env, Contains(Pair("GREETING", "hello there")));
  EXPECT_THAT(spec.extra_env, Contains(Pair("RETRIES", "3")));
  EXPECT_THAT(spec.extra_env, Contains(Pair("VERBOSE", "true")));
}

TEST_F(DirectoryPluginHostTest, NoAppMeansNoAppVariable) {
  AddFile(bundled_, "auth", "user-auth");
  ASSERT_TRUE(Host().Fire({triggers::kUserAuth, {"user", "default", "apps:list"}, "", ""}).ok());
  ASSERT_EQ(runner_.specs().size(), 1u);
  EXPECT_THAT(runner_.specs()[0].extra_env, Not(Contains(Key("APP"))));
}

TEST_F(DirectoryPluginHostTest, ConfigCannotOverrideWhatBerthSets) {
  AddFile(bundled_, "sneaky", "post-create");
  AddFile(bundled_, "sneaky", "plugin.toml", kPlain,
          "[plugin.config]\nPLUGIN_NAME = \"other\"\nAPP = \"other\"\n");
  ASSERT_TRUE(Host().Fire({triggers::kPostCreate, {"real"}, "real", ""}).ok());
  ASSERT_EQ(runner_.specs().size(), 1u);
  EXPECT_THAT(runner_.specs()[0].extra_env, Contains(Pair("PLUGIN_NAME", "sneaky")));
  EXPECT_THAT(runner_.specs()[0].extra_env, Contains(Pair("APP", "real")));
}

TEST_F(DirectoryPluginHostTest, BrokenManifestIsAWarningAndThePluginStillRuns) {
  AddFile(bundled_, "broken", "post-create");
  AddFile(bundled_, "broken", "plugin.toml", kPlain, "[plugin\n");
  EXPECT_TRUE(Host().Fire({triggers::kPostCreate, {"app"}, "app", ""}).ok());
  EXPECT_EQ(runner_.specs().size(), 1u);
  EXPECT_THAT(err_.str(), HasSubstr("plugin broken: "));
  EXPECT_THAT(err_.str(), HasSubstr("plugin.toml"));
}

TEST_F(DirectoryPluginHostTest, TimeoutComesFromTheCatalogue) {
  AddFile(bundled_, "both", "user-auth");
  AddFile(bundled_, "both", "post-create");
  ASSERT_TRUE(Host().Fire({triggers::kUserAuth, {"u", "k", "x"}, "", ""}).ok());
  ASSERT_TRUE(Host().Fire({triggers::kPostCreate, {"app"}, "app", ""}).ok());
  ASSERT_EQ(runner_.specs().size(), 2u);
  EXPECT_EQ(runner_.specs()[0].timeout, std::chrono::seconds(10));
  EXPECT_EQ(runner_.specs()[1].timeout, std::chrono::seconds(60));
}

TEST_F(DirectoryPluginHostTest, TracePrintsEachPluginCommandOnStderr) {
  AddFile(bundled_, "alpha", "post-create");
  trace_ = true;
  ASSERT_TRUE(Host().Fire({triggers::kPostCreate, {"myapp", "second"}, "myapp", ""}).ok());
  EXPECT_EQ(err_.str(), "+ " + Bundled("alpha", "post-create") + " myapp second\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(DirectoryPluginHostTest, NoTraceByDefault) {
  AddFile(bundled_, "alpha", "post-create");
  ASSERT_TRUE(Host().Fire({triggers::kPostCreate, {"myapp"}, "myapp", ""}).ok());
  EXPECT_EQ(err_.str(), "");
}

// ---- timeouts ----------------------------------------------------------------

TEST_F(DirectoryPluginHostTest, TimedOutVetoRefusesAndSaysItWasKilled) {
  AddFile(bundled_, "slow", "user-auth");
  ProcessResult killed = Exited(128 + 9);
  killed.timed_out = true;
  runner_.SetResult(Bundled("slow", "user-auth"), killed);
  Status s = Host().Fire({triggers::kUserAuth, {"u", "k", "apps:list"}, "", ""});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("killed"));
  EXPECT_THAT(s.message(), HasSubstr("slow"));
  EXPECT_THAT(s.message(), HasSubstr("10 s"));
}

TEST_F(DirectoryPluginHostTest, TimedOutObserverIsAWarningMentioningKilled) {
  AddFile(bundled_, "slow", "post-create");
  ProcessResult killed = Exited(128 + 9);
  killed.timed_out = true;
  runner_.SetResult(Bundled("slow", "post-create"), killed);
  EXPECT_TRUE(Host().Fire({triggers::kPostCreate, {"app"}, "app", ""}).ok());
  EXPECT_THAT(err_.str(), HasSubstr("killed"));
  EXPECT_THAT(err_.str(), HasSubstr(" !     plugin slow failed in post-create"));
}

// ---- queries -------------------------------------------------------------------

TEST_F(DirectoryPluginHostTest, QueryReturnsTheFirstNonEmptyAnswer) {
  AddFile(bundled_, "a-empty", "post-create");
  AddFile(bundled_, "b-failing", "post-create");
  AddFile(bundled_, "c-answers", "post-create");
  AddFile(bundled_, "d-never-asked", "post-create");
  runner_.SetResult(Bundled("a-empty", "post-create"), Exited(0, "\n\n"));
  runner_.SetResult(Bundled("b-failing", "post-create"), Exited(1, "ignored", "oops\n"));
  runner_.SetResult(Bundled("c-answers", "post-create"), Exited(0, "the answer\nline two\n\n"));
  runner_.SetResult(Bundled("d-never-asked", "post-create"), Exited(0, "too late"));
  auto answer = Host().Query({triggers::kPostCreate, {"app"}, "app", ""});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, std::optional<std::string>("the answer\nline two"));
  EXPECT_EQ(runner_.specs().size(), 3u);
  EXPECT_THAT(err_.str(), HasSubstr("plugin b-failing failed in post-create: oops"));
  EXPECT_EQ(out_.str(), "") << "answers are returned, not printed";
}

TEST_F(DirectoryPluginHostTest, QueryWithoutAnAnswerIsNullopt) {
  AddFile(bundled_, "quiet", "post-create");
  auto answer = Host().Query({triggers::kPostCreate, {"app"}, "app", ""});
  ASSERT_TRUE(answer.ok());
  EXPECT_FALSE(answer->has_value());
  EXPECT_EQ(runner_.specs().size(), 1u);
}

// ---- subcommands and listing ---------------------------------------------------

TEST_F(DirectoryPluginHostTest, RunCommandRunsAPluginSubcommandAttached) {
  AddFile(enabled_, "hello", "subcommands/greet");
  runner_.SetExit(enabled_ + "/hello/subcommands/greet", 7);
  auto code = Host().RunCommand("hello:greet", {"myapp", "--loud"});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 7);
  ASSERT_EQ(runner_.specs().size(), 1u);
  const ProcessSpec& spec = runner_.specs()[0];
  EXPECT_THAT(spec.argv, ElementsAre(enabled_ + "/hello/subcommands/greet", "myapp", "--loud"));
  EXPECT_TRUE(spec.inherit_stdin);
  EXPECT_FALSE(spec.capture_stdout);
  EXPECT_FALSE(spec.capture_stderr);
  EXPECT_THAT(spec.extra_env, Contains(Pair("PLUGIN_NAME", "hello")));
  EXPECT_THAT(spec.extra_env, Not(Contains(Key("APP"))));
}

TEST_F(DirectoryPluginHostTest, RunCommandIgnoresWhatIsNotAnExecutableSubcommand) {
  AddFile(enabled_, "hello", "subcommands/greet");
  AddFile(enabled_, "hello", "subcommands/plain", kPlain);
  AddFile(enabled_, "hello", "post-create");
  EXPECT_FALSE(Host().RunCommand("hello:missing", {}).has_value());
  EXPECT_FALSE(Host().RunCommand("hello:plain", {}).has_value());
  EXPECT_FALSE(Host().RunCommand("hello:../post-create", {}).has_value());
  EXPECT_FALSE(Host().RunCommand("nobody:greet", {}).has_value());
  EXPECT_FALSE(Host().RunCommand("hello", {}).has_value());
  EXPECT_THAT(runner_.specs(), IsEmpty());
}

TEST_F(DirectoryPluginHostTest, ListPluginsReadsManifestSubcommandsAndHelp) {
  AddFile(enabled_, "hello", "plugin.toml", kPlain,
          "[plugin]\ndescription = \"Greets apps\"\nversion = \"0.4.0\"\n");
  AddFile(enabled_, "hello", "subcommands/greet");
  AddFile(enabled_, "hello", "subcommands/wave");
  AddFile(enabled_, "hello", "subcommands/notes.txt", kPlain);
  AddFile(enabled_, "hello", "commands", kPlain, "    hello:greet APP   Greet\n");
  auto plugins = Host().ListPlugins();
  ASSERT_EQ(plugins.size(), 1u);
  const PluginInfo& p = plugins[0];
  EXPECT_EQ(p.name, "hello");
  EXPECT_EQ(p.description, "Greets apps");
  EXPECT_EQ(p.version, "0.4.0");
  EXPECT_FALSE(p.bundled);
  EXPECT_THAT(p.subcommands, ElementsAre("greet", "wave"));
  EXPECT_EQ(p.help, "    hello:greet APP   Greet\n");
  EXPECT_THAT(p.triggers, IsEmpty());
}

// ---- FireAt: one plugin, for the lifecycle triggers -----------------------

TEST_F(DirectoryPluginHostTest, FireAtRunsOnlyThatPluginWithItsEnvironment) {
  AddFile(enabled_, "other", "install");
  std::string staged = dir_.MakeDir("staging/hello");
  dir_.WriteFile("staging/hello/install", "#!/bin/sh\n", kExecutable);
  dir_.WriteFile("staging/hello/plugin.toml", "[plugin.config]\nGREETING = \"hi\"\n");
  ASSERT_TRUE(Host().FireAt(staged, {triggers::kInstall, {}, "", ""}).ok());
  ASSERT_EQ(runner_.specs().size(), 1u);
  const ProcessSpec& spec = runner_.specs()[0];
  EXPECT_EQ(spec.argv, std::vector<std::string>{staged + "/install"});
  EXPECT_THAT(spec.extra_env, Contains(Pair("PLUGIN_NAME", "hello")));
  EXPECT_THAT(spec.extra_env, Contains(Pair("PLUGIN_DIR", staged)));
  EXPECT_THAT(spec.extra_env, Contains(Pair("GREETING", "hi")));
  EXPECT_THAT(spec.extra_env, Contains(Pair("BERTH_ROOT", "/srv/berth-root")));
  EXPECT_EQ(spec.timeout, std::chrono::seconds(300)) << "install's timeout in the catalogue";
}

TEST_F(DirectoryPluginHostTest, FireAtWithoutTheExecutableRunsNothing) {
  std::string staged = dir_.MakeDir("staging/hello");
  dir_.WriteFile("staging/hello/dependencies", "#!/bin/sh\n", kPlain);
  EXPECT_TRUE(Host().FireAt(staged, {triggers::kDependencies, {}, "", ""}).ok());
  EXPECT_THAT(runner_.specs(), IsEmpty());
}

TEST_F(DirectoryPluginHostTest, FireAtVetoRefusesWithStderrAndObserverOnlyWarns) {
  std::string staged = dir_.MakeDir("staging/hello");
  dir_.WriteFile("staging/hello/install", "#!/bin/sh\n", kExecutable);
  dir_.WriteFile("staging/hello/uninstall", "#!/bin/sh\n", kExecutable);
  runner_.SetResult(staged + "/install", Exited(1, "", "jq is missing\n"));
  runner_.SetResult(staged + "/uninstall", Exited(1, "", "cannot clean up\n"));
  Status refused = Host().FireAt(staged, {triggers::kInstall, {}, "", ""});
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.message(), "jq is missing");
  EXPECT_TRUE(Host().FireAt(staged, {triggers::kUninstall, {}, "", ""}).ok());
  EXPECT_THAT(err_.str(), HasSubstr("cannot clean up"));
}

}  // namespace
}  // namespace berth
