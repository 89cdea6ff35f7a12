// proxy:*, nginx:* and haproxy:* through the dispatcher, and CollectRoutes from
// a real store: defaults for domains and ports, upstreams from the scheduler's
// property, and argument validation that changes nothing on failure.
#include <gmock/gmock.h>

#include "core/base/files.h"
#include "core/cli/proxy_routes.h"
#include "tests/unit/command_fixture.h"

namespace berth::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ProxyCommandsTest : public CommandTest {
 protected:
  Result<std::vector<AppRoutes>> Collect() {
    std::ostringstream out, err;
    Output output(out, err, false);
    std::istringstream in;
    Context ctx{&store(), plugins_, runner_, output, in, env_, runtime_};
    auto routes = CollectRoutes(ctx);
    warnings_ = err.str();
    return routes;
  }

  std::optional<std::string> Prop(const std::string& app, const std::string& key) {
    auto v =
        store().GetProperty(kProxyPlugin, app.empty() ? Scope::Global() : Scope::App(app), key);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : std::nullopt;
  }

  std::string warnings_;
};

TEST_F(ProxyCommandsTest, CollectRoutesAppliesTheDefaults) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  auto routes = Collect();
  ASSERT_TRUE(routes.ok()) << routes.status().message();
  ASSERT_EQ(routes->size(), 1u);
  const AppRoutes& r = (*routes)[0];
  EXPECT_EQ(r.app, "web");
  EXPECT_TRUE(r.domains.empty()) << "no app domain and no global domain";
  EXPECT_EQ(r.ports, (std::vector<PortMapping>{{"http", 80, 5000}}));
  EXPECT_TRUE(r.upstreams.empty());
  EXPECT_TRUE(r.enabled);
  EXPECT_TRUE(r.cert_path.empty());
  EXPECT_TRUE(r.custom_template.empty());
}

TEST_F(ProxyCommandsTest, CollectRoutesReadsTheStore) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"apps:create", "api"}));
  ASSERT_TRUE(RunOk({"domains:add-global", "example.com", "example.org"}));
  ASSERT_TRUE(RunOk({"domains:add", "api", "api.test"}));
  ASSERT_TRUE(RunOk({"ports:set", "api", "http:80:8000", "http:8080:8001"}));
  ASSERT_TRUE(store()
                  .SetProperty(kSchedulerPlugin, Scope::App("web"), kWebUpstreamsKey,
                               "10.210.0.2, 10.210.0.3,,bogus,10.210.0.300")
                  .ok());
  std::string tmpl = dir_.WriteFile("web-nginx.conf.mustache", "# custom {{app}}\n");
  ASSERT_TRUE(
      store().SetProperty(kProxyPlugin, Scope::App("web"), "custom-template-path", tmpl).ok());
  ASSERT_TRUE(RunOk({"proxy:disable", "api"}));

  auto routes = Collect();
  ASSERT_TRUE(routes.ok()) << routes.status().message();
  ASSERT_EQ(routes->size(), 2u);
  const AppRoutes& api = (*routes)[0];
  const AppRoutes& web = (*routes)[1];
  EXPECT_EQ(api.app, "api");
  EXPECT_EQ(api.domains, (std::vector<std::string>{"api.test"})) << "its own domains win";
  EXPECT_EQ(api.ports, (std::vector<PortMapping>{{"http", 80, 8000}, {"http", 8080, 8001}}));
  EXPECT_FALSE(api.enabled);
  EXPECT_EQ(web.domains, (std::vector<std::string>{"web.example.com"}))
      << "APP.<first global domain>";
  EXPECT_EQ(web.upstreams, (std::vector<std::string>{"10.210.0.2", "10.210.0.3"}));
  EXPECT_THAT(warnings_, HasSubstr("Ignoring the upstream 'bogus' of web"));
  EXPECT_THAT(warnings_, HasSubstr("Ignoring the upstream '10.210.0.300' of web"));
  EXPECT_EQ(web.custom_template, "# custom {{app}}\n");
  EXPECT_TRUE(web.enabled);
}

TEST_F(ProxyCommandsTest, CertificateAddsAnHttpsMapping) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"apps:create", "api"}));
  ASSERT_TRUE(RunOk({"ports:set", "api", "http:80:8000"}));
  for (const char* app : {"web", "api"}) {
    std::string dir = env_.root + "/proxy/certs/" + app;
    ASSERT_TRUE(MakeDirs(dir).ok());
    ASSERT_TRUE(WriteFileAtomic(dir + "/server.crt", "c").ok());
    ASSERT_TRUE(WriteFileAtomic(dir + "/server.key", "k").ok());
  }
  auto routes = Collect();
  ASSERT_TRUE(routes.ok());
  EXPECT_EQ((*routes)[0].ports,
            (std::vector<PortMapping>{{"http", 80, 8000}, {"https", 443, 8000}}));
  EXPECT_EQ((*routes)[1].ports,
            (std::vector<PortMapping>{{"http", 80, 5000}, {"https", 443, 5000}}));
  EXPECT_EQ((*routes)[1].cert_path, env_.root + "/proxy/certs/web/server.crt");
  EXPECT_EQ((*routes)[1].key_path, env_.root + "/proxy/certs/web/server.key");
}

