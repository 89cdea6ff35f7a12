// Helpers shared by the line-oriented parsers of this module (Procfile,
// .buildpacks, .slugignore) and by every error message that shows user text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth {

// One line of a text file that carries content, numbered from 1.
struct TextLine {
  int number = 0;
  std::string_view text;  // without the line break, a trailing '\r' or surrounding blanks
};

// The lines of `text` that are neither blank nor comments ('#' as the first
// non-blank character). Accepts LF and CRLF line ends and skips a UTF-8 byte
// order mark at the start.
std::vector<TextLine> ContentLines(std::string_view text);

// `text` without leading and trailing spaces and tabs.
std::string_view TrimBlanks(std::string_view text);

// `text` in single quotes for an error message, control bytes shown as \xNN
// and anything past 80 bytes cut to "...".
std::string Quoted(std::string_view text);

}  // namespace berth
