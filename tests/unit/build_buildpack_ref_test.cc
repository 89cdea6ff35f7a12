// Buildpack references: URL kinds, #refs, local paths judged by what is on
// disk, refusals, and .buildpacks files with line numbers.
#include "core/build/buildpack_ref.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using Kind = BuildpackRef::Kind;

TEST(BuildpackRefTest, UrlKindsAndRefs) {
  struct Case {
    std::string text;
    Kind kind;
    std::string url;
    std::string ref;
  };
  const std::vector<Case> cases = {
      {"https://github.com/heroku/heroku-buildpack-ruby", Kind::kGit,
       "https://github.com/heroku/heroku-buildpack-ruby", ""},
      {"https://github.com/heroku/heroku-buildpack-ruby.git#v250", Kind::kGit,
       "https://github.com/heroku/heroku-buildpack-ruby.git", "v250"},
      {"http://example.com/bp.git#feature/x-1.2", Kind::kGit, "http://example.com/bp.git", "feature/x-1.2"},
      {"git://example.com/bp", Kind::kGit, "git://example.com/bp", ""},
      {"ssh://git@example.com:2222/bp.git#0123abcdef", Kind::kGit,
       "ssh://git@example.com:2222/bp.git", "0123abcdef"},
      {"HTTPS://Example.com/Bp", Kind::kGit, "HTTPS://Example.com/Bp", ""},
      {"https://codon.example.com/buildpacks/ruby.tgz", Kind::kTarball,
       "https://codon.example.com/buildpacks/ruby.tgz", ""},
      {"https://example.com/b/python.tar.gz?token=abc", Kind::kTarball,
       "https://example.com/b/python.tar.gz?token=abc", ""},
      {"http://example.com/go.tar", Kind::kTarball, "http://example.com/go.tar", ""},
      {"https://example.com/go.tar.zst", Kind::kTarball, "https://example.com/go.tar.zst", ""},
      {"git://example.com/weird.tgz", Kind::kGit, "git://example.com/weird.tgz", ""},
      {"/var/lib/berth/buildpacks/missing.tgz", Kind::kTarball,
       "/var/lib/berth/buildpacks/missing.tgz", ""},
      {"file:///srv/bp/ruby.tar.gz", Kind::kTarball, "/srv/bp/ruby.tar.gz", ""},
      {"/srv/no-such-dir/bp.git#main", Kind::kGit, "/srv/no-such-dir/bp.git", "main"},
      {"file:///srv/no-such-dir/bp.git", Kind::kGit, "/srv/no-such-dir/bp.git", ""},
      {"/srv/no-such-dir/bp/", Kind::kLocal, "/srv/no-such-dir/bp", ""},
  };
  for (const Case& c : cases) {
    auto ref = ParseBuildpackRef(c.text);
    ASSERT_TRUE(ref.ok()) << c.text << ": " << ref.status().message();
    EXPECT_EQ(ref->kind, c.kind) << c.text;
    EXPECT_EQ(ref->url, c.url) << c.text;
    EXPECT_EQ(ref->ref, c.ref) << c.text;
    EXPECT_EQ(ref->ToString(), c.ref.empty() ? c.url : c.url + "#" + c.ref);
  }
}

TEST(BuildpackRefTest, LocalDirectoriesAreJudgedByWhatIsOnDisk) {
  test::TempDir dir;
  dir.WriteFile("bp/bin/compile", "#!/bin/sh\n", 0755);
  dir.MakeDir("repo.git/objects");
  dir.MakeDir("plain");
  dir.WriteFile("notes.txt", "x");

  auto local = ParseBuildpackRef(dir.Join("bp"));
  ASSERT_TRUE(local.ok()) << local.status().message();
  EXPECT_EQ(local->kind, Kind::kLocal);
  EXPECT_EQ(local->url, dir.Join("bp"));

  auto from_url = ParseBuildpackRef("file://" + dir.Join("bp") + "/");
  ASSERT_TRUE(from_url.ok());
  EXPECT_EQ(from_url->kind, Kind::kLocal);
  EXPECT_EQ(from_url->url, dir.Join("bp"));

  auto repo = ParseBuildpackRef("file://" + dir.Join("repo.git") + "#v1");
  ASSERT_TRUE(repo.ok());
  EXPECT_EQ(repo->kind, Kind::kGit);
  EXPECT_EQ(repo->url, dir.Join("repo.git"));
  EXPECT_EQ(repo->ref, "v1");

  auto plain = ParseBuildpackRef(dir.Join("plain"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->kind, Kind::kGit);  // a directory without bin/compile: a git repository

  auto file = ParseBuildpackRef(dir.Join("notes.txt"));
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("must be a directory, a git repository or a tarball"),
            std::string::npos);
  auto local_ref = ParseBuildpackRef(dir.Join("bp") + "#main");
  ASSERT_FALSE(local_ref.ok());
  EXPECT_NE(local_ref.status().message().find("only git buildpacks take a '#ref'"), std::string::npos);
}

