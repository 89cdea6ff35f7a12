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

std::vector<std::string> SplitBlanks(std::string_view text) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find_first_not_of(" \t\r", pos);
    if (start == std::string_view::npos) break;
    size_t end = text.find_first_of(" \t\r", start);
    if (end == std::string_view::npos) end = text.size();
    words.emplace_back(text.substr(start, end - start));
    pos = end;
  }
  return words;
}

}  // namespace berth
