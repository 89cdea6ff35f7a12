// The proxy templates rendered from a fixed set of apps, against golden files in
// tests/unit/golden/proxy/ (set BERTH_UPDATE_GOLDEN=1 to rewrite them after a
// deliberate template change, then review the diff), and the route planning
// rules behind them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/proxy/haproxy/haproxy_proxy.h"
#include "core/proxy/nginx/nginx_proxy.h"
#include "core/proxy/route_plan.h"
#include "core/proxy/template_render.h"
#include "tests/unit/fake_process_runner.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ProxySettings Settings() {
  ProxySettings s;
  s.root = "/var/lib/berth";
  s.share_dir = BERTH_SOURCE_DIR;
  s.http_port = 8080;
  s.https_port = 8443;
  return s;
}

constexpr char kCustomTemplate[] =
    "{{#upstreams}}{{#has_servers}}\n"
    "  upstream {{name}} {\n"
    "{{#servers}}\n"
    "    server {{address}} max_fails=0;\n"
    "{{/servers}}\n"
    "  }\n"
    "{{/has_servers}}{{/upstreams}}\n"
    "{{#http}}\n"
    "  server {\n"
    "    listen {{port}};\n"
    "    server_name {{server_names}};\n"
    "    client_max_body_size 50m;\n"
    "    location / { proxy_pass http://{{upstream}}; }\n"
    "  }\n"
    "{{/http}}\n";

