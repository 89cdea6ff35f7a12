// ParseEnvFile and FormatEnvFile: every format config:export writes reads back
// exactly, nothing is evaluated, and a bad document is refused with its line.
#include "core/base/env_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/base/base64.h"

namespace berth {
namespace {

using namespace std::string_literals;

using ::testing::HasSubstr;
using ::testing::Not;

const EnvVars& HostileVars() {
  static const EnvVars kVars = {
      {"QUOTES", R"(it's "double" and 'single')"},
      {"SUBST", "$(touch /tmp/pwned) `id` ${HOME} $HOME"},
      {"NEWLINES", "line one\nline two\n"},
      {"CRLF", "a\r\nb\r"},
      {"EQUALS", "a=b==c"},
      {"SPACES", "  padded  "},
      {"TABS", "\tx\t"},
      {"BACKSLASH", "C:\\path\\ \\n \\"},
      {"OPERATORS", "; rm -rf / | cat && echo & # not a comment"},
      {"EMPTY", ""},
      {"HASH", "#start"},
      {"HIGH_BYTES", "caf\xc3\xa9 \xff\xfe"},
      {"_under", "x"},
  };
  return kVars;
}

TEST(EnvFileTest, EveryFormatRoundTripsHostileValues) {
  for (EnvFileFormat format : {EnvFileFormat::kEnvfile, EnvFileFormat::kExports, EnvFileFormat::kShell}) {
    std::string text = FormatEnvFile(HostileVars(), format);
    auto parsed = ParseEnvFile(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message() << "\n" << text;
    EXPECT_EQ(*parsed, HostileVars()) << text;
  }
}

TEST(EnvFileTest, ExportWritesTheFormatsItDocuments) {
  EnvVars vars = {{"A", "it's"}, {"B", "$x\n"}};
  EXPECT_EQ(FormatEnvFile(vars, EnvFileFormat::kEnvfile), "A=\"it's\"\nB=\"\\$x\\n\"\n");
  EXPECT_EQ(FormatEnvFile(vars, EnvFileFormat::kExports), "export A='it'\\''s'\nexport B='$x\n'\n");
  EXPECT_EQ(FormatEnvFile(vars, EnvFileFormat::kShell), "A='it'\\''s' B='$x\n'\n");
  EXPECT_EQ(FormatEnvFile({}, EnvFileFormat::kShell), "\n");
}

TEST(EnvFileTest, ReadsHandWrittenDotenv) {
  auto parsed = ParseEnvFile(
      "# a comment\n"
      "\n"
      "PLAIN=  some value  \r\n"
      "export EXPORTED=1\n"
      "  # indented comment\n"
      "SINGLE='$HOME \\n'\n"
      "DOUBLE=\"tab\\tnl\\n\\\"q\\\" \\$HOME\"\n"
      "MULTI=\"one\ntwo\"\n"
      "EMPTY=\n"
      "DUP=first\n"
      "DUP=second\n"
      "QUOTED='x' # trailing comment\n"
      "URL=postgres://u:p@h/db?x=1#frag\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, (EnvVars{{"PLAIN", "some value"},
                              {"EXPORTED", "1"},
                              {"SINGLE", "$HOME \\n"},
                              {"DOUBLE", "tab\\tnl\n\"q\" $HOME"},
                              {"MULTI", "one\ntwo"},
                              {"EMPTY", ""},
                              {"DUP", "second"},
                              {"QUOTED", "x"},
                              {"URL", "postgres://u:p@h/db?x=1#frag"}}));
}

TEST(EnvFileTest, EmptyAndCommentOnlyDocumentsHaveNoVars) {
  for (std::string text : {"", "\n\n", "# only\n  # comments\n", "   \t\r\n"}) {
    auto parsed = ParseEnvFile(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_TRUE(parsed->empty()) << text;
  }
}

// Each bad document, the line the error names and what it says.
struct BadCase {
  std::string text;
  std::string expected;
};

TEST(EnvFileTest, ErrorsNameTheLineAndNeverTheValue) {
  const std::vector<BadCase> cases = {
      {"A=1\nSECRET_NO_EQUALS\n", "Line 2: expected KEY=VALUE"},
      {"A=1\n\n9LIVES=1\n", "Line 3: Invalid config key '9LIVES'"},
      {"BAD-KEY=1\n", "Line 1: Invalid config key"},
      {"=secret\n", "Line 1: Invalid config key"},
      {"A='secret\n\n", "Line 1: the value's single quote is never closed"},
      {"A=1\nB=\"secret\\\"\n", "Line 2: the value's double quote is never closed"},
      {"A='one\ntwo'\nB=\"x\"secret junk\n", "Line 3: unexpected text after the closing quote"},
      {"A=\"a\0b\"\n"s, "Line 1: Value of A contains a NUL byte"},
      {"KEY x=1\n", "Line 1: expected KEY=VALUE"},
      {"A=" + std::string(256 * 1024 + 1, 'v') + "\n", "Line 1: Value of A is larger than 256 KiB"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseEnvFile(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.expected));
    EXPECT_THAT(parsed.status().message(), Not(HasSubstr("secret")));
  }
}

TEST(EnvFileTest, Base64ValuesAreDecodedAndChecked) {
  std::string raw = "a'b\"c\n$(x)\xff";
  auto parsed = ParseEnvFile("K=" + Base64Encode(raw) + "\nE=''\n", /*base64_values=*/true);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, (EnvVars{{"E", ""}, {"K", raw}}));

  auto bad = ParseEnvFile("K=" + Base64Encode("x") + "\nBAD=!!!\n", true);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("Line 2: value of BAD"));
  auto nul = ParseEnvFile("K=" + Base64Encode("a\0b"s) + "\n", true);
  ASSERT_FALSE(nul.ok());
  EXPECT_THAT(nul.status().message(), HasSubstr("Line 1: Value of K contains a NUL byte"));
}

}  // namespace
}  // namespace berth
