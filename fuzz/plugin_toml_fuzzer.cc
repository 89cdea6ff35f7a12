// A plugin's plugin.toml: any bytes give a manifest whose config keys are
// valid variable names (they are exported to the plugin's scripts), or an error
// naming the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/validate.h"
#include "core/plugins/plugin_manifest.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = berth::ParsePluginManifest(text, "plugin.toml");
  if (!manifest.ok()) {
    BERTH_FUZZ_CHECK(manifest.status().message().starts_with("plugin.toml"));
    return 0;
  }
  for (const auto& [key, value] : manifest->config) {
    BERTH_FUZZ_CHECK(berth::ValidateEnvKey(key).ok());
  }
  return 0;
}
