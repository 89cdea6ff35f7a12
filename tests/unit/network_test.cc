// BridgeNetwork against a fake `ip`: the commands that prepare a container's
// namespace, and the cleanup and address release when a step fails; network:*
// through the dispatcher.
#include "core/runtime/network.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::string Line(const ProcessSpec& spec) {
  std::string line;
  for (const auto& a : spec.argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

// The commands a run stands for: one line per command, so an `ip -batch -`
// counts as each of the commands on its input, prefixed with its options.
std::vector<std::string> Commands(const ProcessSpec& spec) {
  std::string line = Line(spec);
  const std::string batch = " -batch -";
  if (!line.ends_with(batch)) return {line};
  std::string prefix = line.substr(0, line.size() - batch.size());
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < spec.stdin_data.size()) {
    size_t eol = spec.stdin_data.find('\n', pos);
    if (eol == std::string::npos) eol = spec.stdin_data.size();
    out.push_back(prefix + " " + spec.stdin_data.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return out;
}

// `ip -o link show` of a bridge with that MAC, up or down.
ProcessResult Shown(const std::string& mac, bool up) {
  ProcessResult r;
  r.out = std::string("7: berth0: <BROADCAST,MULTICAST") + (up ? ",UP,LOWER_UP" : "") +
          "> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether " +
          mac + " brd ff:ff:ff:ff:ff:ff\n";
  return r;
}

class BridgeNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::Open(dir_.Join("berth.db"));
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    config_.subnet = *ParseIpv4Subnet("10.9.0.0/24");
    config_.nat = "off";  // the NAT tests turn it on; ip_forward is read from here
    config_.ip_forward_path = dir_.WriteFile("ip_forward", "0\n", 0644);
  }
  std::vector<std::string> Lines() {
    std::vector<std::string> out;
    for (const auto& s : runner_.specs()) {
      for (auto& c : Commands(s)) out.push_back(std::move(c));
    }
    return out;
  }
  test::TempDir dir_;
  test::FakeProcessRunner runner_;
  std::unique_ptr<SqliteStore> store_;
  BridgeConfig config_;
};

TEST_F(BridgeNetworkTest, AttachPreparesANamespaceOnTheBridge) {
  runner_.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    if (Line(spec) == "ip -o link show dev berth0") return Shown(BridgeNetwork::BridgeMac("berth0"), true);
    return ProcessResult{};
  });
  BridgeNetwork net(runner_, *store_, config_);
  auto attached = net.Attach("app.run.1");
  ASSERT_TRUE(attached.ok()) << attached.status().message();
  EXPECT_EQ(attached->address, "10.9.0.2");
  EXPECT_EQ(attached->netns_path, "/run/netns/berth-app.run.1");
  auto lines = Lines();
  EXPECT_EQ(lines.front(), "ip -o link show dev berth0");  // exists, up, with its own MAC
  EXPECT_THAT(lines, Contains("ip netns add berth-app.run.1"));
  EXPECT_THAT(lines,
              Contains("ip link add name bv0a090002 type veth peer name eth0 netns berth-app.run.1"));
  EXPECT_THAT(lines, Contains("ip -n berth-app.run.1 addr add 10.9.0.2/24 dev eth0"));
  EXPECT_THAT(lines, Contains("ip -n berth-app.run.1 link set dev eth0 up"));
  EXPECT_THAT(lines, Contains("ip -n berth-app.run.1 route add default via 10.9.0.1"));
  EXPECT_THAT(lines, Contains("ip link set dev bv0a090002 master berth0"));
  EXPECT_THAT(lines, Contains("ip link set dev bv0a090002 type bridge_slave isolated on"));
  EXPECT_THAT(lines, Contains("ip neigh flush to 10.9.0.2 dev berth0"))
      << "the host forgets the MAC an earlier holder of the address had";
  for (const auto& line : lines) EXPECT_THAT(line, Not(HasSubstr("iptables")));  // nat off
  for (const auto& s : runner_.specs()) EXPECT_GT(s.timeout.count(), 0);
  EXPECT_EQ(runner_.specs().size(), 3u) << "the bridge, then two ip processes for the namespace";

  net.Detach("app.run.1");
  EXPECT_THAT(Lines(), Contains("ip netns del berth-app.run.1"));
  EXPECT_TRUE(store_->ListAddresses("")->empty());
}

