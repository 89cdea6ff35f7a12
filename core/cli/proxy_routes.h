// The bridge between berth's state and the proxy: every app's routes collected
// from the store, and the running proxy brought up to date with them. The
// scheduler calls RebuildProxy after it has switched an app's upstreams.
//
// Properties read (plugin "proxy" unless noted):
//   type                app or global: nginx | haproxy (default nginx)
//   http-port, https-port   global: what host ports 80/443 listen on
//   disabled            app: "true" after proxy:disable
//   custom-template-path    app: the app's own nginx.conf.mustache, saved by the build
//   scheduler/web-upstreams app: comma-separated IPv4 addresses of the serving web containers
#pragma once

#include <string>
#include <vector>

#include "core/cli/command.h"
#include "core/cli/service_addresses.h"
#include "core/proxy/proxy.h"

namespace berth {

inline constexpr char kProxyPlugin[] = "proxy";
inline constexpr char kSchedulerPlugin[] = "scheduler";
inline constexpr char kWebUpstreamsKey[] = "web-upstreams";

// Every app's routes, in name order (disabled apps too, with enabled=false).
// Domains: the app's, else APP.D for the first global domain D, else none.
// Ports: the app's, else http:80:5000; an app with a certificate and no https
// mapping also gets https:443:<the container port of its first http mapping>.
// Malformed upstream addresses are left out with a warning. Upstreams are the
// apps' service addresses where there are (UseServiceAddresses); `services`,
// when given, gets the NAT rules that go with them.
Result<std::vector<AppRoutes>> CollectRoutes(Context& ctx, ServicePlan* services = nullptr);

// CollectRoutes, only the apps whose proxy type (ProxyTypeOf) is `type`.
Result<std::vector<AppRoutes>> RoutesOfType(Context& ctx, const std::string& type);

// Collects the routes and applies them to each proxy type that is running (the
// apps whose type it is), then fires proxy-build-config for each of those apps.
// Does nothing and returns Ok when no proxy runs; kFailedPrecondition, changing
// nothing, when a proxy that was started has died since (proxy:start again).
Status RebuildProxy(Context& ctx);

// Validates now the configuration RebuildProxy would apply once `app`'s web
// upstreams are `web_ips`, changing nothing; the proxy remembers the text it
// accepted, so the rebuild after the health checks only swaps and reloads.
// Best effort: a failure here is reported by that rebuild.
void PrevalidateProxySwitch(Context& ctx, const std::string& app,
                            const std::vector<std::string>& web_ips);

// Renders the configuration of every app served by proxy `type` and starts it
// (proxy:start); says so when it already runs.
Status StartProxy(Context& ctx, const std::string& type);

// Starts again each proxy that was started and is not running any more (a
// reboot, a crash): ps:restore does this once the apps' containers are back.
Status StartDiedProxies(Context& ctx);

// The app's proxy type: its own setting, else the global one, else "nginx".
// An empty `app` gives the global type.
Result<std::string> ProxyTypeOf(Context& ctx, const std::string& app);

// The proxy's settings from berth's environment and the global ports.
Result<ProxySettings> LoadProxySettings(Context& ctx);

// Where an app's certificate lives: $root/proxy/certs/APP/{server.crt,server.key}.
std::string CertDir(const Environment& env, const std::string& app);

}  // namespace berth
