// Reports in Dokku's shape: the aligned table, --format json as one flat object,
// --<key> for one value, and a clear error for a key that does not exist.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cli/report.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ReportsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
    ASSERT_TRUE(RunOk({"domains:add", "app", "app.example.com", "www.example.com"}));
    ASSERT_TRUE(RunOk({"domains:add-global", "example.com"}));
  }
};

TEST_F(ReportsTest, TableFormIsAlignedUnderAHeader) {
  ASSERT_TRUE(RunOk({"domains:report", "app"}));
  EXPECT_EQ(out(),
            "=====> app domains information\n"
            "       Domains app vhosts:     app.example.com www.example.com\n"
            "       Domains global vhosts:  example.com\n");
}

TEST_F(ReportsTest, JsonIsOneFlatObjectInReportOrder) {
  ASSERT_TRUE(RunOk({"domains:report", "app", "--format", "json"}));
  EXPECT_EQ(out(),
            "{\"domains-app-vhosts\":\"app.example.com www.example.com\","
            "\"domains-global-vhosts\":\"example.com\"}\n");
}

TEST_F(ReportsTest, KeyFlagPrintsOneValue) {
  ASSERT_TRUE(RunOk({"domains:report", "app", "--domains-global-vhosts"}));
  EXPECT_EQ(out(), "example.com\n");
  ASSERT_TRUE(RunOk({"apps:report", "app", "--app-dir"}));
  EXPECT_EQ(out(), env_.root + "/repos/app.git\n");
}

TEST_F(ReportsTest, UnknownKeyListsTheValidOnes) {
  Status s = Run({"domains:report", "app", "--nope"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Invalid flag passed, valid flags: --domains-app-vhosts --domains-global-vhosts");
  EXPECT_EQ(out(), "");
}

TEST_F(ReportsTest, UnknownFormatIsRefused) {
  EXPECT_EQ(Run({"apps:report", "app", "--format", "yaml"}).message(),
            "Invalid --format value 'yaml': use stdout or json");
}

TEST_F(ReportsTest, GlobalDomainsReport) {
  ASSERT_TRUE(RunOk({"domains:report", "--global", "--format", "json"}));
  EXPECT_EQ(out(), "{\"domains-global-vhosts\":\"example.com\"}\n");
}

TEST_F(ReportsTest, WithoutAnAppEveryAppIsReported) {
  ASSERT_TRUE(RunOk({"apps:create", "other"}));
  ASSERT_TRUE(RunOk({"ports:report"}));
  EXPECT_EQ(out(),
            "=====> app ports information\n"
            "       Ports map:           \n"
            "       Ports map detected:  http:80:5000\n"
            "=====> other ports information\n"
            "       Ports map:           \n"
            "       Ports map detected:  http:80:5000\n");
}

TEST_F(ReportsTest, FullReportRunsEveryFamily) {
  ASSERT_TRUE(RunOk({"report", "app"}));
  EXPECT_THAT(out(), StartsWith("=====> app app information\n"));
  for (const char* header : {"=====> app domains information\n", "=====> app ports information\n",
                             "=====> app ps information\n"}) {
    EXPECT_THAT(out(), HasSubstr(header));
  }
  EXPECT_EQ(Run({"report", "ghost"}).ExitCode(), 20);
}

TEST(ReportFlagNameTest, LowercasesAndDashesTheLabel) {
  EXPECT_EQ(Report::FlagName("App locked"), "app-locked");
  EXPECT_EQ(Report::FlagName("Domains global vhosts"), "domains-global-vhosts");
  EXPECT_EQ(Report::FlagName("Ports map"), "ports-map");
}

}  // namespace
}  // namespace berth