TEST_F(BridgeNetworkTest, ReattachKeepsTheAddressTheContainerHolds) {
  BridgeNetwork net(runner_, *store_, config_);
  ASSERT_TRUE(net.Attach("a.web.1.1").ok());                  // 10.9.0.2
  ASSERT_EQ(net.Attach("b.web.1.1")->address, "10.9.0.3");
  net.Detach("a.web.1.1");                                    // .2 is free now
  size_t before = Lines().size();
  auto again = net.Reattach("b.web.1.1");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->address, "10.9.0.3") << "not the lowest free one: the proxy points at .3";
  auto all = Lines();
  std::vector<std::string> lines(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
  auto at = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) - lines.begin();
  };
  EXPECT_LT(at("ip netns del berth-b.web.1.1"), at("ip netns add berth-b.web.1.1"))
      << "what the earlier attachment left goes first";
  EXPECT_LT(at("ip link del dev bv0a090003"),
            at("ip link add name bv0a090003 type veth peer name eth0 netns berth-b.web.1.1"));
  ASSERT_EQ(store_->ListAddresses("")->size(), 1u);
  EXPECT_EQ(net.Reattach("c.web.1.1")->address, "10.9.0.2") << "one without an address gets one";
}

TEST_F(BridgeNetworkTest, ReattachOutsideANewSubnetGetsANewAddress) {
  ASSERT_TRUE(store_->AllocateAddress("berth0", "10.8.0.0/24", "a.web.1.1").ok());
  BridgeNetwork net(runner_, *store_, config_);
  auto again = net.Reattach("a.web.1.1");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->address, "10.9.0.2");
  EXPECT_EQ(store_->ListAddresses("")->size(), 1u);
}

TEST_F(BridgeNetworkTest, AMissingBridgeIsCreatedWithTheGatewayAddressAndAMacOfItsOwn) {
  bool created = false;
  runner_.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (Line(spec).starts_with("ip -o link show dev berth0") && !created) r.exit_code = 1;
    if (Line(spec).starts_with("ip link add name berth0 ")) created = true;
    return r;
  });
  BridgeNetwork net(runner_, *store_, config_);
  ASSERT_TRUE(net.EnsureBridge().ok());
  std::string mac = BridgeNetwork::BridgeMac("berth0");
  EXPECT_THAT(Lines(), Contains("ip link add name berth0 address " + mac + " type bridge"))
      << "without an address of its own, the bridge would take the lowest MAC of its ports";
  EXPECT_THAT(Lines(), Contains("ip addr add 10.9.0.1/24 dev berth0"));
  EXPECT_THAT(Lines(), Contains("ip link set dev berth0 up"));
}

TEST_F(BridgeNetworkTest, TheBridgeMacIsLocallyAdministeredUnicastAndDiffersByBridge) {
  std::string a = BridgeNetwork::BridgeMac("berth0");
  EXPECT_EQ(a, BridgeNetwork::BridgeMac("berth0"));
  EXPECT_NE(a, BridgeNetwork::BridgeMac("berth-t123"));
  EXPECT_THAT(a, ::testing::MatchesRegex("02:be(:[0-9a-f]{2}){4}"));
}

TEST_F(BridgeNetworkTest, ABridgeWithItsOwnMacThatIsUpNeedsNothing) {
  runner_.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    if (Line(spec) == "ip -o link show dev berth0") return Shown(BridgeNetwork::BridgeMac("berth0"), true);
    return ProcessResult{};
  });
  BridgeNetwork net(runner_, *store_, config_);
  ASSERT_TRUE(net.EnsureBridge().ok());
  EXPECT_THAT(Lines(), UnorderedElementsAre("ip -o link show dev berth0"));
}

TEST_F(BridgeNetworkTest, AnEarlierBridgeKeepsTheMacItHasSetOnceNotOnEveryAttach) {
  const std::string legacy = "0e:61:d8:35:80:db";  // a port's, taken by the bridge
  runner_.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    if (Line(spec) == "ip -o link show dev berth0") return Shown(legacy, true);
    return ProcessResult{};
  });
  BridgeNetwork net(runner_, *store_, config_);
  ASSERT_TRUE(net.EnsureBridge().ok());
  EXPECT_THAT(Lines(), Contains("ip link set dev berth0 address " + legacy + " up"))
      << "set, the address stays when that port goes";
  runner_.ClearRuns();
  ASSERT_TRUE(net.EnsureBridge().ok());
  EXPECT_THAT(Lines(), UnorderedElementsAre("ip -o link show dev berth0"))
      << "setting it again would flush the host's ARP entries on the bridge";
}

TEST_F(BridgeNetworkTest, ABridgeThatIsDownIsSetUp) {
  runner_.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    if (Line(spec) == "ip -o link show dev berth0") return Shown(BridgeNetwork::BridgeMac("berth0"), false);
    return ProcessResult{};
  });
  BridgeNetwork net(runner_, *store_, config_);
  ASSERT_TRUE(net.EnsureBridge().ok());
  EXPECT_THAT(Lines(), Contains("ip link set dev berth0 up"));
}

