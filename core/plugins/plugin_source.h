// Where `plugin:install SOURCE` takes a plugin from: a folder on this host, a
// tarball (a path or an http(s) URL) or a git repository (a URL, file://, or the
// path of a bare repository). Deciding needs no network and no libgit2.
#pragma once

#include <string>

#include "core/base/status.h"

namespace berth {

enum class PluginSourceKind { kFolder, kTarball, kGit };

struct PluginSource {
  PluginSourceKind kind = PluginSourceKind::kFolder;
  std::string location;    // an absolute path or a URL, as fetched
  std::string committish;  // git only: a branch, tag or commit; empty for the default branch
};

// Classifies SOURCE. Local paths must exist; relative ones are made absolute
// against the working directory. A committish is accepted for git sources only.
Result<PluginSource> ParsePluginSource(const std::string& source, const std::string& committish);

// The plugin name a source suggests: its last path component without .git or an
// archive extension, and without a leading "berth-plugin-" or "berth-".
std::string PluginNameFromSource(const std::string& location);

// A plugin's name: lowercase letters, digits and dashes, starting with a letter
// or digit, at most 50 characters (it prefixes commands: NAME:cmd).
Status ValidatePluginName(std::string_view name);

std::string_view KindName(PluginSourceKind kind);  // "folder", "tarball", "git"

}  // namespace berth
