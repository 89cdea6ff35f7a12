// What is left when a deploy's berth is killed: the deploy lock (an flock, so it
// dies with its holder; queued deploys wait for it) and ps:retire's clean-up of
// the interrupted deploy (its containers, upstreams, build record, workspace).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/cli/deploy_lock.h"
#include "core/cli/proxy_routes.h"
#include "tests/unit/command_fixture.h"

namespace berth::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using std::chrono::milliseconds;

class DeployLockTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(DeployLockTest, ASecondDeployIsRefusedNamingTheHolderAndAQueuedOneGetsItWhenFreed) {
  std::string root = dir_.Join("root");
  auto first = DeployLock::Acquire(root, "demo");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(DeployLock::Acquire(root, "other").ok()) << "another app deploys in parallel";
  auto second = DeployLock::Acquire(root, "demo");
  ASSERT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("(pid " + std::to_string(::getpid()) + ")"));
  EXPECT_THAT(second.status().message(), HasSubstr("berth apps:unlock demo"));

  auto waited = DeployLock::Acquire(root, "demo", milliseconds(200));
  EXPECT_EQ(waited.status().code(), StatusCode::kFailedPrecondition) << "still held after the wait";
  std::thread release([&] {
    std::this_thread::sleep_for(milliseconds(300));
    first->reset();
  });
  auto queued = DeployLock::Acquire(root, "demo", milliseconds(10000));
  release.join();
  EXPECT_TRUE(queued.ok()) << queued.status().message();
}

TEST_F(DeployLockTest, AHolderKilledWithSigkillLeavesItFree) {
  std::string root = dir_.Join("root");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = DeployLock::Acquire(root, "demo");
    char c = lock.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(c, 'y');
  EXPECT_EQ(DeployLock::Acquire(root, "demo").status().code(), StatusCode::kFailedPrecondition);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(DeployLock::Acquire(root, "demo").ok()) << "no apps:unlock needed";
}

class InterruptedDeployTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "demo"}));
    ASSERT_TRUE(store().SetProperty(kSchedulerPlugin, Scope::App("demo"), "generation", "2").ok());
  }

  // A running web container of generation `g` with a bridge address; returns the address.
  std::string AddWeb(int g) {
    std::string id = "demo.web.1." + std::to_string(g);
    ContainerSpec spec;
    spec.id = id;
    EXPECT_TRUE(runtime_.StartDetached(spec, {}, {}).ok());
    ContainerRecord record{id, "demo", "web", 1, "running", "{}", 0};
    EXPECT_TRUE(store().AddContainer(record).ok());
    auto address = store().AllocateAddress("berth0", "10.210.0.0/16", id);
    EXPECT_TRUE(address.ok());
    return address.ok() ? *address : "";
  }

  std::string Upstreams() {
    auto value = store().GetProperty(kSchedulerPlugin, Scope::App("demo"), kWebUpstreamsKey);
    return value.ok() && *value ? **value : "";
  }
};

TEST_F(InterruptedDeployTest, PsRetireRemovesWhatAKilledDeployLeftAndRoutesBackToTheCurrentRelease) {
  std::string current = AddWeb(2);
  std::string leftover = AddWeb(3);
  // Killed after it had stored the new upstreams, before it recorded its generation.
  ASSERT_TRUE(store().SetProperty(kSchedulerPlugin, Scope::App("demo"), kWebUpstreamsKey, leftover).ok());
  BuildRecord build;
  build.app = "demo";
  build.git_rev = "abc";
  build.source = "git";
  auto build_id = store().StartBuild(build);
  ASSERT_TRUE(build_id.ok());
  std::string workspace = env_.root + "/tmp/deploy-demo-4242-1700000000000";
  ASSERT_TRUE(MakeDirs(workspace + "/src").ok());
  ASSERT_TRUE(MakeDirs(env_.root + "/tmp/deploy-demo-x-4242-1700000000000").ok());

  ASSERT_TRUE(RunOk({"ps:retire"}));
  EXPECT_THAT(runtime_.removed, UnorderedElementsAre("demo.web.1.3"));
  EXPECT_TRUE(runtime_.containers.contains("demo.web.1.2"));
  EXPECT_EQ(Upstreams(), current);
  auto builds = store().ListBuilds("demo");
  ASSERT_TRUE(builds.ok());
  ASSERT_EQ(builds->size(), 1u);
  EXPECT_EQ((*builds)[0].status, "interrupted");
  EXPECT_FALSE(PathExists(workspace));
  EXPECT_TRUE(PathExists(env_.root + "/tmp/deploy-demo-x-4242-1700000000000")) << "another app's";
  EXPECT_THAT(out(), HasSubstr("Routed demo back to its current containers"));
  EXPECT_THAT(out(), HasSubstr("Removed demo.web.1.3"));

  runtime_.removed.clear();
  ASSERT_TRUE(RunOk({"ps:retire"}));
  EXPECT_TRUE(runtime_.removed.empty()) << "nothing more to do";
}

TEST_F(InterruptedDeployTest, UpstreamsThatNeverMovedStayAndARunningDeployIsLeftAlone) {
  std::string current = AddWeb(2);
  AddWeb(3);
  ASSERT_TRUE(store().SetProperty(kSchedulerPlugin, Scope::App("demo"), kWebUpstreamsKey, current).ok());
  {
    auto deploying = DeployLock::Acquire(env_.root, "demo");
    ASSERT_TRUE(deploying.ok());
    ASSERT_TRUE(RunOk({"ps:retire"}));
    EXPECT_TRUE(runtime_.removed.empty()) << "a deploy that runs is checking its new container";
  }
  ASSERT_TRUE(RunOk({"ps:retire"}));
  EXPECT_THAT(runtime_.removed, UnorderedElementsAre("demo.web.1.3"));
  EXPECT_EQ(Upstreams(), current);
  EXPECT_THAT(out(), Not(HasSubstr("Routed demo back")));
}

// ps:scale (like config:set and ps:restart) of an app a push is deploying waits
// for the push's deploy lock instead of changing containers under it. (The
// pipeline handlers are installed by pipeline_handlers_test.cc.)
TEST_F(InterruptedDeployTest, PsScaleWaitsForTheRunningDeploy) {
  ReleaseRecord release;
  release.description = "Deploy 1234567";
  release.slug_digest = "abc";
  release.builder = "herokuish";
  release.process_types = {{"web", "python3 server.py"}};
  ASSERT_TRUE(store().AddRelease("demo", release).ok());
  ASSERT_TRUE(store().SetFormation("demo", {{"web", 2}}).ok());
  AddWeb(2);
  ContainerSpec second;
  second.id = "demo.web.2.2";
  ASSERT_TRUE(runtime_.StartDetached(second, {}, {}).ok());
  ASSERT_TRUE(store().AddContainer({second.id, "demo", "web", 2, "running", "{}", 0}).ok());
  auto push = DeployLock::Acquire(env_.root, "demo");
  ASSERT_TRUE(push.ok());
  std::atomic<bool> released{false};
  std::thread finish([&] {
    std::this_thread::sleep_for(milliseconds(400));
    released = true;
    push->reset();
  });
  Status scaled = Run({"ps:scale", "demo", "web=1"});
  finish.join();
  ASSERT_TRUE(scaled.ok()) << err();
  EXPECT_TRUE(released) << "it scaled before the push was done";
  EXPECT_THAT(out(), HasSubstr("Waiting for the running deploy of demo to finish"));
  EXPECT_THAT(runtime_.removed, UnorderedElementsAre("demo.web.2.2"));
}

}  // namespace
}  // namespace berth::test
