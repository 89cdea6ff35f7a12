// Validation of every name, key, value, domain, port and count a user gives
// berth: table-driven, accepted and rejected inputs side by side.
#include "core/base/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth {
namespace {

using namespace std::string_literals;

using ::testing::HasSubstr;

// Printable names for parameterised cases (gtest wants [A-Za-z0-9_]).
std::string CaseName(const std::string& text, size_t index) {
  std::string name = "case" + std::to_string(index) + "_";
  for (char c : text.substr(0, 20)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    name += ok ? c : '_';
  }
  return name;
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& param) {
  return CaseName(param.param, param.index);
}

// ---- app names ------------------------------------------------------------

class AppNameAcceptedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AppNameAcceptedTest, IsAccepted) {
  Status s = ValidateAppName(GetParam());
  EXPECT_TRUE(s.ok()) << s.message();
}

INSTANTIATE_TEST_SUITE_P(Valid, AppNameAcceptedTest,
                         ::testing::Values("1994testapp", "a", "my-app", "0", "app-2-go",
                                           "trailing-", std::string(63, 'x')),
                         ParamName);

class AppNameRejectedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AppNameRejectedTest, IsRejectedAsInvalidArgument) {
  Status s = ValidateAppName(GetParam());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.ExitCode(), 1);
}

INSTANTIATE_TEST_SUITE_P(Invalid, AppNameRejectedTest,
                         ::testing::Values("TestApp", "test_app", "test/app", "testapp:latest",
                                           "test;id", "test$cmd", "test|cmd", "test&cmd", "",
                                           "-app", std::string(64, 'x'), "../x", "..", ".hidden",
                                           "test app", "test\napp", "test.app", "caf\xc3\xa9",
                                           "bad\xff\xfe", "nul\0byte"s, "$(id)", "`id`"),
                         ParamName);

TEST(ValidateAppNameTest, MessageSaysWhatIsAllowed) {
  Status s = ValidateAppName("Test_App");
  EXPECT_THAT(s.message(), HasSubstr("'Test_App'"));
  EXPECT_THAT(s.message(), HasSubstr("lowercase letters, digits and dashes"));
}

TEST(ValidateAppNameTest, MessageMakesControlBytesVisible) {
  Status s = ValidateAppName("a\nb\x1b");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("a\\x0ab\\x1b"));
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
}

// ---- env keys and values -------------------------------------------------

TEST(ValidateEnvKeyTest, AcceptsVariableNames) {
  for (const std::string& key : std::vector<std::string>{
           "A", "_", "_PRIVATE", "DATABASE_URL", "lower_case", "K9", std::string(255, 'K')}) {
    EXPECT_TRUE(ValidateEnvKey(key).ok()) << key;
  }
}

TEST(ValidateEnvKeyTest, RejectsEverythingElse) {
  for (const std::string& key :
       std::vector<std::string>{"", "9LIVES", "A-B", "A B", "A=B", "A.B", "$A", "A;B", "K\n",
                                "K\0"s, "\xc3\xa9", std::string(256, 'K')}) {
    Status s = ValidateEnvKey(key);
    EXPECT_FALSE(s.ok()) << "accepted [" << key << "]";
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  }
}

TEST(ValidateEnvValueTest, AcceptsAnyBytesButNul) {
  std::string all;
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  for (const std::string& value :
       std::vector<std::string>{std::string(), std::string("$(id) `id` ' \" \\ \n = ;|&"), all}) {
    EXPECT_TRUE(ValidateEnvValue("K", value).ok());
  }
}

TEST(ValidateEnvValueTest, RejectsNul) {
  Status s = ValidateEnvValue("SECRET", "abc\0def"s);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("SECRET"));
  EXPECT_THAT(s.message(), HasSubstr("NUL"));
}

TEST(ValidateEnvValueTest, AcceptsUpTo256KiBAndRejectsMore) {
  EXPECT_TRUE(ValidateEnvValue("K", std::string(256 * 1024, 'v')).ok());
  Status s = ValidateEnvValue("BIG", std::string(256 * 1024 + 1, 'v'));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("BIG"));
  EXPECT_THAT(s.message(), HasSubstr("256 KiB"));
}

TEST(ValidateEnvValueTest, MessageNeverEchoesTheValue) {
  Status s = ValidateEnvValue("TOKEN", "hunter2\0"s);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("hunter2")));
}

// ---- domains ---------------------------------------------------------------

TEST(ValidateDomainTest, AcceptsHostnames) {
  for (const std::string& domain :
       std::vector<std::string>{"example.com", "a", "localhost", "my-app.example.com",
                                "*.example.com", "xn--bcher-kva.de", "UPPER.Example.COM", "1.2.3.4",
                                "a-b.c-d", std::string(63, 'a') + ".com"}) {
    Status s = ValidateDomain(domain);
    EXPECT_TRUE(s.ok()) << domain << ": " << s.message();
  }
}