// Several apps covering every case the templates handle.
std::vector<AppRoutes> Apps() {
  std::vector<AppRoutes> apps;
  AppRoutes api;  // three upstreams (service addresses: keep-alive), a wildcard domain
  api.app = "api";
  api.domains = {"api.example.com", "*.api.example.com"};
  api.ports = {{"http", 80, 5000}};
  api.upstreams = {"10.210.0.2", "10.210.0.3", "10.210.0.4"};
  api.stable_upstreams = true;
  apps.push_back(api);

  AppRoutes custom;  // its own nginx.conf.mustache
  custom.app = "custom";
  custom.domains = {"custom.example.com"};
  custom.ports = {{"http", 80, 5000}};
  custom.upstreams = {"10.210.0.9"};
  custom.custom_template = kCustomTemplate;
  apps.push_back(custom);

  AppRoutes idle;  // no web container yet: 503
  idle.app = "idle";
  idle.domains = {"idle.example.com"};
  idle.ports = {{"http", 80, 5000}};
  apps.push_back(idle);

  AppRoutes off;  // proxy:disable
  off.app = "off";
  off.domains = {"off.example.com"};
  off.ports = {{"http", 80, 5000}};
  off.upstreams = {"10.210.0.7"};
  off.enabled = false;
  apps.push_back(off);

  AppRoutes shop;  // a certificate: https and a redirect, and a tcp port
  shop.app = "shop";
  shop.domains = {"shop.example.com", "www.shop.example.com"};
  shop.ports = {{"http", 80, 5000}, {"https", 443, 5000}, {"tcp", 2222, 22}};
  shop.upstreams = {"10.210.0.5", "10.210.0.6"};
  shop.cert_path = "/var/lib/berth/proxy/certs/shop/server.crt";
  shop.key_path = "/var/lib/berth/proxy/certs/shop/server.key";
  apps.push_back(shop);
  return apps;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  std::string path = std::string(BERTH_SOURCE_DIR) + "/tests/unit/golden/proxy/" + name;
  if (std::getenv("BERTH_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << actual;
  }
  std::string expected = test::ReadText(path);
  ASSERT_FALSE(expected.empty()) << "missing golden file " << path;
  EXPECT_EQ(expected, actual) << "the rendering of " << name
                              << " changed; if on purpose: BERTH_UPDATE_GOLDEN=1 and review";
}

class ProxyRenderTest : public ::testing::Test {
 protected:
  test::FakeProcessRunner runner_;
  NginxProxy nginx_{runner_, Settings(), ""};
  HaproxyProxy haproxy_{runner_, Settings(), "haproxy"};
};

TEST_F(ProxyRenderTest, NginxMatchesGolden) {
  auto text = nginx_.Render(Apps());
  ASSERT_TRUE(text.ok()) << text.status().message();
  ExpectGolden("nginx.conf", *text);
  EXPECT_TRUE(runner_.specs().empty()) << "rendering runs no program";
}

TEST_F(ProxyRenderTest, HaproxyMatchesGolden) {
  auto text = haproxy_.Render(Apps());
  ASSERT_TRUE(text.ok()) << text.status().message();
  ExpectGolden("haproxy.cfg", *text);
}

TEST_F(ProxyRenderTest, NginxWithoutAppsStillAnswers404) {
  auto text = nginx_.Render({});
  ASSERT_TRUE(text.ok()) << text.status().message();
  ExpectGolden("nginx-empty.conf", *text);
  EXPECT_THAT(*text, HasSubstr("listen 8080 default_server;"));
  EXPECT_THAT(*text, HasSubstr("return 404"));
}

TEST_F(ProxyRenderTest, HaproxyWithoutAppsStillAnswers404) {
  auto text = haproxy_.Render({});
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_THAT(*text, HasSubstr("frontend berth-http-8080"));
  EXPECT_THAT(*text, HasSubstr("default_backend berth-404"));
  EXPECT_THAT(*text, Not(HasSubstr("ssl crt-list")));
}

TEST_F(ProxyRenderTest, DisabledAppIsNotRouted) {
  auto text = nginx_.Render(Apps());
  ASSERT_TRUE(text.ok());
  std::string off = AppSection(*text, "off");
  EXPECT_THAT(off, HasSubstr("proxy disabled"));
  EXPECT_THAT(off, Not(HasSubstr("server_name")));
  EXPECT_THAT(*text, Not(HasSubstr("10.210.0.7")));
  auto cfg = haproxy_.Render(Apps());
  ASSERT_TRUE(cfg.ok());
  EXPECT_THAT(*cfg, Not(HasSubstr("off.example.com")));
}

TEST_F(ProxyRenderTest, AppWithoutUpstreamsAnswers503) {
  auto text = nginx_.Render(Apps());
  ASSERT_TRUE(text.ok());
  std::string idle = AppSection(*text, "idle");
  EXPECT_THAT(idle, HasSubstr("return 503"));
  EXPECT_THAT(idle, Not(HasSubstr("upstream idle-5000")));
  auto cfg = haproxy_.Render(Apps());
  ASSERT_TRUE(cfg.ok());
  EXPECT_THAT(AppSection(*cfg, "idle"), HasSubstr("http-request return status 503"));
}

TEST_F(ProxyRenderTest, CertificateMeansHttpsAndRedirect) {
  auto text = nginx_.Render(Apps());
  ASSERT_TRUE(text.ok());
  std::string shop = AppSection(*text, "shop");
  EXPECT_THAT(shop, HasSubstr("return 301 https://$host:8443$request_uri;"));
  EXPECT_THAT(shop, HasSubstr("listen 8443 ssl http2;"));
  EXPECT_THAT(shop, HasSubstr("ssl_certificate /var/lib/berth/proxy/certs/shop/server.crt;"));
  EXPECT_THAT(*text, HasSubstr("ssl_reject_handshake on;"));
  EXPECT_THAT(shop, HasSubstr("tcp:2222:22 is not served by nginx"));
}

TEST_F(ProxyRenderTest, HttpsOnPort443NeedsNoPortInTheRedirect) {
  ProxySettings s = Settings();
  s.http_port = 80;
  s.https_port = 443;
  NginxProxy nginx(runner_, s, "");
  auto text = nginx.Render(Apps());
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("return 301 https://$host$request_uri;"));
}

TEST_F(ProxyRenderTest, HaproxyRunsTheThreadsOfTheSettings) {
  ProxySettings s = Settings();
  s.threads = 4;
  HaproxyProxy haproxy(runner_, s, "haproxy");
  auto text = haproxy.Render(Apps());
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("\n  nbthread 4\n"));
}

