// The access rule over ssh (core/cli/acl.h), without state: which commands a
// key that is not an admin may run, read from the real command table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "core/cli/acl.h"
#include "core/cli/dispatcher.h"

namespace berth {
namespace {

using ::testing::HasSubstr;

class AclRuleTest : public ::testing::Test {
 protected:
  // Decides `words` for `key` the way the dispatcher does. `existing` are the
  // apps that exist (asked only by commands that create their app).
  Status Decide(const KeyRights& key, std::vector<std::string> words,
                std::set<std::string> existing = {"mine", "theirs"}) {
    const CommandSpec* spec = BuiltinCommands().Find(words[0]);
    Args args;
    if (spec != nullptr) {
      auto parsed = ParseCommandArgs(*spec, words, GlobalFlags{});
      EXPECT_TRUE(parsed.ok()) << words[0] << ": " << parsed.status().message();
      if (!parsed.ok()) return parsed.status();
      args = *parsed;
    } else {
      args.positional.assign(words.begin() + 1, words.end());
    }
    return DecideAccess(key, words[0], spec, args,
                        [&](const std::string& app) { return existing.contains(app); });
  }
  Status Dev(std::vector<std::string> words, std::set<std::string> existing = {"mine", "theirs"}) {
    return Decide(dev_, std::move(words), std::move(existing));
  }

  KeyRights dev_{.name = "dev", .admin = false, .apps = {"mine"}};
  KeyRights admin_{.name = "boss", .admin = true, .apps = {}};
};

TEST_F(AclRuleTest, AdminKeysMayRunEverything) {
  for (const std::vector<std::string>& words : std::vector<std::vector<std::string>>{
           {"config:set", "--global", "K=V"}, {"ps:restore", "--all"}, {"plugin:list"},
           {"acl:add", "theirs", "dev"}, {"config:get", "theirs", "K"},
           {"git-receive-pack", "/theirs.git"}, {"myplugin:cmd"}}) {
    EXPECT_TRUE(Decide(admin_, words).ok()) << words[0];
  }
}

TEST_F(AclRuleTest, AppCommandsNeedTheAppOnTheKeysList) {
  for (const std::vector<std::string>& words : std::vector<std::vector<std::string>>{
           {"config:get", "mine", "K"}, {"config:set", "mine", "K=V"}, {"logs", "mine"},
           {"run", "mine", "ls", "--all"}, {"enter", "mine"}, {"ps:scale", "mine", "web=2"},
           {"domains:add", "mine", "a.example"}, {"acl:list", "mine"}, {"apps:destroy", "mine"},
           {"git-upload-pack", "/mine.git"}, {"git-upload-pack", "mine"}, {"releases", "mine"}}) {
    EXPECT_TRUE(Dev(words).ok()) << words[0];
    std::vector<std::string> other = words;
    other[1] = "theirs";
    Status s = Dev(other);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << words[0];
    EXPECT_EQ(s.message(),
              "The key `dev` has no access to app `theirs`. An admin can grant it: berth acl:add "
              "theirs dev")
        << words[0];
  }
}

TEST_F(AclRuleTest, TheRefusalDoesNotTellWhetherTheAppExists) {
  Status existing = Dev({"config:get", "theirs", "K"}, {"mine", "theirs"});
  Status missing = Dev({"config:get", "theirs", "K"}, {"mine"});
  EXPECT_EQ(existing.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(existing.message(), missing.message());
  EXPECT_EQ(Dev({"git-upload-pack", "/ghost.git"}, {"mine"}).code(),
            StatusCode::kPermissionDenied);
}

TEST_F(AclRuleTest, CreatingAnAppIsOpenToEveryKeyUnlessItExists) {
  EXPECT_TRUE(Dev({"apps:create", "fresh"}).ok());
  EXPECT_TRUE(Dev({"git-receive-pack", "/fresh.git"}).ok()) << "a first push creates the app";
  EXPECT_TRUE(Dev({"git-receive-pack", "/mine.git"}).ok());
  EXPECT_TRUE(Dev({"apps:create", "mine"}).ok()) << "the command itself says it exists";
  Status taken = Dev({"apps:create", "theirs"});
  EXPECT_EQ(taken.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(taken.message(), HasSubstr("has no access to app `theirs`"));
  EXPECT_EQ(Dev({"git-receive-pack", "/theirs.git"}).code(), StatusCode::kPermissionDenied);
}

TEST_F(AclRuleTest, GlobalAllAndAppLessFormsAreForAdmins) {
  for (const std::vector<std::string>& words : std::vector<std::vector<std::string>>{
           {"config:set", "--global", "K=V"}, {"config:get", "--global", "K"},
           {"ps:restore", "--all"}, {"ps:restore"}, {"ps:stop", "--all"},
           {"proxy:build-config", "--all"}, {"logs:failed", "--all"}, {"apps:report"},
           {"domains:add-global", "a.example"}, {"apps:set", "--global", "disable-autocreation"},
           {"plugin:list"}, {"nginx:reload"}, {"stacks:list"}, {"acl:add", "mine", "dev"},
           {"acl:remove", "mine", "dev"}}) {
    Status s = Dev(words);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << words[0];
    EXPECT_THAT(s.message(), HasSubstr("that is for admin keys")) << words[0];
  }
}

TEST_F(AclRuleTest, HelpVersionAndTheAppListAreForEveryKey) {
  KeyRights stranger{.name = "stranger", .admin = false, .apps = {}};
  for (const std::vector<std::string>& words : std::vector<std::vector<std::string>>{
           {"help"}, {"help", "--all"}, {"version"}, {"apps:list"}, {"config:help"}}) {
    EXPECT_TRUE(Decide(stranger, words).ok()) << words[0];
  }
}

TEST_F(AclRuleTest, PluginCommandsNeedTheKeysAppFirst) {
  EXPECT_TRUE(Dev({"redis:info", "mine"}).ok());
  EXPECT_EQ(Dev({"redis:info", "theirs"}).code(), StatusCode::kPermissionDenied);
  Status bare = Dev({"redis:list"});
  EXPECT_EQ(bare.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(bare.message(), HasSubstr("for admin keys"));
}

// The table, whole: the only commands a key with no apps may run are these
// (host-only commands pass here and are refused over ssh for every key).
TEST_F(AclRuleTest, AKeyWithoutAppsMayRunOnlyTheOpenCommands) {
  KeyRights stranger{.name = "stranger", .admin = false, .apps = {}};
  std::set<std::string> allowed;
  for (const CommandFamily& family : BuiltinCommands().families()) {
    for (const CommandSpec& spec : family.commands) {
      if (spec.host_only) continue;
      Args with_app;
      with_app.positional = {"someapp", "x", "y"};
      auto exists = [](const std::string&) { return true; };
      if (DecideAccess(stranger, spec.name, &spec, with_app, exists).ok() ||
          DecideAccess(stranger, spec.name, &spec, Args{}, exists).ok()) {
        allowed.insert(std::string(spec.name));
      }
    }
  }
  EXPECT_EQ(allowed, (std::set<std::string>{"apps:list", "help", "version"}));
}

TEST_F(AclRuleTest, RefusalsQuoteUserWordsSafely) {
  Status s = Dev({"redis:info", "x`\x1b[31m"});
  EXPECT_EQ(s.message().find('\x1b'), std::string::npos);
  Status app = Dev({"config:get", std::string(200, 'a'), "K"});
  EXPECT_LT(app.message().size(), 300u);
}

}  // namespace
}  // namespace berth
