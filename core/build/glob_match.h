// Shell-style wildcard matching of one path component, for .slugignore.
#pragma once

#include <string_view>

namespace berth {

// True when `name` matches `pattern`: '*' any run of characters, '?' one
// character, "[a-z]" / "[!a-z]" a class, '\' escapes the next character.
// Neither side is expected to contain '/'.
bool GlobMatch(std::string_view pattern, std::string_view name);

}  // namespace berth
