// The trigger catalogue compiled into berth (generated from hooks/triggers.yaml)
// agrees with the YAML file, and FindTrigger finds exactly its entries.
#include "core/plugins/trigger_catalogue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/plugins/trigger_spec.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

// The X of every "  - name: X" line under `triggers:` in hooks/triggers.yaml.
std::vector<std::string> YamlTriggerNames() {
  std::string yaml = test::ReadText(BERTH_SOURCE_DIR "/hooks/triggers.yaml");
  EXPECT_FALSE(yaml.empty()) << "cannot read hooks/triggers.yaml";
  std::vector<std::string> names;
  std::istringstream lines(yaml);
  std::string line;
  const std::string marker = "- name:";
  while (std::getline(lines, line)) {
    size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos || line.compare(start, marker.size(), marker) != 0) continue;
    std::string name = line.substr(start + marker.size());
    name.erase(0, name.find_first_not_of(" \t\"'"));
    name.erase(name.find_last_not_of(" \t\"'\r") + 1);
    names.push_back(name);
  }
  return names;
}

TEST(TriggerCatalogueTest, IsNotEmpty) { EXPECT_GT(std::size(triggers::kCatalogue), 0u); }

TEST(TriggerCatalogueTest, FindTriggerFindsEveryEntry) {
  for (const TriggerSpec& spec : triggers::kCatalogue) {
    const TriggerSpec* found = FindTrigger(spec.name);
    ASSERT_NE(found, nullptr) << spec.name;
    EXPECT_EQ(found, &spec) << spec.name;
    EXPECT_EQ(found->name, spec.name);
  }
}

TEST(TriggerCatalogueTest, FindTriggerReturnsNullForUnknownNames) {
  for (std::string_view name : {"", "no-such-trigger", "post-create ", "POST-CREATE", "post",
                                "../post-create", "plugin.toml"}) {
    EXPECT_EQ(FindTrigger(name), nullptr) << "[" << name << "]";
  }
}

TEST(TriggerCatalogueTest, NamesAreUnique) {
  std::set<std::string_view> seen;
  for (const TriggerSpec& spec : triggers::kCatalogue) {
    EXPECT_TRUE(seen.insert(spec.name).second) << "duplicate " << spec.name;
  }
}

TEST(TriggerCatalogueTest, TimeoutsArePositive) {
  for (const TriggerSpec& spec : triggers::kCatalogue) {
    EXPECT_GT(spec.timeout_seconds, 0) << spec.name;
  }
}

TEST(TriggerCatalogueTest, MatchesHooksTriggersYaml) {
  std::vector<std::string> yaml = YamlTriggerNames();
  std::vector<std::string> compiled;
  for (const TriggerSpec& spec : triggers::kCatalogue) compiled.emplace_back(spec.name);
  EXPECT_EQ(yaml.size(), compiled.size());
  for (const std::string& name : yaml) {
    EXPECT_NE(FindTrigger(name), nullptr)
        << name << " is in hooks/triggers.yaml but not compiled in";
  }
  EXPECT_EQ(yaml, compiled) << "the catalogue keeps the order of hooks/triggers.yaml";
}

TEST(TriggerCatalogueTest, KindsAndTimeoutsOfTheTriggersBerthReliesOn) {
  const TriggerSpec* user_auth = FindTrigger(triggers::kUserAuth);
  ASSERT_NE(user_auth, nullptr);
  EXPECT_EQ(user_auth->kind, TriggerKind::kVeto);
  EXPECT_EQ(user_auth->timeout_seconds, 10);
  const TriggerSpec* pre_delete = FindTrigger(triggers::kPreDelete);
  ASSERT_NE(pre_delete, nullptr);
  EXPECT_EQ(pre_delete->kind, TriggerKind::kVeto);
  const TriggerSpec* post_create = FindTrigger(triggers::kPostCreate);
  ASSERT_NE(post_create, nullptr);
  EXPECT_EQ(post_create->kind, TriggerKind::kObserve);
  EXPECT_EQ(post_create->timeout_seconds, 60);
}

}  // namespace
}  // namespace berth
