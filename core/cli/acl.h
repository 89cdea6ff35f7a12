// Access control over ssh: which key may run which command (the table in
// docs/access-control.md). Admin keys and local runs (root on the host) may run
// everything; any other key only app-scoped commands on the apps on its ACL.
// The rule lives in the command table (CommandSpec::access); this file reads it.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/cli/command.h"

namespace berth {

// What one ssh key may do.
struct KeyRights {
  std::string name;
  bool admin = false;
  std::set<std::string, std::less<>> apps;  // the apps whose ACL holds the key
};

// The rule, without state. `spec` is null for commands not in the table (plugin
// commands, family help); their `args` are the words after the command.
// `app_exists` is asked only for kCreator commands. Ok, or kPermissionDenied
// with a message that does not tell whether an app exists.
Status DecideAccess(const KeyRights& key, std::string_view command, const CommandSpec* spec,
                    const Args& args, const std::function<bool(const std::string&)>& app_exists);

// The rights of the key named `key_name`; a key berth does not know has none.
Result<KeyRights> LoadKeyRights(Store& store, std::string_view key_name);

// berth's own user-auth check: Ok for local runs, else DecideAccess for the
// connected key (env.key_name) with its rights from the store.
Status CheckKeyAccess(const Environment& env, Store& store, std::string_view command,
                      const CommandSpec* spec, const Args& args);

// The creator owns its app: over ssh, puts the connected key on the ACL of
// `app`, just made by apps:create or a first push, before post-create fires.
// A key berth does not list (an authorized_keys line added by hand) owns nothing.
Status GrantCreatorAccess(const Environment& env, Store& store, const std::string& app);

// The apps the acting key may list: nullopt (all of them) for local runs and
// admin keys.
Result<std::optional<std::set<std::string, std::less<>>>> VisibleApps(const Environment& env,
                                                                      Store& store);

}  // namespace berth
