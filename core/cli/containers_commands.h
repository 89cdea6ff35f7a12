// Detached containers from the CLI: run:detached, run:list, run:stop, ps:stop,
// ps:retire, logs. The handlers live in containers_commands.cc.
#pragma once

#include <memory>

#include "core/cli/command.h"
#include "core/runtime/container_runtime.h"

namespace berth {

// The runtime these commands use: the OCI runtime with the berth-shim beside
// berth, unless a test installed another (nullptr restores the default).
std::unique_ptr<ContainerRuntime> DetachedRuntime(Context& ctx);
void SetContainerRuntimeForTesting(ContainerRuntime* runtime);

Status RunDetached(Context& ctx, const Args& args);
Status RunList(Context& ctx, const Args& args);
Status RunStop(Context& ctx, const Args& args);
Status PsStop(Context& ctx, const Args& args);
Status PsRetire(Context& ctx, const Args& args);

}  // namespace berth
