// Detached containers: the store's containers table, the v1 -> latest schema
// migration, and the commands (run:list, run:stop, ps:stop, ps:retire,
// ps:start, ps:restore, enter) against FakeContainerRuntime.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "core/cli/containers_commands.h"
#include "core/state/migrations.h"
#include "tests/unit/command_fixture.h"
#include "tests/unit/fake_container_runtime.h"

namespace berth::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

ContainerRecord Record(const std::string& id, const std::string& app) {
  ContainerRecord r;
  r.id = id;
  r.app = app;
  r.process_type = "run";
  r.instance = 1;
  r.spec = "{}";
  return r;
}

TEST(ContainerStoreTest, AddListSetDesiredRemoveAndDestroy) {
  TempDir dir;
  auto opened = SqliteStore::Open(dir.Join("berth.db"));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Store& store = **opened;
  ASSERT_TRUE(store.CreateApp("a").ok());
  ASSERT_TRUE(store.CreateApp("b").ok());
  ASSERT_TRUE(store.AddContainer(Record("a.run.1", "a")).ok());
  ContainerRecord web = Record("b.web.1", "b");
  web.process_type = "web";
  ASSERT_TRUE(store.AddContainer(web).ok());
  EXPECT_EQ(store.AddContainer(Record("a.run.1", "a")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store.AddContainer(Record("x.run.1", "x")).code(), StatusCode::kAppNotFound);

  auto a = store.ListContainers("a");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].app, "a");
  EXPECT_EQ((*a)[0].process_type, "run");
  EXPECT_EQ((*a)[0].desired, "running");
  EXPECT_GT((*a)[0].created_at, 0);
  EXPECT_EQ(store.ListContainers("")->size(), 2u);

  ASSERT_TRUE(store.SetContainerDesired("a.run.1", "stopped").ok());
  EXPECT_EQ((*store.ListContainers("a"))[0].desired, "stopped");
  EXPECT_EQ(store.SetContainerDesired("nope", "stopped").code(), StatusCode::kNotFound);

  ASSERT_TRUE(store.RemoveContainer("a.run.1").ok());
  EXPECT_TRUE(store.RemoveContainer("a.run.1").ok()) << "removing twice is fine";
  ASSERT_TRUE(store.DestroyApp("b").ok());
  EXPECT_TRUE(store.ListContainers("")->empty()) << "destroying an app drops its containers";
}

TEST(ContainerStoreTest, ASchemaV1DatabaseMigratesToTheLatestKeepingItsData) {
  TempDir dir;
  std::string path = dir.Join("berth.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(std::string(SchemaMigrations()[0]));
    db.exec("PRAGMA user_version = 1");
    db.exec("INSERT INTO apps (name, created_at) VALUES ('old', 1700000000)");
    db.exec("INSERT INTO env_vars (app_id, key, value) VALUES (1, 'K', 'v')");
  }
  auto opened = SqliteStore::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(*(*opened)->SchemaVersion(), SqliteStore::LatestSchemaVersion());
  auto app = (*opened)->GetApp("old");
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->created_at, 1700000000);
  EXPECT_EQ((*(*opened)->GetEnv(Scope::App("old"))).at("K"), "v");
  EXPECT_TRUE((*opened)->AddContainer(Record("old.run.1", "old")).ok())
      << "the v2 containers table exists";
}

class ContainersCommandTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "demo"}));
    ASSERT_TRUE(RunOk({"apps:create", "other"}));
  }
  // A stack "tiny" that CurrentStack accepts (nothing runs on it here).
  void FakeStack() {
    ASSERT_TRUE(MakeDirs(env_.root + "/stacks/tiny/d1/rootfs/bin").ok());
    std::filesystem::create_directory_symlink("d1", env_.root + "/stacks/tiny/current");
    ASSERT_TRUE(store().SetProperty("stacks", Scope::Global(), "selected", "tiny").ok());
  }
  // A running container with the given log, recorded in the store too.
  void AddRunning(const std::string& id, std::vector<std::string> log) {
    ContainerSpec spec;
    spec.id = id;
    ASSERT_TRUE(runtime_.StartDetached(spec, {}, {}).ok());
    runtime_.containers[id].log = std::move(log);
    std::string app = id.substr(0, id.find('.'));
    ASSERT_TRUE(store().AddContainer(Record(id, app)).ok());
  }
};

