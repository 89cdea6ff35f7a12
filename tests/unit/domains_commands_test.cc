// domains:* through the dispatcher: validation before any change, lowercase and
// de-duplicated storage, app vs global domains, and post-domains-update.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class DomainsCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
    plugins_.Clear();
  }
  std::vector<std::string> Domains(const std::string& app) {
    auto domains = store().GetDomains(app.empty() ? Scope::Global() : Scope::App(app));
    EXPECT_TRUE(domains.ok());
    return domains.ok() ? *domains : std::vector<std::string>{};
  }
};

TEST_F(DomainsCommandsTest, AddLowercasesDeduplicatesAndFiresTheTrigger) {
  ASSERT_TRUE(RunOk({"domains:add", "app", "WWW.Example.com", "*.example.com", "www.example.com"}));
  EXPECT_EQ(out(),
            "-----> Added www.example.com to app\n"
            "-----> Added *.example.com to app\n");
  EXPECT_THAT(Domains("app"), ElementsAre("www.example.com", "*.example.com"));
  auto updates = plugins_.Named("post-domains-update");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_THAT(updates[0].args, ElementsAre("app", "add", "www.example.com", "*.example.com"));
  EXPECT_EQ(updates[0].app, "app");
  // Adding one that is already there is fine.
  ASSERT_TRUE(RunOk({"domains:add", "app", "www.example.com"}));
  EXPECT_THAT(Domains("app"), ElementsAre("www.example.com", "*.example.com"));
}

TEST_F(DomainsCommandsTest, InvalidDomainChangesNothingAndFiresNothing) {
  for (const std::string& bad :
       std::vector<std::string>{"http://x", "-bad.com", "bad-.com", "a..b", "under_score.com",
                                std::string(64, 'a') + ".com", "a b"}) {
    Status s = Run({"domains:add", "app", "good.com", bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(Domains("app"), IsEmpty());
  EXPECT_TRUE(plugins_.Named("post-domains-update").empty());
  EXPECT_THAT(Run({"domains:add", "app", "http://x"}).message(), HasSubstr("not a URL"));
}

TEST_F(DomainsCommandsTest, AddNeedsADomain) {
  EXPECT_EQ(Run({"domains:add", "app"}).message(), "Please specify at least one domain");
}

TEST_F(DomainsCommandsTest, RemoveSetAndClear) {
  ASSERT_TRUE(RunOk({"domains:add", "app", "a.com", "b.com", "c.com"}));
  ASSERT_TRUE(RunOk({"domains:remove", "app", "b.com"}));
  EXPECT_THAT(Domains("app"), ElementsAre("a.com", "c.com"));
  ASSERT_TRUE(RunOk({"domains:set", "app", "z.com", "y.com"}));
  EXPECT_EQ(out(), "-----> Set z.com y.com for app\n");
  EXPECT_THAT(Domains("app"), ElementsAre("z.com", "y.com"));
  plugins_.Clear();
  ASSERT_TRUE(RunOk({"domains:clear", "app"}));
  EXPECT_THAT(Domains("app"), IsEmpty());
  auto updates = plugins_.Named("post-domains-update");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_THAT(updates[0].args, ElementsAre("app", "clear", "z.com", "y.com"));
  EXPECT_EQ(Run({"domains:clear", "app", "extra.com"}).message(), "This command takes no domains");
}

TEST_F(DomainsCommandsTest, GlobalDomainsAreSeparate) {
  ASSERT_TRUE(RunOk({"domains:add-global", "example.com"}));
  ASSERT_TRUE(RunOk({"domains:add", "app", "app.example.com"}));
  EXPECT_THAT(Domains(""), ElementsAre("example.com"));
  EXPECT_THAT(Domains("app"), ElementsAre("app.example.com"));
  auto updates = plugins_.Named("post-domains-update");
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_THAT(updates[0].args, ElementsAre("--global", "add", "example.com"));
  EXPECT_EQ(updates[0].app, "");
  ASSERT_TRUE(RunOk({"domains:clear-global"}));
  EXPECT_THAT(Domains(""), IsEmpty());
  EXPECT_THAT(Domains("app"), ElementsAre("app.example.com"));
}

}  // namespace
}  // namespace berth
