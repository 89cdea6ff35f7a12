#include "core/proxy/haproxy/haproxy_proxy.h"

#include <signal.h>

#include "core/base/files.h"
#include "core/proxy/route_plan.h"
#include "core/proxy/template_render.h"

namespace berth {
namespace {

std::string CrtListPath(const std::string& proxy_dir, int port) {
  return proxy_dir + "/certs/" + std::to_string(port) + ".list";
}

std::string BundlePath(const std::string& certs_dir, const std::string& app) {
  return certs_dir + "/" + app + ".pem";
}

}  // namespace

HaproxyProxy::HaproxyProxy(ProcessRunner& runner, ProxySettings settings, std::string worker_user)
    : ManagedProxy("haproxy", "haproxy.cfg", runner, std::move(settings)),
      worker_user_(std::move(worker_user)) {}

Result<std::string> HaproxyProxy::Render(const std::vector<AppRoutes>& apps) {
  BERTH_ASSIGN_OR_RETURN(RoutePlan plan,
                         PlanRoutes(apps, settings(), /*tcp_supported=*/true, "haproxy"));
  TemplateInput input;
  input.template_path = settings().share_dir + "/proxy-templates/haproxy.cfg.mustache";
  input.globals = {
      {"root", settings().root},
      {"proxy_dir", dir()},
      {"pid_file", pid_path()},
      {"log_dir", log_dir()},
      {"worker_user", worker_user_},
      {"http_port", std::to_string(settings().http_port)},
      {"https_port", std::to_string(settings().https_port)},
      {"threads", std::to_string(settings().threads)},
  };
  input.crt_list_path = CrtListPath;
  return RenderProxyTemplate(input, plan);
}

Status HaproxyProxy::PrepareFiles(const std::vector<AppRoutes>& apps) {
  BERTH_ASSIGN_OR_RETURN(RoutePlan plan,
                         PlanRoutes(apps, settings(), /*tcp_supported=*/true, "haproxy"));
  BERTH_RETURN_IF_ERROR(MakeDirs(certs_dir(), 0700));
  for (const auto& f : plan.frontends) {
    if (f.scheme != "https") continue;
    std::string list;
    for (const auto& [a, l] : f.routes) {
      const AppRoutes& app = *plan.apps[a].routes;
      BERTH_ASSIGN_OR_RETURN(std::string cert, ReadFile(app.cert_path));
      BERTH_ASSIGN_OR_RETURN(std::string key, ReadFile(app.key_path));
      if (!cert.empty() && cert.back() != '\n') cert.push_back('\n');
      std::string bundle = BundlePath(certs_dir(), app.app);
      BERTH_RETURN_IF_ERROR(WriteFileAtomic(bundle, cert + key, 0600));
      list += bundle;
      for (const auto& domain : app.domains) list += " " + domain;
      list += "\n";
    }
    BERTH_RETURN_IF_ERROR(WriteFileAtomic(CrtListPath(dir(), f.port), list, 0600));
  }
  return Status::Ok();
}

std::vector<std::string> HaproxyProxy::ValidateCommand(const std::string& path) const {
  return {"haproxy", "-c", "-q", "-f", path};
}

std::vector<std::string> HaproxyProxy::StartCommand() const {
  return {"haproxy", "-W", "-D", "-f", config_path(), "-p", pid_path()};
}

int HaproxyProxy::ReloadSignal() const { return SIGUSR2; }
int HaproxyProxy::StopSignal() const { return SIGUSR1; }

std::unique_ptr<Proxy> MakeHaproxyProxy(ProcessRunner& runner, const ProxySettings& settings) {
  return std::make_unique<HaproxyProxy>(runner, settings, WorkerUserIfRoot("haproxy"));
}

}  // namespace berth
