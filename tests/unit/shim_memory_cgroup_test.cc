// memory_cgroup.h: how berth-shim and the OCI runtime read an OOM kill and the
// memory limit from a container's cgroup, on v1 and v2 layouts made in a temp dir.
#include "core/shim/memory_cgroup.h"

#include <gtest/gtest.h>

#include "tests/unit/temp_dir.h"

namespace berth::shim {
namespace {

using test::TempDir;

// One cgroup layout: its files under the cgroup root, and what they say.
struct Layout {
  const char* name;
  const char* events_file;
  const char* events;
  const char* limit_file;
  const char* limit;
  int64_t oom_kills;
  const char* text;
  const char* unlimited;  // what limit_file holds without a limit
};

TEST(MemoryCgroupTest, ReadsOomKillsAndTheLimitFromCgroupV1AndV2) {
  const Layout layouts[] = {
      {"v1", "memory/berth/c/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n",
       "memory/berth/c/memory.limit_in_bytes", "67108864\n", 2, "out of memory (limit 64M)",
       "9223372036854771712\n"},
      {"v2", "berth/c/memory.events", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n",
       "berth/c/memory.max", "1073741824\n", 1, "out of memory (limit 1G)", "max\n"},
  };
  for (const Layout& layout : layouts) {
    TempDir root;
    root.WriteFile(layout.events_file, layout.events);
    root.WriteFile(layout.limit_file, layout.limit);
    MemoryCgroup cgroup = FindMemoryCgroup(root.path(), "/berth/c");
    EXPECT_EQ(OomKills(cgroup), layout.oom_kills) << layout.name;
    EXPECT_EQ(OutOfMemoryText(MemoryLimit(cgroup)), layout.text) << layout.name;
    root.WriteFile(layout.limit_file, layout.unlimited);
    EXPECT_EQ(MemoryLimit(cgroup), -1) << layout.name << ": no limit";
    EXPECT_EQ(OutOfMemoryText(MemoryLimit(cgroup)), "out of memory") << layout.name;
  }
}

TEST(MemoryCgroupTest, AMissingCgroupIsUnknownNotZero) {
  TempDir root;
  MemoryCgroup cgroup = FindMemoryCgroup(root.path(), "/berth/gone");
  EXPECT_TRUE(cgroup.events_file.empty());
  EXPECT_EQ(OomKills(cgroup), -1);
  EXPECT_EQ(MemoryLimit(cgroup), -1);
  EXPECT_TRUE(FindMemoryCgroup(root.path(), "").events_file.empty());
}

TEST(MemoryCgroupTest, FormatsMemoryAsResourceLimitTakesIt) {
  EXPECT_EQ(FormatMemory(int64_t{32} << 20), "32M");
  EXPECT_EQ(FormatMemory(int64_t{3} << 30), "3G");
  EXPECT_EQ(FormatMemory(1536 * 1024), "1536K");
  EXPECT_EQ(FormatMemory(1000), "1000");
}

}  // namespace
}  // namespace berth::shim
