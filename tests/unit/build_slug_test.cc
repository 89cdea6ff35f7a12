// Slugs: pack -> unpack round trips (.slugignore and .git left out, modes,
// mtimes and symlinks kept), the same digest for the same tree, the entries
// as stored, the size limits and HumanSize.
#include "core/build/slug.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/build/digest.h"
#include "core/build/slug_size.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

struct StoredEntry {
  std::string name;
  la_int64_t uid = -1;
  la_int64_t gid = -1;
  mode_t type = 0;
  std::string symlink;
};

// The entries of a slug as stored, read back with libarchive.
std::vector<StoredEntry> StoredEntries(const std::string& slug) {
  std::vector<StoredEntry> entries;
  archive* reader = archive_read_new();
  archive_read_support_format_tar(reader);
  archive_read_support_filter_zstd(reader);
  EXPECT_EQ(archive_read_open_filename(reader, slug.c_str(), 65536), ARCHIVE_OK);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    StoredEntry stored;
    stored.name = archive_entry_pathname(entry);
    stored.uid = archive_entry_uid(entry);
    stored.gid = archive_entry_gid(entry);
    stored.type = archive_entry_filetype(entry);
    if (archive_entry_symlink(entry) != nullptr) stored.symlink = archive_entry_symlink(entry);
    entries.push_back(stored);
  }
  archive_read_free(reader);
  return entries;
}

void SetMtime(const std::string& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

// Gives every path under `root` (and root) the same mtime.
void SetAllMtimes(const std::string& root, time_t seconds) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    SetMtime(entry.path().string(), seconds);
  }
  SetMtime(root, seconds);
}

// A built app with a bit of everything.
void MakeApp(const test::TempDir& dir, const std::string& app) {
  dir.WriteFile(app + "/Procfile", "web: bin/server\n");
  dir.WriteFile(app + "/bin/server", "#!/bin/sh\nexec sleep 1\n", 0755);
  dir.WriteFile(app + "/config/secret.key", "k", 0600);
  dir.WriteFile(app + "/log/production.log", "noise");
  dir.WriteFile(app + "/tmp/cache/blob", std::string(1000, 'x'));
  dir.WriteFile(app + "/.slugignore", "# keep the slug small\n*.log\n/tmp/\n");
  dir.WriteFile(app + "/.git/HEAD", "ref: refs/heads/main\n");
  dir.WriteFile(app + "/vendor/lib/.git/config", "[core]\n");
  dir.WriteFile(app + "/vendor/lib/lib.rb", "puts 1\n");
  dir.WriteFile(app + "/" + std::string(120, 'd') + "/" + std::string(120, 'f'), "long");
  dir.MakeDir(app + "/empty");
  ::chmod(dir.Join(app + "/empty").c_str(), 0700);
  fs::create_symlink("bin/server", dir.Join(app + "/current"));
  fs::create_symlink("/app/vendor/lib", dir.Join(app + "/vendor-link"));
  ::mkfifo(dir.Join(app + "/a-fifo").c_str(), 0644);
}

