#include "core/runtime/oci_runtime.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/base/files.h"
#include "core/runtime/oci_config.h"
#include "core/runtime/overlay.h"
#include "core/shim/memory_cgroup.h"

namespace berth {
namespace {

// When process `pid` started, in clock ticks since boot (/proc/PID/stat's 22nd
// field); 0 when there is no such process. With the pid it names one process
// for good: a pid can be reused, the pair cannot.
uint64_t ProcessStartTime(int64_t pid) {
  auto stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) return 0;
  size_t pos = stat->rfind(')');  // the command name may hold spaces and parentheses
  for (int field = 2; field < 22 && pos != std::string::npos; ++field) {
    pos = stat->find(' ', pos + 1);
  }
  if (pos == std::string::npos) return 0;
  return std::strtoull(stat->c_str() + pos + 1, nullptr, 10);
}

// Writes BUNDLE/owner whole (a rename) but not durably: it speaks of a live
// process, which a crash of the host ends anyway, so it is not worth an fsync
// on every `berth run`.
Status WriteOwner(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) return Internal(ErrnoMessage("cannot write " + tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Internal(ErrnoMessage("cannot rename " + tmp + " to " + path));
  }
  return Status::Ok();
}

// An attached run's process, OOM-killed: what happened and what to do.
void ReportOutOfMemory(const ContainerSpec& spec, const std::string& what) {
  std::string app = spec.id.substr(0, spec.id.find('.'));
  std::cerr << " !     the process was killed: " << what << "; raise it with `berth "
            << "resource:limit " << app << " --memory SIZE`" << std::endl;
}

}  // namespace

std::string SelectOciRuntime() {
  const char* forced = std::getenv("BERTH_OCI_RUNTIME");
  if (forced != nullptr && *forced != '\0') return forced;
  bool cgroup_v2_only = PathExists("/sys/fs/cgroup/cgroup.controllers");
  if (cgroup_v2_only && (IsExecutableFile("/usr/bin/crun") || IsExecutableFile("/usr/local/bin/crun"))) {
    return "crun";
  }
  return "runc";
}

OciRuntime::OciRuntime(ProcessRunner& runner, OciRuntimeOptions options)
    : runner_(runner), options_(std::move(options)) {}

std::string OciRuntime::BundleDir(const std::string& id) const {
  return options_.berth_root + "/containers/" + id;
}

std::string OciRuntime::RuntimeStateDir() const {
  std::string name = std::filesystem::path(options_.runtime_binary).filename().string();
  return options_.berth_root + "/runtime/" + name;
}

std::vector<std::string> OciRuntime::RuntimeArgv() const {
  return {options_.runtime_binary, "--root", RuntimeStateDir()};
}

