// Service addresses for the proxy's upstreams: one per web slot, stable from
// one deploy to the next, let go with the slot; the NAT rules that go with
// them; none without a NAT tool or for an app off the bridge.
#include "core/cli/service_addresses.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cli/proxy_routes.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ServiceAddressesTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    // A NAT tool the way NatTool finds one: BERTH_NAT names it, $PATH has it.
    dir_.WriteFile("bin/iptables", "#!/bin/sh\nexit 0\n", 0755);
    saved_path_ = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
    ::setenv("PATH", (dir_.Join("bin") + ":" + saved_path_).c_str(), 1);
    ::setenv("BERTH_NAT", "iptables", 1);
    ASSERT_TRUE(RunOk({"apps:create", "web"}));
    ASSERT_TRUE(RunOk({"apps:create", "local"}));
  }
  void TearDown() override {
    ::setenv("PATH", saved_path_.c_str(), 1);
    ::setenv("BERTH_NAT", "off", 1);
    CommandTest::TearDown();
  }
  // The web containers of `app` hold these addresses now.
  void Serve(const std::string& app, const std::string& upstreams) {
    ASSERT_TRUE(store().SetProperty(kSchedulerPlugin, Scope::App(app), kWebUpstreamsKey, upstreams).ok());
  }
  Result<ServicePlan> Plan(std::vector<AppRoutes>& routes) {
    Output output(out_, err_, false);
    std::istringstream in;
    Context ctx{&store(), plugins_, runner_, output, in, env_, runtime_};
    auto collected = CollectRoutes(ctx, nullptr);
    if (!collected.ok()) return collected.status();
    routes = std::move(*collected);
    // Collected once more, with the plan (the first call allocated already).
    ServicePlan plan;
    collected = CollectRoutes(ctx, &plan);
    if (!collected.ok()) return collected.status();
    routes = std::move(*collected);
    return plan;
  }
  Status Settle(const ServicePlan& plan) {
    Output output(out_, err_, false);
    std::istringstream in;
    Context ctx{&store(), plugins_, runner_, output, in, env_, runtime_};
    return SettleServices(ctx, plan);
  }
  static const AppRoutes& Of(const std::vector<AppRoutes>& routes, const std::string& app) {
    for (const auto& r : routes) {
      if (r.app == app) return r;
    }
    static const AppRoutes none;
    return none;
  }
  std::string saved_path_;
  std::ostringstream out_, err_;
};

TEST_F(ServiceAddressesTest, EachSlotHasAnAddressOfItsOwnThatStaysAcrossDeploys) {
  ASSERT_TRUE(store().AllocateAddress("berth0", "10.210.0.0/16", "web.web.1.1").ok());  // .2
  ASSERT_TRUE(store().AllocateAddress("berth0", "10.210.0.0/16", "web.web.2.1").ok());  // .3
  Serve("web", "10.210.0.2,10.210.0.3");
  Serve("local", "127.0.0.1");  // host networking: no service address
  std::vector<AppRoutes> routes;
  auto plan = Plan(routes);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->nat_tool, "iptables");
  EXPECT_THAT(Of(routes, "web").upstreams, ElementsAre("10.210.0.4", "10.210.0.5"));
  EXPECT_TRUE(Of(routes, "web").stable_upstreams);
  EXPECT_THAT(Of(routes, "local").upstreams, ElementsAre("127.0.0.1"));
  EXPECT_FALSE(Of(routes, "local").stable_upstreams);
  ASSERT_EQ(plan->routes.size(), 2u);
  EXPECT_EQ(plan->routes[0].service, "10.210.0.4");
  EXPECT_EQ(plan->routes[0].container, "10.210.0.2");
  EXPECT_EQ(plan->routes[1].service, "10.210.0.5");
  EXPECT_EQ(plan->routes[1].container, "10.210.0.3");
  EXPECT_THAT(plan->leaving_ids, IsEmpty());

  // A deploy: new containers, the same service addresses, only the rules change.
  ASSERT_TRUE(store().AllocateAddress("berth0", "10.210.0.0/16", "web.web.1.2").ok());  // .6
  ASSERT_TRUE(store().AllocateAddress("berth0", "10.210.0.0/16", "web.web.2.2").ok());  // .7
  Serve("web", "10.210.0.6,10.210.0.7");
  plan = Plan(routes);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(Of(routes, "web").upstreams, ElementsAre("10.210.0.4", "10.210.0.5"));
  EXPECT_EQ(plan->routes[0].container, "10.210.0.6");
  EXPECT_EQ(plan->routes[1].container, "10.210.0.7");

  // ps:retire leaves the service addresses alone: no container holds them.
  ASSERT_TRUE(RunOk({"ps:retire"}));
  plan = Plan(routes);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(Of(routes, "web").upstreams, ElementsAre("10.210.0.4", "10.210.0.5"));
}

TEST_F(ServiceAddressesTest, ASlotLetGoKeepsARuleUntilTheProxyMovedThenGoes) {
  Serve("web", "10.210.0.2,10.210.0.3");
  std::vector<AppRoutes> routes;
  ASSERT_TRUE(Plan(routes).ok());  // services .4 and .5... or the lowest free
  std::vector<std::string> services = Of(routes, "web").upstreams;
  ASSERT_EQ(services.size(), 2u);

  Serve("web", "10.210.0.2");  // ps:scale web=1
  auto plan = Plan(routes);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(Of(routes, "web").upstreams, ElementsAre(services[0]));
  EXPECT_THAT(plan->leaving_ids, ElementsAre("web.web.2.svc"));
  ASSERT_EQ(plan->leaving.size(), 1u);
  EXPECT_EQ(plan->leaving[0].service, services[1]);
  EXPECT_EQ(plan->leaving[0].container, "10.210.0.2") << "to a container still serving meanwhile";

  size_t before = runner_.specs().size();
  ASSERT_TRUE(Settle(*plan).ok());
  ASSERT_GT(runner_.specs().size(), before);
  EXPECT_EQ(runner_.specs()[before].argv[0], "iptables-restore");
  EXPECT_EQ(runner_.specs()[before].stdin_data.find(services[1]), std::string::npos)
      << "the rule of the slot let go is gone";
  auto held = store().ListAddresses("");
  ASSERT_TRUE(held.ok());
  for (const auto& a : *held) EXPECT_NE(a.container_id, "web.web.2.svc");

  Serve("web", "");  // ps:stop: no slot, no rule
  plan = Plan(routes);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(plan->leaving_ids, ElementsAre("web.web.1.svc"));
  EXPECT_THAT(plan->leaving, IsEmpty()) << "nothing serves the app any more";
  ASSERT_TRUE(Settle(*plan).ok());
  EXPECT_THAT(*store().ListAddresses(""), IsEmpty());
}

TEST_F(ServiceAddressesTest, WithoutANatToolUpstreamsAreTheContainers) {
  ::setenv("BERTH_NAT", "off", 1);
  Serve("web", "10.210.0.2");
  std::vector<AppRoutes> routes;
  auto plan = Plan(routes);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->nat_tool, "");
  EXPECT_THAT(Of(routes, "web").upstreams, ElementsAre("10.210.0.2"));
  EXPECT_FALSE(Of(routes, "web").stable_upstreams);
  EXPECT_THAT(*store().ListAddresses(""), IsEmpty());
}

}  // namespace
}  // namespace berth