TEST(ValidateDomainTest, RejectsMalformedHostnames) {
  const std::string long_label = std::string(64, 'a') + ".com";
  std::string too_long;
  while (too_long.size() <= 253) too_long += "abcdefghi.";
  too_long += "com";
  for (const std::string& domain : std::vector<std::string>{"",
                                                            "http://x",
                                                            "https://example.com",
                                                            "-a.com",
                                                            "a-.com",
                                                            "example.-b.com",
                                                            "a..b",
                                                            ".example.com",
                                                            "example.com.",
                                                            "*.",
                                                            "*",
                                                            "a.*.com",
                                                            "**.a.com",
                                                            "under_score.com",
                                                            "a b.com",
                                                            "a/b",
                                                            "a:80",
                                                            "caf\xc3\xa9.com",
                                                            "a;b",
                                                            long_label,
                                                            too_long}) {
    Status s = ValidateDomain(domain);
    EXPECT_FALSE(s.ok()) << "accepted [" << domain << "]";
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  }
}

TEST(ValidateDomainTest, UrlMessageSaysToGiveAHostname) {
  EXPECT_THAT(ValidateDomain("http://x").message(), HasSubstr("not a URL"));
}

TEST(ValidateDomainTest, LabelMessagesNameTheProblem) {
  EXPECT_THAT(ValidateDomain("a..b").message(), HasSubstr("empty label"));
  EXPECT_THAT(ValidateDomain("-a.b").message(), HasSubstr("starts or ends with '-'"));
  EXPECT_THAT(ValidateDomain(std::string(64, 'a')).message(), HasSubstr("longer than 63"));
}

// ---- ports -----------------------------------------------------------------

TEST(ParsePortTest, AcceptsTheWholeRange) {
  for (auto [text, port] : std::vector<std::pair<std::string, int>>{
           {"1", 1}, {"80", 80}, {"5000", 5000}, {"65535", 65535}, {"00080", 80}}) {
    auto parsed = ParsePort(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
    EXPECT_EQ(*parsed, port);
  }
}

TEST(ParsePortTest, RejectsOutOfRangeAndNonDigits) {
  for (const std::string& text :
       std::vector<std::string>{"0", "65536", "99999", "100000", "80a", "+80", "-1", "", " 80",
                                "80 ", "0x50", "8.0", "1e3", "4294967376"}) {
    auto parsed = ParsePort(text);
    EXPECT_FALSE(parsed.ok()) << "accepted [" << text << "]";
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
      EXPECT_THAT(parsed.status().message(), HasSubstr("1 to 65535"));
    }
  }
}

// ---- process types and counts ------------------------------------------

TEST(ValidateProcessTypeTest, AcceptsProcfileNames) {
  for (const std::string& type : std::vector<std::string>{
           "web", "worker", "release_phase", "queue-2", "Web", "9", std::string(63, 'w')}) {
    EXPECT_TRUE(ValidateProcessType(type).ok()) << type;
  }
}

TEST(ValidateProcessTypeTest, RejectsOtherNames) {
  for (const std::string& type : std::vector<std::string>{
           "", "-web", "_web", "web.1", "web=2", "web 2", "w/b", "web;id", std::string(64, 'w')}) {
    Status s = ValidateProcessType(type);
    EXPECT_FALSE(s.ok()) << "accepted [" << type << "]";
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  }
}

TEST(ParseCountTest, AcceptsZeroToMax) {
  for (auto [text, n] :
       std::vector<std::pair<std::string, int>>{{"0", 0}, {"1", 1}, {"100", 100}, {"007", 7}}) {
    auto parsed = ParseCount("quantity", text, 100);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(*parsed, n);
  }
}

TEST(ParseCountTest, RejectsNegativeLargeAndNonDigits) {
  for (const std::string& text :
       std::vector<std::string>{"101", "-1", "+1", "", "1.5", "two", "9999999999", "1 "}) {
    auto parsed = ParseCount("quantity for web", text, 100);
    ASSERT_FALSE(parsed.ok()) << "accepted [" << text << "]";
    EXPECT_THAT(parsed.status().message(), HasSubstr("quantity for web"));
    EXPECT_THAT(parsed.status().message(), HasSubstr("from 0 to 100"));
  }
}

// ---- simple names (ssh keys, plugins) -----------------------------------

TEST(ValidateSimpleNameTest, AcceptsKeyAndPluginNames) {
  for (const std::string& name :
       std::vector<std::string>{"admin", "ci@example.com", "deploy.key_1", "Alice-Laptop"}) {
    EXPECT_TRUE(ValidateSimpleName("key name", name).ok()) << name;
  }
}

TEST(ValidateSimpleNameTest, RejectsPathsAndShellCharacters) {
  for (const std::string& name :
       std::vector<std::string>{"", ".hidden", "-x", "a/b", "..", "a b", "a\"b", "a;b", "$(id)",
                                std::string(101, 'a')}) {
    Status s = ValidateSimpleName("key name", name);
    EXPECT_FALSE(s.ok()) << "accepted [" << name << "]";
    EXPECT_THAT(s.message(), HasSubstr("key name"));
  }
}

}  // namespace
}  // namespace berth
