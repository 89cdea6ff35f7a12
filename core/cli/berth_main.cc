// The main of both executables (berth and berth-pipeline): resolves the
// environment, then hands the command line to the dispatcher. `berth
// ssh-dispatch` is the ssh forced-command entry.
#include "core/cli/berth_main.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "core/base/files.h"
#include "core/cli/audit_log.h"
#include "core/cli/dispatcher.h"
#include "core/cli/pipeline.h"
#include "core/cli/ssh_dispatch.h"
#include "core/plugins/directory_plugin_host.h"
#include "core/runtime/oci_runtime.h"

namespace berth {
namespace {

constexpr char kDefaultRoot[] = "/var/lib/berth";

std::string Getenv(const char* name, std::string fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "berth";
  return std::string(buf, static_cast<size_t>(n));
}

// Where bundled plugins live: $BERTH_SHARE_DIR, the install prefix's share/berth
// next to this binary, or the source tree for a binary run from its build dir.
std::string ShareDir(const std::string& bin) {
  std::string env = Getenv("BERTH_SHARE_DIR");
  if (!env.empty()) return env;
  std::string dir = bin.substr(0, bin.rfind('/'));
  std::string installed =
      std::filesystem::path(dir + "/../share/berth").lexically_normal().string();
  if (PathExists(installed + "/hooks/triggers.yaml")) return installed;
  return BERTH_SOURCE_DIR;
}

// The acting unix user, from the environment sudo, sshd and login set. Not from
// the passwd database: an NSS lookup costs more than the rest of a command.
std::string UserName() {
  for (const char* var : {"SUDO_USER", "USER", "LOGNAME"}) {
    std::string v = Getenv(var);
    if (!v.empty()) return v;
  }
  return std::to_string(::geteuid());
}

// One spelling per directory ("/var/lib/berth/" and "/var/lib//berth" are
// "/var/lib/berth"), so the --root in authorized_keys matches the sudoers rule.
std::string NormalRoot(const std::string& root) {
  std::string normal = std::filesystem::path(root).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

int Fail(Output& out, const Status& status) {
  if (!status.message().empty()) out.Error(status.message());
  return status.ExitCode();
}

}  // namespace

int BerthMain(int argc, char** argv, bool pipeline) {
  ::signal(SIGPIPE, SIG_IGN);
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> words(argv + 1, argv + argc);
  Output early(std::cout, std::cerr, false);

  auto globals = ParseGlobalFlags(words, /*allow_root=*/true);
  if (!globals.ok()) return Fail(early, globals.status());

  Environment env;
  env.root = NormalRoot(!globals->root.empty() ? globals->root : Getenv("BERTH_ROOT", kDefaultRoot));
  env.root_is_default = env.root == kDefaultRoot;
  env.berth_bin = SelfPath();
  // berth-pipeline stands in for berth: hooks, plugins and sudo name berth.
  if (pipeline) env.berth_bin = env.berth_bin.substr(0, env.berth_bin.rfind('/') + 1) + "berth";
  env.share_dir = ShareDir(env.berth_bin);
  env.authorized_keys = Getenv("BERTH_AUTHORIZED_KEYS");  // else resolved when needed
  env.stdin_is_tty = ::isatty(0) == 1;
  env.ssh_user = UserName();
  env.is_root = ::geteuid() == 0;

  if (!words.empty() && words[0] == "ssh-dispatch") {
    std::vector<std::string> dispatch_args(words.begin() + 1, words.end());
    auto id = ParseSshDispatchArgs(dispatch_args);
    if (!id.ok()) return Fail(early, id.status());
    Status elevated = ElevateIfNeeded(env.berth_bin, env.root, dispatch_args);
    if (!elevated.ok()) return Fail(early, elevated);
    env.via_ssh = true;
    env.key_name = id->key_name;
    env.key_fingerprint = id->fingerprint;
    // Refused before dispatch: still one audit line per ssh command.
    auto refuse = [&](const std::string& text, const Status& status) {
      LogCommand(env, text, status, std::chrono::steady_clock::now() - started);
      return Fail(early, status);
    };
    auto ssh_words = SshCommandWords(std::getenv("SSH_ORIGINAL_COMMAND"));
    if (!ssh_words.ok()) return refuse("(unparseable ssh command)", ssh_words.status());
    words = std::move(*ssh_words);
    std::string text = AuditText(words);
    auto ssh_globals = ParseGlobalFlags(words, /*allow_root=*/false);
    if (!ssh_globals.ok()) return refuse(text, ssh_globals.status());
    ssh_globals->root = globals->root;
    globals = std::move(ssh_globals);
  }

  if (NeedsPipeline(words)) return Fail(early, ExecPipeline(env.berth_bin, argv));

  Output out(std::cout, std::cerr, globals->quiet);
  PosixProcessRunner runner;
  PluginHostOptions plugin_options;
  plugin_options.directories = {{env.share_dir + "/plugins", true},
                                {env.root + "/plugins/enabled", false}};
  plugin_options.enabled_dir = env.root + "/plugins/enabled";
  plugin_options.env = {{"BERTH_ROOT", env.root}, {"BERTH_BIN", env.berth_bin}};
  if (globals->trace) {
    plugin_options.env["BERTH_TRACE"] = "1";
    plugin_options.trace = true;
    std::cerr << "+ berth root=" << env.root << " share=" << env.share_dir
              << " via=" << (env.via_ssh ? "ssh" : "local") << " key=" << env.key_name << '\n';
  }
  DirectoryPluginHost plugins(runner, out, plugin_options);
  OciRuntime runtime(runner, {env.root, SelectOciRuntime(), ShimBesideBerth(env.berth_bin)});
  Services services{plugins, runner, out, std::cin, runtime};

  Status status = Dispatch(words, *globals, env, services);
  out.Flush();
  LogCommand(env, AuditText(words), status, std::chrono::steady_clock::now() - started);
  return status.ok() ? 0 : Fail(out, status);
}

}  // namespace berth
