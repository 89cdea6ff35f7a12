// What a buildpack's bin/release prints: any bytes give valid process types
// and config var names, or an error; the .profile.d script written from the
// config vars never holds a NUL.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/validate.h"
#include "core/build/buildpack_release.h"
#include "core/build/procfile.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto release = berth::ParseBuildpackRelease(yaml, "fuzz");
  if (!release.ok()) {
    BERTH_FUZZ_CHECK(release.status().message().starts_with("bin/release of fuzz"));
    return 0;
  }
  for (const auto& [type, command] : release->default_process_types) {
    BERTH_FUZZ_CHECK(berth::IsValidProcessType(type));
    BERTH_FUZZ_CHECK(!command.empty());
  }
  for (const auto& [key, value] : release->config_vars) {
    BERTH_FUZZ_CHECK(berth::ValidateEnvKey(key).ok());
  }
  std::string script = berth::ConfigVarsProfileScript(release->config_vars);
  BERTH_FUZZ_CHECK(script.find('\0') == std::string::npos);
  return 0;
}
