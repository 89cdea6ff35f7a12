// PosixProcessRunner: real child processes (only /bin/sh and coreutils, no root,
// no network). argv goes to execve as given, output is captured without
// deadlocks, and a timeout kills the child's whole process group.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "core/base/process.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using namespace std::string_literals;

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

// Whether `pid` has exited: gone, or a zombie nobody has reaped yet (PID 1 in a
// container may never reap it).
bool HasExited(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::string stat = test::ReadText("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

class PosixProcessRunnerTest : public ::testing::Test {
 protected:
  // berth's main ignores SIGPIPE so that a child which exits without reading its
  // stdin cannot kill berth; the tests run under the same condition.
  static void SetUpTestSuite() { ::signal(SIGPIPE, SIG_IGN); }

  ProcessResult Run(ProcessSpec spec) {
    auto result = runner_.Run(spec);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? *result : ProcessResult{};
  }
  ProcessResult Shell(const std::string& script, std::string stdin_data = "") {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.stdin_data = std::move(stdin_data);
    spec.timeout = std::chrono::seconds(30);  // a hung child fails the test, not the run
    return Run(spec);
  }

  PosixProcessRunner runner_;
};

TEST_F(PosixProcessRunnerTest, ReportsExitCodes) {
  EXPECT_EQ(Shell("exit 0").exit_code, 0);
  EXPECT_TRUE(Shell("exit 0").ok());
  ProcessResult three = Shell("exit 3");
  EXPECT_EQ(three.exit_code, 3);
  EXPECT_FALSE(three.ok());
  EXPECT_FALSE(three.timed_out);
  EXPECT_EQ(Shell("exit 255").exit_code, 255);
}

TEST_F(PosixProcessRunnerTest, ReportsDeathBySignalAs128PlusSignal) {
  EXPECT_EQ(Shell("kill -TERM $$").exit_code, 128 + SIGTERM);
  EXPECT_EQ(Shell("kill -KILL $$").exit_code, 128 + SIGKILL);
}

TEST_F(PosixProcessRunnerTest, CapturesStdoutAndStderrSeparately) {
  ProcessResult r = Shell("printf 'to out\\n'; printf 'to err' >&2; printf 'more out'");
  EXPECT_EQ(r.out, "to out\nmore out");
  EXPECT_EQ(r.err, "to err");
}

TEST_F(PosixProcessRunnerTest, DeliversStdinAndClosesIt) {
  ProcessSpec spec;
  spec.argv = {"cat"};
  spec.stdin_data = "line one\nline 'two' $(id)\n\0binary\xff"s;
  spec.timeout = std::chrono::seconds(30);
  ProcessResult r = Run(spec);
  EXPECT_EQ(r.out, spec.stdin_data);
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(PosixProcessRunnerTest, EmptyStdinIsAtEndOfFile) {
  ProcessResult r = Shell("if read -r line; then echo got; else echo eof; fi");
  EXPECT_EQ(r.out, "eof\n");
}

TEST_F(PosixProcessRunnerTest, CapturesLargeOutputOnBothStreams) {
  constexpr size_t kMiB = 1024 * 1024;
  ProcessResult r = Shell(
      "head -c 1048576 /dev/zero | tr '\\0' o & head -c 1048576 /dev/zero | tr '\\0' e >&2; wait");
  EXPECT_EQ(r.out.size(), kMiB);
  EXPECT_EQ(r.err.size(), kMiB);
  EXPECT_EQ(r.out.find_first_not_of('o'), std::string::npos);
  EXPECT_EQ(r.err.find_first_not_of('e'), std::string::npos);
}

TEST_F(PosixProcessRunnerTest, LargeStdinAndStdoutTogetherDoNotDeadlock) {
  // cat writes while it still has input to read: the runner must keep reading
  // stdout while it writes stdin, or both pipes fill and neither side moves.
  std::string input;
  for (int i = 0; input.size() < 1024 * 1024; ++i) input += "line " + std::to_string(i) + "\n";
  ProcessSpec spec;
  spec.argv = {"cat"};
  spec.stdin_data = input;
  spec.timeout = std::chrono::seconds(20);
  ProcessResult r = Run(spec);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.out.size(), input.size());
  EXPECT_TRUE(r.out == input);
}

TEST_F(PosixProcessRunnerTest, ChildThatIgnoresItsStdinDoesNotHang) {
  ProcessResult r = Shell("exit 4", std::string(4 * 1024 * 1024, 'x'));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_FALSE(r.timed_out);
}

TEST_F(PosixProcessRunnerTest, PassesArgvLiterallyWithoutAShell) {
  ProcessSpec spec;
  spec.argv = {"/bin/echo", "$(id)", ";", "|", "&&", "`id`", "$HOME", "*", "a b", "'q'"};
  ProcessResult r = Run(spec);
  EXPECT_EQ(r.out, "$(id) ; | && `id` $HOME * a b 'q'\n");
}

TEST_F(PosixProcessRunnerTest, FindsProgramsInPath) {
  ProcessSpec spec;
  spec.argv = {"printf", "%s-%s", "a", "b"};
  EXPECT_EQ(Run(spec).out, "a-b");
}

TEST_F(PosixProcessRunnerTest, MissingProgramIsAnErrorStatus) {
  ProcessSpec spec;
  spec.argv = {"/nonexistent/berth-no-such-program", "arg"};
  auto result = runner_.Run(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("/nonexistent/berth-no-such-program"));

  spec.argv = {"berth-no-such-program-in-path"};
  EXPECT_FALSE(runner_.Run(spec).ok());
}

TEST_F(PosixProcessRunnerTest, NonExecutableFileIsAnErrorStatus) {
  test::TempDir dir;
  std::string script = dir.WriteFile("script", "#!/bin/sh\necho hi\n", 0644);
  ProcessSpec spec;
  spec.argv = {script};
  auto result = runner_.Run(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr(script));
}

TEST_F(PosixProcessRunnerTest, EmptyArgvIsInvalid) {
  auto result = runner_.Run(ProcessSpec{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PosixProcessRunnerTest, EnvReplacesTheWholeEnvironment) {
  ProcessSpec spec;
  spec.argv = {"/usr/bin/env"};
  spec.env = std::map<std::string, std::string>{{"ONLY", "1"}, {"WEIRD", "a b;$(id)\nc"}};
  EXPECT_EQ(Run(spec).out, "ONLY=1\nWEIRD=a b;$(id)\nc\n");
}

TEST_F(PosixProcessRunnerTest, ExtraEnvIsAddedToTheInheritedEnvironment) {
  ASSERT_NE(std::getenv("PATH"), nullptr);
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "printf '%s|%s' \"$BERTH_UNIT_EXTRA\" \"$PATH\""};
  spec.extra_env = {{"BERTH_UNIT_EXTRA", "extra value"}};
  EXPECT_EQ(Run(spec).out, "extra value|" + std::string(std::getenv("PATH")));
}

TEST_F(PosixProcessRunnerTest, ExtraEnvOverridesEnv) {
  ProcessSpec spec;
  spec.argv = {"/usr/bin/env"};
  spec.env = std::map<std::string, std::string>{{"A", "base"}, {"B", "kept"}};
  spec.extra_env = {{"A", "override"}};
  EXPECT_EQ(Run(spec).out, "A=override\nB=kept\n");
}

TEST_F(PosixProcessRunnerTest, RunsInTheGivenDirectory) {
  test::TempDir dir;
  ProcessSpec spec;
  spec.argv = {"/bin/pwd", "-P"};
  spec.cwd = dir.path();
  EXPECT_EQ(Run(spec).out, dir.path() + "\n");
}

TEST_F(PosixProcessRunnerTest, TimeoutKillsTheChildPromptly) {
  ProcessSpec spec;
  spec.argv = {"sleep", "30"};
  spec.timeout = std::chrono::milliseconds(300);
  auto start = Clock::now();
  ProcessResult r = Run(spec);
  auto took = Clock::now() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST_F(PosixProcessRunnerTest, TimeoutAlsoKillsTheChildsChildren) {
  ProcessSpec spec;
  // The background sleep keeps stdout open; it must die with its parent.
  spec.argv = {"/bin/sh", "-c", "sleep 30 & echo $!; wait"};
  spec.timeout = std::chrono::milliseconds(300);
  auto start = Clock::now();
  ProcessResult r = Run(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
  pid_t grandchild = static_cast<pid_t>(std::stol(r.out.empty() ? "0" : r.out));
  ASSERT_GT(grandchild, 0);
  // SIGKILL is delivered asynchronously; give it a moment.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = HasExited(grandchild);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "the background sleep (pid " << grandchild << ") survived the timeout";
}

TEST_F(PosixProcessRunnerTest, FastChildIsNotMarkedTimedOut) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo quick"};
  spec.timeout = std::chrono::seconds(5);
  ProcessResult r = Run(spec);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.out, "quick\n");
}

}  // namespace
}  // namespace berth
