// app.json from an app's repository: any bytes give settings inside their
// documented ranges, or an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/build/app_json.h"
#include "core/build/procfile.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto app = berth::ParseAppJson(text);
  if (!app.ok()) {
    BERTH_FUZZ_CHECK(app.status().message().starts_with("app.json"));
    return 0;
  }
  for (const auto& [type, quantity] : app->formation) {
    BERTH_FUZZ_CHECK(berth::IsValidProcessType(type));
    BERTH_FUZZ_CHECK(quantity >= 0 && quantity <= 1000);
  }
  for (const auto& [type, checks] : app->healthchecks) {
    BERTH_FUZZ_CHECK(berth::IsValidProcessType(type));
    for (const berth::Healthcheck& check : checks) {
      BERTH_FUZZ_CHECK(check.port >= 0 && check.port <= 65535);
      BERTH_FUZZ_CHECK(check.attempts >= 0 && check.timeout >= 0 && check.wait >= 0);
    }
  }
  return 0;
}
