// What the plugin:* commands that change plugins share, in berth and in
// berth-pipeline (which fetches sources with libgit2 and libarchive).
#pragma once

#include <string>
#include <string_view>

#include "core/cli/command.h"
#include "core/plugins/installed_plugins.h"

namespace berth {

// Changing plugins runs their code as root: only root, on the host (host_only
// commands are already refused over ssh).
Status RequirePluginAdmin(const Context& ctx, std::string_view command);

// Whether berth ships a plugin of that name (share/plugins/NAME).
bool IsBundledPlugin(const Context& ctx, const std::string& name);

// NAME must be a valid name of an installed, not bundled, plugin.
Status ExpectInstalledPlugin(const Context& ctx, const InstalledPlugins& installed,
                             const std::string& name);

// Fires `install` then `dependencies` at the plugin in `dir`; the first refusal
// is returned naming the trigger.
Status RunInstallTriggers(Context& ctx, const std::string& dir);

}  // namespace berth