TEST(SlugTest, PackThenUnpackRoundTrip) {
  test::TempDir dir;
  MakeApp(dir, "app");
  SetMtime(dir.Join("app/Procfile"), 1234567890);
  auto slug = PackSlug(dir.Join("app"), dir.Join("slugs"));
  ASSERT_TRUE(slug.ok()) << slug.status().message();
  EXPECT_EQ(slug->digest.size(), 64u);
  EXPECT_EQ(slug->path, dir.Join("slugs/" + slug->digest + ".tar.zst"));
  EXPECT_EQ(*Sha256File(slug->path), slug->digest);
  EXPECT_EQ(slug->compressed_bytes, fs::file_size(slug->path));
  EXPECT_TRUE(slug->warning.empty());
  // Procfile, server, secret.key, .slugignore, lib.rb, the long file, two symlinks.
  EXPECT_EQ(slug->files, 8u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.Join("slugs")), fs::directory_iterator()), 1)
      << "no temp file left behind";

  std::string out = dir.Join("unpacked");
  Status unpacked = UnpackSlug(slug->path, out);
  ASSERT_TRUE(unpacked.ok()) << unpacked.message();
  EXPECT_EQ(test::ReadText(out + "/Procfile"), "web: bin/server\n");
  EXPECT_EQ(test::ReadText(out + "/vendor/lib/lib.rb"), "puts 1\n");
  EXPECT_EQ(test::ReadText(out + "/" + std::string(120, 'd') + "/" + std::string(120, 'f')), "long");
  EXPECT_FALSE(fs::exists(out + "/log/production.log"));
  EXPECT_TRUE(fs::is_directory(out + "/log"));  // only *.log is ignored, not the directory
  EXPECT_FALSE(fs::exists(out + "/tmp"));
  EXPECT_FALSE(fs::exists(out + "/.git"));
  EXPECT_FALSE(fs::exists(out + "/vendor/lib/.git"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(out + "/a-fifo")));
  EXPECT_TRUE(fs::exists(out + "/.slugignore"));

  struct stat st {};
  ASSERT_EQ(::stat((out + "/bin/server").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(::stat((out + "/config/secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat((out + "/empty").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::stat((out + "/Procfile").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1234567890);
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  uid_t expected_owner = ::geteuid() == 0 ? 32767 : ::geteuid();
  EXPECT_EQ(st.st_uid, expected_owner);
  ASSERT_EQ(::lstat((out + "/current").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, expected_owner);

  EXPECT_TRUE(fs::is_symlink(out + "/current"));
  EXPECT_EQ(fs::read_symlink(out + "/current"), "bin/server");
  EXPECT_EQ(fs::read_symlink(out + "/vendor-link"), "/app/vendor/lib");
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".unpack-"), std::string::npos);
  }
}

TEST(SlugTest, EntriesAreRelativeSortedAndOwnedBy32767) {
  test::TempDir dir;
  dir.WriteFile("app/b.txt", "b");
  dir.WriteFile("app/a/z.txt", "z");
  dir.WriteFile("app/a.txt", "a");
  fs::create_symlink("a.txt", dir.Join("app/c"));
  auto slug = PackSlug(dir.Join("app"), dir.Join("slugs"));
  ASSERT_TRUE(slug.ok()) << slug.status().message();
  std::vector<StoredEntry> entries = StoredEntries(slug->path);
  std::vector<std::string> names;
  for (const StoredEntry& entry : entries) {
    names.push_back(entry.name);
    EXPECT_EQ(entry.uid, 32767) << entry.name;
    EXPECT_EQ(entry.gid, 32767) << entry.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a/", "a/z.txt", "a.txt", "b.txt", "c"}));
  EXPECT_EQ(entries[4].type, static_cast<mode_t>(AE_IFLNK));
  EXPECT_EQ(entries[4].symlink, "a.txt");
}

TEST(SlugTest, SameTreeGivesSameDigest) {
  test::TempDir dir;
  MakeApp(dir, "one");
  MakeApp(dir, "two");
  SetAllMtimes(dir.Join("one"), 1600000000);
  SetAllMtimes(dir.Join("two"), 1600000000);
  auto first = PackSlug(dir.Join("one"), dir.Join("slugs"));
  auto again = PackSlug(dir.Join("one"), dir.Join("slugs"));
  auto second = PackSlug(dir.Join("two"), dir.Join("slugs"));
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->digest, again->digest);
  EXPECT_EQ(first->digest, second->digest);
  EXPECT_EQ(first->path, second->path);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.Join("slugs")), fs::directory_iterator()), 1);

  SetMtime(dir.Join("two/Procfile"), 1600000001);
  auto touched = PackSlug(dir.Join("two"), dir.Join("slugs"));
  ASSERT_TRUE(touched.ok());
  EXPECT_NE(touched->digest, first->digest);
  dir.WriteFile("two/log/other.log", "ignored, so no change");
  SetMtime(dir.Join("two/Procfile"), 1600000000);
  SetMtime(dir.Join("two/log"), 1600000000);
  auto ignored_change = PackSlug(dir.Join("two"), dir.Join("slugs"));
  ASSERT_TRUE(ignored_change.ok());
  EXPECT_EQ(ignored_change->digest, first->digest);
}

TEST(SlugTest, NonUtf8AndSpecialFileNamesRoundTrip) {
  test::TempDir dir;
  std::vector<std::string> names = {"caf\xe9.txt", "caf\xc3\xa9.txt", "sp ace", "semi;colon",
                                    "$(id)", "back\\slash", "new\nline", "-dash"};
  for (const std::string& name : names) dir.WriteFile("app/" + name, name);
  auto slug = PackSlug(dir.Join("app"), dir.Join("slugs"));
  ASSERT_TRUE(slug.ok()) << slug.status().message();
  EXPECT_EQ(slug->files, names.size());
  Status unpacked = UnpackSlug(slug->path, dir.Join("out"));
  ASSERT_TRUE(unpacked.ok()) << unpacked.message();
  for (const std::string& name : names) {
    EXPECT_EQ(test::ReadText(dir.Join("out/" + name)), name) << name;
  }
}

