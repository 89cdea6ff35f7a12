// SqliteStore: schema migrations, every table's behaviour, transactions and
// concurrent writers, each test in its own temporary directory.
#include "core/state/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/base/files.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using namespace std::string_literals;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_.Join("berth.db");
    auto opened = SqliteStore::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
  }
  void TearDown() override {
    store_.reset();
    dir_.Remove();
  }

  std::vector<std::string> AppNames() {
    auto apps = store_->ListApps();
    EXPECT_TRUE(apps.ok());
    std::vector<std::string> names;
    if (apps.ok()) {
      for (const auto& a : *apps) names.push_back(a.name);
    }
    return names;
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

// ---- schema ----------------------------------------------------------------

TEST_F(SqliteStoreTest, OpenCreatesTheDatabaseAtTheLatestSchema) {
  EXPECT_TRUE(PathExists(path_));
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, SqliteStore::LatestSchemaVersion());
  EXPECT_GE(SqliteStore::LatestSchemaVersion(), 1);
}

TEST_F(SqliteStoreTest, ReopeningIsIdempotentAndKeepsData) {
  ASSERT_TRUE(store_->CreateApp("kept").ok());
  ASSERT_TRUE(store_->SetEnv(Scope::App("kept"), {{"K", "V"}}).ok());
  store_.reset();
  for (int i = 0; i < 2; ++i) {
    auto reopened = SqliteStore::Open(path_);
    ASSERT_TRUE(reopened.ok()) << reopened.status().message();
    EXPECT_EQ(*(*reopened)->SchemaVersion(), SqliteStore::LatestSchemaVersion());
    auto env = (*reopened)->GetEnv(Scope::App("kept"));
    ASSERT_TRUE(env.ok());
    EXPECT_THAT(*env, ElementsAre(Pair("K", "V")));
  }
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerBerth) {
  store_.reset();
  const int newer = SqliteStore::LatestSchemaVersion() + 1;
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  auto opened = SqliteStore::Open(path_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("schema version " + std::to_string(newer)));
  EXPECT_THAT(opened.status().message(), HasSubstr("upgrade berth"));
  // Refusing must not have touched the file.
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), newer);
}

TEST_F(SqliteStoreTest, UsesWriteAheadLogging) {
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST_F(SqliteStoreTest, OpenInAMissingDirectoryFailsWithTheDatabasePath) {
  std::string bad = dir_.Join("no/such/dir/berth.db");
  auto opened = SqliteStore::Open(bad);
  ASSERT_FALSE(opened.ok());
  EXPECT_THAT(opened.status().message(), HasSubstr(bad));
}

TEST_F(SqliteStoreTest, OpenOnAFileThatIsNotADatabaseFails) {
  std::string junk = dir_.WriteFile("junk.db", std::string(4096, 'x'));
  auto opened = SqliteStore::Open(junk);
  ASSERT_FALSE(opened.ok());
  EXPECT_FALSE(opened.status().message().empty());
}

// ---- apps ------------------------------------------------------------------

TEST_F(SqliteStoreTest, CreateGetAndListApps) {
  EXPECT_THAT(AppNames(), IsEmpty());
  ASSERT_TRUE(store_->CreateApp("zeta").ok());
  ASSERT_TRUE(store_->CreateApp("alpha").ok());
  EXPECT_THAT(AppNames(), ElementsAre("alpha", "zeta"));
  auto app = store_->GetApp("zeta");
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->name, "zeta");
  EXPECT_FALSE(app->locked);
  EXPECT_GT(app->created_at, 1600000000);
}

TEST_F(SqliteStoreTest, CreatingADuplicateIsAlreadyExists) {
  ASSERT_TRUE(store_->CreateApp("dup").ok());
  Status s = store_->CreateApp("dup");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.ExitCode(), 1);
  EXPECT_THAT(AppNames(), ElementsAre("dup"));
}

