// What plugin:install checks before it touches anything: the source's kind,
// the plugin's name, and the plugin folder (plugin.toml, trigger files,
// subcommands). Then the on-disk layout (InstalledPlugins): commit, enable,
// disable, replace, restore and remove. No process is started.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/plugins/installed_plugins.h"
#include "core/plugins/plugin_check.h"
#include "core/plugins/plugin_source.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr mode_t kExecutable = 0755;
constexpr mode_t kPlain = 0644;

// ---- sources ---------------------------------------------------------------

TEST(PluginSourceTest, ClassifiesFoldersBareReposAndTarballs) {
  test::TempDir dir;
  dir.WriteFile("folder/plugin.toml", "[plugin]\n");
  dir.WriteFile("bare.git/HEAD", "ref: refs/heads/main\n");
  dir.MakeDir("bare.git/objects");
  dir.MakeDir("bare.git/refs");
  dir.WriteFile("p.tar.gz", "x");
  dir.WriteFile("notes.txt", "x");

  auto folder = ParsePluginSource(dir.Join("folder/"), "");
  ASSERT_TRUE(folder.ok()) << folder.status().message();
  EXPECT_EQ(folder->kind, PluginSourceKind::kFolder);
  EXPECT_EQ(folder->location, dir.Join("folder"));

  auto bare = ParsePluginSource(dir.Join("bare.git"), "v1");
  ASSERT_TRUE(bare.ok()) << bare.status().message();
  EXPECT_EQ(bare->kind, PluginSourceKind::kGit);
  EXPECT_EQ(bare->committish, "v1");

  auto tarball = ParsePluginSource(dir.Join("p.tar.gz"), "");
  ASSERT_TRUE(tarball.ok());
  EXPECT_EQ(tarball->kind, PluginSourceKind::kTarball);

  auto other = ParsePluginSource(dir.Join("notes.txt"), "");
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(other.status().message(), HasSubstr("tarball"));
  EXPECT_EQ(ParsePluginSource(dir.Join("missing"), "").status().code(), StatusCode::kNotFound);
}

TEST(PluginSourceTest, ClassifiesUrls) {
  auto git = ParsePluginSource("https://example.com/owner/berth-plugin-hello.git", "main");
  ASSERT_TRUE(git.ok());
  EXPECT_EQ(git->kind, PluginSourceKind::kGit);
  auto file_url = ParsePluginSource("file:///srv/repos/hello.git", "");
  ASSERT_TRUE(file_url.ok());
  EXPECT_EQ(file_url->kind, PluginSourceKind::kGit);
  auto tarball = ParsePluginSource("https://example.com/hello-1.0.tar.gz", "");
  ASSERT_TRUE(tarball.ok());
  EXPECT_EQ(tarball->kind, PluginSourceKind::kTarball);
  EXPECT_FALSE(ParsePluginSource("ftp://example.com/x.git", "").ok());
  EXPECT_FALSE(ParsePluginSource("--upload-pack=evil", "").ok());
  EXPECT_FALSE(ParsePluginSource("", "").ok());
}

TEST(PluginSourceTest, RefusesBadCommittishesAndCommittishesOutsideGit) {
  for (const char* ref : {"-x", "a..b", "a b", "x:y", "a\nb"}) {
    EXPECT_EQ(ParsePluginSource("https://example.com/p.git", ref).status().code(),
              StatusCode::kInvalidArgument)
        << ref;
  }
  auto tar = ParsePluginSource("https://example.com/p.tgz", "main");
  EXPECT_EQ(tar.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(tar.status().message(), HasSubstr("git sources only"));
}

TEST(PluginSourceTest, NamesFromSources) {
  EXPECT_EQ(PluginNameFromSource("https://example.com/o/berth-plugin-hello.git"), "hello");
  EXPECT_EQ(PluginNameFromSource("/srv/plugins/hello/"), "hello");
  EXPECT_EQ(PluginNameFromSource("/tmp/hello.tar.gz"), "hello");
  EXPECT_EQ(PluginNameFromSource("/tmp/berth-cron.tgz"), "cron");
  EXPECT_EQ(PluginNameFromSource("git@host:o/hello.git"), "hello");
}

TEST(PluginSourceTest, PluginNamesCannotTraverseOrCollideWithCommands) {
  for (const char* bad : {"", "..", ".", "../x", "a/b", "Hello", "a:b", "-x", "a b", ".hidden",
                          "x\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    EXPECT_EQ(ValidatePluginName(bad).code(), StatusCode::kInvalidArgument) << "[" << bad << "]";
  }
  for (const char* good : {"hello", "my-plugin", "p2", "9lives"}) {
    EXPECT_TRUE(ValidatePluginName(good).ok()) << good;
  }
}

// ---- the plugin folder ----------------------------------------------------

class PluginCheckTest : public ::testing::Test {
 protected:
  std::string Plugin() const { return dir_.Join("p"); }
  test::TempDir dir_;
};

TEST_F(PluginCheckTest, AGoodPluginHasNoWarnings) {
  dir_.WriteFile("p/plugin.toml", "[plugin]\ndescription = \"x\"\n[plugin.config]\nGREETING = \"hi\"\n");
  dir_.WriteFile("p/post-create", "#!/bin/sh\n", kExecutable);
  dir_.WriteFile("p/install", "#!/bin/sh\n", kExecutable);
  dir_.WriteFile("p/commands", "#!/bin/sh\n", kExecutable);
  dir_.WriteFile("p/README.md", "hello", kPlain);
  dir_.WriteFile("p/subcommands/greet", "#!/bin/sh\n", kExecutable);
  auto warnings = CheckPluginFolder(Plugin());
  ASSERT_TRUE(warnings.ok()) << warnings.status().message();
  EXPECT_THAT(*warnings, IsEmpty());
}

TEST_F(PluginCheckTest, AnExecutableNamedLikeNoTriggerIsAWarning) {
  dir_.WriteFile("p/post-creat", "#!/bin/sh\n", kExecutable);
  auto warnings = CheckPluginFolder(Plugin());
  ASSERT_TRUE(warnings.ok());
  ASSERT_EQ(warnings->size(), 1u);
  EXPECT_THAT((*warnings)[0], HasSubstr("post-creat"));
}

TEST_F(PluginCheckTest, ANonExecutableTriggerFileIsAnError) {
  dir_.WriteFile("p/pre-deploy", "#!/bin/sh\n", kPlain);
  auto result = CheckPluginFolder(Plugin());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("pre-deploy"));
}

TEST_F(PluginCheckTest, ANonExecutableSubcommandIsAnError) {
  dir_.WriteFile("p/subcommands/greet", "#!/bin/sh\n", kPlain);
  auto result = CheckPluginFolder(Plugin());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("subcommands/greet"));
}