void OciRuntime::Cleanup(const std::string& id) {
  // `run` removes its own record when the container ends; only a runtime that
  // was killed or failed half-way leaves one (its state directory) behind, so
  // the extra process (a runc start-up) is spent only then.
  if (PathExists(RuntimeStateDir() + "/" + id)) {
    ProcessSpec del;
    del.argv = RuntimeArgv();
    del.argv.insert(del.argv.end(), {"delete", "--force", id});
    del.timeout = std::chrono::seconds(30);
    (void)runner_.Run(del);
  }
  std::string dir = BundleDir(id);
  (void)UnmountIfMounted(dir + "/rootfs");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

Status OciRuntime::PrepareBundle(const ContainerSpec& spec,
                                 const std::vector<std::string>& lower_dirs, BundleUse use) {
  bool reuse = use == BundleUse::kDetachedAgain;
  std::string dir = BundleDir(spec.id);
  ContainerSpec capped = spec;
  // A container cannot get more open files than berth itself may have: raising
  // a hard limit needs a capability the runtime does not keep.
  rlimit host{};
  if (::getrlimit(RLIMIT_NOFILE, &host) == 0 && host.rlim_max != RLIM_INFINITY) {
    capped.limits.open_files = std::min<uint64_t>(capped.limits.open_files, host.rlim_max);
  }
  if (!spec.etc_hosts.empty()) capped.mounts.push_back({dir + "/hosts", "/etc/hosts", true});
  BERTH_ASSIGN_OR_RETURN(std::string config, OciConfigJson(capped, dir + "/rootfs"));
  if (PathExists(dir) && !reuse) {
    return AlreadyExists("A container named " + spec.id + " already exists");
  }
  BERTH_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  // First, so that ps:retire never takes a bundle being made for a crash's leftovers.
  int64_t pid = ::getpid();
  nlohmann::json owner = {{"pid", pid},
                          {"start_time", ProcessStartTime(pid)},
                          {"attached", use == BundleUse::kAttached}};
  Status prepared = WriteOwner(dir + "/owner", owner.dump() + "\n");
  if (prepared.ok()) {
    prepared = MountOverlay({lower_dirs, dir + "/upper", dir + "/work", dir + "/rootfs"});
  }
  if (prepared.ok() && !spec.etc_hosts.empty()) {
    prepared = WriteFileAtomic(dir + "/hosts", spec.etc_hosts, 0644);
  }
  if (prepared.ok()) prepared = WriteFileAtomic(dir + "/config.json", config, 0600);
  if (!prepared.ok() && reuse) (void)UnmountIfMounted(dir + "/rootfs");
  if (!prepared.ok() && !reuse) Cleanup(spec.id);
  return prepared;
}

void OciRuntime::ReadOwner(const std::string& id, ContainerState& state) const {
  auto text = ReadFile(BundleDir(id) + "/owner");
  if (!text.ok()) return;
  auto owner = nlohmann::json::parse(*text, nullptr, false);
  if (!owner.is_object()) return;
  state.owner_pid = owner.value("pid", int64_t{0});
  uint64_t start_time = owner.value("start_time", uint64_t{0});
  state.owner_alive = state.owner_pid > 0 && start_time > 0 &&
                      ProcessStartTime(state.owner_pid) == start_time;
  if (!state.shim_alive && state.owner_alive && state.status == "dead") {
    state.status = owner.value("attached", false) ? "running" : "starting";
  }
}

Result<int> OciRuntime::RunAttached(const ContainerSpec& spec,
                                    const std::vector<std::string>& lower_dirs) {
  BERTH_RETURN_IF_ERROR(PrepareBundle(spec, lower_dirs, BundleUse::kAttached));
  std::string dir = BundleDir(spec.id);
  // With a memory limit, runc keeps the container (and its cgroup) after it
  // exits, so that an OOM kill can be read from the cgroup. That costs a
  // `delete` (about 25 ms), paid only then; crun before 1.9 cannot keep one.
  bool keep = spec.limits.memory_bytes.has_value() && !spec.cgroup_path.empty() &&
              std::filesystem::path(options_.runtime_binary).filename().string() == "runc";
  ProcessSpec run;
  run.argv = RuntimeArgv();
  run.argv.push_back("run");
  if (keep) run.argv.push_back("--keep");
  run.argv.insert(run.argv.end(), {"--bundle", dir, spec.id});
  run.inherit_stdin = true;
  run.capture_stdout = false;
  run.capture_stderr = false;
  auto result = runner_.Run(run);
  std::string out_of_memory;
  if (keep && result.ok() && result->exit_code != 0) {
    auto cgroup = shim::FindMemoryCgroup("/sys/fs/cgroup", spec.cgroup_path);
    if (shim::OomKills(cgroup) > 0) {
      out_of_memory = shim::OutOfMemoryText(shim::MemoryLimit(cgroup));
    }
  }
  Cleanup(spec.id);
  if (!result.ok()) return result.status();
  if (!out_of_memory.empty()) ReportOutOfMemory(spec, out_of_memory);
  return result->exit_code;
}

}  // namespace berth
