// A .slugignore from an app's repository, then matching a path against it:
// the first line is the patterns' text, the rest a path to match.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/build/slugignore.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\x01');
  std::string_view text = input.substr(0, split);
  std::string_view path = split == std::string_view::npos ? "a/b" : input.substr(split + 1);
  auto ignore = berth::SlugIgnore::Parse(text);
  if (!ignore.ok()) {
    BERTH_FUZZ_CHECK(!ignore.status().message().empty());
    return 0;
  }
  (void)ignore->Ignored(path, false);
  (void)ignore->Ignored(path, true);
  return 0;
}
