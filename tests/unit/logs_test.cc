// logs and logs:failed against FakeContainerRuntime: merging every process's
// output by time with Dokku's prefixes, -n, -p, -q, following across a shim
// restart and a new deploy generation (with a scripted FollowControl), and the
// failed deploy's record.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "core/base/files.h"
#include "core/cli/app_logs.h"
#include "core/cli/logs_failed.h"
#include "tests/unit/command_fixture.h"
#include "tests/unit/fake_container_runtime.h"

namespace berth::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string At(int second, const std::string& rest) {
  char stamp[40];
  std::snprintf(stamp, sizeof stamp, "2024-01-01T00:%02d:%02d.000000Z ", second / 60, second % 60);
  return stamp + rest;
}

class LogsTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "demo"}));
    ASSERT_TRUE(RunOk({"apps:create", "other"}));
  }
  // A running container with the given log lines ("TIMESTAMP STREAM TEXT").
  void AddContainer(const std::string& id, std::vector<std::string> log) {
    ContainerSpec spec;
    spec.id = id;
    ASSERT_TRUE(runtime_.StartDetached(spec, {}, {}).ok());
    runtime_.containers[id].log = std::move(log);
  }
  void Append(const std::string& id, const std::string& line) {
    runtime_.containers[id].log.push_back(line);
  }
};

TEST_F(LogsTest, MergesEveryProcessByTimeWithTypeAndNumberWithoutTheGeneration) {
  AddContainer("demo.web.1.3", {At(1, "stdout web one listening"), At(4, "stderr web one warns"),
                                At(5, "shim container exited with status 1 (exit)"),
                                At(6, "berth container killed: out of memory (limit 32M)")});
  AddContainer("demo.web.2.3", {At(2, "stdout web two listening")});
  AddContainer("demo.worker.1.3", {At(3, "stdout working")});
  AddContainer("demo.run.7", {At(7, "stdout one-off")});
  AddContainer("other.web.1.1", {At(2, "stdout not demo's")});
  ASSERT_TRUE(RunOk({"logs", "demo"}));
  EXPECT_EQ(out(),
            "2024-01-01T00:00:01.000000Z app[web.1]: web one listening\n"
            "2024-01-01T00:00:02.000000Z app[web.2]: web two listening\n"
            "2024-01-01T00:00:03.000000Z app[worker.1]: working\n"
            "2024-01-01T00:00:04.000000Z app[web.1]: web one warns\n"
            "2024-01-01T00:00:06.000000Z berth[web.1]: container killed: out of memory (limit 32M)\n"
            "2024-01-01T00:00:07.000000Z app[run.7]: one-off\n");
  ASSERT_TRUE(RunOk({"logs", "demo", "-q"}));
  EXPECT_EQ(out(),
            "web one listening\nweb two listening\nworking\nweb one warns\n"
            "container killed: out of memory (limit 32M)\none-off\n");
  ASSERT_TRUE(RunOk({"logs", "demo", "--quiet", "-n", "1"}));
  EXPECT_EQ(out(), "one-off\n");
  EXPECT_EQ(Run({"logs", "nope"}).ExitCode(), 20);
}

TEST_F(LogsTest, AnAppThatWasNeverDeployedIsAnErrorNotAnEmptyLog) {
  Status s = Run({"logs", "demo"});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("App demo has not been deployed"));
  EXPECT_THAT(s.message(), HasSubstr("git push"));
  EXPECT_EQ(Run({"logs", "demo", "-t"}).code(), StatusCode::kFailedPrecondition);
  AddContainer("demo.web.1.1", {At(1, "stdout up")});
  EXPECT_TRUE(RunOk({"logs", "demo"}));
}