TEST_F(SqliteStoreTest, MissingAppIsAppNotFoundWithExitCode20) {
  auto app = store_->GetApp("ghost");
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().code(), StatusCode::kAppNotFound);
  EXPECT_EQ(app.status().ExitCode(), 20);
  EXPECT_EQ(app.status().message(), "App ghost does not exist");
  for (Status s : {store_->DestroyApp("ghost"), store_->RenameApp("ghost", "other"),
                   store_->SetAppLocked("ghost", true), store_->SetEnv(Scope::App("ghost"), {}),
                   store_->AddDomains(Scope::App("ghost"), {"x.com"}),
                   store_->AddPorts("ghost", {{"http", 80, 5000}}),
                   store_->SetFormation("ghost", {{"web", 1}}),
                   store_->SetProperty("p", Scope::App("ghost"), "k", "v")}) {
    EXPECT_EQ(s.code(), StatusCode::kAppNotFound) << s.message();
    EXPECT_EQ(s.ExitCode(), 20);
  }
  EXPECT_EQ(store_->GetEnv(Scope::App("ghost")).status().code(), StatusCode::kAppNotFound);
  EXPECT_EQ(store_->GetPorts("ghost").status().code(), StatusCode::kAppNotFound);
  EXPECT_EQ(store_->GetFormation("ghost").status().code(), StatusCode::kAppNotFound);
}

TEST_F(SqliteStoreTest, LockAndUnlock) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  ASSERT_TRUE(store_->SetAppLocked("app", true).ok());
  EXPECT_TRUE(store_->GetApp("app")->locked);
  ASSERT_TRUE(store_->SetAppLocked("app", false).ok());
  EXPECT_FALSE(store_->GetApp("app")->locked);
}

TEST_F(SqliteStoreTest, RenameMovesEverythingScopedToTheApp) {
  ASSERT_TRUE(store_->CreateApp("old").ok());
  Scope old_scope = Scope::App("old");
  ASSERT_TRUE(store_->SetEnv(old_scope, {{"K", "V"}}).ok());
  ASSERT_TRUE(store_->AddDomains(old_scope, {"old.example.com"}).ok());
  ASSERT_TRUE(store_->AddPorts("old", {{"http", 80, 5000}}).ok());
  ASSERT_TRUE(store_->SetFormation("old", {{"worker", 2}}).ok());
  ASSERT_TRUE(store_->SetProperty("git", old_scope, "deploy-branch", "main").ok());
  ASSERT_TRUE(store_->SetAppLocked("old", true).ok());

  ASSERT_TRUE(store_->RenameApp("old", "new").ok());

  EXPECT_THAT(AppNames(), ElementsAre("new"));
  EXPECT_EQ(store_->GetApp("old").status().code(), StatusCode::kAppNotFound);
  Scope new_scope = Scope::App("new");
  EXPECT_THAT(*store_->GetEnv(new_scope), ElementsAre(Pair("K", "V")));
  EXPECT_THAT(*store_->GetDomains(new_scope), ElementsAre("old.example.com"));
  EXPECT_THAT(*store_->GetPorts("new"), ElementsAre(PortMapping{"http", 80, 5000}));
  EXPECT_THAT(*store_->GetFormation("new"), ElementsAre(Pair("worker", 2)));
  EXPECT_EQ(*store_->GetProperty("git", new_scope, "deploy-branch"), "main");
  EXPECT_TRUE(store_->GetApp("new")->locked);
}

