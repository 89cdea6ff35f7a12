// berth-shim's entry: `init -- CMD...` inside a container, `start OPTIONS` on
// the host (see shim.h).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/shim/shim.h"

namespace {

int Usage() {
  std::fputs(
      "usage: berth-shim init -- COMMAND...\n"
      "       berth-shim start --bundle DIR --id ID --runtime BIN --runtime-root DIR\n"
      "                        [--cgroup PATH] [--restart no|always|on-failure[:N]]\n"
      "                        [--stop-timeout-ms MS] [--log-max-bytes N]\n"
      "                        [--backoff-ms FIRST:MAX]\n",
      stderr);
  return 2;
}

bool ValidRestart(const std::string& p) {
  if (p == "no" || p == "always" || p == "on-failure") return true;
  if (p.rfind("on-failure:", 0) != 0 || p.size() == 11) return false;
  return p.find_first_not_of("0123456789", 11) == std::string::npos;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "init") == 0) return berth::shim::RunInit(argc, argv);
  if (argc < 2 || std::strcmp(argv[1], "start") != 0) return Usage();
  berth::shim::SuperviseOptions o;
  for (int i = 2; i < argc; i += 2) {
    if (i + 1 >= argc) return Usage();
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--bundle") o.bundle = value;
    else if (flag == "--id") o.id = value;
    else if (flag == "--runtime") o.runtime = value;
    else if (flag == "--runtime-root") o.runtime_root = value;
    else if (flag == "--cgroup") o.cgroup = value;
    else if (flag == "--restart") o.restart = value;
    else if (flag == "--stop-timeout-ms") o.stop_timeout_ms = std::atol(value.c_str());
    else if (flag == "--log-max-bytes") o.log_max_bytes = std::atol(value.c_str());
    else if (flag == "--backoff-ms") {
      o.backoff_first_ms = std::atol(value.c_str());
      size_t colon = value.find(':');
      if (colon != std::string::npos) o.backoff_max_ms = std::atol(value.c_str() + colon + 1);
    } else {
      return Usage();
    }
  }
  if (o.bundle.empty() || o.id.empty() || o.runtime.empty() || o.runtime_root.empty() ||
      !ValidRestart(o.restart) || o.stop_timeout_ms < 0 || o.log_max_bytes <= 0 ||
      o.backoff_first_ms <= 0 || o.backoff_max_ms < o.backoff_first_ms) {
    return Usage();
  }
  return berth::shim::StartDetached(o);
}