TEST(BuildpackRefTest, RefusesWithAReason) {
  struct Case {
    std::string text;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"", "the URL is empty"},
      {"https://example.com/bp x", "whitespace or a control character"},
      {" https://example.com/bp", "whitespace or a control character"},
      {"https://example.com/bp\n", "whitespace or a control character"},
      {"https://example.com/\x01", "whitespace or a control character"},
      {"https://example.com/\x7f", "whitespace or a control character"},
      {"https://example.com/bp;rm\t-rf", "whitespace or a control character"},
      {"heroku/nodejs", "or an absolute path"},
      {"./buildpacks/ruby", "or an absolute path"},
      {"buildpacks/ruby", "or an absolute path"},
      {"git@github.com:heroku/heroku-buildpack-ruby.git", "write ssh URLs as ssh://user@host/path"},
      {"ftp://example.com/bp.tgz", "the scheme 'ftp' is not supported"},
      {"javascript://x", "the scheme 'javascript' is not supported"},
      {"-uhttps://example.com", "the scheme '-uhttps' is not supported"},
      {"https://", "the URL has no host"},
      {"https:///path", "the URL has no host"},
      {"https://ex\xc3\xa4mple.com/bp", "non-ASCII characters in a URL must be percent-encoded"},
      {"file://relative/path", "a file URL needs an absolute path"},
      {"file://", "a file URL needs an absolute path"},
      {"/", "must be a directory, a git repository or a tarball"},
      {"https://example.com/bp#", "'' after '#' is not a branch, tag or commit name"},
      {"https://example.com/bp#--upload-pack=evil", "is not a branch, tag or commit name"},
      {"https://example.com/bp#a..b", "is not a branch, tag or commit name"},
      {"https://example.com/bp#$(id)", "is not a branch, tag or commit name"},
      {"https://example.com/bp#a#b", "is not a branch, tag or commit name"},
      {"https://example.com/bp#" + std::string(300, 'a'), "is not a branch, tag or commit name"},
      {"https://example.com/bp.tgz#v1", "only git buildpacks take a '#ref'"},
      {"https://example.com/" + std::string(5000, 'a'), "longer than 4096 characters"},
  };
  for (const Case& c : cases) {
    auto ref = ParseBuildpackRef(c.text);
    ASSERT_FALSE(ref.ok()) << c.text;
    EXPECT_EQ(ref.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(ref.status().message().starts_with("Invalid buildpack")) << ref.status().message();
    EXPECT_NE(ref.status().message().find(c.reason), std::string::npos)
        << c.text << " -> " << ref.status().message();
    EXPECT_EQ(ref.status().message().find('\n'), std::string::npos) << ref.status().message();
  }
}

TEST(BuildpackRefTest, BuildpacksFileLinesInOrder) {
  auto refs = ParseBuildpacksFile(
      "# multi-buildpack\r\n"
      "https://github.com/heroku/heroku-buildpack-nodejs#v200\r\n"
      "\r\n"
      "   https://github.com/heroku/heroku-buildpack-ruby   \n"
      "https://example.com/python.tgz");
  ASSERT_TRUE(refs.ok()) << refs.status().message();
  ASSERT_EQ(refs->size(), 3u);
  EXPECT_EQ((*refs)[0].url, "https://github.com/heroku/heroku-buildpack-nodejs");
  EXPECT_EQ((*refs)[0].ref, "v200");
  EXPECT_EQ((*refs)[1].url, "https://github.com/heroku/heroku-buildpack-ruby");
  EXPECT_EQ((*refs)[2].kind, Kind::kTarball);
  auto empty = ParseBuildpacksFile("\n# nothing\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(BuildpackRefTest, BuildpacksFileErrorsNameTheLine) {
  auto refs = ParseBuildpacksFile("https://example.com/a\n# c\n\nheroku/ruby\n");
  ASSERT_FALSE(refs.ok());
  EXPECT_TRUE(refs.status().message().starts_with(".buildpacks line 4: Invalid buildpack 'heroku/ruby'"))
      << refs.status().message();
  auto spaced = ParseBuildpacksFile("https://example.com/a # comment\n");
  ASSERT_FALSE(spaced.ok());
  EXPECT_TRUE(spaced.status().message().starts_with(".buildpacks line 1: "));
}

}  // namespace
}  // namespace berth
