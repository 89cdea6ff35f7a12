// What a container's memory cgroup says about how it ended: how many of its
// processes the kernel's OOM killer took and what its limit was. Read by
// berth-shim for detached containers and by the OCI runtime for attached ones,
// after the container has exited but before the runtime deletes the cgroup.
// cgroup v1: memory/PATH/memory.oom_control ("oom_kill N"), memory.limit_in_bytes;
// cgroup v2: PATH/memory.events ("oom_kill N"), memory.max.
// Header-only and libc-only: berth-shim links no C++ streams.
#pragma once

#include <unistd.h>

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace berth::shim {

struct MemoryCgroup {
  std::string events_file;  // holds "oom_kill N"; empty when no memory cgroup was found
  std::string limit_file;
};

// The memory cgroup `cgroup_path` (the OCI cgroupsPath, e.g. /berth/ID) under
// the cgroup mount `root` (/sys/fs/cgroup), v1 first, as a hybrid host has both.
inline MemoryCgroup FindMemoryCgroup(const std::string& root, const std::string& cgroup_path) {
  MemoryCgroup found;
  if (cgroup_path.empty()) return found;
  std::string v1 = root + "/memory" + cgroup_path;
  std::string v2 = root + cgroup_path;
  if (::access((v1 + "/memory.oom_control").c_str(), R_OK) == 0) {
    found = {v1 + "/memory.oom_control", v1 + "/memory.limit_in_bytes"};
  } else if (::access((v2 + "/memory.events").c_str(), R_OK) == 0) {
    found = {v2 + "/memory.events", v2 + "/memory.max"};
  }
  return found;
}

// The value of the line "KEY N" in a flat-keyed cgroup file; -1 when absent.
inline int64_t ReadCgroupKey(const std::string& file, const char* key) {
  FILE* f = std::fopen(file.c_str(), "re");
  if (f == nullptr) return -1;
  char name[64];
  long long value = 0;
  int64_t found = -1;
  while (std::fscanf(f, "%63s %lld", name, &value) == 2) {
    if (std::strcmp(name, key) == 0) found = value;
  }
  std::fclose(f);
  return found;
}

// OOM kills in the cgroup so far; -1 when unknown (no cgroup, or an old kernel).
inline int64_t OomKills(const MemoryCgroup& cgroup) {
  return cgroup.events_file.empty() ? -1 : ReadCgroupKey(cgroup.events_file, "oom_kill");
}

// The memory limit in bytes; -1 when there is none ("max", or v1's page-counter maximum).
inline int64_t MemoryLimit(const MemoryCgroup& cgroup) {
  FILE* f = cgroup.limit_file.empty() ? nullptr : std::fopen(cgroup.limit_file.c_str(), "re");
  if (f == nullptr) return -1;
  long long bytes = -1;
  if (std::fscanf(f, "%lld", &bytes) != 1) bytes = -1;
  std::fclose(f);
  return bytes <= 0 || bytes >= (int64_t{1} << 62) ? -1 : bytes;
}

// 64M, 1G, 1536K: bytes the way resource:limit takes them.
inline std::string FormatMemory(int64_t bytes) {
  const char* units = "KMGT";
  int unit = -1;
  while (unit < 3 && bytes > 0 && bytes % 1024 == 0) bytes /= 1024, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, "%" PRId64 "%.*s", bytes, unit < 0 ? 0 : 1,
                units + (unit < 0 ? 0 : unit));
  return text;
}

// "out of memory (limit 64M)", or without the limit when there was none.
inline std::string OutOfMemoryText(int64_t limit) {
  return limit > 0 ? "out of memory (limit " + FormatMemory(limit) + ")" : "out of memory";
}

}  // namespace berth::shim
