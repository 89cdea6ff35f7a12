// CommandTest: runs berth commands through the real dispatcher and SQLite store,
// as `berth` would, but in a temporary BERTH_ROOT, with a FakePluginHost and a
// FakeProcessRunner and a FakeContainerRuntime, and with stdout and stderr captured.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/files.h"
#include "core/cli/dispatcher.h"
#include "core/state/sqlite_store.h"
#include "tests/unit/fake_container_runtime.h"
#include "tests/unit/fake_plugin_host.h"
#include "tests/unit/fake_process_runner.h"
#include "tests/unit/temp_dir.h"

namespace berth::test {

class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    env_.root = dir_.Join("root");
    env_.root_is_default = false;
    env_.berth_bin = "/usr/bin/berth";
    env_.share_dir = BERTH_SOURCE_DIR;
    env_.authorized_keys = dir_.Join("home/.ssh/authorized_keys");
    env_.stdin_is_tty = false;
    env_.via_ssh = false;
    env_.ssh_user = "tester";
    env_.is_root = true;  // the fake runtime needs no privileges
    // No NAT tool, whatever the host has: service addresses stay off unless a
    // test turns them on (tests/unit/service_addresses_test.cc).
    ::setenv("BERTH_NAT", "off", 1);
  }
  void TearDown() override {
    store_.reset();
    dir_.Remove();
  }

  // Runs `berth words...` the way main does: global flags first, then the
  // dispatcher; a failure's message is printed as " !     ..." on stderr.
  // Output from earlier runs is discarded.
  Status Run(std::vector<std::string> words, const std::string& stdin_data = "") {
    out_.str("");
    err_.str("");
    auto globals = ParseGlobalFlags(words, /*allow_root=*/false);
    Output output(out_, err_, globals.ok() && globals->quiet);
    Status status = globals.status();
    if (globals.ok()) {
      std::istringstream in(stdin_data);
      Services services{plugins_, runner_, output, in, runtime_};
      status = Dispatch(words, *globals, env_, services);
    }
    if (!status.ok() && !status.message().empty()) output.Error(status.message());
    output.Flush();
    return status;
  }

  // Run, as an assertion that names the command and shows its output on failure.
  ::testing::AssertionResult RunOk(std::vector<std::string> words,
                                   const std::string& stdin_data = "") {
    std::string line;
    for (const auto& w : words) line += (line.empty() ? "" : " ") + w;
    Status s = Run(std::move(words), stdin_data);
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "berth " << line << " failed (exit " << s.ExitCode() << ")\nstdout:\n"
           << out() << "stderr:\n"
           << err();
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  // A connection of the test's own to the state the commands wrote.
  Store& store() {
    if (!store_) {
      EXPECT_TRUE(MakeDirs(env_.root).ok());
      auto opened = SqliteStore::Open(env_.root + "/berth.db");
      EXPECT_TRUE(opened.ok()) << opened.status().message();
      if (opened.ok()) store_ = std::move(*opened);
    }
    return *store_;
  }

  std::vector<std::string> AppNames() {
    std::vector<std::string> names;
    auto apps = store().ListApps();
    EXPECT_TRUE(apps.ok());
    if (apps.ok()) {
      for (const auto& a : *apps) names.push_back(a.name);
    }
    return names;
  }

  EnvMap Env(const std::string& app) {
    auto env = store().GetEnv(app.empty() ? Scope::Global() : Scope::App(app));
    EXPECT_TRUE(env.ok()) << env.status().message();
    return env.ok() ? *env : EnvMap{};
  }

  TempDir dir_;
  Environment env_;
  FakePluginHost plugins_;
  FakeProcessRunner runner_;
  FakeContainerRuntime runtime_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::unique_ptr<SqliteStore> store_;
};

// The expected output kept in tests/unit/golden/NAME.
inline std::string Golden(const std::string& name) {
  std::string text = ReadText(BERTH_SOURCE_DIR "/tests/unit/golden/" + name);
  EXPECT_FALSE(text.empty()) << "missing golden file tests/unit/golden/" << name;
  return text;
}

}  // namespace berth::test
