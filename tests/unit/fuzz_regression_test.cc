// Inputs the fuzz targets in fuzz/ found crashing a parser, each kept here as a
// regression case: the parser must now return a clear error instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/build/app_json.h"
#include "core/build/slugignore.h"
#include "core/plugins/plugin_manifest.h"

namespace berth {
namespace {

using ::testing::HasSubstr;

// fuzz_app_json: nlohmann::json throws out_of_range (not parse_error) for a
// number too large for a double, which escaped ParseAppJson and aborted berth.
TEST(FuzzRegressionTest, AppJsonNumberOverflowIsAnError) {
  for (const char* text : {R"({"scripts": {"dokku": 1e400}})", R"({"formation": {"web": {"quantity": -1e999}}})",
                           "[1e400]"}) {
    auto app = ParseAppJson(text);
    ASSERT_FALSE(app.ok()) << text;
    EXPECT_THAT(app.status().message(), HasSubstr("app.json is not valid JSON"));
    EXPECT_THAT(app.status().message(), HasSubstr("number overflow"));
  }
}

// fuzz_plugin_toml: toml++ 3.3 reaches __builtin_unreachable() (undefined
// behaviour) testing some non-ASCII characters for whitespace.
TEST(FuzzRegressionTest, PluginTomlNonAsciiOutsideStringsIsAnError) {
  for (const char* text : {"\xef\xbb\x9f", "\xc2\xa1", "a = 1\n\xcc\xaa", "s = \"\"\"\\\n\xc2\xa7\"\"\"\n",
                           "s = \"\"\"\\  \n  \n \xc2\xa7\"\"\"\n",
                           // A backslash (and blanks) before non-ASCII text in a """ string.
                           "s = \"\"\"mult\\\xef\xbb\xbb[\"\"\"\n", "s = \"\"\"\\ \t\xc2\xa1\"\"\"\n",
                           // A quote glued to a value opens no string in toml++.
                           "A = [1\"\"\"\xcd\xa2x\"\"\"]\n", "A = 1'\xc2\xa1'\n",
                           // ... nor one after a bracket inside such a value.
                           "N = 1'[['pd\xef\xbb\xbb[}sv", "N = -\"\xc2\xa1\"\n"}) {
    auto manifest = ParsePluginManifest(text, "plugin.toml");
    ASSERT_FALSE(manifest.ok()) << text;
    EXPECT_THAT(manifest.status().message(), HasSubstr("plugin.toml:"));
    EXPECT_THAT(manifest.status().message(), HasSubstr("non-ASCII text"));
  }
}

TEST(FuzzRegressionTest, PluginTomlNonAsciiInStringsAndCommentsStillReads) {
  auto manifest = ParsePluginManifest(
      "# caf\xc3\xa9\n[plugin]\ndescription = \"caf\xc3\xa9 \\\" \xc2\xa1\"\nversion = '\xc2\xa7'\n"
      "[plugin.config]\nA = \"\"\"x\n\xc2\xa1\"\"\"\nB = '''\xc2\xa1'''\n",
      "plugin.toml");
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  EXPECT_EQ(manifest->description, "caf\xc3\xa9 \" \xc2\xa1");
  EXPECT_EQ(manifest->version, "\xc2\xa7");
  EXPECT_EQ(manifest->config.at("A"), "x\n\xc2\xa1");
  EXPECT_EQ(manifest->config.at("B"), "\xc2\xa1");
}

// A config value is exported to the plugin's scripts: a NUL would cut it short.
TEST(FuzzRegressionTest, PluginTomlConfigValueWithNulIsAnError) {
  auto manifest = ParsePluginManifest("[plugin.config]\nA = \"x\\u0000y\"\n", "plugin.toml");
  ASSERT_FALSE(manifest.ok());
  EXPECT_THAT(manifest.status().message(), HasSubstr("NUL"));
}

// fuzz_slugignore: a pattern of many "**" parts that cannot match took time
// exponential in their number (libFuzzer's 10 s timeout); now pattern × path.
TEST(FuzzRegressionTest, SlugignoreWithManyDoubleStarsIsFast) {
  std::string pattern = "a";
  for (int i = 0; i < 40; ++i) pattern += "/**/x";
  pattern += "/nomatch";
  auto ignore = SlugIgnore::Parse(pattern + "\n");
  ASSERT_TRUE(ignore.ok()) << ignore.status().message();
  std::string path = "a";
  for (int i = 0; i < 60; ++i) path += "/x";
  EXPECT_FALSE(ignore->Ignored(path, false));
  EXPECT_TRUE(SlugIgnore::Parse("a/**/x/**/y\n")->Ignored("a/x/b/x/y", false));
  EXPECT_TRUE(SlugIgnore::Parse("a/**\n")->Ignored("a/b", false));
  EXPECT_FALSE(SlugIgnore::Parse("a/**\n")->Ignored("a", true)) << "dir/** needs a part below";
}

}  // namespace
}  // namespace berth
