// Slugs: the compiled app as one zstd-compressed tarball named by its digest,
// and the safe extraction of slugs and of other archives (buildpack tarballs,
// source archives) into directories.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/status.h"

namespace berth {

struct SlugInfo {
  std::string digest;  // sha256 hex of the compressed file
  std::string path;    // slugs_dir/DIGEST.tar.zst
  uint64_t compressed_bytes = 0;
  uint64_t files = 0;    // regular files and symlinks packed
  std::string warning;   // set above 300 MB compressed
};

// Packs the tree at `dir` into `slugs_dir`/DIGEST.tar.zst (created if missing).
// .git (at any depth) and the paths matched by dir/.slugignore are left out,
// and so are sockets, fifos and devices. Entries are relative paths without a
// "./" prefix, in sorted order, owned by 32767:32767, with modes, symlinks and
// mtimes (whole seconds) kept, so the same tree gives the same bytes. Written
// to a temp file and renamed; an existing slug with the same digest is kept.
// Fails (kFailedPrecondition) above 500 MB compressed, with kInvalidArgument
// on a bad .slugignore and kInternal on I/O errors.
Result<SlugInfo> PackSlug(const std::string& dir, const std::string& slugs_dir);

// Unpacks a slug into `dest`, which must not exist: into a temp sibling, then
// renamed. Refuses absolute paths, ".." parts, devices, fifos, hard links to
// anything but a regular file extracted before, and entries through symlinks;
// set-user/group-ID bits are dropped. Everything is owned by 32767:32767 when
// running as root. Changes the working directory while it extracts (restored
// before returning), so it must not run beside other threads.
Status UnpackSlug(const std::string& slug_path, const std::string& dest);

// Extracts a tar (plain, gzip, bzip2, xz or zstd) or zip archive from a file,
// or stdin for "-", into `dest`, which must exist and be empty, with the same
// rules as UnpackSlug (but no change of owner). When every entry sits under a
// single top-level directory (as in GitHub archives), that directory is
// stripped. Errors name the offending entry; on failure `dest` is left empty.
Status ExtractArchive(const std::string& archive_path, const std::string& dest);

// A size as Heroku prints it: "512K", "12.3M", "1.1G" (1024-based, one decimal
// below 100, "B" below 1 KiB).
std::string HumanSize(uint64_t bytes);

}  // namespace berth
