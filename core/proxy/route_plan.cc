#include "core/proxy/route_plan.h"

#include <algorithm>
#include <map>

namespace berth {
namespace {

int ListenPort(int host_port, const ProxySettings& settings) {
  if (host_port == 80) return settings.http_port;
  if (host_port == 443) return settings.https_port;
  return host_port;
}

std::string UpstreamName(const std::string& app, int container_port) {
  return app + "-" + std::to_string(container_port);
}

// The upstream for (app, container port), made on first use.
Upstream& UpstreamFor(AppPlan& plan, int container_port, bool tcp) {
  for (auto& u : plan.upstreams) {
    if (u.port == container_port && u.tcp == tcp) return u;
  }
  Upstream u;
  u.name = UpstreamName(plan.routes->app, container_port) + (tcp ? "-tcp" : "");
  u.port = container_port;
  u.tcp = tcp;
  for (const auto& ip : plan.routes->upstreams)
    u.addresses.push_back(ip + ":" + std::to_string(container_port));
  plan.upstreams.push_back(std::move(u));
  return plan.upstreams.back();
}

AppPlan PlanApp(const AppRoutes& app, const ProxySettings& settings, bool tcp_supported,
                std::string_view proxy_name) {
  AppPlan plan;
  plan.routes = &app;
  if (!app.enabled) {
    plan.notes.push_back("proxy disabled (berth proxy:enable " + app.app + ")");
    return plan;
  }
  bool has_cert = !app.cert_path.empty() && !app.key_path.empty();
  for (const auto& m : app.ports) {
    std::string mapping = m.ToString();
    Listener l;
    l.scheme = m.scheme;
    l.port = ListenPort(m.host_port, settings);
    l.container_port = m.container_port;
    if (m.scheme == "tcp") {
      if (!tcp_supported) {
        plan.notes.push_back(mapping + " is not served by " + std::string(proxy_name) +
                             " (berth proxy:set " + app.app + " haproxy)");
        continue;
      }
    } else if (m.scheme == "http" || m.scheme == "https") {
      if (app.domains.empty()) {
        plan.notes.push_back(mapping + " has no domain to answer on (berth domains:add " + app.app +
                             " DOMAIN)");
        continue;
      }
      if (m.scheme == "https" && !has_cert) {
        plan.notes.push_back(mapping + " needs a certificate (berth certs:add " + app.app + ")");
        continue;
      }
    } else {
      plan.notes.push_back(mapping + ": scheme " + m.scheme + " is not supported by " +
                           std::string(proxy_name));
      continue;
    }
    bool duplicate = false;
    for (const auto& other : plan.listeners) duplicate = duplicate || other.port == l.port;
    if (duplicate) {
      plan.notes.push_back(mapping + " listens on port " + std::to_string(l.port) +
                           " already mapped for this app");
      continue;
    }
    l.upstream = UpstreamFor(plan, m.container_port, m.scheme == "tcp").name;
    plan.listeners.push_back(std::move(l));
  }
  // With a certificate, plain http answers with a redirect to the first https port.
  int https_port = 0;
  for (const auto& l : plan.listeners) {
    if (l.scheme == "https" && https_port == 0) https_port = l.port;
  }
  if (https_port != 0) {
    for (auto& l : plan.listeners) {
      if (l.scheme != "http") continue;
      l.redirect = true;
      l.redirect_port = https_port;
    }
  }
  plan.routed = !plan.listeners.empty();
  if (app.upstreams.empty() && plan.routed) {
    plan.notes.push_back("no web container serves yet: requests get a 503 page");
  }
  return plan;
}

}  // namespace

Result<RoutePlan> PlanRoutes(const std::vector<AppRoutes>& apps, const ProxySettings& settings,
                             bool tcp_supported, std::string_view proxy_name) {
  RoutePlan plan;
  for (const auto& app : apps)
    plan.apps.push_back(PlanApp(app, settings, tcp_supported, proxy_name));

  std::map<int, Frontend> by_port;
  by_port[settings.http_port] = Frontend{settings.http_port, "http", {}};
  for (size_t a = 0; a < plan.apps.size(); ++a) {
    const AppPlan& app = plan.apps[a];
    for (size_t l = 0; l < app.listeners.size(); ++l) {
      const Listener& listener = app.listeners[l];
      auto [it, inserted] =
          by_port.try_emplace(listener.port, Frontend{listener.port, listener.scheme, {}});
      Frontend& f = it->second;
      if (f.scheme != listener.scheme) {
        std::string other = f.routes.empty() ? "the global http port"
                                             : plan.apps[f.routes.front().first].routes->app;
        return InvalidArgument("Port " + std::to_string(listener.port) + " cannot serve both " +
                               f.scheme + " (" + other + ") and " + listener.scheme + " (" +
                               app.routes->app + "): change one with berth ports:set");
      }
      if (f.scheme == "tcp" && !f.routes.empty()) {
        return InvalidArgument("tcp port " + std::to_string(listener.port) + " is mapped by both " +
                               plan.apps[f.routes.front().first].routes->app + " and " +
                               app.routes->app + ": a tcp port serves one app");
      }
      f.routes.emplace_back(a, l);
    }
  }
  for (auto& [port, f] : by_port) plan.frontends.push_back(std::move(f));
  return plan;
}

}  // namespace berth
