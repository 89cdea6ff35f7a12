#include "core/base/validate.h"

#include <charconv>

namespace berth {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }

// Quotes a user-given string for an error message, making control bytes visible.
std::string Shown(std::string_view s) {
  std::string out = "'";
  for (char ch : s.substr(0, 80)) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  if (s.size() > 80) out += "...";
  return out + "'";
}

}  // namespace

Status ValidateAppName(std::string_view name) {
  if (name.empty()) return InvalidArgument("App name must not be empty");
  bool ok = name.size() <= 63 && IsLowerAlnum(name[0]);
  for (char c : name) ok = ok && (IsLowerAlnum(c) || c == '-');
  if (!ok) {
    return InvalidArgument("Invalid app name " + Shown(name) +
                           ": use lowercase letters, digits and dashes, starting with a "
                           "letter or digit (at most 63 characters)");
  }
  return Status::Ok();
}

Status ValidateEnvKey(std::string_view key) {
  bool ok = !key.empty() && key.size() <= 255 && (IsAlpha(key[0]) || key[0] == '_');
  for (char c : key) ok = ok && (IsAlnum(c) || c == '_');
  if (!ok) {
    return InvalidArgument("Invalid config key " + Shown(key) +
                           ": keys are letters, digits and underscores, not starting with a digit");
  }
  return Status::Ok();
}

Status ValidateEnvValue(std::string_view key, std::string_view value) {
  if (value.find('\0') != std::string_view::npos) {
    return InvalidArgument("Value of " + std::string(key) + " contains a NUL byte");
  }
  if (value.size() > 256 * 1024) {
    return InvalidArgument("Value of " + std::string(key) + " is larger than 256 KiB");
  }
  return Status::Ok();
}

Status ValidateDomain(std::string_view domain) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("Invalid domain " + Shown(domain) + ": " + std::string(why));
  };
  if (domain.empty()) return bad("it is empty");
  if (domain.find("://") != std::string_view::npos) return bad("give a hostname, not a URL");
  if (domain.size() > 253) return bad("longer than 253 characters");
  std::string_view rest = domain;
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  if (rest.empty()) return bad("a wildcard needs a domain after '*.'");
  size_t start = 0;
  while (start <= rest.size()) {
    size_t dot = rest.find('.', start);
    std::string_view label =
        rest.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return bad("empty label (two dots in a row, or a leading/trailing dot)");
    if (label.size() > 63) return bad("a label is longer than 63 characters");
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return bad("only letters, digits, dashes and dots are allowed");
    }
    if (label.front() == '-' || label.back() == '-') return bad("a label starts or ends with '-'");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Status::Ok();
}

Result<int> ParsePort(std::string_view text) {
  int port = 0;
  bool digits = !text.empty() && text.size() <= 5;
  for (char c : text) digits = digits && IsDigit(c);
  if (digits) std::from_chars(text.data(), text.data() + text.size(), port);
  if (!digits || port < 1 || port > 65535) {
    return InvalidArgument("Invalid port " + Shown(text) + ": use a number from 1 to 65535");
  }
  return port;
}

Status ValidateProcessType(std::string_view type) {
  bool ok = !type.empty() && type.size() <= 63 && IsAlnum(type[0]);
  for (char c : type) ok = ok && (IsAlnum(c) || c == '-' || c == '_');
  if (!ok) {
    return InvalidArgument("Invalid process type " + Shown(type) +
                           ": use letters, digits, dashes and underscores");
  }
  return Status::Ok();
}

Status ValidateRestartPolicy(std::string_view p) {
  bool ok = p == "no" || p == "always" || p == "on-failure";
  if (p.starts_with("on-failure:") && p.size() > 11 && p.size() < 16) {
    ok = p.find_first_not_of("0123456789", 11) == std::string_view::npos;
  }
  if (!ok) {
    return InvalidArgument("Invalid restart policy " + Shown(p) + ": use no, always or on-failure[:N]");
  }
  return Status::Ok();
}

Status ValidateSimpleName(std::string_view what, std::string_view name) {
  bool ok = !name.empty() && name.size() <= 100 && IsAlnum(name[0]);
  for (char c : name) ok = ok && (IsAlnum(c) || c == '.' || c == '_' || c == '@' || c == '-');
  if (!ok) {
    return InvalidArgument("Invalid " + std::string(what) + " " + Shown(name) +
                           ": use letters, digits, '.', '_', '@' and '-', starting with a "
                           "letter or digit");
  }
  return Status::Ok();
}

Result<int> ParseCount(std::string_view what, std::string_view text, int max) {
  int n = 0;
  bool digits = !text.empty() && text.size() <= 9;
  for (char c : text) digits = digits && IsDigit(c);
  if (digits) std::from_chars(text.data(), text.data() + text.size(), n);
  if (!digits || n > max) {
    return InvalidArgument("Invalid " + std::string(what) + " " + Shown(text) +
                           ": use a whole number from 0 to " + std::to_string(max));
  }
  return n;
}

}  // namespace berth
