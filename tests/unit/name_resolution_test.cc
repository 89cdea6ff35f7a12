// Name resolution in app containers: the generated /etc/hosts and the choice
// of the host's resolver configuration.
#include "core/runtime/name_resolution.h"

#include <gtest/gtest.h>

#include "core/base/files.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

TEST(EtcHostsTextTest, NamesLocalhostAndTheContainerAtItsAddress) {
  EXPECT_EQ(EtcHostsText("shop.web.1", "10.210.0.7"),
            "127.0.0.1\tlocalhost\n"
            "::1\tlocalhost ip6-localhost ip6-loopback\n"
            "10.210.0.7\tshop.web.1\n");
}

TEST(EtcHostsTextTest, WithoutAnAddressTheContainerIsOnItsLoopback) {
  EXPECT_EQ(EtcHostsText("shop.run.4", ""),
            "127.0.0.1\tlocalhost\n"
            "::1\tlocalhost ip6-localhost ip6-loopback\n"
            "127.0.1.1\tshop.run.4\n");
}

class HostResolvConfTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.Join(name);
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  test::TempDir dir_;
};

TEST_F(HostResolvConfTest, TheHostsFileWhenItHasAReachableNameserver) {
  std::string etc = Write("resolv.conf", "search example.com\nnameserver 10.0.0.2\n");
  std::string upstream = Write("upstream.conf", "nameserver 1.1.1.1\n");
  EXPECT_EQ(HostResolvConf(etc, upstream), etc);
}

TEST_F(HostResolvConfTest, TheUpstreamOneBehindALocalStub) {
  std::string etc = Write("resolv.conf", "# systemd-resolved\nnameserver 127.0.0.53\noptions edns0\n");
  std::string upstream = Write("upstream.conf", "nameserver 1.1.1.1\n");
  EXPECT_EQ(HostResolvConf(etc, upstream), upstream);
  EXPECT_EQ(HostResolvConf(etc, dir_.Join("missing")), etc) << "no better one: the host's";
}

TEST_F(HostResolvConfTest, NothingWhenThereIsNone) {
  EXPECT_EQ(HostResolvConf(dir_.Join("missing"), dir_.Join("missing2")), "");
}

}  // namespace
}  // namespace berth
