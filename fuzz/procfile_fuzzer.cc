// A Procfile from an app's repository: any bytes give process types that the
// scheduler can use, or an error.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/build/procfile.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto types = berth::ParseProcfile(text);
  if (!types.ok()) {
    BERTH_FUZZ_CHECK(types.status().message().starts_with("Procfile"));
    return 0;
  }
  std::set<std::string> names;
  for (const berth::ProcessType& type : *types) {
    BERTH_FUZZ_CHECK(berth::IsValidProcessType(type.name));
    BERTH_FUZZ_CHECK(!type.command.empty());
    BERTH_FUZZ_CHECK(type.command.find('\0') == std::string::npos);
    BERTH_FUZZ_CHECK(names.insert(type.name).second);
  }
  return 0;
}
