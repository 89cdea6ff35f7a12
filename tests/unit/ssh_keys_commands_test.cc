// ssh-keys:* on the host, with ssh-keygen faked: the authorized_keys line berth
// writes (forced command, restrictions), uniqueness, and leaving lines berth
// did not write alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/base/files.h"
#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kKey[] =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

class SshKeysCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    runner_.SetExit("ssh-keygen", 0, "256 SHA256:Zm9vYmFyYmF6 admin@laptop (ED25519)\n");
  }
  std::string AuthorizedKeys() { return test::ReadText(env_.authorized_keys); }
  std::string ExpectedLine(const std::string& name, const std::string& fingerprint) {
    return "command=\"/usr/bin/berth --root " + env_.root + " ssh-dispatch --key " + name +
           " --fingerprint " + fingerprint +
           "\",no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding " + kKey;
  }
};

TEST_F(SshKeysCommandsTest, AddWritesAForcedCommandLine) {
  ASSERT_TRUE(RunOk({"ssh-keys:add", "admin"}, std::string(kKey) + " admin@laptop\n"));
  EXPECT_EQ(out(), "SHA256:Zm9vYmFyYmF6\n");
  EXPECT_EQ(AuthorizedKeys(), ExpectedLine("admin", "SHA256:Zm9vYmFyYmF6") + "\n");
  ASSERT_EQ(runner_.specs().size(), 1u);
  EXPECT_THAT(runner_.specs()[0].argv,
              ElementsAre("ssh-keygen", "-l", "-E", "sha256", "-f", "/dev/stdin"));
  EXPECT_EQ(runner_.specs()[0].stdin_data, std::string(kKey) + "\n");
  ASSERT_TRUE(RunOk({"ssh-keys:list"}));
  EXPECT_EQ(out(), "SHA256:Zm9vYmFyYmF6 NAME=\"admin\" ADMIN=false\n");
}

TEST_F(SshKeysCommandsTest, AddFromAKeyFile) {
  std::string file = dir_.WriteFile("id_ed25519.pub", std::string(kKey) + "\n");
  ASSERT_TRUE(RunOk({"ssh-keys:add", "ci", file}));
  EXPECT_EQ(AuthorizedKeys(), ExpectedLine("ci", "SHA256:Zm9vYmFyYmF6") + "\n");
}

TEST_F(SshKeysCommandsTest, SameKeyOrNameTwiceIsRefused) {
  ASSERT_TRUE(RunOk({"ssh-keys:add", "admin"}, kKey));
  const std::string before = AuthorizedKeys();
  Status same_key = Run({"ssh-keys:add", "other"}, kKey);
  EXPECT_EQ(same_key.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(same_key.message(), HasSubstr("already added as admin"));
  runner_.SetExit("ssh-keygen", 0, "256 SHA256:ZGlmZmVyZW50 x (ED25519)\n");
  EXPECT_EQ(Run({"ssh-keys:add", "admin"}, kKey).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(AuthorizedKeys(), before);
}

TEST_F(SshKeysCommandsTest, RefusesWhatIsNotOneBarePublicKey) {
  for (const std::string& text :
       std::vector<std::string>{"", "not a key", "command=\"sh\" " + std::string(kKey),
                                std::string(kKey) + "\n" + std::string(kKey), "ssh-ed25519 short",
                                "ssh-ed25519 AAAAC3Nz$(id)aC1lZDI1NTE5AAAA"}) {
    Status s = Run({"ssh-keys:add", "admin"}, text);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
  }
  EXPECT_THAT(runner_.specs(), IsEmpty());
  EXPECT_FALSE(PathExists(env_.authorized_keys));
}

TEST_F(SshKeysCommandsTest, KeyThatSshKeygenRefusesIsNotAdded) {
  runner_.SetExit("ssh-keygen", 255, "", "(stdin) is not a public key file.\n");
  Status s = Run({"ssh-keys:add", "admin"}, kKey);
  EXPECT_EQ(s.message(), "Not a valid public key (ssh-keygen refused it)");
  EXPECT_FALSE(PathExists(env_.authorized_keys));
  ASSERT_TRUE(RunOk({"ssh-keys:list"}));
  EXPECT_EQ(err(), " !     No public keys found\n");
}

TEST_F(SshKeysCommandsTest, BadKeyNamesAreRefused) {
  for (const std::string& name : std::vector<std::string>{"../x", "a b", "a\"b", "-x"}) {
    EXPECT_EQ(Run({"ssh-keys:add", name}, kKey).code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_FALSE(PathExists(env_.authorized_keys));
}

TEST_F(SshKeysCommandsTest, RemoveKeepsLinesBerthDidNotWrite) {
  const std::string foreign = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 someone@else";
  dir_.WriteFile("home/.ssh/authorized_keys", foreign + "\n", 0600);
  ASSERT_TRUE(RunOk({"ssh-keys:add", "admin"}, kKey));
  EXPECT_EQ(AuthorizedKeys(), foreign + "\n" + ExpectedLine("admin", "SHA256:Zm9vYmFyYmF6") + "\n");
  ASSERT_TRUE(RunOk({"ssh-keys:remove", "admin"}));
  EXPECT_EQ(out(), "-----> Removed ssh key admin\n");
  EXPECT_EQ(AuthorizedKeys(), foreign + "\n");
  EXPECT_EQ(Run({"ssh-keys:remove", "admin"}).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace berth
