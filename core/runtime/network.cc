#include "core/runtime/network.h"

#include <cstdio>

namespace berth {

BridgeNetwork::BridgeNetwork(ProcessRunner& runner, Store& store, BridgeConfig config)
    : runner_(runner), store_(store), config_(std::move(config)) {}

std::string BridgeNetwork::HostVethName(uint32_t address) {
  char name[16];
  std::snprintf(name, sizeof name, "bv%08x", address);
  return name;
}

Status BridgeNetwork::Ip(std::vector<std::string> args) {
  ProcessSpec spec;
  spec.argv = {"ip"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.timeout = std::chrono::seconds(10);
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, runner_.Run(spec));
  if (!result.ok()) {
    std::string line;
    for (const auto& a : spec.argv) line += (line.empty() ? "" : " ") + a;
    std::string err = result.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return Internal("`" + line + "` failed: " + (err.empty() ? "exit " + std::to_string(result.exit_code) : err));
  }
  return Status::Ok();
}

Status BridgeNetwork::EnsureBridge() {
  const std::string& br = config_.bridge;
  if (Ip({"link", "show", "dev", br}).ok()) return Ip({"link", "set", "dev", br, "up"});
  Status made = Ip({"link", "add", "name", br, "type", "bridge"});
  // Another berth may have created it at the same moment.
  if (!made.ok() && !Ip({"link", "show", "dev", br}).ok()) return made;
  Status addr = Ip({"addr", "add", FormatIpv4(config_.subnet.Gateway()) + "/" +
                                       std::to_string(config_.subnet.prefix), "dev", br});
  if (!addr.ok() && made.ok()) return addr;
  return Ip({"link", "set", "dev", br, "up"});
}

Result<ContainerNetwork> BridgeNetwork::Attach(const std::string& container_id) {
  BERTH_RETURN_IF_ERROR(EnsureBridge());
  BERTH_ASSIGN_OR_RETURN(std::string address,
                         store_.AllocateAddress(config_.bridge, config_.subnet.ToString(), container_id));
  BERTH_ASSIGN_OR_RETURN(uint32_t numeric, ParseIpv4(address));
  std::string ns = NetnsName(container_id);
  std::string host = HostVethName(numeric);
  std::string peer = "bp" + host.substr(2);
  std::string cidr = address + "/" + std::to_string(config_.subnet.prefix);
  std::string gateway = FormatIpv4(config_.subnet.Gateway());
  std::vector<std::vector<std::string>> steps = {
      {"netns", "add", ns},
      {"link", "add", "name", host, "type", "veth", "peer", "name", peer},
      {"link", "set", "dev", peer, "netns", ns},
      {"-n", ns, "link", "set", "dev", peer, "name", "eth0"},
      {"-n", ns, "addr", "add", cidr, "dev", "eth0"},
      {"-n", ns, "link", "set", "dev", "lo", "up"},
      {"-n", ns, "link", "set", "dev", "eth0", "up"},
      {"-n", ns, "route", "add", "default", "via", gateway},
      {"link", "set", "dev", host, "master", config_.bridge},
      {"link", "set", "dev", host, "up"},
  };
  for (auto& step : steps) {
    Status s = Ip(std::move(step));
    if (!s.ok()) {
      Detach(container_id);
      return s;
    }
  }
  return ContainerNetwork{"/run/netns/" + ns, address};
}

void BridgeNetwork::Detach(const std::string& container_id) {
  auto addresses = store_.ListAddresses(config_.bridge);
  if (addresses.ok()) {
    for (const AddressRecord& a : *addresses) {
      auto numeric = ParseIpv4(a.address);
      if (a.container_id != container_id || !numeric.ok()) continue;
      // Usually gone with the namespace already; left over if that step failed.
      (void)Ip({"link", "del", "dev", HostVethName(*numeric)});
    }
  }
  (void)Ip({"netns", "del", NetnsName(container_id)});
  (void)store_.ReleaseAddress(container_id);
}

}  // namespace berth
