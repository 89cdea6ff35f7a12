// IPv4 parsing and the store's address management: lowest free address first,
// reuse after release, exhaustion, and distinct addresses under concurrency.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <thread>

#include "core/base/ipv4.h"
#include "core/state/sqlite_store.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

TEST(Ipv4Test, ParsesAndFormatsStrictly) {
  EXPECT_EQ(*ParseIpv4("10.210.0.1"), 0x0AD20001u);
  EXPECT_EQ(FormatIpv4(0x0AD20001u), "10.210.0.1");
  EXPECT_EQ(*ParseIpv4("255.255.255.255"), 0xFFFFFFFFu);
  for (const char* bad : {"", "10.0.0", "10.0.0.0.1", "10.0.0.256", "10.0.0.01", "10..0.1",
                          "a.b.c.d", "10.0.0.1 ", "-1.0.0.0", "10.0.0.1/24"}) {
    EXPECT_FALSE(ParseIpv4(bad).ok()) << bad;
  }
}

TEST(Ipv4Test, SubnetsNeedAPrefixAndNoHostBits) {
  auto s = ParseIpv4Subnet("10.210.0.0/16");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(FormatIpv4(s->Gateway()), "10.210.0.1");
  EXPECT_EQ(FormatIpv4(s->Broadcast()), "10.210.255.255");
  EXPECT_EQ(s->ToString(), "10.210.0.0/16");
  EXPECT_EQ(FormatIpv4(ParseIpv4Subnet("192.168.7.8/30")->Broadcast()), "192.168.7.11");
  for (const char* bad : {"10.210.0.0", "10.210.0.1/16", "10.0.0.0/7", "10.0.0.0/31",
                          "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/016"}) {
    EXPECT_FALSE(ParseIpv4Subnet(bad).ok()) << bad;
  }
}

class IpamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.Join("berth.db");
    auto opened = SqliteStore::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
  }
  std::string Allocate(const std::string& id, const std::string& subnet = "10.210.0.0/24") {
    auto a = store_->AllocateAddress("berth0", subnet, id);
    EXPECT_TRUE(a.ok()) << a.status().message();
    return a.ok() ? *a : "";
  }
  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(IpamTest, HandsOutTheLowestFreeHostAfterTheGateway) {
  EXPECT_EQ(Allocate("a"), "10.210.0.2");
  EXPECT_EQ(Allocate("b"), "10.210.0.3");
  EXPECT_EQ(Allocate("c"), "10.210.0.4");
  ASSERT_TRUE(store_->ReleaseAddress("b").ok());
  EXPECT_EQ(Allocate("d"), "10.210.0.3");
  EXPECT_EQ(Allocate("e"), "10.210.0.5");
  auto all = store_->ListAddresses("berth0");
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(*all, ::testing::ElementsAre(AddressRecord{"berth0", "10.210.0.2", "a"},
                                           AddressRecord{"berth0", "10.210.0.3", "d"},
                                           AddressRecord{"berth0", "10.210.0.4", "c"},
                                           AddressRecord{"berth0", "10.210.0.5", "e"}));
}

TEST_F(IpamTest, OneAddressPerContainerAndReleaseIsIdempotent) {
  Allocate("a");
  EXPECT_EQ(store_->AllocateAddress("berth0", "10.210.0.0/24", "a").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_TRUE(store_->ReleaseAddress("a").ok());
  EXPECT_TRUE(store_->ReleaseAddress("a").ok());
  EXPECT_TRUE(store_->ListAddresses("")->empty());
}

TEST_F(IpamTest, ASmallSubnetRunsOut) {
  // /29: .0 network, .1 gateway, .7 broadcast: .2 to .6 for containers.
  for (int i = 2; i <= 6; ++i) {
    EXPECT_EQ(Allocate("c" + std::to_string(i), "10.1.2.0/29"), "10.1.2." + std::to_string(i));
  }
  auto full = store_->AllocateAddress("berth0", "10.1.2.0/29", "c7");
  EXPECT_EQ(full.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(full.status().message(), ::testing::HasSubstr("No free address"));
  EXPECT_EQ(store_->AllocateAddress("berth0", "10.1.2.1/29", "c8").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(IpamTest, NetworksAreSeparate) {
  EXPECT_EQ(Allocate("a"), "10.210.0.2");
  auto other = store_->AllocateAddress("other", "10.210.0.0/24", "b");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, "10.210.0.2");
  EXPECT_EQ(store_->ListAddresses("other")->size(), 1u);
  EXPECT_EQ(store_->ListAddresses("")->size(), 2u);
}

TEST_F(IpamTest, ConcurrentAllocationsGetDistinctAddresses) {
  constexpr int kThreads = 10;
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto store = SqliteStore::Open(path_);
      if (!store.ok()) return;
      for (int j = 0; j < 5; ++j) {
        std::string id = "t" + std::to_string(i) + "-" + std::to_string(j);
        auto a = (*store)->AllocateAddress("berth0", "10.210.0.0/16", id);
        if (a.ok()) got[static_cast<size_t>(i)] += *a + " ";
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct;
  size_t count = 0;
  for (const std::string& line : got) {
    std::istringstream words(line);
    for (std::string a; words >> a; ++count) distinct.insert(a);
  }
  EXPECT_EQ(count, 50u);
  EXPECT_EQ(distinct.size(), 50u);
  EXPECT_EQ(*distinct.begin(), "10.210.0.10");  // text order; all of .2 to .51 were used
  auto all = store_->ListAddresses("berth0");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->front().address, "10.210.0.2");
  EXPECT_EQ(all->back().address, "10.210.0.51");
}

}  // namespace
}  // namespace berth
