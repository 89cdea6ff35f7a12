// The schema, as an ordered list of forward migrations. Migration i (0-based)
// takes the database from user_version i to i + 1. Never edit a shipped entry:
// append a new one.
#pragma once

#include <span>
#include <string_view>

namespace berth {

std::span<const std::string_view> SchemaMigrations();

}  // namespace berth
