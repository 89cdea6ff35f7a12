#include "core/state/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "core/state/migrations.h"

namespace berth {
namespace {

constexpr int kBusyTimeoutMs = 30000;

// A berth command reads a handful of pages, but SQLite's page cache by default
// carves its first allocation into a free list of 20 page slots at once, which
// writes to (and so page-faults in) 80 KB that the command never uses; on a VM
// a page fault costs about 12 us. Zero slots: pages are allocated as they are
// read. Must run before SQLite initializes; a later call is refused and harmless.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
    return true;
  }();
  (void)configured;
}

Status FromException(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    return Unavailable(std::string("the state database is busy: ") + e.what() +
                       "; try again in a moment");
  }
  if (code == SQLITE_FULL) return Internal("the disk holding the state database is full");
  return Internal(std::string("state database error: ") + e.what());
}

// Resolves a scope to its app_id (0 for global), or kAppNotFound.
Result<int64_t> ScopeId(SQLite::Database& db, const Scope& scope) {
  if (scope.global()) return int64_t{0};
  SQLite::Statement q(db, "SELECT id FROM apps WHERE name = ?");
  q.bind(1, scope.app);
  if (!q.executeStep()) return AppNotFound(scope.app);
  return q.getColumn(0).getInt64();
}

Result<int64_t> AppId(SQLite::Database& db, std::string_view app) {
  return ScopeId(db, Scope::App(std::string(app)));
}

// Switching a file to WAL needs it unlocked by everyone else, and SQLite returns
// SQLITE_BUSY at once rather than calling the busy handler; so berth processes
// opening a new database together retry here, within the usual busy timeout.
Status EnableWal(SQLite::Database& db) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  while (true) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return Status::Ok();
    } catch (const SQLite::Exception& e) {
      int code = e.getErrorCode() & 0xff;
      bool busy = code == SQLITE_BUSY || code == SQLITE_LOCKED;
      if (!busy || std::chrono::steady_clock::now() >= deadline) return FromException(e);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::string PortMapping::ToString() const {
  return scheme + ":" + std::to_string(host_port) + ":" + std::to_string(container_port);
}

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
SqliteStore::~SqliteStore() = default;

int SqliteStore::LatestSchemaVersion() { return static_cast<int>(SchemaMigrations().size()); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  ConfigureSqliteOnce();
  std::unique_ptr<SQLite::Database> db;
  try {
    db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                            kBusyTimeoutMs);
    db->exec("PRAGMA synchronous = NORMAL");
    // Truncate the -wal file when it is checkpointed (at the last close): a
    // short-lived process must not re-read megabytes of old WAL frames on open.
    db->exec("PRAGMA journal_size_limit = 0");
    // Keep the -wal file between commands instead of deleting and recreating it
    // on every short-lived berth process.
    int persist = 1;
    sqlite3_file_control(db->getHandle(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  } catch (const SQLite::Exception& e) {
    return Internal("cannot open state database " + path + ": " + e.what());
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(db)));
  BERTH_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Result<int> SqliteStore::SchemaVersion() {
  int version = 0;
  Status s = Read([&](SQLite::Database& db) {
    version = db.execAndGet("PRAGMA user_version").getInt();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return version;
}

Status SqliteStore::Migrate() {
  auto version = SchemaVersion();
  if (!version.ok()) return version.status();
  const int latest = LatestSchemaVersion();
  if (*version == latest) return Status::Ok();
  if (*version > latest) {
    return FailedPrecondition("the state database has schema version " +
                              std::to_string(*version) + " but this berth knows only up to " +
                              std::to_string(latest) + "; upgrade berth");
  }
  // WAL is a property of the file: set once, before the first migration.
  if (*version == 0) BERTH_RETURN_IF_ERROR(EnableWal(*db_));
  return Write([&](SQLite::Database& db) {
    // Another process may have migrated while we waited for the write lock.
    int current = db.execAndGet("PRAGMA user_version").getInt();
    auto migrations = SchemaMigrations();
    for (int i = current; i < latest; ++i) {
      db.exec(std::string(migrations[static_cast<size_t>(i)]));
    }
    db.exec("PRAGMA user_version = " + std::to_string(latest));
    return Status::Ok();
  });
}

Status SqliteStore::Write(const std::function<Status(SQLite::Database&)>& fn) {
  try {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    Status s = fn(*db_);
    if (!s.ok()) return s;  // the Transaction destructor rolls back
    tx.commit();
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return FromException(e);
  }
}

Status SqliteStore::Read(const std::function<Status(SQLite::Database&)>& fn) {
  try {
    return fn(*db_);
  } catch (const SQLite::Exception& e) {
    return FromException(e);
  }
}

// ---- apps -----------------------------------------------------------------

Status SqliteStore::CreateApp(std::string_view name) {
  return Write([&](SQLite::Database& db) {
    SQLite::Statement exists(db, "SELECT 1 FROM apps WHERE name = ?");
    exists.bind(1, std::string(name));
    if (exists.executeStep()) return AlreadyExists("Name is already taken");
    SQLite::Statement q(db, "INSERT INTO apps (name, created_at) VALUES (?, ?)");
    q.bind(1, std::string(name));
    q.bind(2, static_cast<int64_t>(std::time(nullptr)));
    q.exec();
    return Status::Ok();
  });
}

Result<AppRecord> SqliteStore::GetApp(std::string_view name) {
  std::optional<AppRecord> app;
  Status s = Read([&](SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT name, created_at, locked FROM apps WHERE name = ?");
    q.bind(1, std::string(name));
    if (!q.executeStep()) return AppNotFound(name);
    app = AppRecord{q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                    q.getColumn(2).getInt() != 0};
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return *app;
}

Result<std::vector<AppRecord>> SqliteStore::ListApps() {
  std::vector<AppRecord> apps;
  Status s = Read([&](SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT name, created_at, locked FROM apps ORDER BY name");
    while (q.executeStep()) {
      apps.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                      q.getColumn(2).getInt() != 0});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return apps;
}

Status SqliteStore::DestroyApp(std::string_view name) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, name));
    for (const char* table :
         {"env_vars", "domains", "ports", "formation", "properties", "containers", "releases",
          "builds", "app_access"}) {
      SQLite::Statement q(db, std::string("DELETE FROM ") + table + " WHERE app_id = ?");
      q.bind(1, id);
      q.exec();
    }
    SQLite::Statement q(db, "DELETE FROM apps WHERE id = ?");
    q.bind(1, id);
    q.exec();
    return Status::Ok();
  });
}

Status SqliteStore::RenameApp(std::string_view from, std::string_view to) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, from));
    SQLite::Statement exists(db, "SELECT 1 FROM apps WHERE name = ?");
    exists.bind(1, std::string(to));
    if (exists.executeStep()) return AlreadyExists("Name is already taken");
    SQLite::Statement q(db, "UPDATE apps SET name = ? WHERE id = ?");
    q.bind(1, std::string(to));
    q.bind(2, id);
    q.exec();
    return Status::Ok();
  });
}

