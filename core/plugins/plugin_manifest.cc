#include "core/plugins/plugin_manifest.h"

#include <sstream>
#include <toml++/toml.h>

#include "core/base/files.h"
#include "core/base/validate.h"

namespace berth {
namespace {

// toml++ 3.3 (Debian 12) reaches __builtin_unreachable() when it tests some
// non-ASCII characters for whitespace (marzer/tomlplusplus#190, #295): those
// outside strings and comments, where TOML allows no non-ASCII text anyway,
// and, in a """ string, the first one after a backslash (and the blanks that
// follow it) or after a line-ending backslash. All are refused here, before
// toml++ sees them; none is valid TOML. A quote opens a string only where a
// value or key may start (after '=', '[', ',', '{', '.' or at a line start),
// and not inside a number-like value: toml++ reads `1"""x` and `1'[['x` up to
// the next blank, ',', ']', '}' or '#' as one value, quotes and all.
Status CheckTomlNonAscii(std::string_view text, const std::string& source) {
  int line = 1;
  auto refuse = [&](std::string_view where) {
    return InvalidArgument(source + ":" + std::to_string(line) + ": non-ASCII text " +
                           std::string(where) + "; keep it inside a string or a comment");
  };
  auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  auto non_ascii = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
  auto ends_value = [](char c) { return std::string_view(" \t\r\n,]}#").find(c) != std::string_view::npos; };
  char prev = '\n';      // the last ASCII character outside strings and blanks
  bool in_value = false;  // inside a value that starts with a digit or sign
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    std::string_view three = text.substr(i, 3);
    bool opens = !in_value && std::string_view("=[,{.\n").find(prev) != std::string_view::npos;
    if (in_value && ends_value(c)) in_value = false;
    if (c == '\n') {
      ++line;
      ++i;
      prev = '\n';
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (opens && (three == "'''" || three == "\"\"\"")) {
      bool basic = c == '"';
      i += 3;
      while (i < text.size() && text.substr(i, 3) != three) {
        if (text[i] == '\n') ++line;
        if (basic && text[i] == '\\') {
          size_t j = i + 1;
          while (j < text.size() && is_blank(text[j])) ++j;
          if (j < text.size() && non_ascii(text[j])) return refuse("right after a backslash");
          if (j < text.size() && text[j] == '\n') {  // a line-ending backslash
            while (j < text.size() && (is_blank(text[j]) || text[j] == '\n')) {
              if (text[j] == '\n') ++line;
              ++j;
            }
            if (j < text.size() && non_ascii(text[j])) {
              return refuse("right after a line-ending backslash");
            }
            i = j;
            continue;
          }
          ++i;  // the escaped character is skipped below
        }
        ++i;
      }
      i += 3;
      prev = '"';
    } else if (opens && (c == '"' || c == '\'')) {
      ++i;
      while (i < text.size() && text[i] != c && text[i] != '\n') {
        if (c == '"' && text[i] == '\\') ++i;
        ++i;
      }
      if (i < text.size() && text[i] == c) ++i;
      prev = '"';
    } else if (non_ascii(c)) {
      return refuse("outside a string or comment");
    } else {
      bool number_like = (c >= '0' && c <= '9') || c == '+' || c == '-';
      if (number_like && std::string_view("=[,").find(prev) != std::string_view::npos) in_value = true;
      if (!is_blank(c)) prev = c;
      ++i;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<PluginManifest> ParsePluginManifest(std::string_view text, const std::string& source) {
  BERTH_RETURN_IF_ERROR(CheckTomlNonAscii(text, source));
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return InvalidArgument(msg.str());
  }
  PluginManifest manifest;
  const toml::table* plugin = table["plugin"].as_table();
  if (plugin == nullptr) return manifest;
  manifest.description = (*plugin)["description"].value_or(std::string());
  manifest.version = (*plugin)["version"].value_or(std::string());
  if (const toml::table* config = (*plugin)["config"].as_table()) {
    for (const auto& [key, node] : *config) {
      std::string name(key.str());
      Status valid = ValidateEnvKey(name);
      if (!valid.ok()) return InvalidArgument(source + ": [plugin.config] " + valid.message());
      if (auto s = node.value_exact<std::string>()) {
        Status value_ok = ValidateEnvValue(name, *s);
        if (!value_ok.ok()) return InvalidArgument(source + ": [plugin.config] " + value_ok.message());
        manifest.config[name] = *s;
      } else if (auto i = node.value_exact<int64_t>()) {
        manifest.config[name] = std::to_string(*i);
      } else if (auto b = node.value_exact<bool>()) {
        manifest.config[name] = *b ? "true" : "false";
      } else {
        return InvalidArgument(source + ": [plugin.config] " + name +
                               " must be a string, integer or boolean");
      }
    }
  }
  return manifest;
}

Result<PluginManifest> LoadPluginManifest(const std::string& dir) {
  std::string path = dir + "/plugin.toml";
  auto text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return PluginManifest{};
    return text.status();
  }
  return ParsePluginManifest(*text, path);
}

}  // namespace berth
