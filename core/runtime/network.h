// Bridge networking: containers on a Linux bridge (default berth0) with
// addresses from the store's IPAM, one veth pair and one named network
// namespace (/run/netns/berth-ID) per container. Everything is done with
// iproute2's `ip` through a ProcessRunner, argv only.
#pragma once

#include <string>
#include <string_view>

#include "core/base/ipv4.h"
#include "core/base/process.h"
#include "core/state/store.h"

namespace berth {

inline constexpr std::string_view kNetworkPlugin = "network";
inline constexpr std::string_view kDefaultBridge = "berth0";
inline constexpr std::string_view kDefaultSubnet = "10.210.0.0/16";

struct BridgeConfig {
  std::string bridge{kDefaultBridge};
  Ipv4Subnet subnet;
};

// What a container got from Attach.
struct ContainerNetwork {
  std::string netns_path;  // for the OCI config's network namespace
  std::string address;     // e.g. 10.210.0.2
};

class BridgeNetwork {
 public:
  BridgeNetwork(ProcessRunner& runner, Store& store, BridgeConfig config);

  // Creates the bridge if it does not exist (gateway address, up).
  Status EnsureBridge();
  // Allocates an address and prepares the container's namespace: a veth pair
  // with the peer as eth0 inside, the address, loopback up and a default route
  // via the bridge. Undoes what it did when a step fails.
  Result<ContainerNetwork> Attach(const std::string& container_id);
  // Deletes the namespace and the veth and releases the address. Best effort:
  // missing pieces are not errors, so it also cleans up after a crash.
  void Detach(const std::string& container_id);

  static std::string NetnsName(const std::string& container_id) { return "berth-" + container_id; }
  // The host side of the veth: "bv" and the address in hex (fits IFNAMSIZ, unique per address).
  static std::string HostVethName(uint32_t address);

 private:
  Status Ip(std::vector<std::string> args);

  ProcessRunner& runner_;
  Store& store_;
  BridgeConfig config_;
};

}  // namespace berth
