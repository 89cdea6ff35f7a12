// The berth user's authorized_keys file, sshcommand style: every key berth adds
// becomes one line whose forced command is `berth ssh-dispatch --key NAME`, with
// forwarding, agent, X11 and ~/.ssh/rc disabled. Lines berth did not write are
// kept as they are.
#pragma once

#include <string>
#include <string_view>

#include "core/base/process.h"
#include "core/base/status.h"
#include "core/cli/command.h"

namespace berth {

struct ParsedPublicKey {
  std::string type;     // ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ...
  std::string blob;     // the base64 key material
  std::string comment;  // ignored by berth
};

// Parses one public key line ("type base64 [comment]"). Options, several keys,
// or anything but an OpenSSH public key is refused.
Result<ParsedPublicKey> ParsePublicKey(std::string_view text);

// The SHA256 fingerprint ssh-keygen gives for the key; fails for a key
// ssh-keygen does not accept.
Result<std::string> KeyFingerprint(ProcessRunner& runner, const ParsedPublicKey& key);

// The authorized_keys line for a key. `root` is passed with --root unless it is
// the default state directory.
Result<std::string> AuthorizedKeyLine(const Environment& env, std::string_view name,
                                      std::string_view fingerprint, std::string_view public_key);

// env.authorized_keys when set, else $BERTH_USER's (default berth)
// ~/.ssh/authorized_keys from the passwd database.
std::string AuthorizedKeysPath(const Environment& env);

// Appends `line` to the file (creating it, and its directory, owned like the
// directory above), atomically.
Status AppendAuthorizedKey(const std::string& path, const std::string& line);
// Removes the berth line for key `name` with `fingerprint`, leaving every other
// line as it was, atomically.
Status RemoveAuthorizedKey(const std::string& path, std::string_view name,
                           std::string_view fingerprint);

}  // namespace berth
