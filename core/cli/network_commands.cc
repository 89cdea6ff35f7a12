// network:* — how an app's containers are networked: "none" (loopback only,
// the default), "bridge" (an address on berth's bridge, reachable from the
// host) or "host" (the host's own network). Globally: the bridge's name and
// subnet (two berths on one host, each with its own BERTH_ROOT, need their own).
#include "core/base/files.h"
#include "core/cli/helpers.h"
#include "core/cli/report.h"
#include "core/cli/service_addresses.h"
#include "core/runtime/container_spec.h"
#include "core/runtime/network.h"

namespace berth {

// The app's network mode (its own, else the global one, else none) and the
// bridge settings. Used by run.
Result<NetworkMode> AppNetworkMode(Context& ctx, const std::string& app, NetworkMode fallback);
Result<BridgeConfig> BridgeSettings(Context& ctx);

namespace {

Result<NetworkMode> ParseMode(std::string_view text) {
  if (text == "none") return NetworkMode::kNone;
  if (text == "bridge") return NetworkMode::kBridge;
  if (text == "host") return NetworkMode::kHost;
  return InvalidArgument("Invalid network mode '" + std::string(text.substr(0, 20)) +
                         "': use bridge, host or none");
}

// An interface name the kernel takes (at most 15 characters) that is not one
// of berth's veth names; an existing interface of that name must be a bridge.
Status CheckBridgeName(const std::string& name, const std::string& sys_class_net) {
  bool valid = !name.empty() && name.size() <= 15 &&
               name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789_-") == std::string::npos &&
               !name.starts_with("bv");
  if (!valid) {
    return InvalidArgument("Invalid bridge name '" + name.substr(0, 20) +
                           "': use 1 to 15 letters, digits, '-' or '_', not starting with 'bv'");
  }
  std::string dir = sys_class_net + "/" + name;
  if (PathExists(dir) && !PathExists(dir + "/bridge")) {
    return InvalidArgument("Interface " + name + " exists and is not a bridge: choose another name");
  }
  return Status::Ok();
}

Result<std::string> ModeText(Context& ctx, const Scope& scope) {
  BERTH_ASSIGN_OR_RETURN(auto mode, ctx.store->GetProperty(kNetworkPlugin, scope, "mode"));
  return mode.value_or("");
}

Status Set(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  if (rest.empty() || rest.size() > 2) {
    return InvalidArgument("Usage: berth network:set APP|--global mode|bridge|subnet [VALUE]");
  }
  const std::string& key = rest[0];
  bool global_key = key == "subnet" || key == "bridge";
  if (key != "mode" && !(global_key && scope.global())) {
    return InvalidArgument("Unknown network property '" + key.substr(0, 40) +
                           "': use mode (bridge, host, none), or bridge or subnet with --global");
  }
  if (rest.size() == 1) {  // no value: back to the default
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kNetworkPlugin, scope, key));
    ctx.out.Step("Unset network " + key + " for " + ScopeName(scope));
    return Status::Ok();
  }
  std::string value = rest[1];
  if (key == "mode") BERTH_RETURN_IF_ERROR(ParseMode(value).status());
  if (key == "subnet") {
    BERTH_ASSIGN_OR_RETURN(Ipv4Subnet subnet, ParseIpv4Subnet(value));
    value = subnet.ToString();
  }
  if (key == "bridge") BERTH_RETURN_IF_ERROR(CheckBridgeName(value, "/sys/class/net"));
  if (global_key) {
    BERTH_ASSIGN_OR_RETURN(auto used, ctx.store->ListAddresses(""));
    if (!used.empty()) {
      return FailedPrecondition("Cannot change the " + key + " while " + std::to_string(used.size()) +
                                " container(s) hold addresses on it; stop them first");
    }
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kNetworkPlugin, scope, key, value));
  ctx.out.Step("Set network " + key + " to " + value + " for " + ScopeName(scope));
  return Status::Ok();
}

Status ReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(std::string mine, ModeText(ctx, Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(std::string global, ModeText(ctx, Scope::Global()));
  BERTH_ASSIGN_OR_RETURN(BridgeConfig bridge, BridgeSettings(ctx));
  BERTH_ASSIGN_OR_RETURN(auto addresses, ctx.store->ListAddresses(""));
  std::string held;
  std::string services;  // the proxy's, one per web slot (service_addresses.h)
  for (const AddressRecord& a : addresses) {
    if (!a.container_id.starts_with(app + ".")) continue;
    std::string& list = IsServiceAddressHolder(a.container_id) ? services : held;
    list += (list.empty() ? "" : " ") + a.container_id + "=" + a.address;
  }
  Report report(app + " network information");
  report.Add("Network computed mode", !mine.empty() ? mine : !global.empty() ? global : "none");
  report.Add("Network global mode", global);
  report.Add("Network mode", mine);
  report.Add("Network bridge", bridge.bridge);
  report.Add("Network subnet", bridge.subnet.ToString());
  report.Add("Network addresses", held);
  report.Add("Network service addresses", services);
  std::string nat = BridgeNetwork::NatTool();
  report.Add("Network outbound nat",
             nat.empty() ? "none (neither iptables nor nft is installed, or BERTH_NAT=off)"
                         : "masquerade via " + nat);
  report.Add("Network isolation",
             "containers on the bridge reach the host and the outside, not each other");
  return report.Print(ctx.out, args);
}

Status NetworkReport(Context& ctx, const Args& args) {
  return ReportAppOrAll(ctx, args, ReportOne);
}

}  // namespace

Result<NetworkMode> AppNetworkMode(Context& ctx, const std::string& app, NetworkMode fallback) {
  BERTH_ASSIGN_OR_RETURN(std::string mode, ModeText(ctx, Scope::App(app)));
  if (mode.empty()) {
    BERTH_ASSIGN_OR_RETURN(mode, ModeText(ctx, Scope::Global()));
  }
  return mode.empty() ? fallback : ParseMode(mode);
}

Result<BridgeConfig> BridgeSettings(Context& ctx) {
  BERTH_ASSIGN_OR_RETURN(auto subnet, ctx.store->GetProperty(kNetworkPlugin, Scope::Global(), "subnet"));
  BERTH_ASSIGN_OR_RETURN(auto bridge, ctx.store->GetProperty(kNetworkPlugin, Scope::Global(), "bridge"));
  BridgeConfig config;
  BERTH_ASSIGN_OR_RETURN(config.subnet, ParseIpv4Subnet(subnet.value_or(std::string(kDefaultSubnet))));
  config.bridge = bridge.value_or(std::string(kDefaultBridge));
  return config;
}

// For ps:retire: namespaces and veths no address accounts for; their names.
std::vector<std::string> RemoveStaleNetworks(Context& ctx) {
  auto config = BridgeSettings(ctx);
  if (!config.ok()) return {};
  return BridgeNetwork(ctx.runner, *ctx.store, std::move(*config)).RemoveStale();
}

void RegisterNetworkCommands(CommandRegistry& registry) {
  registry.Add({"network", "Manage how an app's containers are networked", {
      {.name = "network:set", .usage = "network:set APP|--global mode|bridge|subnet [VALUE]",
       .summary = "Set the network mode (bridge, host, none) or, globally, the bridge's name or "
                  "subnet; no value restores the default",
       .handler = Set, .flags = {{"global", false}}, .host_only = true},
      {.name = "network:report", .usage = "network:report [APP] [--format json] [--<key>]",
       .summary = "Display network information", .handler = NetworkReport,
       .flags = {{"format", true}}, .any_flag = true},
  }});
}

}  // namespace berth
