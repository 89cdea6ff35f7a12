#include "core/cli/acl.h"

#include "core/cli/ssh_dispatch.h"

namespace berth {
namespace {

// A user-typed word as a message may show it: short, printable, no backticks.
std::string Printable(std::string_view word) {
  std::string text(word.substr(0, 60));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '`' || c == 0x7f) c = '?';
  }
  return text;
}

std::string Quoted(std::string_view word) { return "`" + Printable(word) + "`"; }

// Git transports name the repository as git sends it: "/myapp.git" is myapp.
std::string AppOfWord(std::string_view command, std::string word) {
  if (!IsGitTransport({std::string(command)})) return word;
  while (word.starts_with("/")) word.erase(0, 1);
  if (word.ends_with(".git")) word.resize(word.size() - 4);
  return word;
}

Status AdminOnly(const KeyRights& key, std::string_view command, std::string_view why) {
  return PermissionDenied("The key " + Quoted(key.name) + " may not run " + Quoted(command) +
                          std::string(why) +
                          ": that is for admin keys. An admin key or root on the host can run "
                          "it, or make this key an admin: berth ssh-keys:set " +
                          key.name + " admin true");
}

Status NoAccess(const KeyRights& key, const std::string& app) {
  return PermissionDenied("The key " + Quoted(key.name) + " has no access to app " + Quoted(app) +
                          ". An admin can grant it: berth acl:add " + Printable(app) + " " +
                          key.name);
}

// Commands not in the table: family help (no `:`, or `x:help`) is for everyone;
// a plugin command for the keys of the app in its first argument, else admins.
Status DecideUnlisted(const KeyRights& key, std::string_view command, const Args& args) {
  if (command.find(':') == std::string_view::npos || command.ends_with(":help")) {
    return Status::Ok();
  }
  if (!args.positional.empty() && key.apps.contains(args.positional[0])) return Status::Ok();
  return AdminOnly(key, command, " without an app the key has access to as its first argument");
}

}  // namespace

Status DecideAccess(const KeyRights& key, std::string_view command, const CommandSpec* spec,
                    const Args& args, const std::function<bool(const std::string&)>& app_exists) {
  if (key.admin) return Status::Ok();
  if (spec == nullptr) return DecideUnlisted(key, command, args);
  // Refused over ssh for every key, after the plugins' user-auth has seen it.
  if (spec->host_only) return Status::Ok();
  switch (spec->access) {
    case KeyAccess::kEveryKey:
      return Status::Ok();
    case KeyAccess::kAdmin:
      return AdminOnly(key, command, "");
    case KeyAccess::kAppKeys:
    case KeyAccess::kCreator:
      break;
  }
  if (!spec->takes_app) return AdminOnly(key, command, "");
  if (args.Has("global")) return AdminOnly(key, command, " with --global");
  if (args.Has("all")) return AdminOnly(key, command, " with --all");
  if (args.positional.empty()) return AdminOnly(key, command, " without an app");
  std::string app = AppOfWord(command, args.positional[0]);
  if (key.apps.contains(app)) return Status::Ok();
  if (spec->access == KeyAccess::kCreator && !app_exists(app)) return Status::Ok();
  return NoAccess(key, app);
}

Result<KeyRights> LoadKeyRights(Store& store, std::string_view key_name) {
  KeyRights rights;
  rights.name = std::string(key_name);
  BERTH_ASSIGN_OR_RETURN(auto keys, store.ListSshKeys());
  bool known = false;
  for (const SshKeyRecord& k : keys) {
    if (k.name != key_name) continue;
    known = true;
    rights.admin = k.admin;
  }
  if (!known) return rights;
  BERTH_ASSIGN_OR_RETURN(auto apps, store.KeyApps(key_name));
  rights.apps.insert(apps.begin(), apps.end());
  return rights;
}

Status CheckKeyAccess(const Environment& env, Store& store, std::string_view command,
                      const CommandSpec* spec, const Args& args) {
  if (!env.via_ssh) return Status::Ok();
  BERTH_ASSIGN_OR_RETURN(KeyRights rights, LoadKeyRights(store, env.key_name));
  auto app_exists = [&](const std::string& app) {
    return store.GetApp(app).status().code() != StatusCode::kAppNotFound;
  };
  return DecideAccess(rights, command, spec, args, app_exists);
}

Result<std::optional<std::set<std::string, std::less<>>>> VisibleApps(const Environment& env,
                                                                      Store& store) {
  using Apps = std::optional<std::set<std::string, std::less<>>>;
  if (!env.via_ssh) return Apps();
  BERTH_ASSIGN_OR_RETURN(KeyRights rights, LoadKeyRights(store, env.key_name));
  if (rights.admin) return Apps();
  return Apps(std::move(rights.apps));
}

Status GrantCreatorAccess(const Environment& env, Store& store, const std::string& app) {
  if (!env.via_ssh) return Status::Ok();
  Status granted = store.GrantAppAccess(app, env.key_name);
  if (granted.ok() || granted.code() == StatusCode::kNotFound) return Status::Ok();
  return Status(granted.code(), "Created " + app + " but could not give the key " + env.key_name +
                                    " access to it: " + granted.message() +
                                    ". An admin can: berth acl:add " + app + " " + env.key_name);
}

}  // namespace berth