TEST_F(SqliteStoreTest, RenameOntoAnExistingAppIsRefusedAndChangesNothing) {
  ASSERT_TRUE(store_->CreateApp("a").ok());
  ASSERT_TRUE(store_->CreateApp("b").ok());
  ASSERT_TRUE(store_->SetEnv(Scope::App("a"), {{"FROM", "a"}}).ok());
  EXPECT_EQ(store_->RenameApp("a", "b").code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(AppNames(), ElementsAre("a", "b"));
  EXPECT_THAT(*store_->GetEnv(Scope::App("a")), ElementsAre(Pair("FROM", "a")));
  EXPECT_THAT(*store_->GetEnv(Scope::App("b")), IsEmpty());
}

TEST_F(SqliteStoreTest, DestroyRemovesEverythingScopedToTheApp) {
  ASSERT_TRUE(store_->CreateApp("doomed").ok());
  ASSERT_TRUE(store_->CreateApp("bystander").ok());
  for (const char* name : {"doomed", "bystander"}) {
    Scope scope = Scope::App(name);
    ASSERT_TRUE(store_->SetEnv(scope, {{"K", name}}).ok());
    ASSERT_TRUE(store_->AddDomains(scope, {std::string(name) + ".example.com"}).ok());
    ASSERT_TRUE(store_->AddPorts(name, {{"http", 80, 5000}}).ok());
    ASSERT_TRUE(store_->SetFormation(name, {{"web", 3}}).ok());
    ASSERT_TRUE(store_->SetProperty("ps", scope, "restart-policy", "no").ok());
  }
  ASSERT_TRUE(store_->SetEnv(Scope::Global(), {{"G", "1"}}).ok());

  ASSERT_TRUE(store_->DestroyApp("doomed").ok());

  EXPECT_THAT(AppNames(), ElementsAre("bystander"));
  // Directly in the database: no row of any table still points at the app.
  {
    SQLite::Database db(path_, SQLite::OPEN_READONLY);
    for (const char* table : {"env_vars", "domains", "ports", "formation", "properties"}) {
      int rows = db.execAndGet(std::string("SELECT COUNT(*) FROM ") + table +
                               " WHERE app_id NOT IN (SELECT id FROM apps) AND app_id != 0")
                     .getInt();
      EXPECT_EQ(rows, 0) << table;
    }
  }
  // A new app of the same name starts empty.
  ASSERT_TRUE(store_->CreateApp("doomed").ok());
  Scope scope = Scope::App("doomed");
  EXPECT_THAT(*store_->GetEnv(scope), IsEmpty());
  EXPECT_THAT(*store_->GetDomains(scope), IsEmpty());
  EXPECT_THAT(*store_->GetPorts("doomed"), IsEmpty());
  EXPECT_THAT(*store_->GetFormation("doomed"), IsEmpty());
  EXPECT_THAT(*store_->ListProperties("ps", scope), IsEmpty());
  // The other app and the global scope are untouched.
  EXPECT_THAT(*store_->GetEnv(Scope::App("bystander")), ElementsAre(Pair("K", "bystander")));
  EXPECT_THAT(*store_->GetFormation("bystander"), ElementsAre(Pair("web", 3)));
  EXPECT_THAT(*store_->GetEnv(Scope::Global()), ElementsAre(Pair("G", "1")));
}

// ---- config vars -----------------------------------------------------------

TEST_F(SqliteStoreTest, EnvValuesRoundTripByteForByte) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  EnvMap awkward = {
      {"QUOTES", R"(it's "quoted" \back\slash)"},
      {"NEWLINES", "line1\nline2\r\n\n"},
      {"SUBST", "$(id) `id` ${HOME} $HOME"},
      {"EQUALS", "a=b==c="},
      {"HIGH", "\xff\xfe\x80 not utf-8 \xc3"s},
      {"CONTROL", "\x01\x1b[31m\x7f"s},
      {"EMPTY", ""},
      {"SEMI", "; rm -rf / | cat &"},
      {"BIG", std::string(256 * 1024, 'b')},
  };
  ASSERT_TRUE(store_->SetEnv(Scope::App("app"), awkward).ok());
  auto env = store_->GetEnv(Scope::App("app"));
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(*env, awkward);
}

