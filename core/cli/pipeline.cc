#include "core/cli/pipeline.h"

#include <unistd.h>

#include <cerrno>
#include <set>

#include "core/base/files.h"

namespace berth {
namespace {

const PipelineHandlers* installed = nullptr;

// The commands registered through PipelineHandler().
std::set<std::string, std::less<>>& PipelineNames() {
  static std::set<std::string, std::less<>> names;
  return names;
}

}  // namespace

void InstallPipelineHandlers(const PipelineHandlers& handlers) { installed = &handlers; }

Handler PipelineHandler(std::string_view command) {
  PipelineNames().emplace(command);
  if (installed == nullptr) return nullptr;
  auto it = installed->find(command);
  return it == installed->end() ? nullptr : it->second;
}

bool NeedsPipeline(const std::vector<std::string>& words) {
  if (installed != nullptr || words.empty()) return false;  // this is berth-pipeline
  return IsPipelineCommand(words[0]);
}

bool IsPipelineCommand(std::string_view command) {
  (void)BuiltinCommands();  // registers the command table, naming the pipeline's commands
  return PipelineNames().contains(command);
}

Status ExecPipeline(const std::string& berth_bin, char** argv) {
  std::string pipeline = berth_bin.substr(0, berth_bin.rfind('/') + 1) + "berth-pipeline";
  ::execv(pipeline.c_str(), argv);
  return Internal(ErrnoMessage("could not start " + pipeline + " (it is installed beside berth; "
                               "reinstall berth)"));
}

}  // namespace berth
