#include "core/cli/command.h"

namespace berth {

void CommandRegistry::Add(CommandFamily family) { families_.push_back(std::move(family)); }

const CommandSpec* CommandRegistry::Find(std::string_view name) const {
  for (const auto& family : families_) {
    for (const auto& command : family.commands) {
      if (command.name == name) return &command;
    }
  }
  return nullptr;
}

const CommandFamily* CommandRegistry::FindFamily(std::string_view name) const {
  for (const auto& family : families_) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

const CommandRegistry& BuiltinCommands() {
  static const CommandRegistry registry = [] {
    CommandRegistry r;
    RegisterAppsCommands(r);
    RegisterAclCommands(r);
    RegisterConfigCommands(r);
    RegisterDomainsCommands(r);
    RegisterPortsCommands(r);
    RegisterPsCommands(r);
    RegisterSshKeysCommands(r);
    RegisterPluginCommands(r);
    RegisterStacksCommands(r);
    RegisterRunCommands(r);
    RegisterEnterCommands(r);
    RegisterLogsCommands(r);
    RegisterResourceCommands(r);
    RegisterStorageCommands(r);
    RegisterNetworkCommands(r);
    RegisterGitCommands(r);
    RegisterBuildCommands(r);
    RegisterReleasesCommands(r);
    RegisterRepoCommands(r);
    RegisterProxyCommands(r);
    RegisterCertsCommands(r);
    RegisterChecksCommands(r);
    RegisterCronHelperCommands(r);
    RegisterCoreCommands(r);
    return r;
  }();
  return registry;
}

}  // namespace berth
