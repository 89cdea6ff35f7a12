#include "core/cli/pipeline.h"

#include <unistd.h>

#include <cerrno>

#include "core/base/files.h"

namespace berth {
namespace {

const PipelineHandlers* installed = nullptr;

}  // namespace

void InstallPipelineHandlers(const PipelineHandlers& handlers) { installed = &handlers; }

Handler PipelineHandler(std::string_view command) {
  if (installed == nullptr) return nullptr;
  auto it = installed->find(command);
  return it == installed->end() ? nullptr : it->second;
}

bool NeedsPipeline(const std::vector<std::string>& words) {
  if (installed != nullptr || words.empty()) return false;  // this is berth-pipeline
  const CommandSpec* spec = BuiltinCommands().Find(words[0]);
  return spec != nullptr && spec->handler == nullptr;
}

Status ExecPipeline(const std::string& berth_bin, char** argv) {
  std::string pipeline = berth_bin.substr(0, berth_bin.rfind('/') + 1) + "berth-pipeline";
  ::execv(pipeline.c_str(), argv);
  return Internal(ErrnoMessage("could not start " + pipeline + " (it is installed beside berth; "
                               "reinstall berth)"));
}

}  // namespace berth
