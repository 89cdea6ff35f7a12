// certs:* through the dispatcher with a fake openssl: every input is checked
// before anything is written, a failure leaves the previous certificate in
// place, and the certificate lands in $BERTH_ROOT/proxy/certs/APP/.
#include <gmock/gmock.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "core/base/files.h"
#include "tests/unit/command_fixture.h"

namespace berth::test {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kCert[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
constexpr char kKey[] = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

// One member of a ustar archive.
std::string TarEntry(const std::string& name, const std::string& content, char type = '0') {
  std::string header(512, '\0');
  header.replace(0, name.size(), name);
  header.replace(100, 7, "0000644");
  char size[13];
  std::snprintf(size, sizeof size, "%011o", static_cast<unsigned>(content.size()));
  header.replace(124, 11, size);
  header[156] = type;
  header.replace(257, 6, std::string("ustar\0", 6));
  header.replace(263, 2, "00");
  header.replace(148, 8, "        ");
  unsigned sum = 0;
  for (char c : header) sum += static_cast<unsigned char>(c);
  char chk[8];
  std::snprintf(chk, sizeof chk, "%06o", sum);
  header.replace(148, 7, std::string(chk, 6) + '\0');
  std::string body = content + std::string((512 - content.size() % 512) % 512, '\0');
  return header + body;
}

std::string Tar(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string tar;
  for (const auto& [name, content] : files) tar += TarEntry(name, content);
  return tar + std::string(1024, '\0');
}

class CertsCommandsTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "web"}));
    runner_.SetScript([this](const ProcessSpec& spec) -> Result<ProcessResult> {
      ProcessResult r;
      const auto& argv = spec.argv;
      if (argv.size() > 1 && argv[1] == "req") {  // certs:generate: write what was asked for
        for (size_t i = 0; i + 1 < argv.size(); ++i) {
          if (argv[i] == "-keyout") (void)WriteFileAtomic(argv[i + 1], kKey);
          if (argv[i] == "-out") (void)WriteFileAtomic(argv[i + 1], kCert);
        }
      } else if (argv.size() > 1 && (argv[1] == "x509" || argv[1] == "pkey")) {
        bool pubkey = std::find(argv.begin(), argv.end(), "-pubkey") != argv.end() ||
                      std::find(argv.begin(), argv.end(), "-pubout") != argv.end();
        r.out = pubkey ? (argv[1] == "pkey" ? key_pub_ : cert_pub_) : facts_;
      }
      return r;
    });
  }

  std::string CertDir() { return env_.root + "/proxy/certs/web"; }
  // Leftover staging directories (".web.new-PID") beside the certificates.
  std::vector<std::string> Hidden() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(env_.root + "/proxy/certs", ec)) {
      if (e.path().filename().string().starts_with(".")) out.push_back(e.path().string());
    }
    return out;
  }

  std::string cert_pub_ = "PUBLIC KEY A";
  std::string key_pub_ = "PUBLIC KEY A";
  std::string facts_;
};

