// Service addresses for the proxy's upstreams (core/runtime/service_nat.h):
// web slot N of an app holds the address "APP.web.N.svc" in berth's IPAM, and
// the proxy's configuration names those instead of the containers' addresses.
// A deploy then changes NAT rules, not the proxy's configuration, so the proxy
// is not reloaded and keeps its clients' keep-alive connections.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/cli/command.h"
#include "core/proxy/proxy.h"
#include "core/runtime/service_nat.h"

namespace berth {

// Whether an IPAM holder id is a service address's ("APP.web.N.svc"), not a
// container's.
bool IsServiceAddressHolder(std::string_view id);

struct ServicePlan {
  BridgeConfig bridge;   // the bridge the service addresses are on
  std::string nat_tool;  // "iptables", "nft"; "": none, and then no service addresses
  std::vector<ServiceRoute> routes;   // every serving slot: service -> container
  std::vector<ServiceRoute> leaving;  // slots let go, to a container still serving meanwhile
  std::vector<std::string> leaving_ids;  // their holders, released once the proxy moved
};

// For every app whose upstreams are all on berth's bridge: a service address
// per slot (the missing ones allocated) in place of the containers' addresses
// in its upstreams, and stable_upstreams set. Apps with an upstream elsewhere
// (host networking) keep their containers' addresses. Nothing when the host
// has no NAT tool.
Result<ServicePlan> UseServiceAddresses(Context& ctx, std::vector<AppRoutes>& routes);

// Whether the app's web slots are served through service addresses now: then
// a switch leaves the proxy's pooled connections to the old containers in use
// for up to kServiceDrain (the template's keepalive_time 1s, and the requests
// on them), and those must not be stopped sooner.
bool ServesThroughServiceAddresses(Context& ctx, const std::string& app);
inline constexpr std::chrono::milliseconds kServiceDrain{2000};

// Before the proxy applies the routes: the rules of `plan`, slots leaving
// included, in one transaction.
Status SwitchServices(Context& ctx, const ServicePlan& plan);

// After: the leaving slots' rules go and their addresses are released.
Status SettleServices(Context& ctx, const ServicePlan& plan);

}  // namespace berth
