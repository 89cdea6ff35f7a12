// The trigger contract: the set of triggers berth's code fires equals the
// catalogue (hooks/triggers.yaml), and every call site that spells out its
// arguments passes as many as the catalogue documents.
//
// The code fires triggers only through the generated triggers::kName constants
// (PluginHost rejects a name outside the catalogue at run time), so the fired set
// is read from the sources: every triggers::kName outside comments under core/.
// A trigger added to the catalogue but fired nowhere, or a constant used that
// the catalogue lacks, fails here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/plugins/trigger_catalogue.h"
#include "core/plugins/trigger_spec.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

// The constant (without its k) the generated header names each trigger by:
// "PostCreate" -> "post-create", read from its `inline constexpr
// std::string_view kPostCreate = "post-create";` lines.
std::map<std::string, std::string> GeneratedConstants() {
  std::string md = BERTH_GENERATED_TRIGGERS_MD;
  std::string header = test::ReadText(md.substr(0, md.rfind('/')) +
                                      "/core/plugins/trigger_catalogue.h");
  std::map<std::string, std::string> constants;
  const std::string marker = "std::string_view k";
  for (size_t at = header.find(marker); at != std::string::npos;
       at = header.find(marker, at + 1)) {
    size_t name_end = header.find(' ', at + marker.size());
    size_t open = header.find('"', name_end);
    size_t close = header.find('"', open + 1);
    if (name_end == std::string::npos || open == std::string::npos || close == std::string::npos) break;
    constants[header.substr(at + marker.size(), name_end - at - marker.size())] =
        header.substr(open + 1, close - open - 1);
  }
  return constants;
}

// `text` without // and /* */ comments (string literals are kept as they are).
std::string StripComments(const std::string& text) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (text.compare(i, 2, "//") == 0) {
      i = text.find('\n', i);
      if (i == std::string::npos) break;
      c = '\n';
    } else if (text.compare(i, 2, "/*") == 0) {
      i = text.find("*/", i + 2);
      if (i == std::string::npos) break;
      ++i;
      continue;
    }
    out += c;
  }
  return out;
}

// How many elements the braced list starting at text[open] ('{') holds; -1 when
// it does not close.
int CountElements(const std::string& text, size_t open) {
  int depth = 0;
  int elements = 0;
  bool any = false;
  bool in_string = false;
  for (size_t i = open; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '(' || c == '[') {
      ++depth;
      continue;
    }
    if (c == '}' || c == ')' || c == ']') {
      if (--depth == 0) return any ? elements + 1 : 0;
      continue;
    }
    if (depth == 1 && c == ',') ++elements;
    if (depth >= 1 && !std::isspace(static_cast<unsigned char>(c))) any = true;
  }
  return -1;
}

// The top-level elements of the braced list starting at text[open], trimmed.
std::vector<std::string> Elements(const std::string& text, size_t open) {
  std::vector<std::string> out(1);
  int depth = 0;
  bool in_string = false;
  for (size_t i = open; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out.back() += c;
      if (c == '\\' && i + 1 < text.size()) out.back() += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '}' || c == ')' || c == ']') {
      if (--depth == 0) break;
    }
    if (depth == 1 && c == ',') {
      out.emplace_back();
    } else if (depth >= 1) {
      out.back() += c;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '(' || c == '[') ++depth;
  }
  for (std::string& e : out) {
    e.erase(0, e.find_first_not_of(" \t\n"));
    e.erase(e.find_last_not_of(" \t\n") + 1);
  }
  return out;
}

struct Use {
  std::string file;
  int args = -1;  // the literal argument list's length; -1 when passed as a variable
  std::string app;  // the request's app field as written ("" when not a request)
};

// Every use of a triggers::k* constant in the C++ sources under core/.
std::multimap<std::string, Use> TriggerUses() {
  std::multimap<std::string, Use> uses;
  const std::string marker = "triggers::k";
  for (const auto& entry : fs::recursive_directory_iterator(BERTH_SOURCE_DIR "/core")) {
    std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".cc" && ext != ".h")) continue;
    std::string code = StripComments(test::ReadText(entry.path().string()));
    std::string file = fs::relative(entry.path(), BERTH_SOURCE_DIR).string();
    for (size_t at = code.find(marker); at != std::string::npos; at = code.find(marker, at + 1)) {
      size_t start = at + marker.size();
      size_t end = start;
      while (end < code.size() && (std::isalnum(static_cast<unsigned char>(code[end])) ||
                                   code[end] == '_')) {
        ++end;
      }
      std::string name = code.substr(start, end - start);
      if (name == "Catalogue") continue;
      Use use;
      use.file = file;
      // {triggers::kX, {ARG, ...}, app, stdin}: count the literal arguments.
      size_t next = code.find_first_not_of(" \t\n", end);
      if (next != std::string::npos && code[next] == ',') {
        size_t brace = code.find_first_not_of(" \t\n", next + 1);
        if (brace != std::string::npos && code[brace] == '{') use.args = CountElements(code, brace);
      }
      // A request {triggers::kX, ARGS, APP, STDIN}: keep the APP expression.
      size_t before = code.find_last_not_of(" \t\n", at - 1);
      if (before != std::string::npos && code[before] == '{') {
        std::vector<std::string> fields = Elements(code, before);
        if (fields.size() == 4) use.app = fields[2];
      }
      uses.emplace(name, use);
    }
  }
  return uses;
}