TEST(ProxyThreadsTest, HalfTheCoresAtLeastOne) {
  EXPECT_EQ(1, ProxyThreadsFor(0));  // unknown
  EXPECT_EQ(1, ProxyThreadsFor(1));
  EXPECT_EQ(1, ProxyThreadsFor(2));
  EXPECT_EQ(1, ProxyThreadsFor(3));
  EXPECT_EQ(2, ProxyThreadsFor(4));
  EXPECT_EQ(8, ProxyThreadsFor(16));
}

TEST_F(ProxyRenderTest, CustomTemplateReplacesTheAppsPart) {
  auto text = nginx_.Render(Apps());
  ASSERT_TRUE(text.ok());
  std::string custom = AppSection(*text, "custom");
  EXPECT_THAT(custom, HasSubstr("client_max_body_size 50m;"));
  EXPECT_THAT(custom, HasSubstr("server 10.210.0.9:5000 max_fails=0;"));
}

TEST_F(ProxyRenderTest, BrokenCustomTemplateIsAnError) {
  auto apps = Apps();
  apps[1].custom_template = "{{#http}} unclosed";
  auto text = nginx_.Render(apps);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(text.status().message(), HasSubstr("custom"));
}

TEST_F(ProxyRenderTest, PortWantedAsHttpAndHttpsIsAnError) {
  auto apps = Apps();
  apps[0].ports = {{"http", 443, 5000}};  // 443 is the https port
  auto text = nginx_.Render(apps);
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.status().message(), HasSubstr("Port 8443 cannot serve both"));
}

TEST_F(ProxyRenderTest, SharedTcpPortIsAnError) {
  auto apps = Apps();
  apps[0].ports.push_back({"tcp", 2222, 22});
  auto cfg = haproxy_.Render(apps);
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("tcp port 2222 is mapped by both api and shop"));
}

TEST_F(ProxyRenderTest, HttpsWithoutCertificateIsLeftOutWithANote) {
  AppRoutes app;
  app.app = "plain";
  app.domains = {"plain.example.com"};
  app.ports = {{"http", 80, 5000}, {"https", 443, 5000}};
  app.upstreams = {"10.0.0.2"};
  auto text = nginx_.Render({app});
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("https:443:5000 needs a certificate"));
  EXPECT_THAT(*text, Not(HasSubstr("ssl http2")));
  EXPECT_THAT(*text, Not(HasSubstr("return 301")));
}

TEST_F(ProxyRenderTest, AppWithoutDomainsIsNotRouted) {
  AppRoutes app;
  app.app = "nameless";
  app.ports = {{"http", 80, 5000}};
  app.upstreams = {"10.0.0.2"};
  auto text = nginx_.Render({app});
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("has no domain to answer on"));
  EXPECT_THAT(*text, Not(HasSubstr("10.0.0.2")));
}

TEST_F(ProxyRenderTest, MissingTemplateIsAnInternalError) {
  ProxySettings s = Settings();
  s.share_dir = "/nonexistent";
  NginxProxy nginx(runner_, s, "");
  auto text = nginx.Render(Apps());
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInternal);
}

TEST(ProxyAppSectionTest, FindsEveryMarkedSectionOfOneApp) {
  std::string config =
      "a\n# berth app: foo begin\nfoo 1\n# berth app: foo end\n"
      "# berth app: foo-bar begin\nnot foo\n# berth app: foo-bar end\n"
      "  # berth app: foo begin (frontend x)\n  foo 2\n  # berth app: foo end\nz\n";
  EXPECT_EQ(AppSection(config, "foo"),
            "# berth app: foo begin\nfoo 1\n# berth app: foo end\n"
            "  # berth app: foo begin (frontend x)\n  foo 2\n  # berth app: foo end\n");
  EXPECT_EQ(AppSection(config, "fo"), "");
}

