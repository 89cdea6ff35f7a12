// SqliteStore: the containers table (schema v2).
#include <SQLiteCpp/SQLiteCpp.h>

#include <ctime>

#include "core/state/sqlite_store.h"

namespace berth {
namespace {

ContainerRecord RowToContainer(SQLite::Statement& q) {
  ContainerRecord c;
  c.id = q.getColumn(0).getString();
  c.app = q.getColumn(1).getString();
  c.process_type = q.getColumn(2).getString();
  c.instance = q.getColumn(3).getInt();
  c.desired = q.getColumn(4).getString();
  c.spec = q.getColumn(5).getString();
  c.created_at = q.getColumn(6).getInt64();
  return c;
}

}  // namespace

Status SqliteStore::AddContainer(const ContainerRecord& container) {
  return Write([&](SQLite::Database& db) {
    SQLite::Statement app(db, "SELECT id FROM apps WHERE name = ?");
    app.bind(1, container.app);
    if (!app.executeStep()) return AppNotFound(container.app);
    int64_t app_id = app.getColumn(0).getInt64();
    SQLite::Statement exists(db, "SELECT 1 FROM containers WHERE id = ?");
    exists.bind(1, container.id);
    if (exists.executeStep()) return AlreadyExists("A container named " + container.id + " exists");
    SQLite::Statement q(db,
                        "INSERT INTO containers (id, app_id, process_type, instance, desired, "
                        "spec, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, container.id);
    q.bind(2, app_id);
    q.bind(3, container.process_type);
    q.bind(4, container.instance);
    q.bind(5, container.desired);
    q.bind(6, container.spec);
    q.bind(7, container.created_at != 0 ? container.created_at
                                        : static_cast<int64_t>(std::time(nullptr)));
    q.exec();
    return Status::Ok();
  });
}

Status SqliteStore::RemoveContainer(std::string_view id) {
  return Write([&](SQLite::Database& db) {
    SQLite::Statement q(db, "DELETE FROM containers WHERE id = ?");
    q.bind(1, std::string(id));
    q.exec();
    return Status::Ok();
  });
}

Result<std::vector<ContainerRecord>> SqliteStore::ListContainers(std::string_view app) {
  std::vector<ContainerRecord> out;
  Status s = Read([&](SQLite::Database& db) {
    std::string sql =
        "SELECT c.id, a.name, c.process_type, c.instance, c.desired, c.spec, c.created_at "
        "FROM containers c JOIN apps a ON a.id = c.app_id";
    if (!app.empty()) sql += " WHERE a.name = ?";
    SQLite::Statement q(db, sql + " ORDER BY c.id");
    if (!app.empty()) q.bind(1, std::string(app));
    while (q.executeStep()) out.push_back(RowToContainer(q));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::SetContainerDesired(std::string_view id, std::string_view desired) {
  return Write([&](SQLite::Database& db) {
    SQLite::Statement q(db, "UPDATE containers SET desired = ? WHERE id = ?");
    q.bind(1, std::string(desired));
    q.bind(2, std::string(id));
    if (q.exec() == 0) return NotFound("No container " + std::string(id));
    return Status::Ok();
  });
}

}  // namespace berth
