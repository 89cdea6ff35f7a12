// An app the proxy answers itself (AppRoutes::static_status/static_page, from a
// plugin's proxy-static-responses answer, e.g. maintenance:on): nginx returns the
// status with the page on every listener and passes nothing to the app; haproxy
// returns it from the app's backend; the other apps are untouched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/proxy/haproxy/haproxy_proxy.h"
#include "core/proxy/nginx/nginx_proxy.h"
#include "core/proxy/template_render.h"
#include "tests/unit/fake_process_runner.h"

namespace berth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPage[] = "/var/lib/berth/data/maintenance/shop/default.html";

ProxySettings Settings() {
  ProxySettings s;
  s.root = "/var/lib/berth";
  s.share_dir = BERTH_SOURCE_DIR;
  s.http_port = 8080;
  s.https_port = 8443;
  return s;
}

std::vector<AppRoutes> Apps() {
  AppRoutes shop;
  shop.app = "shop";
  shop.domains = {"shop.example.com"};
  shop.ports = {{"http", 80, 5000}, {"https", 443, 5000}};
  shop.upstreams = {"10.210.0.7"};
  shop.cert_path = "/var/lib/berth/proxy/certs/shop/server.crt";
  shop.key_path = "/var/lib/berth/proxy/certs/shop/server.key";
  shop.static_status = 503;
  shop.static_page = kPage;
  shop.custom_template = "  # the custom template\n";
  AppRoutes blog;
  blog.app = "blog";
  blog.domains = {"blog.example.com"};
  blog.ports = {{"http", 80, 5000}};
  blog.upstreams = {"10.210.0.8"};
  return {blog, shop};
}

class ProxyStaticResponseTest : public ::testing::Test {
 protected:
  test::FakeProcessRunner runner_;
  NginxProxy nginx_{runner_, Settings(), ""};
  HaproxyProxy haproxy_{runner_, Settings(), "haproxy"};
};

TEST_F(ProxyStaticResponseTest, NginxAnswersWithThePageInsteadOfProxying) {
  auto text = nginx_.Render(Apps());
  ASSERT_TRUE(text.ok()) << text.status().message();
  std::string shop = AppSection(*text, "shop");
  EXPECT_THAT(shop, HasSubstr("return 503;"));
  EXPECT_THAT(shop, HasSubstr("error_page 503 /.berth-static-response.html;"));
  EXPECT_THAT(shop, HasSubstr(std::string("alias ") + kPage + ";"));
  EXPECT_THAT(shop, HasSubstr("internal;"));
  EXPECT_THAT(shop, Not(HasSubstr("proxy_pass")));
  EXPECT_THAT(shop, Not(HasSubstr("the custom template"))) << "the page wins over a custom template";
  EXPECT_THAT(shop, HasSubstr("return 301 https://")) << "http still redirects to https";
  std::string blog = AppSection(*text, "blog");
  EXPECT_THAT(blog, HasSubstr("proxy_pass http://blog-5000;"));
  EXPECT_THAT(blog, Not(HasSubstr("berth-static-response")));
}

TEST_F(ProxyStaticResponseTest, HaproxyReturnsThePageFromTheBackend) {
  auto text = haproxy_.Render(Apps());
  ASSERT_TRUE(text.ok()) << text.status().message();
  std::string shop = AppSection(*text, "shop");
  EXPECT_THAT(shop, HasSubstr(std::string("http-request return status 503 content-type "
                                          "\"text/html; charset=utf-8\" file ") +
                              kPage));
  EXPECT_THAT(shop, Not(HasSubstr("server shop-5000-1")));
  std::string blog = AppSection(*text, "blog");
  EXPECT_THAT(blog, HasSubstr("server blog-5000-1 10.210.0.8:5000"));
  EXPECT_THAT(blog, Not(HasSubstr("http-request return status 503")));
}

}  // namespace
}  // namespace berth
