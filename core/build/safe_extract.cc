#include "core/build/safe_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "core/base/files.h"
#include "core/build/text_lines.h"

namespace berth {
namespace {

constexpr int kExtractFlags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                              ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                              ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
constexpr size_t kBlockSize = 64 * 1024;

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

std::string ArchiveError(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown error";
}

// Makes `dir` the working directory until destroyed (libarchive's secure
// extraction only works on relative paths).
class WorkingDirectory {
 public:
  WorkingDirectory() : saved_(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) {}
  ~WorkingDirectory() {
    if (saved_ < 0) return;
    if (entered_ && ::fchdir(saved_) != 0) std::abort();  // the process would run in the wrong place
    ::close(saved_);
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

  Status Enter(const std::string& dir) {
    if (saved_ < 0) return Internal(ErrnoMessage("cannot remember the working directory"));
    if (::chdir(dir.c_str()) != 0) return Internal(ErrnoMessage("cannot enter " + dir));
    entered_ = true;
    return Status::Ok();
  }

 private:
  int saved_;
  bool entered_ = false;
};

// The entry name as a plain relative path: "./a//b/" gives "a/b", the root
// ("." or "./") gives "". Fails on absolute paths and ".." parts.
Result<std::string> CleanEntryPath(std::string_view name) {
  if (name.starts_with('/')) return InvalidArgument("has an absolute path");
  std::string clean;
  while (!name.empty()) {
    size_t slash = name.find('/');
    std::string_view part = name.substr(0, slash);
    name.remove_prefix(slash == std::string_view::npos ? name.size() : slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") return InvalidArgument("has a '..' part");
    if (!clean.empty()) clean += '/';
    clean += part;
  }
  return clean;
}

// The first symlink met on the way to `path` (relative to the working
// directory), looking at its last part too when `include_last`; "" if none.
std::string SymlinkOnPath(const std::string& path, bool include_last) {
  size_t end = 0;
  while (end != std::string::npos) {
    end = path.find('/', end + 1);
    if (end == std::string::npos && !include_last) break;
    std::string prefix = path.substr(0, end);
    struct stat st {};
    if (::lstat(prefix.c_str(), &st) != 0) break;  // not there yet: it will be a directory
    if (S_ISLNK(st.st_mode)) return prefix;
  }
  return "";
}

// Checks `entry` and rewrites its paths and mode for writing. Returns false
// for the archive's root entry, which is skipped.
Result<bool> PrepareEntry(archive_entry* entry) {
  const char* raw_name = archive_entry_pathname(entry);
  if (raw_name == nullptr) return InvalidArgument("has no name");
  BERTH_ASSIGN_OR_RETURN(std::string path, CleanEntryPath(raw_name));
  if (path.empty()) return false;
  const char* raw_link = archive_entry_hardlink(entry);
  mode_t type = archive_entry_filetype(entry);
  if (raw_link != nullptr) {
    auto target = CleanEntryPath(raw_link);
    if (!target.ok()) return InvalidArgument("is a hard link whose target " + target.status().message());
    struct stat st {};
    if (target->empty() || !SymlinkOnPath(*target, true).empty() ||
        ::lstat(target->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return InvalidArgument("is a hard link to " + Quoted(raw_link) +
                             ", which is not a file extracted before it");
    }
    archive_entry_set_hardlink(entry, target->c_str());
  } else if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
    return InvalidArgument("is a device, fifo or socket; archives may hold only files, "
                           "directories and links");
  }
  std::string through = SymlinkOnPath(path, type == AE_IFDIR);
  if (!through.empty()) {
    return InvalidArgument("would be written through the symlink " + Quoted(through));
  }
  archive_entry_set_pathname(entry, path.c_str());
  archive_entry_set_perm(entry, archive_entry_perm(entry) & 01777);
  return true;
}

Status CopyData(archive* reader, archive* writer) {
  while (true) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int rc = archive_read_data_block(reader, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) return Status::Ok();
    if (rc < ARCHIVE_WARN) return InvalidArgument("cannot be read: " + ArchiveError(reader));
    if (archive_write_data_block(writer, block, size, offset) < ARCHIVE_WARN) {
      return Internal("cannot be written: " + ArchiveError(writer));
    }
  }
}

Result<ArchivePtr> OpenReader(const std::string& archive_path, const std::string& shown) {
  ArchivePtr reader(archive_read_new(), &archive_read_free);
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_zip(reader.get());
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_filter_bzip2(reader.get());
  archive_read_support_filter_xz(reader.get());
  archive_read_support_filter_zstd(reader.get());
  if (archive_path != "-" && !PathExists(archive_path)) {
    return NotFound(archive_path + " does not exist");
  }
  int rc = archive_path == "-"
               ? archive_read_open_fd(reader.get(), STDIN_FILENO, kBlockSize)
               : archive_read_open_filename(reader.get(), archive_path.c_str(), kBlockSize);
  if (rc != ARCHIVE_OK) {
    return InvalidArgument(shown + " is not a readable tar or zip archive: " +
                           ArchiveError(reader.get()));
  }
  return reader;
}

// Writes every entry of `reader` under the working directory.
Status ExtractEntries(archive* reader, const std::string& shown) {
  ArchivePtr writer(archive_write_disk_new(), &archive_write_free);
  archive_write_disk_set_options(writer.get(), kExtractFlags);
  while (true) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(reader, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      return InvalidArgument(shown + " is not a readable tar or zip archive: " + ArchiveError(reader));
    }
    std::string name = Quoted(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
    auto entry_error = [&](const Status& status) {
      return Status(status.code(), shown + ": entry " + name + " " + status.message());
    };
    auto write = PrepareEntry(entry);
    if (!write.ok()) return entry_error(write.status());
    if (!*write) continue;
    if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN) {
      return entry_error(Internal("cannot be extracted: " + ArchiveError(writer.get())));
    }
    Status copied = CopyData(reader, writer.get());
    if (!copied.ok()) return entry_error(copied);
    if (archive_write_finish_entry(writer.get()) < ARCHIVE_WARN) {
      return entry_error(Internal("cannot be completed: " + ArchiveError(writer.get())));
    }
  }
  // Directory modes and times are set here, so still inside the target.
  if (archive_write_close(writer.get()) < ARCHIVE_WARN) {
    return Internal(shown + ": cannot finish extracting: " + ArchiveError(writer.get()));
  }
  return Status::Ok();
}

}  // namespace

Status ExtractInto(const std::string& archive_path, const std::string& into) {
  std::string shown = archive_path == "-" ? "the archive on stdin" : archive_path;
  BERTH_ASSIGN_OR_RETURN(ArchivePtr reader, OpenReader(archive_path, shown));
  WorkingDirectory working_directory;
  BERTH_RETURN_IF_ERROR(working_directory.Enter(into));
  return ExtractEntries(reader.get(), shown);
}

}  // namespace berth
