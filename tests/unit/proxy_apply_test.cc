// Apply, Start and the daemon bookkeeping of the proxies, with a fake process
// runner: what is validated how, what reaches disk, and that a configuration
// the validator refuses never replaces the live one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "core/base/files.h"
#include "core/proxy/haproxy/haproxy_proxy.h"
#include "core/proxy/nginx/nginx_proxy.h"
#include "tests/unit/fake_process_runner.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ProxyApplyTest : public ::testing::Test {
 protected:
  ProxySettings Settings() {
    ProxySettings s;
    s.root = dir_.path();
    s.share_dir = BERTH_SOURCE_DIR;
    s.http_port = 18080;
    s.https_port = 18443;
    return s;
  }

  std::vector<AppRoutes> Apps() {
    AppRoutes app;
    app.app = "web";
    app.domains = {"web.example.com"};
    app.ports = {{"http", 80, 5000}};
    app.upstreams = {"10.0.0.2"};
    return {app};
  }

  // Entries of the proxy's directory, so a test can see no stray temp file is left.
  std::vector<std::string> Files(const std::string& proxy_dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(proxy_dir)) {
      if (e.is_regular_file()) out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  test::TempDir dir_;
  test::FakeProcessRunner runner_;
};

TEST_F(ProxyApplyTest, NginxValidatesThenWritesTheConfig) {
  NginxProxy nginx(runner_, Settings(), "");
  ASSERT_TRUE(nginx.Apply(Apps()).ok());
  ASSERT_EQ(runner_.specs().size(), 1u) << "only the validator runs: nginx is not running";
  const auto& argv = runner_.specs()[0].argv;
  ASSERT_GE(argv.size(), 3u);
  EXPECT_EQ(argv[0], "nginx");
  EXPECT_EQ(argv[1], "-t");
  EXPECT_THAT(argv.back(), HasSubstr("/proxy/nginx/nginx.conf.new-"));
  auto live = ReadFile(nginx.config_path());
  ASSERT_TRUE(live.ok());
  EXPECT_THAT(*live, HasSubstr("server 10.0.0.2:5000;"));
  EXPECT_THAT(Files(nginx.dir()), ElementsAre("apply.lock", "nginx.conf", "nginx.conf.loaded"));
  EXPECT_FALSE(nginx.Running());
}

TEST_F(ProxyApplyTest, ConfigThatFailsValidationIsNeverApplied) {
  NginxProxy nginx(runner_, Settings(), "");
  ASSERT_TRUE(nginx.Apply(Apps()).ok());
  auto before = ReadFile(nginx.config_path());
  ASSERT_TRUE(before.ok());

  runner_.SetExit("nginx", 1, "", "nginx: [emerg] unknown directive \"bogus\" in x:3\n");
  auto apps = Apps();
  apps[0].upstreams = {"10.0.0.3"};
  Status s = nginx.Apply(apps);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("invalid; the running one is unchanged"));
  EXPECT_THAT(s.message(), HasSubstr("unknown directive \"bogus\""));
  EXPECT_EQ(*ReadFile(nginx.config_path()), *before);
  EXPECT_THAT(Files(nginx.dir()), ElementsAre("apply.lock", "nginx.conf", "nginx.conf.loaded"))
      << "the candidate is removed";
}

TEST_F(ProxyApplyTest, ApplyingWhatValidateAcceptedSkipsTheValidator) {
  NginxProxy nginx(runner_, Settings(), "");
  ASSERT_TRUE(nginx.Validate(Apps()).ok());
  ASSERT_EQ(runner_.specs().size(), 1u);
  EXPECT_FALSE(PathExists(nginx.config_path())) << "Validate applies nothing";

  ASSERT_TRUE(nginx.Apply(Apps()).ok());
  EXPECT_EQ(runner_.specs().size(), 1u) << "the same text was validated a moment ago";
  auto live = ReadFile(nginx.config_path());
  ASSERT_TRUE(live.ok());
  EXPECT_THAT(*live, HasSubstr("server 10.0.0.2:5000;"));
  EXPECT_THAT(Files(nginx.dir()), ElementsAre("apply.lock", "nginx.conf", "nginx.conf.loaded"));

  ASSERT_TRUE(nginx.Apply(Apps()).ok());
  EXPECT_EQ(runner_.specs().size(), 2u) << "the memo is used once";
}

TEST_F(ProxyApplyTest, ApplyingOtherRoutesThanValidatedValidatesAgain) {
  NginxProxy nginx(runner_, Settings(), "");
  ASSERT_TRUE(nginx.Validate(Apps()).ok());
  auto apps = Apps();
  apps[0].upstreams = {"10.0.0.3"};
  runner_.SetExit("nginx", 1, "", "nginx: [emerg] host not found\n");
  Status applied = nginx.Apply(apps);
  EXPECT_FALSE(applied.ok()) << "a text other than the validated one goes through the validator";
  EXPECT_THAT(applied.message(), HasSubstr("host not found"));
  EXPECT_EQ(runner_.specs().size(), 2u);
  EXPECT_FALSE(PathExists(nginx.config_path()));
  EXPECT_THAT(Files(nginx.dir()), ElementsAre("apply.lock")) << "the stale memo is dropped";
}

TEST_F(ProxyApplyTest, RenderErrorRunsNoValidator) {
  NginxProxy nginx(runner_, Settings(), "");
  auto apps = Apps();
  apps[0].custom_template = "{{#broken}}";
  EXPECT_FALSE(nginx.Apply(apps).ok());
  EXPECT_TRUE(runner_.specs().empty());
  EXPECT_FALSE(PathExists(nginx.config_path()));
}

