// `berth ssh-dispatch --key NAME --fingerprint FP`: the forced command of every
// key in the berth user's authorized_keys. It reads SSH_ORIGINAL_COMMAND,
// splits it with shell quoting but never through a shell, and hands the words
// to the dispatcher with the key recorded as the actor.
#pragma once

#include <string>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct SshIdentity {
  std::string key_name;
  std::string fingerprint;
};

// Parses ssh-dispatch's own arguments (after the word "ssh-dispatch").
Result<SshIdentity> ParseSshDispatchArgs(const std::vector<std::string>& args);

// The words of the client's command; empty when it asked for none (a login).
Result<std::vector<std::string>> SshCommandWords(const char* ssh_original_command);

// Whether the words ask for a git transport (git-receive-pack, git-upload-pack,
// git-upload-archive).
bool IsGitTransport(const std::vector<std::string>& words);

// When berth runs as an unprivileged user that cannot write the state directory
// (the berth user over ssh), re-executes itself through `sudo -n`, which the
// sudoers drop-in allows for exactly this binary, keeping SSH_ORIGINAL_COMMAND.
// Returns only when no re-exec was needed, or with the error when it failed.
Status ElevateIfNeeded(const std::string& berth_bin, const std::string& root,
                       const std::vector<std::string>& dispatch_args);

}  // namespace berth
