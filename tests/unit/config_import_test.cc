// config:import through the dispatcher: what config:export writes in every
// readable format comes back identical, a bad document changes nothing, and
// --replace, --global, --encoded and the one release per import behave.
// (The pipeline handlers are installed by pipeline_handlers_test.cc.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/base/base64.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using namespace std::string_literals;

using ::testing::HasSubstr;
using ::testing::Not;

class ConfigImportTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
    ASSERT_TRUE(RunOk({"apps:create", "other"}));
    plugins_.Clear();
  }
};

// Values a shell, a dotenv parser or a naive splitter would get wrong.
const EnvMap& HostileVars() {
  static const EnvMap kVars = {
      {"QUOTES", R"(it's "double" and 'single')"},
      {"SUBST", "$(touch /tmp/berth-import-pwned) `id` ${HOME} $HOME"},
      {"NEWLINES", "line one\nline two\n"},
      {"EQUALS", "a=b==c"},
      {"SPACES", "  padded  "},
      {"BACKSLASH", "C:\\path\\ \\n"},
      {"OPERATORS", "; rm -rf / | cat && echo & # no comment"},
      {"EMPTY", ""},
  };
  return kVars;
}

TEST_F(ConfigImportTest, EveryExportFormatRoundTrips) {
  std::vector<std::string> set = {"config:set", "app"};
  EnvMap vars = HostileVars();
  vars["HIGH_BYTES"] = "caf\xc3\xa9 \xff\xfe";  // not UTF-8: json export cannot carry it
  for (const auto& [k, v] : vars) set.push_back(k + "=" + v);
  ASSERT_TRUE(RunOk(set));
  for (std::string format : {"envfile", "exports", "shell", "json"}) {
    ASSERT_TRUE(RunOk({"config:export", "app", "--format", format}));
    std::string exported = out();
    ASSERT_TRUE(RunOk({"config:clear", "other", "--no-restart"}));
    std::vector<std::string> import = {"config:import", "other", "--no-restart"};
    if (format == "json") import.insert(import.end(), {"--format", "json"});
    ASSERT_TRUE(RunOk(import, exported)) << format;
    EnvMap expected = vars;
    if (format == "json") expected["HIGH_BYTES"] = "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd";
    EXPECT_EQ(Env("other"), expected) << format << ":\n" << exported;
    EXPECT_THAT(out() + err(), Not(HasSubstr("padded"))) << "a value was printed";
  }
  EXPECT_FALSE(PathExists("/tmp/berth-import-pwned"));
}

TEST_F(ConfigImportTest, MergesAndPrintsOnlyKeys) {
  ASSERT_TRUE(RunOk({"config:set", "app", "KEEP=old", "CHANGE=old"}));
  plugins_.Clear();
  ASSERT_TRUE(RunOk({"config:import", "app"}, "CHANGE=new-secret\nADD='added-secret'\n"));
  EXPECT_EQ(Env("app"), (EnvMap{{"ADD", "added-secret"}, {"CHANGE", "new-secret"}, {"KEEP", "old"}}));
  EXPECT_THAT(out(), HasSubstr("Importing 2 config vars"));
  EXPECT_THAT(out(), HasSubstr("ADD"));
  EXPECT_THAT(out() + err(), Not(HasSubstr("secret")));
  auto updates = plugins_.Named("post-config-update");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].args,
            (std::vector<std::string>{"app", "set", "ADD=added-secret", "CHANGE=new-secret"}));
}

TEST_F(ConfigImportTest, ReplaceRemovesKeysNotInTheInput) {
  ASSERT_TRUE(RunOk({"config:set", "app", "GONE=1", "STAYS=1"}));
  plugins_.Clear();
  ASSERT_TRUE(RunOk({"config:import", "app", "--replace"}, "STAYS=2\nNEW=3\n"));
  EXPECT_EQ(Env("app"), (EnvMap{{"NEW", "3"}, {"STAYS", "2"}}));
  EXPECT_THAT(out(), HasSubstr("Unsetting GONE"));
  auto updates = plugins_.Named("post-config-update");
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].args, (std::vector<std::string>{"app", "unset", "GONE"}));
}

