#include "core/build/buildpack_ref.h"

#include <sys/stat.h>

#include "core/base/files.h"
#include "core/build/text_lines.h"

namespace berth {
namespace {

constexpr std::string_view kTarballSuffixes[] = {".tgz", ".tar.gz", ".tar", ".tar.zst"};
constexpr std::string_view kNetworkSchemes[] = {"https", "http", "git", "ssh"};
constexpr size_t kMaxLength = 4096;

bool IsTarballPath(std::string_view path) {
  for (std::string_view suffix : kTarballSuffixes) {
    if (path.ends_with(suffix)) return true;
  }
  return false;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A git branch, tag or commit: no option-like '-' start, no "..", plain characters.
bool IsGitRef(std::string_view ref) {
  if (ref.empty() || ref.size() > 255 || ref.front() == '-' || ref.front() == '/' ||
      ref.front() == '.' || ref.back() == '/' || ref.back() == '.' ||
      ref.find("..") != std::string_view::npos || ref.find("//") != std::string_view::npos) {
    return false;
  }
  for (char c : ref) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '/' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// Kind and url of a buildpack given as an absolute path, judged by what is on disk.
Result<BuildpackRef> LocalRef(std::string_view path, const Status& bad_path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return bad_path;
  BuildpackRef ref;
  ref.url = std::string(path);
  if (IsTarballPath(path)) {
    ref.kind = BuildpackRef::Kind::kTarball;
    return ref;
  }
  struct stat st {};
  if (::stat(ref.url.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return bad_path;
    bool buildpack_dir = PathExists(ref.url + "/bin/compile");
    ref.kind = buildpack_dir ? BuildpackRef::Kind::kLocal : BuildpackRef::Kind::kGit;
    return ref;
  }
  ref.kind = path.ends_with(".git") ? BuildpackRef::Kind::kGit : BuildpackRef::Kind::kLocal;
  return ref;
}

// Kind of an https/http/git/ssh URL; only web URLs can name a tarball.
Result<BuildpackRef> NetworkRef(std::string_view url, std::string_view scheme,
                                const std::string& shown) {
  std::string_view rest = url.substr(scheme.size() + 3);
  std::string_view host = rest.substr(0, rest.find('/'));
  if (host.empty()) return InvalidArgument("Invalid buildpack " + shown + ": the URL has no host");
  for (char c : url) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return InvalidArgument("Invalid buildpack " + shown +
                             ": non-ASCII characters in a URL must be percent-encoded");
    }
  }
  BuildpackRef ref;
  ref.url = std::string(url);
  std::string_view path = rest.substr(host.size());
  path = path.substr(0, path.find('?'));
  bool web = scheme == "https" || scheme == "http";
  ref.kind = web && IsTarballPath(path) ? BuildpackRef::Kind::kTarball : BuildpackRef::Kind::kGit;
  return ref;
}

Result<BuildpackRef> UrlOrPath(std::string_view url, const std::string& shown) {
  Status bad_path = InvalidArgument(
      "Invalid buildpack " + shown +
      ": a local buildpack must be a directory, a git repository or a tarball");
  if (url.starts_with('/')) return LocalRef(url, bad_path);
  size_t separator = url.find("://");
  if (separator == std::string_view::npos) {
    if (url.find('@') != std::string_view::npos && url.find(':') != std::string_view::npos) {
      return InvalidArgument("Invalid buildpack " + shown +
                             ": write ssh URLs as ssh://user@host/path, not user@host:path");
    }
    return InvalidArgument("Invalid buildpack " + shown +
                           ": give an https://, http://, git://, ssh:// or file:// URL, "
                           "or an absolute path");
  }
  std::string scheme = Lowercase(url.substr(0, separator));
  if (scheme == "file") {
    std::string_view path = url.substr(separator + 3);
    if (!path.starts_with('/')) {
      return InvalidArgument("Invalid buildpack " + shown +
                             ": a file URL needs an absolute path, as in file:///path/to/buildpack");
    }
    return LocalRef(path, bad_path);
  }
  for (std::string_view allowed : kNetworkSchemes) {
    if (scheme == allowed) return NetworkRef(url, allowed, shown);
  }
  return InvalidArgument("Invalid buildpack " + shown + ": the scheme '" + scheme.substr(0, 20) +
                         "' is not supported; use https, http, git, ssh or file");
}

}  // namespace

std::string BuildpackRef::ToString() const { return ref.empty() ? url : url + "#" + ref; }

Result<BuildpackRef> ParseBuildpackRef(std::string_view text) {
  std::string shown = Quoted(text);
  if (text.empty()) return InvalidArgument("Invalid buildpack: the URL is empty");
  if (text.size() > kMaxLength) {
    return InvalidArgument("Invalid buildpack " + shown + ": longer than 4096 characters");
  }
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return InvalidArgument("Invalid buildpack " + shown +
                             ": it contains whitespace or a control character");
    }
  }
  size_t hash = text.find('#');
  BERTH_ASSIGN_OR_RETURN(BuildpackRef ref, UrlOrPath(text.substr(0, hash), shown));
  if (hash == std::string_view::npos) return ref;
  std::string_view git_ref = text.substr(hash + 1);
  if (!IsGitRef(git_ref)) {
    return InvalidArgument("Invalid buildpack " + shown + ": " + Quoted(git_ref) +
                           " after '#' is not a branch, tag or commit name");
  }
  if (ref.kind != BuildpackRef::Kind::kGit) {
    return InvalidArgument("Invalid buildpack " + shown +
                           ": only git buildpacks take a '#ref'; remove it");
  }
  ref.ref = std::string(git_ref);
  return ref;
}

Result<std::vector<BuildpackRef>> ParseBuildpacksFile(std::string_view text) {
  std::vector<BuildpackRef> refs;
  for (const TextLine& line : ContentLines(text)) {
    auto ref = ParseBuildpackRef(line.text);
    if (!ref.ok()) {
      return InvalidArgument(".buildpacks line " + std::to_string(line.number) + ": " +
                             ref.status().message());
    }
    refs.push_back(std::move(ref).value());
  }
  return refs;
}

}  // namespace berth
