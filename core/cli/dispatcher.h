// Turning a command line into a call: global flags, the command table, plugin
// subcommands, the user-auth veto, host-only checks, the store, the audit log.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/cli/command.h"

namespace berth {

struct GlobalFlags {
  bool quiet = false;
  bool trace = false;
  bool force = false;
  std::string app;
  std::string root;  // --root, accepted only on the host
};

// Splits leading global flags off `words`; the rest starts with the command.
// `allow_root` is false over ssh, where --root is refused as unknown.
Result<GlobalFlags> ParseGlobalFlags(std::vector<std::string>& words, bool allow_root);

// Parses a command's own arguments per its spec: declared flags (--x, --x=v,
// --x v), and with any_flag every other --key; the rest are positionals.
Result<Args> ParseCommandArgs(const CommandSpec& spec, const std::vector<std::string>& words,
                              const GlobalFlags& globals);

// The text the audit log records for a command: K=V values of secret-bearing
// commands become K=<redacted>, credentials in URLs (scheme://USER:PASS@host)
// become <redacted>, control characters `?`.
std::string AuditText(const std::vector<std::string>& words);

struct Services {
  PluginHost& plugins;
  ProcessRunner& runner;
  Output& out;
  std::istream& in;
  ContainerRuntime& runtime;
};

// Runs one command (words[0]) and returns the status to report. Opens the store
// at env.root only for commands that need it.
Status Dispatch(const std::vector<std::string>& words, const GlobalFlags& globals,
                const Environment& env, Services& services);

}  // namespace berth
