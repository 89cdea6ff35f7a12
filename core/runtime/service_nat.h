// ServiceNat: stable addresses for the proxy's upstreams. Every web slot of an
// app (web.1, web.2, ...) has a service address on berth's bridge that no
// container holds; a DNAT rule in the host's nat OUTPUT path sends the proxy's
// connections to it on to the container serving that slot now. A deploy swaps
// the rules in one transaction instead of reloading the proxy: connections
// already made stay with the container they reached (conntrack), new ones go
// to the new container, and the proxy keeps its clients' keep-alive
// connections.
#pragma once

#include <string>
#include <vector>

#include "core/base/process.h"
#include "core/base/status.h"
#include "core/runtime/network.h"

namespace berth {

// One slot: connections to `service` (any TCP port) go to `container`.
struct ServiceRoute {
  std::string service;    // IPv4, from the bridge's subnet
  std::string container;  // IPv4 of the container serving the slot
};

class ServiceNat {
 public:
  // `tool` is what BridgeNetwork::NatTool(config.nat) chose: "iptables" or
  // "nft"; "" means no NAT tool, and then there are no service addresses.
  ServiceNat(ProcessRunner& runner, BridgeConfig config, std::string tool);

  bool available() const { return !tool_.empty(); }

  // Makes `routes` the whole set of this bridge's service rules, atomically
  // (iptables-restore --noflush of one chain, or one nft transaction); adds
  // the jump from nat OUTPUT to that chain once. Ok and nothing when the tool
  // is "".
  Status Sync(const std::vector<ServiceRoute>& routes);

  // "BERTH-SVC-" and the bridge's name (iptables' chain, at most 28 chars).
  std::string ChainName() const { return "BERTH-SVC-" + config_.bridge; }

 private:
  Status Run(std::vector<std::string> argv, const std::string& input);
  Status SyncIptables(const std::vector<ServiceRoute>& routes);
  Status SyncNft(const std::vector<ServiceRoute>& routes);

  ProcessRunner& runner_;
  BridgeConfig config_;
  std::string tool_;
};

}  // namespace berth
