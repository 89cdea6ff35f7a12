// Access control through the real dispatcher and store: keys over ssh, acl:*,
// ssh-keys:set, the creator owning its app, ACL rows following apps and keys,
// the schema migration that makes old keys admins, and the audit log.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/cli/audit_log.h"
#include "core/state/migrations.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class AclCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(store().AddSshKey({"boss", "SHA256:boss", "ssh-ed25519 AAAA1", true}).ok());
    ASSERT_TRUE(store().AddSshKey({"dev", "SHA256:dev", "ssh-ed25519 AAAA2", false}).ok());
    ASSERT_TRUE(RunOk({"apps:create", "theirs"}));  // locally, as root
    plugins_.Clear();
  }
  // Runs over ssh as `key`.
  Status As(const std::string& key, std::vector<std::string> words) {
    env_.via_ssh = true;
    env_.key_name = key;
    Status s = Run(std::move(words));
    env_.via_ssh = false;
    env_.key_name = "default";
    return s;
  }
  std::vector<std::string> KeyApps(const std::string& key) { return *store().KeyApps(key); }
};

TEST_F(AclCommandsTest, AKeyWithoutRightsChangesNothing) {
  for (const std::vector<std::string>& words : std::vector<std::vector<std::string>>{
           {"config:set", "theirs", "K=V"}, {"apps:destroy", "theirs", "--force"},
           {"domains:add", "theirs", "a.example"}, {"apps:rename", "theirs", "mine"}}) {
    Status s = As("dev", words);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << words[0];
    EXPECT_EQ(s.ExitCode(), 1);
    EXPECT_EQ(err(), " !     The key `dev` has no access to app `theirs`. An admin can grant it: "
                     "berth acl:add theirs dev\n");
    EXPECT_EQ(out(), "");
  }
  EXPECT_THAT(AppNames(), ElementsAre("theirs"));
  EXPECT_THAT(Env("theirs"), IsEmpty());
  EXPECT_THAT(plugins_.names(), Not(testing::Contains("user-auth")))
      << "berth's check refuses before the plugins' user-auth runs";
}

TEST_F(AclCommandsTest, AclAddAndRemoveGrantAndTakeAway) {
  ASSERT_FALSE(As("dev", {"config:get", "theirs", "K"}).ok());
  ASSERT_TRUE(RunOk({"config:set", "theirs", "K=v"}));
  ASSERT_TRUE(As("boss", {"acl:add", "theirs", "dev"}).ok()) << err();
  EXPECT_EQ(out(), "-----> Key dev may now use theirs\n");
  ASSERT_TRUE(As("dev", {"config:get", "theirs", "K"}).ok()) << err();
  EXPECT_EQ(out(), "v\n");
  ASSERT_TRUE(As("dev", {"acl:list", "theirs", "--format", "json"}).ok()) << err();
  EXPECT_EQ(out(), "[\"dev\"]\n");
  ASSERT_TRUE(RunOk({"acl:add", "theirs", "dev"})) << "granting twice is fine";
  EXPECT_EQ(As("dev", {"acl:remove", "theirs", "dev"}).code(), StatusCode::kPermissionDenied)
      << "a key may not change ACLs";
  ASSERT_TRUE(RunOk({"acl:remove", "theirs", "dev"}));
  EXPECT_EQ(As("dev", {"config:get", "theirs", "K"}).code(), StatusCode::kPermissionDenied);
  Status again = Run({"acl:remove", "theirs", "dev"});
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "The key dev has no access to theirs");
}

TEST_F(AclCommandsTest, AclAddChecksTheAppAndTheKey) {
  Status no_app = Run({"acl:add", "ghost", "dev"});
  EXPECT_EQ(no_app.ExitCode(), 20);
  EXPECT_EQ(no_app.message(), "App ghost does not exist");
  Status no_key = Run({"acl:add", "theirs", "nobody"});
  EXPECT_EQ(no_key.code(), StatusCode::kNotFound);
  EXPECT_THAT(no_key.message(), HasSubstr("No ssh key named nobody"));
  EXPECT_EQ(Run({"acl:add", "theirs", "bad name"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"acl:add", "theirs"}).message(), "Usage: berth acl:add APP KEYNAME");
  EXPECT_THAT(*store().AppAccessKeys("theirs"), IsEmpty());
}

TEST_F(AclCommandsTest, TheCreatorOwnsItsApp) {
  ASSERT_TRUE(As("dev", {"apps:create", "mine"}).ok()) << err();
  EXPECT_THAT(KeyApps("dev"), ElementsAre("mine"));
  EXPECT_THAT(plugins_.names(), ElementsAre("user-auth", "post-create"));
  ASSERT_TRUE(As("dev", {"config:set", "mine", "K=V"}).ok()) << err();
  ASSERT_TRUE(As("dev", {"apps:list"}).ok());
  EXPECT_EQ(out(), "=====> My Apps\nmine\n");
  ASSERT_TRUE(As("boss", {"apps:list", "--format", "json"}).ok());
  EXPECT_EQ(out(), "[\"mine\",\"theirs\"]\n");
  ASSERT_TRUE(RunOk({"apps:list", "--format", "json"}));
  EXPECT_EQ(out(), "[\"mine\",\"theirs\"]\n");
}

