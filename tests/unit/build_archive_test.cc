// ExtractArchive and UnpackSlug against archives built here with libarchive:
// hostile entries (traversal, absolute paths, devices, links out, writes
// through symlinks) are refused and nothing lands outside; GitHub-style
// top-level directories are stripped; tar.gz, tar.zst, zip and stdin work.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/build/slug.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

enum class Format { kTar, kTarGz, kTarZst, kZip };

struct TestEntry {
  std::string name;
  mode_t type = AE_IFREG;
  std::string content;
  std::string link;  // symlink target, or hard link target when hardlink
  bool hardlink = false;
  mode_t perm = 0644;
};

TestEntry File(std::string name, std::string content, mode_t perm = 0644) {
  return {std::move(name), AE_IFREG, std::move(content), "", false, perm};
}
TestEntry Dir(std::string name) { return {std::move(name), AE_IFDIR, "", "", false, 0755}; }
TestEntry Symlink(std::string name, std::string target) {
  return {std::move(name), AE_IFLNK, "", std::move(target), false, 0777};
}
TestEntry Hardlink(std::string name, std::string target) {
  return {std::move(name), AE_IFREG, "", std::move(target), true, 0644};
}

// Writes `entries` as an archive at `path`, exactly as given (no checks).
void WriteArchive(const std::string& path, const std::vector<TestEntry>& entries,
                  Format format = Format::kTarGz) {
  archive* writer = archive_write_new();
  if (format == Format::kZip) {
    archive_write_set_format_zip(writer);
  } else {
    archive_write_set_format_pax_restricted(writer);
  }
  if (format == Format::kTarGz) archive_write_add_filter_gzip(writer);
  if (format == Format::kTarZst) archive_write_add_filter_zstd(writer);
  ASSERT_EQ(archive_write_open_filename(writer, path.c_str()), ARCHIVE_OK);
  for (const TestEntry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, e.perm);
    archive_entry_set_mtime(entry, 1500000000, 0);
    if (e.hardlink) {
      archive_entry_set_hardlink(entry, e.link.c_str());
    } else if (e.type == AE_IFLNK) {
      archive_entry_set_symlink(entry, e.link.c_str());
    } else if (e.type == AE_IFREG) {
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
    } else if (e.type == AE_IFCHR || e.type == AE_IFBLK) {
      archive_entry_set_rdev(entry, makedev(1, 3));
    }
    ASSERT_GE(archive_write_header(writer, entry), ARCHIVE_WARN) << archive_error_string(writer);
    if (!e.content.empty()) {
      archive_write_data(writer, e.content.data(), e.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
}

std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    names.push_back(entry.path().lexically_relative(dir).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    outside_ = dir_.MakeDir("outside");
    dir_.WriteFile("outside/victim", "original");
    dest_ = dir_.MakeDir("dest");
    archive_ = dir_.Join("test.tar.gz");
  }

  // Extracts entries written in `format`; the outside directory must stay as it was.
  Status Extract(const std::vector<TestEntry>& entries, Format format = Format::kTarGz) {
    WriteArchive(archive_, entries, format);
    Status status = ExtractArchive(archive_, dest_);
    EXPECT_EQ(Listing(outside_), std::vector<std::string>{"victim"});
    EXPECT_EQ(test::ReadText(outside_ + "/victim"), "original");
    return status;
  }

  test::TempDir dir_;
  std::string outside_, dest_, archive_;
};

TEST_F(ArchiveTest, RefusesHostileEntries) {
  struct Case {
    std::vector<TestEntry> entries;
    std::string entry;   // as named in the message
    std::string reason;
  };
  const std::string victim = outside_ + "/victim";
  const std::string kNotAFile =
      "is a device, fifo or socket; archives may hold only files, directories and links";
  const std::vector<Case> cases = {
      {{File("../outside/evil", "x")}, "'../outside/evil'", "has a '..' part"},
      {{File("ok", "1"), File("a/../../outside/evil", "x")}, "'a/../../outside/evil'", "has a '..' part"},
      {{File(outside_ + "/evil", "x")}, "'" + outside_ + "/evil'", "has an absolute path"},
      {{Symlink("link", outside_), File("link/evil", "x")}, "'link/evil'",
       "would be written through the symlink 'link'"},
      {{Symlink("up", ".."), File("up/outside/evil", "x")}, "'up/outside/evil'",
       "would be written through the symlink 'up'"},
      {{Dir("d"), Symlink("d/s", outside_), Dir("d/s/")}, "'d/s/'",
       "would be written through the symlink 'd/s'"},
      {{Symlink("link", outside_), Dir("link/sub")}, "'link/sub/'",
       "would be written through the symlink 'link'"},
      {{Hardlink("h", "../outside/victim")}, "'h'", "is a hard link whose target has a '..' part"},
      {{Hardlink("h", victim)}, "'h'", "is a hard link whose target has an absolute path"},
      {{Hardlink("h", "missing")}, "'h'", "is a hard link to 'missing', which is not a file extracted before it"},
      {{Symlink("s", victim), Hardlink("h", "s")}, "'h'",
       "is a hard link to 's', which is not a file extracted before it"},
      {{Symlink("link", outside_), Hardlink("h", "link/victim")}, "'h'",
       "is a hard link to 'link/victim', which is not a file extracted before it"},
      {{Dir("sub"), Hardlink("h", "sub")}, "'h'",
       "is a hard link to 'sub', which is not a file extracted before it"},
      {{{"null", AE_IFCHR, "", "", false, 0666}}, "'null'", kNotAFile},
      {{{"disk", AE_IFBLK, "", "", false, 0666}}, "'disk'", kNotAFile},
      {{{"pipe", AE_IFIFO, "", "", false, 0666}}, "'pipe'", kNotAFile},
  };
  for (const Case& c : cases) {
    Status status = Extract(c.entries);
    ASSERT_FALSE(status.ok()) << c.entry;
    EXPECT_EQ(status.message(), archive_ + ": entry " + c.entry + " " + c.reason)
        << status.message();
    EXPECT_TRUE(fs::is_empty(dest_)) << c.entry;
  }
}

TEST_F(ArchiveTest, ReplacingASymlinkWithAFileNeverWritesThroughIt) {
  Status status = Extract({Symlink("a", outside_ + "/victim"), File("a", "new")});
  ASSERT_TRUE(status.ok()) << status.message();  // the symlink is replaced, not followed
  EXPECT_FALSE(fs::is_symlink(dest_ + "/a"));
  EXPECT_EQ(test::ReadText(dest_ + "/a"), "new");
}

TEST_F(ArchiveTest, SymlinksPointingAnywhereAreKeptAsLinks) {
  Status status = Extract({Symlink("etc", "/etc"), Symlink("up", "../.."), File("x", "1")});
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(fs::read_symlink(dest_ + "/etc"), "/etc");
  EXPECT_EQ(fs::read_symlink(dest_ + "/up"), "../..");
}

TEST_F(ArchiveTest, StripsASingleTopLevelDirectory) {
  Status status = Extract({Dir("heroku-buildpack-ruby-abc123/"),
                           Dir("heroku-buildpack-ruby-abc123/bin/"),
                           File("heroku-buildpack-ruby-abc123/bin/compile", "#!/bin/sh\n", 0755),
                           File("heroku-buildpack-ruby-abc123/README.md", "hi")});
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(Listing(dest_), (std::vector<std::string>{"README.md", "bin", "bin/compile"}));
  struct stat st {};
  ASSERT_EQ(::stat((dest_ + "/bin/compile").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(st.st_mtime, 1500000000);
}

TEST_F(ArchiveTest, StripsATopLevelDirectoryWithoutItsOwnEntryAndReadOnly) {
  TestEntry top = Dir("top");
  top.perm = 0555;
  Status status = Extract({top, File("./top/a", "a"), File("top/b/c", "c")});
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(Listing(dest_), (std::vector<std::string>{"a", "b", "b/c"}));
}

TEST_F(ArchiveTest, KeepsSeveralTopLevelEntries) {
  struct Case {
    std::vector<TestEntry> entries;
    std::vector<std::string> listing;
  };
  const std::vector<Case> cases = {
      {{File("bin/compile", "x"), File("README", "y")}, {"README", "bin", "bin/compile"}},
      {{File("only-file", "x")}, {"only-file"}},
      {{Symlink("link", "/tmp")}, {"link"}},
      {{Dir("./"), File("./a", "a"), File("./b/c", "c")}, {"a", "b", "b/c"}},
      {{}, {}},
  };
  for (const Case& c : cases) {
    Status status = Extract(c.entries);
    ASSERT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(Listing(dest_), c.listing);
    for (const auto& entry : fs::directory_iterator(dest_)) fs::remove_all(entry.path());
  }
}

TEST_F(ArchiveTest, ReadsTarZipAndCompressedFormats) {
  for (Format format : {Format::kTar, Format::kTarGz, Format::kTarZst, Format::kZip}) {
    Status status = Extract({Dir("repo-main/"), File("repo-main/bin/detect", "#!/bin/sh\n", 0755)},
                            format);
    ASSERT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(test::ReadText(dest_ + "/bin/detect"), "#!/bin/sh\n");
    EXPECT_TRUE(::access((dest_ + "/bin/detect").c_str(), X_OK) == 0);
    fs::remove_all(dest_ + "/bin");
  }
}

TEST_F(ArchiveTest, HardLinksInsideTheArchiveWork) {
  Status status = Extract({File("a", "shared"), Hardlink("b", "a"), Hardlink("./c", "./a")});
  ASSERT_TRUE(status.ok()) << status.message();
  struct stat a {}, b {};
  ASSERT_EQ(::stat((dest_ + "/a").c_str(), &a), 0);
  ASSERT_EQ(::stat((dest_ + "/b").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(test::ReadText(dest_ + "/c"), "shared");
}

TEST_F(ArchiveTest, DropsSetuidAndSetgidBits) {
  Status status = Extract({File("su", "x", 04755), File("sg", "y", 02755), File("st", "z", 01777)});
  ASSERT_TRUE(status.ok()) << status.message();
  struct stat st {};
  ASSERT_EQ(::stat((dest_ + "/su").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(::stat((dest_ + "/sg").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(::stat((dest_ + "/st").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
}

TEST_F(ArchiveTest, ReadsStandardInput) {
  WriteArchive(archive_, {File("app/index.php", "<?php")});
  int saved = ::dup(STDIN_FILENO);
  int fd = ::open(archive_.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ::dup2(fd, STDIN_FILENO);
  ::close(fd);
  Status status = ExtractArchive("-", dest_);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(test::ReadText(dest_ + "/index.php"), "<?php");
}

TEST_F(ArchiveTest, DestinationAndArchiveProblems) {
  WriteArchive(archive_, {File("a", "a")});
  dir_.WriteFile("dest/already", "x");
  Status not_empty = ExtractArchive(archive_, dest_);
  EXPECT_EQ(not_empty.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Listing(dest_), std::vector<std::string>{"already"});

  Status no_dest = ExtractArchive(archive_, dir_.Join("missing"));
  EXPECT_EQ(no_dest.code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir_.Join("missing")));

  std::string empty_dest = dir_.MakeDir("empty");
  Status no_archive = ExtractArchive(dir_.Join("nope.tgz"), empty_dest);
  EXPECT_EQ(no_archive.code(), StatusCode::kNotFound);
  std::string garbage = dir_.WriteFile("garbage.tgz", std::string("\x1f\x8b not really gzip \xff\x00", 22));
  Status bad = ExtractArchive(garbage, empty_dest);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.message().starts_with(garbage)) << bad.message();
  EXPECT_TRUE(fs::is_empty(empty_dest));
}

TEST_F(ArchiveTest, WorkingDirectoryIsRestored) {
  std::string before = fs::current_path();
  WriteArchive(archive_, {File("a", "a")});
  ASSERT_TRUE(ExtractArchive(archive_, dest_).ok());
  EXPECT_EQ(fs::current_path(), before);
  WriteArchive(archive_, {File("../evil", "a")});
  EXPECT_FALSE(ExtractArchive(archive_, dir_.MakeDir("second")).ok());
  EXPECT_EQ(fs::current_path(), before);
}

TEST_F(ArchiveTest, RelativePathsAreTakenFromTheWorkingDirectory) {
  std::string before = fs::current_path();
  WriteArchive(archive_, {File("a", "from a relative path")});
  fs::current_path(dir_.path());
  Status extracted = ExtractArchive("test.tar.gz", "dest");
  Status unpacked = UnpackSlug("test.tar.gz", "app");
  fs::current_path(before);
  ASSERT_TRUE(extracted.ok()) << extracted.message();
  ASSERT_TRUE(unpacked.ok()) << unpacked.message();
  EXPECT_EQ(test::ReadText(dest_ + "/a"), "from a relative path");
  EXPECT_EQ(test::ReadText(dir_.Join("app/a")), "from a relative path");
}

TEST_F(ArchiveTest, UnpackSlugRefusesHostileSlugsAndLeavesNothing) {
  for (const std::vector<TestEntry>& entries :
       {std::vector<TestEntry>{File("../outside/evil", "x")},
        std::vector<TestEntry>{Symlink("link", outside_), File("link/evil", "x")},
        std::vector<TestEntry>{{"dev", AE_IFCHR, "", "", false, 0666}}}) {
    std::string slug = dir_.Join("hostile.tar.zst");
    WriteArchive(slug, entries, Format::kTarZst);
    Status status = UnpackSlug(slug, dir_.Join("app"));
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(status.message().starts_with(slug + ": entry '")) << status.message();
    EXPECT_FALSE(fs::exists(dir_.Join("app")));
    EXPECT_EQ(Listing(outside_), std::vector<std::string>{"victim"});
  }
  std::vector<std::string> top;
  for (const auto& entry : fs::directory_iterator(dir_.path())) top.push_back(entry.path().filename());
  std::sort(top.begin(), top.end());
  EXPECT_EQ(top, (std::vector<std::string>{"dest", "hostile.tar.zst", "outside"}));
}

}  // namespace
}  // namespace berth