TEST_F(BridgeNetworkTest, AFailedStepUndoesEverything) {
  runner_.SetScript([](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (spec.stdin_data.find("route add") != std::string::npos) {
      r.exit_code = 1;
      r.err = "RTNETLINK answers: Network is unreachable\nCommand failed -:4\n";
    }
    return r;
  });
  BridgeNetwork net(runner_, *store_, config_);
  auto attached = net.Attach("app.run.2");
  ASSERT_FALSE(attached.ok());
  EXPECT_THAT(attached.status().message(), HasSubstr("Network is unreachable"));
  EXPECT_THAT(attached.status().message(),
              HasSubstr("`ip -n berth-app.run.2 route add default via 10.9.0.1` failed"))
      << "the error names the command of the batch that failed";
  EXPECT_THAT(attached.status().message(), Not(HasSubstr("Command failed")));
  EXPECT_THAT(Lines(), Contains("ip link del dev bv0a090002"));
  EXPECT_THAT(Lines(), Contains("ip netns del berth-app.run.2"));
  EXPECT_TRUE(store_->ListAddresses("")->empty());
}

TEST_F(BridgeNetworkTest, AVethOfAnotherBerthIsLeftAloneAndTheErrorSaysWhatToDo) {
  runner_.SetScript([](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (spec.stdin_data.find("link add name bv0a090002") != std::string::npos) {
      r.exit_code = 2;
      r.err = "RTNETLINK answers: File exists\nCommand failed -:2\n";
    }
    return r;
  });
  BridgeNetwork net(runner_, *store_, config_);
  auto attached = net.Attach("app.web.1.1");
  ASSERT_FALSE(attached.ok());
  EXPECT_EQ(attached.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(attached.status().message(), HasSubstr("already has an interface bv0a090002"));
  EXPECT_THAT(attached.status().message(), HasSubstr("network:set --global bridge NAME"));
  EXPECT_THAT(Lines(), Contains("ip netns del berth-app.web.1.1"));
  EXPECT_THAT(Lines(), Not(Contains("ip link del dev bv0a090002"))) << "not this attachment's";
  EXPECT_TRUE(store_->ListAddresses("")->empty());
}

TEST_F(BridgeNetworkTest, OutboundNatWithIptablesIsAddedOnceAndTurnsOnForwarding) {
  config_.nat = "iptables";
  bool present = false;  // -C fails until the rules were added
  runner_.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (Line(spec).find(" -C ") != std::string::npos && !present) r.exit_code = 1;
    return r;
  });
  BridgeNetwork net(runner_, *store_, config_);
  ASSERT_TRUE(net.EnsureOutboundNat().ok());
  std::string masquerade =
      "-s 10.9.0.0/24 ! -o berth0 -m comment --comment berth:berth0 -j MASQUERADE";
  EXPECT_THAT(Lines(), Contains("iptables -w 5 -t nat -A POSTROUTING " + masquerade));
  EXPECT_THAT(Lines(), Contains("iptables -w 5 -t filter -I FORWARD -i berth0 ! -o berth0 -m "
                                "comment --comment berth:berth0 -j ACCEPT"));
  EXPECT_THAT(Lines(), Contains("sysctl -q -w net.ipv4.ip_forward=1"));

  present = true;
  ASSERT_TRUE(WriteFileAtomic(config_.ip_forward_path, "1\n", 0644).ok());  // sysctl did it
  size_t before = Lines().size();
  ASSERT_TRUE(net.EnsureOutboundNat().ok());
  for (size_t i = before; i < runner_.specs().size(); ++i) {
    EXPECT_THAT(Line(runner_.specs()[i]), HasSubstr(" -C "));  // checked, not added again
  }
}

TEST_F(BridgeNetworkTest, OutboundNatWithNftAndForwardingAlreadyOn) {
  config_.nat = "nft";
  ASSERT_TRUE(WriteFileAtomic(config_.ip_forward_path, "1\n", 0644).ok());
  BridgeNetwork net(runner_, *store_, config_);
  ASSERT_TRUE(net.EnsureOutboundNat().ok());
  EXPECT_THAT(Lines(), Contains("nft add rule ip berth postrouting ip saddr 10.9.0.0/24 oifname "
                                "!= berth0 masquerade comment \"berth:berth0\""));
  for (const auto& line : Lines()) EXPECT_THAT(line, Not(HasSubstr("sysctl")));  // already on
}

TEST_F(BridgeNetworkTest, AFailingNatStopsTheAttachAndReleasesNothingItHeld) {
  config_.nat = "iptables";
  runner_.SetScript([](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (spec.argv[0] == "iptables") {
      r.exit_code = 3;
      r.err = "iptables: No chain/target/match by that name.\n";
    }
    return r;
  });
  BridgeNetwork net(runner_, *store_, config_);
  auto attached = net.Attach("app.run.3");
  ASSERT_FALSE(attached.ok());
  EXPECT_THAT(attached.status().message(), HasSubstr("BERTH_NAT=off"));
  EXPECT_TRUE(store_->ListAddresses("")->empty());
}

