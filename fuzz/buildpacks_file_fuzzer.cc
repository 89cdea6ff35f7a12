// A .buildpacks file from an app's repository (and each line as a reference
// given to buildpacks:add): every accepted reference writes back to text that
// parses to the same reference.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/build/buildpack_ref.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto refs = berth::ParseBuildpacksFile(text);
  if (!refs.ok()) {
    BERTH_FUZZ_CHECK(refs.status().message().starts_with(".buildpacks"));
    return 0;
  }
  for (const berth::BuildpackRef& ref : *refs) {
    BERTH_FUZZ_CHECK(!ref.url.empty());
    auto again = berth::ParseBuildpackRef(ref.ToString());
    BERTH_FUZZ_CHECK(again.ok());
    BERTH_FUZZ_CHECK(again->url == ref.url && again->ref == ref.ref);
  }
  return 0;
}
