// ssh-keys:* — the public keys that may reach berth over ssh. Host-only: these
// change the berth user's authorized_keys, so they are refused over ssh.
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
    return InvalidArgument("Usage: berth ssh-keys:add NAME [KEYFILE] (the key is read from stdin without KEYFILE)");
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
  BERTH_RETURN_IF_ERROR(ctx.store->AddSshKey({name, fingerprint, public_key}));
  Status written = AppendAuthorizedKey(AuthorizedKeysPath(ctx.env), line);
  if (!written.ok()) {
    // Keep the store and the file in agreement: the key is not usable, so not listed.
    (void)ctx.store->RemoveSshKey(name);
    return written;
  }
  ctx.out.Line(fingerprint);
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
    for (const auto& k : keys) j.push_back({{"name", k.name}, {"fingerprint", k.fingerprint}});
    ctx.out.Line(j.dump());
    return Status::Ok();
  }
  if (format != "stdout") return InvalidArgument("Invalid --format value '" + format + "': use stdout or json");
  if (keys.empty()) ctx.out.Warn("No public keys found");
  for (const auto& k : keys) ctx.out.Line(k.fingerprint + " NAME=\"" + k.name + "\"");
  return Status::Ok();
}

}  // namespace

void RegisterSshKeysCommands(CommandRegistry& registry) {
  registry.Add({"ssh-keys", "Manage the ssh keys that may use berth (on the host only)", {
      {.name = "ssh-keys:add", .usage = "ssh-keys:add NAME [KEYFILE]",
       .summary = "Add a public key (from KEYFILE or stdin)", .handler = Add,
       .takes_app = false, .host_only = true},
      {.name = "ssh-keys:remove", .usage = "ssh-keys:remove NAME",
       .summary = "Remove a public key by name", .handler = Remove, .takes_app = false,
       .host_only = true},
      {.name = "ssh-keys:list", .usage = "ssh-keys:list [--format json]",
       .summary = "List the public keys", .handler = List, .flags = {{"format", true}},
       .takes_app = false, .host_only = true},
  }});
}

}  // namespace berth
