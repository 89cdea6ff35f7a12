// OciRuntime's detached containers: each one supervised by its own berth-shim,
// whose record (BUNDLE/shim.json) and log (BUNDLE/log, log.1) are read here.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/base/files.h"
#include "core/runtime/oci_runtime.h"
#include "core/runtime/overlay.h"

namespace berth {
namespace {

// Inside the container the shim is its init: read-only, at a fixed path.
constexpr char kInitPath[] = "/.berth/init";

bool ShimAlive(int64_t pid) {
  if (pid <= 0) return false;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  return !ec && exe.filename().string().starts_with("berth-shim");
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) break;  // a line still being written
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// The container's process runs under the shim as its init.
ContainerSpec WithInit(const ContainerSpec& spec, const std::string& shim_binary) {
  ContainerSpec with_init = spec;
  with_init.mounts.push_back({shim_binary, kInitPath, true});
  with_init.args = {kInitPath, "init", "--"};
  with_init.args.insert(with_init.args.end(), spec.args.begin(), spec.args.end());
  with_init.terminal = false;
  return with_init;
}

Status CheckShim(const std::string& shim_binary, const DetachedOptions& options) {
  if (!IsExecutableFile(shim_binary)) {
    return FailedPrecondition("berth-shim is missing at " + shim_binary + "; reinstall berth");
  }
  for (const auto& command : options.on_exit) {
    bool bad = command.empty();
    for (const std::string& word : command) {
      bad = bad || word.empty() || word.find_first_of("\t\n") != std::string::npos;
    }
    if (bad) return InvalidArgument("An on-exit command has an empty word, a tab or a newline");
  }
  return Status::Ok();
}

}  // namespace

std::string ShimBesideBerth(const std::string& berth_bin) {
  return std::filesystem::path(berth_bin).parent_path().string() + "/berth-shim";
}

Status OciRuntime::StartDetached(const ContainerSpec& spec,
                                 const std::vector<std::string>& lower_dirs,
                                 const DetachedOptions& options) {
  BERTH_RETURN_IF_ERROR(CheckShim(options_.shim_binary, options));
  BERTH_RETURN_IF_ERROR(
      PrepareBundle(WithInit(spec, options_.shim_binary), lower_dirs, BundleUse::kDetached));
  return LaunchShim(spec, options, /*fresh=*/true);
}

Status OciRuntime::Restart(const ContainerSpec& spec, const std::vector<std::string>& lower_dirs,
                           const DetachedOptions& options) {
  if (!PathExists(BundleDir(spec.id) + "/config.json")) {
    return StartDetached(spec, lower_dirs, options);
  }
  BERTH_ASSIGN_OR_RETURN(ContainerState state, Inspect(spec.id));
  if (state.shim_alive) return FailedPrecondition(spec.id + " is running already");
  BERTH_RETURN_IF_ERROR(CheckShim(options_.shim_binary, options));
  // What a crash may have left: the runtime's record and the overlay mount.
  BERTH_RETURN_IF_ERROR(ForgetRun(spec.id));
  std::error_code ec;
  std::filesystem::remove(BundleDir(spec.id) + "/removed", ec);
  BERTH_RETURN_IF_ERROR(
      PrepareBundle(WithInit(spec, options_.shim_binary), lower_dirs, BundleUse::kDetachedAgain));
  return LaunchShim(spec, options, /*fresh=*/false);
}

Status OciRuntime::ForgetRun(const std::string& id) {
  ProcessSpec del;
  del.argv = RuntimeArgv();
  del.argv.insert(del.argv.end(), {"delete", "--force", id});
  del.timeout = std::chrono::seconds(30);
  (void)runner_.Run(del);
  return UnmountIfMounted(BundleDir(id) + "/rootfs");
}

Status OciRuntime::LaunchShim(const ContainerSpec& spec, const DetachedOptions& options,
                              bool fresh) {
  const std::string& id = spec.id;
  std::string dir = BundleDir(id);
  auto fail = [&](Status status) {
    if (fresh) Cleanup(id);
    else (void)ForgetRun(id);
    return status;
  };
  std::string on_exit;
  for (const auto& command : options.on_exit) {
    for (size_t i = 0; i < command.size(); ++i) on_exit += (i ? "\t" : "") + command[i];
    on_exit += "\n";
  }
  Status written = WriteFileAtomic(dir + "/on-exit", on_exit, 0600);
  if (!written.ok()) return fail(written);
  ProcessSpec shim;
  shim.argv = {options_.shim_binary, "start", "--bundle", dir, "--id", id,
               "--runtime", options_.runtime_binary, "--runtime-root", RuntimeStateDir(),
               "--restart", options.restart_policy,
               "--stop-timeout-ms", std::to_string(options.stop_timeout.count())};
  if (!spec.cgroup_path.empty()) shim.argv.insert(shim.argv.end(), {"--cgroup", spec.cgroup_path});
  shim.timeout = std::chrono::seconds(30);
  auto started = runner_.Run(shim);
  if (!started.ok()) return fail(started.status());
  if (!started->ok()) return fail(Internal("the container did not start: " + started->err));
  return Status::Ok();
}

Result<int> OciRuntime::Exec(const std::string& id, const std::vector<std::string>& args,
                             bool tty) {
  if (args.empty()) return InvalidArgument("Nothing to run in " + id);
  BERTH_ASSIGN_OR_RETURN(ContainerState state, Inspect(id));
  if (!state.shim_alive || state.status != "running" || state.container_pid == 0) {
    return FailedPrecondition(id + " is not running (" + state.status + ")");
  }
  ProcessSpec exec;
  exec.argv = RuntimeArgv();
  exec.argv.push_back("exec");
  if (tty) exec.argv.push_back("--tty");
  exec.argv.push_back(id);
  exec.argv.insert(exec.argv.end(), args.begin(), args.end());
  exec.inherit_stdin = true;
  exec.capture_stdout = false;
  exec.capture_stderr = false;
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, runner_.Run(exec));
  return result.exit_code;
}

