// FakeContainerRuntime: containers as entries in a map, for unit tests of the
// commands. Nothing runs; tests set the state and log lines they need. Safe to
// call from several threads (ps:restore starts apps in parallel).
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/runtime/container_runtime.h"

namespace berth::test {

class FakeContainerRuntime : public ContainerRuntime {
 public:
  struct Container {
    ContainerSpec spec;
    DetachedOptions options;
    ContainerState state;
    std::vector<std::string> log;  // "TIMESTAMP STREAM TEXT"
  };

  Result<int> RunAttached(const ContainerSpec& spec, const std::vector<std::string>&) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    attached.push_back(spec);
    return attached_exit_code;
  }
  Status StartDetached(const ContainerSpec& spec, const std::vector<std::string>&,
                       const DetachedOptions& options) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    if (!start_error.ok()) return start_error;
    if (containers.contains(spec.id)) return AlreadyExists(spec.id);
    Container c{spec, options, {}, {}};
    c.state.id = spec.id;
    c.state.status = "running";
    c.state.shim_alive = true;
    c.state.restart_policy = options.restart_policy;
    c.state.stop_timeout = options.stop_timeout;
    containers[spec.id] = c;
    return Status::Ok();
  }
  Status Restart(const ContainerSpec& spec, const std::vector<std::string>& lower_dirs,
                 const DetachedOptions& options) override {
    {
      std::lock_guard<std::recursive_mutex> lock(mutex);
      max_restarts_at_once = std::max(max_restarts_at_once, ++restarts_now);
    }
    std::this_thread::sleep_for(restart_delay);  // the time a real start takes
    std::lock_guard<std::recursive_mutex> lock(mutex);
    --restarts_now;
    if (restart_errors.contains(spec.id)) return restart_errors[spec.id];
    auto it = containers.find(spec.id);
    if (it == containers.end()) return StartDetached(spec, lower_dirs, options);
    if (it->second.state.shim_alive) return FailedPrecondition(spec.id + " is running already");
    restarted.push_back(spec.id);
    it->second.spec = spec;
    it->second.options = options;
    it->second.state.status = "running";
    it->second.state.shim_alive = true;
    return Status::Ok();
  }
  Result<int> Exec(const std::string& id, const std::vector<std::string>& args, bool) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    auto it = containers.find(id);
    if (it == containers.end()) return NotFound("No container " + id);
    if (!it->second.state.shim_alive) return FailedPrecondition(id + " is not running");
    execs.emplace_back(id, args);
    return exec_exit_code;
  }
  Status Stop(const std::string& id, std::chrono::milliseconds timeout) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    auto it = containers.find(id);
    if (it == containers.end()) return NotFound(id);
    stops.emplace_back(id, timeout);
    it->second.state.status = "stopped";
    it->second.state.shim_alive = false;
    return Status::Ok();
  }
  Status Kill(const std::string& id, int signal) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    kills.emplace_back(id, signal);
    return containers.contains(id) ? Status::Ok() : NotFound(id);
  }
  Status Remove(const std::string& id) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    containers.erase(id);
    removed.push_back(id);
    return Status::Ok();
  }
  Result<ContainerState> Inspect(const std::string& id) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    auto it = containers.find(id);
    if (it == containers.end()) return NotFound("No container " + id);
    return it->second.state;
  }
  Result<std::vector<std::string>> List() override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    std::vector<std::string> ids;
    for (const auto& [id, c] : containers) ids.push_back(id);
    return ids;
  }
  Result<std::vector<std::string>> Logs(const std::string& id, size_t tail) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    auto it = containers.find(id);
    if (it == containers.end()) return NotFound(id);
    const auto& log = it->second.log;
    size_t first = tail > 0 && log.size() > tail ? log.size() - tail : 0;
    return std::vector<std::string>(log.begin() + static_cast<std::ptrdiff_t>(first), log.end());
  }
  Result<std::vector<std::string>> LogsAfter(const std::string& id, uint64_t& offset) override {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    auto it = containers.find(id);
    if (it == containers.end()) return std::vector<std::string>{};
    const auto& log = it->second.log;
    std::vector<std::string> lines(log.begin() + static_cast<std::ptrdiff_t>(offset), log.end());
    offset = log.size();  // the fake counts lines, not bytes
    return lines;
  }

  std::map<std::string, Container> containers;
  std::vector<ContainerSpec> attached;
  int attached_exit_code = 0;
  Status start_error;
  std::vector<std::pair<std::string, std::chrono::milliseconds>> stops;
  std::vector<std::pair<std::string, int>> kills;
  std::vector<std::string> removed;
  std::vector<std::string> restarted;
  std::map<std::string, Status> restart_errors;  // Restart of these ids fails so
  std::chrono::milliseconds restart_delay{0};
  int restarts_now = 0;
  int max_restarts_at_once = 0;  // the most Restart calls that overlapped
  std::vector<std::pair<std::string, std::vector<std::string>>> execs;
  int exec_exit_code = 0;
  std::recursive_mutex mutex;  // guards everything above
};

}  // namespace berth::test
