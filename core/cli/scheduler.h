// The scheduler: runs a release's processes as containers APP.TYPE.N (one
// berth-shim each), health-checks new web containers before traffic moves to
// them, switches the proxy, and retires the old containers after
// wait-to-retire. No daemon: every step runs in the berth command that asked
// for it; the delayed retirement is a small detached berth process.
//
// Containers of one deploy share a generation G (their id is APP.TYPE.N.G), so
// new ones can run beside the old ones while they are checked.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/cli/app_container.h"
#include "core/cli/command.h"

namespace berth {


// What a deploy runs: the release (slug, commit) and its process types.
struct DeployTarget {
  RunningRelease release;
  std::map<std::string, std::string> process_types;  // type -> command
  std::string label;                                 // "v3", for messages and triggers
};

// Starts every process type with a quantity above 0 (the formation; web=1 by
// default, app.json `formation` for a new app) beside the running ones,
// checks them, runs predeploy before and postdeploy after, moves traffic and
// schedules the old containers' retirement. On failure the new containers are
// removed, the proxy is untouched and the old ones keep serving.
Status DeployProcesses(Context& ctx, const std::string& app, const DeployTarget& target);

// Changes the running containers to the formation without a new deploy: adds
// missing instances (checked before they get traffic) and removes extra ones
// (after traffic has left them).
Status ApplyFormation(Context& ctx, const std::string& app);

// Runs `command` (a command line) of `target` in a one-off container attached
// to berth's output; kFailedPrecondition naming `what` when it exits non-zero.
Status RunOneOffCommand(Context& ctx, const std::string& app, const RunningRelease& release,
                        const std::string& what, const std::string& command);

// The app's current release as a deploy target (the newest release);
// kFailedPrecondition when the app has never been deployed.
Result<DeployTarget> CurrentTarget(Context& ctx, const std::string& app);

// A config change of a deployed app: records a new release of the current slug
// with the app's config now (described as `description`, e.g. "Set FOO") and
// deploys it. Does nothing for an app that was never deployed.
Status RedeployWithNewRelease(Context& ctx, const std::string& app, const std::string& description);

// Stops the container `id` (SIGTERM, SIGKILL after `timeout`), then removes
// it: the runtime's record and files, its network, and its store record.
Status RetireContainer(Context& ctx, const std::string& id, std::chrono::seconds timeout);

// The app's stop timeout: `ps:set APP stop-timeout-seconds`, else 30 s.
Result<std::chrono::seconds> AppStopTimeout(Context& ctx, const std::string& app);

// Stops and removes the app's containers older than generation `keep`.
Status RetireOldGenerations(Context& ctx, const std::string& app, int keep);

// How many containers of a process type run when the formation does not say:
// web 1, every other type 0 (Heroku's default).
inline int DefaultQuantity(const std::string& type) { return type == "web" ? 1 : 0; }

// Stops and removes every container of the app (processes and one-off runs),
// freeing their bridge addresses.
Status RetireAllContainers(Context& ctx, const std::string& app);

// The leftovers of a deploy of the app that never finished (berth was killed
// half-way); the caller holds the app's deploy lock. Puts the proxy's upstreams
// back on the current generation's web containers if the interrupted deploy
// had already moved them, stops and removes its containers (generations above
// the app's current one), marks its build record `interrupted` and removes its
// workspace under $BERTH_ROOT/tmp. Returns what it did, one line each.
Result<std::vector<std::string>> CleanUpInterruptedDeploy(Context& ctx, const std::string& app);

// CleanUpInterruptedDeploy for every app that no deploy runs for (ps:retire).
Result<std::vector<std::string>> CleanUpInterruptedDeploys(Context& ctx);

// The generation of a scheduler container id (APP.TYPE.N.G); 0 for other ids.
int GenerationOf(const std::string& container_id);

}  // namespace berth