Result<ContainerState> OciRuntime::Inspect(const std::string& id) {
  std::string dir = BundleDir(id);
  if (!PathExists(dir) && !PathExists(RuntimeStateDir() + "/" + id)) {
    return NotFound("No container " + id);
  }
  ContainerState state;
  state.id = id;
  state.status = "created";
  auto text = ReadFile(dir + "/shim.json");
  if (text.ok()) {
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object()) {
      state.status = j.value("status", "unknown");
      state.shim_pid = j.value("shim_pid", int64_t{0});
      state.container_pid = j.value("container_pid", int64_t{0});
      int code = j.value("exit_code", -1);
      if (code >= 0) state.exit_code = code;
      state.reason = j.value("reason", "");
      state.exited_at_ms = j.value("exited_at_ms", int64_t{0});
      state.restarts = j.value("restarts", 0);
      state.restart_policy = j.value("restart_policy", "");
      state.stop_timeout = std::chrono::milliseconds(j.value("stop_timeout_ms", int64_t{30000}));
    }
  }
  state.shim_alive = ShimAlive(state.shim_pid);
  bool final = state.status == "exited" || state.status == "stopped";
  if (!state.shim_alive && !final) state.status = "dead";
  ReadOwner(id, state);
  return state;
}

Status OciRuntime::Stop(const std::string& id, std::chrono::milliseconds timeout) {
  BERTH_ASSIGN_OR_RETURN(ContainerState state, Inspect(id));
  if (state.shim_alive) {
    sigval value{};
    value.sival_int = static_cast<int>(std::min<int64_t>(timeout.count(), 1 << 30)) + 1;
    if (::sigqueue(static_cast<pid_t>(state.shim_pid), SIGTERM, value) != 0 && errno != ESRCH) {
      return Internal(ErrnoMessage("cannot signal the shim of " + id));
    }
    auto deadline = std::chrono::steady_clock::now() + timeout + std::chrono::seconds(15);
    while (ShimAlive(state.shim_pid)) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Unavailable("The shim of " + id + " did not stop in time; try ps:retire");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status::Ok();
  }
  // No shim: make sure nothing of the container still runs or is mounted.
  return ForgetRun(id);
}

Status OciRuntime::Kill(const std::string& id, int signal) {
  ProcessSpec kill;
  kill.argv = RuntimeArgv();
  kill.argv.insert(kill.argv.end(), {"kill", id, std::to_string(signal)});
  kill.timeout = std::chrono::seconds(30);
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, runner_.Run(kill));
  if (!result.ok()) return FailedPrecondition("Cannot signal " + id + ": " + result.err);
  return Status::Ok();
}

Status OciRuntime::Remove(const std::string& id) {
  std::string dir = BundleDir(id);
  if (PathExists(dir)) (void)WriteFileAtomic(dir + "/removed", "", 0600);
  auto state = Inspect(id);
  if (state.ok() && state->shim_alive) {
    BERTH_RETURN_IF_ERROR(Stop(id, std::chrono::seconds(10)));
  }
  Cleanup(id);
  return Status::Ok();
}

Result<std::vector<std::string>> OciRuntime::List() {
  std::set<std::string> ids;
  for (const std::string& parent : {options_.berth_root + "/containers", RuntimeStateDir()}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
      if (entry.is_directory(ec)) ids.insert(entry.path().filename().string());
    }
  }
  return std::vector<std::string>(ids.begin(), ids.end());
}

Result<std::vector<std::string>> OciRuntime::Logs(const std::string& id, size_t tail) {
  std::string dir = BundleDir(id);
  if (!PathExists(dir)) return NotFound("No container " + id);
  std::vector<std::string> lines;
  for (const std::string& file : {dir + "/log.1", dir + "/log"}) {
    auto text = ReadFile(file);
    if (!text.ok()) continue;
    for (std::string& line : SplitLines(*text)) lines.push_back(std::move(line));
  }
  if (tail > 0 && lines.size() > tail) {
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(tail));
  }
  return lines;
}

Result<std::vector<std::string>> OciRuntime::LogsAfter(const std::string& id, uint64_t& offset) {
  std::string path = BundleDir(id) + "/log";
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<std::string>{};
  in.seekg(0, std::ios::end);
  auto size = static_cast<uint64_t>(in.tellg());
  if (size < offset) offset = 0;  // rotated
  in.seekg(static_cast<std::streamoff>(offset));
  std::string text(size - offset, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  std::vector<std::string> lines = SplitLines(text);
  for (const std::string& l : lines) offset += l.size() + 1;
  return lines;
}

}  // namespace berth
