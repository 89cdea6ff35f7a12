// RoutePlan: what a proxy must listen on and where each request goes, worked
// out once from the apps' routes so both proxies (and their templates) agree:
// listen ports after the 80/443 -> global port translation, one upstream per
// container port, HTTP->HTTPS redirects, and the ports grouped into frontends.
#pragma once

#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/proxy/proxy.h"

namespace berth {

// One port an app is served on.
struct Listener {
  std::string scheme;  // http, https, tcp
  int port = 0;        // the port the proxy listens on
  int container_port = 0;
  std::string upstream;   // the Upstream::name traffic goes to
  bool redirect = false;  // http that answers with a redirect to https
  int redirect_port = 0;  // where the redirect goes (an https listener's port)
};

// The web containers behind one container port of an app.
struct Upstream {
  std::string name;                    // "APP-PORT"
  int port = 0;                        // the container port
  bool tcp = false;                    // serves a tcp listener (haproxy: mode tcp)
  std::vector<std::string> addresses;  // "IP:PORT", round-robin
};

struct AppPlan {
  const AppRoutes* routes = nullptr;
  bool routed = false;  // enabled and with at least one listener
  std::vector<Listener> listeners;
  std::vector<Upstream> upstreams;
  std::vector<std::string> notes;  // why a mapping or the app is not served
};

// Every app served on one port, as a proxy frontend binds it.
struct Frontend {
  int port = 0;
  std::string scheme;  // http, https, tcp
  // (app index into RoutePlan::apps, listener index into its listeners)
  std::vector<std::pair<size_t, size_t>> routes;
};

struct RoutePlan {
  std::vector<AppPlan> apps;        // in the order given
  std::vector<Frontend> frontends;  // by port; the http port is always there
};

// kInvalidArgument when two mappings want one port as different schemes, or a
// tcp port is shared (tcp cannot route by Host). With `tcp_supported` false,
// tcp mappings are left out with a note.
Result<RoutePlan> PlanRoutes(const std::vector<AppRoutes>& apps, const ProxySettings& settings,
                             bool tcp_supported, std::string_view proxy_name);

}  // namespace berth
