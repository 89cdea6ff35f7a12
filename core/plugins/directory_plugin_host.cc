#include "core/plugins/directory_plugin_host.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/base/files.h"
#include "core/base/validate.h"
#include "core/plugins/plugin_manifest.h"
#include "core/plugins/trigger_spec.h"

namespace berth {
namespace {

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return names;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

DirectoryPluginHost::DirectoryPluginHost(ProcessRunner& runner, Output& out,
                                         PluginHostOptions options)
    : runner_(runner), out_(out), options_(std::move(options)) {}

void DirectoryPluginHost::BuildIndex() {
  if (indexed_) return;
  indexed_ = true;
  std::set<std::string> seen;
  for (const PluginDirectory& root : options_.directories) {
    for (const std::string& name : ListDir(root.path)) {
      if (!ValidateSimpleName("plugin name", name).ok()) continue;
      if (!seen.insert(name).second) continue;
      plugins_.push_back(Plugin{name, root.path + "/" + name, root.bundled});
    }
  }
  std::sort(plugins_.begin(), plugins_.end(),
            [](const Plugin& a, const Plugin& b) { return a.name < b.name; });
}

const std::vector<const DirectoryPluginHost::Plugin*>& DirectoryPluginHost::Implementers(
    std::string_view trigger) {
  static const std::vector<const Plugin*> kNone;
  if (FindTrigger(trigger) == nullptr) return kNone;  // only catalogue names reach the disk
  BuildIndex();
  auto [it, inserted] = by_trigger_.try_emplace(std::string(trigger));
  if (inserted) {
    // One stat per plugin, and only for the trigger being fired: an entry that
    // is not a folder has no executable inside it either.
    for (const Plugin& p : plugins_) {
      if (IsExecutableFile(p.dir + "/" + std::string(trigger))) it->second.push_back(&p);
    }
  }
  return it->second;
}

void DirectoryPluginHost::Trace(const std::vector<std::string>& argv) {
  if (!options_.trace) return;
  out_.out().flush();
  std::string line = "+";
  for (const auto& a : argv) line += " " + a;
  out_.err() << line << '\n';
}

bool DirectoryPluginHost::Implements(std::string_view trigger) {
  return !Implementers(trigger).empty();
}

std::map<std::string, std::string> DirectoryPluginHost::PluginEnv(const Plugin& plugin,
                                                                  const std::string& app) {
  std::map<std::string, std::string> env;
  auto manifest = LoadPluginManifest(plugin.dir);
  if (manifest.ok()) {
    env = manifest->config;
  } else {
    out_.Warn("plugin " + plugin.name + ": " + manifest.status().message());
  }
  // berth's own variables win over a plugin's [plugin.config].
  for (const auto& [k, v] : options_.env) env[k] = v;
  env["PLUGIN_DIR"] = plugin.dir;
  env["PLUGIN_NAME"] = plugin.name;
  env["PLUGIN_PATH"] = options_.enabled_dir;
  if (!app.empty()) env["APP"] = app;
  return env;
}

Result<ProcessResult> DirectoryPluginHost::RunTrigger(const Plugin& plugin,
                                                      const TriggerRequest& request,
                                                      int timeout_seconds) {
  ProcessSpec spec;
  spec.argv.push_back(plugin.dir + "/" + std::string(request.trigger));
  spec.argv.insert(spec.argv.end(), request.args.begin(), request.args.end());
  spec.extra_env = PluginEnv(plugin, request.app);
  spec.stdin_data = request.stdin_data;
  spec.cwd = plugin.dir;
  spec.timeout = std::chrono::seconds(timeout_seconds);
  Trace(spec.argv);
  auto result = runner_.Run(spec);
  if (!result.ok()) return result;
  if (result->timed_out) {
    return Internal("plugin " + plugin.name + ": trigger " + std::string(request.trigger) +
                    " ran longer than " + std::to_string(timeout_seconds) + " s and was killed");
  }
  return result;
}

Status DirectoryPluginHost::FireOne(const TriggerSpec& spec, const Plugin& plugin,
                                    const TriggerRequest& request) {
  auto result = RunTrigger(plugin, request, spec.timeout_seconds);
  if (result.ok()) out_.Raw(result->out);
  if (result.ok() && result->exit_code == 0) {
    if (!result->err.empty()) out_.err() << result->err;
    return Status::Ok();
  }
  std::string why = result.ok() ? TrimTrailingNewlines(result->err) : result.status().message();
  if (spec.kind == TriggerKind::kVeto) {
    if (why.empty()) why = "refused by plugin " + plugin.name + " (" + std::string(spec.name) + ")";
    return PermissionDenied(why);
  }
  out_.Warn("plugin " + plugin.name + " failed in " + std::string(spec.name) +
            (why.empty() ? std::string() : ": " + why));
  return Status::Ok();
}

Status DirectoryPluginHost::Fire(const TriggerRequest& request) {
  const TriggerSpec* spec = FindTrigger(request.trigger);
  if (spec == nullptr) return Internal("trigger " + std::string(request.trigger) + " is not in the catalogue");
  for (const Plugin* plugin : Implementers(request.trigger)) {
    BERTH_RETURN_IF_ERROR(FireOne(*spec, *plugin, request));
  }
  return Status::Ok();
}

Status DirectoryPluginHost::FireAt(const std::string& plugin_dir, const TriggerRequest& request) {
  const TriggerSpec* spec = FindTrigger(request.trigger);
  if (spec == nullptr) return Internal("trigger " + std::string(request.trigger) + " is not in the catalogue");
  if (!IsExecutableFile(plugin_dir + "/" + std::string(request.trigger))) return Status::Ok();
  Plugin plugin{plugin_dir.substr(plugin_dir.rfind('/') + 1), plugin_dir, false};
  return FireOne(*spec, plugin, request);
}

Result<std::optional<std::string>> DirectoryPluginHost::Query(const TriggerRequest& request) {
  const TriggerSpec* spec = FindTrigger(request.trigger);
  if (spec == nullptr) return Internal("trigger " + std::string(request.trigger) + " is not in the catalogue");
  for (const Plugin* plugin : Implementers(request.trigger)) {
    auto result = RunTrigger(*plugin, request, spec->timeout_seconds);
    if (!result.ok()) {
      out_.Warn(result.status().message());
      continue;
    }
    if (result->exit_code != 0) {
      out_.Warn("plugin " + plugin->name + " failed in " + std::string(request.trigger) + ": " +
                TrimTrailingNewlines(result->err));
      continue;
    }
    std::string answer = TrimTrailingNewlines(result->out);
    if (!answer.empty()) return std::optional<std::string>(answer);
  }
  return std::optional<std::string>();
}

std::vector<PluginInfo> DirectoryPluginHost::ListPlugins() {
  BuildIndex();
  std::vector<PluginInfo> out;
  for (const Plugin& p : plugins_) {
    if (!IsDir(p.dir)) continue;
    PluginInfo info;
    info.name = p.name;
    info.dir = p.dir;
    info.bundled = p.bundled;
    for (const std::string& file : ListDir(p.dir)) {
      if (FindTrigger(file) != nullptr && IsExecutableFile(p.dir + "/" + file)) {
        info.triggers.push_back(file);
      }
    }
    auto manifest = LoadPluginManifest(p.dir);
    if (manifest.ok()) {
      info.version = manifest->version;
      info.description = manifest->description;
    } else {
      info.description = "(broken plugin.toml: " + manifest.status().message() + ")";
    }
    for (const std::string& sub : ListDir(p.dir + "/subcommands")) {
      if (IsExecutableFile(p.dir + "/subcommands/" + sub)) info.subcommands.push_back(sub);
    }
    if (auto help = ReadFile(p.dir + "/commands"); help.ok()) info.help = *help;
    out.push_back(std::move(info));
  }
  return out;
}

std::optional<int> DirectoryPluginHost::RunCommand(std::string_view command,
                                                   const std::vector<std::string>& args) {
  size_t colon = command.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string plugin_name(command.substr(0, colon));
  std::string sub(command.substr(colon + 1));
  if (!ValidateSimpleName("command", sub).ok()) return std::nullopt;
  BuildIndex();
  for (const Plugin& p : plugins_) {
    if (p.name != plugin_name) continue;
    std::string path = p.dir + "/subcommands/" + sub;
    if (!IsExecutableFile(path)) return std::nullopt;
    ProcessSpec spec;
    spec.argv.push_back(path);
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.extra_env = PluginEnv(p, args.empty() ? std::string() : args.front());
    spec.extra_env.erase("APP");
    spec.inherit_stdin = true;
    spec.capture_stdout = false;
    spec.capture_stderr = false;
    out_.Flush();
    Trace(spec.argv);
    auto result = runner_.Run(spec);
    if (!result.ok()) {
      out_.Warn(result.status().message());
      return 1;
    }
    return result->exit_code;
  }
  return std::nullopt;
}

}  // namespace berth
