#include "core/base/env_file.h"

#include "core/base/base64.h"
#include "core/base/shell_words.h"
#include "core/base/validate.h"

namespace berth {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// "value" with \, ", $, ` and newlines escaped, as a dotenv file.
std::string EnvfileQuote(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '$': out += "\\$"; break;
      case '`': out += "\\`"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// A cursor over the document that knows its line number.
class EnvFileParser {
 public:
  EnvFileParser(std::string_view text, bool base64_values)
      : text_(text), base64_values_(base64_values) {}

  Result<EnvVars> Parse() {
    EnvVars vars;
    bool after_quoted_value = false;  // another assignment may follow on this line
    while (true) {
      SkipBlanks();
      if (AtEnd()) return vars;
      if (Peek() == '\n') {
        Next();
        after_quoted_value = false;
        continue;
      }
      if (Peek() == '#') {
        while (!AtEnd() && Peek() != '\n') Next();
        continue;
      }
      int line = line_;
      BERTH_ASSIGN_OR_RETURN(auto assignment, Assignment(&after_quoted_value));
      vars[assignment.first] = std::move(assignment.second);
      if (!after_quoted_value) continue;
      SkipBlanks();  // after a quoted value: the end of the line, a comment or another assignment
      if (!AtEnd() && Peek() != '\n' && Peek() != '#' && !StartsAssignment()) {
        return Error(line, "unexpected text after the closing quote of the value");
      }
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  char Next() {
    char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  void SkipBlanks() {
    while (!AtEnd() && IsBlank(Peek())) Next();
  }
  bool StartsAssignment() const {
    size_t eq = text_.find('=', pos_);
    size_t end = text_.find_first_of(" \t\r\n", pos_);
    return eq != std::string_view::npos && eq < end && eq > pos_;
  }

  static Status Error(int line, std::string_view what) {
    return InvalidArgument("Line " + std::to_string(line) + ": " + std::string(what));
  }

  // KEY=VALUE from the cursor; `quoted` tells whether the value was quoted.
  Result<std::pair<std::string, std::string>> Assignment(bool* quoted) {
    int line = line_;
    std::string_view rest = text_.substr(pos_);
    if (rest.starts_with("export") && rest.size() > 6 && IsBlank(rest[6])) {
      pos_ += 6;
      SkipBlanks();
    }
    size_t start = pos_;
    while (!AtEnd() && Peek() != '=' && Peek() != '\n' && !IsBlank(Peek())) Next();
    if (AtEnd() || Peek() != '=') {  // the text is not echoed: it may be a secret
      return Error(line, "expected KEY=VALUE");
    }
    std::string key(text_.substr(start, pos_ - start));
    Next();  // '='
    if (Status valid = ValidateEnvKey(key); !valid.ok()) return Error(line, valid.message());
    SkipBlanks();
    *quoted = !AtEnd() && (Peek() == '\'' || Peek() == '"');
    std::string value;
    if (*quoted) {
      BERTH_ASSIGN_OR_RETURN(value, QuotedWord(line));
    } else {
      size_t value_start = pos_;
      while (!AtEnd() && Peek() != '\n') Next();
      std::string_view raw = text_.substr(value_start, pos_ - value_start);
      while (!raw.empty() && IsBlank(raw.back())) raw.remove_suffix(1);
      value = raw;
    }
    if (base64_values_) {
      auto decoded = Base64Decode(value);
      if (!decoded.ok()) return Error(line, "value of " + key + ": " + decoded.status().message());
      value = std::move(*decoded);
    }
    if (Status valid = ValidateEnvValue(key, value); !valid.ok()) return Error(line, valid.message());
    return std::pair{std::move(key), std::move(value)};
  }

  // Quoted and unquoted pieces up to a blank or the end of the line, as sh
  // joins them into one word.
  Result<std::string> QuotedWord(int line) {
    std::string word;
    while (!AtEnd() && Peek() != '\n' && !IsBlank(Peek())) {
      char c = Next();
      if (c == '\'') {
        size_t close = text_.find('\'', pos_);
        if (close == std::string_view::npos) return Error(line, "the value's single quote is never closed");
        while (pos_ < close) word += Next();
        Next();
      } else if (c == '"') {
        BERTH_RETURN_IF_ERROR(DoubleQuoted(line, &word));
      } else if (c == '\\' && !AtEnd()) {
        word += Next();
      } else {
        word += c;
      }
    }
    return word;
  }

  Status DoubleQuoted(int line, std::string* word) {
    while (!AtEnd()) {
      char c = Next();
      if (c == '"') return Status::Ok();
      if (c != '\\' || AtEnd()) {
        *word += c;
        continue;
      }
      char escaped = Next();
      switch (escaped) {
        case 'n': *word += '\n'; break;
        case '"': case '\\': case '$': case '`': *word += escaped; break;
        default: *word += '\\'; *word += escaped;  // kept as written, as sh does
      }
    }
    return Error(line, "the value's double quote is never closed");
  }

  std::string_view text_;
  bool base64_values_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::string FormatEnvFile(const EnvVars& vars, EnvFileFormat format) {
  std::string out;
  for (const auto& [key, value] : vars) {
    switch (format) {
      case EnvFileFormat::kEnvfile: out += key + "=" + EnvfileQuote(value) + "\n"; break;
      case EnvFileFormat::kExports: out += "export " + key + "=" + ShellQuote(value) + "\n"; break;
      case EnvFileFormat::kShell: out += (out.empty() ? "" : " ") + key + "=" + ShellQuote(value); break;
    }
  }
  return format == EnvFileFormat::kShell ? out + "\n" : out;
}

Result<EnvVars> ParseEnvFile(std::string_view text, bool base64_values) {
  return EnvFileParser(text, base64_values).Parse();
}

}  // namespace berth
