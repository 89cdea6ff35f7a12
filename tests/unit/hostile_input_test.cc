// Hostile input, table-driven: names with traversal, NUL, newlines, unicode and
// huge lengths are refused by the validators with a message naming the
// problem; values with shell metacharacters, newlines and non-UTF-8 bytes are
// allowed and come back byte for byte (they are never evaluated).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/base/shell_words.h"
#include "core/base/validate.h"
#include "core/build/buildpack_ref.h"
#include "core/build/procfile.h"
#include "core/runtime/storage.h"

namespace berth {
namespace {

using ::testing::HasSubstr;

using namespace std::string_literals;

// Names no validator may accept, whatever it names: traversal, separators,
// NUL, newlines, shell metacharacters, unicode, non-UTF-8 bytes, 10 KB.
const std::vector<std::string>& HostileNames() {
  static const std::vector<std::string> names = {
      "../x", "..", ".", "a/../b", "/etc", "a/b", "x\0y"s, "x\ny", "x\r", "$(rm -rf /)",
      "`id`", "a;b", "a|b", "a&b", "a<b", "a>b", "'a'", "\"a\"", "a b", "caf\xc3\xa9",
      "\xff\xfe", "-rf", std::string(10 * 1024, 'a'), ""};
  return names;
}

TEST(HostileInputTest, AppNamesAreRefusedWithTheReason) {
  for (const std::string& name : HostileNames()) {
    Status status = ValidateAppName(name);
    ASSERT_FALSE(status.ok()) << name.substr(0, 40);
    EXPECT_THAT(status.message(), testing::AnyOf(HasSubstr("Invalid app name"),
                                                 HasSubstr("must not be empty")));
    EXPECT_EQ(status.message().find('\0'), std::string::npos) << "the message shows a NUL escaped";
    EXPECT_EQ(status.message().find('\n'), std::string::npos) << "the message shows a newline escaped";
    EXPECT_LT(status.message().size(), 400u) << "a 10 KB name is cut short in the message";
  }
  EXPECT_TRUE(ValidateAppName(std::string(63, 'a')).ok());
  EXPECT_FALSE(ValidateAppName(std::string(64, 'a')).ok());
}

TEST(HostileInputTest, PluginAndKeyNamesAreRefusedWithTheReason) {
  for (const std::string& name : HostileNames()) {
    if (name == "-rf") continue;
    Status plugin = ValidateSimpleName("plugin name", name);
    ASSERT_FALSE(plugin.ok()) << name.substr(0, 40);
    EXPECT_THAT(plugin.message(), HasSubstr("Invalid plugin name"));
    Status key = ValidateEnvKey(name);
    ASSERT_FALSE(key.ok()) << name.substr(0, 40);
    EXPECT_THAT(key.message(), HasSubstr("Invalid config key"));
  }
  EXPECT_FALSE(ValidateSimpleName("plugin name", "-rf").ok()) << "an option is not a name";
}

TEST(HostileInputTest, ConfigValuesAreBytesNeverEvaluated) {
  const std::vector<std::string> values = {
      "$(touch /tmp/berth-canary)", "`touch /tmp/berth-canary`", "a;b|c&d<e>f", "'\"'\"",
      "line1\nline2\r\n", "\xff\xfe\x80 not utf-8", "${HOME} $PATH \\ \\n", "-e",
      std::string(256 * 1024, 'v')};
  for (const std::string& value : values) {
    EXPECT_TRUE(ValidateEnvValue("K", value).ok()) << value.substr(0, 40);
    // What config:export and the .profile.d scripts write reads back unchanged.
    auto words = SplitShellWords("export K=" + ShellQuote(value));
    ASSERT_TRUE(words.ok()) << value.substr(0, 40);
    ASSERT_EQ(words->size(), 2u);
    EXPECT_EQ((*words)[1], "K=" + value);
  }
  Status nul = ValidateEnvValue("K", "a\0b"s);
  ASSERT_FALSE(nul.ok());
  EXPECT_THAT(nul.message(), HasSubstr("NUL"));
  Status huge = ValidateEnvValue("K", std::string(256 * 1024 + 1, 'v'));
  ASSERT_FALSE(huge.ok());
  EXPECT_THAT(huge.message(), HasSubstr("larger than 256 KiB"));
}

TEST(HostileInputTest, StorageMountsWithTraversalOrRelativePathsAreRefused) {
  const std::vector<std::string> mounts = {
      "/srv/../etc:/data",  "/srv/data:/app/../proc", "relative:/data", "/srv/data:relative",
      "/srv/./x:/data",     "/srv//x:/data",          "/srv/x:/",       "/srv/x:/proc/self",
      "/srv/x:/dev/sda",    "/srv/x:/sys",            "/srv/x",         "/srv/x:/data:rx",
      "/srv/x\n:/data",     "/srv/x:/data\0"s,        "..:/data",       "/srv/x:/data/.."};
  for (const std::string& text : mounts) {
    auto mount = ParseStorageMount(text);
    EXPECT_FALSE(mount.ok()) << text;
    if (!mount.ok()) {
      EXPECT_FALSE(mount.status().message().empty());
    }
  }
  auto plain = ParseStorageMount("/srv/x/:/data:ro");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_EQ(StorageMountText(*plain), "/srv/x:/data:ro");
}

TEST(HostileInputTest, ProcfileCommandsKeepMetacharactersButTypesAreChecked) {
  auto types = ParseProcfile("web: sh -c 'echo $(id) `id`; a | b && c > /dev/null' \xff\n");
  ASSERT_TRUE(types.ok()) << types.status().message();
  EXPECT_EQ((*types)[0].command, "sh -c 'echo $(id) `id`; a | b && c > /dev/null' \xff");
  for (const std::string& line : {"../x: run"s, "a/b: run"s, "$(id): run"s, "w\xc3\xa9: run"s,
                                  "web: a\0b"s, std::string(64, 'w') + ": run"}) {
    auto bad = ParseProcfile(line);
    ASSERT_FALSE(bad.ok()) << line.substr(0, 40);
    EXPECT_THAT(bad.status().message(), HasSubstr("Procfile line 1"));
  }
}

TEST(HostileInputTest, BuildpackReferencesAreRefusedOrKeptVerbatim) {
  // ';' and '$' are legal URL characters: kept as written, handed to git as
  // one argument, never to a shell.
  for (const std::string& text : {"https://example.com/a;id"s, "https://example.com/$(id)"s}) {
    auto ref = ParseBuildpackRef(text);
    ASSERT_TRUE(ref.ok()) << text;
    EXPECT_EQ(ref->ToString(), text);
  }
  for (const std::string& text :
       {"https://e.com/a b"s,
        "https://e.com/a\nb"s, "../buildpack"s, "relative/path"s, "ftp://e.com/x"s,
        "https://e.com/x#--upload-pack=id"s, "https://e.com/x#a..b"s, std::string(5000, 'a')}) {
    auto ref = ParseBuildpackRef(text);
    EXPECT_FALSE(ref.ok()) << text.substr(0, 40);
  }
}

TEST(HostileInputTest, ShellWordsNeverExpandAnything) {
  auto words = SplitShellWords("config:set app A='$(rm -rf /)' B=\"`id`\" C=\\$HOME");
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"config:set", "app", "A=$(rm -rf /)", "B=`id`",
                                              "C=$HOME"}));
  EXPECT_FALSE(SplitShellWords("apps:create 'x").ok());
  EXPECT_FALSE(SplitShellWords("apps:create \"x").ok());
  EXPECT_FALSE(SplitShellWords("apps:create x\\").ok());
}

}  // namespace
}  // namespace berth
