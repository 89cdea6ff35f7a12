// Small string helpers shared by the modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth {

// The items with `sep` between them; empty items before the first non-empty
// one add no separator ({"", "a"} with "," gives "a").
std::string JoinStrings(const std::vector<std::string>& items, std::string_view sep);

// The words of `text` between spaces, tabs and carriage returns (no quoting).
std::vector<std::string> SplitBlanks(std::string_view text);

}  // namespace berth