TEST_F(BridgeNetworkTest, RemoveStaleTakesWhatNoAddressAccountsFor) {
  ASSERT_TRUE(store_->CreateApp("app").ok());
  ASSERT_TRUE(store_->AllocateAddress("berth0", "10.9.0.0/24", "app.run.1").ok());  // 10.9.0.2
  std::string netns = dir_.Join("netns");
  dir_.WriteFile("netns/berth-app.run.1", "", 0644);
  dir_.WriteFile("netns/berth-app.run.9", "", 0644);
  dir_.WriteFile("netns/berth-app", "", 0644);
  // Another berth's on the same host: another root's app, or an app of the
  // same name whose veth is on another subnet.
  dir_.WriteFile("netns/berth-demo.web.1.1", "", 0644);
  dir_.WriteFile("netns/berth-app.web.1.1", "", 0644);
  dir_.WriteFile("netns/berth-application.web.1.1", "", 0644);
  dir_.WriteFile("netns/someone-else", "", 0644);
  runner_.SetScript([](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (Line(spec) == "ip -o link show type veth") {
      r.out = "5: bv0a090002@if4: <UP> mtu 1500 qdisc noqueue master berth0 state UP\n"
              "7: bv0a090009@if6: <UP> mtu 1500 qdisc noqueue master berth0 state UP\n"
              "8: bv0a090008@bp0a090008: <BROADCAST> mtu 1500 qdisc noop state DOWN\n"
              "9: vethabc@if8: <UP> mtu 1500\n"
              // Another berth's: another subnet on this bridge name, or another bridge.
              "11: bv0ad20002@if10: <UP> mtu 1500 qdisc noqueue master berth0 state UP mode "
              "DEFAULT group default qlen 1000\\    link/ether b6:77:cc:4a:f0:8e brd "
              "ff:ff:ff:ff:ff:ff link-netns berth-app.web.1.1\n"
              "13: bv0a090007@if12: <UP> mtu 1500 qdisc noqueue master berth1 state UP\n";
    }
    return r;
  });
  BridgeNetwork net(runner_, *store_, config_);
  auto removed = net.RemoveStale(netns);
  EXPECT_THAT(removed, UnorderedElementsAre("berth-app", "berth-app.run.9", "bv0a090009",
                                            "bv0a090008"));
  EXPECT_THAT(Lines(), Contains("ip netns del berth-app.run.9"));
  EXPECT_THAT(Lines(), Contains("ip link del dev bv0a090009"));
  for (const auto& line : Lines()) {
    EXPECT_THAT(line, Not(HasSubstr("app.run.1")));
    EXPECT_THAT(line, Not(HasSubstr("vethabc")));
    EXPECT_THAT(line, Not(HasSubstr("someone-else")));
    EXPECT_THAT(line, Not(HasSubstr("demo")));
    EXPECT_THAT(line, Not(HasSubstr("application")));
    EXPECT_THAT(line, Not(HasSubstr("bv0ad20002")));
    EXPECT_THAT(line, Not(HasSubstr("app.web.1.1")));
    EXPECT_THAT(line, Not(HasSubstr("bv0a090007")));
  }
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

TEST_F(NetworkCommandsTest, TheBridgeHasANameOfItsOwnWhenSet) {
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-bridge"}));
  EXPECT_EQ(out(), std::string(kDefaultBridge) + "\n");
  ASSERT_TRUE(RunOk({"network:set", "--global", "bridge", "berth-ci_1"}));
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-bridge"}));
  EXPECT_EQ(out(), "berth-ci_1\n");
  ASSERT_TRUE(RunOk({"network:set", "--global", "bridge"}));
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-bridge"}));
  EXPECT_EQ(out(), std::string(kDefaultBridge) + "\n");
}

TEST_F(NetworkCommandsTest, RefusesBadBridgeNames) {
  for (const char* name : {"", "a-name-of-16-chr", "br0;rm", "bv0a090002", "br 0", "br/0"}) {
    auto status = Run({"network:set", "--global", "bridge", name});
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << name;
  }
  auto lo = Run({"network:set", "--global", "bridge", "lo"});  // exists, not a bridge
  EXPECT_EQ(lo.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(lo.message(), HasSubstr("not a bridge"));
  EXPECT_EQ(Run({"network:set", "app", "bridge", "br1"}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store().AllocateAddress("berth0", "10.210.0.0/16", "app.run.1").ok());
  auto held = Run({"network:set", "--global", "bridge", "br1"});
  EXPECT_EQ(held.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(held.message(), HasSubstr("Cannot change the bridge"));
  ASSERT_TRUE(RunOk({"network:report", "app", "--network-bridge"}));
  EXPECT_EQ(out(), std::string(kDefaultBridge) + "\n");
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
