// Base64 (RFC 4648, standard alphabet) for `config:set --encoded` and friends.
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace berth {

std::string Base64Encode(std::string_view data);
// Accepts padded or unpadded input; whitespace is not allowed.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace berth
