#include "core/state/migrations.h"

#include <array>

namespace berth {
namespace {

// app_id 0 stands for the global scope in every scoped table; app rows start at 1.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE apps (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  locked     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE env_vars (
  app_id INTEGER NOT NULL,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (app_id, key)
);
CREATE TABLE domains (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id INTEGER NOT NULL,
  domain TEXT NOT NULL,
  UNIQUE (app_id, domain)
);
CREATE TABLE ports (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id         INTEGER NOT NULL,
  scheme         TEXT NOT NULL,
  host_port      INTEGER NOT NULL,
  container_port INTEGER NOT NULL,
  UNIQUE (app_id, scheme, host_port, container_port)
);
CREATE TABLE formation (
  app_id       INTEGER NOT NULL,
  process_type TEXT NOT NULL,
  quantity     INTEGER NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (app_id, process_type)
);
CREATE TABLE properties (
  plugin TEXT NOT NULL,
  app_id INTEGER NOT NULL,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (plugin, app_id, key)
);
CREATE TABLE ssh_keys (
  name        TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,
  public_key  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
)sql";

// Containers berth started (the shim keeps their live state on disk; this is
// what should exist and run, for ps:restore and ps:retire) and the addresses the
// bridge IPAM handed out.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE containers (
  id           TEXT PRIMARY KEY,
  app_id       INTEGER NOT NULL,
  process_type TEXT NOT NULL,
  instance     INTEGER NOT NULL,
  release      INTEGER,
  desired      TEXT NOT NULL DEFAULT 'running',
  spec         TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX containers_by_app ON containers (app_id);
CREATE TABLE ip_addresses (
  network      TEXT NOT NULL,
  address      TEXT NOT NULL,
  container_id TEXT NOT NULL UNIQUE,
  PRIMARY KEY (network, address)
);
)sql";

// Releases (what each deploy, rollback or config change made) and builds (with
// the path of their full output).
constexpr std::string_view kV3 = R"sql(
CREATE TABLE releases (
  app_id        INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  description   TEXT NOT NULL,
  git_rev       TEXT NOT NULL,
  slug_digest   TEXT NOT NULL,
  builder       TEXT NOT NULL,
  buildpacks    TEXT NOT NULL,
  process_types TEXT NOT NULL,
  config        TEXT NOT NULL,
  PRIMARY KEY (app_id, version)
);
CREATE TABLE builds (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id      INTEGER NOT NULL,
  git_rev     TEXT NOT NULL,
  source      TEXT NOT NULL,
  status      TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0,
  log_path    TEXT NOT NULL
);
CREATE INDEX builds_by_app ON builds (app_id);
)sql";

// Access control: a key is an admin or uses the apps on its ACL. Keys added
// before this migration become admins, so upgrading locks nobody out; keys
// added later are not admins unless added with --admin.
constexpr std::string_view kV4 = R"sql(
ALTER TABLE ssh_keys ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
UPDATE ssh_keys SET admin = 1;
CREATE TABLE app_access (
  app_id   INTEGER NOT NULL,
  key_name TEXT NOT NULL,
  PRIMARY KEY (app_id, key_name)
);
CREATE INDEX app_access_by_key ON app_access (key_name);
)sql";

constexpr std::array<std::string_view, 4> kMigrations = {kV1, kV2, kV3, kV4};

}  // namespace

std::span<const std::string_view> SchemaMigrations() { return kMigrations; }

}  // namespace berth
