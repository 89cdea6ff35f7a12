// SHA-256 digests (OpenSSL), as lowercase hex: slug names and checksums.
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace berth {

// The SHA-256 of `data` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

// The SHA-256 of the file at `path` as 64 lowercase hex digits; kNotFound when
// it does not exist, kInternal when it cannot be read.
Result<std::string> Sha256File(const std::string& path);

}  // namespace berth