TEST_F(LogsTest, AuditShowsTheLastLinesOfTheLogAndItsRotatedPartOldestFirst) {
  ASSERT_TRUE(MakeDirs(env_.root + "/logs").ok());
  auto line = [](int n, const std::string& key) {
    return "2026-01-01T00:00:0" + std::to_string(n) + ".000+0000 info key=" + key +
           " fingerprint=- via=ssh user=berth command=\"apps:list\" result=ok exit=0 ms=1.00\n";
  };
  ASSERT_TRUE(WriteFileAtomic(env_.root + "/logs/berth.1.log", line(1, "dev") + line(2, "admin"), 0600).ok());
  ASSERT_TRUE(WriteFileAtomic(env_.root + "/logs/berth.log", line(3, "dev") + line(4, "ci"), 0600).ok());
  ASSERT_TRUE(RunOk({"logs:audit"}));
  EXPECT_EQ(out(), line(1, "dev") + line(2, "admin") + line(3, "dev") + line(4, "ci"));
  ASSERT_TRUE(RunOk({"logs:audit", "--num", "1"}));
  EXPECT_EQ(out(), line(4, "ci"));
  ASSERT_TRUE(RunOk({"logs:audit", "--key", "dev"}));
  EXPECT_EQ(out(), line(1, "dev") + line(3, "dev"));
  EXPECT_EQ(Run({"logs:audit", "--num", "x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"logs:audit", "--key", "../x"}).code(), StatusCode::kInvalidArgument);
}

TEST_F(LogsTest, ShowsTheLastHundredLinesUnlessToldHowMany) {
  std::vector<std::string> log;
  for (int i = 0; i < 150; ++i) log.push_back(At(i, "stdout line " + std::to_string(i)));
  AddContainer("demo.web.1.1", log);
  auto count = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  ASSERT_TRUE(RunOk({"logs", "demo"}));
  EXPECT_EQ(count(out()), 100);
  EXPECT_THAT(out(), HasSubstr("app[web.1]: line 50\n"));
  EXPECT_THAT(out(), Not(HasSubstr("line 49\n")));
  ASSERT_TRUE(RunOk({"logs", "demo", "-n", "0"}));
  EXPECT_EQ(count(out()), 150) << "0: all of them";
  ASSERT_TRUE(RunOk({"logs", "-n", "2", "demo"}));
  EXPECT_EQ(out(),
            "2024-01-01T00:02:28.000000Z app[web.1]: line 148\n"
            "2024-01-01T00:02:29.000000Z app[web.1]: line 149\n")
      << "flags may come before the app";
  ASSERT_TRUE(RunOk({"logs", "demo", "-qn1"}));
  EXPECT_EQ(out(), "line 149\n") << "short flags combine";
  ASSERT_TRUE(RunOk({"logs", "demo", "--num=3"}));
  EXPECT_EQ(count(out()), 3);
  EXPECT_EQ(Run({"logs", "demo", "-n", "x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"logs", "demo", "-n"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"logs", "demo", "-x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"logs", "demo", "other"}).code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(err(), HasSubstr("Usage: berth logs APP"));
}

TEST_F(LogsTest, SelectsOneProcessTypeOrOneProcess) {
  AddContainer("demo.web.1.2", {At(1, "stdout web1")});
  AddContainer("demo.web.2.2", {At(2, "stdout web2")});
  AddContainer("demo.webhook.1.2", {At(3, "stdout hook")});
  AddContainer("demo.run.1", {At(4, "stdout run")});
  ASSERT_TRUE(RunOk({"logs", "demo", "-p", "web", "-q"}));
  EXPECT_EQ(out(), "web1\nweb2\n");
  ASSERT_TRUE(RunOk({"logs", "demo", "--ps", "web.2", "-q"}));
  EXPECT_EQ(out(), "web2\n");
  ASSERT_TRUE(RunOk({"logs", "demo", "-prun", "-q"}));
  EXPECT_EQ(out(), "run\n");
  ASSERT_TRUE(RunOk({"logs", "demo", "-p", "worker"}));
  EXPECT_EQ(out(), "");
  EXPECT_EQ(Run({"logs", "demo", "-p", "web.x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"logs", "demo", "-p", "we/b"}).code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(err(), HasSubstr("-p takes a process type (web) or one process (web.1)"));
}

// Runs one scripted change to the containers per poll, then says stop.
class ScriptedFollow : public FollowControl {
 public:
  explicit ScriptedFollow(std::vector<std::function<void()>> steps) : steps_(std::move(steps)) {}
  void Wait() override {
    if (next_ < steps_.size()) steps_[next_]();
    ++next_;
  }
  bool Stopped() override { return next_ > steps_.size(); }
  size_t polls() const { return next_; }

 private:
  std::vector<std::function<void()>> steps_;
  size_t next_ = 0;
};

TEST_F(LogsTest, FollowingKeepsGoingAcrossARestartAndANewDeployGeneration) {
  AddContainer("demo.web.1.1", {At(1, "stdout gen1 up")});
  AddContainer("demo.worker.1.1", {At(2, "stdout worker up")});
  AppLogReader reader(runtime_, "demo", "web");
  auto recent = reader.Recent(100);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 1u);
  ScriptedFollow control({
      [&] {  // the shim restarts the process: same container, same log
        Append("demo.web.1.1", At(3, "shim restarting in 100 ms (restart 1)"));
        Append("demo.web.1.1", At(4, "stdout gen1 up again"));
        Append("demo.worker.1.1", At(4, "stdout not a web process"));
      },
      [&] {  // a deploy starts generation 2 beside generation 1, then retires 1
        AddContainer("demo.web.1.2", {At(5, "stdout gen2 up")});
        Append("demo.web.1.1", At(6, "stdout gen1 last words"));
      },
      [&] {
        runtime_.containers.erase("demo.web.1.1");
        Append("demo.web.1.2", At(7, "stdout gen2 serving"));
      },
      [] {},
  });
  std::ostringstream text;
  std::ostringstream errors;
  Output output(text, errors, false);
  ASSERT_TRUE(FollowAppLogs(reader, output, /*raw=*/false, control).ok());
  EXPECT_EQ(text.str(),
            "2024-01-01T00:00:04.000000Z app[web.1]: gen1 up again\n"
            "2024-01-01T00:00:05.000000Z app[web.1]: gen2 up\n"
            "2024-01-01T00:00:06.000000Z app[web.1]: gen1 last words\n"
            "2024-01-01T00:00:07.000000Z app[web.1]: gen2 serving\n");
  EXPECT_EQ(control.polls(), 5u) << "it stops when told to, after the last poll";
}

TEST_F(LogsTest, FollowingStopsOnceNobodyReads) {
  AddContainer("demo.web.1.1", {});
  AppLogReader reader(runtime_, "demo", "");
  ASSERT_TRUE(reader.Recent(100).ok());
  ScriptedFollow control(std::vector<std::function<void()>>(
      10, [&] { Append("demo.web.1.1", At(1, "stdout more")); }));
  std::ostringstream text;
  text.setstate(std::ios::badbit);  // as when stdout's pipe has no reader
  Output output(text, text, false);
  ASSERT_TRUE(FollowAppLogs(reader, output, /*raw=*/true, control).ok());
  EXPECT_EQ(control.polls(), 1u);
}

// A runtime whose container writes a line between Logs and LogsAfter.
class BusyRuntime : public FakeContainerRuntime {
 public:
  Result<std::vector<std::string>> Logs(const std::string& id, size_t tail) override {
    auto lines = FakeContainerRuntime::Logs(id, tail);
    containers[id].log.push_back(At(9, "stdout written meanwhile"));
    return lines;
  }
};

TEST(AppLogReaderTest, ALineWrittenWhileTheRecentOnesAreReadIsShownOnce) {
  BusyRuntime runtime;
  ContainerSpec spec;
  spec.id = "demo.web.1.1";
  ASSERT_TRUE(runtime.StartDetached(spec, {}, {}).ok());
  runtime.containers[spec.id].log = {At(1, "stdout first")};
  AppLogReader reader(runtime, "demo", "");
  auto recent = reader.Recent(100);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[1].text, "written meanwhile");
  auto next = reader.Next();
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->empty()) << "not again when following";
}

TEST_F(LogsTest, FailedShowsTheLastFailedDeploysChecksAndOutput) {
  EXPECT_TRUE(RunOk({"logs:failed", "demo"}));
  EXPECT_EQ(out(), "No failed deploy of demo is recorded\n");
  AddContainer("demo.web.1.4", {At(1, "stdout booting"), At(2, "stderr Traceback: boom"),
                                At(3, "shim container exited with status 1 (exit)")});
  AddContainer("demo.worker.1.4", {At(2, "stdout worker fine")});
  std::istringstream in;
  Output output(out_, err_, false);
  Context ctx{&store(), plugins_, runner_, output, in, env_, runtime_};
  SaveFailedDeploy(ctx, "demo",
                   {{"demo.web.1.4", "       Healthcheck failed: container demo.web.1.4 is not running\n"},
                    {"demo.worker.1.4", ""}},
                   "The checks of demo.web.1.4 failed; the running release is unchanged");
  runtime_.containers.clear();  // the scheduler removes them
  ASSERT_TRUE(RunOk({"logs:failed", "demo"}));
  EXPECT_THAT(out(), HasSubstr("=====> demo failed deploy, 20"));
  EXPECT_THAT(out(), HasSubstr("       The checks of demo.web.1.4 failed; the running release is "
                               "unchanged\n-----> Checks of web.1 (demo.web.1.4)\n"
                               "       Healthcheck failed: container demo.web.1.4 is not running\n"));
  EXPECT_THAT(out(), HasSubstr("-----> Output of the failed containers\n"
                               "2024-01-01T00:00:01.000000Z app[web.1]: booting\n"
                               "2024-01-01T00:00:02.000000Z app[web.1]: Traceback: boom\n"
                               "2024-01-01T00:00:02.000000Z app[worker.1]: worker fine\n"));
  EXPECT_THAT(out(), Not(HasSubstr("Checks of worker.1")));
  EXPECT_THAT(out(), Not(HasSubstr("exited with status")));

  // The next failure replaces it.
  AddContainer("demo.web.1.5", {At(8, "stdout second try")});
  SaveFailedDeploy(ctx, "demo", {{"demo.web.1.5", ""}}, "demo.web.1.5 exited during its first 2 s");
  ASSERT_TRUE(RunOk({"logs:failed", "demo"}));
  EXPECT_THAT(out(), HasSubstr("app[web.1]: second try"));
  EXPECT_THAT(out(), HasSubstr("exited during its first 2 s"));
  EXPECT_THAT(out(), Not(HasSubstr("booting")));

  ASSERT_TRUE(RunOk({"logs:failed", "--all"}));
  EXPECT_THAT(out(), HasSubstr("=====> demo failed deploy"));
  EXPECT_THAT(out(), Not(HasSubstr("other")));
  ASSERT_TRUE(RunOk({"logs:failed", "other"}));
  EXPECT_EQ(out(), "No failed deploy of other is recorded\n");
  EXPECT_EQ(Run({"logs:failed"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"logs:failed", "nope"}).ExitCode(), 20);
  ASSERT_TRUE(RunOk({"apps:destroy", "demo", "--force"}));
  EXPECT_FALSE(PathExists(env_.root + "/logs/demo")) << "destroying the app drops its record";
}

}  // namespace
}  // namespace berth::test
