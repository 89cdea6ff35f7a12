// plugin.toml: description, version and [plugin.config]; errors name the file
// and line so a plugin author can fix them.
#include "core/plugins/plugin_manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

TEST(ParsePluginManifestTest, ReadsDescriptionVersionAndConfig) {
  auto manifest = ParsePluginManifest(R"toml(
[plugin]
description = "Greets every new app"
version = "1.2.3"

[plugin.config]
GREETING = "hello \"world\""
RETRIES = 3
NEGATIVE = -7
ENABLED = true
DISABLED = false
_UNDERSCORE = ""
)toml",
                                      "/plugins/hello/plugin.toml");
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  EXPECT_EQ(manifest->description, "Greets every new app");
  EXPECT_EQ(manifest->version, "1.2.3");
  EXPECT_THAT(manifest->config,
              ElementsAre(Pair("DISABLED", "false"), Pair("ENABLED", "true"),
                          Pair("GREETING", "hello \"world\""), Pair("NEGATIVE", "-7"),
                          Pair("RETRIES", "3"), Pair("_UNDERSCORE", "")));
}

TEST(ParsePluginManifestTest, EmptyOrPluginlessFileGivesAnEmptyManifest) {
  for (std::string_view text : {"", "# just a comment\n", "[other]\nkey = 1\n"}) {
    auto manifest = ParsePluginManifest(text, "plugin.toml");
    ASSERT_TRUE(manifest.ok()) << manifest.status().message();
    EXPECT_EQ(manifest->description, "");
    EXPECT_EQ(manifest->version, "");
    EXPECT_THAT(manifest->config, IsEmpty());
  }
}

TEST(ParsePluginManifestTest, SyntaxErrorNamesFileAndLine) {
  auto manifest = ParsePluginManifest("[plugin]\ndescription = \"ok\"\nversion = \n",
                                      "/plugins/broken/plugin.toml");
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(manifest.status().message(), StartsWith("/plugins/broken/plugin.toml:3:"));
}

TEST(ParsePluginManifestTest, UnclosedTableIsASyntaxError) {
  auto manifest = ParsePluginManifest("\n\n\n[plugin\n", "x/plugin.toml");
  ASSERT_FALSE(manifest.ok());
  EXPECT_THAT(manifest.status().message(), StartsWith("x/plugin.toml:4:"));
}

TEST(ParsePluginManifestTest, DuplicateKeyIsASyntaxError) {
  auto manifest = ParsePluginManifest("[plugin]\nversion = \"1\"\nversion = \"2\"\n", "p.toml");
  ASSERT_FALSE(manifest.ok());
  EXPECT_THAT(manifest.status().message(), StartsWith("p.toml:3:"));
}

TEST(ParsePluginManifestTest, ConfigKeyThatIsNotAVariableNameIsRefused) {
  for (std::string key : {"\"BAD-KEY\"", "\"9LIVES\"", "\"HAS SPACE\"", "\"A=B\""}) {
    auto manifest = ParsePluginManifest("[plugin.config]\n" + key + " = \"x\"\n", "/p/plugin.toml");
    ASSERT_FALSE(manifest.ok()) << "accepted key " << key;
    EXPECT_EQ(manifest.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(manifest.status().message(), StartsWith("/p/plugin.toml: [plugin.config]"));
  }
}

TEST(ParsePluginManifestTest, ConfigValuesMustBeStringsIntegersOrBooleans) {
  for (std::string value : {"1.5", "[1, 2]", "{ a = 1 }", "1979-05-27"}) {
    auto manifest = ParsePluginManifest("[plugin.config]\nVALUE = " + value + "\n", "p.toml");
    ASSERT_FALSE(manifest.ok()) << "accepted " << value;
    EXPECT_THAT(manifest.status().message(),
                HasSubstr("VALUE must be a string, integer or boolean"));
  }
}

TEST(LoadPluginManifestTest, MissingFileGivesAnEmptyManifest) {
  test::TempDir dir;
  auto manifest = LoadPluginManifest(dir.path());
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  EXPECT_EQ(manifest->description, "");
  EXPECT_THAT(manifest->config, IsEmpty());
}

TEST(LoadPluginManifestTest, ReadsTheFileAndNamesItInErrors) {
  test::TempDir dir;
  dir.WriteFile("good/plugin.toml", "[plugin]\nversion = \"2.0\"\n[plugin.config]\nK = \"v\"\n");
  auto good = LoadPluginManifest(dir.Join("good"));
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->version, "2.0");
  EXPECT_THAT(good->config, ElementsAre(Pair("K", "v")));

  dir.WriteFile("bad/plugin.toml", "[plugin]\nversion = = 1\n");
  auto bad = LoadPluginManifest(dir.Join("bad"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), StartsWith(dir.Join("bad/plugin.toml") + ":2:"));
}

}  // namespace
}  // namespace berth
