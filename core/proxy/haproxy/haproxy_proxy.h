// The haproxy proxy: one haproxy in master-worker mode berth starts itself
// (`haproxy -W -D -f CFG -p PID`), configured from
// proxy-templates/haproxy.cfg.mustache; `haproxy -c` validates, SIGUSR2 reloads
// (the master re-reads the configuration and starts a new worker on the same
// listening sockets; the old worker finishes its connections), SIGUSR1 stops
// gracefully. haproxy wants a certificate and its key in one file: Apply writes
// those bundles and one crt-list per https port (SNI -> certificate) under
// $root/proxy/haproxy/certs/.
#pragma once

#include <string>
#include <vector>

#include "core/proxy/managed_proxy.h"

namespace berth {

class HaproxyProxy : public ManagedProxy {
 public:
  // `worker_user`: the user (and group) haproxy's worker runs as ("" keeps berth's).
  HaproxyProxy(ProcessRunner& runner, ProxySettings settings, std::string worker_user);

  Result<std::string> Render(const std::vector<AppRoutes>& apps) override;

  std::string certs_dir() const { return dir() + "/certs"; }

 protected:
  std::vector<std::string> ValidateCommand(const std::string& path) const override;
  std::vector<std::string> StartCommand() const override;
  int ReloadSignal() const override;
  int StopSignal() const override;
  Status PrepareFiles(const std::vector<AppRoutes>& apps) override;

 private:
  std::string worker_user_;
};

std::unique_ptr<Proxy> MakeHaproxyProxy(ProcessRunner& runner, const ProxySettings& settings);

}  // namespace berth
