#include "core/runtime/resources.h"

#include <charconv>
#include <cmath>

namespace berth {
namespace {

std::string Shown(std::string_view text) { return "'" + std::string(text.substr(0, 40)) + "'"; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<int64_t> ParseMemory(std::string_view text) {
  constexpr int64_t kMin = int64_t{4} << 20;
  constexpr int64_t kMax = int64_t{1} << 40;
  Status bad = InvalidArgument("Invalid memory limit " + Shown(text) +
                               ": use a size such as 512m or 2g (k, m, g suffixes), at least 4m");
  std::string_view digits = text;
  int shift = 0;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': case 'K': shift = 10; break;
      case 'm': case 'M': shift = 20; break;
      case 'g': case 'G': shift = 30; break;
      default: break;
    }
    if (shift != 0) digits.remove_suffix(1);
  }
  if (!AllDigits(digits) || digits.size() > 13) return bad;
  int64_t n = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (n > (kMax >> shift)) return bad;
  n <<= shift;
  if (n < kMin || n > kMax) return bad;
  return n;
}

Result<double> ParseCpus(std::string_view text) {
  Status bad = InvalidArgument("Invalid CPU limit " + Shown(text) +
                               ": use a positive number of cores such as 1, 1.5 or 0.25");
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (dot != std::string_view::npos && !AllDigits(frac)) return bad;
  if (!(AllDigits(whole) || (whole.empty() && !frac.empty())) || text.size() > 12) return bad;
  double cpus = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cpus);
  if (ec != std::errc() || end != text.data() + text.size()) return bad;
  // The runtime's quota is in microseconds per 100 ms: below 0.01 it rounds to nothing.
  if (!(cpus >= 0.01) || cpus > 1024) return bad;
  return cpus;
}

Result<int64_t> ParsePids(std::string_view text) {
  Status bad = InvalidArgument("Invalid pids limit " + Shown(text) +
                               ": use a whole number of processes from 1 to 4194304");
  if (!AllDigits(text) || text.size() > 7) return bad;
  int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  if (n < 1 || n > 4194304) return bad;
  return n;
}

Status ValidateResourceLimit(std::string_view kind, std::string_view value) {
  if (kind == "memory") return ParseMemory(value).status();
  if (kind == "cpu") return ParseCpus(value).status();
  if (kind == "pids") return ParsePids(value).status();
  return InvalidArgument("Unknown resource limit '" + std::string(kind) + "'");
}

Result<ResourceLimits> LimitsFor(const std::map<std::string, std::string>& properties,
                                 std::string_view type) {
  auto value = [&](std::string_view kind) -> const std::string* {
    for (std::string_view t : {type, kDefaultProcessType}) {
      auto it = properties.find(std::string(t) + "." + std::string(kind));
      if (it != properties.end() && !it->second.empty()) return &it->second;
    }
    return nullptr;
  };
  ResourceLimits limits;
  if (const std::string* v = value("memory")) {
    BERTH_ASSIGN_OR_RETURN(limits.memory_bytes, ParseMemory(*v));
  }
  if (const std::string* v = value("cpu")) {
    BERTH_ASSIGN_OR_RETURN(limits.cpus, ParseCpus(*v));
  }
  if (const std::string* v = value("pids")) {
    BERTH_ASSIGN_OR_RETURN(limits.pids, ParsePids(*v));
  }
  return limits;
}

}  // namespace berth