TEST_F(ProxyApplyTest, StartNeedsAConfig) {
  NginxProxy nginx(runner_, Settings(), "");
  Status s = nginx.Start();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(runner_.specs().empty());
}

TEST_F(ProxyApplyTest, StartReportsTheProxysError) {
  NginxProxy nginx(runner_, Settings(), "");
  ASSERT_TRUE(nginx.Apply(Apps()).ok());
  runner_.SetExit("nginx", 1, "",
                  "nginx: [emerg] bind() to 0.0.0.0:18080 failed (98: Address in use)");
  Status s = nginx.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("Address in use"));
  const auto& argv = runner_.specs().back().argv;
  EXPECT_THAT(argv, ElementsAre("nginx", "-e", nginx.log_dir() + "/error.log", "-p",
                                nginx.dir() + "/", "-c", nginx.config_path()));
}

TEST_F(ProxyApplyTest, ReloadAndStopWhenNotRunning) {
  NginxProxy nginx(runner_, Settings(), "");
  EXPECT_EQ(nginx.Reload().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(nginx.Stop().ok());
}

TEST_F(ProxyApplyTest, PidFileOfAnotherProgramIsNotTheProxy) {
  NginxProxy nginx(runner_, Settings(), "");
  ASSERT_TRUE(MakeDirs(nginx.dir()).ok());
  // Our own pid: alive, but not an nginx.
  ASSERT_TRUE(WriteFileAtomic(nginx.pid_path(), std::to_string(::getpid()) + "\n").ok());
  EXPECT_FALSE(nginx.Running());
  ASSERT_TRUE(WriteFileAtomic(nginx.pid_path(), "garbage").ok());
  EXPECT_FALSE(nginx.Running());
}

TEST_F(ProxyApplyTest, AProxyWhosePidFileOutlivedItDiedAndStopForgetsIt) {
  NginxProxy nginx(runner_, Settings(), "");
  EXPECT_FALSE(nginx.Died()) << "never started";
  ASSERT_TRUE(MakeDirs(nginx.dir()).ok());
  pid_t gone = ::fork();
  ASSERT_GE(gone, 0);
  if (gone == 0) ::_exit(0);
  ::waitpid(gone, nullptr, 0);
  ASSERT_TRUE(WriteFileAtomic(nginx.pid_path(), std::to_string(gone) + "\n").ok());
  EXPECT_TRUE(nginx.Died()) << "killed: its pid file names a process that is gone";
  EXPECT_FALSE(nginx.Running());
  EXPECT_TRUE(nginx.Stop().ok());
  EXPECT_FALSE(nginx.Died()) << "proxy:stop removed the pid file";
}

TEST_F(ProxyApplyTest, HaproxyBundlesCertificatesAndWritesACrtList) {
  std::string crt = dir_.WriteFile("certs/server.crt",
                                   "-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----");
  std::string key = dir_.WriteFile("certs/server.key",
                                   "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n");
  auto apps = Apps();
  apps[0].domains = {"web.example.com", "*.web.example.com"};
  apps[0].ports = {{"http", 80, 5000}, {"https", 443, 5000}};
  apps[0].cert_path = crt;
  apps[0].key_path = key;
  HaproxyProxy haproxy(runner_, Settings(), "");
  ASSERT_TRUE(haproxy.Apply(apps).ok());
  ASSERT_EQ(runner_.specs().size(), 1u);
  EXPECT_EQ(runner_.specs()[0].argv[0], "haproxy");
  EXPECT_EQ(runner_.specs()[0].argv[1], "-c");

  auto bundle = ReadFile(haproxy.certs_dir() + "/web.pem");
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(*bundle,
            "-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----\n"
            "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n");
  EXPECT_EQ(std::filesystem::status(haproxy.certs_dir() + "/web.pem").permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  auto list = ReadFile(haproxy.certs_dir() + "/18443.list");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, haproxy.certs_dir() + "/web.pem web.example.com *.web.example.com\n");
  auto cfg = ReadFile(haproxy.config_path());
  ASSERT_TRUE(cfg.ok());
  EXPECT_THAT(*cfg, HasSubstr("bind :18443 ssl crt-list " + haproxy.certs_dir() + "/18443.list"));
}

TEST_F(ProxyApplyTest, HaproxyStartsInMasterWorkerMode) {
  HaproxyProxy haproxy(runner_, Settings(), "");
  ASSERT_TRUE(haproxy.Apply(Apps()).ok());
  runner_.SetExit("haproxy", 1, "", "[ALERT] cannot bind");
  EXPECT_FALSE(haproxy.Start().ok());
  EXPECT_THAT(
      runner_.specs().back().argv,
      ElementsAre("haproxy", "-W", "-D", "-f", haproxy.config_path(), "-p", haproxy.pid_path()));
}

TEST(ProxyRegistryTest, MakesKnownTypesAndNamesThemOnError) {
  test::FakeProcessRunner runner;
  EXPECT_EQ(ProxyTypes(), (std::vector<std::string>{"nginx", "haproxy"}));
  EXPECT_TRUE(MakeProxy("nginx", runner, {}).ok());
  EXPECT_TRUE(MakeProxy("haproxy", runner, {}).ok());
  auto bad = MakeProxy("traefik", runner, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("use one of nginx, haproxy"));
}

}  // namespace
}  // namespace berth
