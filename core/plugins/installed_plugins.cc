#include "core/plugins/installed_plugins.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "core/base/files.h"
#include "core/build/fs_util.h"

namespace berth {
namespace {

bool IsLink(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace

InstalledPlugins::InstalledPlugins(std::string berth_root) : dir_(berth_root + "/plugins") {}

std::string InstalledPlugins::AvailableDir(const std::string& name) const {
  return dir_ + "/available/" + name;
}

bool InstalledPlugins::IsInstalled(const std::string& name) const {
  struct stat st;
  return ::lstat(AvailableDir(name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool InstalledPlugins::IsEnabled(const std::string& name) const {
  std::string link = dir_ + "/enabled/" + name;
  return IsLink(link) || PathExists(link);
}

Result<std::string> InstalledPlugins::MakeStaging(const std::string& name) const {
  std::string staging = dir_ + "/.staging";
  BERTH_RETURN_IF_ERROR(MakeDirs(staging, 0700));
  std::string path = staging + "/" + name + "-" + std::to_string(::getpid());
  RemoveTree(path);
  BERTH_RETURN_IF_ERROR(MakeDirs(path, 0755));
  return path;
}

Status InstalledPlugins::Commit(const std::string& staged, const std::string& name,
                                const InstalledSource& source) {
  BERTH_RETURN_IF_ERROR(MakeDirs(dir_ + "/available", 0755));
  std::string dest = AvailableDir(name);
  // No replace: of two installs of one name at once, the second is refused here.
  Status moved = RenameNoReplace(staged, dest);
  if (moved.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("The plugin " + name + " is installed");
  }
  BERTH_RETURN_IF_ERROR(moved);
  Status s = WriteSource(name, source);
  if (s.ok()) s = Enable(name);
  if (!s.ok()) Remove(name);
  return s;
}

Result<std::string> InstalledPlugins::Replace(const std::string& staged, const std::string& name,
                                              const InstalledSource& source) {
  std::string dest = AvailableDir(name);
  std::string old = staged + ".old";
  RemoveTree(old);
  if (::rename(dest.c_str(), old.c_str()) != 0) {
    return Internal(ErrnoMessage("cannot move the old version of " + name + " aside"));
  }
  if (::rename(staged.c_str(), dest.c_str()) != 0) {
    Status s = Internal(ErrnoMessage("cannot move the new version of " + name + " into place"));
    (void)::rename(old.c_str(), dest.c_str());
    return s;
  }
  BERTH_RETURN_IF_ERROR(WriteSource(name, source));
  return old;
}

Status InstalledPlugins::Restore(const std::string& old, const std::string& name,
                                 const InstalledSource& source) {
  std::string dest = AvailableDir(name);
  RemoveTree(dest);
  if (::rename(old.c_str(), dest.c_str()) != 0) {
    return Internal(ErrnoMessage("cannot put the previous version of " + name + " back"));
  }
  return WriteSource(name, source);
}

Status InstalledPlugins::Enable(const std::string& name) {
  if (!IsInstalled(name)) return NotFound("The plugin " + name + " is not installed");
  BERTH_RETURN_IF_ERROR(MakeDirs(dir_ + "/enabled", 0755));
  std::string link = dir_ + "/enabled/" + name;
  if (IsLink(link)) return Status::Ok();
  if (PathExists(link)) return AlreadyExists(link + " exists and is not a link: remove it first");
  std::string tmp = link + ".tmp-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  if (::symlink(("../available/" + name).c_str(), tmp.c_str()) != 0 ||
      ::rename(tmp.c_str(), link.c_str()) != 0) {
    Status s = Internal(ErrnoMessage("cannot enable " + name));
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

Status InstalledPlugins::Disable(const std::string& name) {
  std::string link = dir_ + "/enabled/" + name;
  if (!IsLink(link)) {
    if (PathExists(link)) return FailedPrecondition(link + " is not a link berth made: remove it by hand");
    return Status::Ok();
  }
  if (::unlink(link.c_str()) != 0) return Internal(ErrnoMessage("cannot disable " + name));
  return Status::Ok();
}

void InstalledPlugins::Remove(const std::string& name) {
  std::string link = dir_ + "/enabled/" + name;
  if (IsLink(link)) ::unlink(link.c_str());
  RemoveTree(AvailableDir(name));
  ::unlink((dir_ + "/sources/" + name).c_str());
}

Status InstalledPlugins::WriteSource(const std::string& name, const InstalledSource& source) {
  BERTH_RETURN_IF_ERROR(MakeDirs(dir_ + "/sources", 0755));
  std::string text = "kind=" + std::string(KindName(source.source.kind)) + "\n" +
                     "location=" + source.source.location + "\n" +
                     "committish=" + source.source.committish + "\n" + "commit=" + source.commit + "\n";
  return WriteFileAtomic(dir_ + "/sources/" + name, text, 0644);
}

Result<InstalledSource> InstalledPlugins::Source(const std::string& name) const {
  BERTH_ASSIGN_OR_RETURN(std::string text, ReadFile(dir_ + "/sources/" + name));
  InstalledSource out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "kind") {
      out.source.kind = value == "git"       ? PluginSourceKind::kGit
                        : value == "tarball" ? PluginSourceKind::kTarball
                                             : PluginSourceKind::kFolder;
    } else if (key == "location") {
      out.source.location = value;
    } else if (key == "committish") {
      out.source.committish = value;
    } else if (key == "commit") {
      out.commit = value;
    }
  }
  if (out.source.location.empty()) return Internal("the source record of " + name + " is empty");
  return out;
}

}  // namespace berth