TEST_F(SqliteStoreTest, SetEnvReplacesAndUnsetRemoves) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  Scope scope = Scope::App("app");
  ASSERT_TRUE(store_->SetEnv(scope, {{"A", "1"}, {"B", "2"}, {"C", "3"}}).ok());
  ASSERT_TRUE(store_->SetEnv(scope, {{"B", "two"}}).ok());
  EXPECT_THAT(*store_->GetEnv(scope),
              ElementsAre(Pair("A", "1"), Pair("B", "two"), Pair("C", "3")));
  ASSERT_TRUE(store_->UnsetEnv(scope, {"A", "C", "NEVER_SET"}).ok());
  EXPECT_THAT(*store_->GetEnv(scope), ElementsAre(Pair("B", "two")));
  ASSERT_TRUE(store_->ClearEnv(scope).ok());
  EXPECT_THAT(*store_->GetEnv(scope), IsEmpty());
}

TEST_F(SqliteStoreTest, GlobalAndAppScopesAreSeparate) {
  ASSERT_TRUE(store_->CreateApp("one").ok());
  ASSERT_TRUE(store_->CreateApp("two").ok());
  ASSERT_TRUE(store_->SetEnv(Scope::Global(), {{"K", "global"}}).ok());
  ASSERT_TRUE(store_->SetEnv(Scope::App("one"), {{"K", "one"}}).ok());
  EXPECT_THAT(*store_->GetEnv(Scope::Global()), ElementsAre(Pair("K", "global")));
  EXPECT_THAT(*store_->GetEnv(Scope::App("one")), ElementsAre(Pair("K", "one")));
  EXPECT_THAT(*store_->GetEnv(Scope::App("two")), IsEmpty());
  ASSERT_TRUE(store_->ClearEnv(Scope::App("one")).ok());
  EXPECT_THAT(*store_->GetEnv(Scope::Global()), ElementsAre(Pair("K", "global")));
  ASSERT_TRUE(store_->ClearEnv(Scope::Global()).ok());
  ASSERT_TRUE(store_->SetEnv(Scope::App("one"), {{"K", "one"}}).ok());
  EXPECT_THAT(*store_->GetEnv(Scope::Global()), IsEmpty());
  EXPECT_THAT(*store_->GetEnv(Scope::App("one")), ElementsAre(Pair("K", "one")));
}

TEST_F(SqliteStoreTest, SetEnvOnAMissingAppChangesNothing) {
  ASSERT_TRUE(store_->CreateApp("real").ok());
  Status s = store_->SetEnv(Scope::App("missing"), {{"A", "1"}, {"B", "2"}});
  EXPECT_EQ(s.code(), StatusCode::kAppNotFound);
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM env_vars").getInt(), 0);
  EXPECT_THAT(*store_->GetEnv(Scope::Global()), IsEmpty());
}

// ---- domains ---------------------------------------------------------------

TEST_F(SqliteStoreTest, DomainsKeepTheirOrderAndAreDeduplicated) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  Scope scope = Scope::App("app");
  ASSERT_TRUE(store_->AddDomains(scope, {"c.com", "a.com", "c.com"}).ok());
  ASSERT_TRUE(store_->AddDomains(scope, {"b.com", "a.com"}).ok());
  EXPECT_THAT(*store_->GetDomains(scope), ElementsAre("c.com", "a.com", "b.com"));
  ASSERT_TRUE(store_->RemoveDomains(scope, {"a.com", "not-there.com"}).ok());
  EXPECT_THAT(*store_->GetDomains(scope), ElementsAre("c.com", "b.com"));
  ASSERT_TRUE(store_->SetDomains(scope, {"z.com", "y.com", "z.com"}).ok());
  EXPECT_THAT(*store_->GetDomains(scope), ElementsAre("z.com", "y.com"));
  ASSERT_TRUE(store_->SetDomains(scope, {}).ok());
  EXPECT_THAT(*store_->GetDomains(scope), IsEmpty());
}

TEST_F(SqliteStoreTest, GlobalDomainsAreSeparateFromAppDomains) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  ASSERT_TRUE(store_->AddDomains(Scope::Global(), {"example.com"}).ok());
  ASSERT_TRUE(store_->AddDomains(Scope::App("app"), {"app.example.com"}).ok());
  EXPECT_THAT(*store_->GetDomains(Scope::Global()), ElementsAre("example.com"));
  EXPECT_THAT(*store_->GetDomains(Scope::App("app")), ElementsAre("app.example.com"));
}

