#include "core/proxy/nginx/nginx_proxy.h"

#include <signal.h>

#include "core/base/files.h"
#include "core/proxy/route_plan.h"
#include "core/proxy/template_render.h"

namespace berth {

NginxProxy::NginxProxy(ProcessRunner& runner, ProxySettings settings, std::string worker_user)
    : ManagedProxy("nginx", "nginx.conf", runner, std::move(settings)),
      worker_user_(std::move(worker_user)) {}

Result<std::string> NginxProxy::Render(const std::vector<AppRoutes>& apps) {
  BERTH_ASSIGN_OR_RETURN(RoutePlan plan,
                         PlanRoutes(apps, settings(), /*tcp_supported=*/false, "nginx"));
  TemplateInput input;
  input.template_path = settings().share_dir + "/proxy-templates/nginx.conf.mustache";
  input.globals = {
      {"root", settings().root},
      {"proxy_dir", dir()},
      {"pid_file", pid_path()},
      {"log_dir", log_dir()},
      {"temp_dir", dir() + "/tmp"},
      {"worker_user", worker_user_},
      {"http_port", std::to_string(settings().http_port)},
      {"https_port", std::to_string(settings().https_port)},
      {"workers", std::to_string(settings().threads)},
  };
  input.custom_templates = true;
  return RenderProxyTemplate(input, plan);
}

std::vector<std::string> NginxProxy::ValidateCommand(const std::string& path) const {
  return {"nginx", "-t", "-q", "-e", "stderr", "-p", dir() + "/", "-c", path};
}

std::vector<std::string> NginxProxy::StartCommand() const {
  return {"nginx", "-e", log_dir() + "/error.log", "-p", dir() + "/", "-c", config_path()};
}

Status NginxProxy::PrepareFiles(const std::vector<AppRoutes>& apps) {
  (void)apps;
  // nginx makes the temp_dir subdirectories (owned by its workers' user), not their parent.
  return MakeDirs(dir() + "/tmp");
}

int NginxProxy::ReloadSignal() const { return SIGHUP; }
int NginxProxy::StopSignal() const { return SIGQUIT; }
// After forking the new workers nginx's master sleeps 100 ms before it tells the
// old ones to finish (ngx_master_process_cycle). Until then they keep accepting,
// and the kernel wakes the longest-waiting worker first: new connections keep
// getting the old configuration. SIGQUIT is what the master would send them.
int NginxProxy::OldWorkerStopSignal() const { return SIGQUIT; }

std::unique_ptr<Proxy> MakeNginxProxy(ProcessRunner& runner, const ProxySettings& settings) {
  return std::make_unique<NginxProxy>(runner, settings, WorkerUserIfRoot("www-data"));
}

}  // namespace berth
