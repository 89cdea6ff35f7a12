// Resource limits: parsing of memory sizes, CPU cores and pids counts, the
// per-type fallback to _default, and resource:* through the dispatcher.
#include "core/runtime/resources.h"

#include <gtest/gtest.h>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

TEST(ParseMemoryTest, AcceptsSuffixedSizes) {
  EXPECT_EQ(*ParseMemory("512m"), int64_t{512} << 20);
  EXPECT_EQ(*ParseMemory("512M"), int64_t{512} << 20);
  EXPECT_EQ(*ParseMemory("2g"), int64_t{2} << 30);
  EXPECT_EQ(*ParseMemory("65536k"), int64_t{64} << 20);
  EXPECT_EQ(*ParseMemory("4194304"), int64_t{4} << 20);
  EXPECT_EQ(*ParseMemory("1024g"), int64_t{1} << 40);
}

TEST(ParseMemoryTest, RefusesMalformedTinyAndHugeSizes) {
  for (const char* bad : {"", "m", "0", "0m", "3m", "-512m", "512mb", "1.5g", "512 m", "1025g",
                          "99999999999999999g", "4194303", "0x10m", "+5m"}) {
    auto r = ParseMemory(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

TEST(ParseCpusTest, AcceptsPositiveDecimals) {
  EXPECT_DOUBLE_EQ(*ParseCpus("1"), 1.0);
  EXPECT_DOUBLE_EQ(*ParseCpus("1.5"), 1.5);
  EXPECT_DOUBLE_EQ(*ParseCpus("0.25"), 0.25);
  EXPECT_DOUBLE_EQ(*ParseCpus(".5"), 0.5);
  EXPECT_DOUBLE_EQ(*ParseCpus("1024"), 1024.0);
}

TEST(ParseCpusTest, RefusesZeroNegativeAndJunk) {
  for (const char* bad : {"", "0", "0.0", "0.001", "-1", "1.", ".", "1.5.2", "1e3", "inf", "nan",
                          "1,5", "2000", " 1", "+1"}) {
    EXPECT_FALSE(ParseCpus(bad).ok()) << bad;
  }
}

TEST(ParsePidsTest, AcceptsPositiveCounts) {
  EXPECT_EQ(*ParsePids("1"), 1);
  EXPECT_EQ(*ParsePids("20"), 20);
  EXPECT_EQ(*ParsePids("4194304"), 4194304);
  for (const char* bad : {"", "0", "-1", "1.5", "4194305", "12345678", "ten", "20 "}) {
    EXPECT_FALSE(ParsePids(bad).ok()) << bad;
  }
}

TEST(LimitsForTest, TypeOverridesDefaultPerLimit) {
  std::map<std::string, std::string> props = {
      {"_default.memory", "256m"}, {"_default.pids", "100"}, {"web.memory", "1g"},
      {"web.cpu", "0.5"}, {"worker.pids", "5"}};
  auto web = LimitsFor(props, "web");
  ASSERT_TRUE(web.ok());
  EXPECT_EQ(web->memory_bytes, int64_t{1} << 30);
  EXPECT_EQ(web->cpus, 0.5);
  EXPECT_EQ(web->pids, 100);
  auto run = LimitsFor(props, "run");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->memory_bytes, int64_t{256} << 20);
  EXPECT_FALSE(run->cpus.has_value());
  EXPECT_EQ(run->pids, 100);
  auto none = LimitsFor({}, "web");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->memory_bytes || none->cpus || none->pids);
}

TEST(LimitsForTest, AHandEditedBadValueIsAnError) {
  EXPECT_FALSE(LimitsFor({{"_default.memory", "lots"}}, "run").ok());
}

class ResourceCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
  }
  std::map<std::string, std::string> Props() {
    auto p = store().ListProperties(kResourcePlugin, Scope::App("app"));
    EXPECT_TRUE(p.ok());
    return p.ok() ? *p : std::map<std::string, std::string>{};
  }
};

TEST_F(ResourceCommandsTest, LimitStoresPerTypeAndDefault) {
  ASSERT_TRUE(RunOk({"resource:limit", "app", "--memory", "512m", "--cpu", "1.5", "--pids", "50"}));
  ASSERT_TRUE(RunOk({"resource:limit", "app", "--memory", "1g", "--process-type", "web"}));
  EXPECT_EQ(Props(), (std::map<std::string, std::string>{{"_default.cpu", "1.5"},
                                                          {"_default.memory", "512m"},
                                                          {"_default.pids", "50"},
                                                          {"web.memory", "1g"}}));
  ASSERT_TRUE(RunOk({"resource:report", "app", "--resource-limit-memory"}));
  EXPECT_EQ(out(), "512m\n");
  ASSERT_TRUE(RunOk({"resource:report", "app", "--resource-web-limit-memory"}));
  EXPECT_EQ(out(), "1g\n");
}

TEST_F(ResourceCommandsTest, BadValuesChangeNothing) {
  EXPECT_EQ(Run({"resource:limit", "app", "--memory", "512m", "--cpu", "0"}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"resource:limit", "app", "--pids", "-3"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"resource:limit", "app"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"resource:limit", "app", "--memory", "1g", "--process-type", "we b"}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"resource:limit", "nope", "--memory", "1g"}).ExitCode(), 20);
  EXPECT_TRUE(Props().empty());
}

TEST_F(ResourceCommandsTest, ClearRemovesOneTypeOnly) {
  ASSERT_TRUE(RunOk({"resource:limit", "app", "--memory", "512m"}));
  ASSERT_TRUE(RunOk({"resource:limit", "app", "--pids", "9", "--process-type", "worker"}));
  ASSERT_TRUE(RunOk({"resource:limit-clear", "app", "--process-type", "worker"}));
  EXPECT_EQ(Props(), (std::map<std::string, std::string>{{"_default.memory", "512m"}}));
  ASSERT_TRUE(RunOk({"resource:limit-clear", "app"}));
  EXPECT_TRUE(Props().empty());
}

}  // namespace
}  // namespace berth
