// SqliteStore: ssh keys (schema v1, the admin flag v4) and the app_access
// table (v4), the ACL of non-admin keys.
#include <SQLiteCpp/SQLiteCpp.h>

#include <ctime>

#include "core/state/sqlite_store.h"

namespace berth {
namespace {

Result<int64_t> ExistingAppId(SQLite::Database& db, std::string_view app) {
  SQLite::Statement q(db, "SELECT id FROM apps WHERE name = ?");
  q.bind(1, std::string(app));
  if (!q.executeStep()) return AppNotFound(std::string(app));
  return q.getColumn(0).getInt64();
}

bool KeyExists(SQLite::Database& db, std::string_view key) {
  SQLite::Statement q(db, "SELECT 1 FROM ssh_keys WHERE name = ?");
  q.bind(1, std::string(key));
  return q.executeStep();
}

}  // namespace

Result<std::vector<SshKeyRecord>> SqliteStore::ListSshKeys() {
  std::vector<SshKeyRecord> keys;
  Status s = Read([&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        "SELECT name, fingerprint, public_key, admin FROM ssh_keys ORDER BY name");
    while (q.executeStep()) {
      keys.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                      q.getColumn(2).getString(), q.getColumn(3).getInt() != 0});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return keys;
}

Status SqliteStore::AddSshKey(const SshKeyRecord& key) {
  return Write([&](SQLite::Database& db) {
    if (KeyExists(db, key.name)) {
      return AlreadyExists("An ssh key named " + key.name + " already exists");
    }
    SQLite::Statement by_fp(db, "SELECT name FROM ssh_keys WHERE fingerprint = ?");
    by_fp.bind(1, key.fingerprint);
    if (by_fp.executeStep()) {
      return AlreadyExists("This key (" + key.fingerprint + ") is already added as " +
                           by_fp.getColumn(0).getString());
    }
    SQLite::Statement q(db,
                        "INSERT INTO ssh_keys (name, fingerprint, public_key, created_at, admin) "
                        "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, key.name);
    q.bind(2, key.fingerprint);
    q.bind(3, key.public_key);
    q.bind(4, static_cast<int64_t>(std::time(nullptr)));
    q.bind(5, key.admin ? 1 : 0);
    q.exec();
    return Status::Ok();
  });
}

Status SqliteStore::RemoveSshKey(std::string_view name) {
  return Write([&](SQLite::Database& db) {
    SQLite::Statement q(db, "DELETE FROM ssh_keys WHERE name = ?");
    q.bind(1, std::string(name));
    if (q.exec() == 0) return NotFound("No ssh key named " + std::string(name));
    SQLite::Statement rows(db, "DELETE FROM app_access WHERE key_name = ?");
    rows.bind(1, std::string(name));
    rows.exec();
    return Status::Ok();
  });
}

Status SqliteStore::SetSshKeyAdmin(std::string_view name, bool admin) {
  return Write([&](SQLite::Database& db) {
    SQLite::Statement q(db, "UPDATE ssh_keys SET admin = ? WHERE name = ?");
    q.bind(1, admin ? 1 : 0);
    q.bind(2, std::string(name));
    if (q.exec() == 0) return NotFound("No ssh key named " + std::string(name));
    return Status::Ok();
  });
}

Status SqliteStore::GrantAppAccess(std::string_view app, std::string_view key) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ExistingAppId(db, app));
    if (!KeyExists(db, key)) return NotFound("No ssh key named " + std::string(key));
    SQLite::Statement q(db, "INSERT OR IGNORE INTO app_access (app_id, key_name) VALUES (?, ?)");
    q.bind(1, id);
    q.bind(2, std::string(key));
    q.exec();
    return Status::Ok();
  });
}

Status SqliteStore::RevokeAppAccess(std::string_view app, std::string_view key) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ExistingAppId(db, app));
    SQLite::Statement q(db, "DELETE FROM app_access WHERE app_id = ? AND key_name = ?");
    q.bind(1, id);
    q.bind(2, std::string(key));
    if (q.exec() == 0) {
      return NotFound("The key " + std::string(key) + " has no access to " + std::string(app));
    }
    return Status::Ok();
  });
}

Result<std::vector<std::string>> SqliteStore::AppAccessKeys(std::string_view app) {
  std::vector<std::string> keys;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ExistingAppId(db, app));
    SQLite::Statement q(db, "SELECT key_name FROM app_access WHERE app_id = ? ORDER BY key_name");
    q.bind(1, id);
    while (q.executeStep()) keys.push_back(q.getColumn(0).getString());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return keys;
}

Result<std::vector<std::string>> SqliteStore::KeyApps(std::string_view key) {
  std::vector<std::string> apps;
  Status s = Read([&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        "SELECT apps.name FROM app_access JOIN apps ON apps.id = app_access.app_id "
                        "WHERE app_access.key_name = ? ORDER BY apps.name");
    q.bind(1, std::string(key));
    while (q.executeStep()) apps.push_back(q.getColumn(0).getString());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return apps;
}

}  // namespace berth
