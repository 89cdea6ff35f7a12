// storage:* — host directories bind-mounted into an app's containers
// (HOST:CONTAINER[:ro]). `run` mounts them.
#include "core/cli/helpers.h"
#include "core/cli/report.h"
#include "core/runtime/storage.h"

namespace berth {
namespace {

Result<BindMount> MountArg(const Args& args, std::string_view usage) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 2, usage));
  return ParseStorageMount(args.positional[1]);
}

Status Mount(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(BindMount mount, MountArg(args, "storage:mount APP /host/path:/container/path[:ro]"));
  BERTH_RETURN_IF_ERROR(ResolveStorageHostPath(mount.host_path, ctx.env.root).status());
  Scope scope = Scope::App(app);
  BERTH_ASSIGN_OR_RETURN(auto existing, ctx.store->GetProperty(kStoragePlugin, scope, mount.container_path));
  if (existing) {
    return AlreadyExists("Mount path " + mount.container_path + " is already used by " + *existing +
                         "; unmount it first");
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kStoragePlugin, scope, mount.container_path,
                                               StorageMountText(mount)));
  ctx.out.Step("Mounted " + StorageMountText(mount) + " for " + app +
               " (new containers get it; restart running ones)");
  return Status::Ok();
}

Status Unmount(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(BindMount mount, MountArg(args, "storage:unmount APP /host/path:/container/path[:ro]"));
  Scope scope = Scope::App(app);
  BERTH_ASSIGN_OR_RETURN(auto existing, ctx.store->GetProperty(kStoragePlugin, scope, mount.container_path));
  if (!existing || *existing != StorageMountText(mount)) {
    return NotFound("Mount path " + StorageMountText(mount) + " is not mounted for " + app +
                    "; see storage:list " + app);
  }
  BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kStoragePlugin, scope, mount.container_path));
  ctx.out.Step("Unmounted " + StorageMountText(mount) + " for " + app);
  return Status::Ok();
}

Status List(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "storage:list APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto mounts, ctx.store->ListProperties(kStoragePlugin, Scope::App(app)));
  ctx.out.Header(app + " volume bind-mounts:");
  for (const auto& [container_path, text] : mounts) ctx.out.Detail(text);
  return Status::Ok();
}

}  // namespace

void RegisterStorageCommands(CommandRegistry& registry) {
  registry.Add({"storage", "Mount host directories into an app's containers", {
      {.name = "storage:mount", .usage = "storage:mount APP /host/path:/container/path[:ro]",
       .summary = "Bind-mount a host directory into the app's containers", .handler = Mount,
       .host_only = true},
      {.name = "storage:unmount", .usage = "storage:unmount APP /host/path:/container/path[:ro]",
       .summary = "Remove a bind mount", .handler = Unmount, .host_only = true},
      {.name = "storage:list", .usage = "storage:list APP",
       .summary = "List an app's bind mounts", .handler = List},
  }});
}

}  // namespace berth
