// IPv4 addresses and subnets in CIDR notation, for the container bridge and
// its address management.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace berth {

// Dotted-quad text to a host-order address; strict (four decimal parts 0..255,
// no leading zeros, nothing else).
Result<uint32_t> ParseIpv4(std::string_view text);
std::string FormatIpv4(uint32_t address);

struct Ipv4Subnet {
  uint32_t network = 0;  // host order, host bits zero
  int prefix = 0;        // 8..30 (room for a bridge and at least one container)

  // The bridge's address: the first host.
  uint32_t Gateway() const { return network + 1; }
  uint32_t Broadcast() const { return network | (prefix == 0 ? ~0u : ~(~0u << (32 - prefix))); }
  // Whether `address` is in the subnet (network and broadcast included).
  bool Contains(uint32_t address) const { return (address & ~(Broadcast() - network)) == network; }
  std::string ToString() const { return FormatIpv4(network) + "/" + std::to_string(prefix); }
};

// "10.210.0.0/16". The address must have no host bits set and the prefix must
// be 8..30.
Result<Ipv4Subnet> ParseIpv4Subnet(std::string_view text);

}  // namespace berth
