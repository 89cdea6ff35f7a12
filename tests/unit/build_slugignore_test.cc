// .slugignore patterns: anchoring, directory-only patterns, wildcards, "**",
// classes, and the refusal of negation.
#include "core/build/slugignore.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/build/glob_match.h"

namespace berth {
namespace {

struct Case {
  std::string pattern;
  std::string path;
  bool is_dir;
  bool ignored;
};

TEST(SlugIgnoreTest, MatchesLikeGitignore) {
  const std::vector<Case> cases = {
      // A name without '/' matches at any depth.
      {"*.log", "app.log", false, true},
      {"*.log", "log/deep/app.log", false, true},
      {"*.log", "app.log.txt", false, false},
      {"tmp", "tmp", true, true},
      {"tmp", "src/tmp", false, true},
      {"tmp", "tmpfile", false, false},
      // Contents of an ignored directory are ignored too.
      {"tmp", "tmp/cache/x.bin", false, true},
      {"vendor/", "src/vendor/lib.rb", false, true},
      // A trailing '/' matches only directories.
      {"docs/", "docs", true, true},
      {"docs/", "docs", false, false},
      // A leading or inner '/' anchors to the root.
      {"/spec", "spec", true, true},
      {"/spec", "lib/spec", true, false},
      {"test/fixtures", "test/fixtures/a.json", false, true},
      {"test/fixtures", "app/test/fixtures", true, false},
      // '*' and '?' stay within one part.
      {"/doc/*.pdf", "doc/a.pdf", false, true},
      {"/doc/*.pdf", "doc/sub/a.pdf", false, false},
      {"file?.txt", "file1.txt", false, true},
      {"file?.txt", "file10.txt", false, false},
      {"a*b", "a/b", false, false},
      // "**" spans directories.
      {"**/cache", "cache", true, true},
      {"**/cache", "x/y/cache", true, true},
      {"src/**/test", "src/test", true, true},
      {"src/**/test", "src/a/b/test", true, true},
      {"src/**/test", "lib/a/test", true, false},
      {"build/**", "build/x/y", false, true},
      {"build/**", "build", true, false},
      {"**", "anything/at/all", false, true},
      // Classes and escapes.
      {"*.[oa]", "lib.o", false, true},
      {"*.[oa]", "lib.a", false, true},
      {"*.[oa]", "lib.c", false, false},
      {"[!a-m]*", "zeta", false, true},
      {"[!a-m]*", "beta", false, false},
      {"[a-", "[a-", false, true},
      {"\\#hash", "#hash", false, true},
      {"\\*", "*", false, true},
      {"\\*", "x", false, false},
      // Path spellings.
      {"secret.txt", "./secret.txt", false, true},
      {"/secret.txt", "/secret.txt", false, true},
      {"node_modules/", "node_modules/", true, true},
  };
  for (const Case& c : cases) {
    auto ignore = SlugIgnore::Parse(c.pattern);
    ASSERT_TRUE(ignore.ok()) << c.pattern;
    EXPECT_EQ(ignore->Ignored(c.path, c.is_dir), c.ignored) << c.pattern << " vs " << c.path;
  }
}

TEST(SlugIgnoreTest, SeveralLinesCommentsAndCrlf) {
  auto ignore = SlugIgnore::Parse("# big things\r\n*.psd\r\n\r\n/spec/\r\n  log  \r\n/\n");
  ASSERT_TRUE(ignore.ok());
  EXPECT_TRUE(ignore->Ignored("art/logo.psd", false));
  EXPECT_TRUE(ignore->Ignored("spec/models/user_spec.rb", false));
  EXPECT_TRUE(ignore->Ignored("log", true));
  EXPECT_FALSE(ignore->Ignored("app/models/user.rb", false));
  EXPECT_FALSE(ignore->Ignored("# big things", false));
  EXPECT_FALSE(ignore->Ignored("", true));
}

TEST(SlugIgnoreTest, EmptyIgnoresNothing) {
  SlugIgnore none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.Ignored("anything", false));
  auto parsed = SlugIgnore::Parse("# only comments\n\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->empty());
}

TEST(SlugIgnoreTest, NegationIsAnErrorNamingTheLine) {
  auto ignore = SlugIgnore::Parse("*.log\n# keep this one\n!important.log\n");
  ASSERT_FALSE(ignore.ok());
  EXPECT_EQ(ignore.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ignore.status().message(),
            ".slugignore line 3: '!important.log' is a negation, which .slugignore does not "
            "support; list only paths to leave out of the slug");
}

TEST(SlugIgnoreTest, ManyStarsStayFast) {
  auto ignore = SlugIgnore::Parse("a/**/**/**/b/**/c/**/d\n*a*a*a*a*a*a*a*a*a*b\n");
  ASSERT_TRUE(ignore.ok());
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "a/";
  EXPECT_FALSE(ignore->Ignored(deep + "x", false));
  EXPECT_FALSE(ignore->Ignored(std::string(200, 'a'), false));
}

TEST(GlobMatchTest, Basics) {
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("a*c*e", "abcde"));
  EXPECT_FALSE(GlobMatch("a*c*e", "abcd"));
  EXPECT_TRUE(GlobMatch("[]]x", "]x"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_FALSE(GlobMatch("?", ""));
}

}  // namespace
}  // namespace berth
