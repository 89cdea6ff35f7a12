// storage:mount's "HOST:CONTAINER[:ro]": an accepted mount has plain absolute
// paths on both sides and its canonical text parses back to the same mount.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/runtime/storage.h"
#include "fuzz/fuzz_check.h"

namespace {

bool Plain(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  return path.find("/../") == std::string::npos && !path.ends_with("/..") &&
         path.find("/./") == std::string::npos && !path.ends_with("/.") &&
         path.find("//") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mount = berth::ParseStorageMount(text);
  if (!mount.ok()) return 0;
  BERTH_FUZZ_CHECK(Plain(mount->host_path) && Plain(mount->container_path));
  auto again = berth::ParseStorageMount(berth::StorageMountText(*mount));
  BERTH_FUZZ_CHECK(again.ok());
  BERTH_FUZZ_CHECK(berth::StorageMountText(*again) == berth::StorageMountText(*mount));
  return 0;
}