TEST_F(AclCommandsTest, RowsFollowRenameAndGoWithTheAppOrTheKey) {
  ASSERT_TRUE(As("dev", {"apps:create", "mine"}).ok());
  ASSERT_TRUE(As("dev", {"apps:rename", "mine", "renamed"}).ok()) << err();
  EXPECT_THAT(KeyApps("dev"), ElementsAre("renamed"));
  ASSERT_TRUE(As("dev", {"apps:destroy", "renamed", "--force"}).ok()) << err();
  EXPECT_THAT(KeyApps("dev"), IsEmpty());
  ASSERT_TRUE(As("dev", {"apps:create", "renamed"}).ok()) << "the name is free again";
  ASSERT_TRUE(RunOk({"acl:add", "theirs", "dev"}));
  ASSERT_TRUE(store().RemoveSshKey("dev").ok());
  EXPECT_THAT(*store().AppAccessKeys("theirs"), IsEmpty());
  EXPECT_THAT(*store().AppAccessKeys("renamed"), IsEmpty());
}

TEST_F(AclCommandsTest, AdminKeysAndLocalRunsMayDoEverything) {
  ASSERT_TRUE(As("boss", {"config:set", "--global", "G=1"}).ok()) << err();
  ASSERT_TRUE(As("boss", {"acl:add", "theirs", "dev"}).ok()) << err();
  ASSERT_TRUE(RunOk({"config:set", "--global", "H=1"}));
  EXPECT_EQ(As("dev", {"config:get", "--global", "G"}).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(As("boss", {"ssh-keys:list"}).code(), StatusCode::kPermissionDenied)
      << "host-only commands stay on the host";
  EXPECT_THAT(err(), HasSubstr("changes the host"));
}

TEST_F(AclCommandsTest, AnUnknownKeyHasNoRights) {
  Status s = As("ghost-key", {"config:get", "theirs", "K"});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(As("ghost-key", {"apps:create", "orphan"}).ok()) << "creating is open";
  EXPECT_THAT(*store().AppAccessKeys("orphan"), IsEmpty());
}

TEST_F(AclCommandsTest, SshKeysSetAdminAndList) {
  ASSERT_TRUE(RunOk({"ssh-keys:set", "dev", "admin", "true"}));
  EXPECT_EQ(out(), "-----> dev is now an admin key\n");
  ASSERT_TRUE(As("dev", {"config:get", "theirs", "K"}).code() != StatusCode::kPermissionDenied);
  ASSERT_TRUE(RunOk({"ssh-keys:list", "--format", "json"}));
  EXPECT_THAT(out(), HasSubstr("{\"admin\":true,\"fingerprint\":\"SHA256:dev\",\"name\":\"dev\"}"));
  ASSERT_TRUE(RunOk({"ssh-keys:set", "dev", "admin", "false"}));
  ASSERT_TRUE(RunOk({"ssh-keys:list"}));
  EXPECT_EQ(out(), "SHA256:boss NAME=\"boss\" ADMIN=true\nSHA256:dev NAME=\"dev\" ADMIN=false\n");
  EXPECT_EQ(Run({"ssh-keys:set", "nobody", "admin", "true"}).code(), StatusCode::kNotFound);
  EXPECT_EQ(Run({"ssh-keys:set", "dev", "admin", "yes"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"ssh-keys:set", "dev", "colour", "true"}).code(), StatusCode::kInvalidArgument);
}

TEST(AclMigrationTest, KeysFromBeforeAccessControlBecomeAdmins) {
  test::TempDir dir;
  std::string path = dir.Join("berth.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (int i = 0; i < 3; ++i) db.exec(std::string(SchemaMigrations()[static_cast<size_t>(i)]));
    db.exec("PRAGMA user_version = 3");
    db.exec("INSERT INTO ssh_keys (name, fingerprint, public_key, created_at) "
            "VALUES ('old', 'SHA256:old', 'ssh-ed25519 AAAA', 1700000000)");
  }
  auto opened = SqliteStore::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  auto keys = (*opened)->ListSshKeys();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_TRUE((*keys)[0].admin);
  ASSERT_TRUE((*opened)->AddSshKey({"new", "SHA256:new", "ssh-ed25519 BBBB"}).ok());
  EXPECT_FALSE((*(*opened)->ListSshKeys())[0].admin) << "new keys are not admins by default";
}

TEST(AuditLogTest, RefusalsAreLoggedAsDeniedInAPrivateFile) {
  test::TempDir dir;
  Environment env;
  env.root = dir.path();
  env.via_ssh = true;
  env.key_name = "dev";
  env.key_fingerprint = "SHA256:dev";
  LogCommand(env, AuditText({"config:set", "app", "TOKEN=hunter2"}),
             PermissionDenied("no access"), std::chrono::milliseconds(3));
  std::string log = test::ReadText(dir.Join("logs/berth.log"));
  EXPECT_THAT(log, HasSubstr("key=dev fingerprint=SHA256:dev via=ssh"));
  EXPECT_THAT(log, HasSubstr("command=\"config:set app TOKEN=<redacted>\" result=denied exit=1"));
  EXPECT_THAT(log, Not(HasSubstr("hunter2")));
  struct stat st {};
  ASSERT_EQ(::stat(dir.Join("logs/berth.log").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(AuditTextTest, RedactsCredentialsInUrls) {
  EXPECT_EQ(AuditText({"git:sync", "app", "https://user:tok3n@example.com/r.git", "main"}),
            "git:sync app https://<redacted>@example.com/r.git main");
  EXPECT_EQ(AuditText({"buildpacks:add", "app", "https://example.com/a@b"}),
            "buildpacks:add app https://example.com/a@b");
  EXPECT_EQ(AuditText({"run", "app", "--env", "DB=postgres://u:p@db/x", "env"}),
            "run app --env DB=<redacted> env");
}

}  // namespace
}  // namespace berth
