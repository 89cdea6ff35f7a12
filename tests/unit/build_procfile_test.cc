// Procfile parsing: process types in file order, comments and CRLF, and errors
// that name the line.
#include "core/build/procfile.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth {
namespace {

TEST(ProcfileTest, ValidProcessTypeNames) {
  for (const char* good : {"web", "worker", "release", "clock_2", "Web-1", "_", "-", "a"}) {
    EXPECT_TRUE(IsValidProcessType(good)) << good;
  }
  EXPECT_TRUE(IsValidProcessType(std::string(63, 'w')));
  for (const std::string& bad :
       {std::string(), std::string(64, 'w'), std::string("we b"), std::string("web:"),
        std::string("web.1"), std::string("wéb"), std::string("web\n"), std::string("a/b"),
        std::string("$(id)"), std::string("web\0", 4)}) {
    EXPECT_FALSE(IsValidProcessType(bad)) << bad;
  }
}

TEST(ProcfileTest, ParsesTypesInFileOrder) {
  auto types = ParseProcfile(
      "\xEF\xBB\xBF# comment\r\n"
      "web: bundle exec puma -p $PORT\r\n"
      "\r\n"
      "   # indented comment\n"
      "worker:python worker.py --queue=a:b   \n"
      "  release :  ./migrate && echo 'done; ok' | tee /dev/null  \n"
      "clock: node -e \"console.log('#not a comment')\"");
  ASSERT_TRUE(types.ok()) << types.status().message();
  ASSERT_EQ(types->size(), 4u);
  EXPECT_EQ((*types)[0].name, "web");
  EXPECT_EQ((*types)[0].command, "bundle exec puma -p $PORT");
  EXPECT_EQ((*types)[1].name, "worker");
  EXPECT_EQ((*types)[1].command, "python worker.py --queue=a:b");
  EXPECT_EQ((*types)[2].name, "release");
  EXPECT_EQ((*types)[2].command, "./migrate && echo 'done; ok' | tee /dev/null");
  EXPECT_EQ((*types)[3].name, "clock");
  EXPECT_EQ((*types)[3].command, "node -e \"console.log('#not a comment')\"");
}

TEST(ProcfileTest, EmptyAndCommentOnlyFilesHaveNoTypes) {
  for (const char* text : {"", "\n\n", "# only a comment\r\n\t\n"}) {
    auto types = ParseProcfile(text);
    ASSERT_TRUE(types.ok()) << text;
    EXPECT_TRUE(types->empty()) << text;
  }
}

TEST(ProcfileTest, KeepsNonUtf8BytesAndHugeCommands) {
  std::string command = "echo \xff\xfe " + std::string(100000, 'x');
  auto types = ParseProcfile("web: " + command + "\n");
  ASSERT_TRUE(types.ok());
  EXPECT_EQ((*types)[0].command, command);
}

TEST(ProcfileTest, ErrorsNameTheLineAndTheFix) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"web: a\n# c\nweb: b\n",
       "Procfile line 3: 'web' is defined twice; keep one line per process type"},
      {"web: a\r\nworker\r\n", "Procfile line 2: expected 'type: command', got 'worker'"},
      {"\n\nweb:\n", "Procfile line 3: 'web' has no command; write 'web: <command>'"},
      {"web:    \t\n", "Procfile line 1: 'web' has no command; write 'web: <command>'"},
      {"we b: x\n", "Procfile line 1: invalid process type 'we b': use 1 to 63 letters, "
                    "digits, '-' and '_'"},
      {": x\n", "Procfile line 1: invalid process type '': use 1 to 63 letters, digits, '-' and '_'"},
      {"w\x01: x\n", "Procfile line 1: invalid process type 'w\\x01': use 1 to 63 letters, "
                     "digits, '-' and '_'"},
      {std::string(64, 'a') + ": x\n",
       "Procfile line 1: invalid process type '" + std::string(64, 'a').substr(0, 80) +
           "': use 1 to 63 letters, digits, '-' and '_'"},
  };
  for (const Case& c : cases) {
    auto types = ParseProcfile(c.text);
    ASSERT_FALSE(types.ok()) << c.text;
    EXPECT_EQ(types.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(types.status().message(), c.message);
  }
  auto types = ParseProcfile(std::string_view("web: a\nworker: b\0c\n", 19));
  ASSERT_FALSE(types.ok());
  EXPECT_EQ(types.status().message(), "Procfile line 2: the command of 'worker' contains a NUL byte");
}

}  // namespace
}  // namespace berth
