// Reading an app's logs: the output of all its containers (the processes of
// every deploy generation and its detached runs), merged in time order, and
// following it as containers restart, come and go.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/base/output.h"
#include "core/cli/logs_lines.h"
#include "core/runtime/container_runtime.h"

namespace berth {

class AppLogReader {
 public:
  // Reads the containers of `app` whose dyno `process` selects (see DynoSelected).
  AppLogReader(ContainerRuntime& runtime, std::string app, std::string process);

  // The last `num` lines (0: all) of the selected containers, merged. Also
  // notes where each container's log ends, so Next() continues from there.
  Result<std::vector<AppLogLine>> Recent(size_t num);

  // What was written since the last call, merged: the new lines of containers
  // read before (their shim restarting them keeps the same log) and every line
  // of containers that appeared since (a new deploy generation, a scale-up).
  // Containers that are gone are forgotten.
  Result<std::vector<AppLogLine>> Next();

 private:
  Result<std::vector<std::string>> Containers();
  std::vector<AppLogLine> Parse(const std::string& id, const std::vector<std::string>& raw) const;

  ContainerRuntime& runtime_;
  std::string app_;
  std::string process_;
  std::map<std::string, uint64_t> offsets_;  // container id -> where its log was read to
};

// What a follow loop waits on: the pause between polls and the reason to stop.
class FollowControl {
 public:
  virtual ~FollowControl() = default;
  // Waits before the next poll.
  virtual void Wait() = 0;
  // True once following should end (interrupted, or the reader went away).
  virtual bool Stopped() = 0;
};

// Prints what `reader` has next (as FormatAppLogLine with `raw`) until
// `control` says stop or `out` can no longer be written; Ok then.
Status FollowAppLogs(AppLogReader& reader, Output& out, bool raw, FollowControl& control);

}  // namespace berth
