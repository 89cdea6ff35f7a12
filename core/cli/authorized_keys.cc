#include "core/cli/authorized_keys.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/base/files.h"
#include "core/base/shell_words.h"

namespace berth {
namespace {

constexpr std::string_view kKeyTypes[] = {
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"};
constexpr std::string_view kRestrictions =
    "no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding";

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

// Makes `path` (and its directory, mode 700) belong to the owner of the directory
// that holds it, so the berth user's sshd can read what root wrote.
void MatchOwner(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  struct stat parent;
  if (::stat(dir.parent_path().c_str(), &parent) != 0) return;
  if (::chown(dir.c_str(), parent.st_uid, parent.st_gid) != 0) return;
  if (::chown(path.c_str(), parent.st_uid, parent.st_gid) != 0) return;
}

// Serialises read-modify-write of the keys file between berth processes.
class KeysFileLock {
 public:
  explicit KeysFileLock(const std::string& path) {
    fd_ = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~KeysFileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  KeysFileLock(const KeysFileLock&) = delete;
  KeysFileLock& operator=(const KeysFileLock&) = delete;

 private:
  int fd_ = -1;
};

Status WriteKeysFile(const std::string& path, const std::string& content) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!PathExists(dir)) BERTH_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  BERTH_RETURN_IF_ERROR(WriteFileAtomic(path, content, 0600));
  MatchOwner(path);
  return Status::Ok();
}

std::string DispatchMarker(std::string_view name, std::string_view fingerprint) {
  return " ssh-dispatch --key " + std::string(name) + " --fingerprint " + std::string(fingerprint) + "\"";
}

}  // namespace

Result<ParsedPublicKey> ParsePublicKey(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return InvalidArgument("No public key given: pass a key file or the key on stdin");
  if (text.find('\n') != std::string_view::npos) {
    return InvalidArgument("Give exactly one public key (the input has several lines)");
  }
  auto words = SplitShellWords(text);
  if (!words.ok() || words->size() < 2) {
    return InvalidArgument("Not an OpenSSH public key: expected 'TYPE BASE64 [COMMENT]'");
  }
  ParsedPublicKey key{(*words)[0], (*words)[1], ""};
  bool known = false;
  for (auto t : kKeyTypes) known = known || key.type == t;
  if (!known) {
    return InvalidArgument("Unsupported key type '" + key.type.substr(0, 40) +
                           "' (authorized_keys options are not accepted; give the bare public key)");
  }
  bool b64 = key.blob.size() >= 16;
  for (char c : key.blob) b64 = b64 && IsBase64Char(c);
  if (!b64) return InvalidArgument("Not an OpenSSH public key: the key material is not base64");
  for (size_t i = 2; i < words->size(); ++i) key.comment += (i > 2 ? " " : "") + (*words)[i];
  return key;
}

Result<std::string> KeyFingerprint(ProcessRunner& runner, const ParsedPublicKey& key) {
  ProcessSpec spec;
  spec.argv = {"ssh-keygen", "-l", "-E", "sha256", "-f", "/dev/stdin"};
  spec.stdin_data = key.type + " " + key.blob + "\n";
  spec.timeout = std::chrono::seconds(10);
  BERTH_ASSIGN_OR_RETURN(ProcessResult result, runner.Run(spec));
  // "256 SHA256:abc... comment (ED25519)"
  size_t start = result.out.find("SHA256:");
  if (!result.ok() || start == std::string::npos) {
    return InvalidArgument("Not a valid public key (ssh-keygen refused it)");
  }
  size_t end = result.out.find_first_of(" \n", start);
  return result.out.substr(start, end - start);
}

Result<std::string> AuthorizedKeyLine(const Environment& env, std::string_view name,
                                      std::string_view fingerprint, std::string_view public_key) {
  for (const std::string* path : {&env.berth_bin, &env.root}) {
    if (path->find_first_of("\"\\ \n") != std::string::npos) {
      return InvalidArgument("Path '" + *path + "' has a space, quote or backslash; "
                             "install berth and its state directory under plain paths");
    }
  }
  std::string command = env.berth_bin;
  if (!env.root_is_default) command += " --root " + env.root;
  return "command=\"" + command + DispatchMarker(name, fingerprint) + "," + std::string(kRestrictions) +
         " " + std::string(public_key);
}

std::string AuthorizedKeysPath(const Environment& env) {
  if (!env.authorized_keys.empty()) return env.authorized_keys;
  const char* user = std::getenv("BERTH_USER");
  passwd* pw = ::getpwnam(user != nullptr && *user != '\0' ? user : "berth");
  std::string home = pw != nullptr ? pw->pw_dir : "/home/berth";
  return home + "/.ssh/authorized_keys";
}

Status AppendAuthorizedKey(const std::string& path, const std::string& line) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!PathExists(dir)) BERTH_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  KeysFileLock lock(path);
  std::string content;
  if (auto old = ReadFile(path); old.ok()) {
    content = *old;
  } else if (old.status().code() != StatusCode::kNotFound) {
    return old.status();
  }
  if (!content.empty() && content.back() != '\n') content += '\n';
  content += line + "\n";
  return WriteKeysFile(path, content);
}

Status RemoveAuthorizedKey(const std::string& path, std::string_view name,
                           std::string_view fingerprint) {
  if (!PathExists(path)) return Status::Ok();
  KeysFileLock lock(path);
  auto old = ReadFile(path);
  if (!old.ok()) return old.status().code() == StatusCode::kNotFound ? Status::Ok() : old.status();
  const std::string marker = DispatchMarker(name, fingerprint);
  std::string content;
  size_t start = 0;
  while (start < old->size()) {
    size_t end = old->find('\n', start);
    if (end == std::string::npos) end = old->size();
    std::string_view line(old->data() + start, end - start);
    bool ours = line.starts_with("command=\"") && line.find(marker) != std::string_view::npos;
    if (!ours) content.append(line).append("\n");
    start = end + 1;
  }
  return WriteKeysFile(path, content);
}

}  // namespace berth
