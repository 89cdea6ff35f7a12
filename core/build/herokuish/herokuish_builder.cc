#include "core/build/herokuish/herokuish_builder.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/base/contained_path.h"
#include "core/base/files.h"
#include "core/build/herokuish/buildpack_fetch.h"
#include "core/runtime/container_spec.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

// Gives the app user the tree at `path` (the build runs as that user).
Status ChownTree(const std::string& path) {
  std::error_code ec;
  auto own = [](const fs::path& p) {
    return ::lchown(p.c_str(), kAppUid, kAppGid) == 0 || errno == ENOENT;
  };
  if (!own(path)) return Internal(ErrnoMessage("chown " + path));
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!own(it->path())) return Internal(ErrnoMessage("chown " + it->path().string()));
  }
  if (ec) return Internal("cannot walk " + path + ": " + ec.message());
  return Status::Ok();
}

Status WriteEnvDir(const std::string& dir, const std::map<std::string, std::string>& config) {
  BERTH_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  for (const auto& [key, value] : config) {
    BERTH_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + key, value, 0600));
  }
  return ChownTree(dir);
}

std::string TwoDigits(size_t i) { return (i < 10 ? "0" : "") + std::to_string(i); }

// "NAME\tDIR" lines the build driver wrote.
std::vector<std::string> UsedBuildpacks(const std::string& text) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty()) names.push_back(line.substr(0, line.find('\t')));
    start = end + 1;
  }
  return names;
}

}  // namespace

Result<HerokuishResult> RunHerokuishBuild(ContainerRuntime& runtime, ProcessRunner& runner,
                                          Output& out, const HerokuishBuild& build) {
  std::vector<FetchedBuildpack> buildpacks;
  bool detect = build.buildpacks.empty();
  if (detect) {
    buildpacks = BuiltinBuildpacks(build.builtin_dir);
  } else {
    for (const BuildpackRef& ref : build.buildpacks) {
      out.Step("Fetching buildpack " + ref.ToString());
      out.Flush();
      BERTH_ASSIGN_OR_RETURN(FetchedBuildpack bp,
                             FetchBuildpack(runner, ref, build.buildpack_cache_dir,
                                            build.work_dir + "/buildpacks"));
      buildpacks.push_back(bp);
    }
  }
  if (buildpacks.empty()) return FailedPrecondition("No buildpacks are installed in " + build.builtin_dir);

  std::string env_dir = build.work_dir + "/env";
  std::string output_dir = build.work_dir + "/output";
  BERTH_RETURN_IF_ERROR(WriteEnvDir(env_dir, build.config));
  BERTH_RETURN_IF_ERROR(MakeDirs(output_dir, 0755));
  BERTH_RETURN_IF_ERROR(MakeDirs(build.cache_dir, 0755));
  for (const std::string& dir : {output_dir, build.cache_dir, build.source_dir}) {
    BERTH_RETURN_IF_ERROR(ChownTree(dir));
  }

  ContainerSpec spec;
  spec.id = build.container_id;
  spec.hostname = build.app + ".build";
  spec.args = {"/.berth/builder/build", detect ? "detect" : "all"};
  spec.mounts = {{build.source_dir, "/tmp/build", false},
                 {build.source_dir, "/app", false},
                 {build.cache_dir, "/tmp/cache", false},
                 {env_dir, "/tmp/env", true},
                 {output_dir, "/tmp/output", false},
                 {build.builder_dir, "/.berth/builder", true}};
  if (PathExists("/etc/resolv.conf")) spec.mounts.push_back({"/etc/resolv.conf", "/etc/resolv.conf", true});
  for (size_t i = 0; i < buildpacks.size(); ++i) {
    std::string target = "/tmp/buildpacks/" + TwoDigits(i) + "-" + buildpacks[i].name;
    spec.mounts.push_back({buildpacks[i].host_dir, target, true});
    spec.args.push_back(target);
  }
  spec.env = build.env;
  spec.env["STACK"] = build.stack_name;
  spec.env["HOME"] = "/app";
  spec.env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  spec.env["CACHE_PATH"] = "/tmp/cache";
  spec.cwd = "/tmp/build";
  spec.network = NetworkMode::kHost;  // npm and Debian registries; see DESIGN.md
  spec.cgroup_path = "/berth/" + spec.id;
  out.Flush();
  BERTH_ASSIGN_OR_RETURN(int code, runtime.RunAttached(spec, build.stack_layers));
  if (code != 0) return FailedPrecondition("The build failed (the buildpack's output is above)");

  HerokuishResult result;
  // The build wrote these as the app user: read them only inside output/.
  BERTH_ASSIGN_OR_RETURN(std::string used, ReadFileInside(output_dir, "buildpacks"));
  result.buildpacks = UsedBuildpacks(used);
  auto compile_ms = ReadFileInside(output_dir, "compile_ms");
  if (compile_ms.ok()) result.compile_ms = std::atoll(compile_ms->c_str());
  auto release_yaml = ReadFileInside(output_dir, "release.yml");
  std::string last = result.buildpacks.empty() ? "the buildpack" : result.buildpacks.back();
  BERTH_ASSIGN_OR_RETURN(result.release,
                         ParseBuildpackRelease(release_yaml.ok() ? *release_yaml : "", last));
  return result;
}

}  // namespace berth