Status SqliteStore::SetAppLocked(std::string_view name, bool locked) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, name));
    SQLite::Statement q(db, "UPDATE apps SET locked = ? WHERE id = ?");
    q.bind(1, locked ? 1 : 0);
    q.bind(2, id);
    q.exec();
    return Status::Ok();
  });
}

// ---- config vars ----------------------------------------------------------

Result<EnvMap> SqliteStore::GetEnv(const Scope& scope) {
  EnvMap env;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "SELECT key, value FROM env_vars WHERE app_id = ?");
    q.bind(1, id);
    while (q.executeStep()) env.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return env;
}

Status SqliteStore::SetEnv(const Scope& scope, const EnvMap& vars) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "INSERT OR REPLACE INTO env_vars (app_id, key, value) VALUES (?, ?, ?)");
    for (const auto& [key, value] : vars) {
      q.bind(1, id);
      q.bind(2, key);
      q.bind(3, value);
      q.exec();
      q.reset();
    }
    return Status::Ok();
  });
}

Status SqliteStore::UnsetEnv(const Scope& scope, const std::vector<std::string>& keys) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "DELETE FROM env_vars WHERE app_id = ? AND key = ?");
    for (const auto& key : keys) {
      q.bind(1, id);
      q.bind(2, key);
      q.exec();
      q.reset();
    }
    return Status::Ok();
  });
}

Status SqliteStore::ClearEnv(const Scope& scope) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "DELETE FROM env_vars WHERE app_id = ?");
    q.bind(1, id);
    q.exec();
    return Status::Ok();
  });
}

// ---- domains --------------------------------------------------------------

Result<std::vector<std::string>> SqliteStore::GetDomains(const Scope& scope) {
  std::vector<std::string> domains;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "SELECT domain FROM domains WHERE app_id = ? ORDER BY id");
    q.bind(1, id);
    while (q.executeStep()) domains.push_back(q.getColumn(0).getString());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return domains;
}

Status SqliteStore::AddDomains(const Scope& scope, const std::vector<std::string>& domains) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "INSERT OR IGNORE INTO domains (app_id, domain) VALUES (?, ?)");
    for (const auto& d : domains) {
      q.bind(1, id);
      q.bind(2, d);
      q.exec();
      q.reset();
    }
    return Status::Ok();
  });
}

Status SqliteStore::RemoveDomains(const Scope& scope, const std::vector<std::string>& domains) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "DELETE FROM domains WHERE app_id = ? AND domain = ?");
    for (const auto& d : domains) {
      q.bind(1, id);
      q.bind(2, d);
      q.exec();
      q.reset();
    }
    return Status::Ok();
  });
}

Status SqliteStore::SetDomains(const Scope& scope, const std::vector<std::string>& domains) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement del(db, "DELETE FROM domains WHERE app_id = ?");
    del.bind(1, id);
    del.exec();
    SQLite::Statement q(db, "INSERT OR IGNORE INTO domains (app_id, domain) VALUES (?, ?)");
    for (const auto& d : domains) {
      q.bind(1, id);
      q.bind(2, d);
      q.exec();
      q.reset();
    }
    return Status::Ok();
  });
}

