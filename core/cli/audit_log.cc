#include "core/cli/audit_log.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "core/base/files.h"

namespace berth {
namespace {

// Sets the process umask for the scope's lifetime (berth runs one command per
// process, single-threaded here).
class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : saved_(::umask(mask)) {}
  ~UmaskScope() { ::umask(saved_); }
  UmaskScope(const UmaskScope&) = delete;
  UmaskScope& operator=(const UmaskScope&) = delete;

 private:
  mode_t saved_;
};

}  // namespace

void LogCommand(const Environment& env, const std::string& command_text, const Status& status,
                std::chrono::steady_clock::duration took) {
  try {
    // Logging never creates the state directory itself (a mistyped --root stays absent).
    if (!PathExists(env.root) || !MakeDirs(env.root + "/logs", 0750).ok()) return;
    // The log names keys and commands: readable by root only, also the files
    // rotation creates, and a log an older berth made world-readable.
    std::string path = env.root + "/logs/berth.log";
    UmaskScope private_files(077);
    (void)::chmod(path.c_str(), 0600);
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_st>(path, 10 * 1024 * 1024, 5);
    spdlog::logger logger("berth", sink);
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    double ms = std::chrono::duration<double, std::milli>(took).count();
    std::string outcome = status.ok()                                        ? "ok"
                          : status.code() == StatusCode::kPermissionDenied ? "denied"
                                                                           : "error";
    logger.log(status.ok() ? spdlog::level::info : spdlog::level::warn,
               "key={} fingerprint={} via={} user={} command=\"{}\" result={} exit={} ms={:.2f}",
               env.key_name, env.key_fingerprint.empty() ? "-" : env.key_fingerprint,
               env.via_ssh ? "ssh" : "local", env.ssh_user, command_text, outcome,
               status.ExitCode(), ms);
    logger.flush();
  } catch (const spdlog::spdlog_ex&) {
    // The log is best effort; the command's own result stands.
  }
}

}  // namespace berth
