// ServiceNat against a fake runner: the whole rule set of a bridge replaced in
// one iptables-restore (or one nft transaction), the OUTPUT jump added once.
#include "core/runtime/service_nat.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/fake_process_runner.h"

namespace berth {
namespace {

using ::testing::HasSubstr;

BridgeConfig Bridge() {
  BridgeConfig config;
  config.bridge = "berth0";
  config.subnet = *ParseIpv4Subnet("10.9.0.0/24");
  return config;
}

std::string Line(const ProcessSpec& spec) {
  std::string line;
  for (const auto& a : spec.argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

TEST(ServiceNatTest, IptablesReplacesTheChainInOneRestoreAndJumpsToItOnce) {
  test::FakeProcessRunner runner;
  bool jump = false;  // -C fails until the jump was added
  runner.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    ProcessResult r;
    if (Line(spec).find(" -C OUTPUT ") != std::string::npos && !jump) r.exit_code = 1;
    if (Line(spec).find(" -A OUTPUT ") != std::string::npos) jump = true;
    return r;
  });
  ServiceNat nat(runner, Bridge(), "iptables");
  ASSERT_TRUE(nat.available());
  ASSERT_TRUE(nat.Sync({{"10.9.0.5", "10.9.0.7"}, {"10.9.0.6", "10.9.0.8"}}).ok());
  ASSERT_EQ(runner.specs().size(), 3u);
  EXPECT_EQ(Line(runner.specs()[0]), "iptables-restore -w 5 --noflush");
  EXPECT_EQ(runner.specs()[0].stdin_data,
            "*nat\n"
            ":BERTH-SVC-berth0 - [0:0]\n"
            "-A BERTH-SVC-berth0 -d 10.9.0.5/32 -p tcp -m comment --comment berth:berth0 -j DNAT "
            "--to-destination 10.9.0.7\n"
            "-A BERTH-SVC-berth0 -d 10.9.0.6/32 -p tcp -m comment --comment berth:berth0 -j DNAT "
            "--to-destination 10.9.0.8\n"
            "COMMIT\n");
  EXPECT_EQ(Line(runner.specs()[2]),
            "iptables -w 5 -t nat -A OUTPUT -d 10.9.0.0/24 -m comment --comment berth:berth0 -j "
            "BERTH-SVC-berth0");

  ASSERT_TRUE(nat.Sync({}).ok());
  ASSERT_EQ(runner.specs().size(), 5u) << "a restore and a check: the jump is there";
  EXPECT_EQ(runner.specs()[3].stdin_data, "*nat\n:BERTH-SVC-berth0 - [0:0]\nCOMMIT\n")
      << "no slot left: the chain is emptied";
}

TEST(ServiceNatTest, NftReplacesTheChainInOneTransaction) {
  test::FakeProcessRunner runner;
  BridgeConfig bridge = Bridge();
  bridge.bridge = "berth-t1";
  ServiceNat nat(runner, bridge, "nft");
  ASSERT_TRUE(nat.Sync({{"10.9.0.5", "10.9.0.7"}}).ok());
  ASSERT_EQ(runner.specs().size(), 1u);
  EXPECT_EQ(Line(runner.specs()[0]), "nft -f -");
  EXPECT_EQ(runner.specs()[0].stdin_data,
            "add table ip berth\n"
            "add chain ip berth svc_berth_t1 { type nat hook output priority -100 ; }\n"
            "flush chain ip berth svc_berth_t1\n"
            "add rule ip berth svc_berth_t1 ip daddr 10.9.0.5 meta l4proto tcp dnat to 10.9.0.7 "
            "comment \"berth:berth-t1\"\n");
}

TEST(ServiceNatTest, AFailedSwitchSaysWhatFailed) {
  test::FakeProcessRunner runner;
  runner.SetExit("iptables-restore", 2, "", "iptables-restore: line 3 failed\n");
  ServiceNat nat(runner, Bridge(), "iptables");
  Status s = nat.Sync({{"10.9.0.5", "10.9.0.7"}});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("iptables-restore"));
  EXPECT_THAT(s.message(), HasSubstr("line 3 failed"));
}

TEST(ServiceNatTest, WithoutAToolNothingRuns) {
  test::FakeProcessRunner runner;
  ServiceNat nat(runner, Bridge(), "");
  EXPECT_FALSE(nat.available());
  EXPECT_TRUE(nat.Sync({{"10.9.0.5", "10.9.0.7"}}).ok());
  EXPECT_TRUE(runner.specs().empty());
}

}  // namespace
}  // namespace berth
