// The Procfile: which commands an app runs, one process type per line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace berth {

struct ProcessType {
  std::string name;     // "web", "worker", "release"...
  std::string command;  // run by a shell inside the container
};

// True when `name` is 1 to 63 letters, digits, '_' and '-'.
bool IsValidProcessType(std::string_view name);

// Parses "type: command" lines in file order; '#' comments and blank lines are
// ignored and CRLF line ends tolerated. Fails (kInvalidArgument) on a line
// without "type:", a bad type name, an empty command, a NUL byte or a type
// defined twice, naming the line and what to write instead.
Result<std::vector<ProcessType>> ParseProcfile(std::string_view text);

}  // namespace berth
