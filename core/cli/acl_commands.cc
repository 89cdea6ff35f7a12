// acl:* — which ssh keys may use an app (keys that are not admins use only the
// apps on whose ACL they are; see docs/access-control.md).
#include <nlohmann/json.hpp>

#include "core/base/validate.h"
#include "core/cli/helpers.h"

namespace berth {
namespace {

// The app (which must exist) and the key (which must be one berth knows).
Result<SshKeyRecord> AppAndKey(Context& ctx, const Args& args, std::string_view usage,
                               std::string* app) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 2, usage));
  BERTH_ASSIGN_OR_RETURN(*app, ExistingApp(ctx, args));
  const std::string& name = args.positional[1];
  BERTH_RETURN_IF_ERROR(ValidateSimpleName("key name", name));
  BERTH_ASSIGN_OR_RETURN(auto keys, ctx.store->ListSshKeys());
  for (const SshKeyRecord& key : keys) {
    if (key.name == name) return key;
  }
  return NotFound("No ssh key named " + name + "; see `berth ssh-keys:list` on the host");
}

Status Add(Context& ctx, const Args& args) {
  std::string app;
  BERTH_ASSIGN_OR_RETURN(SshKeyRecord key, AppAndKey(ctx, args, "acl:add APP KEYNAME", &app));
  BERTH_RETURN_IF_ERROR(ctx.store->GrantAppAccess(app, key.name));
  ctx.out.Step("Key " + key.name + " may now use " + app);
  if (key.admin) ctx.out.Detail(key.name + " is an admin key: it may use every app anyway");
  return Status::Ok();
}

Status Remove(Context& ctx, const Args& args) {
  std::string app;
  BERTH_ASSIGN_OR_RETURN(SshKeyRecord key, AppAndKey(ctx, args, "acl:remove APP KEYNAME", &app));
  BERTH_RETURN_IF_ERROR(ctx.store->RevokeAppAccess(app, key.name));
  ctx.out.Step("Key " + key.name + " may no longer use " + app);
  if (key.admin) ctx.out.Detail(key.name + " is an admin key: it still may use every app");
  return Status::Ok();
}

Status List(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "acl:list APP [--format json]"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto keys, ctx.store->AppAccessKeys(app));
  std::string format = args.Flag("format", "stdout");
  if (format == "json") {
    ctx.out.Line(nlohmann::json(keys).dump());
    return Status::Ok();
  }
  if (format != "stdout") return InvalidArgument("Invalid --format value '" + format + "': use stdout or json");
  ctx.out.Header(app + " access list");
  if (keys.empty()) ctx.out.Detail("(no keys; admin keys may use every app)");
  for (const std::string& key : keys) ctx.out.Line(key);
  return Status::Ok();
}

}  // namespace

void RegisterAclCommands(CommandRegistry& registry) {
  registry.Add({"acl", "Which ssh keys may use an app (admin keys may use every app)", {
      {.name = "acl:add", .usage = "acl:add APP KEYNAME",
       .summary = "Let the ssh key KEYNAME push to, configure and run the app", .handler = Add,
       .access = KeyAccess::kAdmin},
      {.name = "acl:remove", .usage = "acl:remove APP KEYNAME",
       .summary = "Take the app away from the ssh key KEYNAME", .handler = Remove,
       .access = KeyAccess::kAdmin},
      {.name = "acl:list", .usage = "acl:list APP [--format json]",
       .summary = "List the ssh keys that may use the app", .handler = List,
       .flags = {{"format", true}}},
  }});
}

}  // namespace berth
