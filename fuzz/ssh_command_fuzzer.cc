// SSH_ORIGINAL_COMMAND as the ssh entrypoint reads it: split into words without
// a shell, then ssh-dispatch's own arguments. Quoting the words back and
// splitting again must give the same words (what `berth` prints for a user to
// paste is read back unchanged).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/shell_words.h"
#include "core/cli/ssh_dispatch.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string command(reinterpret_cast<const char*>(data), size);  // c_str() stops at a NUL
  auto words = berth::SshCommandWords(command.c_str());
  if (!words.ok()) {
    BERTH_FUZZ_CHECK(!words.status().message().empty());
    return 0;
  }
  (void)berth::IsGitTransport(*words);
  std::string quoted;
  for (const std::string& word : *words) quoted += berth::ShellQuote(word) + " ";
  auto again = berth::SplitShellWords(quoted);
  BERTH_FUZZ_CHECK(again.ok());
  BERTH_FUZZ_CHECK(*again == *words);

  auto identity = berth::ParseSshDispatchArgs(*words);
  if (identity.ok()) BERTH_FUZZ_CHECK(!identity->key_name.empty());
  return 0;
}
