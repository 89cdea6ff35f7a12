// PackSlug: a deterministic tar.zst of the built app, named by its digest.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "core/base/contained_path.h"
#include "core/base/files.h"
#include "core/build/fs_util.h"
#include "core/build/sha256.h"
#include "core/build/slug.h"
#include "core/build/slug_size.h"
#include "core/build/slug_tree.h"

namespace berth {
namespace {

constexpr la_int64_t kSlugOwner = 32767;
constexpr size_t kCopyBuffer = 64 * 1024;

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;
using EntryPtr = std::unique_ptr<archive_entry, void (*)(archive_entry*)>;

// Where libarchive's compressed output goes: the temp file, hashed and counted.
struct SlugSink {
  int fd = -1;
  Sha256 sha;
  uint64_t bytes = 0;
};

la_ssize_t WriteToSink(archive* a, void* data, const void* buffer, size_t length) {
  auto* sink = static_cast<SlugSink*>(data);
  const char* bytes = static_cast<const char*>(buffer);
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::write(sink->fd, bytes + done, length - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      archive_set_error(a, errno, "cannot write the slug: %s", std::strerror(errno));
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  sink->sha.Update(std::string_view(bytes, length));
  sink->bytes += length;
  return static_cast<la_ssize_t>(length);
}

// Removes a temp file on every return but the one that released it.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

std::string ArchiveError(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown error";
}

Result<std::string> ReadLink(const std::string& path, size_t size_hint) {
  std::string target(size_hint + 1, '\0');
  while (true) {
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) return Internal(ErrnoMessage("cannot read the symlink " + path));
    if (static_cast<size_t>(n) < target.size()) {
      target.resize(static_cast<size_t>(n));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

// Writes the header and content of a regular file, sized by what is opened.
Status AddFile(archive* writer, archive_entry* entry, const std::string& full) {
  int fd = ::open(full.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Internal(ErrnoMessage("cannot open " + full));
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Internal(full + " changed while the slug was packed");
  }
  archive_entry_set_size(entry, st.st_size);
  if (archive_write_header(writer, entry) < ARCHIVE_WARN) {
    return Internal("cannot add " + full + " to the slug: " + ArchiveError(writer));
  }
  auto buffer = std::make_unique<char[]>(kCopyBuffer);
  auto left = static_cast<uint64_t>(st.st_size);
  while (left > 0) {
    ssize_t n = ::read(fd, buffer.get(), std::min<uint64_t>(left, kCopyBuffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Internal(ErrnoMessage("cannot read " + full));
    if (n == 0) return Internal(full + " shrank while the slug was packed");
    if (archive_write_data(writer, buffer.get(), static_cast<size_t>(n)) < 0) {
      return Internal("cannot add " + full + " to the slug: " + ArchiveError(writer));
    }
    left -= static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status WriteEntry(archive* writer, const std::string& root, const SlugTreeEntry& item) {
  std::string full = root + "/" + item.path;
  EntryPtr entry(archive_entry_new(), &archive_entry_free);
  archive_entry_set_pathname(entry.get(), item.path.c_str());
  archive_entry_set_uid(entry.get(), kSlugOwner);
  archive_entry_set_gid(entry.get(), kSlugOwner);
  archive_entry_set_perm(entry.get(), item.st.st_mode & 07777);
  archive_entry_set_mtime(entry.get(), item.st.st_mtime, 0);
  if (S_ISREG(item.st.st_mode)) {
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    return AddFile(writer, entry.get(), full);
  }
  if (S_ISLNK(item.st.st_mode)) {
    BERTH_ASSIGN_OR_RETURN(std::string target,
                           ReadLink(full, static_cast<size_t>(item.st.st_size)));
    archive_entry_set_filetype(entry.get(), AE_IFLNK);
    archive_entry_set_symlink(entry.get(), target.c_str());
  } else {
    archive_entry_set_filetype(entry.get(), AE_IFDIR);
  }
  if (archive_write_header(writer, entry.get()) < ARCHIVE_WARN) {
    return Internal("cannot add " + full + " to the slug: " + ArchiveError(writer));
  }
  return Status::Ok();
}

// Writes the tarball of `entries` into `sink`.
Status WriteSlug(const std::string& root, const std::vector<SlugTreeEntry>& entries,
                 SlugSink* sink) {
  ArchivePtr writer(archive_write_new(), &archive_write_free);
  if (archive_write_add_filter_zstd(writer.get()) != ARCHIVE_OK ||
      archive_write_set_format_pax_restricted(writer.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(writer.get(), 1) != ARCHIVE_OK ||
      archive_write_open(writer.get(), sink, nullptr, &WriteToSink, nullptr) != ARCHIVE_OK) {
    return Internal("cannot start writing the slug: " + ArchiveError(writer.get()));
  }
  for (const SlugTreeEntry& item : entries) {
    BERTH_RETURN_IF_ERROR(WriteEntry(writer.get(), root, item));
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) {
    return Internal("cannot finish the slug: " + ArchiveError(writer.get()));
  }
  return Status::Ok();
}

}  // namespace

Result<SlugInfo> PackSlug(const std::string& dir, const std::string& slugs_dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return NotFound(dir + " is not a directory; there is no built app to pack");
  }
  SlugIgnore ignore;
  if (PathExists(dir + "/.slugignore")) {
    BERTH_ASSIGN_OR_RETURN(std::string text, ReadFileInside(dir, ".slugignore"));
    BERTH_ASSIGN_OR_RETURN(ignore, SlugIgnore::Parse(text));
  }
  BERTH_ASSIGN_OR_RETURN(std::vector<SlugTreeEntry> entries, ListSlugTree(dir, ignore));
  BERTH_RETURN_IF_ERROR(MakeDirs(slugs_dir));

  std::string temp = slugs_dir + "/.slug-XXXXXX";
  SlugSink sink;
  sink.fd = ::mkstemp(temp.data());
  if (sink.fd < 0) return Internal(ErrnoMessage("cannot create a file in " + slugs_dir));
  TempFile temp_file(temp);
  Status written = WriteSlug(dir, entries, &sink);
  if (written.ok() && (::fchmod(sink.fd, 0644) != 0 || ::fsync(sink.fd) != 0)) {
    written = Internal(ErrnoMessage("cannot write " + temp));
  }
  ::close(sink.fd);
  BERTH_RETURN_IF_ERROR(written);

  SlugInfo info;
  BERTH_ASSIGN_OR_RETURN(info.warning, CheckSlugSize(sink.bytes));
  info.digest = sink.sha.HexDigest();
  info.path = slugs_dir + "/" + info.digest + ".tar.zst";
  info.compressed_bytes = sink.bytes;
  for (const SlugTreeEntry& item : entries) info.files += S_ISDIR(item.st.st_mode) ? 0 : 1;
  Status renamed = RenameNoReplace(temp, info.path);
  if (renamed.ok()) temp_file.Release();
  if (!renamed.ok() && renamed.code() != StatusCode::kAlreadyExists) return renamed;
  return info;
}

}  // namespace berth