// ---- ports ----------------------------------------------------------------

Result<std::vector<PortMapping>> SqliteStore::GetPorts(std::string_view app) {
  std::vector<PortMapping> ports;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, app));
    SQLite::Statement q(
        db, "SELECT scheme, host_port, container_port FROM ports WHERE app_id = ? ORDER BY id");
    q.bind(1, id);
    while (q.executeStep()) {
      ports.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt(), q.getColumn(2).getInt()});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return ports;
}

namespace {

void InsertPorts(SQLite::Database& db, int64_t id, const std::vector<PortMapping>& ports) {
  SQLite::Statement q(db,
                      "INSERT OR IGNORE INTO ports (app_id, scheme, host_port, container_port) "
                      "VALUES (?, ?, ?, ?)");
  for (const auto& p : ports) {
    q.bind(1, id);
    q.bind(2, p.scheme);
    q.bind(3, p.host_port);
    q.bind(4, p.container_port);
    q.exec();
    q.reset();
  }
}

}  // namespace

Status SqliteStore::AddPorts(std::string_view app, const std::vector<PortMapping>& ports) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, app));
    InsertPorts(db, id, ports);
    return Status::Ok();
  });
}

Status SqliteStore::RemovePorts(std::string_view app, const std::vector<PortMapping>& ports) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, app));
    SQLite::Statement q(db,
                        "DELETE FROM ports WHERE app_id = ? AND scheme = ? AND host_port = ? AND "
                        "container_port = ?");
    for (const auto& p : ports) {
      q.bind(1, id);
      q.bind(2, p.scheme);
      q.bind(3, p.host_port);
      q.bind(4, p.container_port);
      q.exec();
      q.reset();
    }
    return Status::Ok();
  });
}

Status SqliteStore::SetPorts(std::string_view app, const std::vector<PortMapping>& ports) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, app));
    SQLite::Statement del(db, "DELETE FROM ports WHERE app_id = ?");
    del.bind(1, id);
    del.exec();
    InsertPorts(db, id, ports);
    return Status::Ok();
  });
}

// ---- formation ------------------------------------------------------------

Result<std::map<std::string, int>> SqliteStore::GetFormation(std::string_view app) {
  std::map<std::string, int> formation;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, app));
    SQLite::Statement q(db, "SELECT process_type, quantity FROM formation WHERE app_id = ?");
    q.bind(1, id);
    while (q.executeStep()) formation[q.getColumn(0).getString()] = q.getColumn(1).getInt();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return formation;
}

Status SqliteStore::SetFormation(std::string_view app, const std::map<std::string, int>& scale) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, AppId(db, app));
    SQLite::Statement q(
        db, "INSERT OR REPLACE INTO formation (app_id, process_type, quantity) VALUES (?, ?, ?)");
    for (const auto& [type, quantity] : scale) {
      q.bind(1, id);
      q.bind(2, type);
      q.bind(3, quantity);
      q.exec();
      q.reset();
    }
    return Status::Ok();
  });
}

// ---- properties -----------------------------------------------------------

Result<std::optional<std::string>> SqliteStore::GetProperty(std::string_view plugin,
                                                            const Scope& scope,
                                                            std::string_view key) {
  std::optional<std::string> value;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db,
                        "SELECT value FROM properties WHERE plugin = ? AND app_id = ? AND key = ?");
    q.bind(1, std::string(plugin));
    q.bind(2, id);
    q.bind(3, std::string(key));
    if (q.executeStep()) value = q.getColumn(0).getString();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return value;
}

Result<std::map<std::string, std::string>> SqliteStore::ListProperties(std::string_view plugin,
                                                                       const Scope& scope) {
  std::map<std::string, std::string> props;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "SELECT key, value FROM properties WHERE plugin = ? AND app_id = ?");
    q.bind(1, std::string(plugin));
    q.bind(2, id);
    while (q.executeStep()) props.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return props;
}

Status SqliteStore::SetProperty(std::string_view plugin, const Scope& scope, std::string_view key,
                                std::string_view value) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(
        db, "INSERT OR REPLACE INTO properties (plugin, app_id, key, value) VALUES (?, ?, ?, ?)");
    q.bind(1, std::string(plugin));
    q.bind(2, id);
    q.bind(3, std::string(key));
    q.bind(4, std::string(value));
    q.exec();
    return Status::Ok();
  });
}

Status SqliteStore::UnsetProperty(std::string_view plugin, const Scope& scope,
                                  std::string_view key) {
  return Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t id, ScopeId(db, scope));
    SQLite::Statement q(db, "DELETE FROM properties WHERE plugin = ? AND app_id = ? AND key = ?");
    q.bind(1, std::string(plugin));
    q.bind(2, id);
    q.bind(3, std::string(key));
    q.exec();
    return Status::Ok();
  });
}

}  // namespace berth
