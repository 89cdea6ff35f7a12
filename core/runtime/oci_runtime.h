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
  Status Restart(const ContainerSpec& spec, const std::vector<std::string>& lower_dirs,
                 const DetachedOptions& options) override;
  Result<int> Exec(const std::string& id, const std::vector<std::string>& args,
                   bool tty) override;
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
  enum class BundleUse {
    kAttached,       // a fresh bundle for RunAttached
    kDetached,       // a fresh bundle for a shim
    kDetachedAgain,  // a shim's bundle, which may exist already (log and upper dir kept)
  };
  // Records this process as the bundle's owner, writes config.json and mounts
  // the overlay; cleans up after itself on failure.
  Status PrepareBundle(const ContainerSpec& spec, const std::vector<std::string>& lower_dirs,
                       BundleUse use);
  // Fills in owner_pid and owner_alive from BUNDLE/owner.
  void ReadOwner(const std::string& id, ContainerState& state) const;
  // Deletes the runtime's record of `id` (whatever its state) and unmounts its rootfs.
  Status ForgetRun(const std::string& id);
  // Writes the bundle's on-exit commands and starts its shim. On failure a
  // fresh bundle is removed; a reused one is only unmounted.
  Status LaunchShim(const ContainerSpec& spec, const DetachedOptions& options, bool fresh);
  std::string RuntimeStateDir() const;

  ProcessRunner& runner_;
  OciRuntimeOptions options_;
};

}  // namespace berth
