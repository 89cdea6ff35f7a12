// app.json: the sections Dokku reads, defaults, and errors that name the field
// or the place of a syntax error.
#include "core/build/app_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth {
namespace {

TEST(AppJsonTest, ReadsEverySection) {
  auto app = ParseAppJson(R"({
    "name": "ignored", "env": {"SECRET": {"required": true}}, "unknown": [1, 2],
    "scripts": {"dokku": {"predeploy": "rake db:migrate", "postdeploy": "echo done"},
                "postdeploy": "rake db:seed"},
    "formation": {"web": {"quantity": 2, "size": "standard-1x"}, "worker": {"quantity": 0},
                  "clock": {"size": "free"}},
    "healthchecks": {"web": [
      {"type": "startup", "name": "http", "path": "/health", "port": 5000, "scheme": "https",
       "attempts": 3, "timeout": 10, "wait": 2, "initialDelay": 4, "content": "ok",
       "uptime": 7, "command": ["/app/check", "--fast"]},
      {"command": "curl -f 'http://localhost:5000/a b'"}]},
    "cron": [{"command": "rake cleanup", "schedule": "*/5 * * * *"},
             {"command": "rake report", "schedule": "@daily"}],
    "buildpacks": [{"url": "heroku/nodejs"}, {"url": "https://github.com/heroku/heroku-buildpack-ruby#v250"}]
  })");
  ASSERT_TRUE(app.ok()) << app.status().message();
  EXPECT_EQ(app->predeploy, "rake db:migrate");
  EXPECT_EQ(app->postdeploy, "echo done");
  EXPECT_EQ(app->first_deploy_postdeploy, "rake db:seed");
  EXPECT_EQ(app->formation, (std::map<std::string, int>{{"web", 2}, {"worker", 0}}));
  ASSERT_EQ(app->healthchecks.size(), 1u);
  const std::vector<Healthcheck>& web = app->healthchecks.at("web");
  ASSERT_EQ(web.size(), 2u);
  EXPECT_EQ(web[0].type, "startup");
  EXPECT_EQ(web[0].name, "http");
  EXPECT_EQ(web[0].path, "/health");
  EXPECT_EQ(web[0].port, 5000);
  EXPECT_EQ(web[0].scheme, "https");
  EXPECT_EQ(web[0].attempts, 3);
  EXPECT_EQ(web[0].timeout, 10);
  EXPECT_EQ(web[0].wait, 2);
  EXPECT_EQ(web[0].initial_delay, 4);
  EXPECT_EQ(web[0].content, "ok");
  EXPECT_EQ(web[0].uptime, 7);
  EXPECT_EQ(web[0].command, (std::vector<std::string>{"/app/check", "--fast"}));
  EXPECT_EQ(web[1].type, "startup");  // defaults
  EXPECT_EQ(web[1].attempts, 5);
  EXPECT_EQ(web[1].timeout, 30);
  EXPECT_EQ(web[1].wait, 5);
  EXPECT_EQ(web[1].port, 0);
  EXPECT_EQ(web[1].command, (std::vector<std::string>{"curl", "-f", "http://localhost:5000/a b"}));
  ASSERT_EQ(app->cron.size(), 2u);
  EXPECT_EQ(app->cron[0].command, "rake cleanup");
  EXPECT_EQ(app->cron[0].schedule, "*/5 * * * *");
  EXPECT_EQ(app->cron[1].schedule, "@daily");
  EXPECT_EQ(app->buildpacks, (std::vector<std::string>{
                                 "heroku/nodejs", "https://github.com/heroku/heroku-buildpack-ruby#v250"}));
}

TEST(AppJsonTest, EmptyObjectAndNullsGiveDefaults) {
  for (const char* text : {"{}", " {\"scripts\": null, \"formation\": null, \"cron\": null} ",
                           "{\"scripts\": {\"dokku\": {\"predeploy\": null}}}",
                           "{\"formation\": {}, \"healthchecks\": {}, \"cron\": [], \"buildpacks\": []}"}) {
    auto app = ParseAppJson(text);
    ASSERT_TRUE(app.ok()) << text << ": " << app.status().message();
    EXPECT_TRUE(app->predeploy.empty());
    EXPECT_TRUE(app->formation.empty());
    EXPECT_TRUE(app->healthchecks.empty());
    EXPECT_TRUE(app->cron.empty());
    EXPECT_TRUE(app->buildpacks.empty());
  }
}

