// The command table. Each command family (apps, config, ...) lives in its own
// file and registers its commands here; a handler parses nothing itself beyond
// its positional arguments and calls into the core.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/output.h"
#include "core/base/process.h"
#include "core/base/status.h"
#include "core/plugins/plugin_host.h"
#include "core/runtime/container_runtime.h"
#include "core/state/store.h"

namespace berth {

// Facts about this invocation that commands may need.
struct Environment {
  std::string root;              // BERTH_ROOT
  std::string berth_bin;         // absolute path of the berth executable
  std::string share_dir;         // bundled plugins, hooks, templates
  std::string authorized_keys;   // $BERTH_AUTHORIZED_KEYS; empty: ~berth/.ssh/authorized_keys
  bool stdin_is_tty = false;
  bool via_ssh = false;          // reached through `berth ssh-dispatch`
  std::string ssh_user;          // the unix user (SSH_USER for user-auth)
  std::string key_name = "default";  // the ssh key that connected (SSH_NAME)
  std::string key_fingerprint;
  bool root_is_default = true;   // BERTH_ROOT is /var/lib/berth
  bool is_root = false;          // running as uid 0 (containers need it)
};

// Parsed arguments of one command: positionals in order, flags by name
// (without the leading dashes; a flag without a value maps to "").
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;          // the last value of each flag
  std::map<std::string, std::vector<std::string>> repeated;  // every value, in order

  bool Has(std::string_view flag) const { return flags.contains(std::string(flag)); }
  // Every value given for a repeatable flag (--env A=1 --env B=2), in order.
  std::vector<std::string> Values(std::string_view flag) const {
    auto it = repeated.find(std::string(flag));
    return it == repeated.end() ? std::vector<std::string>{} : it->second;
  }
  std::string Flag(std::string_view flag, std::string fallback = "") const {
    auto it = flags.find(std::string(flag));
    return it == flags.end() ? fallback : it->second;
  }
};

struct Context {
  Store* store;  // null for commands that declare needs_store = false
  PluginHost& plugins;
  ProcessRunner& runner;
  Output& out;
  std::istream& in;
  const Environment& env;
  ContainerRuntime& runtime;  // runs the app's containers
};

// A null handler marks a command that runs in the berth-pipeline executable
// (see pipeline.h): `berth` forwards it there.
using Handler = Status (*)(Context& ctx, const Args& args);

struct FlagSpec {
  std::string_view name;  // without dashes
  bool takes_value = false;
};

// Who may run a command over ssh with a key that is not an admin; admin keys
// and local runs may run everything (docs/access-control.md has the table).
enum class KeyAccess {
  kAppKeys,   // keys on the ACL of the app named by the first positional; with
              // no app, --global or --all: admin keys only. Without takes_app: admins only.
  kCreator,   // as kAppKeys, and any key when the app does not exist yet: it
              // creates the app and the key is put on its ACL (apps:create, a first push)
  kEveryKey,  // every key (help, version; apps:list shows only the key's apps)
  kAdmin,     // admin keys only, though the first positional may look like an app
};

struct CommandSpec {
  std::string_view name;     // "apps:create"
  std::string_view usage;    // "apps:create APP"
  std::string_view summary;  // one line for help
  Handler handler = nullptr;
  std::vector<FlagSpec> flags = {};
  bool any_flag = false;      // reports: accept --<key> for any key
  bool takes_app = true;      // first positional is an app (so --app APP fills it)
  bool host_only = false;     // changes the host: refused over ssh
  bool needs_store = true;
  bool redact_values = false; // K=V arguments are secrets: logged as K=<redacted>
  // After the app, the first non-flag word starts a command line that is passed
  // on verbatim (`run APP ls --all`): its --words are not berth's flags.
  bool rest_is_command = false;
  bool hidden = false;        // internal (git transports, the git hook): not in help
  KeyAccess access = KeyAccess::kAppKeys;  // over ssh, for keys that are not admins
};

struct CommandFamily {
  std::string_view name;     // "apps"
  std::string_view summary;  // one line for `berth help`
  std::vector<CommandSpec> commands;
};

class CommandRegistry {
 public:
  void Add(CommandFamily family);
  const CommandSpec* Find(std::string_view name) const;
  const CommandFamily* FindFamily(std::string_view name) const;
  const std::vector<CommandFamily>& families() const { return families_; }

 private:
  std::vector<CommandFamily> families_;
};

// Each family's file defines one of these; BuiltinCommands() calls them all.
void RegisterAppsCommands(CommandRegistry& registry);
void RegisterAclCommands(CommandRegistry& registry);
void RegisterConfigCommands(CommandRegistry& registry);
void RegisterDomainsCommands(CommandRegistry& registry);
void RegisterPortsCommands(CommandRegistry& registry);
void RegisterPsCommands(CommandRegistry& registry);
void RegisterSshKeysCommands(CommandRegistry& registry);
void RegisterPluginCommands(CommandRegistry& registry);
void RegisterStacksCommands(CommandRegistry& registry);
void RegisterRunCommands(CommandRegistry& registry);
void RegisterEnterCommands(CommandRegistry& registry);
void RegisterLogsCommands(CommandRegistry& registry);
void RegisterResourceCommands(CommandRegistry& registry);
void RegisterStorageCommands(CommandRegistry& registry);
void RegisterNetworkCommands(CommandRegistry& registry);
void RegisterCoreCommands(CommandRegistry& registry);  // help, version, report
void RegisterGitCommands(CommandRegistry& registry);   // git transports, git-hook, git:*
void RegisterBuildCommands(CommandRegistry& registry);  // builds:*, buildpacks:*, builder:*
void RegisterReleasesCommands(CommandRegistry& registry);
void RegisterRepoCommands(CommandRegistry& registry);
void RegisterProxyCommands(CommandRegistry& registry);  // proxy:*, nginx:*, haproxy:*
void RegisterCertsCommands(CommandRegistry& registry);
void RegisterChecksCommands(CommandRegistry& registry);
void RegisterCronHelperCommands(CommandRegistry& registry);  // hidden, for plugins/cron

const CommandRegistry& BuiltinCommands();

}  // namespace berth
