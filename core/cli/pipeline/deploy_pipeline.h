// From new source to a recorded release: the stages every push, archive,
// sync and rebuild go through, each firing its triggers. Until containers are
// deployed by the scheduler, a deploy ends when release vN is recorded.
#pragma once

#include <functional>
#include <string>

#include "core/cli/command.h"

namespace berth {

struct DeploySource {
  std::string app;
  std::string source_type;  // git, archive, sync, rebuild (pre-receive-app's SOURCE_TYPE)
  std::string rev;          // the commit id (an archive's digest)
  std::string description;  // the release's description, "Deploy 3f2c1a0"
  // Writes the source into the (empty) directory it is given.
  std::function<Status(const std::string& dir)> extract;
};

// Holds the app's deploy lock, keeps the whole output in builds/APP/*.log,
// then: extract, receive-app, post-extract, pre-receive-app, builder
// selection, build, slug, pre-release, the `release` process, the release
// record, post-release. Returns the new version. On failure nothing changes:
// the error has been printed (and logged) and the previous release stays.
Result<int> DeployFromSource(Context& ctx, const DeploySource& source);

// Records a release of an existing slug (a rollback): same checks and
// triggers from pre-release on.
Result<int> ReleaseExistingSlug(Context& ctx, const std::string& app, const ReleaseRecord& base,
                                const std::string& description);

}  // namespace berth
