#include "core/cli/dispatcher.h"

#include "core/base/files.h"
#include "core/cli/acl.h"
#include "core/cli/help.h"
#include "core/plugins/trigger_catalogue.h"
#include "core/state/sqlite_store.h"

namespace berth {
namespace {

// "--name=value" -> ("name", "value"); "--name" -> ("name", nullopt).
std::pair<std::string, std::optional<std::string>> SplitFlag(const std::string& word) {
  std::string body = word.substr(2);
  size_t eq = body.find('=');
  if (eq == std::string::npos) return {body, std::nullopt};
  return {body.substr(0, eq), body.substr(eq + 1)};
}

const FlagSpec* FindFlag(const CommandSpec& spec, std::string_view name) {
  for (const auto& f : spec.flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

Result<GlobalFlags> ParseGlobalFlags(std::vector<std::string>& words, bool allow_root) {
  GlobalFlags globals;
  size_t i = 0;
  for (; i < words.size() && words[i].starts_with("--"); ++i) {
    auto [name, value] = SplitFlag(words[i]);
    auto take_value = [&]() -> Result<std::string> {
      if (value) return *value;
      if (i + 1 >= words.size()) return InvalidArgument("--" + name + " needs a value");
      return words[++i];
    };
    if (name == "quiet") {
      globals.quiet = true;
    } else if (name == "trace") {
      globals.trace = true;
    } else if (name == "force") {
      globals.force = true;
    } else if (name == "app") {
      BERTH_ASSIGN_OR_RETURN(globals.app, take_value());
    } else if (name == "root" && allow_root) {
      BERTH_ASSIGN_OR_RETURN(globals.root, take_value());
    } else {
      return InvalidArgument("Unknown global flag --" + name.substr(0, 40));
    }
  }
  words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(i));
  return globals;
}

Result<Args> ParseCommandArgs(const CommandSpec& spec, const std::vector<std::string>& words,
                              const GlobalFlags& globals) {
  Args args;
  bool flags_done = false;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    size_t apps_given = args.positional.size() + (globals.app.empty() ? 0 : 1);
    if (spec.rest_is_command && apps_given >= 1 && !w.starts_with("--")) flags_done = true;
    if (flags_done || !w.starts_with("--") || w == "--") {
      if (w == "--" && !flags_done) {
        flags_done = true;
        continue;
      }
      args.positional.push_back(w);
      continue;
    }
    auto [name, value] = SplitFlag(w);
    const FlagSpec* flag = FindFlag(spec, name);
    if (flag == nullptr && name == "force") {
      args.flags["force"] = "";  // --force is global and may also follow the command
      continue;
    }
    if (flag == nullptr && !spec.any_flag) {
      return InvalidArgument("Unknown flag --" + name.substr(0, 40) + " for " + std::string(spec.name) +
                             "; usage: berth " + std::string(spec.usage));
    }
    if (flag != nullptr && flag->takes_value && !value) {
      if (i + 1 >= words.size()) return InvalidArgument("--" + name + " needs a value");
      value = words[++i];
    }
    if (flag != nullptr && !flag->takes_value && value) {
      return InvalidArgument("--" + name + " takes no value");
    }
    args.flags[name] = value.value_or("");
    args.repeated[name].push_back(value.value_or(""));
  }
  if (globals.force) args.flags["force"] = "";
  if (!globals.app.empty()) {
    if (!spec.takes_app) {
      return InvalidArgument("--app is not accepted by " + std::string(spec.name));
    }
    args.positional.insert(args.positional.begin(), globals.app);
  }
  return args;
}

// "https://user:token@host/x" -> "https://<redacted>@host/x": URLs of git:sync,
// buildpacks and plugins may carry credentials.
std::string RedactUrlCredentials(std::string word) {
  size_t scheme = word.find("://");
  if (scheme == std::string::npos) return word;
  size_t host = scheme + 3;
  size_t at = word.find('@', host);
  if (at == std::string::npos || word.find('/', host) < at) return word;
  return word.substr(0, host) + "<redacted>" + word.substr(at);
}

std::string AuditText(const std::vector<std::string>& words) {
  std::string text;
  const CommandSpec* spec = words.empty() ? nullptr : BuiltinCommands().Find(words[0]);
  bool redact = spec != nullptr && spec->redact_values;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string w = RedactUrlCredentials(words[i]);
    size_t eq = w.find('=');
    if (redact && i > 0 && eq != std::string::npos) {
      // KEY=VALUE, or --flag=KEY=VALUE: the value goes.
      size_t value_eq = w.starts_with("--") ? w.find('=', eq + 1) : eq;
      if (value_eq != std::string::npos) w = w.substr(0, value_eq) + "=<redacted>";
    }
    for (char& c : w) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    text += (i ? " " : "") + w;
  }
  return text;
}

Status Dispatch(const std::vector<std::string>& words, const GlobalFlags& globals,
                const Environment& env, Services& services) {
  const CommandRegistry& registry = BuiltinCommands();
  Output& out = services.out;
  if (words.empty()) {
    PrintOverview(out, registry, services.plugins);
    return Status::Ok();
  }
  const std::string& name = words[0];
  const CommandSpec* spec = registry.Find(name);
  Args args;
  if (spec != nullptr) {
    BERTH_ASSIGN_OR_RETURN(args, ParseCommandArgs(*spec, words, globals));
  } else {
    args.positional.assign(words.begin() + 1, words.end());
  }

  // Over ssh every command needs the store: the key's rights are there.
  std::unique_ptr<SqliteStore> store;
  if (env.via_ssh || (spec != nullptr && spec->needs_store)) {
    BERTH_RETURN_IF_ERROR(MakeDirs(env.root, 0755));
    BERTH_ASSIGN_OR_RETURN(store, SqliteStore::Open(env.root + "/berth.db"));
  }

  // Everything a user may run passes the user-auth veto first: berth's own
  // access control, then the plugins'.
  if (store != nullptr) BERTH_RETURN_IF_ERROR(CheckKeyAccess(env, *store, name, spec, args));
  std::vector<std::string> auth_args = {env.ssh_user, env.key_name};
  auth_args.insert(auth_args.end(), words.begin(), words.end());
  BERTH_RETURN_IF_ERROR(services.plugins.Fire({triggers::kUserAuth, auth_args, "", ""}));

  if (spec == nullptr) {
    std::string family = name.ends_with(":help") ? name.substr(0, name.size() - 5) : name;
    if (PrintFamilyHelp(out, registry, services.plugins, family)) return Status::Ok();
    if (auto code = services.plugins.RunCommand(name, args.positional)) {
      return Status::ExitedWith(*code);  // the plugin has said why; its exit status is berth's
    }
    return InvalidArgument("`" + name.substr(0, 60) + "` is not a berth command.\nSee `berth help` for the commands.");
  }
  if (spec->host_only && env.via_ssh) {
    return PermissionDenied(std::string(spec->name) +
                            " changes the host and can only be run there, as root");
  }
  Context ctx{store.get(), services.plugins, services.runner, out, services.in, env,
              services.runtime};
  if (spec->handler == nullptr) return Internal(std::string(spec->name) + " has no handler here");
  return spec->handler(ctx, args);
}

}  // namespace berth