TEST_F(ProxyCommandsTest, MissingCustomTemplateIsIgnoredWithAWarning) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(store()
                  .SetProperty(kProxyPlugin, Scope::App("web"), "custom-template-path",
                               dir_.Join("nope.mustache"))
                  .ok());
  auto routes = Collect();
  ASSERT_TRUE(routes.ok());
  EXPECT_TRUE((*routes)[0].custom_template.empty());
  EXPECT_THAT(warnings_, HasSubstr("Ignoring the custom proxy template of web"));
}

TEST_F(ProxyCommandsTest, RebuildWithoutARunningProxyDoesNothing) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  std::ostringstream out, err;
  Output output(out, err, false);
  std::istringstream in;
  Context ctx{&store(), plugins_, runner_, output, in, env_, runtime_};
  plugins_.Clear();
  EXPECT_TRUE(RebuildProxy(ctx).ok());
  EXPECT_TRUE(runner_.specs().empty());
  EXPECT_TRUE(plugins_.Named("proxy-build-config").empty());
  EXPECT_FALSE(PathExists(env_.root + "/proxy/nginx/nginx.conf"));
}

TEST_F(ProxyCommandsTest, SetTypeForAnAppAndGlobally) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"proxy:set", "web", "haproxy"}));
  EXPECT_EQ(Prop("web", "type"), "haproxy");
  ASSERT_TRUE(RunOk({"proxy:set", "--global", "haproxy"}));
  EXPECT_EQ(Prop("", "type"), "haproxy");
  ASSERT_TRUE(RunOk({"proxy:set", "web", ""}));
  EXPECT_EQ(Prop("web", "type"), std::nullopt);
}

TEST_F(ProxyCommandsTest, SetRefusesBadInputAndChangesNothing) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  EXPECT_FALSE(Run({"proxy:set", "web", "traefik"}).ok());
  EXPECT_THAT(err(), HasSubstr("Unknown proxy type 'traefik'"));
  EXPECT_EQ(Prop("web", "type"), std::nullopt);

  EXPECT_EQ(Run({"proxy:set", "nope", "nginx"}).ExitCode(), 20);
  EXPECT_FALSE(Run({"proxy:set", "web"}).ok());
  EXPECT_FALSE(Run({"proxy:set", "web", "http-port", "8080"}).ok());
  EXPECT_THAT(err(), HasSubstr("The listen ports are global"));

  for (const char* bad : {"0", "65536", "80x", "-1", ""}) {
    if (std::string(bad).empty()) continue;
    EXPECT_FALSE(Run({"proxy:set", "--global", "http-port", bad}).ok()) << bad;
  }
  EXPECT_EQ(Prop("", "http-port"), std::nullopt);
  EXPECT_FALSE(Run({"proxy:set", "--global", "http-port", "443"}).ok());
  EXPECT_THAT(err(), HasSubstr("must differ"));
  EXPECT_EQ(Prop("", "http-port"), std::nullopt);
}

TEST_F(ProxyCommandsTest, SetGlobalPorts) {
  ASSERT_TRUE(RunOk({"proxy:set", "--global", "http-port", "18080"}));
  ASSERT_TRUE(RunOk({"proxy:set", "--global", "https-port", "18443"}));
  EXPECT_EQ(Prop("", "http-port"), "18080");
  EXPECT_EQ(Prop("", "https-port"), "18443");
  ASSERT_TRUE(RunOk({"proxy:report", "--global"}) || true);
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"proxy:report", "web", "--proxy-http-port"}));
  EXPECT_EQ(out(), "18080\n");
  ASSERT_TRUE(RunOk({"proxy:set", "--global", "http-port"}));
  EXPECT_EQ(Prop("", "http-port"), std::nullopt);
}

TEST_F(ProxyCommandsTest, EnableAndDisable) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"proxy:disable", "web"}));
  EXPECT_EQ(Prop("web", "disabled"), "true");
  ASSERT_TRUE(RunOk({"proxy:report", "web", "--proxy-enabled"}));
  EXPECT_EQ(out(), "false\n");
  ASSERT_TRUE(RunOk({"proxy:enable", "web"}));
  EXPECT_EQ(Prop("web", "disabled"), std::nullopt);
  EXPECT_EQ(Run({"proxy:disable", "nope"}).ExitCode(), 20);
  EXPECT_FALSE(Run({"proxy:disable"}).ok());
}

