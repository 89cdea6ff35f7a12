// Env files: the KEY=VALUE documents `config:export` writes (envfile, exports
// and shell formats) and `config:import` reads back. Values are never
// evaluated: `$(...)`, backticks and `$VAR` are text.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace berth {

using EnvVars = std::map<std::string, std::string>;

enum class EnvFileFormat {
  kEnvfile,  // KEY="value" lines, \n \" \\ \$ \` escaped
  kExports,  // export KEY='value' lines, shell-quoted
  kShell,    // KEY='value' KEY2='value2' on one line, shell-quoted
};

// The document for `vars`, every line ending in a newline (kShell: one line,
// even for no vars).
std::string FormatEnvFile(const EnvVars& vars, EnvFileFormat format);

// Reads KEY=VALUE assignments: an optional `export ` prefix, blank lines and
// `#` comments ignored, 'single-quoted' values literal, "double-quoted" values
// with \n \" \\ \$ \` escapes, quoted words concatenated as sh does
// ('it'\''s'), several quoted assignments on one line, and unquoted values up
// to the end of the line with surrounding blanks trimmed. With
// `base64_values`, each value is base64 and decoded. Keys and values are
// checked with ValidateEnvKey/ValidateEnvValue; the first problem is an
// InvalidArgument "Line N: ..." that never shows a value. A later assignment
// of a key wins.
Result<EnvVars> ParseEnvFile(std::string_view text, bool base64_values = false);

}  // namespace berth
