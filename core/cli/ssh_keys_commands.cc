// ssh-keys:* — the public keys that may reach berth over ssh, and whether each
// is an admin key (docs/access-control.md). Host-only: these change the berth
// user's authorized_keys and who may do what, so they are refused over ssh.
#include <istream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/base/files.h"
#include "core/base/validate.h"
#include "core/cli/authorized_keys.h"
#include "core/cli/helpers.h"

namespace berth {
namespace {

Status Add(Context& ctx, const Args& args) {
  if (args.positional.empty() || args.positional.size() > 2) {
    return InvalidArgument("Usage: berth ssh-keys:add [--admin] NAME [KEYFILE] (the key is read from stdin without KEYFILE)");
  }
  const std::string& name = args.positional[0];
  BERTH_RETURN_IF_ERROR(ValidateSimpleName("key name", name));
  std::string text;
  if (args.positional.size() == 2) {
    BERTH_ASSIGN_OR_RETURN(text, ReadFile(args.positional[1]));
  } else {
    if (ctx.env.stdin_is_tty) return InvalidArgument("Pass a key file, or pipe the public key on stdin");
    text.assign(std::istreambuf_iterator<char>(ctx.in), std::istreambuf_iterator<char>());
  }
  BERTH_ASSIGN_OR_RETURN(ParsedPublicKey key, ParsePublicKey(text));
  BERTH_ASSIGN_OR_RETURN(std::string fingerprint, KeyFingerprint(ctx.runner, key));
  std::string public_key = key.type + " " + key.blob;
  BERTH_ASSIGN_OR_RETURN(std::string line, AuthorizedKeyLine(ctx.env, name, fingerprint, public_key));
  BERTH_RETURN_IF_ERROR(ctx.store->AddSshKey({name, fingerprint, public_key, args.Has("admin")}));
  Status written = AppendAuthorizedKey(AuthorizedKeysPath(ctx.env), line);
  if (!written.ok()) {
    // Keep the store and the file in agreement: the key is not usable, so not listed.
    (void)ctx.store->RemoveSshKey(name);
    return written;
  }
  ctx.out.Line(fingerprint);
  return Status::Ok();
}

// ssh-keys:set NAME admin true|false: whether the key may run every command.
Status Set(Context& ctx, const Args& args) {
  constexpr std::string_view kUsage = "ssh-keys:set NAME admin true|false";
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 3, kUsage));
  const std::string& name = args.positional[0];
  BERTH_RETURN_IF_ERROR(ValidateSimpleName("key name", name));
  const std::string& value = args.positional[2];
  if (args.positional[1] != "admin" || (value != "true" && value != "false")) {
    return InvalidArgument("Usage: berth " + std::string(kUsage) +
                           " (admin is the only setting of a key)");
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetSshKeyAdmin(name, value == "true"));
  ctx.out.Step(value == "true" ? name + " is now an admin key"
                               : name + " is no longer an admin key: it may use only the apps "
                                        "on its access list (acl:add)");
  return Status::Ok();
}

Status Remove(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "ssh-keys:remove NAME"));
  const std::string& name = args.positional[0];
  BERTH_RETURN_IF_ERROR(ValidateSimpleName("key name", name));
  BERTH_ASSIGN_OR_RETURN(auto keys, ctx.store->ListSshKeys());
  for (const auto& key : keys) {
    if (key.name != name) continue;
    BERTH_RETURN_IF_ERROR(RemoveAuthorizedKey(AuthorizedKeysPath(ctx.env), key.name, key.fingerprint));
    BERTH_RETURN_IF_ERROR(ctx.store->RemoveSshKey(name));
    ctx.out.Step("Removed ssh key " + name);
    return Status::Ok();
  }
  return NotFound("No ssh key named " + name);
}

Status List(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "ssh-keys:list [--format json]"));
  BERTH_ASSIGN_OR_RETURN(auto keys, ctx.store->ListSshKeys());
  std::string format = args.Flag("format", "stdout");
  if (format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& k : keys) {
      j.push_back({{"name", k.name}, {"fingerprint", k.fingerprint}, {"admin", k.admin}});
    }
    ctx.out.Line(j.dump());
    return Status::Ok();
  }
  if (format != "stdout") return InvalidArgument("Invalid --format value '" + format + "': use stdout or json");
  if (keys.empty()) ctx.out.Warn("No public keys found");
  for (const auto& k : keys) {
    ctx.out.Line(k.fingerprint + " NAME=\"" + k.name + "\" ADMIN=" + (k.admin ? "true" : "false"));
  }
  return Status::Ok();
}

}  // namespace

void RegisterSshKeysCommands(CommandRegistry& registry) {
  registry.Add({"ssh-keys", "Manage the ssh keys that may use berth (on the host only)", {
      {.name = "ssh-keys:add", .usage = "ssh-keys:add [--admin] NAME [KEYFILE]",
       .summary = "Add a public key (from KEYFILE or stdin); --admin: it may do everything",
       .handler = Add, .flags = {{"admin"}}, .takes_app = false, .host_only = true},
      {.name = "ssh-keys:set", .usage = "ssh-keys:set NAME admin true|false",
       .summary = "Make a key an admin key (true) or one limited to its apps (false)",
       .handler = Set, .takes_app = false, .host_only = true},
      {.name = "ssh-keys:remove", .usage = "ssh-keys:remove NAME",
       .summary = "Remove a public key by name", .handler = Remove, .takes_app = false,
       .host_only = true},
      {.name = "ssh-keys:list", .usage = "ssh-keys:list [--format json]",
       .summary = "List the public keys", .handler = List, .flags = {{"format", true}},
       .takes_app = false, .host_only = true},
  }});
}

}  // namespace berth
