// The herokuish-compatible builder: runs Heroku buildpacks (detect, compile,
// release) in a build container on the app's stack, as the app user, with the
// source at /tmp/build (and /app), the app's cache at /tmp/cache, its config
// as files in /tmp/env and the buildpacks under /tmp/buildpacks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/base/output.h"
#include "core/base/process.h"
#include "core/build/buildpack_ref.h"
#include "core/build/buildpack_release.h"
#include "core/runtime/container_runtime.h"

namespace berth {

struct HerokuishBuild {
  std::string app;
  std::string container_id;    // unique on the host, e.g. APP.build.N
  std::string source_dir;      // built in place: becomes the slug (/app)
  std::string cache_dir;       // persists between builds of the app
  std::string work_dir;        // scratch (env/, output/, fetched buildpacks); the caller removes it
  std::map<std::string, std::string> config;  // the app's config vars
  std::map<std::string, std::string> env;     // extra environment (GIT_REV, SOURCE_VERSION)
  std::vector<std::string> stack_layers;      // overlay lower dirs, topmost first
  std::string stack_name;
  std::vector<BuildpackRef> buildpacks;       // empty: detect over the built-in ones
  std::string builtin_dir;     // share/buildpacks
  std::string builder_dir;     // share/builder (mounted at /.berth/builder)
  std::string buildpack_cache_dir;  // git mirrors of external buildpacks
};

struct HerokuishResult {
  std::vector<std::string> buildpacks;  // names, in the order they ran
  BuildpackRelease release;             // the last buildpack's bin/release
  int64_t compile_ms = 0;               // time spent in bin/compile
};

// Runs the build; its output streams to berth's stdout and stderr as it
// happens. A failing buildpack gives kFailedPrecondition.
Result<HerokuishResult> RunHerokuishBuild(ContainerRuntime& runtime, ProcessRunner& runner,
                                          Output& out, const HerokuishBuild& build);

}  // namespace berth