TEST_F(ContainersCommandTest, RunStopStopsOneWithItsOwnTimeoutUnlessGivenOne) {
  AddRunning("demo.run.1", {});
  AddRunning("demo.run.2", {});
  runtime_.containers["demo.run.1"].state.stop_timeout = std::chrono::milliseconds(1000);
  ASSERT_TRUE(RunOk({"run:stop", "demo", "--container", "demo.run.1"}));
  ASSERT_TRUE(RunOk({"run:stop", "demo", "--container", "demo.run.2", "--stop-timeout", "5"}));
  ASSERT_EQ(runtime_.stops.size(), 2u);
  EXPECT_EQ(runtime_.stops[0].second, std::chrono::milliseconds(1000));
  EXPECT_EQ(runtime_.stops[1].second, std::chrono::milliseconds(5000));
  EXPECT_EQ((*store().ListContainers("demo"))[0].desired, "stopped");
  EXPECT_EQ(Run({"run:stop", "demo", "--container", "other.run.1"}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"run:stop", "demo", "--container", "demo.run.9"}).code(), StatusCode::kNotFound);
}

TEST_F(ContainersCommandTest, PsStopStopsEveryRunningContainerOfTheApp) {
  AddRunning("demo.run.1", {});
  AddRunning("demo.run.2", {});
  AddRunning("other.run.1", {});
  ASSERT_TRUE(RunOk({"ps:stop", "demo"}));
  EXPECT_EQ(runtime_.stops.size(), 2u);
  EXPECT_EQ(runtime_.containers["other.run.1"].state.status, "running");
  ASSERT_TRUE(RunOk({"ps:stop", "--all"}));
  EXPECT_EQ(runtime_.stops.size(), 3u) << "stopped ones are not stopped again";
}

TEST_F(ContainersCommandTest, PsStopFiresPreStopAndPostStopAndAVetoKeepsTheContainers) {
  AddRunning("demo.run.1", {});
  plugins_.Clear();
  ASSERT_TRUE(RunOk({"ps:stop", "demo"}));
  ASSERT_EQ(plugins_.Named("pre-stop").size(), 1u);
  EXPECT_THAT(plugins_.Named("pre-stop")[0].args, ElementsAre("demo"));
  ASSERT_EQ(plugins_.Named("post-stop").size(), 1u);
  EXPECT_THAT(plugins_.Named("post-stop")[0].args, ElementsAre("demo"));
  AddRunning("other.run.1", {});
  plugins_.Veto("pre-stop", "other stays up");
  Status vetoed = Run({"ps:stop", "other"});
  EXPECT_THAT(vetoed.message(), HasSubstr("other stays up"));
  EXPECT_EQ(runtime_.containers["other.run.1"].state.status, "running");
  EXPECT_EQ((*store().ListContainers("other"))[0].desired, "running");
}

TEST_F(ContainersCommandTest, PsStopAllGoesOnPastAVetoAndNamesTheAppsStillRunning) {
  ASSERT_TRUE(RunOk({"apps:create", "third"}));
  AddRunning("demo.run.1", {});
  AddRunning("other.run.1", {});
  plugins_.Veto("pre-stop", "not now");
  plugins_.Clear();
  Status s = Run({"ps:stop", "--all"});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("3 of 3 apps were not stopped: demo, other, third"));
  EXPECT_EQ(plugins_.Named("pre-stop").size(), 3u) << "every app was tried";
  EXPECT_THAT(err(), HasSubstr("Not stopped: other: not now"));
  EXPECT_EQ(runtime_.containers["demo.run.1"].state.status, "running");
}

