// An app's bare repository and its pre-receive hook (EnsureAppRepo): created
// on the first push, the hook rewritten only when it is not what berth would
// write (content or mode), so that a push does not pay for an fsync'd write.
#include "core/git/repo.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "core/base/files.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

struct stat StatOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(0, ::lstat(path.c_str(), &st)) << path;
  return st;
}

TEST(EnsureAppRepoTest, CreatesTheBareRepositoryAndAnExecutableHook) {
  test::TempDir dir;
  std::string repo = AppRepoPath(dir.path(), "myapp");
  auto hook = PreReceiveHook("/usr/bin/berth", dir.path(), "myapp");
  ASSERT_TRUE(hook.ok()) << hook.status().message();
  ASSERT_TRUE(EnsureAppRepo(repo, *hook).ok());
  EXPECT_TRUE(PathExists(repo + "/HEAD"));
  auto written = ReadFile(repo + "/hooks/pre-receive");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*hook, *written);
  EXPECT_EQ(0755u, StatOf(repo + "/hooks/pre-receive").st_mode & 07777);
}

TEST(EnsureAppRepoTest, LeavesAHookThatIsAlreadyRightAlone) {
  test::TempDir dir;
  std::string repo = AppRepoPath(dir.path(), "myapp");
  auto hook = PreReceiveHook("/usr/bin/berth", dir.path(), "myapp");
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE(EnsureAppRepo(repo, *hook).ok());
  ino_t before = StatOf(repo + "/hooks/pre-receive").st_ino;
  ASSERT_TRUE(EnsureAppRepo(repo, *hook).ok());
  // An atomic rewrite would have renamed a new file into place.
  EXPECT_EQ(before, StatOf(repo + "/hooks/pre-receive").st_ino);
}

TEST(EnsureAppRepoTest, RewritesAHookWithOtherContentOrMode) {
  test::TempDir dir;
  std::string repo = AppRepoPath(dir.path(), "myapp");
  auto old_hook = PreReceiveHook("/opt/old/berth", dir.path(), "myapp");
  auto hook = PreReceiveHook("/usr/bin/berth", dir.path(), "myapp");
  ASSERT_TRUE(old_hook.ok() && hook.ok());
  ASSERT_TRUE(EnsureAppRepo(repo, *old_hook).ok());
  ASSERT_TRUE(EnsureAppRepo(repo, *hook).ok());
  EXPECT_EQ(*hook, *ReadFile(repo + "/hooks/pre-receive")) << "berth moved: the hook follows";

  ASSERT_EQ(0, ::chmod((repo + "/hooks/pre-receive").c_str(), 0644));
  ASSERT_TRUE(EnsureAppRepo(repo, *hook).ok());
  EXPECT_EQ(0755u, StatOf(repo + "/hooks/pre-receive").st_mode & 07777)
      << "a hook git would not run is made executable again";
}

}  // namespace
}  // namespace berth
