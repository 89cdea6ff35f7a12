#include "core/cli/help.h"

namespace berth {
namespace {

std::string Column(std::string_view text, size_t width) {
  std::string s(text);
  if (s.size() < width) s.resize(width, ' ');
  else s += "  ";
  return s;
}

void PrintCommands(Output& out, const CommandFamily& family) {
  for (const auto& c : family.commands) {
    out.Line("    " + Column(c.usage, 44) + std::string(c.summary));
  }
}

void PrintPluginHelp(Output& out, const PluginInfo& p) {
  if (!p.help.empty()) {
    out.Raw(p.help);
    if (p.help.back() != '\n') out.Line("");
    return;
  }
  for (const auto& sub : p.subcommands) out.Line("    " + p.name + ":" + sub);
}

}  // namespace

void PrintOverview(Output& out, const CommandRegistry& registry, PluginHost& plugins) {
  out.Line("Usage: berth [--quiet|--trace|--force] [--app APP] COMMAND <app> [command-specific-options]");
  out.Line("");
  out.Line("Primary help options, type \"berth COMMAND:help\" for more details, or berth help --all "
           "to see all commands.");
  out.Line("");
  out.Line("Commands:");
  out.Line("");
  for (const auto& f : registry.families()) out.Line("    " + Column(f.name, 20) + std::string(f.summary));
  for (const auto& p : plugins.ListPlugins()) {
    if (p.subcommands.empty() || registry.FindFamily(p.name) != nullptr) continue;
    out.Line("    " + Column(p.name, 20) + (p.description.empty() ? "(plugin)" : p.description));
  }
}

bool PrintFamilyHelp(Output& out, const CommandRegistry& registry, PluginHost& plugins,
                     std::string_view family) {
  if (const CommandFamily* f = registry.FindFamily(family)) {
    out.Line("Usage: berth " + std::string(f->name) + "[:COMMAND]");
    out.Line("");
    out.Line(std::string(f->summary));
    out.Line("");
    out.Line("Additional commands:");
    PrintCommands(out, *f);
    return true;
  }
  for (const auto& p : plugins.ListPlugins()) {
    if (p.name != family || p.subcommands.empty()) continue;
    out.Line("Usage: berth " + p.name + "[:COMMAND]");
    out.Line("");
    if (!p.description.empty()) out.Line(p.description + "\n");
    out.Line("Additional commands:");
    PrintPluginHelp(out, p);
    return true;
  }
  return false;
}

void PrintAllCommands(Output& out, const CommandRegistry& registry, PluginHost& plugins) {
  for (const auto& f : registry.families()) PrintCommands(out, f);
  for (const auto& p : plugins.ListPlugins()) {
    if (!p.subcommands.empty()) PrintPluginHelp(out, p);
  }
}

}  // namespace berth
