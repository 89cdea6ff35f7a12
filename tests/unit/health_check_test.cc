// RunHealthChecks against real sockets on 127.0.0.1 (a small threaded HTTP and
// HTTPS server in the test) with a fake clock and a fake container: the default
// check, HTTP(S) checks with attempts, timeouts and content, command and uptime
// checks, and the order checks run in.
#include "core/deploy/health_check.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/deploy/health_probe.h"

namespace berth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

// What the server sends for one request, after `delay`.
struct Reply {
  std::string raw;
  milliseconds delay{0};
};

Reply Http(int status, const std::string& reason, const std::string& body) {
  return {"HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body};
}

// A self-signed certificate and key in a server TLS context.
class TlsContext {
 public:
  TlsContext() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("app.example.com"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, cert);
    SSL_CTX_use_PrivateKey(ctx_, key);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~TlsContext() { SSL_CTX_free(ctx_); }
  SSL_CTX* get() const { return ctx_; }

 private:
  SSL_CTX* ctx_ = nullptr;
};

// One thread answering connections on 127.0.0.1 (port 0), one request each,
// with what the handler returns for the request's number (from 0). Before
// Listen() the port is bound but not listening: connections are refused.
class TestServer {
 public:
  using Handler = std::function<Reply(int n)>;
  explicit TestServer(Handler handler, bool listen_now = true, SSL_CTX* tls = nullptr)
      : handler_(std::move(handler)), tls_(tls) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    if (listen_now) Listen();
    thread_ = std::thread([this] { Loop(); });
  }
  ~TestServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  int port() const { return port_; }
  void Listen() {
    EXPECT_EQ(::listen(fd_, 16), 0);
    listening_ = true;
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Loop() {
    int n = 0;
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (!listening_ || ::poll(&p, 1, 20) != 1) {
        if (!listening_) std::this_thread::sleep_for(milliseconds(5));
        continue;
      }
      int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      Serve(conn, n++);
      ::close(conn);
    }
  }

  void Serve(int conn, int n) {
    timeval tv{2, 0};
    ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    SSL* ssl = nullptr;
    if (tls_ != nullptr) {
      ssl = SSL_new(tls_);
      SSL_set_fd(ssl, conn);
      if (SSL_accept(ssl) != 1) {
        SSL_free(ssl);
        return;
      }
    }
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      long got = ssl != nullptr ? SSL_read(ssl, buf, sizeof buf) : ::recv(conn, buf, sizeof buf, 0);
      if (got <= 0) break;
      request.append(buf, static_cast<size_t>(got));
      if (!std::isupper(static_cast<unsigned char>(request[0]))) break;  // not HTTP: a TLS hello
    }
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    Reply reply = handler_(n);
    for (milliseconds waited{0}; waited < reply.delay && !stop_; waited += milliseconds(10)) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    if (ssl != nullptr) {
      SSL_write(ssl, reply.raw.data(), static_cast<int>(reply.raw.size()));
      SSL_shutdown(ssl);
      SSL_free(ssl);
    } else {
      (void)::send(conn, reply.raw.data(), reply.raw.size(), MSG_NOSIGNAL);
    }
  }

  Handler handler_;
  SSL_CTX* tls_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> listening_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> requests_;
};

// A container and a clock that moves only when the checker sleeps.
class FakeEnv : public CheckEnvironment {
 public:
  bool ContainerRunning(const std::string& id) override {
    ++running_calls;
    EXPECT_EQ(id, "c1");
    return running ? running(Elapsed()) : true;
  }
  Result<int> Exec(const std::string& id, const std::vector<std::string>& argv,
                   std::string* output) override {
    EXPECT_EQ(id, "c1");
    execs.push_back(argv);
    if (exec_results.empty()) return Internal("no exec result scripted");
    auto [code, text] = exec_results.front();
    exec_results.erase(exec_results.begin());
    *output = text;
    if (code < 0) return Internal("runtime exec failed");
    return code;
  }
  void Sleep(milliseconds d) override {
    now_ += d;
    sleeps.push_back(d);
    if (on_sleep) on_sleep(Elapsed());
  }
  std::chrono::steady_clock::time_point Now() override { return now_; }
  std::optional<milliseconds> Uptime(const std::string&) override {
    return uptime ? uptime(Elapsed()) : std::nullopt;
  }

