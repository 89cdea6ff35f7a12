// SplitShellWords and ShellQuote: SSH_ORIGINAL_COMMAND is split the way sh would
// split it, and nothing in it is ever expanded or run.
#include "core/base/shell_words.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth {
namespace {

using namespace std::string_literals;

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Split(std::string_view line) {
  auto words = SplitShellWords(line);
  EXPECT_TRUE(words.ok()) << "splitting [" << line << "]: " << words.status().message();
  return words.ok() ? *words : std::vector<std::string>{};
}

TEST(SplitShellWordsTest, GitReceivePackWithQuotedPath) {
  EXPECT_THAT(Split("git-receive-pack '/myapp'"), ElementsAre("git-receive-pack", "/myapp"));
  EXPECT_THAT(Split("git-upload-pack 'myapp.git'"), ElementsAre("git-upload-pack", "myapp.git"));
}

TEST(SplitShellWordsTest, PlainWordsSplitOnRunsOfBlanks) {
  EXPECT_THAT(Split("apps:create   myapp"), ElementsAre("apps:create", "myapp"));
  EXPECT_THAT(Split("  leading and trailing  "), ElementsAre("leading", "and", "trailing"));
}

TEST(SplitShellWordsTest, TabsAndNewlinesSeparateWords) {
  EXPECT_THAT(Split("a\tb\nc \t\n d"), ElementsAre("a", "b", "c", "d"));
}

TEST(SplitShellWordsTest, EmptyAndBlankInputGiveNoWords) {
  EXPECT_THAT(Split(""), IsEmpty());
  EXPECT_THAT(Split(" \t\n "), IsEmpty());
}

TEST(SplitShellWordsTest, SingleQuotesKeepEverythingLiteral) {
  EXPECT_THAT(Split(R"('a b' 'x"y' '\n' '$HOME' 'a\')"),
              ElementsAre("a b", "x\"y", "\\n", "$HOME", "a\\"));
}

TEST(SplitShellWordsTest, DoubleQuotesHonourTheirFourEscapes) {
  EXPECT_THAT(Split(R"("a b" "q\"q" "back\\slash" "\$HOME" "\`x\`")"),
              ElementsAre("a b", "q\"q", "back\\slash", "$HOME", "`x`"));
}

TEST(SplitShellWordsTest, DoubleQuotesKeepOtherBackslashes) {
  // sh keeps a backslash inside double quotes unless it escapes " \ $ ` or newline.
  EXPECT_THAT(Split(R"("a\nb" "c\'d")"), ElementsAre("a\\nb", "c\\'d"));
}

TEST(SplitShellWordsTest, BackslashOutsideQuotesEscapesTheNextCharacter) {
  EXPECT_THAT(Split(R"(a\ b c\'d \"e\" f\\g)"), ElementsAre("a b", "c'd", "\"e\"", "f\\g"));
}

TEST(SplitShellWordsTest, BackslashNewlineIsALineContinuation) {
  EXPECT_THAT(Split("ab\\\ncd"), ElementsAre("abcd"));
  EXPECT_THAT(Split("\"ab\\\ncd\""), ElementsAre("abcd"));
}

TEST(SplitShellWordsTest, LineContinuationBetweenWordsAddsNoWord) {
  EXPECT_THAT(Split("a \\\n b"), ElementsAre("a", "b"));
  EXPECT_THAT(Split("\\\n"), IsEmpty());
}

TEST(SplitShellWordsTest, AdjacentQuotedPartsJoinIntoOneWord) {
  EXPECT_THAT(Split(R"(a'b c'"d e"f)"), ElementsAre("ab cd ef"));
  EXPECT_THAT(Split("'' \"\""), ElementsAre("", ""));
}

TEST(SplitShellWordsTest, CommandSubstitutionIsNotExpanded) {
  EXPECT_THAT(Split("config:set app K=$(id) L=`whoami`"),
              ElementsAre("config:set", "app", "K=$(id)", "L=`whoami`"));
  EXPECT_THAT(Split("\"$(rm -rf /)\""), ElementsAre("$(rm -rf /)"));
}

TEST(SplitShellWordsTest, VariablesAndGlobsStayLiteral) {
  EXPECT_THAT(Split("$HOME ${PATH} * ?.txt ~"), ElementsAre("$HOME", "${PATH}", "*", "?.txt", "~"));
}

TEST(SplitShellWordsTest, ControlOperatorsAreOrdinaryCharacters) {
  EXPECT_THAT(Split("apps:list;id"), ElementsAre("apps:list;id"));
  EXPECT_THAT(Split("apps:list ; id | cat && ls & > /tmp/x"),
              ElementsAre("apps:list", ";", "id", "|", "cat", "&&", "ls", "&", ">", "/tmp/x"));
}

TEST(SplitShellWordsTest, UnbalancedQuotesAreErrors) {
  for (std::string_view line :
       {"git-receive-pack 'myapp", "echo \"abc", "'", "\"", "\"escaped at end\\\"", "a'b"}) {
    auto words = SplitShellWords(line);
    ASSERT_FALSE(words.ok()) << "accepted [" << line << "]";
    EXPECT_EQ(words.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(words.status().message(), ::testing::HasSubstr("Unbalanced"));
  }
}

TEST(SplitShellWordsTest, TrailingLoneBackslashIsAnError) {
  auto words = SplitShellWords("apps:list \\");
  ASSERT_FALSE(words.ok());
  EXPECT_EQ(words.status().code(), StatusCode::kInvalidArgument);
}

TEST(ShellQuoteTest, WrapsInSingleQuotes) {
  EXPECT_EQ(ShellQuote("abc"), "'abc'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("it's"), R"('it'\''s')");
}

TEST(ShellQuoteTest, QuotingThenSplittingGivesTheOriginalBack) {
  const std::string awkward[] = {
      "",
      "plain",
      "two words",
      "it's",
      "''",
      "\"double\"",
      "back\\slash\\",
      "$(id)",
      "`id`",
      "$HOME ${X:-y}",
      "a;b|c&d>e<f",
      "tab\there",
      "new\nline\n",
      "\\\n",
      "*?[]~#!",
      "\xff\xfe bytes \x01\x7f"s,
      "=== K=V ===",
  };
  for (const std::string& original : awkward) {
    auto words = SplitShellWords(ShellQuote(original));
    ASSERT_TRUE(words.ok()) << words.status().message();
    EXPECT_THAT(*words, ElementsAre(original)) << "quoted as " << ShellQuote(original);
  }
}

TEST(ShellQuoteTest, SeveralQuotedWordsSplitBackApart) {
  std::vector<std::string> original = {"a b", "it's", "$(x)", ""};
  std::string line;
  for (const auto& w : original) line += ShellQuote(w) + " ";
  auto words = SplitShellWords(line);
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(*words, original);
}

}  // namespace
}  // namespace berth
