#include "core/deploy/health_check.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "core/base/strings.h"
#include "core/deploy/health_probe.h"

namespace berth {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// One TCP connect of the default check may take this long (real time): a
// container that is still setting up its network drops SYNs.
constexpr milliseconds kConnectTimeout{1000};
// A failed command check shows at most this much of its output.
constexpr size_t kOutputLines = 10;
constexpr size_t kOutputLineLength = 200;

milliseconds Ms(Clock::duration d) { return std::chrono::duration_cast<milliseconds>(d); }

// "300ms", "2s", "1.5s".
std::string Duration(milliseconds d) {
  int64_t ms = d.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
}

std::string Quoted(std::string_view text) {
  std::string shown(text.substr(0, 200));
  return "\"" + shown + (text.size() > 200 ? "...\"" : "\"");
}

int TypeRank(const std::string& type) {
  if (type == "startup" || type.empty()) return 0;
  if (type == "readiness") return 1;
  return 2;  // liveness
}

enum class CheckKind { kCommand, kHttp, kUptime };

CheckKind KindOf(const Healthcheck& check) {
  if (!check.command.empty()) return CheckKind::kCommand;
  if (check.uptime > 0 && check.path.empty() && check.content.empty() && check.scheme.empty()) {
    return CheckKind::kUptime;
  }
  return CheckKind::kHttp;
}

// The result of one attempt: passed, and what to show after "Attempt i/n: ...: ".
struct Attempt {
  bool passed = false;
  bool give_up = false;  // retrying cannot help (a malformed address)
  std::string text;
};

class Checker {
 public:
  Checker(CheckEnvironment& env, const CheckTarget& target, const CheckSettings& settings)
      : env_(env), target_(target), settings_(settings),
        start_(target.started_at.value_or(env.Now())) {}

  bool RunDefault();
  bool Run(const Healthcheck& check, const std::string& label);
  std::string TakeLog() { return std::move(log_); }

 private:
  void Log(std::string_view line) {
    log_ += "       ";
    log_ += line;
    log_ += '\n';
  }
  bool Running() { return env_.ContainerRunning(target_.container_id); }
  std::string Where() const { return target_.address + ":" + std::to_string(target_.port); }
  std::string Url(const Healthcheck& check) const;
  Attempt TryHttp(const Healthcheck& check);
  Attempt TryCommand(const Healthcheck& check);
  bool RunUptime(const Healthcheck& check, const std::string& label);

