#include "core/build/procfile.h"

#include <set>

#include "core/build/text_lines.h"

namespace berth {

bool IsValidProcessType(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::vector<ProcessType>> ParseProcfile(std::string_view text) {
  std::vector<ProcessType> types;
  std::set<std::string, std::less<>> seen;
  for (const TextLine& line : ContentLines(text)) {
    auto error = [&](const std::string& what) {
      return InvalidArgument("Procfile line " + std::to_string(line.number) + ": " + what);
    };
    size_t colon = line.text.find(':');
    if (colon == std::string_view::npos) {
      return error("expected 'type: command', got " + Quoted(line.text));
    }
    std::string_view name = TrimBlanks(line.text.substr(0, colon));
    std::string_view command = TrimBlanks(line.text.substr(colon + 1));
    if (!IsValidProcessType(name)) {
      return error("invalid process type " + Quoted(name) +
                   ": use 1 to 63 letters, digits, '-' and '_'");
    }
    if (command.empty()) {
      return error("'" + std::string(name) + "' has no command; write '" + std::string(name) +
                   ": <command>'");
    }
    if (command.find('\0') != std::string_view::npos) {
      return error("the command of '" + std::string(name) + "' contains a NUL byte");
    }
    if (!seen.emplace(name).second) {
      return error("'" + std::string(name) +
                   "' is defined twice; keep one line per process type");
    }
    types.push_back({std::string(name), std::string(command)});
  }
  return types;
}

}  // namespace berth