// The catalogue entry of each generated constant ("PostCreate").
std::map<std::string, const TriggerSpec*> SpecsByConstant() {
  std::map<std::string, const TriggerSpec*> by_constant;
  for (const auto& [constant, name] : GeneratedConstants()) by_constant[constant] = FindTrigger(name);
  return by_constant;
}

TEST(TriggerContractTest, TheGeneratedHeaderNamesEveryTrigger) {
  auto constants = GeneratedConstants();
  EXPECT_EQ(constants.size(), std::size(triggers::kCatalogue));
  EXPECT_EQ(constants["PreReceiveApp"], "pre-receive-app");
  for (const auto& [constant, name] : constants) EXPECT_NE(FindTrigger(name), nullptr) << name;
}

TEST(TriggerContractTest, TheCodeFiresExactlyTheCatalogue) {
  std::set<std::string> catalogued;
  for (const auto& [constant, name] : GeneratedConstants()) catalogued.insert(constant);
  std::set<std::string> fired;
  for (const auto& [name, use] : TriggerUses()) fired.insert(name);
  ASSERT_FALSE(fired.empty()) << "no triggers::k* found under " BERTH_SOURCE_DIR "/core";
  for (const std::string& name : catalogued) {
    EXPECT_TRUE(fired.contains(name))
        << "triggers::k" << name << " is in hooks/triggers.yaml but no code fires it";
  }
  for (const std::string& name : fired) {
    EXPECT_TRUE(catalogued.contains(name))
        << "the code uses triggers::k" << name << ", which hooks/triggers.yaml does not list";
  }
}

TEST(TriggerContractTest, CallSitesPassTheDocumentedArguments) {
  std::map<std::string, const TriggerSpec*> by_constant = SpecsByConstant();
  int checked = 0;
  for (const auto& [name, use] : TriggerUses()) {
    auto it = by_constant.find(name);
    if (it == by_constant.end() || it->second == nullptr || use.args < 0) continue;
    const TriggerSpec& spec = *it->second;
    ++checked;
    if (spec.variadic) {
      EXPECT_GE(use.args, spec.min_args)
          << use.file << ": " << spec.name << " takes " << spec.args;
    } else {
      EXPECT_EQ(use.args, spec.min_args)
          << use.file << ": " << spec.name << " takes " << spec.args;
    }
  }
  EXPECT_GT(checked, 10) << "the call sites' argument lists were not found";
}

// Triggers about one app (their first argument is APP) export it as APP: the
// request's app field is not left empty.
TEST(TriggerContractTest, TriggersAboutAnAppExportApp) {
  std::map<std::string, const TriggerSpec*> by_constant = SpecsByConstant();
  int checked = 0;
  for (const auto& [name, use] : TriggerUses()) {
    auto it = by_constant.find(name);
    if (it == by_constant.end() || it->second == nullptr || use.app.empty()) continue;
    std::string_view args = it->second->args;
    if (args != "APP" && !args.starts_with("APP ")) continue;
    ++checked;
    EXPECT_NE(use.app, "\"\"") << use.file << ": " << it->second->name
                               << " is about an app; pass it as the request's app (APP)";
  }
  EXPECT_GT(checked, 10);
}

// The scanner itself: comments do not count, literal argument lists are measured.
TEST(TriggerContractTest, ScannerSkipsCommentsAndCountsArguments) {
  EXPECT_EQ(StripComments("a // triggers::kX\nb /* triggers::kY */ c \"//x\""),
            "a \nb  c \"//x\"");
  std::string call = "{app, \"a,b\", Join({x, y}), f(1, 2)}";
  EXPECT_EQ(CountElements(call, 0), 4);
  EXPECT_EQ(CountElements("{}", 0), 0);
  EXPECT_EQ(CountElements("{ }", 0), 0);
  EXPECT_EQ(CountElements("{app}", 0), 1);
  EXPECT_EQ(CountElements("{app", 0), -1);
  EXPECT_EQ(Elements("{triggers::kX, {a, b}, app, \"\"}", 0),
            (std::vector<std::string>{"triggers::kX", "{a, b}", "app", "\"\""}));
}

}  // namespace
}  // namespace berth