TEST(ProxyRoutePlanTest, GlobalPortsReplace80And443) {
  AppRoutes app;
  app.app = "a";
  app.domains = {"a.test"};
  app.ports = {{"http", 80, 5000}, {"http", 8000, 5001}};
  app.upstreams = {"10.0.0.2", "10.0.0.3"};
  auto plan = PlanRoutes({app}, Settings(), true, "haproxy");
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->apps[0].listeners.size(), 2u);
  EXPECT_EQ(plan->apps[0].listeners[0].port, 8080);
  EXPECT_EQ(plan->apps[0].listeners[1].port, 8000);
  ASSERT_EQ(plan->apps[0].upstreams.size(), 2u);
  EXPECT_EQ(plan->apps[0].upstreams[1].name, "a-5001");
  EXPECT_EQ(plan->apps[0].upstreams[1].addresses,
            (std::vector<std::string>{"10.0.0.2:5001", "10.0.0.3:5001"}));
  ASSERT_EQ(plan->frontends.size(), 2u);
  EXPECT_EQ(plan->frontends[0].port, 8000);
  EXPECT_EQ(plan->frontends[1].port, 8080);
}

constexpr char kStaticPage[] = "/var/lib/berth/data/maintenance/shop/default.html";

// An app the proxy answers itself (static_status/static_page, from a plugin's
// proxy-static-responses answer, e.g. maintenance:on) beside a normal one.
std::vector<AppRoutes> StaticApps() {
  AppRoutes shop;
  shop.app = "shop";
  shop.domains = {"shop.example.com"};
  shop.ports = {{"http", 80, 5000}, {"https", 443, 5000}};
  shop.upstreams = {"10.210.0.7"};
  shop.cert_path = "/var/lib/berth/proxy/certs/shop/server.crt";
  shop.key_path = "/var/lib/berth/proxy/certs/shop/server.key";
  shop.static_status = 503;
  shop.static_page = kStaticPage;
  shop.custom_template = "  # the custom template\n";
  AppRoutes blog;
  blog.app = "blog";
  blog.domains = {"blog.example.com"};
  blog.ports = {{"http", 80, 5000}};
  blog.upstreams = {"10.210.0.8"};
  return {blog, shop};
}

TEST_F(ProxyRenderTest, NginxAnswersWithThePageInsteadOfProxying) {
  auto text = nginx_.Render(StaticApps());
  ASSERT_TRUE(text.ok()) << text.status().message();
  std::string shop = AppSection(*text, "shop");
  EXPECT_THAT(shop, HasSubstr("return 503;"));
  EXPECT_THAT(shop, HasSubstr("error_page 503 /.berth-static-response.html;"));
  EXPECT_THAT(shop, HasSubstr(std::string("alias ") + kStaticPage + ";"));
  EXPECT_THAT(shop, HasSubstr("internal;"));
  EXPECT_THAT(shop, Not(HasSubstr("proxy_pass")));
  EXPECT_THAT(shop, Not(HasSubstr("the custom template"))) << "the page wins over a custom template";
  EXPECT_THAT(shop, HasSubstr("return 301 https://")) << "http still redirects to https";
  std::string blog = AppSection(*text, "blog");
  EXPECT_THAT(blog, HasSubstr("proxy_pass http://blog-5000;"));
  EXPECT_THAT(blog, Not(HasSubstr("berth-static-response")));
}

TEST_F(ProxyRenderTest, HaproxyReturnsThePageFromTheBackend) {
  auto text = haproxy_.Render(StaticApps());
  ASSERT_TRUE(text.ok()) << text.status().message();
  std::string shop = AppSection(*text, "shop");
  EXPECT_THAT(shop, HasSubstr(std::string("http-request return status 503 content-type "
                                          "\"text/html; charset=utf-8\" file ") +
                              kStaticPage));
  EXPECT_THAT(shop, Not(HasSubstr("server shop-5000-1")));
  std::string blog = AppSection(*text, "blog");
  EXPECT_THAT(blog, HasSubstr("server blog-5000-1 10.210.0.8:5000"));
  EXPECT_THAT(blog, Not(HasSubstr("http-request return status 503")));
}

}  // namespace
}  // namespace berth
