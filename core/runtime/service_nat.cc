#include "core/runtime/service_nat.h"

#include <algorithm>

namespace berth {

ServiceNat::ServiceNat(ProcessRunner& runner, BridgeConfig config, std::string tool)
    : runner_(runner), config_(std::move(config)), tool_(std::move(tool)) {}

Status ServiceNat::Run(std::vector<std::string> argv, const std::string& input) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.stdin_data = input;
  spec.timeout = std::chrono::seconds(10);
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, runner_.Run(spec));
  if (result.ok()) return Status::Ok();
  std::string err = result.err;
  while (!err.empty() && err.back() == '\n') err.pop_back();
  return Internal("`" + spec.argv[0] + "` failed to switch the service addresses of " +
                  config_.bridge + ": " + (err.empty() ? "exit " + std::to_string(result.exit_code) : err));
}

Status ServiceNat::Sync(const std::vector<ServiceRoute>& routes) {
  if (tool_ == "iptables") return SyncIptables(routes);
  if (tool_ == "nft") return SyncNft(routes);
  return Status::Ok();
}

Status ServiceNat::SyncIptables(const std::vector<ServiceRoute>& routes) {
  const std::string chain = ChainName();
  const std::string tag = "berth:" + config_.bridge;
  // Declaring the chain with --noflush empties (or creates) that chain alone;
  // the table is replaced in one commit.
  std::string input = "*nat\n:" + chain + " - [0:0]\n";
  for (const ServiceRoute& r : routes) {
    input += "-A " + chain + " -d " + r.service + "/32 -p tcp -m comment --comment " + tag +
             " -j DNAT --to-destination " + r.container + "\n";
  }
  input += "COMMIT\n";
  BERTH_RETURN_IF_ERROR(Run({"iptables-restore", "-w", "5", "--noflush"}, input));
  std::vector<std::string> jump = {"-d", config_.subnet.ToString(), "-m", "comment",
                                   "--comment", tag, "-j", chain};
  std::vector<std::string> check = {"iptables", "-w", "5", "-t", "nat", "-C", "OUTPUT"};
  check.insert(check.end(), jump.begin(), jump.end());
  ProcessSpec spec;
  spec.argv = check;
  spec.timeout = std::chrono::seconds(10);
  BERTH_ASSIGN_OR_RETURN(ProcessResult found, runner_.Run(spec));
  if (found.ok()) return Status::Ok();
  std::vector<std::string> add = {"iptables", "-w", "5", "-t", "nat", "-A", "OUTPUT"};
  add.insert(add.end(), jump.begin(), jump.end());
  return Run(add, "");
}

Status ServiceNat::SyncNft(const std::vector<ServiceRoute>& routes) {
  // nft names: letters, digits and '_' (a bridge's '-' becomes '_').
  std::string chain = "svc_" + config_.bridge;
  std::replace(chain.begin(), chain.end(), '-', '_');
  const std::string tag = "berth:" + config_.bridge;
  // One transaction: the chain is emptied and refilled at once.
  std::string input = "add table ip berth\n"
                      "add chain ip berth " + chain +
                      " { type nat hook output priority -100 ; }\n"
                      "flush chain ip berth " + chain + "\n";
  for (const ServiceRoute& r : routes) {
    input += "add rule ip berth " + chain + " ip daddr " + r.service + " meta l4proto tcp dnat to " +
             r.container + " comment \"" + tag + "\"\n";
  }
  return Run({"nft", "-f", "-"}, input);
}

}  // namespace berth