TEST_F(PluginCheckTest, ABrokenManifestIsRefusedWithLineAndColumn) {
  dir_.WriteFile("p/plugin.toml", "[plugin]\ndescription = \"unterminated\n");
  auto result = CheckPluginFolder(Plugin());
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("plugin.toml:2:"));
}

// ---- the layout on disk ---------------------------------------------------

class InstalledPluginsTest : public ::testing::Test {
 protected:
  std::string Stage(const std::string& content) {
    auto staging = plugins_.MakeStaging("hello");
    EXPECT_TRUE(staging.ok());
    std::string tree = *staging + "/tree";
    std::filesystem::create_directories(tree);
    dir_.WriteFile(tree.substr(dir_.path().size() + 1) + "/VERSION", content);
    return tree;
  }
  InstalledSource Source(std::string committish = "") {
    return {{PluginSourceKind::kGit, "file:///srv/hello.git", std::move(committish)}, "abc123"};
  }
  test::TempDir dir_;
  InstalledPlugins plugins_{dir_.path()};
};

TEST_F(InstalledPluginsTest, CommitInstallsEnablesAndRecordsTheSource) {
  ASSERT_TRUE(plugins_.Commit(Stage("1"), "hello", Source()).ok());
  EXPECT_TRUE(plugins_.IsInstalled("hello"));
  EXPECT_TRUE(plugins_.IsEnabled("hello"));
  char target[256] = {};
  ASSERT_GT(::readlink(dir_.Join("plugins/enabled/hello").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "../available/hello");
  EXPECT_EQ(test::ReadText(dir_.Join("plugins/enabled/hello/VERSION")), "1");
  auto source = plugins_.Source("hello");
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(source->source.kind, PluginSourceKind::kGit);
  EXPECT_EQ(source->source.location, "file:///srv/hello.git");
  EXPECT_EQ(source->commit, "abc123");
  EXPECT_EQ(plugins_.Commit(Stage("2"), "hello", Source()).code(), StatusCode::kAlreadyExists);
}

TEST_F(InstalledPluginsTest, DisableAndEnableKeepTheFiles) {
  ASSERT_TRUE(plugins_.Commit(Stage("1"), "hello", Source()).ok());
  ASSERT_TRUE(plugins_.Disable("hello").ok());
  EXPECT_FALSE(plugins_.IsEnabled("hello"));
  EXPECT_TRUE(plugins_.IsInstalled("hello"));
  ASSERT_TRUE(plugins_.Disable("hello").ok()) << "disabling twice is fine";
  ASSERT_TRUE(plugins_.Enable("hello").ok());
  EXPECT_TRUE(plugins_.IsEnabled("hello"));
  EXPECT_EQ(plugins_.Enable("missing").code(), StatusCode::kNotFound);
}

TEST_F(InstalledPluginsTest, ReplaceThenRestorePutsThePreviousVersionBack) {
  ASSERT_TRUE(plugins_.Commit(Stage("1"), "hello", Source()).ok());
  auto old = plugins_.Replace(Stage("2"), "hello", Source("v2"));
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_EQ(test::ReadText(dir_.Join("plugins/enabled/hello/VERSION")), "2");
  EXPECT_EQ(plugins_.Source("hello")->source.committish, "v2");
  ASSERT_TRUE(plugins_.Restore(*old, "hello", Source()).ok());
  EXPECT_EQ(test::ReadText(dir_.Join("plugins/enabled/hello/VERSION")), "1");
  EXPECT_EQ(plugins_.Source("hello")->source.committish, "");
}

TEST_F(InstalledPluginsTest, RemoveLeavesNothingBehind) {
  ASSERT_TRUE(plugins_.Commit(Stage("1"), "hello", Source()).ok());
  plugins_.Remove("hello");
  EXPECT_FALSE(plugins_.IsInstalled("hello"));
  EXPECT_FALSE(plugins_.IsEnabled("hello"));
  EXPECT_FALSE(plugins_.Source("hello").ok());
  std::vector<std::string> left;
  for (const char* sub : {"available", "enabled", "sources"}) {
    for (const auto& e : std::filesystem::directory_iterator(dir_.Join("plugins/") + sub)) {
      left.push_back(e.path().string());
    }
  }
  EXPECT_THAT(left, IsEmpty());
}

}  // namespace
}  // namespace berth
