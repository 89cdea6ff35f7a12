#include "core/plugins/plugin_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <climits>

#include "core/base/files.h"

namespace berth {
namespace {

constexpr std::array<std::string_view, 9> kArchiveExtensions = {
    ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tar", ".zip"};

bool IsArchiveName(std::string_view path) {
  for (std::string_view ext : kArchiveExtensions) {
    if (path.ends_with(ext)) return true;
  }
  return false;
}

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A bare repository: HEAD, objects/ and refs/ directly inside.
bool IsBareRepo(const std::string& dir) {
  return PathExists(dir + "/HEAD") && IsDir(dir + "/objects") && IsDir(dir + "/refs");
}

std::string Absolute(const std::string& path) {
  if (path.starts_with("/")) return path;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

std::string Shown(const std::string& s) { return "'" + s.substr(0, 200) + "'"; }

}  // namespace

Result<PluginSource> ParsePluginSource(const std::string& source, const std::string& committish) {
  if (source.empty() || source.starts_with("-")) {
    return InvalidArgument("Invalid plugin source " + Shown(source) +
                           ": give a folder, a tarball or a git URL");
  }
  if (committish.starts_with("-") || committish.find("..") != std::string::npos ||
      committish.find_first_of(" \t\n~^:?*[\\") != std::string::npos) {
    return InvalidArgument("Invalid committish " + Shown(committish));
  }
  PluginSource out;
  out.committish = committish;
  bool url = source.find("://") != std::string::npos;
  bool http = source.starts_with("http://") || source.starts_with("https://");
  if (url && !source.starts_with("file://") && !http && !source.starts_with("git://") &&
      !source.starts_with("ssh://")) {
    return InvalidArgument("Unsupported plugin source " + Shown(source) +
                           ": use https://, http://, git://, ssh://, file:// or a path");
  }
  if (http && IsArchiveName(source)) {
    out.kind = PluginSourceKind::kTarball;
    out.location = source;
  } else if (url) {
    out.kind = PluginSourceKind::kGit;
    out.location = source;
  } else {
    std::string path = Absolute(source);
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    out.location = path;
    if (IsDir(path)) {
      out.kind = IsBareRepo(path) ? PluginSourceKind::kGit : PluginSourceKind::kFolder;
    } else if (PathExists(path) && IsArchiveName(path)) {
      out.kind = PluginSourceKind::kTarball;
    } else if (PathExists(path)) {
      return InvalidArgument("Cannot tell what " + Shown(source) +
                             " is: give a folder, a bare git repository or a tarball "
                             "(.tar.gz, .tgz, .tar.xz, .tar.bz2, .tar.zst, .tar, .zip)");
    } else {
      return NotFound("No plugin at " + Shown(source) + ": no such file or folder");
    }
  }
  if (!committish.empty() && out.kind != PluginSourceKind::kGit) {
    return InvalidArgument("--committish applies to git sources only; " + Shown(source) +
                           " is a " + std::string(KindName(out.kind)));
  }
  return out;
}

std::string PluginNameFromSource(const std::string& location) {
  std::string last = location;
  while (last.size() > 1 && last.back() == '/') last.pop_back();
  last = last.substr(last.rfind('/') + 1);
  last = last.substr(last.rfind(':') + 1);  // git@host:owner/name.git
  for (std::string_view ext : kArchiveExtensions) {
    if (last.ends_with(ext)) {
      last.resize(last.size() - ext.size());
      break;
    }
  }
  if (last.ends_with(".git")) last.resize(last.size() - 4);
  for (std::string_view prefix : {"berth-plugin-", "berth-"}) {
    if (last.starts_with(prefix) && last.size() > prefix.size()) {
      last = last.substr(prefix.size());
      break;
    }
  }
  return last;
}

Status ValidatePluginName(std::string_view name) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = !name.empty() && name.size() <= 50 && lower_or_digit(name[0]);
  for (char c : name) ok = ok && (lower_or_digit(c) || c == '-');
  if (ok) return Status::Ok();
  return InvalidArgument("Invalid plugin name '" + std::string(name.substr(0, 60)) +
                         "': use lowercase letters, digits and '-', starting with a letter or "
                         "digit (at most 50); choose one with --name");
}

std::string_view KindName(PluginSourceKind kind) {
  switch (kind) {
    case PluginSourceKind::kFolder: return "folder";
    case PluginSourceKind::kTarball: return "tarball";
    case PluginSourceKind::kGit: return "git";
  }
  return "folder";
}

}  // namespace berth