TEST(SlugTest, EmptyAppPacks) {
  test::TempDir dir;
  dir.MakeDir("app");
  auto slug = PackSlug(dir.Join("app"), dir.Join("slugs"));
  ASSERT_TRUE(slug.ok()) << slug.status().message();
  EXPECT_EQ(slug->files, 0u);
  ASSERT_TRUE(UnpackSlug(slug->path, dir.Join("out")).ok());
  EXPECT_TRUE(fs::is_empty(dir.Join("out")));
}

TEST(SlugTest, PackErrors) {
  test::TempDir dir;
  auto missing = PackSlug(dir.Join("nope"), dir.Join("slugs"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  dir.WriteFile("app/.slugignore", "*.log\n!keep.log\n");
  auto negation = PackSlug(dir.Join("app"), dir.Join("slugs"));
  ASSERT_FALSE(negation.ok());
  EXPECT_EQ(negation.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(negation.status().message().starts_with(".slugignore line 2: "))
      << negation.status().message();
  EXPECT_FALSE(fs::exists(dir.Join("slugs")) && !fs::is_empty(dir.Join("slugs")));
}

TEST(SlugTest, UnpackRefusesAnExistingDestinationAndMissingSlug) {
  test::TempDir dir;
  dir.WriteFile("app/x", "x");
  auto slug = PackSlug(dir.Join("app"), dir.Join("slugs"));
  ASSERT_TRUE(slug.ok());
  dir.MakeDir("out");
  Status exists = UnpackSlug(slug->path, dir.Join("out"));
  EXPECT_EQ(exists.code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(fs::is_empty(dir.Join("out")));
  Status missing = UnpackSlug(dir.Join("slugs/missing.tar.zst"), dir.Join("new"));
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir.Join("new")));
  Status not_an_archive = UnpackSlug(dir.Join("app/x"), dir.Join("new"));
  EXPECT_FALSE(not_an_archive.ok());
  EXPECT_FALSE(fs::exists(dir.Join("new")));
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir.path())) left.push_back(entry.path().filename());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"app", "out", "slugs"}));
}

TEST(SlugSizeTest, WarnsAbove300AndRefusesAbove500Megabytes) {
  const uint64_t mb = uint64_t{1} << 20;
  EXPECT_EQ(*CheckSlugSize(0), "");
  EXPECT_EQ(*CheckSlugSize(300 * mb), "");
  auto warned = CheckSlugSize(300 * mb + 1);
  ASSERT_TRUE(warned.ok());
  EXPECT_TRUE(warned->starts_with("slug is 301 MB compressed;")) << *warned;
  EXPECT_NE(warned->find(".slugignore"), std::string::npos);
  EXPECT_FALSE(CheckSlugSize(500 * mb)->empty());
  auto refused = CheckSlugSize(500 * mb + 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "slug is 501 MB compressed; the limit is 500 MB: add large build artefacts to .slugignore");
  EXPECT_EQ(CheckSlugSize(uint64_t{1} << 40).status().message().substr(0, 25),
            "slug is 1048576 MB compre");
}

TEST(SlugSizeTest, HumanSize) {
  struct Case {
    uint64_t bytes;
    const char* text;
  };
  const Case cases[] = {
      {0, "0B"},
      {1023, "1023B"},
      {1024, "1.0K"},
      {1536, "1.5K"},
      {99 * 1024, "99.0K"},
      {100 * 1024, "100K"},
      {512 * 1024, "512K"},
      {1048575, "1.0M"},
      {12897485, "12.3M"},  // 12.3 MiB
      {1181116006, "1.1G"},  // 1.1 GiB
      {uint64_t{500} << 20, "500M"},
      {uint64_t{1} << 40, "1.0T"},
      {UINT64_MAX, "16.0E"},
  };
  for (const Case& c : cases) EXPECT_EQ(HumanSize(c.bytes), c.text) << c.bytes;
}

}  // namespace
}  // namespace berth
