#include "core/runtime/name_resolution.h"

#include <sstream>

#include "core/base/files.h"

namespace berth {
namespace {

// Whether the resolver configuration `text` has a nameserver outside 127/8 and ::1.
bool HasReachableNameserver(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string keyword;
    std::string server;
    if (!(words >> keyword >> server) || keyword != "nameserver") continue;
    if (!server.starts_with("127.") && server != "::1") return true;
  }
  return false;
}

}  // namespace

std::string EtcHostsText(const std::string& hostname, const std::string& address) {
  std::string text =
      "127.0.0.1\tlocalhost\n"
      "::1\tlocalhost ip6-localhost ip6-loopback\n";
  if (!hostname.empty()) text += (address.empty() ? "127.0.1.1" : address) + "\t" + hostname + "\n";
  return text;
}

std::string HostResolvConf(const std::string& etc_resolv, const std::string& upstream) {
  auto text = ReadFile(etc_resolv);
  if (!text.ok()) return PathExists(upstream) ? upstream : "";
  if (HasReachableNameserver(*text) || !PathExists(upstream)) return etc_resolv;
  return upstream;
}

}  // namespace berth
