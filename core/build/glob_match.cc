#include "core/build/glob_match.h"

#include <optional>

namespace berth {
namespace {

// Whether `c` is in the class starting at pattern[*pos] == '['; on a well-formed
// class, *pos moves past its ']'. nullopt when there is no closing ']'.
std::optional<bool> MatchClass(std::string_view pattern, size_t* pos, char c) {
  size_t i = *pos + 1;
  bool negated = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negated) ++i;
  bool found = false;
  bool first = true;
  while (i < pattern.size() && (pattern[i] != ']' || first)) {
    first = false;
    char low = pattern[i];
    if (low == '\\' && i + 1 < pattern.size()) low = pattern[++i];
    char high = low;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      high = pattern[i + 2];
      i += 2;
    }
    if (c >= low && c <= high) found = true;
    ++i;
  }
  if (i >= pattern.size()) return std::nullopt;
  *pos = i + 1;
  return found != negated;
}

// Matches one pattern element at pattern[*pos] against `c`, moving *pos past
// it on success.
bool MatchOne(std::string_view pattern, size_t* pos, char c) {
  size_t i = *pos;
  char p = pattern[i];
  if (p == '?') {
    *pos = i + 1;
    return true;
  }
  if (p == '[') {
    size_t next = i;
    std::optional<bool> in_class = MatchClass(pattern, &next, c);
    if (in_class.has_value()) {
      if (*in_class) *pos = next;
      return *in_class;
    }
  }
  if (p == '\\' && i + 1 < pattern.size()) p = pattern[++i];
  if (p != c) return false;
  *pos = i + 1;
  return true;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view name) {
  size_t p = 0;
  size_t n = 0;
  size_t star = std::string_view::npos;  // pattern position after the last '*'
  size_t star_name = 0;                  // name position that '*' has consumed up to
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = ++p;
      star_name = n;
      continue;
    }
    if (p < pattern.size() && MatchOne(pattern, &p, name[n])) {
      ++n;
      continue;
    }
    if (star == std::string_view::npos) return false;
    p = star;
    n = ++star_name;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace berth
