// Heroku's limits on the compressed size of a slug.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/status.h"

namespace berth {

inline constexpr uint64_t kSlugWarnBytes = uint64_t{300} << 20;
inline constexpr uint64_t kSlugLimitBytes = uint64_t{500} << 20;

// The warning for a slug of `compressed_bytes` ("" up to 300 MB), or a
// kFailedPrecondition error above 500 MB.
Result<std::string> CheckSlugSize(uint64_t compressed_bytes);

}  // namespace berth
