#include "core/build/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "core/base/files.h"
#include "core/build/sha256.h"

namespace berth {

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  // Only allocation can fail here; without a context nothing can be hashed.
  if (context_ == nullptr || EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1) std::abort();
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::Update(std::string_view data) {
  EVP_DigestUpdate(context_, data.data(), data.size());
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_, digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string Sha256Hex(std::string_view data) {
  Sha256 sha;
  sha.Update(data);
  return sha.HexDigest();
}

Result<std::string> Sha256File(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound(path + " does not exist");
    return Internal(ErrnoMessage("cannot open " + path));
  }
  Sha256 sha;
  auto buffer = std::make_unique<char[]>(1 << 16);
  while (true) {
    ssize_t n = ::read(fd, buffer.get(), 1 << 16);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status status = Internal(ErrnoMessage("cannot read " + path));
      ::close(fd);
      return status;
    }
    if (n == 0) break;
    sha.Update(std::string_view(buffer.get(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return sha.HexDigest();
}

}  // namespace berth
