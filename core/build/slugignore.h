// .slugignore: which paths of a built app stay out of its slug.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace berth {

// gitignore-style patterns without negation: a leading '/' (or any '/' but a
// trailing one) anchors a pattern to the app's root, otherwise it matches a
// name at any depth; a trailing '/' matches only directories; '*' and '?' do
// not cross '/', "**" as a whole part matches any number of directories,
// "[a-z]" classes and '\' escapes work; '#' starts a comment line.
class SlugIgnore {
 public:
  // A SlugIgnore that ignores nothing, as for an app without .slugignore.
  SlugIgnore() = default;

  // Parses .slugignore text; a '!' negation line is an error naming the line.
  static Result<SlugIgnore> Parse(std::string_view text);

  // True when `relative_path` ("a/b", "./a/b" or "/a/b"), or a directory above
  // it, matches a pattern; `is_dir` says whether the path is a directory.
  bool Ignored(std::string_view relative_path, bool is_dir) const;

  // True when there are no patterns.
  bool empty() const { return patterns_.empty(); }

 private:
  struct Pattern {
    std::vector<std::string> parts;  // split at '/', "**" kept as a part
    bool anchored = false;
    bool dir_only = false;
  };
  static bool Matches(const Pattern& pattern, const std::vector<std::string_view>& parts,
                      bool is_dir);

  std::vector<Pattern> patterns_;
};

}  // namespace berth
