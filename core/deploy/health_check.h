// Health checks: before traffic moves to a new web container, berth checks it
// from the host. The checks are app.json's `healthchecks` for the process type
// (Dokku's fields), or without any, the default check: the process accepts TCP
// connections on its $PORT and stays up for a short grace period.
//
// Everything outside the checker (is the container running, exec in it, the
// clock) goes through CheckEnvironment, so tests drive it with a fake clock.
// Network probes are real: Boost.Beast HTTP/1.1, synchronous, with deadlines.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/build/app_json.h"

namespace berth {

// The container under check and where it listens.
struct CheckTarget {
  std::string container_id;  // for messages and for command/uptime checks
  std::string address;       // container IP ("127.0.0.1" in tests); must be an IP literal
  int port = 5000;           // $PORT of the process
  std::string host_header;   // Host to send (the app's first domain), or "": address
  // When the container started: the default check's stay-up wait and its times
  // count from it, so that whatever ran since overlaps the wait. Unset: from
  // the start of the checks.
  std::optional<std::chrono::steady_clock::time_point> started_at;
};

// What the checker needs from the outside world, injectable for tests.
class CheckEnvironment {
 public:
  virtual ~CheckEnvironment() = default;
  // True while the container is up (not exited, not being restarted).
  virtual bool ContainerRunning(const std::string& container_id) = 0;
  // Runs argv inside the container (for `command` checks); its exit code, with
  // stdout and stderr in *output. An error Status when it could not be run.
  // The implementation bounds how long it may take.
  virtual Result<int> Exec(const std::string& container_id, const std::vector<std::string>& argv,
                           std::string* output) = 0;
  virtual void Sleep(std::chrono::milliseconds d) = 0;  // a fake clock in tests
  virtual std::chrono::steady_clock::time_point Now() = 0;
  // How long the container has been running since it last (re)started, when
  // known. Without it, `uptime` checks count from when they begin, and a
  // restart between two polls goes unnoticed.
  virtual std::optional<std::chrono::milliseconds> Uptime(const std::string& container_id) {
    (void)container_id;
    return std::nullopt;
  }
};

// A CheckEnvironment on the real clock; ContainerRunning and Exec stay abstract.
class SystemClockCheckEnvironment : public CheckEnvironment {
 public:
  void Sleep(std::chrono::milliseconds d) override;
  std::chrono::steady_clock::time_point Now() override;
};

// The default check's knobs (checks:set APP wait|timeout N, in seconds).
struct CheckSettings {
  std::chrono::milliseconds default_wait{2000};      // stay up this long after the first connect
  std::chrono::milliseconds default_timeout{30000};  // give up connecting after this
  std::chrono::milliseconds poll{100};               // connect attempts and running polls
};

// passed, and the Dokku-style lines ("       Attempt 1/5: ...") to show the
// user; on failure the last line says what failed.
struct CheckOutcome {
  bool passed = false;
  std::string log;
};

// Runs `checks` (app.json healthchecks for the process type) against target:
// every check once, startup ones first, then readiness, then liveness (app.json
// order within a type). The first failing check fails the whole run.
//
// With no checks, the default check: the container accepts TCP connections on
// address:port (tried every `poll`) within default_timeout, then stays running
// for default_wait from the first successful connect.
//
// A check is one of, by what it sets (the first that applies):
//  - `command`: argv run in the container; exit 0 passes (and `content`, when
//    set, must appear in its output).
//  - `path` (or `content`, or `scheme`, or nothing at all: GET /): HTTP GET
//    scheme://address:port/path with the Host header; passes on 2xx or 3xx
//    (redirects are not followed) with `content`, when set, in the body.
//    https uses TLS without verifying the certificate (containers serve
//    self-signed ones) and sends the Host as SNI when it is a name.
//  - `uptime` alone: the container must have been running for N s; it fails
//    as soon as the container stops or restarts.
// Command and HTTP checks make `attempts` tries `wait` s apart after
// `initial_delay` s, each HTTP try bounded by `timeout` s; a try on a container
// that is no longer running ends the check. `port` 0 means target.port.
CheckOutcome RunHealthChecks(CheckEnvironment& env, const CheckTarget& target,
                             const std::vector<Healthcheck>& checks, const CheckSettings& settings);

}  // namespace berth