TEST_F(ContainersCommandTest, RunListShowsStateRestartsAndHowTheLastRunEnded) {
  AddRunning("demo.run.1", {});
  AddRunning("demo.run.2", {});
  AddRunning("demo.run.3", {});
  AddRunning("demo.run.4", {});
  auto ended = [&](const std::string& id, const std::string& status, int code,
                   const std::string& reason) {
    auto& state = runtime_.containers[id].state;
    state.status = status;
    state.exit_code = code;
    state.reason = reason;
  };
  ended("demo.run.1", "exited", 1, "exit");
  runtime_.containers["demo.run.1"].state.restarts = 2;
  ended("demo.run.2", "exited", 137, "oom");
  ended("demo.run.3", "stopped", 143, "signal");
  ASSERT_TRUE(RunOk({"run:list", "demo"}));
  EXPECT_THAT(out(), HasSubstr("demo.run.1  exited (1)  restarts=2\n"));
  EXPECT_THAT(out(), HasSubstr("demo.run.2  exited (137, out of memory)  restarts=0\n"));
  EXPECT_THAT(out(), HasSubstr("demo.run.3  stopped (143, SIGTERM)  restarts=0\n"));
  EXPECT_THAT(out(), HasSubstr("demo.run.4  running  restarts=0\n"));
}

TEST_F(ContainersCommandTest, PsRetireKeepsAContainerWhoseOwnerStillRunsIt) {
  // An attached `berth run`: a bundle without a shim, but its berth process lives.
  AddRunning("demo.run.1", {});
  auto& attached = runtime_.containers["demo.run.1"].state;
  attached.shim_alive = false;
  attached.owner_alive = true;
  attached.owner_pid = 4242;
  // The same after its berth process crashed.
  AddRunning("demo.run.2", {});
  runtime_.containers["demo.run.2"].state.shim_alive = false;
  runtime_.containers["demo.run.2"].state.owner_pid = 4243;
  ASSERT_TRUE(RunOk({"ps:retire"}));
  EXPECT_THAT(runtime_.removed, ElementsAre("demo.run.2"));
  EXPECT_THAT(out(), HasSubstr("Kept demo.run.1: berth process 4242 runs it"));
}

TEST_F(ContainersCommandTest, PsRetireRemovesContainersWithoutAShimAndStaleRecords) {
  AddRunning("demo.run.1", {});
  AddRunning("demo.run.2", {});
  runtime_.containers["demo.run.2"].state.shim_alive = false;
  runtime_.containers["demo.run.2"].state.status = "dead";
  ASSERT_TRUE(store().AddContainer(Record("demo.run.3", "demo")).ok());
  ASSERT_TRUE(RunOk({"ps:retire"}));
  EXPECT_THAT(runtime_.removed, ElementsAre("demo.run.2"));
  auto left = store().ListContainers("demo");
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].id, "demo.run.1");
  EXPECT_THAT(out(), HasSubstr("Forgot demo.run.3"));
}

TEST_F(ContainersCommandTest, RunDetachedAppliesLimitsMountsAndBridgeNetworkAndRetireReleasesIt) {
  FakeStack();
  std::string data = dir_.Join("data");
  ASSERT_TRUE(MakeDirs(data).ok());
  ASSERT_TRUE(RunOk({"resource:limit", "demo", "--memory", "64m", "--pids", "32"}));
  ASSERT_TRUE(RunOk({"storage:mount", "demo", data + ":/data"}));
  ASSERT_TRUE(RunOk({"network:set", "demo", "mode", "bridge"}));
  ASSERT_TRUE(RunOk({"run:detached", "demo", "--env", "A=b", "sleep", "9"}));
  std::string id = out().substr(0, out().find('\n'));
  ASSERT_TRUE(runtime_.containers.contains(id)) << out();
  const auto& c = runtime_.containers[id];
  EXPECT_EQ(c.spec.limits.memory_bytes, int64_t{64} << 20);
  EXPECT_EQ(c.spec.limits.pids, 32);
  ASSERT_GE(c.spec.mounts.size(), 1u);
  EXPECT_EQ(c.spec.mounts[0].container_path, "/data");
  for (size_t i = 1; i < c.spec.mounts.size(); ++i) {
    EXPECT_EQ(c.spec.mounts[i].container_path, "/etc/resolv.conf") << "the host's resolver only";
    EXPECT_TRUE(c.spec.mounts[i].read_only);
  }
  EXPECT_THAT(c.spec.etc_hosts,
              HasSubstr(c.spec.env.at("BERTH_CONTAINER_IP") + "\t" + id + "\n"))
      << "its own name resolves to its bridge address";
  EXPECT_EQ(c.spec.network, NetworkMode::kBridge);
  EXPECT_EQ(c.spec.netns_path, "/run/netns/berth-" + id);
  EXPECT_EQ(c.spec.env.at("A"), "b");
  EXPECT_EQ(c.spec.env.at("DYNO"), id.substr(5));
  EXPECT_FALSE(c.spec.env.at("BERTH_CONTAINER_IP").empty());
  ASSERT_EQ(c.options.on_exit.size(), 2u);
  EXPECT_THAT(c.options.on_exit[0], ElementsAre("ip", "netns", "del", "berth-" + id));
  ASSERT_EQ(store().ListAddresses("")->size(), 1u);

  ASSERT_TRUE(RunOk({"run:stop", "demo", "--container", id}));
  EXPECT_EQ(store().ListAddresses("")->size(), 1u) << "held until the container is removed";
  ASSERT_TRUE(RunOk({"ps:retire"}));
  EXPECT_TRUE(store().ListAddresses("")->empty());
}