TEST_F(CertsCommandsTest, AddFromFiles) {
  std::string crt = dir_.WriteFile("in/server.crt", kCert);
  std::string key = dir_.WriteFile("in/server.key", kKey);
  ASSERT_TRUE(RunOk({"certs:add", "web", crt, key}));
  EXPECT_EQ(ReadText(CertDir() + "/server.crt"), kCert);
  EXPECT_EQ(ReadText(CertDir() + "/server.key"), kKey);
  struct stat st {};
  ASSERT_EQ(::stat((CertDir() + "/server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(Hidden().empty());
  ASSERT_EQ(runner_.specs().size(), 2u) << "the key is matched against the certificate";
  EXPECT_EQ(runner_.specs()[0].argv[1], "x509");
  EXPECT_EQ(runner_.specs()[1].argv[1], "pkey");
}

TEST_F(CertsCommandsTest, RefusesWhatIsNotPem) {
  std::string crt = dir_.WriteFile("in/server.crt", kCert);
  std::string key = dir_.WriteFile("in/server.key", kKey);
  std::string junk = dir_.WriteFile("in/junk", "hello");
  std::string encrypted = dir_.WriteFile(
      "in/enc.key",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----\n");
  EXPECT_FALSE(Run({"certs:add", "web", junk, key}).ok());
  EXPECT_THAT(err(), HasSubstr("not a PEM certificate"));
  EXPECT_FALSE(Run({"certs:add", "web", crt, junk}).ok());
  EXPECT_THAT(err(), HasSubstr("not a PEM private key"));
  EXPECT_FALSE(Run({"certs:add", "web", crt, encrypted}).ok());
  EXPECT_THAT(err(), HasSubstr("encrypted"));
  EXPECT_FALSE(Run({"certs:add", "web", crt, dir_.Join("missing.key")}).ok());
  EXPECT_THAT(err(), HasSubstr("not a readable file"));
  EXPECT_FALSE(Run({"certs:add", "web", crt, dir_.path()}).ok()) << "a directory";
  EXPECT_FALSE(Run({"certs:add", "web", crt}).ok());
  EXPECT_THAT(err(), HasSubstr("Usage"));
  EXPECT_EQ(Run({"certs:add", "nope", crt, key}).ExitCode(), 20);
  EXPECT_FALSE(PathExists(CertDir()));
  EXPECT_TRUE(runner_.specs().empty());
}

TEST_F(CertsCommandsTest, MismatchedKeyLeavesTheOldCertificate) {
  std::string crt = dir_.WriteFile("in/server.crt", kCert);
  std::string key = dir_.WriteFile("in/server.key", kKey);
  ASSERT_TRUE(RunOk({"certs:add", "web", crt, key}));
  std::string other = std::string(kCert) + "# another\n";
  std::string crt2 = dir_.WriteFile("in/other.crt", other);
  key_pub_ = "PUBLIC KEY B";
  EXPECT_FALSE(Run({"certs:add", "web", crt2, key}).ok());
  EXPECT_THAT(err(), HasSubstr("does not belong to the certificate"));
  EXPECT_EQ(ReadText(CertDir() + "/server.crt"), kCert);
  EXPECT_TRUE(Hidden().empty());
}

TEST_F(CertsCommandsTest, OpensslFailureIsShown) {
  runner_.SetExit("openssl", 1, "", "unable to load certificate\n");
  std::string crt = dir_.WriteFile("in/server.crt", kCert);
  std::string key = dir_.WriteFile("in/server.key", kKey);
  EXPECT_FALSE(Run({"certs:add", "web", crt, key}).ok());
  EXPECT_THAT(err(), HasSubstr("unable to load certificate"));
  EXPECT_FALSE(PathExists(CertDir()));
  EXPECT_TRUE(Hidden().empty());
}

TEST_F(CertsCommandsTest, HostPathsAreRefusedOverSsh) {
  env_.via_ssh = true;  // with an admin key: access control lets it through
  ASSERT_TRUE(store().AddSshKey({env_.key_name, "SHA256:k", "ssh-ed25519 AAAA", true}).ok());
  std::string crt = dir_.WriteFile("in/server.crt", kCert);
  std::string key = dir_.WriteFile("in/server.key", kKey);
  Status s = Run({"certs:add", "web", crt, key});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(err(), HasSubstr("tarball on stdin"));
  EXPECT_FALSE(PathExists(CertDir()));
}

TEST_F(CertsCommandsTest, AddFromATarballOnStdin) {
  ASSERT_TRUE(RunOk({"certs:add", "web", "-"},
                    Tar({{"./", ""}, {"./server.crt", kCert}, {"./server.key", kKey}})));
  EXPECT_EQ(ReadText(CertDir() + "/server.crt"), kCert);
  EXPECT_EQ(ReadText(CertDir() + "/server.key"), kKey);
  ASSERT_TRUE(RunOk({"certs:add", "web"}, Tar({{"server.key", kKey}, {"server.crt", kCert}})));
}

TEST_F(CertsCommandsTest, RefusesABadTarball) {
  EXPECT_FALSE(Run({"certs:add", "web", "-"}, Tar({{"server.crt", kCert}})).ok());
  EXPECT_THAT(err(), HasSubstr("must hold server.crt and server.key"));
  EXPECT_FALSE(
      Run({"certs:add", "web", "-"}, Tar({{"../server.crt", kCert}, {"x/server.key", kKey}})).ok());
  std::string truncated = Tar({{"server.crt", kCert}, {"server.key", kKey}}).substr(0, 700);
  EXPECT_FALSE(Run({"certs:add", "web", "-"}, truncated).ok());
  EXPECT_FALSE(Run({"certs:add", "web", "-"}, "").ok());
  EXPECT_FALSE(Run({"certs:add", "web", "-"}, std::string(2048, 'x')).ok());
  EXPECT_FALSE(PathExists(CertDir()));
  EXPECT_TRUE(runner_.specs().empty());
}

TEST_F(CertsCommandsTest, GenerateMakesASelfSignedCertificateAndAddsTheDomain) {
  ASSERT_TRUE(RunOk({"certs:generate", "web", "Web.Example.com"}));
  EXPECT_EQ(ReadText(CertDir() + "/server.crt"), kCert);
  const auto& req = runner_.specs()[0].argv;
  EXPECT_EQ(req[0], "openssl");
  EXPECT_EQ(req[1], "req");
  EXPECT_THAT(req, Contains("/CN=web.example.com"));
  EXPECT_THAT(req, Contains("subjectAltName=DNS:web.example.com"));
  auto domains = store().GetDomains(Scope::App("web"));
  ASSERT_TRUE(domains.ok());
  EXPECT_EQ(*domains, (std::vector<std::string>{"web.example.com"}));
  auto fired = plugins_.Named("post-domains-update");
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].args, (std::vector<std::string>{"web", "add", "web.example.com"}));
  EXPECT_TRUE(Hidden().empty());

  plugins_.Clear();
  ASSERT_TRUE(RunOk({"certs:generate", "web", "web.example.com"}));
  EXPECT_TRUE(plugins_.Named("post-domains-update").empty()) << "the domain is there already";
}

TEST_F(CertsCommandsTest, GenerateRefusesABadDomain) {
  for (const char* bad : {"bad_domain", "http://x.com", "-subj", "a..b"}) {
    EXPECT_FALSE(Run({"certs:generate", "web", bad}).ok()) << bad;
  }
  EXPECT_FALSE(Run({"certs:generate", "web"}).ok());
  EXPECT_TRUE(runner_.specs().empty());
  EXPECT_FALSE(PathExists(CertDir()));
}

TEST_F(CertsCommandsTest, Remove) {
  EXPECT_FALSE(Run({"certs:remove", "web"}).ok());
  EXPECT_THAT(err(), HasSubstr("web has no certificate"));
  ASSERT_TRUE(RunOk({"certs:generate", "web", "web.test"}));
  ASSERT_TRUE(RunOk({"certs:remove", "web"}));
  EXPECT_FALSE(PathExists(CertDir()));
}

TEST_F(CertsCommandsTest, Report) {
  ASSERT_TRUE(RunOk({"certs:report", "web", "--ssl-enabled"}));
  EXPECT_EQ(out(), "false\n");
  ASSERT_TRUE(RunOk({"certs:generate", "web", "web.test"}));
  facts_ =
      "notBefore=Jan  1 00:00:00 2026 GMT\n"
      "notAfter=Jan  1 00:00:00 2027 GMT\n"
      "subject=CN = web.test\n"
      "issuer=CN = web.test\n"
      "X509v3 Subject Alternative Name: \n"
      "    DNS:web.test, DNS:www.web.test\n";
  ASSERT_TRUE(RunOk({"certs:report", "web"}));
  EXPECT_THAT(out(), HasSubstr("=====> web ssl information"));
  EXPECT_THAT(out(), HasSubstr("Jan  1 00:00:00 2027 GMT"));
  EXPECT_THAT(out(), HasSubstr("web.test www.web.test"));
  ASSERT_TRUE(RunOk({"certs:report", "web", "--ssl-expires-at"}));
  EXPECT_EQ(out(), "Jan  1 00:00:00 2027 GMT\n");
  ASSERT_TRUE(RunOk({"certs:report", "web", "--ssl-self-signed"}));
  EXPECT_EQ(out(), "true\n");
}

}  // namespace
}  // namespace berth::test
