#include "core/base/ipv4.h"

#include <charconv>

namespace berth {

Result<uint32_t> ParseIpv4(std::string_view text) {
  Status bad = InvalidArgument("Invalid IPv4 address '" + std::string(text.substr(0, 40)) +
                               "': use four numbers 0-255 separated by dots");
  uint32_t address = 0;
  size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    size_t end = part == 3 ? text.size() : text.find('.', start);
    if (end == std::string_view::npos) return bad;
    std::string_view digits = text.substr(start, end - start);
    if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) return bad;
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || value > 255) return bad;
    address = (address << 8) | value;
    start = end + 1;
  }
  return address;
}

std::string FormatIpv4(uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

Result<Ipv4Subnet> ParseIpv4Subnet(std::string_view text) {
  Status bad = InvalidArgument("Invalid subnet '" + std::string(text.substr(0, 40)) +
                               "': use CIDR notation with a prefix from 8 to 30, e.g. 10.210.0.0/16");
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad;
  auto address = ParseIpv4(text.substr(0, slash));
  if (!address.ok()) return bad;
  std::string_view digits = text.substr(slash + 1);
  int prefix = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (digits.empty() || digits.size() > 2 || ec != std::errc() ||
      ptr != digits.data() + digits.size() || prefix < 8 || prefix > 30) {
    return bad;
  }
  Ipv4Subnet subnet{*address, prefix};
  uint32_t host_mask = ~(~0u << (32 - prefix));
  if ((*address & host_mask) != 0) {
    return InvalidArgument("Invalid subnet '" + std::string(text) + "': host bits are set; did you mean " +
                           FormatIpv4(*address & ~host_mask) + "/" + std::to_string(prefix) + "?");
  }
  return subnet;
}

}  // namespace berth
