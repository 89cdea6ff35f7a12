// SqliteStore: the Store in $BERTH_ROOT/berth.db (SQLite, WAL, busy timeout,
// forward migrations applied on open).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/state/store.h"

namespace SQLite {
class Database;
}

namespace berth {

class SqliteStore : public Store {
 public:
  // Opens (creating if needed) the database at `path` and migrates it to the
  // newest schema. Fails when the file is from a newer berth or unreadable.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;

  // The schema version this build writes; tests check migrations reach it.
  static int LatestSchemaVersion();
  Result<int> SchemaVersion();

  Status CreateApp(std::string_view name) override;
  Result<AppRecord> GetApp(std::string_view name) override;
  Result<std::vector<AppRecord>> ListApps() override;
  Status DestroyApp(std::string_view name) override;
  Status RenameApp(std::string_view from, std::string_view to) override;
  Status SetAppLocked(std::string_view name, bool locked) override;

  Result<EnvMap> GetEnv(const Scope& scope) override;
  Status SetEnv(const Scope& scope, const EnvMap& vars) override;
  Status UnsetEnv(const Scope& scope, const std::vector<std::string>& keys) override;
  Status ClearEnv(const Scope& scope) override;

  Result<std::vector<std::string>> GetDomains(const Scope& scope) override;
  Status AddDomains(const Scope& scope, const std::vector<std::string>& domains) override;
  Status RemoveDomains(const Scope& scope, const std::vector<std::string>& domains) override;
  Status SetDomains(const Scope& scope, const std::vector<std::string>& domains) override;

  Result<std::vector<PortMapping>> GetPorts(std::string_view app) override;
  Status AddPorts(std::string_view app, const std::vector<PortMapping>& ports) override;
  Status RemovePorts(std::string_view app, const std::vector<PortMapping>& ports) override;
  Status SetPorts(std::string_view app, const std::vector<PortMapping>& ports) override;

  Result<std::map<std::string, int>> GetFormation(std::string_view app) override;
  Status SetFormation(std::string_view app, const std::map<std::string, int>& scale) override;

  Result<std::optional<std::string>> GetProperty(std::string_view plugin, const Scope& scope,
                                                 std::string_view key) override;
  Result<std::map<std::string, std::string>> ListProperties(std::string_view plugin,
                                                            const Scope& scope) override;
  Status SetProperty(std::string_view plugin, const Scope& scope, std::string_view key,
                     std::string_view value) override;
  Status UnsetProperty(std::string_view plugin, const Scope& scope, std::string_view key) override;
  // In sqlite_store_keys.cc.
  Result<std::vector<SshKeyRecord>> ListSshKeys() override;
  Status AddSshKey(const SshKeyRecord& key) override;
  Status RemoveSshKey(std::string_view name) override;
  Status SetSshKeyAdmin(std::string_view name, bool admin) override;
  Status GrantAppAccess(std::string_view app, std::string_view key) override;
  Status RevokeAppAccess(std::string_view app, std::string_view key) override;
  Result<std::vector<std::string>> AppAccessKeys(std::string_view app) override;
  Result<std::vector<std::string>> KeyApps(std::string_view key) override;

  // In sqlite_store_network.cc.
  Result<std::string> AllocateAddress(std::string_view network, std::string_view subnet,
                                      std::string_view container_id) override;
  Status ReleaseAddress(std::string_view container_id) override;
  Result<std::vector<AddressRecord>> ListAddresses(std::string_view network) override;

  // In sqlite_store_containers.cc.
  Status AddContainer(const ContainerRecord& container) override;
  Status RemoveContainer(std::string_view id) override;
  Result<std::vector<ContainerRecord>> ListContainers(std::string_view app) override;
  Status SetContainerDesired(std::string_view id, std::string_view desired) override;

  // In sqlite_store_releases.cc.
  Result<int> AddRelease(std::string_view app, const ReleaseRecord& release) override;
  Result<std::vector<ReleaseRecord>> ListReleases(std::string_view app) override;
  Result<ReleaseRecord> GetRelease(std::string_view app, int version) override;
  Result<int64_t> StartBuild(const BuildRecord& build) override;
  Status FinishBuild(int64_t id, std::string_view status) override;
  Result<std::vector<BuildRecord>> ListBuilds(std::string_view app) override;

 private:
  explicit SqliteStore(std::unique_ptr<SQLite::Database> db);
  Status Migrate();
  // Runs `fn` inside BEGIN IMMEDIATE ... COMMIT; rolls back on error or throw.
  Status Write(const std::function<Status(SQLite::Database&)>& fn);
  // Runs `fn` and turns SQLite exceptions into a Status.
  Status Read(const std::function<Status(SQLite::Database&)>& fn);

  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace berth
