// docs/triggers.md is generated from hooks/triggers.yaml; the checked-in copy
// must be what the generator produces now.
#include <gtest/gtest.h>

#include <string>

#include "core/plugins/trigger_catalogue.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

// "line N" of the first line where the two texts differ, to point at the change.
std::string FirstDifference(const std::string& a, const std::string& b) {
  size_t line = 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) return "line " + std::to_string(line);
    if (a[i] == '\n') ++line;
  }
  return "line " + std::to_string(line) + " (one file ends there)";
}

TEST(DocsTest, TriggersMarkdownIsUpToDate) {
  const std::string generated = test::ReadText(BERTH_GENERATED_TRIGGERS_MD);
  const std::string checked_in = test::ReadText(BERTH_SOURCE_DIR "/docs/triggers.md");
  ASSERT_FALSE(generated.empty()) << "the build did not generate " BERTH_GENERATED_TRIGGERS_MD;
  EXPECT_TRUE(generated == checked_in)
      << "docs/triggers.md is stale: run scripts/gen-docs.sh (first difference at "
      << FirstDifference(generated, checked_in) << ")";
}

TEST(DocsTest, TriggersMarkdownHasASectionPerTrigger) {
  const std::string doc = test::ReadText(BERTH_SOURCE_DIR "/docs/triggers.md");
  for (const TriggerSpec& spec : triggers::kCatalogue) {
    std::string heading = "\n## " + std::string(spec.name) + "\n";
    EXPECT_NE(doc.find(heading), std::string::npos)
        << spec.name << " has no section in docs/triggers.md";
  }
}

}  // namespace
}  // namespace berth
