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
  // Outbound NAT: "auto" (iptables, else nft, else none; $BERTH_NAT=iptables|
  // nft|off overrides), or "iptables", "nft", "off" as given.
  std::string nat = "auto";
  std::string ip_forward_path = "/proc/sys/net/ipv4/ip_forward";  // read; set with sysctl
};

// What a container got from Attach.
struct ContainerNetwork {
  std::string netns_path;  // for the OCI config's network namespace
  std::string address;     // e.g. 10.210.0.2
};

class BridgeNetwork {
 public:
  BridgeNetwork(ProcessRunner& runner, Store& store, BridgeConfig config);

  // Creates the bridge if it does not exist (gateway address, the MAC
  // BridgeMac, up); one that exists keeps its MAC from then on.
  Status EnsureBridge();
  // The bridge's own MAC: locally administered, from its name.
  static std::string BridgeMac(const std::string& bridge);
  // Outbound NAT for the bridge's subnet with NatTool(config.nat): a
  // MASQUERADE rule and, for iptables, FORWARD accepts for the bridge, each
  // tagged with the comment NatTag() (iptables -S | grep berth:BRIDGE finds
  // them for removal); turns on
  // net.ipv4.ip_forward when it is off. Idempotent. Nothing when no tool.
  Status EnsureOutboundNat();
  std::string NatTag() const { return "berth:" + config_.bridge; }
  // "iptables", "nft" or "" (none): the tool EnsureOutboundNat uses for the
  // choice `nat` (see BridgeConfig::nat).
  static std::string NatTool(const std::string& nat = "auto");
  // Allocates an address and prepares the container's namespace: a veth pair
  // with the peer as eth0 inside, the address, loopback up and a default route
  // via the bridge. The host side is an isolated bridge port: containers reach
  // the host (and through NAT the outside) but not each other. Undoes what it
  // did when a step fails.
  Result<ContainerNetwork> Attach(const std::string& container_id);
  // Attach for a container that ran before (ps:start, ps:restore after a
  // reboot): what its earlier attachment left is taken down, and it keeps the
  // address it holds on this bridge, so the proxy's upstreams stay right; one
  // holding none (or one outside the subnet) gets a new address.
  Result<ContainerNetwork> Reattach(const std::string& container_id);
  // Deletes the namespace and the veth and releases the address. Best effort:
  // missing pieces are not errors, so it also cleans up after a crash.
  void Detach(const std::string& container_id);

  // Network namespaces berth-ID (in netns_dir) and host veths bvXXXXXXXX
  // (berth's naming) that no address in the store accounts for: what a crash
  // between the steps of Attach or Detach leaves. Attach allocates the address
  // first and Detach releases it last, so none of them is in use. Removes them
  // and returns their names. Only what is this BERTH_ROOT's: veths for
  // addresses of this subnet that are ports of this bridge (or of none yet),
  // and namespaces of containers of this store's apps (ID is APP.TYPE.N...),
  // so that another berth on the same host (its own root, bridge and subnet)
  // keeps its containers' networks.
  std::vector<std::string> RemoveStale(const std::string& netns_dir = "/run/netns");

  static std::string NetnsName(const std::string& container_id) { return "berth-" + container_id; }
  // The host side of the veth: "bv" and the address in hex (fits IFNAMSIZ, unique per address).
  static std::string HostVethName(uint32_t address);

 private:
  Status EnsureBridgeAndNat();
  // Pins an existing bridge's MAC (`mac`, as it is now) once, and sets it up.
  Status KeepBridgeMac(const std::string& mac, bool up);
  // The namespace and veth of a container holding `address`; undone (and the
  // address released) when a step fails.
  Result<ContainerNetwork> Plumb(const std::string& container_id, const std::string& address);
  Status Ip(std::vector<std::string> args);
  // One `ip [GLOBALS] -batch -` for several commands (one process instead of
  // one each, about 9 ms apiece); ip stops at the first failure, which the
  // error names.
  Status IpBatch(std::vector<std::string> globals, const std::vector<std::vector<std::string>>& commands);
  Result<ProcessResult> Exec(std::vector<std::string> argv);
  Status Checked(std::vector<std::string> argv);

  ProcessRunner& runner_;
  Store& store_;
  BridgeConfig config_;
};

}  // namespace berth
