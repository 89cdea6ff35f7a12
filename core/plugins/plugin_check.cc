#include "core/plugins/plugin_check.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/plugins/plugin_manifest.h"
#include "core/plugins/trigger_spec.h"

namespace berth {
namespace {

struct Entry {
  std::string name;
  bool regular = false;
  bool executable = false;
};

std::vector<Entry> Entries(const std::string& dir) {
  std::vector<Entry> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    Entry entry{e->d_name};
    struct stat st;
    if (::stat((dir + "/" + entry.name).c_str(), &st) == 0) {
      entry.regular = S_ISREG(st.st_mode);
      entry.executable = entry.regular && (st.st_mode & 0111) != 0;
    }
    out.push_back(std::move(entry));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return out;
}

}  // namespace

Result<std::vector<std::string>> CheckPluginFolder(const std::string& dir) {
  BERTH_RETURN_IF_ERROR(LoadPluginManifest(dir).status());
  std::vector<std::string> warnings;
  for (const Entry& e : Entries(dir)) {
    bool trigger = FindTrigger(e.name) != nullptr;
    if (trigger && !e.executable) {
      return InvalidArgument("'" + e.name + "' is named after a trigger but is not an " +
                             "executable file: chmod +x it, or rename it");
    }
    if (!trigger && e.executable && e.name != "commands") {
      warnings.push_back("'" + e.name + "' is executable but no trigger is named so; berth " +
                         "never runs it (see docs/triggers.md)");
    }
  }
  for (const Entry& e : Entries(dir + "/subcommands")) {
    if (!e.executable) {
      return InvalidArgument("subcommands/" + e.name + " is not an executable file: chmod +x it");
    }
  }
  return warnings;
}

}  // namespace berth
