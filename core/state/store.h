// Store: berth's state (apps, config, domains, ports, formation, properties,
// ssh keys). Every mutating call is one transaction: it applies whole or not at
// all, and concurrent berth processes never lose each other's writes.
//
// A `Scope` is an app name, or kGlobal for host-wide settings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct Scope {
  std::string app;  // empty: global
  static Scope Global() { return {}; }
  static Scope App(std::string name) { return {std::move(name)}; }
  bool global() const { return app.empty(); }
};

struct AppRecord {
  std::string name;
  int64_t created_at = 0;  // unix seconds
  bool locked = false;
};

struct PortMapping {
  std::string scheme;  // http, https, tcp
  int host_port = 0;
  int container_port = 0;
  std::string ToString() const;
  bool operator==(const PortMapping&) const = default;
};

struct SshKeyRecord {
  std::string name;
  std::string fingerprint;  // SHA256:...
  std::string public_key;   // "type base64" without options or comment
  bool admin = false;        // may run every command; otherwise only on apps on its ACL
};

using EnvMap = std::map<std::string, std::string>;

// An IPv4 address handed to a container on one of berth's networks.
struct AddressRecord {
  std::string network;  // "berth0"
  std::string address;  // "10.210.0.2"
  std::string container_id;
  bool operator==(const AddressRecord&) const = default;
};

// A container berth started: what should exist and whether it should run. The
// shim keeps the live state on disk; this is what ps:retire and ps:restore use.
struct ContainerRecord {
  std::string id;
  std::string app;
  std::string process_type;  // web, worker, run
  int instance = 0;          // the N of TYPE.N
  std::string desired = "running";  // running | stopped
  std::string spec;          // the ContainerSpec as JSON, to start it again
  int64_t created_at = 0;    // unix seconds
};

// One release of an app: what runs (slug, process types) and with which config.
// Versions count up from 1 per app; the newest release is the current one.
struct ReleaseRecord {
  int version = 0;           // the N of vN, assigned by AddRelease
  int64_t created_at = 0;    // unix seconds
  std::string description;   // "Deploy 3f2c1a0", "Rollback to v3"
  std::string git_rev;       // the deployed commit (or archive digest)
  std::string slug_digest;   // slugs/DIGEST.tar.zst
  std::string builder;       // herokuish, null
  std::vector<std::string> buildpacks;         // names, in the order they ran
  std::map<std::string, std::string> process_types;  // type -> command
  EnvMap config;             // the app's config vars when the release was made
};

// One build of an app and where its full output is kept.
struct BuildRecord {
  int64_t id = 0;
  std::string app;
  std::string git_rev;
  std::string source;        // git, archive, sync, rebuild
  std::string status;        // running, succeeded, failed
  int64_t started_at = 0;    // unix seconds
  int64_t finished_at = 0;   // 0 while running
  std::string log_path;
};

class Store {
 public:
  virtual ~Store() = default;

  // Apps. Errors: kAlreadyExists on create, kAppNotFound otherwise.
  virtual Status CreateApp(std::string_view name) = 0;
  virtual Result<AppRecord> GetApp(std::string_view name) = 0;
  virtual Result<std::vector<AppRecord>> ListApps() = 0;
  // Removes the app and everything scoped to it.
  virtual Status DestroyApp(std::string_view name) = 0;
  virtual Status RenameApp(std::string_view from, std::string_view to) = 0;
  virtual Status SetAppLocked(std::string_view name, bool locked) = 0;

  // Config vars. Set and Unset apply all their keys in one transaction.
  virtual Result<EnvMap> GetEnv(const Scope& scope) = 0;
  virtual Status SetEnv(const Scope& scope, const EnvMap& vars) = 0;
  virtual Status UnsetEnv(const Scope& scope, const std::vector<std::string>& keys) = 0;
  virtual Status ClearEnv(const Scope& scope) = 0;

  // Domains, kept in the order they were added.
  virtual Result<std::vector<std::string>> GetDomains(const Scope& scope) = 0;
  virtual Status AddDomains(const Scope& scope, const std::vector<std::string>& domains) = 0;
  virtual Status RemoveDomains(const Scope& scope, const std::vector<std::string>& domains) = 0;
  // Replaces the whole list (an empty list clears it).
  virtual Status SetDomains(const Scope& scope, const std::vector<std::string>& domains) = 0;

