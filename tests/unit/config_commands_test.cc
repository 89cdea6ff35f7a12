// config:* through the dispatcher: values are stored and given back exactly,
// a bad pair changes nothing, every export format is exact, and --global and
// --encoded behave as Dokku's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "core/base/base64.h"
#include "core/base/process.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using namespace std::string_literals;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

class ConfigCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
    plugins_.Clear();
  }
};

// Values a shell, a dotenv parser or a naive splitter would get wrong.
const std::vector<std::pair<std::string, std::string>>& AwkwardValues() {
  static const std::vector<std::pair<std::string, std::string>> kValues = {
      {"QUOTES", R"(it's "double" and 'single')"},
      {"SUBST", "$(id) `id` ${HOME} $HOME"},
      {"NEWLINES", "line one\nline two\n"},
      {"EQUALS", "a=b==c"},
      {"SPACES", "  padded  "},
      {"BACKSLASH", "C:\\path\\ \\n"},
      {"OPERATORS", "; rm -rf / | cat && echo &"},
      {"EMPTY", ""},
      {"HIGH_BYTES", std::string("caf\xc3\xa9 \xff\xfe")},
  };
  return kValues;
}

TEST_F(ConfigCommandsTest, SetThenGetReturnsValuesExactly) {
  std::vector<std::string> words = {"config:set", "app"};
  for (const auto& [k, v] : AwkwardValues()) words.push_back(k + "=" + v);
  ASSERT_TRUE(RunOk(words));
  for (const auto& [k, v] : AwkwardValues()) {
    ASSERT_TRUE(RunOk({"config:get", "app", k}));
    EXPECT_EQ(out(), v + "\n") << k;
  }
  EXPECT_EQ(Env("app").size(), AwkwardValues().size());
}

TEST_F(ConfigCommandsTest, SetPrintsTheVarsAndFiresPostConfigUpdate) {
  ASSERT_TRUE(RunOk({"config:set", "app", "LONG_NAME=1", "B=two words"}));
  EXPECT_EQ(out(),
            "-----> Setting config vars\n"
            "       B:          two words\n"
            "       LONG_NAME:  1\n");
  auto updates = plugins_.Named("post-config-update");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_THAT(updates[0].args, ElementsAre("app", "set", "B=two words", "LONG_NAME=1"));
  EXPECT_EQ(updates[0].app, "app");
}

TEST_F(ConfigCommandsTest, LaterPairForTheSameKeyWins) {
  ASSERT_TRUE(RunOk({"config:set", "app", "K=first", "K=second"}));
  EXPECT_THAT(Env("app"), ElementsAre(Pair("K", "second")));
}

TEST_F(ConfigCommandsTest, OneInvalidPairChangesNothing) {
  ASSERT_TRUE(RunOk({"config:set", "app", "KEEP=old"}));
  plugins_.Clear();
  for (const std::vector<std::string>& words :
       std::vector<std::vector<std::string>>{{"config:set", "app", "KEEP=new", "BAD-KEY=1"},
                                             {"config:set", "app", "KEEP=new", "9LIVES=1"},
                                             {"config:set", "app", "KEEP=new", "NO_EQUALS"},
                                             {"config:set", "app", "KEEP=new", "=value"},
                                             {"config:set", "app", "KEEP=new", "NUL=a\0b"s}}) {
    Status s = Run(words);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << words.back();
    EXPECT_EQ(s.ExitCode(), 1);
  }
  EXPECT_THAT(Env("app"), ElementsAre(Pair("KEEP", "old")));
  EXPECT_THAT(plugins_.names(),
              ElementsAre("user-auth", "user-auth", "user-auth", "user-auth", "user-auth"));
}

TEST_F(ConfigCommandsTest, InvalidPairMessageDoesNotEchoTheSecret) {
  Status s = Run({"config:set", "app", "not a pair but a secret"});
  EXPECT_EQ(s.message(), "Invalid env pair (argument 1): use KEY=VALUE");
  EXPECT_THAT(err(), Not(HasSubstr("secret")));
}

