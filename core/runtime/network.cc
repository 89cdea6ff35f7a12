#include "core/runtime/network.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include "core/base/files.h"

namespace berth {

BridgeNetwork::BridgeNetwork(ProcessRunner& runner, Store& store, BridgeConfig config)
    : runner_(runner), store_(store), config_(std::move(config)) {}

std::string BridgeNetwork::HostVethName(uint32_t address) {
  char name[16];
  std::snprintf(name, sizeof name, "bv%08x", address);
  return name;
}

Result<ProcessResult> BridgeNetwork::Exec(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.timeout = std::chrono::seconds(10);
  return runner_.Run(spec);
}

namespace {

// "`COMMAND` failed: " and what it printed on stderr (or its exit status).
Status CommandFailed(const std::string& command, std::string err, int exit_code) {
  while (!err.empty() && err.back() == '\n') err.pop_back();
  return Internal("`" + command + "` failed: " + (err.empty() ? "exit " + std::to_string(exit_code) : err));
}

}  // namespace

Status BridgeNetwork::Checked(std::vector<std::string> argv) {
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, Exec(argv));
  if (!result.ok()) {
    std::string line;
    for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
    return CommandFailed(line, result.err, result.exit_code);
  }
  return Status::Ok();
}

Status BridgeNetwork::Ip(std::vector<std::string> args) {
  args.insert(args.begin(), "ip");
  return Checked(std::move(args));
}

Status BridgeNetwork::IpBatch(std::vector<std::string> globals,
                              const std::vector<std::vector<std::string>>& commands) {
  std::vector<std::string> argv = {"ip"};
  argv.insert(argv.end(), globals.begin(), globals.end());
  argv.insert(argv.end(), {"-batch", "-"});
  ProcessSpec spec;
  spec.argv = argv;
  spec.timeout = std::chrono::seconds(10);
  for (const auto& command : commands) {
    std::string line;
    for (const auto& word : command) line += (line.empty() ? "" : " ") + word;
    spec.stdin_data += line + "\n";
  }
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, runner_.Run(spec));
  if (result.ok()) return Status::Ok();
  // ip reports "Command failed -:N" for the Nth line of its input.
  std::string failed = "ip";
  for (const auto& g : globals) failed += " " + g;
  size_t at = result.err.rfind("Command failed -:");
  size_t n = at == std::string::npos ? 0 : std::strtoul(result.err.c_str() + at + 17, nullptr, 10);
  if (n >= 1 && n <= commands.size()) {
    for (const auto& word : commands[n - 1]) failed += " " + word;
  } else {
    failed += " -batch";
  }
  return CommandFailed(failed, result.err.substr(0, at == std::string::npos ? result.err.size() : at),
                       result.exit_code);
}

namespace {

// NAME's path in $PATH or the sbin directories, or "" when it is not installed.
std::string FindTool(const std::string& name) {
  const char* env = std::getenv("PATH");
  std::string dirs = std::string(env != nullptr ? env : "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && dir[0] == '/' && IsExecutableFile(dir + "/" + name)) return dir + "/" + name;
    start = end + 1;
  }
  return "";
}

}  // namespace

std::string BridgeNetwork::NatTool(const std::string& nat) {
  if (nat == "iptables" || nat == "nft") return nat;
  if (nat != "auto") return "";
  const char* forced = std::getenv("BERTH_NAT");
  std::string choice = forced != nullptr ? forced : "";
  if (choice == "off") return "";
  if (choice == "iptables" || choice == "nft") return FindTool(choice).empty() ? "" : choice;
  if (!FindTool("iptables").empty()) return "iptables";
  if (!FindTool("nft").empty()) return "nft";
  return "";
}

