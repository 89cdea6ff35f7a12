// OciRuntime::Inspect and a bundle's owner (BUNDLE/owner, written when the
// bundle is made): a container whose berth process lives is in use even
// without a shim; one whose owner died, or whose pid now names another
// process, is dead. No container runs; the bundles are plain directories.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/runtime/oci_runtime.h"
#include "tests/unit/fake_process_runner.h"
#include "tests/unit/temp_dir.h"

namespace berth::test {
namespace {

// This process's start time: /proc/self/stat's 22nd field.
std::string OwnStartTime() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i) fields >> field;
  return field;
}

class OciRuntimeOwnerTest : public ::testing::Test {
 protected:
  OciRuntimeOwnerTest()
      : runtime_(runner_, {dir_.Join("root"), "runc", "/nonexistent/berth-shim"}) {}

  void Owner(const std::string& id, int64_t pid, const std::string& start_time, bool attached) {
    dir_.WriteFile("root/containers/" + id + "/owner",
                   "{\"pid\":" + std::to_string(pid) + ",\"start_time\":" + start_time +
                       ",\"attached\":" + (attached ? "true" : "false") + "}\n");
  }

  TempDir dir_;
  FakeProcessRunner runner_;
  OciRuntime runtime_;
};

TEST_F(OciRuntimeOwnerTest, AnAttachedRunIsRunningWhileItsOwnerLives) {
  Owner("demo.run.1", ::getpid(), OwnStartTime(), /*attached=*/true);
  auto state = runtime_.Inspect("demo.run.1");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_TRUE(state->owner_alive);
  EXPECT_TRUE(state->InUse());
  EXPECT_FALSE(state->shim_alive);
  EXPECT_EQ(state->owner_pid, ::getpid());
  EXPECT_EQ(state->status, "running");

  Owner("demo.web.1", ::getpid(), OwnStartTime(), /*attached=*/false);
  EXPECT_EQ(runtime_.Inspect("demo.web.1")->status, "starting") << "a shim is on its way";
}

TEST_F(OciRuntimeOwnerTest, AContainerWhoseOwnerDiedOrWasReplacedIsDead) {
  pid_t child = ::fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);
  Owner("demo.run.1", child, "12345", /*attached=*/true);
  auto gone = runtime_.Inspect("demo.run.1");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->owner_alive);
  EXPECT_FALSE(gone->InUse());
  EXPECT_EQ(gone->status, "dead");

  // The pid is alive, but it is another process than the one that made the bundle.
  Owner("demo.run.2", ::getpid(), "1", /*attached=*/true);
  EXPECT_FALSE(runtime_.Inspect("demo.run.2")->owner_alive);

  dir_.WriteFile("root/containers/demo.run.3/config.json", "{}");
  auto ownerless = runtime_.Inspect("demo.run.3");
  EXPECT_EQ(ownerless->owner_pid, 0);
  EXPECT_EQ(ownerless->status, "dead");
}

}  // namespace
}  // namespace berth::test