TEST_F(ConfigCommandsTest, SetAndUnsetNeedSomethingToDo) {
  Status set = Run({"config:set", "app"});
  EXPECT_EQ(set.message(), "At least one env pair must be given");
  EXPECT_EQ(err(), " !     At least one env pair must be given\n");
  Status unset = Run({"config:unset", "app"});
  EXPECT_EQ(unset.message(), "At least one key must be given");
  EXPECT_EQ(err(), " !     At least one key must be given\n");
}

TEST_F(ConfigCommandsTest, UnsetRemovesKeysAndFiresPostConfigUpdate) {
  ASSERT_TRUE(RunOk({"config:set", "app", "A=1", "B=2", "C=3"}));
  plugins_.Clear();
  ASSERT_TRUE(RunOk({"config:unset", "app", "A", "C"}));
  EXPECT_EQ(out(), "-----> Unsetting A\n-----> Unsetting C\n");
  EXPECT_THAT(Env("app"), ElementsAre(Pair("B", "2")));
  auto updates = plugins_.Named("post-config-update");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_THAT(updates[0].args, ElementsAre("app", "unset", "A", "C"));
}

TEST_F(ConfigCommandsTest, ClearRemovesEverythingAndNamesTheKeys) {
  ASSERT_TRUE(RunOk({"config:set", "app", "A=1", "B=2"}));
  plugins_.Clear();
  ASSERT_TRUE(RunOk({"config:clear", "app"}));
  EXPECT_THAT(Env("app"), IsEmpty());
  EXPECT_THAT(plugins_.Named("post-config-update")[0].args, ElementsAre("app", "unset", "A", "B"));
}

TEST_F(ConfigCommandsTest, GetOfAMissingKeyExitsOneSilently) {
  Status s = Run({"config:get", "app", "MISSING"});
  EXPECT_EQ(s.ExitCode(), 1);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(), "");
}

TEST_F(ConfigCommandsTest, GetQuotedIsShellQuoted) {
  ASSERT_TRUE(RunOk({"config:set", "app", "K=it's"}));
  ASSERT_TRUE(RunOk({"config:get", "app", "K", "--quoted"}));
  EXPECT_EQ(out(), "'it'\\''s'\n");
}

TEST_F(ConfigCommandsTest, ShowListsVarsAligned) {
  ASSERT_TRUE(RunOk({"config:set", "app", "SHORT=1", "MUCH_LONGER=two"}));
  ASSERT_TRUE(RunOk({"config:show", "app"}));
  EXPECT_EQ(out(), "=====> app env vars\nMUCH_LONGER:  two\nSHORT:        1\n");
  ASSERT_TRUE(RunOk({"config:keys", "app"}));
  EXPECT_EQ(out(), "MUCH_LONGER\nSHORT\n");
}

// ---- --global --------------------------------------------------------------------

TEST_F(ConfigCommandsTest, GlobalScopeIsSeparateFromTheApp) {
  ASSERT_TRUE(RunOk({"config:set", "--global", "SHARED=global", "ONLY_GLOBAL=g"}));
  auto updates = plugins_.Named("post-config-update");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_THAT(updates[0].args, ElementsAre("--global", "set", "ONLY_GLOBAL=g", "SHARED=global"));
  EXPECT_EQ(updates[0].app, "");
  ASSERT_TRUE(RunOk({"config:set", "app", "SHARED=app"}));

  EXPECT_THAT(Env(""), ElementsAre(Pair("ONLY_GLOBAL", "g"), Pair("SHARED", "global")));
  EXPECT_THAT(Env("app"), ElementsAre(Pair("SHARED", "app")));
  ASSERT_TRUE(RunOk({"config:get", "--global", "SHARED"}));
  EXPECT_EQ(out(), "global\n");
  EXPECT_EQ(Run({"config:get", "app", "ONLY_GLOBAL"}).ExitCode(), 1);
  ASSERT_TRUE(RunOk({"config:get", "app", "ONLY_GLOBAL", "--merged"}));
  EXPECT_EQ(out(), "g\n");
  ASSERT_TRUE(RunOk({"config:get", "app", "SHARED", "--merged"}));
  EXPECT_EQ(out(), "app\n") << "the app's value wins over the global one";
  ASSERT_TRUE(RunOk({"config:show", "--global"}));
  EXPECT_EQ(out(), "=====> --global env vars\nONLY_GLOBAL:  g\nSHARED:       global\n");
}