TEST_F(ConfigImportTest, ABadLineChangesNothing) {
  ASSERT_TRUE(RunOk({"config:set", "app", "KEEP=old"}));
  plugins_.Clear();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"KEEP=new\nA=1\n9LIVES=1\n", "Line 3: Invalid config key '9LIVES'"},
      {"KEEP=new\nthe-secret-without-equals\n", "Line 2: expected KEY=VALUE"},
      {"KEEP=new\nB='never closed secret\n", "Line 2: the value's single quote is never closed"},
      {"KEEP=new\nNUL=\"a\0b\"\n"s, "Line 2: Value of NUL contains a NUL byte"},
  };
  for (const auto& [text, expected] : cases) {
    for (std::string flag : {"--no-restart", "--replace"}) {
      Status s = Run({"config:import", "app", flag}, text);
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
      EXPECT_THAT(err(), HasSubstr(expected));
      EXPECT_THAT(err(), HasSubstr("Nothing was imported"));
      EXPECT_THAT(err(), Not(HasSubstr("secret")));
      EXPECT_EQ(Env("app"), (EnvMap{{"KEEP", "old"}}));
    }
  }
  EXPECT_TRUE(plugins_.Named("post-config-update").empty());
}

TEST_F(ConfigImportTest, EmptyInputIsRefusedAsDokkuDoes) {
  for (std::string text : {"", "# only a comment\n\n"}) {
    Status s = Run({"config:import", "app"}, text);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(err(), HasSubstr(" !     At least one env pair must be given"));
  }
  EXPECT_EQ(Run({"config:import", "app", "--format", "json"}, "{}").code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(err(), HasSubstr("At least one env pair must be given"));
}

TEST_F(ConfigImportTest, JsonMustBeAnObjectOfStrings) {
  for (std::string text : {"[1]", "{\"A\": 1}", "{\"9X\": \"v\"}", "not json", "{\"A\": \"x\""}) {
    EXPECT_EQ(Run({"config:import", "app", "--format", "json"}, text).code(), StatusCode::kInvalidArgument)
        << text;
  }
  EXPECT_TRUE(Env("app").empty());
  EXPECT_EQ(Run({"config:import", "app", "--format", "yaml"}, "A=1").code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(err(), HasSubstr("use envfile or json"));
}

TEST_F(ConfigImportTest, GlobalScope) {
  ASSERT_TRUE(RunOk({"config:import", "--global"}, "export SHARED='g'\n"));
  EXPECT_EQ(Env(""), (EnvMap{{"SHARED", "g"}}));
  EXPECT_TRUE(Env("app").empty());
}

TEST_F(ConfigImportTest, EncodedValuesAreBase64) {
  std::string raw = "a'b\"c\n$(x)\xff";
  ASSERT_TRUE(RunOk({"config:import", "app", "--encoded"}, "K=" + Base64Encode(raw) + "\n"));
  EXPECT_EQ(Env("app"), (EnvMap{{"K", raw}}));
  ASSERT_TRUE(RunOk({"config:import", "other", "--encoded", "--format", "json"},
                    "{\"J\": \"" + Base64Encode(raw) + "\"}"));
  EXPECT_EQ(Env("other"), (EnvMap{{"J", raw}}));
  EXPECT_EQ(Run({"config:import", "app", "--encoded"}, "K=" + Base64Encode("x") + "\nBAD=!!!\n").code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(err(), HasSubstr("Line 2: value of BAD"));
  EXPECT_EQ(Env("app"), (EnvMap{{"K", raw}}));
}

TEST_F(ConfigImportTest, OneReleaseForTheWholeImport) {
  ReleaseRecord release;
  release.description = "Deploy 1234567";
  release.slug_digest = "abc";
  release.builder = "herokuish";
  release.process_types = {{"worker", "sleep 1"}};
  ASSERT_TRUE(store().AddRelease("app", release).ok());
  ASSERT_TRUE(RunOk({"config:import", "app", "--no-restart"}, "A=1\n"));
  ASSERT_EQ(store().ListReleases("app")->size(), 1u);
  ASSERT_TRUE(RunOk({"config:import", "app"}, "B=2\nC=3\nD=4\n"));
  auto releases = store().ListReleases("app");
  ASSERT_TRUE(releases.ok());
  ASSERT_EQ(releases->size(), 2u);
  EXPECT_EQ(releases->front().description, "Import B, C, D");
  EXPECT_EQ(releases->front().config, (EnvMap{{"A", "1"}, {"B", "2"}, {"C", "3"}, {"D", "4"}}));
}

}  // namespace
}  // namespace berth