  milliseconds Elapsed() const { return std::chrono::duration_cast<milliseconds>(now_ - start_); }
  milliseconds Slept() const {
    milliseconds total{0};
    for (auto d : sleeps) total += d;
    return total;
  }

  std::function<bool(milliseconds)> running;  // by time elapsed; unset: always
  std::function<std::optional<milliseconds>(milliseconds)> uptime;
  std::function<void(milliseconds)> on_sleep;
  std::vector<std::pair<int, std::string>> exec_results;  // exit code (<0: exec error), output
  std::vector<std::vector<std::string>> execs;
  std::vector<milliseconds> sleeps;
  int running_calls = 0;

 private:
  std::chrono::steady_clock::time_point start_ =
      std::chrono::steady_clock::time_point{} + seconds(1000);
  std::chrono::steady_clock::time_point now_ = start_;
};

class HealthCheckTest : public ::testing::Test {
 protected:
  CheckTarget Target(int port, std::string host = "") {
    return {.container_id = "c1", .address = "127.0.0.1", .port = port, .host_header = host,
            .started_at = std::nullopt};
  }
  static Healthcheck HttpCheck(const std::string& path) {
    Healthcheck c;
    c.type = "startup";
    c.name = "web check";
    c.path = path;
    return c;
  }
  static Healthcheck CommandCheck(std::vector<std::string> argv, std::string type = "startup") {
    Healthcheck c;
    c.type = std::move(type);
    c.command = std::move(argv);
    return c;
  }

  FakeEnv env_;
  CheckSettings settings_;
};

// --- the default check ----------------------------------------------------

TEST_F(HealthCheckTest, DefaultCheckPassesWhenListeningAndStillUpAfterTheWait) {
  TestServer server([](int) { return Http(200, "OK", ""); });
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_EQ(env_.Elapsed(), milliseconds(2000));
  EXPECT_GE(env_.running_calls, 20);  // polled through the wait, every 100 ms
  std::string where = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_THAT(outcome.log,
              HasSubstr("       Default check: container c1 must accept connections on " + where +
                        " within 30s and stay up 2s\n"));
  EXPECT_THAT(outcome.log, HasSubstr("Accepting connections on " + where + " after 0ms\n"));
  EXPECT_THAT(outcome.log,
              EndsWith("Default check passed: still running 2s after it started\n"));
}

TEST_F(HealthCheckTest, DefaultCheckPollsUntilTheProcessListens) {
  TestServer server([](int) { return Http(200, "OK", ""); }, /*listen_now=*/false);
  env_.on_sleep = [&](milliseconds elapsed) {
    if (elapsed == milliseconds(700)) server.Listen();
  };
  settings_.default_wait = seconds(3);
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_THAT(outcome.log, HasSubstr(" after 700ms\n"));
  EXPECT_EQ(env_.Elapsed(), milliseconds(3000));  // the boot time counts toward the wait
  // Refused connects were retried every poll interval.
  EXPECT_EQ(env_.sleeps[0], milliseconds(100));
}