TEST(AppJsonTest, KeepsShellMetacharactersInScripts) {
  auto app = ParseAppJson(R"({"scripts": {"dokku": {"predeploy": "a && b; $(c) `d` | e > f"}}})");
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->predeploy, "a && b; $(c) `d` | e > f");
}

TEST(AppJsonTest, SyntaxErrorsSayWhere) {
  struct Case {
    std::string text;
    std::string prefix;
  };
  const std::vector<Case> cases = {
      {"{\n  \"formation\": {\n    \"web\" {}\n  }\n}", "app.json is not valid JSON at line 3, column 11: "},
      {"", "app.json is not valid JSON at line 1, column 1: "},
      {"{\"a\": 1,}", "app.json is not valid JSON at line 1, column 9: "},
      {"{\"a\": \"\xff\"}", "app.json is not valid JSON at line 1, column "},
      {"{} {}", "app.json is not valid JSON at line 1, column 4: "},
  };
  for (const Case& c : cases) {
    auto app = ParseAppJson(c.text);
    ASSERT_FALSE(app.ok()) << c.text;
    EXPECT_EQ(app.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(app.status().message().starts_with(c.prefix)) << app.status().message();
    EXPECT_GT(app.status().message().size(), c.prefix.size() + 3) << app.status().message();
  }
}

TEST(AppJsonTest, WrongTypesAndRangesNameTheField) {
  struct Case {
    const char* text;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"[]", "app.json: the top level must be an object"},
      {R"({"formation": {"web": {"quantity": -1}}})",
       "app.json: formation.web.quantity must be a whole number from 0 to 1000"},
      {R"({"formation": {"web": {"quantity": 1001}}})",
       "app.json: formation.web.quantity must be a whole number from 0 to 1000"},
      {R"({"formation": {"web": {"quantity": 1.5}}})",
       "app.json: formation.web.quantity must be a whole number from 0 to 1000"},
      {R"({"formation": {"web": {"quantity": "2"}}})",
       "app.json: formation.web.quantity must be a whole number from 0 to 1000"},
      {R"({"formation": {"web": {"quantity": 99999999999999999999999}}})",
       "app.json: formation.web.quantity must be a whole number from 0 to 1000"},
      {R"({"formation": {"web": {"quantity": 18446744073709551615}}})",
       "app.json: formation.web.quantity must be a whole number from 0 to 1000"},
      {R"({"formation": {"web": 2}})", "app.json: formation.web must be an object"},
      {R"({"formation": []})", "app.json: formation must be an object"},
      {R"({"formation": {"we b": {"quantity": 1}}})",
       "app.json: formation has an invalid process type 'we b': use 1 to 63 letters, digits, '-' and '_'"},
      {R"({"scripts": "x"})", "app.json: scripts must be an object"},
      {R"({"scripts": {"dokku": []}})", "app.json: scripts.dokku must be an object"},
      {R"({"scripts": {"dokku": {"predeploy": 1}}})", "app.json: scripts.dokku.predeploy must be a string"},
      {R"({"scripts": {"dokku": {"postdeploy": ["a"]}}})", "app.json: scripts.dokku.postdeploy must be a string"},
      {R"({"scripts": {"postdeploy": true}})", "app.json: scripts.postdeploy must be a string"},
      {R"({"scripts": {"postdeploy": "a\u0000b"}})", "app.json: scripts.postdeploy contains a NUL byte"},
      {R"({"healthchecks": {"web": {}}})", "app.json: healthchecks.web must be a list"},
      {R"({"healthchecks": {"web": ["x"]}})", "app.json: healthchecks.web[0] must be an object"},
      {R"({"healthchecks": {"web/1": []}})",
       "app.json: healthchecks has an invalid process type 'web/1': use 1 to 63 letters, digits, '-' and '_'"},
      {R"({"healthchecks": {"web": [{}, {"attempts": 0}]}})",
       "app.json: healthchecks.web[1].attempts must be a whole number from 1 to 100"},
      {R"({"healthchecks": {"web": [{"port": 70000}]}})",
       "app.json: healthchecks.web[0].port must be a whole number from 1 to 65535"},
      {R"({"healthchecks": {"web": [{"timeout": 1e9}]}})",
       "app.json: healthchecks.web[0].timeout must be a whole number from 1 to 3600"},
      {R"({"healthchecks": {"web": [{"wait": -5}]}})",
       "app.json: healthchecks.web[0].wait must be a whole number from 0 to 3600"},
      {R"({"healthchecks": {"web": [{"initialDelay": "5"}]}})",
       "app.json: healthchecks.web[0].initialDelay must be a whole number from 0 to 3600"},
      {R"({"healthchecks": {"web": [{"uptime": 4000}]}})",
       "app.json: healthchecks.web[0].uptime must be a whole number from 0 to 3600"},
      {R"({"healthchecks": {"web": [{"type": "sometimes"}]}})",
       "app.json: healthchecks.web[0].type must be startup, liveness or readiness"},
      {R"({"healthchecks": {"web": [{"path": "health"}]}})",
       "app.json: healthchecks.web[0].path must start with '/'"},
      {R"({"healthchecks": {"web": [{"scheme": "ftp"}]}})",
       "app.json: healthchecks.web[0].scheme must be http or https"},
      {R"({"healthchecks": {"web": [{"command": 5}]}})",
       "app.json: healthchecks.web[0].command must be a string or a list of strings"},
      {R"({"healthchecks": {"web": [{"command": ["a", 1]}]}})",
       "app.json: healthchecks.web[0].command[1] must be a string"},
      {R"({"cron": {}})", "app.json: cron must be a list"},
      {R"({"cron": [{"schedule": "@daily"}]})", "app.json: cron[0].command must not be empty"},
      {R"({"cron": [{"command": "x", "schedule": "* * * *"}]})",
       "app.json: cron[0].schedule must be five cron fields (e.g. \"*/5 * * * *\") or @hourly, "
       "@daily, @weekly, @monthly, @yearly"},
      {R"({"cron": [{"command": "x", "schedule": "* * * * * ; rm -rf /"}]})",
       "app.json: cron[0].schedule must be five cron fields (e.g. \"*/5 * * * *\") or @hourly, "
       "@daily, @weekly, @monthly, @yearly"},
      {R"({"buildpacks": [{"url": ""}]})", "app.json: buildpacks[0].url must be a non-empty string"},
      {R"({"buildpacks": ["https://x"]})", "app.json: buildpacks[0] must be an object"},
      {R"({"buildpacks": {"url": "x"}})", "app.json: buildpacks must be a list"},
  };
  for (const Case& c : cases) {
    auto app = ParseAppJson(c.text);
    ASSERT_FALSE(app.ok()) << c.text;
    EXPECT_EQ(app.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(app.status().message(), c.message) << c.text;
  }
}

TEST(AppJsonTest, HealthcheckCommandStringMustSplit) {
  auto app = ParseAppJson(R"({"healthchecks": {"web": [{"command": "echo 'unbalanced"}]}})");
  ASSERT_FALSE(app.ok());
  EXPECT_TRUE(app.status().message().starts_with(
      "app.json: healthchecks.web[0].command cannot be split into words: "))
      << app.status().message();
}

TEST(AppJsonTest, SurvivesDeepNestingAndLargeFiles) {
  std::string deep = "{\"scripts\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto nested = ParseAppJson(deep);
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().message(), "app.json: scripts must be an object");

  std::string many = "{\"formation\": {";
  for (int i = 0; i < 5000; ++i) {
    many += (i == 0 ? "\"p" : ",\"p") + std::to_string(i) + "\": {\"quantity\": 1}";
  }
  auto large = ParseAppJson(many + "}}");
  ASSERT_TRUE(large.ok()) << large.status().message();
  EXPECT_EQ(large->formation.size(), 5000u);
}

TEST(AppJsonTest, AcceptsBoundaryValues) {
  auto app = ParseAppJson(R"({"formation": {"web": {"quantity": 1000}, "w": {"quantity": 0}},
    "healthchecks": {"web": [{"port": 65535, "attempts": 100, "timeout": 1, "wait": 0,
                              "type": "readiness"}]}})");
  ASSERT_TRUE(app.ok()) << app.status().message();
  EXPECT_EQ(app->formation.at("web"), 1000);
  EXPECT_EQ(app->healthchecks.at("web")[0].port, 65535);
  EXPECT_EQ(app->healthchecks.at("web")[0].type, "readiness");
}

}  // namespace
}  // namespace berth
