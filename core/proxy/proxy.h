// Proxy: the HTTP(S) front door. berth renders one whole configuration for a
// proxy (nginx or haproxy, from proxy-templates/) out of every app's routes,
// validates it with the proxy's own checker, swaps it in atomically and reloads
// the proxy process it runs itself, gracefully. Each proxy type lives in its
// own folder (core/proxy/nginx/, core/proxy/haproxy/) and is registered by name
// in proxy_registry.cc.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/process.h"
#include "core/base/status.h"
#include "core/state/store.h"

namespace berth {

// Everything a proxy needs to know about one app.
struct AppRoutes {
  std::string app;
  std::vector<std::string> domains;    // server names (Host); no domains: the app is not routed
  std::vector<PortMapping> ports;      // scheme http|https|tcp, host_port, container_port;
                                       // host ports 80/443 mean the global listen ports
  std::vector<std::string> upstreams;  // IPv4 addresses of the web containers serving now;
                                       // the port is each mapping's container_port
  // The upstreams are the app's service addresses (one per web slot, switched
  // by NAT rules: core/runtime/service_nat.h), not its containers': they stay
  // the same from one deploy to the next, so the proxy is not reloaded and
  // may keep its clients' connections open.
  bool stable_upstreams = false;
  std::string cert_path, key_path;     // set when the app has a certificate
  bool enabled = true;                 // false: proxy:disable APP, not routed
  std::string custom_template;         // the app's own nginx.conf.mustache, or ""
  // Set (from a plugin's proxy-static-responses answer): the proxy answers every
  // request to the app itself, with this status (400-599) and the HTML file at
  // static_page, instead of passing it to the containers (a maintenance page).
  int static_status = 0;
  std::string static_page;
};

struct ProxySettings {
  std::string root;       // BERTH_ROOT; the proxy keeps its files in $root/proxy/TYPE/
  std::string share_dir;  // holds proxy-templates/
  int http_port = 80;     // what host port 80 in a mapping listens on
  int https_port = 443;   // what host port 443 in a mapping listens on
  // haproxy's threads (nbthread). The proxy shares the host's cores with the
  // apps behind it: ProxyThreadsFor gives half of them.
  int threads = 1;
};

// Half of `cores`, at least 1: on 2 cores one haproxy thread serves 1.5x the
// requests two do beside the app and the client (docs/performance.md).
int ProxyThreadsFor(unsigned cores);

class Proxy {
 public:
  virtual ~Proxy() = default;

  // The whole configuration text for these apps. kInvalidArgument when the
  // routes cannot be served together (one port wanted as http and as https,
  // a broken custom template...); kInternal when the template is unreadable.
  virtual Result<std::string> Render(const std::vector<AppRoutes>& apps) = 0;

  // Renders to a temp file, validates it (nginx -t / haproxy -c), renames it over
  // the live configuration and, when the proxy runs, reloads it gracefully. A
  // configuration that fails validation is never applied: the error carries the
  // validator's output. Starts nothing when the proxy is not running.
  virtual Status Apply(const std::vector<AppRoutes>& apps) = 0;

  // Renders and validates as Apply does, without applying anything: Ok when
  // Apply would accept these routes, else the validator's output.
  virtual Status Validate(const std::vector<AppRoutes>& apps) = 0;

  // Runs the proxy as a daemon of its own (pid file under $root/proxy/TYPE/) from
  // the configuration Apply wrote (kFailedPrecondition when there is none).
  // Idempotent: Ok when it already runs.
  virtual Status Start() = 0;
  // Stops it gracefully (in-flight requests finish), then forcibly after a few
  // seconds. Ok when it was not running.
  virtual Status Stop() = 0;
  // Makes the running proxy load the configuration on disk without dropping a
  // connection, and waits until it has. kFailedPrecondition when not running.
  virtual Status Reload() = 0;
  // Whether the daemon from our pid file is alive.
  virtual bool Running() = 0;
  // Whether the daemon was started and has gone without being stopped (killed,
  // crashed): its pid file remains, its process does not.
  virtual bool Died() { return false; }
};

// The proxy registered under `type` ("nginx", "haproxy"); kInvalidArgument for
// an unknown type, naming the known ones.
Result<std::unique_ptr<Proxy>> MakeProxy(std::string_view type, ProcessRunner& runner,
                                         const ProxySettings& settings);

// The registered proxy types, in registration order (the first is the default).
std::vector<std::string> ProxyTypes();

}  // namespace berth
