// Splitting and quoting command lines the way a POSIX shell would, without ever
// running one. Used for SSH_ORIGINAL_COMMAND and for writing shell exports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace berth {

// Splits on unquoted blanks; honours '...', "..." (with \" \\ \$ \` escapes) and
// backslash escapes. Nothing is expanded: $(x), `x`, $VAR, globs stay literal
// text. Unbalanced quotes are an error.
Result<std::vector<std::string>> SplitShellWords(std::string_view line);

// 'text' with embedded single quotes written as '\''; safe to paste into sh.
std::string ShellQuote(std::string_view text);

}  // namespace berth