  // Port mappings of an app.
  virtual Result<std::vector<PortMapping>> GetPorts(std::string_view app) = 0;
  virtual Status AddPorts(std::string_view app, const std::vector<PortMapping>& ports) = 0;
  virtual Status RemovePorts(std::string_view app, const std::vector<PortMapping>& ports) = 0;
  virtual Status SetPorts(std::string_view app, const std::vector<PortMapping>& ports) = 0;

  // Formation: process type -> quantity. Set merges the given types.
  virtual Result<std::map<std::string, int>> GetFormation(std::string_view app) = 0;
  virtual Status SetFormation(std::string_view app, const std::map<std::string, int>& scale) = 0;

  // Plugin properties: (plugin, scope, key) -> value, like Dokku's property files.
  virtual Result<std::optional<std::string>> GetProperty(std::string_view plugin,
                                                         const Scope& scope,
                                                         std::string_view key) = 0;
  virtual Result<std::map<std::string, std::string>> ListProperties(std::string_view plugin,
                                                                    const Scope& scope) = 0;
  virtual Status SetProperty(std::string_view plugin, const Scope& scope, std::string_view key,
                             std::string_view value) = 0;
  virtual Status UnsetProperty(std::string_view plugin, const Scope& scope,
                               std::string_view key) = 0;

  // SSH keys. Names and fingerprints are unique. Removing a key removes its
  // access to every app. SetSshKeyAdmin: kNotFound for an unknown key.
  virtual Result<std::vector<SshKeyRecord>> ListSshKeys() = 0;
  virtual Status AddSshKey(const SshKeyRecord& key) = 0;
  virtual Status RemoveSshKey(std::string_view name) = 0;
  virtual Status SetSshKeyAdmin(std::string_view name, bool admin) = 0;

  // Per-app access (the ACL) of non-admin keys. Grant: kAppNotFound, kNotFound
  // for an unknown key; granting twice is not an error. Revoke: kNotFound when
  // the key had no access. AppAccessKeys: the app's keys by name (kAppNotFound);
  // KeyApps: the apps a key may use, by name. Destroying an app drops its rows;
  // renaming keeps them.
  virtual Status GrantAppAccess(std::string_view app, std::string_view key) = 0;
  virtual Status RevokeAppAccess(std::string_view app, std::string_view key) = 0;
  virtual Result<std::vector<std::string>> AppAccessKeys(std::string_view app) = 0;
  virtual Result<std::vector<std::string>> KeyApps(std::string_view key) = 0;

  // IP addresses (IPAM). Allocate gives the container the lowest free address
  // of `subnet` (CIDR) on `network`, never the network, gateway (first host) or
  // broadcast address; kAlreadyExists when the container holds an address,
  // kFailedPrecondition when the subnet is full. Release of a container
  // without an address is not an error. List: one network's (all when empty).
  virtual Result<std::string> AllocateAddress(std::string_view network, std::string_view subnet,
                                              std::string_view container_id) = 0;
  virtual Status ReleaseAddress(std::string_view container_id) = 0;
  virtual Result<std::vector<AddressRecord>> ListAddresses(std::string_view network) = 0;

  // Containers. Add: kAppNotFound, kAlreadyExists for a taken id. Remove of an
  // unknown id is not an error. List: an app's (all apps' when `app` is empty),
  // by id. SetContainerDesired: kNotFound for an unknown id.
  virtual Status AddContainer(const ContainerRecord& container) = 0;
  virtual Status RemoveContainer(std::string_view id) = 0;
  virtual Result<std::vector<ContainerRecord>> ListContainers(std::string_view app) = 0;
  virtual Status SetContainerDesired(std::string_view id, std::string_view desired) = 0;

  // Releases. AddRelease assigns the next version and returns it (kAppNotFound).
  // List: newest first. Get: kNotFound for an unknown version.
  virtual Result<int> AddRelease(std::string_view app, const ReleaseRecord& release) = 0;
  virtual Result<std::vector<ReleaseRecord>> ListReleases(std::string_view app) = 0;
  virtual Result<ReleaseRecord> GetRelease(std::string_view app, int version) = 0;

  // Builds. StartBuild records a running build and returns its id; FinishBuild
  // sets its final status. List: newest first.
  virtual Result<int64_t> StartBuild(const BuildRecord& build) = 0;
  virtual Status FinishBuild(int64_t id, std::string_view status) = 0;
  virtual Result<std::vector<BuildRecord>> ListBuilds(std::string_view app) = 0;
};

}  // namespace berth
