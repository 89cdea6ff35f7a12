#include "core/build/slugignore.h"

#include "core/build/glob_match.h"
#include "core/build/text_lines.h"

namespace berth {
namespace {

// The non-empty parts of `path` between '/', without "." parts.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.push_back(part);
    path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
  }
  return parts;
}

// Whether the pattern parts match the path parts; "**" spans any number of
// parts, and at least one when it ends the pattern ("dir/**"). A table of
// "parts from p match parts from n", filled from the ends, so the cost is
// pattern × path whatever the "**"s (trying each span of each "**" in turn
// was exponential in their number: a hostile .slugignore hung the build).
bool MatchParts(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path) {
  const size_t parts = pattern.size();
  const size_t names = path.size();
  std::vector<char> table((parts + 1) * (names + 1), 0);
  auto at = [&](size_t p, size_t n) -> char& { return table[p * (names + 1) + n]; };
  at(parts, names) = 1;
  for (size_t p = parts; p-- > 0;) {
    for (size_t n = names + 1; n-- > 0;) {
      if (pattern[p] == "**") {
        // No more parts, or one more part and "**" again.
        at(p, n) = p + 1 == parts ? n < names : at(p + 1, n) || (n < names && at(p, n + 1));
      } else {
        at(p, n) = n < names && at(p + 1, n + 1) && GlobMatch(pattern[p], path[n]);
      }
    }
  }
  return at(0, 0) != 0;
}

}  // namespace

Result<SlugIgnore> SlugIgnore::Parse(std::string_view text) {
  SlugIgnore ignore;
  for (const TextLine& line : ContentLines(text)) {
    if (line.text.front() == '!') {
      return InvalidArgument(".slugignore line " + std::to_string(line.number) + ": " +
                             Quoted(line.text) +
                             " is a negation, which .slugignore does not support; list only "
                             "paths to leave out of the slug");
    }
    Pattern pattern;
    std::string_view text_pattern = line.text;
    pattern.dir_only = text_pattern.ends_with('/');
    while (text_pattern.ends_with('/')) text_pattern.remove_suffix(1);
    pattern.anchored = text_pattern.find('/') != std::string_view::npos;
    for (std::string_view part : SplitPath(text_pattern)) {
      if (part == "**" && !pattern.parts.empty() && pattern.parts.back() == "**") continue;
      pattern.parts.emplace_back(part);
    }
    if (pattern.parts.empty()) continue;  // "/" alone names nothing
    ignore.patterns_.push_back(std::move(pattern));
  }
  return ignore;
}

bool SlugIgnore::Matches(const Pattern& pattern, const std::vector<std::string_view>& parts,
                         bool is_dir) {
  if (pattern.dir_only && !is_dir) return false;
  if (pattern.anchored) return MatchParts(pattern.parts, parts);
  return GlobMatch(pattern.parts.front(), parts.back());
}

bool SlugIgnore::Ignored(std::string_view relative_path, bool is_dir) const {
  if (patterns_.empty()) return false;
  std::vector<std::string_view> parts = SplitPath(relative_path);
  // A path is left out when it, or any directory above it, matches.
  std::vector<std::string_view> prefix;
  for (size_t i = 0; i < parts.size(); ++i) {
    prefix.push_back(parts[i]);
    bool prefix_is_dir = i + 1 < parts.size() || is_dir;
    for (const Pattern& pattern : patterns_) {
      if (Matches(pattern, prefix, prefix_is_dir)) return true;
    }
  }
  return false;
}

}  // namespace berth