Status BridgeNetwork::EnsureOutboundNat() {
  std::string tool = NatTool(config_.nat);
  if (tool.empty()) return Status::Ok();
  const std::string& br = config_.bridge;
  std::string subnet = config_.subnet.ToString();
  std::string tag = NatTag();
  if (tool == "iptables") {
    // {table, chain, how to add, match...}: -C finds a rule already there.
    struct Rule {
      const char* table;
      const char* chain;
      const char* add;
      std::vector<std::string> spec;
    };
    std::vector<Rule> rules = {
        {"nat", "POSTROUTING", "-A",
         {"-s", subnet, "!", "-o", br, "-m", "comment", "--comment", tag, "-j", "MASQUERADE"}},
        // For hosts whose FORWARD policy is DROP (Docker sets it so).
        {"filter", "FORWARD", "-I",
         {"-i", br, "!", "-o", br, "-m", "comment", "--comment", tag, "-j", "ACCEPT"}},
        {"filter", "FORWARD", "-I",
         {"-o", br, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-m", "comment",
          "--comment", tag, "-j", "ACCEPT"}},
    };
    for (const Rule& rule : rules) {
      std::vector<std::string> check = {"iptables", "-w", "5", "-t", rule.table, "-C", rule.chain};
      check.insert(check.end(), rule.spec.begin(), rule.spec.end());
      BERTH_ASSIGN_OR_RETURN(ProcessResult found, Exec(check));
      if (found.ok()) continue;
      std::vector<std::string> add = {"iptables", "-w", "5", "-t", rule.table, rule.add, rule.chain};
      add.insert(add.end(), rule.spec.begin(), rule.spec.end());
      BERTH_RETURN_IF_ERROR(Checked(add));
    }
  } else {
    // Our own table: its accept cannot override another table's drop, so only
    // the masquerade is added here.
    BERTH_RETURN_IF_ERROR(Checked({"nft", "add", "table", "ip", "berth"}));
    BERTH_RETURN_IF_ERROR(Checked({"nft", "add", "chain", "ip", "berth", "postrouting", "{", "type",
                                   "nat", "hook", "postrouting", "priority", "100", ";", "}"}));
    BERTH_ASSIGN_OR_RETURN(ProcessResult listed,
                           Exec({"nft", "list", "chain", "ip", "berth", "postrouting"}));
    if (!listed.ok() || listed.out.find("\"" + tag + "\"") == std::string::npos) {
      BERTH_RETURN_IF_ERROR(Checked({"nft", "add", "rule", "ip", "berth", "postrouting", "ip",
                                     "saddr", subnet, "oifname", "!=", br, "masquerade",
                                     "comment", "\"" + tag + "\""}));
    }
  }
  // net.ipv4.ip_forward of berth's network namespace, turned on only when off
  // (through sysctl, so that tests with a fake runner leave the host alone).
  auto forwarding = ReadFile(config_.ip_forward_path);
  if (forwarding.ok() && forwarding->starts_with("1")) return Status::Ok();
  return Checked({"sysctl", "-q", "-w", "net.ipv4.ip_forward=1"});
}

std::string BridgeNetwork::BridgeMac(const std::string& bridge) {
  uint32_t hash = 2166136261u;  // FNV-1a
  for (char c : bridge) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  char mac[18];
  // 02: locally administered, unicast; "be" for berth.
  std::snprintf(mac, sizeof mac, "02:be:%02x:%02x:%02x:%02x", hash >> 24, (hash >> 16) & 0xff,
                (hash >> 8) & 0xff, hash & 0xff);
  return mac;
}

namespace {

// The MAC in `ip -o link show` output ("... link/ether 02:be:... brd ..."), or "".
std::string LinkMac(const std::string& shown) {
  const std::string key = "link/ether ";
  size_t at = shown.find(key);
  if (at == std::string::npos) return "";
  std::string mac = shown.substr(at + key.size(), 17);
  return mac.size() == 17 ? mac : "";
}

// Whether `ip -o link show` output has the UP flag ("<BROADCAST,MULTICAST,UP,LOWER_UP>").
bool LinkUp(const std::string& shown) {
  size_t open = shown.find('<');
  size_t close = shown.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return false;
  std::string flags = "," + shown.substr(open + 1, close - open - 1) + ",";
  return flags.find(",UP,") != std::string::npos;
}

}  // namespace

// A bridge without an address of its own takes the lowest MAC of its ports:
// removing that container's veth changes the gateway's MAC under every other
// container, whose ARP entry keeps the old one for seconds, and what they send
// the host (replies to the proxy, to health checks) is lost meanwhile. So the
// bridge is made with an address, and one made before without (by an earlier
// berth) keeps the one it has now. Setting an address flushes the host's ARP
// entries on the bridge, even when it is the same: that is done once (the
// store remembers), not on every attach.
Status BridgeNetwork::EnsureBridge() {
  const std::string& br = config_.bridge;
  BERTH_ASSIGN_OR_RETURN(ProcessResult shown, Exec({"ip", "-o", "link", "show", "dev", br}));
  if (shown.ok()) return KeepBridgeMac(LinkMac(shown.out), LinkUp(shown.out));
  Status made = Ip({"link", "add", "name", br, "address", BridgeMac(br), "type", "bridge"});
  // Another berth may have created it at the same moment.
  if (!made.ok() && !Ip({"link", "show", "dev", br}).ok()) return made;
  Status addr = Ip({"addr", "add", FormatIpv4(config_.subnet.Gateway()) + "/" +
                                       std::to_string(config_.subnet.prefix), "dev", br});
  if (!addr.ok() && made.ok()) return addr;
  return Ip({"link", "set", "dev", br, "up"});
}

