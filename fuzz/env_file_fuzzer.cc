// An env file piped to `config:import`: any bytes give valid keys and values
// or a "Line N: ..." error, and what parses, written again in each format
// `config:export` writes, parses back to the same vars.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/env_file.h"
#include "core/base/validate.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool base64 : {false, true}) {
    auto vars = berth::ParseEnvFile(text, base64);
    if (!vars.ok()) {
      BERTH_FUZZ_CHECK(vars.status().message().starts_with("Line "));
      continue;
    }
    for (const auto& [key, value] : *vars) {
      BERTH_FUZZ_CHECK(berth::ValidateEnvKey(key).ok());
      BERTH_FUZZ_CHECK(berth::ValidateEnvValue(key, value).ok());
    }
    for (auto format : {berth::EnvFileFormat::kEnvfile, berth::EnvFileFormat::kExports,
                        berth::EnvFileFormat::kShell}) {
      auto again = berth::ParseEnvFile(berth::FormatEnvFile(*vars, format));
      BERTH_FUZZ_CHECK(again.ok());
      BERTH_FUZZ_CHECK(*again == *vars);
    }
  }
  return 0;
}
