// The extraction loop shared by UnpackSlug and ExtractArchive: every entry is
// checked before libarchive writes it.
#pragma once

#include <string>

#include "core/base/status.h"

namespace berth {

// Extracts the tar or zip archive at `archive_path` ("-" for stdin) into the
// existing directory `into`, refusing absolute paths, ".." parts, devices,
// fifos, sockets, hard links to anything but an already extracted regular
// file, and entries through symlinks; set-user/group-ID bits are dropped.
// Works in `into` as the working directory and restores the previous one.
Status ExtractInto(const std::string& archive_path, const std::string& into);

}  // namespace berth