TEST_F(HealthCheckTest, DefaultCheckCountsTheWaitFromTheContainersStart) {
  TestServer server([](int) { return Http(200, "OK", ""); });
  CheckTarget target = Target(server.port());
  target.started_at = env_.Now() - milliseconds(1200);  // deploy work since the start
  CheckOutcome outcome = RunHealthChecks(env_, target, {}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_EQ(env_.Elapsed(), milliseconds(800)) << "2 s after the start, not after the check's";
  EXPECT_THAT(outcome.log, HasSubstr(" after 1.2s\n"));
  EXPECT_THAT(outcome.log, EndsWith("Default check passed: still running 2s after it started\n"));
}

TEST_F(HealthCheckTest, DefaultCheckOfASlowStarterPassesWhenItFirstAcceptsConnections) {
  TestServer server([](int) { return Http(200, "OK", ""); }, /*listen_now=*/false);
  env_.on_sleep = [&](milliseconds elapsed) {
    if (elapsed == milliseconds(2500)) server.Listen();
  };
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_EQ(env_.Elapsed(), milliseconds(2500));  // up longer than the wait already
  EXPECT_THAT(outcome.log, EndsWith("Default check passed: still running 2.5s after it started\n"));
}

TEST_F(HealthCheckTest, DefaultCheckGivesUpAfterTheTimeout) {
  TestServer server([](int) { return Http(200, "OK", ""); }, /*listen_now=*/false);
  settings_.default_timeout = seconds(1);
  settings_.poll = milliseconds(250);
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_EQ(env_.Elapsed(), seconds(1));
  EXPECT_THAT(outcome.log,
              EndsWith("Default check failed: nothing accepted connections on 127.0.0.1:" +
                       std::to_string(server.port()) +
                       " within 1s (5 attempts, the last: connect: Connection refused)\n"));
}

TEST_F(HealthCheckTest, DefaultCheckFailsWhenTheContainerStopsDuringTheWait) {
  TestServer server([](int) { return Http(200, "OK", ""); });
  env_.running = [](milliseconds elapsed) { return elapsed < milliseconds(800); };
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_EQ(env_.Elapsed(), milliseconds(800));  // noticed at the next poll, not after the wait
  EXPECT_THAT(outcome.log, EndsWith("Default check failed: container c1 stopped 800ms after it "
                                    "started (it must stay up 2s)\n"));
}

TEST_F(HealthCheckTest, DefaultCheckFailsAtOnceWhenTheContainerExitsBeforeListening) {
  TestServer server([](int) { return Http(200, "OK", ""); }, /*listen_now=*/false);
  env_.running = [](milliseconds elapsed) { return elapsed < milliseconds(300); };
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_EQ(env_.Elapsed(), milliseconds(300));
  EXPECT_THAT(outcome.log, EndsWith("Default check failed: container c1 stopped before it accepted "
                                    "connections on 127.0.0.1:" +
                                    std::to_string(server.port()) + "\n"));
}

TEST_F(HealthCheckTest, DefaultCheckRefusesAnAddressThatIsNotAnIp) {
  CheckTarget target = Target(5000);
  target.address = "web.internal";
  CheckOutcome outcome = RunHealthChecks(env_, target, {}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.log, EndsWith("Default check failed: 'web.internal' is not an IP address\n"));
  EXPECT_TRUE(env_.sleeps.empty());
}

// --- HTTP checks -------------------------------------------------------------

TEST_F(HealthCheckTest, HttpCheckSendsPathAndHostAndPassesOn200WithContent) {
  TestServer server([](int) { return Http(200, "OK", "status: ready\n"); });
  Healthcheck check = HttpCheck("/health?full=1");
  check.content = "ready";
  CheckOutcome outcome =
      RunHealthChecks(env_, Target(server.port(), "app.example.com"), {check}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  ASSERT_EQ(server.requests().size(), 1u);
  std::string request = server.requests()[0];
  EXPECT_THAT(request, ::testing::StartsWith("GET /health?full=1 HTTP/1.1\r\n"));
  EXPECT_THAT(request, HasSubstr("Host: app.example.com\r\n"));
  std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/health?full=1";
  EXPECT_EQ(outcome.log, "       Running healthcheck 'web check': GET " + url +
                             " (Host: app.example.com) (5 attempts, 5s apart, timeout 30s)\n"
                             "       Attempt 1/5: 200 OK\n"
                             "       Healthcheck 'web check' succeeded\n");
  EXPECT_TRUE(env_.sleeps.empty());
}

TEST_F(HealthCheckTest, HttpCheckWithoutHostHeaderSendsTheAddress) {
  TestServer server([](int) { return Http(204, "No Content", ""); });
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {HttpCheck("/")}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_THAT(server.requests()[0], HasSubstr("Host: 127.0.0.1\r\n"));
}

TEST_F(HealthCheckTest, HttpCheckRetriesA500ThenPasses) {
  TestServer server([](int n) {
    return n == 0 ? Http(500, "Internal Server Error", "boom") : Http(200, "OK", "fine");
  });
  Healthcheck check = HttpCheck("/");
  check.attempts = 3;
  check.wait = 4;
  check.initial_delay = 2;
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {check}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_THAT(env_.sleeps, ElementsAre(seconds(2), seconds(4)));
  EXPECT_THAT(outcome.log,
              HasSubstr("       Waiting 2s (initialDelay)\n"
                        "       Attempt 1/3: 500 Internal Server Error (expected a 2xx "
                        "or 3xx status)\n"
                        "       Waiting 4s before the next attempt\n"
                        "       Attempt 2/3: 200 OK\n"));
}

TEST_F(HealthCheckTest, HttpCheckFailsAfterItsAttemptsSayingWhy) {
  TestServer server([](int) { return Http(503, "Service Unavailable", ""); });
  Healthcheck check = HttpCheck("/up");
  check.attempts = 2;
  check.wait = 1;
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {check}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_THAT(env_.sleeps, ElementsAre(seconds(1)));  // no wait after the last attempt
  EXPECT_THAT(
      outcome.log,
      EndsWith("       Attempt 2/2: 503 Service Unavailable (expected a 2xx or 3xx status)\n"
               "       Healthcheck 'web check' failed: GET http://127.0.0.1:" +
               std::to_string(server.port()) +
               "/up: 503 Service Unavailable (expected a 2xx or 3xx status)\n"));
}

TEST_F(HealthCheckTest, HttpCheckFailsOnWrongContent) {
  TestServer server([](int) { return Http(200, "OK", "starting"); });
  Healthcheck check = HttpCheck("/");
  check.attempts = 1;
  check.content = "ready";
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {check}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.log,
              HasSubstr("Attempt 1/1: 200 OK, but the body does not contain \"ready\"\n"));
}

TEST_F(HealthCheckTest, HttpCheckReadsABodyThatEndsWithTheConnection) {
  TestServer server(
      [](int) { return Reply{"HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nall systems ready"}; });
  Healthcheck check = HttpCheck("/");
  check.content = "systems ready";
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {check}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
}

TEST_F(HealthCheckTest, HttpCheckPassesOnARedirectWithoutFollowingIt) {
  TestServer server([](int) {
    return Reply{"HTTP/1.1 302 Found\r\nLocation: /login\r\nContent-Length: 0\r\n\r\n"};
  });
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {HttpCheck("/")}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_THAT(outcome.log, HasSubstr("Attempt 1/5: 302 Found\n"));
}

TEST_F(HealthCheckTest, HttpCheckTimesOutASlowResponse) {
  TestServer server([](int) { return Reply{Http(200, "OK", "late").raw, seconds(5)}; });
  Healthcheck check = HttpCheck("/slow");
  check.attempts = 1;
  check.timeout = 1;
  auto started = std::chrono::steady_clock::now();
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {check}, settings_);
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.log, HasSubstr("Attempt 1/1: timed out after 1s (reading the response)\n"));
  EXPECT_GE(took, milliseconds(900));
  EXPECT_LT(took, milliseconds(3000));
}

