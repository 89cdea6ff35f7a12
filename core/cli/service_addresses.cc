#include "core/cli/service_addresses.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/base/ipv4.h"
#include "core/runtime/network.h"

namespace berth {

Result<BridgeConfig> BridgeSettings(Context& ctx);  // network_commands.cc

namespace {

constexpr std::string_view kHolderSuffix = ".svc";

std::string HolderId(const std::string& app, size_t slot) {
  return app + ".web." + std::to_string(slot) + std::string(kHolderSuffix);
}

// The app of a holder id "APP.web.N.svc" (app names have no dots).
std::string HolderApp(const std::string& id) { return id.substr(0, id.find('.')); }

bool InSubnet(const Ipv4Subnet& net, const std::string& address) {
  auto numeric = ParseIpv4(address);
  return numeric.ok() && net.Contains(*numeric);
}

}  // namespace

bool IsServiceAddressHolder(std::string_view id) { return id.ends_with(kHolderSuffix); }

Result<ServicePlan> UseServiceAddresses(Context& ctx, std::vector<AppRoutes>& routes) {
  ServicePlan plan;
  BERTH_ASSIGN_OR_RETURN(plan.bridge, BridgeSettings(ctx));
  plan.nat_tool = BridgeNetwork::NatTool(plan.bridge.nat);
  if (plan.nat_tool.empty()) return plan;
  const BridgeConfig& bridge = plan.bridge;
  BERTH_ASSIGN_OR_RETURN(auto addresses, ctx.store->ListAddresses(""));
  std::map<std::string, std::string> held;  // holder -> service address
  for (const AddressRecord& a : addresses) {
    if (!IsServiceAddressHolder(a.container_id)) continue;
    if (a.network == bridge.bridge && InSubnet(bridge.subnet, a.address)) {
      held[a.container_id] = a.address;
    } else {
      // Of a bridge or subnet berth no longer uses: no rule points at it.
      BERTH_RETURN_IF_ERROR(ctx.store->ReleaseAddress(a.container_id));
    }
  }
  std::set<std::string> kept;
  std::map<std::string, std::string> still_serving;  // app -> one of its containers
  for (AppRoutes& r : routes) {
    bool on_bridge = !r.upstreams.empty() &&
                     std::all_of(r.upstreams.begin(), r.upstreams.end(),
                                 [&](const std::string& a) { return InSubnet(bridge.subnet, a); });
    if (!on_bridge) continue;
    std::vector<std::string> services;
    for (size_t i = 0; i < r.upstreams.size(); ++i) {
      std::string id = HolderId(r.app, i + 1);
      std::string service;
      if (auto it = held.find(id); it != held.end()) {
        service = it->second;
      } else {
        BERTH_ASSIGN_OR_RETURN(service, ctx.store->AllocateAddress(bridge.bridge,
                                                                   bridge.subnet.ToString(), id));
      }
      kept.insert(id);
      plan.routes.push_back({service, r.upstreams[i]});
      services.push_back(service);
    }
    still_serving[r.app] = r.upstreams.front();
    r.upstreams = std::move(services);
    r.stable_upstreams = true;
  }
  for (const auto& [id, service] : held) {
    if (kept.contains(id)) continue;
    plan.leaving_ids.push_back(id);
    if (auto it = still_serving.find(HolderApp(id)); it != still_serving.end()) {
      plan.leaving.push_back({service, it->second});
    }
  }
  return plan;
}

bool ServesThroughServiceAddresses(Context& ctx, const std::string& app) {
  auto addresses = ctx.store->ListAddresses("");
  if (!addresses.ok()) return false;
  return std::any_of(addresses->begin(), addresses->end(), [&](const AddressRecord& a) {
    return a.container_id == HolderId(app, 1);
  });
}

Status SwitchServices(Context& ctx, const ServicePlan& plan) {
  // No service address at all: no rule to add or keep.
  if (plan.nat_tool.empty() || (plan.routes.empty() && plan.leaving_ids.empty())) return Status::Ok();
  std::vector<ServiceRoute> all = plan.routes;
  all.insert(all.end(), plan.leaving.begin(), plan.leaving.end());
  return ServiceNat(ctx.runner, plan.bridge, plan.nat_tool).Sync(all);
}

Status SettleServices(Context& ctx, const ServicePlan& plan) {
  if (plan.nat_tool.empty() || plan.leaving_ids.empty()) return Status::Ok();
  BERTH_RETURN_IF_ERROR(ServiceNat(ctx.runner, plan.bridge, plan.nat_tool).Sync(plan.routes));
  for (const std::string& id : plan.leaving_ids) BERTH_RETURN_IF_ERROR(ctx.store->ReleaseAddress(id));
  return Status::Ok();
}

}  // namespace berth