TEST_F(ContainersCommandTest, PsRetireReleasesAddressesOfContainersThatAreGone) {
  ASSERT_TRUE(store().AllocateAddress("berth0", "10.210.0.0/16", "demo.run.7").ok());
  ASSERT_TRUE(RunOk({"ps:retire"}));
  EXPECT_TRUE(store().ListAddresses("")->empty());
  EXPECT_THAT(out(), HasSubstr("Released 10.210.0.2 of demo.run.7"));
}

TEST_F(ContainersCommandTest, PsStartStartsStoppedOnesAgainAndPsRestoreOnlyWantedOnes) {
  FakeStack();
  ASSERT_TRUE(RunOk({"run:detached", "demo", "--restart", "always", "--env", "K=v", "sleep", "9"}));
  std::string id = out().substr(0, out().find('\n'));
  ASSERT_TRUE(RunOk({"ps:stop", "demo"}));
  ASSERT_TRUE(RunOk({"ps:restore", "--all"}));
  EXPECT_TRUE(runtime_.restarted.empty()) << "a stopped container is not wanted running";
  ASSERT_TRUE(RunOk({"ps:start", "demo"}));
  ASSERT_EQ(runtime_.restarted, std::vector<std::string>{id});
  const auto& c = runtime_.containers[id];
  EXPECT_TRUE(c.state.shim_alive);
  EXPECT_THAT(c.spec.args, ElementsAre("sleep", "9"));
  EXPECT_EQ(c.spec.env.at("K"), "v") << "--env of run:detached is kept";
  EXPECT_EQ(c.options.restart_policy, "always");
  EXPECT_EQ((*store().ListContainers("demo"))[0].desired, "running");

  // A shim that died (a reboot): ps:restore starts it, ps:start too.
  runtime_.containers[id].state.shim_alive = false;
  runtime_.containers[id].state.status = "dead";
  ASSERT_TRUE(RunOk({"ps:restore"}));
  EXPECT_EQ(runtime_.restarted.size(), 2u);
  ASSERT_TRUE(RunOk({"ps:restore", "demo"}));
  EXPECT_EQ(runtime_.restarted.size(), 2u) << "a running one is left alone";
  EXPECT_EQ(Run({"ps:restore", "nope"}).ExitCode(), 20);
}

// ps:restore after a reboot: every app's containers are dead; several apps
// start at once (the fake's Restart takes 100 ms, as a real one might).
class RestoreTest : public ContainersCommandTest {
 protected:
  // A new app with one detached container whose shim died; returns its id.
  std::string AddDeadApp(const std::string& app) {
    EXPECT_TRUE(RunOk({"apps:create", app}));
    EXPECT_TRUE(RunOk({"run:detached", app, "sleep", "9"}));
    std::string id = out().substr(0, out().find('\n'));
    runtime_.containers[id].state.shim_alive = false;
    runtime_.containers[id].state.status = "dead";
    return id;
  }
};