TEST_F(HealthCheckTest, HttpCheckReportsARefusedConnection) {
  TestServer server([](int) { return Http(200, "OK", ""); }, /*listen_now=*/false);
  Healthcheck check = HttpCheck("/");
  check.attempts = 2;
  check.wait = 0;
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {check}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.log, HasSubstr("Attempt 2/2: connect: Connection refused\n"));
}

TEST_F(HealthCheckTest, HttpCheckUsesTheCheckPortOverTheProcessPort) {
  TestServer server([](int) { return Http(200, "OK", ""); });
  Healthcheck check = HttpCheck("/");
  check.port = server.port();
  CheckOutcome outcome = RunHealthChecks(env_, Target(1), {check}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
}

TEST_F(HealthCheckTest, HttpCheckStopsWhenTheContainerIsNoLongerRunning) {
  TestServer server([](int) { return Http(500, "Internal Server Error", ""); });
  env_.running = [](milliseconds elapsed) { return elapsed < seconds(5); };
  Healthcheck check = HttpCheck("/");
  check.attempts = 10;
  check.wait = 5;
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {check}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_THAT(outcome.log,
              EndsWith("Healthcheck 'web check' failed: container c1 is not running\n"));
}

TEST_F(HealthCheckTest, HttpsCheckTalksTlsToASelfSignedServer) {
  TlsContext tls;
  TestServer server([](int) { return Http(200, "OK", "secure ready"); }, true, tls.get());
  Healthcheck check = HttpCheck("/");
  check.scheme = "https";
  check.content = "secure";
  CheckOutcome outcome =
      RunHealthChecks(env_, Target(server.port(), "app.example.com"), {check}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_THAT(server.requests()[0], HasSubstr("Host: app.example.com\r\n"));
  EXPECT_THAT(outcome.log, HasSubstr("GET https://127.0.0.1:"));
}

TEST_F(HealthCheckTest, HttpsCheckAgainstPlainHttpFailsInTheHandshake) {
  TestServer server([](int) { return Http(200, "OK", ""); });
  Healthcheck check = HttpCheck("/");
  check.scheme = "https";
  check.attempts = 1;
  CheckOutcome outcome = RunHealthChecks(env_, Target(server.port()), {check}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.log, HasSubstr("Attempt 1/1: TLS handshake: "));
}

TEST_F(HealthCheckTest, ProbeHttpRefusesATooLargeBody) {
  TestServer server([](int) { return Http(200, "OK", std::string(kMaxProbeBody + 1, 'x')); });
  HttpProbe probe;
  probe.address = "127.0.0.1";
  probe.port = server.port();
  probe.timeout = seconds(5);
  auto reply = ProbeHttp(probe);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().message(), "the response body is larger than 1 MiB");
}

TEST_F(HealthCheckTest, ProbeHttpRefusesATooLargeBodyThatEndsWithTheConnection) {
  TestServer server([](int) {
    return Reply{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" +
                 std::string(kMaxProbeBody + 1, 'x')};
  });
  HttpProbe probe;
  probe.address = "127.0.0.1";
  probe.port = server.port();
  probe.timeout = seconds(5);
  auto reply = ProbeHttp(probe);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().message(), "the response body is larger than 1 MiB");
}

