// bin/release output: default process types, legacy config vars, refusals with
// the buildpack's name, and the .profile.d script of config vars.
#include "core/build/buildpack_release.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace berth {
namespace {

TEST(BuildpackReleaseTest, ReadsProcessTypesAndConfigVars) {
  auto release = ParseBuildpackRelease(
      "---\n"
      "addons:\n"
      "  - heroku-postgresql\n"
      "default_process_types:\n"
      "  web: bin/rails server -p ${PORT:-5000} -e $RAILS_ENV\n"
      "  console: 'bin/rails console # not a comment'\n"
      "  rake: bundle exec rake\n"
      "config_vars:\n"
      "  LANG: en_US.UTF-8\n"
      "  RAILS_ENV: production\n"
      "  WEB_CONCURRENCY: 5\n"
      "  _PRIVATE: \"it's\"\n"
      "unknown: [1, 2]\n",
      "ruby");
  ASSERT_TRUE(release.ok()) << release.status().message();
  EXPECT_EQ(release->default_process_types,
            (std::map<std::string, std::string>{
                {"web", "bin/rails server -p ${PORT:-5000} -e $RAILS_ENV"},
                {"console", "bin/rails console # not a comment"},
                {"rake", "bundle exec rake"}}));
  EXPECT_EQ(release->config_vars,
            (std::map<std::string, std::string>{{"LANG", "en_US.UTF-8"},
                                                {"RAILS_ENV", "production"},
                                                {"WEB_CONCURRENCY", "5"},
                                                {"_PRIVATE", "it's"}}));
}

TEST(BuildpackReleaseTest, EmptyOutputsGiveEmptyReleases) {
  for (const char* yaml : {"", "\n", "---\n", "# nothing\n", "default_process_types:\n",
                           "default_process_types: ~\nconfig_vars: {}\n", "addons: []\n"}) {
    auto release = ParseBuildpackRelease(yaml, "go");
    ASSERT_TRUE(release.ok()) << yaml << ": " << release.status().message();
    EXPECT_TRUE(release->default_process_types.empty()) << yaml;
    EXPECT_TRUE(release->config_vars.empty()) << yaml;
  }
}

TEST(BuildpackReleaseTest, RefusesBadOutputNamingTheBuildpack) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"default_process_types:\n  web: [a\n", "bin/release of node printed invalid YAML at line "},
      {"a: b\n c: d\n  - e\n", "bin/release of node printed invalid YAML at line "},
      {"- web\n- worker\n", "bin/release of node printed YAML that is not a map"},
      {"just text\n", "bin/release of node printed YAML that is not a map"},
      {"default_process_types: web\n", "bin/release of node: default_process_types must be a map"},
      {"default_process_types:\n  web:\n    - a\n",
       "bin/release of node: default_process_types.web must be a string"},
      {"default_process_types:\n  web: {cmd: x}\n",
       "bin/release of node: default_process_types.web must be a string"},
      {"default_process_types:\n  web:\n",
       "bin/release of node: default_process_types.web must be a string"},
      {"default_process_types:\n  'we b': x\n",
       "bin/release of node: default_process_types: invalid process type 'we b' (use 1 to 63 "
       "letters, digits, '-' and '_')"},
      {"default_process_types:\n  web: ''\n",
       "bin/release of node: default_process_types: process type 'web' has no command"},
      {"default_process_types:\n  [a, b]: x\n",
       "bin/release of node: default_process_types has a key that is not a string"},
      {"config_vars:\n  1ABC: x\n", "bin/release of node: config_vars: Invalid config key '1ABC'"},
      {"config_vars:\n  'A;rm -rf /': x\n",
       "bin/release of node: config_vars: Invalid config key 'A;rm -rf /'"},
      {"config_vars:\n  A-B: x\n", "bin/release of node: config_vars: Invalid config key 'A-B'"},
      {"config_vars:\n  PATH: [a]\n", "bin/release of node: config_vars.PATH must be a string"},
      {"config_vars: [a]\n", "bin/release of node: config_vars must be a map"},
  };
  for (const Case& c : cases) {
    auto release = ParseBuildpackRelease(c.yaml, "node");
    ASSERT_FALSE(release.ok()) << c.yaml;
    EXPECT_EQ(release.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(release.status().message().starts_with(c.message))
        << c.yaml << " -> " << release.status().message();
  }
}

TEST(BuildpackReleaseTest, InvalidYamlSaysTheLine) {
  auto release = ParseBuildpackRelease("config_vars:\n  A: b\n  B: c: d\n", "python");
  ASSERT_FALSE(release.ok());
  EXPECT_TRUE(release.status().message().starts_with(
      "bin/release of python printed invalid YAML at line 3: "))
      << release.status().message();
}

TEST(BuildpackReleaseTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "config_vars: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto release = ParseBuildpackRelease(deep, "evil");
  ASSERT_FALSE(release.ok());
  EXPECT_TRUE(release.status().message().starts_with("bin/release of evil printed invalid YAML"))
      << release.status().message();
}

TEST(BuildpackReleaseTest, KeepsNonUtf8BytesOfValues) {
  auto release = ParseBuildpackRelease("config_vars:\n  A: caf\xff\n", "python");
  ASSERT_TRUE(release.ok()) << release.status().message();
  EXPECT_EQ(release->config_vars.at("A"), "caf\xff");
}

TEST(BuildpackReleaseTest, RefusesHugeConfigValues) {
  std::string yaml = "config_vars:\n  BIG: " + std::string(300 * 1024, 'x') + "\n";
  auto release = ParseBuildpackRelease(yaml, "node");
  ASSERT_FALSE(release.ok());
  EXPECT_NE(release.status().message().find("larger than 256 KiB"), std::string::npos);
}

TEST(BuildpackReleaseTest, ProfileScriptQuotesValuesSafely) {
  std::string script = ConfigVarsProfileScript({
      {"ZED", "last"},
      {"A", "it's $(rm -rf /) `id` \"q\" \\ ; & |"},
      {"EMPTY", ""},
      {"MULTI", "line1\nline2"},
      {"BAD KEY", "x"},
      {"NUL", std::string("a\0b", 3)},
  });
  EXPECT_EQ(script,
            "# Config vars from the buildpack's bin/release (config_vars), written by berth.\n"
            "# They are defaults: a config var of the app with the same name wins.\n"
            "[ -n \"${A+set}\" ] || export A='it'\\''s $(rm -rf /) `id` \"q\" \\ ; & |'\n"
            "[ -n \"${EMPTY+set}\" ] || export EMPTY=''\n"
            "[ -n \"${MULTI+set}\" ] || export MULTI='line1\nline2'\n"
            "[ -n \"${ZED+set}\" ] || export ZED='last'\n");
  EXPECT_EQ(ConfigVarsProfileScript({}),
            "# Config vars from the buildpack's bin/release (config_vars), written by berth.\n"
            "# They are defaults: a config var of the app with the same name wins.\n");
}

}  // namespace
}  // namespace berth