TEST_F(ProxyCommandsTest, BuildConfigWithoutARunningProxy) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"proxy:build-config", "web"}));
  EXPECT_THAT(out(), HasSubstr("No proxy is running"));
  ASSERT_TRUE(RunOk({"proxy:build-config", "--all"}));
  EXPECT_EQ(Run({"proxy:build-config", "nope"}).ExitCode(), 20);
  EXPECT_FALSE(Run({"proxy:build-config"}).ok());
  EXPECT_FALSE(Run({"proxy:build-config", "web", "--all"}).ok());
  EXPECT_TRUE(runner_.specs().empty());
}

TEST_F(ProxyCommandsTest, StartValidatesAndReportsAFailedStart) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"proxy:set", "--global", "http-port", "18080"}));
  runner_.SetScript([](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (spec.argv.size() > 1 && spec.argv[1] == "-t") return r;  // the validator passes
    r.exit_code = 1;
    r.err = "nginx: [emerg] bind() to 0.0.0.0:18080 failed (98: Address already in use)\n";
    return r;
  });
  Status s = Run({"proxy:start"});
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(err(), HasSubstr("Address already in use"));
  ASSERT_EQ(runner_.specs().size(), 2u);
  EXPECT_EQ(runner_.specs()[0].argv[1], "-t");
  auto conf = ReadFile(env_.root + "/proxy/nginx/nginx.conf");
  ASSERT_TRUE(conf.ok());
  EXPECT_THAT(*conf, HasSubstr("listen 18080 default_server;"));
}

TEST_F(ProxyCommandsTest, StartAndStopAreHostOnly) {
  env_.via_ssh = true;
  EXPECT_FALSE(Run({"proxy:start"}).ok());
  EXPECT_FALSE(Run({"proxy:stop"}).ok());
  EXPECT_TRUE(runner_.specs().empty());
}

TEST_F(ProxyCommandsTest, StopAndReloadWithoutARunningProxy) {
  ASSERT_TRUE(RunOk({"proxy:stop"}));
  EXPECT_THAT(out(), HasSubstr("No proxy is running"));
  EXPECT_FALSE(Run({"nginx:reload"}).ok());
  EXPECT_THAT(err(), HasSubstr("nginx is not running"));
  EXPECT_FALSE(Run({"haproxy:reload"}).ok());
}

TEST_F(ProxyCommandsTest, ShowConfigPrintsTheAppsPart) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"apps:create", "other"}));
  ASSERT_TRUE(RunOk({"domains:add", "web", "web.test"}));
  ASSERT_TRUE(RunOk({"domains:add", "other", "other.test"}));
  ASSERT_TRUE(store()
                  .SetProperty(kSchedulerPlugin, Scope::App("web"), kWebUpstreamsKey,
                               "10.210.0.2,10.210.0.3")
                  .ok());
  ASSERT_TRUE(RunOk({"nginx:show-config", "web"}));
  EXPECT_THAT(out(), HasSubstr("# berth app: web begin"));
  EXPECT_THAT(out(), HasSubstr("server_name web.test;"));
  EXPECT_THAT(out(), HasSubstr("server 10.210.0.3:5000;"));
  EXPECT_THAT(out(), Not(HasSubstr("other.test")));
  EXPECT_THAT(out(), Not(HasSubstr("worker_processes")));

  ASSERT_TRUE(RunOk({"haproxy:show-config", "web"}));
  EXPECT_THAT(out(), HasSubstr("acl host_web var(txn.host) -m str web.test"));
  EXPECT_THAT(out(), HasSubstr("server web-5000-2 10.210.0.3:5000"));
  EXPECT_EQ(Run({"nginx:show-config", "nope"}).ExitCode(), 20);
  EXPECT_FALSE(Run({"nginx:show-config"}).ok());
  EXPECT_TRUE(runner_.specs().empty());
}

TEST_F(ProxyCommandsTest, ReportShowsTheRoutes) {
  ASSERT_TRUE(RunOk({"apps:create", "web"}));
  ASSERT_TRUE(RunOk({"domains:add", "web", "web.test"}));
  ASSERT_TRUE(RunOk({"proxy:set", "--global", "haproxy"}));
  ASSERT_TRUE(RunOk({"proxy:report", "web"}));
  EXPECT_THAT(out(), HasSubstr("=====> web proxy information"));
  EXPECT_THAT(out(), HasSubstr("Proxy computed type:"));
  EXPECT_THAT(out(), HasSubstr("haproxy"));
  EXPECT_THAT(out(), HasSubstr("http:80:5000"));
  EXPECT_THAT(out(), HasSubstr("web.test"));
  ASSERT_TRUE(RunOk({"proxy:report", "web", "--format", "json"}));
  EXPECT_THAT(out(), HasSubstr("\"proxy-running\":\"false\""));
}

}  // namespace
}  // namespace berth::test
