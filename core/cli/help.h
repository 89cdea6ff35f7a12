// Help text: the family overview (`berth help`), one family's commands
// (`berth help apps`, `berth apps:help`), or everything (`berth help --all`).
#pragma once

#include <string_view>

#include "core/cli/command.h"

namespace berth {

void PrintOverview(Output& out, const CommandRegistry& registry, PluginHost& plugins);
// False when neither a built-in family nor a plugin has that name.
bool PrintFamilyHelp(Output& out, const CommandRegistry& registry, PluginHost& plugins,
                     std::string_view family);
// The built-in commands as a markdown reference (docs/commands.md is this output).
void PrintMarkdownReference(Output& out, const CommandRegistry& registry);
void PrintAllCommands(Output& out, const CommandRegistry& registry, PluginHost& plugins);

}  // namespace berth
