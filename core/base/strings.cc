#include "core/base/strings.h"

namespace berth {

std::string JoinStrings(const std::vector<std::string>& items, std::string_view sep) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += sep;
    joined += item;
  }
  return joined;
}

}  // namespace berth
