// logs:failed: what the new containers of a failed deploy wrote, and why it
// failed, kept before the scheduler removes them. One record per app,
// BERTH_ROOT/logs/APP/failed/deploy.json, replaced by the next failed deploy.
#pragma once

#include <string>
#include <vector>

#include "core/cli/command.h"

namespace berth {

struct FailedContainer {
  std::string id;
  std::string check_output;  // what its health checks printed; may be empty
};

// Saves `reason` and the logs of `containers` (call it before they are
// removed) as the app's last failed deploy. Best effort: a problem saving is a
// warning, never the deploy's error.
void SaveFailedDeploy(Context& ctx, const std::string& app,
                      const std::vector<FailedContainer>& containers, const std::string& reason);

// Prints the app's last failed deploy: a header with its time, the reason,
// each container's check output, then their logs merged as `logs` prints
// them. False when none is recorded.
Result<bool> PrintFailedDeploy(Context& ctx, const std::string& app);

}  // namespace berth
