#include "core/build/slug_size.h"

#include <cstdio>

#include "core/build/slug.h"

namespace berth {

Result<std::string> CheckSlugSize(uint64_t compressed_bytes) {
  std::string megabytes = std::to_string((compressed_bytes + (uint64_t{1} << 20) - 1) >> 20);
  if (compressed_bytes > kSlugLimitBytes) {
    return FailedPrecondition("slug is " + megabytes +
                              " MB compressed; the limit is 500 MB: add large build artefacts "
                              "to .slugignore");
  }
  if (compressed_bytes > kSlugWarnBytes) {
    return "slug is " + megabytes +
           " MB compressed; above 300 MB deploys and restarts get slow: add large build "
           "artefacts to .slugignore";
  }
  return std::string();
}

std::string HumanSize(uint64_t bytes) {
  static constexpr char kUnits[] = "BKMGTPE";
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  // Move up while the value would print as 1024 or more in this unit.
  while (value >= 1023.5 && unit + 1 < sizeof kUnits - 1) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (value < 99.95) {
    std::snprintf(text, sizeof text, "%.1f%c", value, kUnits[unit]);
  } else {
    std::snprintf(text, sizeof text, "%.0f%c", value, kUnits[unit]);
  }
  return text;
}

}  // namespace berth
