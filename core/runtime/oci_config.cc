#include "core/runtime/oci_config.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace berth {
namespace {

using Json = nlohmann::ordered_json;

// Paths a container must not read (kernel internals) and must not write.
constexpr const char* kMaskedPaths[] = {
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
    "/sys/firmware", "/sys/devices/virtual/powercap"};
constexpr const char* kReadonlyPaths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                          "/proc/sysrq-trigger"};

bool SafeAbsolutePath(std::string_view p) {
  if (p.empty() || p[0] != '/') return false;
  size_t start = 0;
  while (start < p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    std::string_view part = p.substr(start, end - start);
    if (part == "..") return false;
    start = end + 1;
  }
  return p.find('\0') == std::string_view::npos;
}

Json Mount(const char* destination, const char* type, const char* source,
           std::initializer_list<const char*> options) {
  Json m = {{"destination", destination}, {"type", type}, {"source", source}};
  m["options"] = Json::array();
  for (const char* o : options) m["options"].push_back(o);
  return m;
}

Json Resources(const ResourceLimits& limits) {
  Json r = Json::object();
  // Devices: deny everything, then allow the ones every process expects.
  Json devices = Json::array({{{"allow", false}, {"access", "rwm"}}});
  for (auto [major, minor] : {std::pair{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 2}}) {
    devices.push_back({{"allow", true}, {"type", "c"}, {"major", major}, {"minor", minor},
                       {"access", "rwm"}});
  }
  devices.push_back({{"allow", true}, {"type", "c"}, {"major", 136}, {"access", "rwm"}});  // pts
  r["devices"] = devices;
  if (limits.memory_bytes) {
    r["memory"] = {{"limit", *limits.memory_bytes}, {"swap", *limits.memory_bytes}};
  }
  if (limits.pids) r["pids"] = {{"limit", *limits.pids}};
  if (limits.cpus) {
    constexpr int64_t kPeriod = 100000;
    r["cpu"] = {{"quota", static_cast<int64_t>(std::llround(*limits.cpus * kPeriod))},
                {"period", kPeriod}};
  }
  return r;
}

}  // namespace

Status ValidateContainerId(std::string_view id) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = !id.empty() && id.size() <= 128 && alnum(id[0]);
  for (char c : id) ok = ok && (alnum(c) || c == '.' || c == '-' || c == '_');
  if (!ok) return InvalidArgument("Invalid container id '" + std::string(id.substr(0, 60)) + "'");
  return Status::Ok();
}

Result<std::string> OciConfigJson(const ContainerSpec& spec, const std::string& rootfs_path) {
  BERTH_RETURN_IF_ERROR(ValidateContainerId(spec.id));
  if (spec.args.empty()) return InvalidArgument("A container needs a command to run");
  if (!SafeAbsolutePath(spec.cwd)) return InvalidArgument("Working directory must be an absolute path");
  if (spec.network == NetworkMode::kBridge && spec.netns_path.empty()) {
    return InvalidArgument("Bridge networking needs a prepared network namespace");
  }
  Json process;
  process["terminal"] = spec.terminal;
  process["user"] = {{"uid", spec.uid}, {"gid", spec.gid}};
  process["args"] = spec.args;
  Json env = Json::array();
  for (const auto& [k, v] : spec.env) env.push_back(k + "=" + v);
  process["env"] = env;
  process["cwd"] = spec.cwd;
  Json no_caps = Json::array();
  process["capabilities"] = {{"bounding", no_caps}, {"effective", no_caps},
                             {"inheritable", no_caps}, {"permitted", no_caps},
                             {"ambient", no_caps}};
  process["rlimits"] = Json::array({{{"type", "RLIMIT_NOFILE"},
                                     {"hard", spec.limits.open_files},
                                     {"soft", spec.limits.open_files}}});
  process["noNewPrivileges"] = true;

  Json mounts = Json::array({
      Mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      Mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      Mount("/dev/pts", "devpts", "devpts",
            {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
      Mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      Mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      Mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      Mount("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=1777"}),
  });
  for (const BindMount& b : spec.mounts) {
    if (!SafeAbsolutePath(b.host_path) || !SafeAbsolutePath(b.container_path)) {
      return InvalidArgument("Mount paths must be absolute and must not contain '..': " +
                             b.host_path + ":" + b.container_path);
    }
    Json m = {{"destination", b.container_path}, {"type", "bind"}, {"source", b.host_path}};
    m["options"] = Json::array({"rbind", "nosuid", "nodev", b.read_only ? "ro" : "rw"});
    mounts.push_back(m);
  }

  Json namespaces = Json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}},
                                 {{"type", "mount"}}});
  if (spec.network == NetworkMode::kNone) namespaces.push_back({{"type", "network"}});
  if (spec.network == NetworkMode::kBridge) {
    namespaces.push_back({{"type", "network"}, {"path", spec.netns_path}});
  }

  Json linux_section;
  linux_section["namespaces"] = namespaces;
  linux_section["resources"] = Resources(spec.limits);
  if (!spec.cgroup_path.empty()) linux_section["cgroupsPath"] = spec.cgroup_path;
  linux_section["maskedPaths"] = kMaskedPaths;
  linux_section["readonlyPaths"] = kReadonlyPaths;

  Json config;
  config["ociVersion"] = "1.0.2";
  config["process"] = process;
  config["root"] = {{"path", rootfs_path}, {"readonly", false}};
  config["hostname"] = spec.hostname.empty() ? spec.id : spec.hostname;
  config["mounts"] = mounts;
  config["linux"] = linux_section;
  return config.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace berth
