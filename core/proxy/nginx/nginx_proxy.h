// The nginx proxy: one nginx master berth starts itself (`nginx -c CONF -p DIR/`),
// configured from proxy-templates/nginx.conf.mustache; `nginx -t` validates,
// SIGHUP reloads (new workers start on the new configuration, old ones finish
// their requests), SIGQUIT stops gracefully.
#pragma once

#include <string>
#include <vector>

#include "core/proxy/managed_proxy.h"

namespace berth {

class NginxProxy : public ManagedProxy {
 public:
  // `worker_user`: the user nginx's workers run as ("" keeps berth's user).
  NginxProxy(ProcessRunner& runner, ProxySettings settings, std::string worker_user);

  Result<std::string> Render(const std::vector<AppRoutes>& apps) override;

 protected:
  std::vector<std::string> ValidateCommand(const std::string& path) const override;
  std::vector<std::string> StartCommand() const override;
  int ReloadSignal() const override;
  int StopSignal() const override;
  int OldWorkerStopSignal() const override;
  Status PrepareFiles(const std::vector<AppRoutes>& apps) override;  // the temp dir

 private:
  std::string worker_user_;
};

std::unique_ptr<Proxy> MakeNginxProxy(ProcessRunner& runner, const ProxySettings& settings);

}  // namespace berth
