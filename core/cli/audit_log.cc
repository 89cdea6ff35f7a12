#include "core/cli/audit_log.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include "core/base/files.h"

namespace berth {

void LogCommand(const Environment& env, const std::string& command_text, const Status& status,
                std::chrono::steady_clock::duration took) {
  try {
    // Logging never creates the state directory itself (a mistyped --root stays absent).
    if (!PathExists(env.root) || !MakeDirs(env.root + "/logs", 0750).ok()) return;
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_st>(env.root + "/logs/berth.log",
                                                                       10 * 1024 * 1024, 5);
    spdlog::logger logger("berth", sink);
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    double ms = std::chrono::duration<double, std::milli>(took).count();
    std::string outcome = status.ok() ? "ok" : "error";
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