  CheckEnvironment& env_;
  const CheckTarget& target_;
  const CheckSettings& settings_;
  Clock::time_point start_;
  std::string log_;
};

bool Checker::RunDefault() {
  const milliseconds timeout = settings_.default_timeout;
  const milliseconds wait = settings_.default_wait;
  const milliseconds poll = std::max(settings_.poll, milliseconds(1));
  Log("Default check: container " + target_.container_id + " must accept connections on " +
      Where() + " within " + Duration(timeout) + " and stay up " + Duration(wait));
  const Clock::time_point deadline = start_ + timeout;
  std::string last_error;
  int tries = 0;
  for (;;) {
    if (!Running()) {
      Log("Default check failed: container " + target_.container_id +
          " stopped before it accepted connections on " + Where());
      return false;
    }
    Status connected = ProbeTcp(target_.address, target_.port, std::min(kConnectTimeout, timeout));
    ++tries;
    if (connected.ok()) break;
    if (connected.code() == StatusCode::kInvalidArgument) {
      Log("Default check failed: " + connected.message());
      return false;
    }
    last_error = connected.message();
    Clock::time_point now = env_.Now();
    if (now >= deadline) {
      Log("Default check failed: nothing accepted connections on " + Where() + " within " +
          Duration(timeout) + " (" + std::to_string(tries) + " attempts, the last: " + last_error +
          ")");
      return false;
    }
    env_.Sleep(std::min(poll, Ms(deadline - now)));
  }
  const Clock::time_point connected_at = env_.Now();
  Log("Accepting connections on " + Where() + " after " + Duration(Ms(connected_at - start_)));
  // The stay-up wait counts from the container's start (or the check's), so
  // the app's boot time overlaps it, as Dokku's CHECKS_WAIT does.
  const Clock::time_point until = std::max(start_ + wait, connected_at);
  for (;;) {
    if (!Running()) {
      Log("Default check failed: container " + target_.container_id + " stopped " +
          Duration(Ms(env_.Now() - start_)) + " after it started (it must stay up " +
          Duration(wait) + ")");
      return false;
    }
    Clock::time_point now = env_.Now();
    if (now >= until) break;
    env_.Sleep(std::min(poll, Ms(until - now)));
  }
  Log("Default check passed: still running " + Duration(Ms(env_.Now() - start_)) +
      " after it started");
  return true;
}

std::string Checker::Url(const Healthcheck& check) const {
  int port = check.port != 0 ? check.port : target_.port;
  std::string scheme = check.scheme.empty() ? "http" : check.scheme;
  std::string path = check.path.empty() ? "/" : check.path;
  return scheme + "://" + target_.address + ":" + std::to_string(port) + path;
}

Attempt Checker::TryHttp(const Healthcheck& check) {
  HttpProbe probe;
  probe.scheme = check.scheme.empty() ? "http" : check.scheme;
  probe.address = target_.address;
  probe.port = check.port != 0 ? check.port : target_.port;
  probe.host_header = target_.host_header;
  probe.path = check.path.empty() ? "/" : check.path;
  probe.timeout = std::chrono::seconds(check.timeout);
  auto reply = ProbeHttp(probe);
  if (!reply.ok()) {
    return {false, reply.status().code() == StatusCode::kInvalidArgument, reply.status().message()};
  }
  std::string got =
      std::to_string(reply->status) + (reply->reason.empty() ? "" : " " + reply->reason);
  if (reply->status < 200 || reply->status >= 400) {
    return {false, false, got + " (expected a 2xx or 3xx status)"};
  }
  if (!check.content.empty() && reply->body.find(check.content) == std::string::npos) {
    return {false, false, got + ", but the body does not contain " + Quoted(check.content)};
  }
  return {true, false, got};
}

Attempt Checker::TryCommand(const Healthcheck& check) {
  std::string output;
  auto exit_code = env_.Exec(target_.container_id, check.command, &output);
  if (!exit_code.ok()) return {false, false, "could not run it: " + exit_code.status().message()};
  if (*exit_code != 0) {
    std::string text = "exit status " + std::to_string(*exit_code);
    // The end of the output says most about why.
    std::vector<std::string> lines;
    size_t begin = 0;
    while (begin < output.size()) {
      size_t end = std::min(output.find('\n', begin), output.size());
      if (end > begin)
        lines.push_back(output.substr(begin, std::min(end - begin, kOutputLineLength)));
      begin = end + 1;
    }
    size_t first = lines.size() > kOutputLines ? lines.size() - kOutputLines : 0;
    for (size_t i = first; i < lines.size(); ++i) text += "\n         " + lines[i];
    return {false, false, text};
  }
  if (!check.content.empty() && output.find(check.content) == std::string::npos) {
    return {false, false,
            "exit status 0, but the output does not contain " + Quoted(check.content)};
  }
  return {true, false, "exit status 0"};
}

bool Checker::RunUptime(const Healthcheck& check, const std::string& label) {
  const milliseconds need = std::chrono::seconds(check.uptime);
  const milliseconds poll = std::max(settings_.poll, milliseconds(1));
  std::optional<milliseconds> last;
  for (;;) {
    if (!Running()) {
      Log("Healthcheck " + label + " failed: container " + target_.container_id +
          " stopped (it must stay up " + Duration(need) + ")");
      return false;
    }
    std::optional<milliseconds> reported = env_.Uptime(target_.container_id);
    if (reported && last && *reported < *last) {
      Log("Healthcheck " + label + " failed: container " + target_.container_id +
          " restarted (it must stay up " + Duration(need) + ")");
      return false;
    }
    last = reported;
    milliseconds up = reported ? *reported : Ms(env_.Now() - start_);
    if (up >= need) {
      Log("Healthcheck " + label + " succeeded: up for " + Duration(up));
      return true;
    }
    env_.Sleep(std::min(poll, need - up));
  }
}

bool Checker::Run(const Healthcheck& check, const std::string& label) {
  CheckKind kind = KindOf(check);
  std::string what;
  switch (kind) {
    case CheckKind::kCommand:
      what = "command `" + JoinStrings(check.command, " ") + "` in " + target_.container_id;
      break;
    case CheckKind::kHttp:
      what = "GET " + Url(check) +
             (target_.host_header.empty() ? "" : " (Host: " + target_.host_header + ")");
      break;
    case CheckKind::kUptime:
      what = "container " + target_.container_id + " up for " + std::to_string(check.uptime) + "s";
      break;
  }
  std::string shape =
      kind == CheckKind::kUptime
          ? ""
          : " (" + std::to_string(check.attempts) + " attempts, " + std::to_string(check.wait) +
                "s apart" +
                (kind == CheckKind::kHttp ? ", timeout " + std::to_string(check.timeout) + "s"
                                          : "") +
                ")";
  Log("Running healthcheck " + label + ": " + what + shape);
  if (check.initial_delay > 0) {
    Log("Waiting " + std::to_string(check.initial_delay) + "s (initialDelay)");
    env_.Sleep(std::chrono::seconds(check.initial_delay));
  }
  if (kind == CheckKind::kUptime) return RunUptime(check, label);

  const int attempts = std::max(check.attempts, 1);
  std::string last_problem;
  for (int i = 1; i <= attempts; ++i) {
    if (!Running()) {
      Log("Healthcheck " + label + " failed: container " + target_.container_id +
          " is not running");
      return false;
    }
    Attempt attempt = kind == CheckKind::kCommand ? TryCommand(check) : TryHttp(check);
    Log("Attempt " + std::to_string(i) + "/" + std::to_string(attempts) + ": " + attempt.text);
    if (attempt.passed) {
      Log("Healthcheck " + label + " succeeded");
      return true;
    }
    last_problem = attempt.text.substr(0, attempt.text.find('\n'));
    if (attempt.give_up) break;
    if (i < attempts && check.wait > 0) {
      Log("Waiting " + std::to_string(check.wait) + "s before the next attempt");
      env_.Sleep(std::chrono::seconds(check.wait));
    }
  }
  Log("Healthcheck " + label + " failed: " + what + ": " + last_problem);
  return false;
}

}  // namespace

void SystemClockCheckEnvironment::Sleep(std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
}

std::chrono::steady_clock::time_point SystemClockCheckEnvironment::Now() { return Clock::now(); }

CheckOutcome RunHealthChecks(CheckEnvironment& env, const CheckTarget& target,
                             const std::vector<Healthcheck>& checks,
                             const CheckSettings& settings) {
  Checker checker(env, target, settings);
  CheckOutcome outcome;
  if (checks.empty()) {
    outcome.passed = checker.RunDefault();
    outcome.log = checker.TakeLog();
    return outcome;
  }
  // Startup checks first, then readiness, then liveness; app.json order within a type.
  std::vector<size_t> order(checks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return TypeRank(checks[a].type) < TypeRank(checks[b].type);
  });
  outcome.passed = true;
  for (size_t i : order) {
    const Healthcheck& check = checks[i];
    std::string type = check.type.empty() ? "startup" : check.type;
    std::string label =
        "'" + (check.name.empty() ? type + " check " + std::to_string(i + 1) : check.name) + "'";
    if (!checker.Run(check, label)) {
      outcome.passed = false;
      break;
    }
  }
  outcome.log = checker.TakeLog();
  return outcome;
}

}  // namespace berth