Status BridgeNetwork::KeepBridgeMac(const std::string& mac, bool up) {
  const std::string& br = config_.bridge;
  const std::string key = "pinned-mac-" + br;
  bool kept = mac.empty() || mac == BridgeMac(br);
  if (!kept) {
    BERTH_ASSIGN_OR_RETURN(auto pinned, store_.GetProperty(kNetworkPlugin, Scope::Global(), key));
    kept = pinned && *pinned == mac;
  }
  if (kept) return up ? Status::Ok() : Ip({"link", "set", "dev", br, "up"});
  BERTH_RETURN_IF_ERROR(Ip({"link", "set", "dev", br, "address", mac, "up"}));
  return store_.SetProperty(kNetworkPlugin, Scope::Global(), key, mac);
}

Status BridgeNetwork::EnsureBridgeAndNat() {
  BERTH_RETURN_IF_ERROR(EnsureBridge());
  Status nat = EnsureOutboundNat();
  if (!nat.ok()) {
    return Internal("Outbound NAT for " + config_.bridge + " failed (BERTH_NAT=off skips it): " +
                    nat.message());
  }
  return Status::Ok();
}

Result<ContainerNetwork> BridgeNetwork::Attach(const std::string& container_id) {
  BERTH_RETURN_IF_ERROR(EnsureBridgeAndNat());
  BERTH_ASSIGN_OR_RETURN(std::string address,
                         store_.AllocateAddress(config_.bridge, config_.subnet.ToString(), container_id));
  return Plumb(container_id, address);
}

Result<ContainerNetwork> BridgeNetwork::Reattach(const std::string& container_id) {
  BERTH_ASSIGN_OR_RETURN(auto addresses, store_.ListAddresses(config_.bridge));
  std::optional<uint32_t> held;
  for (const AddressRecord& a : addresses) {
    auto numeric = ParseIpv4(a.address);
    if (a.container_id != container_id || !numeric.ok()) continue;
    const Ipv4Subnet& net = config_.subnet;
    bool usable = net.Contains(*numeric) && *numeric > net.Gateway() &&
                  *numeric < net.Broadcast();
    if (usable) held = *numeric;
  }
  if (!held) {
    Detach(container_id);
    return Attach(container_id);
  }
  BERTH_RETURN_IF_ERROR(EnsureBridgeAndNat());
  // What the earlier attachment left, if anything; the address stays held.
  (void)Ip({"link", "del", "dev", HostVethName(*held)});
  (void)Ip({"netns", "del", NetnsName(container_id)});
  return Plumb(container_id, FormatIpv4(*held));
}

