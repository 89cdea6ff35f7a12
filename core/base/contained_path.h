// Paths inside a tree that berth (as root) reads or writes on behalf of an app:
// an app's source, a build's output, an unpacked slug. Anything in them may be
// a symbolic link planted by the app; a link may point within the tree, never
// out of it.
#pragma once

#include <optional>
#include <string>

#include "core/base/status.h"

namespace berth {

// `root`/`relative` with every symlink resolved, when it stays inside `root`;
// nullopt when it does not exist (or is a dangling link); kPermissionDenied
// when it resolves outside `root`.
Result<std::optional<std::string>> ResolveInside(const std::string& root, const std::string& relative);

// The text of `root`/`relative`, "" when it does not exist; kPermissionDenied
// (naming `relative`) when it is a link that leaves `root`.
Result<std::string> ReadFileInside(const std::string& root, const std::string& relative);

// The directory `root`/`relative`, created when missing; kPermissionDenied
// when it (or a link on the way) leads out of `root`.
Result<std::string> DirectoryInside(const std::string& root, const std::string& relative);

}  // namespace berth
