// BridgeNetwork against a fake `ip`: the commands that prepare a container's
// namespace, and the cleanup and address release when a step fails; network:*
// through the dispatcher.
#include "core/runtime/network.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

std::string Line(const ProcessSpec& spec) {
  std::string line;
  for (const auto& a : spec.argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

class BridgeNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::Open(dir_.Join("berth.db"));
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    config_.subnet = *ParseIpv4Subnet("10.9.0.0/24");
  }
  std::vector<std::string> Lines() {
    std::vector<std::string> out;
    for (const auto& s : runner_.specs()) out.push_back(Line(s));
    return out;
  }
  test::TempDir dir_;
  test::FakeProcessRunner runner_;
  std::unique_ptr<SqliteStore> store_;
  BridgeConfig config_;
};

TEST_F(BridgeNetworkTest, AttachPreparesANamespaceOnTheBridge) {
  BridgeNetwork net(runner_, *store_, config_);
  auto attached = net.Attach("app.run.1");
  ASSERT_TRUE(attached.ok()) << attached.status().message();
  EXPECT_EQ(attached->address, "10.9.0.2");
  EXPECT_EQ(attached->netns_path, "/run/netns/berth-app.run.1");
  auto lines = Lines();
  EXPECT_EQ(lines.front(), "ip link show dev berth0");  // exists (the fake says yes)
  EXPECT_THAT(lines, Contains("ip netns add berth-app.run.1"));
  EXPECT_THAT(lines, Contains("ip link add name bv0a090002 type veth peer name bp0a090002"));
  EXPECT_THAT(lines, Contains("ip -n berth-app.run.1 addr add 10.9.0.2/24 dev eth0"));
  EXPECT_THAT(lines, Contains("ip -n berth-app.run.1 route add default via 10.9.0.1"));
  EXPECT_THAT(lines, Contains("ip link set dev bv0a090002 master berth0"));
  for (const auto& s : runner_.specs()) EXPECT_GT(s.timeout.count(), 0);

  net.Detach("app.run.1");
  EXPECT_THAT(Lines(), Contains("ip netns del berth-app.run.1"));
  EXPECT_TRUE(store_->ListAddresses("")->empty());
}

TEST_F(BridgeNetworkTest, AMissingBridgeIsCreatedWithTheGatewayAddress) {
  bool created = false;
  runner_.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (Line(spec) == "ip link show dev berth0" && !created) r.exit_code = 1;
    if (Line(spec) == "ip link add name berth0 type bridge") created = true;
    return r;
  });
  BridgeNetwork net(runner_, *store_, config_);
  ASSERT_TRUE(net.EnsureBridge().ok());
  EXPECT_THAT(Lines(), Contains("ip addr add 10.9.0.1/24 dev berth0"));
  EXPECT_THAT(Lines(), Contains("ip link set dev berth0 up"));
}

TEST_F(BridgeNetworkTest, AFailedStepUndoesEverything) {
  runner_.SetScript([](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (Line(spec).find("route add") != std::string::npos) {
      r.exit_code = 2;
      r.err = "RTNETLINK answers: Network is unreachable\n";
    }
    return r;
  });
  BridgeNetwork net(runner_, *store_, config_);
  auto attached = net.Attach("app.run.2");
  ASSERT_FALSE(attached.ok());
  EXPECT_THAT(attached.status().message(), HasSubstr("Network is unreachable"));
  EXPECT_THAT(Lines(), Contains("ip link del dev bv0a090002"));
  EXPECT_THAT(Lines(), Contains("ip netns del berth-app.run.2"));
  EXPECT_TRUE(store_->ListAddresses("")->empty());
}

class NetworkCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
  }
};

TEST_F(NetworkCommandsTest, ModeAndSubnet) {
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-computed-mode"}));
  EXPECT_EQ(out(), "none\n");
  ASSERT_TRUE(RunOk({"network:set", "--global", "mode", "host"}));
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-computed-mode"}));
  EXPECT_EQ(out(), "host\n");
  ASSERT_TRUE(RunOk({"network:set", "app", "mode", "bridge"}));
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-computed-mode"}));
  EXPECT_EQ(out(), "bridge\n");
  ASSERT_TRUE(RunOk({"network:set", "app", "mode"}));
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-computed-mode"}));
  EXPECT_EQ(out(), "host\n");

  ASSERT_TRUE(RunOk({"network:report", "app", "--network-subnet"}));
  EXPECT_EQ(out(), std::string(kDefaultSubnet) + "\n");
  ASSERT_TRUE(RunOk({"network:set", "--global", "subnet", "172.30.0.0/20"}));
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-subnet"}));
  EXPECT_EQ(out(), "172.30.0.0/20\n");
}

TEST_F(NetworkCommandsTest, RefusesBadValues) {
  EXPECT_EQ(Run({"network:set", "app", "mode", "overlay"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"network:set", "app", "subnet", "10.0.0.0/8"}).code(),
            StatusCode::kInvalidArgument);  // subnet is global only
  EXPECT_EQ(Run({"network:set", "--global", "subnet", "10.0.0.1/8"}).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(store().AllocateAddress("berth0", "10.210.0.0/16", "app.run.1").ok());
  EXPECT_EQ(Run({"network:set", "--global", "subnet", "10.0.0.0/8"}).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-addresses"}));
  EXPECT_EQ(out(), "app.run.1=10.210.0.2\n");
}

}  // namespace
}  // namespace berth
