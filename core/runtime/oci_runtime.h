// OciRuntime: containers as OCI bundles under $BERTH_ROOT/containers/ID
// (config.json, rootfs = overlay mount, upper/, work/), run by an OCI runtime
// binary whose own state lives in $BERTH_ROOT/runtime/NAME.
#pragma once

#include <string>

#include "core/base/process.h"
#include "core/runtime/container_runtime.h"

namespace berth {

struct OciRuntimeOptions {
  std::string berth_root;
  std::string runtime_binary;  // "runc" or "crun" (a name in PATH or a path)
  std::string shim_binary;     // berth-shim, for detached containers
};

// berth-shim beside the berth executable at `berth_bin`.
std::string ShimBesideBerth(const std::string& berth_bin);

// runc by default; crun when it is installed and the host runs cgroup v2 only;
// $BERTH_OCI_RUNTIME, when set, wins.
std::string SelectOciRuntime();

class OciRuntime : public ContainerRuntime {
 public:
  OciRuntime(ProcessRunner& runner, OciRuntimeOptions options);

  Result<int> RunAttached(const ContainerSpec& spec,
                          const std::vector<std::string>& lower_dirs) override;
  Status StartDetached(const ContainerSpec& spec, const std::vector<std::string>& lower_dirs,
                       const DetachedOptions& options) override;
  Status Stop(const std::string& id, std::chrono::milliseconds timeout) override;
  Status Kill(const std::string& id, int signal) override;
  Status Remove(const std::string& id) override;
  Result<ContainerState> Inspect(const std::string& id) override;
  Result<std::vector<std::string>> List() override;
  Result<std::vector<std::string>> Logs(const std::string& id, size_t tail) override;
  Result<std::vector<std::string>> LogsAfter(const std::string& id, uint64_t& offset) override;

  std::string BundleDir(const std::string& id) const;

 private:
  // The runtime's argv prefix: BINARY --root STATE_DIR.
  std::vector<std::string> RuntimeArgv() const;
  // Removes the runtime's record, the overlay mount and the bundle directory.
  void Cleanup(const std::string& id);
  // Writes config.json and mounts the overlay; cleans up after itself on failure.
  Status PrepareBundle(const ContainerSpec& spec, const std::vector<std::string>& lower_dirs);
  std::string RuntimeStateDir() const;

  ProcessRunner& runner_;
  OciRuntimeOptions options_;
};

}  // namespace berth