// ---- ports -----------------------------------------------------------------

TEST_F(SqliteStoreTest, PortsAddRemoveAndSet) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  PortMapping http{"http", 80, 5000};
  PortMapping https{"https", 443, 5000};
  PortMapping tcp{"tcp", 2222, 22};
  ASSERT_TRUE(store_->AddPorts("app", {http, https, http}).ok());
  EXPECT_THAT(*store_->GetPorts("app"), ElementsAre(http, https));
  ASSERT_TRUE(store_->RemovePorts("app", {http, tcp}).ok());
  EXPECT_THAT(*store_->GetPorts("app"), ElementsAre(https));
  ASSERT_TRUE(store_->SetPorts("app", {tcp, http}).ok());
  EXPECT_THAT(*store_->GetPorts("app"), ElementsAre(tcp, http));
  ASSERT_TRUE(store_->SetPorts("app", {}).ok());
  EXPECT_THAT(*store_->GetPorts("app"), IsEmpty());
}

TEST(PortMappingTest, ToStringIsSchemeHostContainer) {
  EXPECT_EQ((PortMapping{"https", 443, 5000}).ToString(), "https:443:5000");
}

// ---- formation ---------------------------------------------------------------

TEST_F(SqliteStoreTest, SetFormationMergesTypes) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  EXPECT_THAT(*store_->GetFormation("app"), IsEmpty());
  ASSERT_TRUE(store_->SetFormation("app", {{"web", 2}, {"worker", 1}}).ok());
  ASSERT_TRUE(store_->SetFormation("app", {{"worker", 0}, {"clock", 1}}).ok());
  EXPECT_THAT(*store_->GetFormation("app"),
              ElementsAre(Pair("clock", 1), Pair("web", 2), Pair("worker", 0)));
}

TEST_F(SqliteStoreTest, NegativeQuantityIsRefusedAndNothingChanges) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  ASSERT_TRUE(store_->SetFormation("app", {{"web", 1}}).ok());
  Status s = store_->SetFormation("app", {{"web", 5}, {"worker", -1}});
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(*store_->GetFormation("app"), ElementsAre(Pair("web", 1)));
}

// ---- properties --------------------------------------------------------------

TEST_F(SqliteStoreTest, PropertiesArePerPluginAndScope) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  ASSERT_TRUE(store_->CreateApp("other").ok());
  Scope app = Scope::App("app");
  ASSERT_TRUE(store_->SetProperty("ps", app, "restart-policy", "always").ok());
  ASSERT_TRUE(store_->SetProperty("ps", Scope::Global(), "restart-policy", "no").ok());
  ASSERT_TRUE(store_->SetProperty("nginx", app, "restart-policy", "other-plugin").ok());
  ASSERT_TRUE(store_->SetProperty("ps", app, "stop-timeout-seconds", "30").ok());

  EXPECT_EQ(*store_->GetProperty("ps", app, "restart-policy"), "always");
  EXPECT_EQ(*store_->GetProperty("ps", Scope::Global(), "restart-policy"), "no");
  EXPECT_EQ(*store_->GetProperty("nginx", app, "restart-policy"), "other-plugin");
  EXPECT_EQ(*store_->GetProperty("ps", Scope::App("other"), "restart-policy"),
            std::optional<std::string>());
  EXPECT_EQ(*store_->GetProperty("git", app, "restart-policy"), std::optional<std::string>());
  EXPECT_THAT(*store_->ListProperties("ps", app),
              ElementsAre(Pair("restart-policy", "always"), Pair("stop-timeout-seconds", "30")));

  ASSERT_TRUE(store_->SetProperty("ps", app, "restart-policy", "on-failure:3").ok());
  EXPECT_EQ(*store_->GetProperty("ps", app, "restart-policy"), "on-failure:3");
  ASSERT_TRUE(store_->UnsetProperty("ps", app, "restart-policy").ok());
  EXPECT_EQ(*store_->GetProperty("ps", app, "restart-policy"), std::optional<std::string>());
  EXPECT_EQ(*store_->GetProperty("ps", Scope::Global(), "restart-policy"), "no");
  EXPECT_EQ(*store_->GetProperty("nginx", app, "restart-policy"), "other-plugin");
}

