// ports:* through the dispatcher: mapping syntax, conflicting host ports, and
// add/remove/set/clear.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class PortsCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
  }
  std::vector<PortMapping> Ports() {
    auto ports = store().GetPorts("app");
    EXPECT_TRUE(ports.ok());
    return ports.ok() ? *ports : std::vector<PortMapping>{};
  }
};

TEST_F(PortsCommandsTest, AddAndList) {
  ASSERT_TRUE(RunOk({"ports:add", "app", "http:80:5000", "https:443:5000"}));
  EXPECT_EQ(out(),
            "-----> Added port mapping http:80:5000\n"
            "-----> Added port mapping https:443:5000\n");
  EXPECT_THAT(Ports(), ElementsAre(PortMapping{"http", 80, 5000}, PortMapping{"https", 443, 5000}));
}

TEST_F(PortsCommandsTest, ListWithoutMappingsWarns) {
  ASSERT_TRUE(RunOk({"ports:list", "app"}));
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(), " !     No port mappings configured for app\n");
}

TEST_F(PortsCommandsTest, MalformedMappingsAreRefused) {
  for (const std::string& bad :
       std::vector<std::string>{"http:80", "80:5000", "http:80:5000:1", "ftp:21:21", "HTTP:80:5000",
                                "http:0:5000", "http:80:65536", "http:+80:5000", "http::5000",
                                "http:80:", ":80:5000", "http:eighty:5000"}) {
    Status s = Run({"ports:add", "app", "http:8080:5000", bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(Ports(), IsEmpty());
  EXPECT_THAT(Run({"ports:add", "app", "ftp:21:21"}).message(),
              HasSubstr("use http, https, tcp, grpc or grpcs"));
  EXPECT_THAT(Run({"ports:add", "app", "http:80"}).message(),
              HasSubstr("use scheme:host-port:container-port"));
}

TEST_F(PortsCommandsTest, AHostPortMapsOneWayOnly) {
  ASSERT_TRUE(RunOk({"ports:add", "app", "http:80:5000"}));
  Status s = Run({"ports:add", "app", "https:80:5001"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Host port 80 is already mapped by http:80:5000; remove that mapping first");
  // Within one command, too.
  EXPECT_EQ(Run({"ports:add", "app", "tcp:2222:22", "tcp:2222:23"}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(Ports(), ElementsAre(PortMapping{"http", 80, 5000}));
  // The same mapping again is not a conflict.
  ASSERT_TRUE(RunOk({"ports:add", "app", "http:80:5000"}));
  EXPECT_THAT(Ports(), ElementsAre(PortMapping{"http", 80, 5000}));
}

TEST_F(PortsCommandsTest, RemoveByMappingOrByHostPort) {
  ASSERT_TRUE(RunOk({"ports:add", "app", "http:80:5000", "https:443:5000", "tcp:2222:22"}));
  ASSERT_TRUE(RunOk({"ports:remove", "app", "https:443:5000"}));
  EXPECT_EQ(out(), "-----> Removed port mapping https:443:5000\n");
  ASSERT_TRUE(RunOk({"ports:remove", "app", "2222"}));
  EXPECT_EQ(out(), "-----> Removed port mapping tcp:2222:22\n");
  EXPECT_THAT(Ports(), ElementsAre(PortMapping{"http", 80, 5000}));
  EXPECT_EQ(Run({"ports:remove", "app", "0"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"ports:remove", "app"}).code(), StatusCode::kInvalidArgument);
}

TEST_F(PortsCommandsTest, SetReplacesAndClearEmpties) {
  ASSERT_TRUE(RunOk({"ports:add", "app", "http:80:5000"}));
  ASSERT_TRUE(RunOk({"ports:set", "app", "https:443:8080", "http:80:8080"}));
  EXPECT_EQ(out(), "-----> Set port mappings for app: https:443:8080 http:80:8080\n");
  EXPECT_THAT(Ports(), ElementsAre(PortMapping{"https", 443, 8080}, PortMapping{"http", 80, 8080}));
  EXPECT_EQ(Run({"ports:set", "app", "http:80:1", "https:80:2"}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(Ports(), ElementsAre(PortMapping{"https", 443, 8080}, PortMapping{"http", 80, 8080}));
  ASSERT_TRUE(RunOk({"ports:clear", "app"}));
  EXPECT_THAT(Ports(), IsEmpty());
}

TEST_F(PortsCommandsTest, ReportDetectsTheDefaultMapping) {
  ASSERT_TRUE(RunOk({"ports:report", "app", "--ports-map-detected"}));
  EXPECT_EQ(out(), "http:80:5000\n");
  ASSERT_TRUE(RunOk({"config:set", "app", "PORT=3000"}));
  ASSERT_TRUE(RunOk({"ports:report", "app", "--ports-map-detected"}));
  EXPECT_EQ(out(), "http:80:3000\n");
}

}  // namespace
}  // namespace berth
