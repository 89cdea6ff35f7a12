// Buildpack references as users write them: in buildpacks:add, BUILDPACK_URL,
// a .buildpacks file or app.json. "URL#ref" pins a git branch, tag or commit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct BuildpackRef {
  enum class Kind { kGit, kTarball, kLocal };
  Kind kind = Kind::kGit;
  std::string url;  // without "#ref"; a local path is absolute with file:// stripped
  std::string ref;  // after '#', may be empty (git only)
  // The reference as written back: url, or url#ref.
  std::string ToString() const;
};

// Parses one reference. Accepts https, http, git and ssh URLs, file:// URLs and
// absolute paths. A URL or path ending in .tgz, .tar.gz, .tar or .tar.zst is a
// kTarball; a path is a kLocal buildpack directory when it holds bin/compile,
// otherwise (an existing directory without one, or a missing path ending in
// .git) a git repository. Fails with kInvalidArgument on empty text or text
// over 4096 characters, whitespace, control characters, relative paths, other
// schemes, a URL without a host and a "#ref" that git would not accept or on
// something other than git.
Result<BuildpackRef> ParseBuildpackRef(std::string_view text);

// Parses a .buildpacks file: one reference a line, '#' comments and blank
// lines skipped. Errors name the line (".buildpacks line 2: ...").
Result<std::vector<BuildpackRef>> ParseBuildpacksFile(std::string_view text);

}  // namespace berth
