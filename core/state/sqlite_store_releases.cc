// SqliteStore: releases and builds (schema v3). Lists and maps are stored as
// JSON text columns.
#include <SQLiteCpp/SQLiteCpp.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/state/sqlite_store.h"

namespace berth {
namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

Result<int64_t> LookUpApp(SQLite::Database& db, std::string_view app) {
  SQLite::Statement q(db, "SELECT id FROM apps WHERE name = ?");
  q.bind(1, std::string(app));
  if (!q.executeStep()) return AppNotFound(app);
  return q.getColumn(0).getInt64();
}

template <typename T>
T FromJson(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return T{};
  try {
    return parsed.get<T>();
  } catch (const nlohmann::json::exception&) {
    return T{};
  }
}

constexpr char kReleaseColumns[] =
    "version, created_at, description, git_rev, slug_digest, builder, buildpacks, "
    "process_types, config";

ReleaseRecord RowToRelease(SQLite::Statement& q) {
  ReleaseRecord r;
  r.version = q.getColumn(0).getInt();
  r.created_at = q.getColumn(1).getInt64();
  r.description = q.getColumn(2).getString();
  r.git_rev = q.getColumn(3).getString();
  r.slug_digest = q.getColumn(4).getString();
  r.builder = q.getColumn(5).getString();
  r.buildpacks = FromJson<std::vector<std::string>>(q.getColumn(6).getString());
  r.process_types = FromJson<std::map<std::string, std::string>>(q.getColumn(7).getString());
  r.config = FromJson<EnvMap>(q.getColumn(8).getString());
  return r;
}

BuildRecord RowToBuild(SQLite::Statement& q) {
  BuildRecord b;
  b.id = q.getColumn(0).getInt64();
  b.app = q.getColumn(1).getString();
  b.git_rev = q.getColumn(2).getString();
  b.source = q.getColumn(3).getString();
  b.status = q.getColumn(4).getString();
  b.started_at = q.getColumn(5).getInt64();
  b.finished_at = q.getColumn(6).getInt64();
  b.log_path = q.getColumn(7).getString();
  return b;
}

}  // namespace

Result<int> SqliteStore::AddRelease(std::string_view app, const ReleaseRecord& release) {
  int version = 0;
  Status s = Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t app_id, LookUpApp(db, app));
    SQLite::Statement last(db, "SELECT COALESCE(MAX(version), 0) FROM releases WHERE app_id = ?");
    last.bind(1, app_id);
    last.executeStep();
    version = last.getColumn(0).getInt() + 1;
    SQLite::Statement q(db, std::string("INSERT INTO releases (app_id, ") + kReleaseColumns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, app_id);
    q.bind(2, version);
    q.bind(3, release.created_at != 0 ? release.created_at : Now());
    q.bind(4, release.description);
    q.bind(5, release.git_rev);
    q.bind(6, release.slug_digest);
    q.bind(7, release.builder);
    q.bind(8, nlohmann::json(release.buildpacks).dump());
    q.bind(9, nlohmann::json(release.process_types).dump());
    q.bind(10, nlohmann::json(release.config).dump());
    q.exec();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return version;
}

Result<std::vector<ReleaseRecord>> SqliteStore::ListReleases(std::string_view app) {
  std::vector<ReleaseRecord> out;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t app_id, LookUpApp(db, app));
    SQLite::Statement q(db, std::string("SELECT ") + kReleaseColumns +
                                " FROM releases WHERE app_id = ? ORDER BY version DESC");
    q.bind(1, app_id);
    while (q.executeStep()) out.push_back(RowToRelease(q));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<ReleaseRecord> SqliteStore::GetRelease(std::string_view app, int version) {
  ReleaseRecord out;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t app_id, LookUpApp(db, app));
    SQLite::Statement q(db, std::string("SELECT ") + kReleaseColumns +
                                " FROM releases WHERE app_id = ? AND version = ?");
    q.bind(1, app_id);
    q.bind(2, version);
    if (!q.executeStep()) {
      return NotFound(std::string(app) + " has no release v" + std::to_string(version) +
                      "; see `berth releases " + std::string(app) + "`");
    }
    out = RowToRelease(q);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> SqliteStore::StartBuild(const BuildRecord& build) {
  int64_t id = 0;
  Status s = Write([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t app_id, LookUpApp(db, build.app));
    SQLite::Statement q(db,
                        "INSERT INTO builds (app_id, git_rev, source, status, started_at, "
                        "log_path) VALUES (?, ?, ?, 'running', ?, ?)");
    q.bind(1, app_id);
    q.bind(2, build.git_rev);
    q.bind(3, build.source);
    q.bind(4, build.started_at != 0 ? build.started_at : Now());
    q.bind(5, build.log_path);
    q.exec();
    id = db.getLastInsertRowid();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return id;
}

Status SqliteStore::FinishBuild(int64_t id, std::string_view status) {
  return Write([&](SQLite::Database& db) {
    SQLite::Statement q(db, "UPDATE builds SET status = ?, finished_at = ? WHERE id = ?");
    q.bind(1, std::string(status));
    q.bind(2, Now());
    q.bind(3, id);
    if (q.exec() == 0) return NotFound("No build " + std::to_string(id));
    return Status::Ok();
  });
}

Result<std::vector<BuildRecord>> SqliteStore::ListBuilds(std::string_view app) {
  std::vector<BuildRecord> out;
  Status s = Read([&](SQLite::Database& db) {
    BERTH_ASSIGN_OR_RETURN(int64_t app_id, LookUpApp(db, app));
    SQLite::Statement q(db,
                        "SELECT b.id, a.name, b.git_rev, b.source, b.status, b.started_at, "
                        "b.finished_at, b.log_path FROM builds b JOIN apps a ON a.id = b.app_id "
                        "WHERE b.app_id = ? ORDER BY b.id DESC");
    q.bind(1, app_id);
    while (q.executeStep()) out.push_back(RowToBuild(q));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace berth