Result<ContainerNetwork> BridgeNetwork::Plumb(const std::string& container_id,
                                              const std::string& address) {
  BERTH_ASSIGN_OR_RETURN(uint32_t numeric, ParseIpv4(address));
  std::string ns = NetnsName(container_id);
  std::string host = HostVethName(numeric);
  std::string cidr = address + "/" + std::to_string(config_.subnet.prefix);
  std::string gateway = FormatIpv4(config_.subnet.Gateway());
  // Two ip processes: the host's side (the namespace, the veth pair with its
  // peer made as eth0 inside it, the bridge port), then the namespace's side.
  Status s = IpBatch({}, {
      {"netns", "add", ns},
      {"link", "add", "name", host, "type", "veth", "peer", "name", "eth0", "netns", ns},
      {"link", "set", "dev", host, "master", config_.bridge},
      {"link", "set", "dev", host, "type", "bridge_slave", "isolated", "on"},
      {"link", "set", "dev", host, "up"},
      // The host may still know the address by the MAC of a container that
      // held it before: until that entry expired (up to ~45 s), nothing would
      // reach this one (a health check fails, the proxy gets timeouts).
      {"neigh", "flush", "to", address, "dev", config_.bridge},
  });
  if (s.ok()) {
    s = IpBatch({"-n", ns}, {
        {"addr", "add", cidr, "dev", "eth0"},
        {"link", "set", "dev", "lo", "up"},
        {"link", "set", "dev", "eth0", "up"},
        {"route", "add", "default", "via", gateway},
    });
  }
  if (!s.ok()) {
    bool taken = s.message().find("link add name " + host) != std::string::npos &&
                 s.message().find("File exists") != std::string::npos;
    // Detach would delete the other one's veth: only the namespace and the
    // address are this attachment's.
    if (taken) {
      (void)Ip({"netns", "del", ns});
      (void)store_.ReleaseAddress(container_id);
      return FailedPrecondition(
          "The host already has an interface " + host + " for " + address + " (" + s.message() +
          "): another berth on this host (its own BERTH_ROOT) uses bridge " + config_.bridge +
          " and subnet " + config_.subnet.ToString() + " too; give one of them its own with "
          "`network:set --global bridge NAME` and `network:set --global subnet CIDR`, or remove "
          "what a crash left with `ps:retire`");
    }
    Detach(container_id);
    return s;
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

namespace berth {

namespace {

// The word after " KEY " in a line of `ip -o link`, or "".
std::string WordAfter(const std::string& line, const std::string& key) {
  size_t at = line.find(" " + key + " ");
  if (at == std::string::npos) return "";
  at += key.size() + 2;
  return line.substr(at, line.find_first_of(" \\", at) - at);
}

// A host veth of berth's naming: "bv" and 8 hex digits of its address.
bool IsBerthVethName(const std::string& name) {
  return name.size() == 10 && name.starts_with("bv") &&
         name.find_first_not_of("0123456789abcdef", 2) == std::string::npos;
}

}  // namespace

std::vector<std::string> BridgeNetwork::RemoveStale(const std::string& netns_dir) {
  std::vector<std::string> removed;
  auto addresses = store_.ListAddresses("");
  auto apps = store_.ListApps();
  if (!addresses.ok() || !apps.ok()) return removed;
  std::set<std::string> held_ids;
  std::set<std::string> held_veths;
  for (const AddressRecord& a : *addresses) {
    held_ids.insert(a.container_id);
    if (auto numeric = ParseIpv4(a.address); numeric.ok()) held_veths.insert(HostVethName(*numeric));
  }
  std::set<std::string> app_names;
  for (const AppRecord& app : *apps) app_names.insert(app.name);

  // "12: bv0ad30802@if11: <...> ... master berth0 ... link-netns berth-ID" per
  // veth of berth's network namespace. Ours: an address of this subnet (the
  // name says which) on this bridge, or on none (a crash before it became a
  // port). A namespace whose veth is another berth's is that berth's too.
  auto veths = Exec({"ip", "-o", "link", "show", "type", "veth"});
  if (!veths.ok() || !veths->ok()) return removed;
  std::vector<std::string> stale_veths;
  std::set<std::string> others_netns;
  std::istringstream lines(veths->out);
  for (std::string line; std::getline(lines, line);) {
    size_t start = line.find(": ");
    if (start == std::string::npos) continue;
    start += 2;
    std::string name = line.substr(start, line.find_first_of("@:", start) - start);
    if (!IsBerthVethName(name)) continue;
    auto address = static_cast<uint32_t>(std::stoul(name.substr(2), nullptr, 16));
    std::string master = WordAfter(line, "master");
    bool ours = config_.subnet.Contains(address) && (master.empty() || master == config_.bridge);
    if (!ours) {
      others_netns.insert(WordAfter(line, "link-netns"));
    } else if (!held_veths.contains(name)) {
      stale_veths.push_back(name);
    }
  }

  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(netns_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with("berth-") || others_netns.contains(name)) continue;
    std::string id = name.substr(6);
    if (held_ids.contains(id) || !app_names.contains(id.substr(0, id.find('.')))) continue;
    if (Ip({"netns", "del", name}).ok()) removed.push_back(name);
  }
  // A veth whose namespace went just now went with it.
  for (const std::string& name : stale_veths) {
    if (Ip({"link", "del", "dev", name}).ok()) removed.push_back(name);
  }
  return removed;
}

}  // namespace berth
