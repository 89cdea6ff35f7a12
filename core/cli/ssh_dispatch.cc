#include "core/cli/ssh_dispatch.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base/shell_words.h"
#include "core/base/validate.h"

namespace berth {

Result<SshIdentity> ParseSshDispatchArgs(const std::vector<std::string>& args) {
  SshIdentity id;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i + 1 >= args.size()) return InvalidArgument("ssh-dispatch: " + args[i] + " needs a value");
    if (args[i] == "--key") id.key_name = args[++i];
    else if (args[i] == "--fingerprint") id.fingerprint = args[++i];
    else return InvalidArgument("ssh-dispatch: unknown argument " + args[i].substr(0, 40));
  }
  if (id.key_name.empty()) return InvalidArgument("ssh-dispatch: --key NAME is required");
  BERTH_RETURN_IF_ERROR(ValidateSimpleName("key name", id.key_name));
  return id;
}

Result<std::vector<std::string>> SshCommandWords(const char* ssh_original_command) {
  if (ssh_original_command == nullptr) return std::vector<std::string>{};
  return SplitShellWords(ssh_original_command);
}

bool IsGitTransport(const std::vector<std::string>& words) {
  if (words.empty()) return false;
  return words[0] == "git-receive-pack" || words[0] == "git-upload-pack" ||
         words[0] == "git-upload-archive";
}

Status ElevateIfNeeded(const std::string& berth_bin, const std::string& root,
                       const std::vector<std::string>& dispatch_args) {
  if (::geteuid() == 0) return Status::Ok();
  if (::access(root.c_str(), W_OK) == 0) return Status::Ok();
  std::vector<std::string> argv = {"sudo", "-n", "--", berth_bin, "--root", root, "ssh-dispatch"};
  argv.insert(argv.end(), dispatch_args.begin(), dispatch_args.end());
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  ::execvp("sudo", c_argv.data());
  return PermissionDenied(std::string("berth needs root for this and could not use sudo: ") +
                          std::strerror(errno) + "; run scripts/quickstart.sh to install the "
                          "sudoers rule");
}

}  // namespace berth
