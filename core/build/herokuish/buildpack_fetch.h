// Getting buildpacks ready for a build: built-in ones by name, others from a
// git URL (cached as a mirror per URL), a tarball URL or a local directory.
#pragma once

#include <string>
#include <vector>

#include "core/base/process.h"
#include "core/base/status.h"
#include "core/build/buildpack_ref.h"

namespace berth {

// A buildpack on the host, ready to be mounted read-only into the build container.
struct FetchedBuildpack {
  std::string name;      // for the mount point: NN-name
  std::string host_dir;  // holds bin/compile
};

// The built-in buildpacks in detection order: nodejs, python, go, static,
// make, procfile (those present in `builtin_dir`).
std::vector<FetchedBuildpack> BuiltinBuildpacks(const std::string& builtin_dir);

// Makes `ref` available on the host: git refs are fetched into a mirror under
// `cache_dir` and their tree exported into `work_dir`; tarballs are downloaded
// (curl) and unpacked into `work_dir`; local directories are used as they are.
// Fails when the result has no executable bin/compile.
Result<FetchedBuildpack> FetchBuildpack(ProcessRunner& runner, const BuildpackRef& ref,
                                        const std::string& cache_dir, const std::string& work_dir);

}  // namespace berth