// --- command and uptime checks ----------------------------------------------

TEST_F(HealthCheckTest, CommandCheckRetriesUntilExitZero) {
  env_.exec_results = {{1, "not yet\n"}, {0, "ok\n"}};
  Healthcheck check = CommandCheck({"/app/bin/ready", "--quick"});
  check.wait = 3;
  CheckOutcome outcome = RunHealthChecks(env_, Target(5000), {check}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_THAT(env_.execs, ElementsAre(ElementsAre("/app/bin/ready", "--quick"),
                                      ElementsAre("/app/bin/ready", "--quick")));
  EXPECT_THAT(env_.sleeps, ElementsAre(seconds(3)));
  EXPECT_EQ(outcome.log,
            "       Running healthcheck 'startup check 1': command `/app/bin/ready --quick` in c1 "
            "(5 attempts, 3s apart)\n"
            "       Attempt 1/5: exit status 1\n"
            "         not yet\n"
            "       Waiting 3s before the next attempt\n"
            "       Attempt 2/5: exit status 0\n"
            "       Healthcheck 'startup check 1' succeeded\n");
}

TEST_F(HealthCheckTest, CommandCheckChecksContentAndReportsExecErrors) {
  env_.exec_results = {{-1, ""}, {0, "warming up"}};
  Healthcheck check = CommandCheck({"check"});
  check.attempts = 2;
  check.wait = 0;
  check.content = "healthy";
  CheckOutcome outcome = RunHealthChecks(env_, Target(5000), {check}, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.log, HasSubstr("Attempt 1/2: could not run it: runtime exec failed\n"));
  EXPECT_THAT(outcome.log, HasSubstr("Attempt 2/2: exit status 0, but the output does not "
                                     "contain \"healthy\"\n"));
  EXPECT_THAT(outcome.log, EndsWith("failed: command `check` in c1: exit status 0, but the output "
                                    "does not contain \"healthy\"\n"));
}

TEST_F(HealthCheckTest, UptimeCheckWaitsUntilTheContainerHasBeenUpLongEnough) {
  Healthcheck check;
  check.type = "startup";
  check.uptime = 5;
  CheckOutcome outcome = RunHealthChecks(env_, Target(5000), {check}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_EQ(env_.Elapsed(), seconds(5));
  EXPECT_GE(env_.running_calls, 50);
  EXPECT_THAT(outcome.log, EndsWith("Healthcheck 'startup check 1' succeeded: up for 5s\n"));
}

TEST_F(HealthCheckTest, UptimeCheckUsesTheUptimeTheEnvironmentKnows) {
  env_.uptime = [](milliseconds elapsed) { return seconds(8) + elapsed; };
  Healthcheck check;
  check.uptime = 10;
  CheckOutcome outcome = RunHealthChecks(env_, Target(5000), {check}, settings_);
  EXPECT_TRUE(outcome.passed) << outcome.log;
  EXPECT_EQ(env_.Elapsed(), seconds(2));
}

TEST_F(HealthCheckTest, UptimeCheckFailsWhenTheContainerStopsOrRestarts) {
  Healthcheck check;
  check.name = "stays up";
  check.uptime = 10;
  env_.running = [](milliseconds elapsed) { return elapsed < seconds(3); };
  CheckOutcome stopped = RunHealthChecks(env_, Target(5000), {check}, settings_);
  EXPECT_FALSE(stopped.passed);
  EXPECT_THAT(stopped.log, EndsWith("Healthcheck 'stays up' failed: container c1 stopped (it must "
                                    "stay up 10s)\n"));

  FakeEnv restarting;
  restarting.uptime = [](milliseconds elapsed) {
    return elapsed < seconds(4) ? elapsed : elapsed - seconds(4);
  };
  CheckOutcome restarted = RunHealthChecks(restarting, Target(5000), {check}, settings_);
  EXPECT_FALSE(restarted.passed);
  EXPECT_EQ(restarting.Elapsed(), seconds(4));
  EXPECT_THAT(restarted.log, EndsWith("container c1 restarted (it must stay up 10s)\n"));
}

// --- several checks ------------------------------------------------------------

TEST_F(HealthCheckTest, ChecksRunStartupThenReadinessThenLiveness) {
  env_.exec_results = {{0, ""}, {0, ""}, {0, ""}, {1, "down"}};
  std::vector<Healthcheck> checks = {
      CommandCheck({"liveness"}, "liveness"), CommandCheck({"readiness"}, "readiness"),
      CommandCheck({"startup"}, "startup"), CommandCheck({"startup2"}, "startup")};
  checks[0].attempts = 1;
  CheckOutcome outcome = RunHealthChecks(env_, Target(5000), checks, settings_);
  EXPECT_THAT(env_.execs, ElementsAre(ElementsAre("startup"), ElementsAre("startup2"),
                                      ElementsAre("readiness"), ElementsAre("liveness")));
  EXPECT_FALSE(outcome.passed);  // the liveness check, run last, failed
  EXPECT_THAT(outcome.log, HasSubstr("Healthcheck 'liveness check 1' failed"));
  EXPECT_THAT(outcome.log, Not(HasSubstr("Default check")));
}

TEST_F(HealthCheckTest, TheFirstFailingCheckEndsTheRun) {
  env_.exec_results = {{2, "broken"}};
  std::vector<Healthcheck> checks = {CommandCheck({"first"}), CommandCheck({"second"})};
  checks[0].attempts = 1;
  CheckOutcome outcome = RunHealthChecks(env_, Target(5000), checks, settings_);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(env_.execs, ElementsAre(ElementsAre("first")));
  EXPECT_THAT(outcome.log, EndsWith("       Healthcheck 'startup check 1' failed: command `first` "
                                    "in c1: exit status 2\n"));
}

}  // namespace
}  // namespace berth
