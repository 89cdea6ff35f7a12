// The containers of an app's processes, built one way for `run`, `run:detached`,
// `ps:start` and `ps:restore`: the app's stack, environment, resource limits,
// storage mounts and network mode.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/cli/command.h"
#include "core/runtime/container_runtime.h"

namespace berth {

// How a release's process runs under the launcher (builder/launch), which
// sources .profile.d first: argv as given, or one command line for `sh -c`.
enum class LaunchMode { kExec, kShell };

struct AppContainer {
  ContainerSpec spec;
  std::vector<std::string> lower_dirs;  // the overlay's lower layers, topmost first
  std::vector<std::string> extra_env;   // the KEY=VALUE pairs given on the command line
  std::vector<std::string> command;     // what the user asked to run (before the launcher)
  LaunchMode mode = LaunchMode::kExec;  // how `command` runs in a release
};

// The release an app's containers run: its unpacked slug (a directory holding
// app/, an overlay layer above the stack) and the commit it was built from.
struct RunningRelease {
  int version = 0;
  std::string slug_layer;
  std::string git_rev;
};

// Where the slug DIGEST is unpacked ($BERTH_ROOT/slugs/DIGEST, holding app/).
std::string SlugLayerDir(const std::string& berth_root, const std::string& digest);

// The app's current (newest) release; nullopt before its first deploy.
Result<std::optional<RunningRelease>> CurrentRelease(Context& ctx, const std::string& app);

// A fresh instance number for a one-off container (APP.run.N).
int NewRunInstance();

// The container APP.TYPE.INSTANCE running `command` (DYNO=TYPE.INSTANCE), with
// `extra_env` over the app's config. Its network is not attached yet.
Result<AppContainer> BuildAppContainer(Context& ctx, const std::string& app,
                                       const std::string& process_type, int instance,
                                       const std::vector<std::string>& command,
                                       const std::vector<std::string>& extra_env);

// As BuildAppContainer, on `release` (its slug over the stack, started through
// the launcher with the commit in GIT_REV); on the bare stack when null.
Result<AppContainer> BuildReleaseContainer(Context& ctx, const std::string& app,
                                           const RunningRelease* release, LaunchMode mode,
                                           const std::string& process_type, int instance,
                                           const std::vector<std::string>& command,
                                           const std::vector<std::string>& extra_env);

// In bridge mode, attaches the container to the bridge and sets netns_path and
// BERTH_CONTAINER_IP; returns the address ("" in other modes). `again`: what an
// earlier attachment left (a crash, a reboot) is taken down first, and the
// container keeps the address it holds (BridgeNetwork::Reattach).
Result<std::string> AttachNetwork(Context& ctx, ContainerSpec& spec, bool again);
// Takes the container's namespace and veth down and releases its address; a
// container without them is fine.
void DetachNetwork(Context& ctx, const std::string& id);

// Starts a detached container under its shim, attaching its network first and
// having the shim take it down when the container ends for good. `again`: on
// the existing bundle, if any (ContainerRuntime::Restart).
Status StartAppContainer(Context& ctx, AppContainer& container, DetachedOptions options,
                         bool again);

// What the store keeps to start a detached container again (ContainerRecord::spec).
std::string SavedContainerJson(const AppContainer& container, const DetachedOptions& options);
// Rebuilds a stored container (same id) with the app's current release,
// config, limits and mounts.
Result<AppContainer> RebuildAppContainer(Context& ctx, const ContainerRecord& record,
                                         DetachedOptions& options);

}  // namespace berth