// ---- --encoded -----------------------------------------------------------------

TEST_F(ConfigCommandsTest, EncodedValuesAreBase64Decoded) {
  const std::string raw = std::string("line\nit's $(id) \xff\x01");
  ASSERT_TRUE(
      RunOk({"config:set", "--encoded", "app", "K=" + Base64Encode(raw), "E=" + Base64Encode("")}));
  EXPECT_THAT(Env("app"), ElementsAre(Pair("E", ""), Pair("K", raw)));
  ASSERT_TRUE(RunOk({"config:get", "app", "K"}));
  EXPECT_EQ(out(), raw + "\n");
}

TEST_F(ConfigCommandsTest, InvalidBase64ChangesNothing) {
  Status s = Run({"config:set", "app", "--encoded", "GOOD=" + Base64Encode("x"), "BAD=!!!"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("Value of BAD: Invalid base64"));
  EXPECT_THAT(Env("app"), IsEmpty());
}

TEST_F(ConfigCommandsTest, EncodedValueWithANulIsRefused) {
  Status s = Run({"config:set", "app", "--encoded", "K=" + Base64Encode("a\0b"s)});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(Env("app"), IsEmpty());
}

// ---- config:export ---------------------------------------------------------------

class ConfigExportTest : public ConfigCommandsTest {
 protected:
  void SetUp() override {
    ConfigCommandsTest::SetUp();
    ASSERT_TRUE(RunOk({"config:set", "app", "PLAIN=value", "TRICKY=it's \"$(x)\"\n`y` \\"}));
  }
  std::string Export(const std::string& format) {
    std::vector<std::string> words = {"config:export", "app"};
    if (!format.empty()) words.insert(words.end(), {"--format", format});
    EXPECT_TRUE(RunOk(words));
    return out();
  }
};

TEST_F(ConfigExportTest, ExportsIsTheDefault) {
  const std::string expected =
      "export PLAIN='value'\n"
      "export TRICKY='it'\\''s \"$(x)\"\n`y` \\'\n";
  EXPECT_EQ(Export(""), expected);
  EXPECT_EQ(Export("exports"), expected);
}

TEST_F(ConfigExportTest, Envfile) {
  EXPECT_EQ(Export("envfile"),
            "PLAIN=\"value\"\n"
            "TRICKY=\"it's \\\"\\$(x)\\\"\\n\\`y\\` \\\\\"\n");
}

TEST_F(ConfigExportTest, Json) {
  EXPECT_EQ(Export("json"), "{\"PLAIN\":\"value\",\"TRICKY\":\"it's \\\"$(x)\\\"\\n`y` \\\\\"}\n");
}

TEST_F(ConfigExportTest, JsonList) {
  EXPECT_EQ(Export("json-list"),
            "[{\"name\":\"PLAIN\",\"value\":\"value\"},"
            "{\"name\":\"TRICKY\",\"value\":\"it's \\\"$(x)\\\"\\n`y` \\\\\"}]\n");
}

TEST_F(ConfigExportTest, Shell) {
  EXPECT_EQ(Export("shell"), "PLAIN='value' TRICKY='it'\\''s \"$(x)\"\n`y` \\'\n");
}

TEST_F(ConfigExportTest, DockerArgs) {
  EXPECT_EQ(Export("docker-args"),
            "--env=PLAIN='value' --env=TRICKY='it'\\''s \"$(x)\"\n`y` \\'\n");
}

TEST_F(ConfigExportTest, UnknownFormatIsRefused) {
  Status s = Run({"config:export", "app", "--format", "toml"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("Invalid --format value 'toml'"));
}

TEST_F(ConfigExportTest, ExportsEvaluateInARealShellToTheExactValues) {
  // The strongest check of the quoting: let /bin/sh read it back.
  std::string exports = Export("exports");
  PosixProcessRunner sh;
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "eval \"$1\"; printf '%s|%s' \"$PLAIN\" \"$TRICKY\"", "sh",
               exports};
  spec.timeout = std::chrono::seconds(10);
  auto result = sh.Run(spec);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->err, "");
  EXPECT_EQ(result->out, "value|it's \"$(x)\"\n`y` \\");
}

}  // namespace
}  // namespace berth