// ---- ssh keys --------------------------------------------------------------

TEST_F(SqliteStoreTest, SshKeysAreUniqueByNameAndFingerprint) {
  SshKeyRecord alice{"alice", "SHA256:aaa", "ssh-ed25519 AAAAalice"};
  SshKeyRecord bob{"bob", "SHA256:bbb", "ssh-ed25519 AAAAbob"};
  ASSERT_TRUE(store_->AddSshKey(bob).ok());
  ASSERT_TRUE(store_->AddSshKey(alice).ok());

  Status same_name = store_->AddSshKey({"alice", "SHA256:ccc", "ssh-ed25519 AAAAc"});
  EXPECT_EQ(same_name.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(same_name.message(), HasSubstr("alice"));
  Status same_key = store_->AddSshKey({"carol", "SHA256:aaa", "ssh-ed25519 AAAAalice"});
  EXPECT_EQ(same_key.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(same_key.message(), HasSubstr("already added as alice"));

  auto keys = store_->ListSshKeys();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].name, "alice");
  EXPECT_EQ((*keys)[0].fingerprint, "SHA256:aaa");
  EXPECT_EQ((*keys)[0].public_key, "ssh-ed25519 AAAAalice");
  EXPECT_EQ((*keys)[1].name, "bob");

  ASSERT_TRUE(store_->RemoveSshKey("alice").ok());
  EXPECT_EQ(store_->RemoveSshKey("alice").code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->AddSshKey({"carol", "SHA256:aaa", "ssh-ed25519 AAAAalice"}).ok());
}

// ---- concurrency -----------------------------------------------------------

TEST_F(SqliteStoreTest, ConcurrentWritersInSeparateConnectionsLoseNothing) {
  ASSERT_TRUE(store_->CreateApp("shared").ok());
  constexpr int kThreads = 20;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([this, i, &results] {
      auto own = SqliteStore::Open(path_);
      if (!own.ok()) {
        results[static_cast<size_t>(i)] = own.status();
        return;
      }
      results[static_cast<size_t>(i)] =
          (*own)->SetEnv(Scope::App("shared"), {{"KEY_" + std::to_string(i), std::to_string(i)}});
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_TRUE(results[static_cast<size_t>(i)].ok())
        << "thread " << i << ": " << results[static_cast<size_t>(i)].message();
  }
  auto env = store_->GetEnv(Scope::App("shared"));
  ASSERT_TRUE(env.ok());
  ASSERT_EQ(env->size(), static_cast<size_t>(kThreads));
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(env->at("KEY_" + std::to_string(i)), std::to_string(i));
  }
}

TEST(SqliteStoreFreshFileTest, ConcurrentFirstOpensAllMigrateSafely) {
  test::TempDir dir;
  const std::string path = dir.Join("berth.db");
  constexpr int kThreads = 16;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto store = SqliteStore::Open(path);
      if (!store.ok()) {
        results[static_cast<size_t>(i)] = store.status();
        return;
      }
      results[static_cast<size_t>(i)] = (*store)->CreateApp("app-" + std::to_string(i));
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_TRUE(results[static_cast<size_t>(i)].ok())
        << "thread " << i << ": " << results[static_cast<size_t>(i)].message();
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->ListApps()->size(), static_cast<size_t>(kThreads));
  EXPECT_EQ(*(*store)->SchemaVersion(), SqliteStore::LatestSchemaVersion());
}

}  // namespace
}  // namespace berth