TEST_F(RestoreTest, PsRestoreStartsAppsInParallelAtMostFourAtATimeKeepingEachAppsLinesTogether) {
  FakeStack();
  std::map<std::string, std::string> ids;
  for (const std::string app : {"a1", "a2", "a3", "a4", "a5", "a6"}) ids[app] = AddDeadApp(app);
  runtime_.restart_delay = std::chrono::milliseconds(100);
  ASSERT_TRUE(RunOk({"ps:restore", "--all"}));
  EXPECT_EQ(runtime_.restarted.size(), 6u);
  EXPECT_GE(runtime_.max_restarts_at_once, 2) << "apps are restored in parallel";
  EXPECT_LE(runtime_.max_restarts_at_once, 4) << "at most four at a time";
  for (const auto& [app, id] : ids) {
    EXPECT_THAT(out(), HasSubstr("-----> Restoring " + app + "\n       Starting " + id + "\n"));
    EXPECT_TRUE(runtime_.containers[id].state.shim_alive) << id;
  }
  EXPECT_EQ(err(), "");
}

TEST_F(RestoreTest, PsRestoreFailsWhenAnAppCannotStartButStartsTheOthers) {
  FakeStack();
  std::string a = AddDeadApp("a1");
  std::string b = AddDeadApp("b1");
  std::string c = AddDeadApp("c1");
  runtime_.restart_errors[b] = Internal("the OCI runtime failed");
  Status status = Run({"ps:restore", "--all"});
  EXPECT_EQ(status.ExitCode(), 1);
  EXPECT_THAT(status.message(), HasSubstr("(b1)"));
  EXPECT_THAT(err(), HasSubstr(" !     " + b + ": the OCI runtime failed"));
  EXPECT_THAT(runtime_.restarted, ::testing::UnorderedElementsAre(a, c));
}

TEST_F(ContainersCommandTest, EnterExecsInTheNamedOrFirstRunningContainer) {
  AddRunning("demo.run.1", {});
  AddRunning("demo.run.2", {});
  ASSERT_TRUE(RunOk({"enter", "demo"}));
  ASSERT_TRUE(RunOk({"enter", "demo", "demo.run.2", "sh", "-c", "echo $DYNO"}));
  ASSERT_TRUE(RunOk({"enter", "demo", "run.2", "id"}));
  ASSERT_TRUE(RunOk({"enter", "demo", "ls", "-l"}));
  ASSERT_EQ(runtime_.execs.size(), 4u);
  EXPECT_EQ(runtime_.execs[0].first, "demo.run.1");
  EXPECT_THAT(runtime_.execs[0].second, ElementsAre("/bin/sh"));
  EXPECT_EQ(runtime_.execs[1].first, "demo.run.2");
  EXPECT_THAT(runtime_.execs[1].second, ElementsAre("sh", "-c", "echo $DYNO"));
  EXPECT_EQ(runtime_.execs[2].first, "demo.run.2");
  EXPECT_THAT(runtime_.execs[3].second, ElementsAre("ls", "-l"));
  runtime_.exec_exit_code = 3;
  EXPECT_EQ(Run({"enter", "demo", "false"}).ExitCode(), 3) << "the exit code comes back";
  EXPECT_EQ(Run({"enter", "demo", "demo.run.9"}).code(), StatusCode::kNotFound);
  EXPECT_EQ(Run({"enter", "other"}).code(), StatusCode::kFailedPrecondition);
}

TEST_F(ContainersCommandTest, EnterFindsAProcessContainerByTypeAndNumberWithoutItsGeneration) {
  AddRunning("demo.web.1.3", {});
  AddRunning("demo.web.12.3", {});
  ASSERT_TRUE(RunOk({"enter", "demo", "web.12", "id"}));
  ASSERT_TRUE(RunOk({"enter", "demo", "demo.web.1", "id"}));
  ASSERT_EQ(runtime_.execs.size(), 2u);
  EXPECT_EQ(runtime_.execs[0].first, "demo.web.12.3");
  EXPECT_THAT(runtime_.execs[0].second, ElementsAre("id"));
  EXPECT_EQ(runtime_.execs[1].first, "demo.web.1.3");
  EXPECT_EQ(Run({"enter", "demo", "demo.web.2"}).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace berth::test
