#include "core/cli/pipeline/deploy_pipeline.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/base/contained_path.h"
#include "core/base/files.h"
#include "core/base/strings.h"
#include "core/build/app_json.h"
#include "core/build/buildpack_ref.h"
#include "core/build/herokuish/herokuish_builder.h"
#include "core/build/procfile.h"
#include "core/build/slug.h"
#include "core/cli/app_container.h"
#include "core/cli/build_settings.h"
#include "core/cli/git_settings.h"
#include "core/cli/deploy_lock.h"
#include "core/cli/pipeline/output_tee.h"
#include "core/cli/proxy_custom_template.h"
#include "core/cli/scheduler.h"
#include "core/plugins/trigger_catalogue.h"
#include "core/runtime/stacks.h"

namespace berth {

Result<std::string> SelectedStack(Context& ctx, const std::string& app);  // stacks_commands.cc

namespace {

namespace fs = std::filesystem;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A deploy's scratch space under $BERTH_ROOT/tmp, removed when it ends.
struct Workspace {
  std::string dir;
  std::string src;   // the source, built in place (becomes /app)
  std::string work;  // the builder's scratch
  ~Workspace() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

Status MakeWorkspace(const std::string& root, const std::string& app, Workspace& ws) {
  ws.dir = root + "/tmp/deploy-" + app + "-" + std::to_string(::getpid()) + "-" +
           std::to_string(NowMs());
  ws.src = ws.dir + "/src";
  ws.work = ws.dir + "/work";
  BERTH_RETURN_IF_ERROR(MakeDirs(ws.src, 0755));
  return MakeDirs(ws.work, 0755);
}

// What a build reads from the app's repo, validated before anything runs.
struct SourceFiles {
  AppJson app_json;
  std::vector<ProcessType> procfile;
  std::string buildpacks_file;  // .buildpacks
};

Result<SourceFiles> ReadSourceFiles(const std::string& src) {
  SourceFiles files;
  BERTH_ASSIGN_OR_RETURN(std::string app_json, ReadFileInside(src, "app.json"));
  if (!app_json.empty()) {
    BERTH_ASSIGN_OR_RETURN(files.app_json, ParseAppJson(app_json));
  }
  BERTH_ASSIGN_OR_RETURN(std::string procfile, ReadFileInside(src, "Procfile"));
  BERTH_ASSIGN_OR_RETURN(files.procfile, ParseProcfile(procfile));
  BERTH_ASSIGN_OR_RETURN(files.buildpacks_file, ReadFileInside(src, ".buildpacks"));
  return files;
}

Result<std::string> SelectBuilder(Context& ctx, const std::string& app, const std::string& src) {
  BERTH_ASSIGN_OR_RETURN(auto answer, ctx.plugins.Query({triggers::kBuilderDetect, {app, src}, app, ""}));
  std::string builder;
  if (answer) {
    builder = *answer;
  } else {
    BERTH_ASSIGN_OR_RETURN(builder, SelectedBuilder(ctx, app));
  }
  if (builder.empty()) builder = "herokuish";
  if (builder != "herokuish" && builder != "null") {
    return FailedPrecondition("Unknown builder '" + builder.substr(0, 40) +
                              "': berth builds with herokuish (buildpacks) or null (no build)");
  }
  return builder;
}

// BUILDPACK_URL, else .buildpacks, else buildpacks:add/set, else app.json's
// buildpacks; empty: detection over the built-in ones.
Result<std::vector<BuildpackRef>> SelectBuildpacks(Context& ctx, const std::string& app,
                                                   const EnvMap& config, const SourceFiles& files) {
  std::vector<BuildpackRef> refs;
  if (auto url = config.find("BUILDPACK_URL"); url != config.end() && !url->second.empty()) {
    BERTH_ASSIGN_OR_RETURN(BuildpackRef ref, ParseBuildpackRef(url->second));
    refs.push_back(ref);
    return refs;
  }
  if (!files.buildpacks_file.empty()) {
    BERTH_ASSIGN_OR_RETURN(refs, ParseBuildpacksFile(files.buildpacks_file));
    if (!refs.empty()) return refs;
  }
  BERTH_ASSIGN_OR_RETURN(auto stored, AppBuildpacks(ctx, app));
  const std::vector<std::string>& urls = stored.empty() ? files.app_json.buildpacks : stored;
  for (const std::string& url : urls) {
    BERTH_ASSIGN_OR_RETURN(BuildpackRef ref, ParseBuildpackRef(url));
    refs.push_back(ref);
  }
  return refs;
}

// Procfile entries over the buildpack's default process types.
std::map<std::string, std::string> ProcessTypes(Output& out, const std::vector<ProcessType>& procfile,
                                                const BuildpackRelease& release) {
  std::map<std::string, std::string> types = release.default_process_types;
  std::vector<std::string> declared;
  for (const ProcessType& p : procfile) {
    types[p.name] = p.command;
    declared.push_back(p.name);
  }
  out.Step("Discovering process types");
  if (!declared.empty()) out.Detail("Procfile declares types -> " + JoinStrings(declared, ", "));
  std::vector<std::string> defaults;
  for (const auto& [type, command] : release.default_process_types) {
    bool overridden = false;
    for (const auto& d : declared) overridden = overridden || d == type;
    if (!overridden) defaults.push_back(type);
  }
  if (!defaults.empty()) out.Detail("Default types for buildpack -> " + JoinStrings(defaults, ", "));
  if (!types.contains("web")) {
    out.Warn("No web process type: the app will not receive HTTP traffic");
  }
  return types;
}

Result<HerokuishResult> Build(Context& ctx, const std::string& app, const std::string& rev,
                              const EnvMap& config, const SourceFiles& files, const Workspace& ws,
                              const std::string& stack_name, const StackInfo& stack) {
  BERTH_ASSIGN_OR_RETURN(auto refs, SelectBuildpacks(ctx, app, config, files));
  HerokuishBuild build;
  build.app = app;
  build.container_id = app + ".build." + std::to_string(NewRunInstance());
  build.source_dir = ws.src;
  build.cache_dir = ctx.env.root + "/cache/" + app;
  build.work_dir = ws.work;
  build.config = config;
  build.env = {{"GIT_REV", rev}, {"SOURCE_VERSION", rev}};
  build.stack_layers = {stack.rootfs};
  build.stack_name = stack_name;
  build.buildpacks = refs;
  build.builtin_dir = ctx.env.share_dir + "/buildpacks";
  build.builder_dir = ctx.env.share_dir + "/builder";
  build.buildpack_cache_dir = ctx.env.root + "/cache/_buildpacks";
  return RunHerokuishBuild(ctx.runtime, ctx.runner, ctx.out, build);
}

// Unpacks the slug as an overlay layer ($BERTH_ROOT/slugs/DIGEST/app) once.
Status EnsureSlugLayer(const std::string& root, const std::string& digest) {
  std::string layer = SlugLayerDir(root, digest);
  if (PathExists(layer + "/app")) return Status::Ok();
  BERTH_RETURN_IF_ERROR(MakeDirs(layer, 0755));
  BERTH_RETURN_IF_ERROR(UnpackSlug(root + "/slugs/" + digest + ".tar.zst", layer + "/app"));
  if (::chown((layer + "/app").c_str(), kAppUid, kAppGid) != 0 && ::geteuid() == 0) {
    return Internal(ErrnoMessage("chown " + layer + "/app"));
  }
  return Status::Ok();
}

// Deploys the candidate as the app's next release (the version it will get).
Status Deploy(Context& ctx, const std::string& app, const RunningRelease& candidate,
              const std::map<std::string, std::string>& process_types) {
  BERTH_ASSIGN_OR_RETURN(auto existing, ctx.store->ListReleases(app));
  int next = existing.empty() ? 1 : existing.front().version + 1;
  return DeployProcesses(ctx, app, {candidate, process_types, "v" + std::to_string(next)});
}

// pre-release, the release command, the deploy, the record, post-release.
Result<int> Release(Context& ctx, const std::string& app, ReleaseRecord record) {
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire(
      {triggers::kPreRelease, {record.builder, app, record.slug_digest}, app, ""}));
  BERTH_RETURN_IF_ERROR(EnsureSlugLayer(ctx.env.root, record.slug_digest));
  RunningRelease candidate{0, SlugLayerDir(ctx.env.root, record.slug_digest), record.git_rev};
  if (auto release = record.process_types.find("release"); release != record.process_types.end()) {
    Status ran = RunOneOffCommand(ctx, app, candidate, "release", release->second);
    if (!ran.ok()) return FailedPrecondition(ran.message() + "; the release was not created");
  }
  BERTH_ASSIGN_OR_RETURN(auto custom_template, StageCustomTemplate(ctx, app, candidate.slug_layer));
  BERTH_RETURN_IF_ERROR(Deploy(ctx, app, candidate, record.process_types));
  custom_template.Keep();
  BERTH_ASSIGN_OR_RETURN(record.config, ctx.store->GetEnv(Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(int version, ctx.store->AddRelease(app, record));
  std::string v = "v" + std::to_string(version);
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostRelease, {app, v}, app, ""}));
  ctx.out.Step("Release " + v + " created: " + record.description);
  return version;
}

Result<int> RunStages(Context& ctx, const DeploySource& source) {
  const std::string& app = source.app;
  Workspace ws;
  BERTH_RETURN_IF_ERROR(MakeWorkspace(ctx.env.root, app, ws));
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kReceiveApp, {app, source.rev}, app, ""}));
  BERTH_RETURN_IF_ERROR(source.extract(ws.src));
  BERTH_RETURN_IF_ERROR(
      ctx.plugins.Fire({triggers::kPostExtract, {app, ws.src, source.rev}, app, ""}));
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire(
      {triggers::kPreReceiveApp, {app, source.source_type, ws.src, source.rev}, app, ""}));
  BERTH_ASSIGN_OR_RETURN(SourceFiles files, ReadSourceFiles(ws.src));
  BERTH_ASSIGN_OR_RETURN(std::string builder, SelectBuilder(ctx, app, ws.src));
  BERTH_ASSIGN_OR_RETURN(std::string stack_name, SelectedStack(ctx, app));
  BERTH_ASSIGN_OR_RETURN(StackInfo stack, CurrentStack(ctx.env.root, stack_name));
  BERTH_ASSIGN_OR_RETURN(EnvMap config, ctx.store->GetEnv(Scope::App(app)));
  BERTH_ASSIGN_OR_RETURN(EnvMap global, ctx.store->GetEnv(Scope::Global()));
  for (const auto& [k, v] : global) config.try_emplace(k, v);

  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPreBuild, {builder, app, ws.src}, app, ""}));
  ctx.out.Step("Building " + app + " with " + (builder == "null" ? "the null builder" : builder) +
               " on stack " + stack_name);
  HerokuishResult built;
  if (builder == "herokuish") {
    BERTH_ASSIGN_OR_RETURN(built, Build(ctx, app, source.rev, config, files, ws, stack_name, stack));
  } else {
    ctx.out.Detail("No build step: the Procfile runs as is");
  }
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostBuild, {builder, app, ws.src}, app, ""}));

  // The build may have written or changed the Procfile.
  BERTH_ASSIGN_OR_RETURN(std::string procfile_text, ReadFileInside(ws.src, "Procfile"));
  BERTH_ASSIGN_OR_RETURN(files.procfile, ParseProcfile(procfile_text));
  ReleaseRecord record;
  record.process_types = ProcessTypes(ctx.out, files.procfile, built.release);
  if (!built.release.config_vars.empty()) {
    BERTH_ASSIGN_OR_RETURN(std::string profile_d, DirectoryInside(ws.src, ".profile.d"));
    BERTH_RETURN_IF_ERROR(WriteFileAtomic(profile_d + "/000-buildpack-config-vars.sh",
                                          ConfigVarsProfileScript(built.release.config_vars)));
  }
  BERTH_ASSIGN_OR_RETURN(SlugInfo slug, PackSlug(ws.src, ctx.env.root + "/slugs"));
  ctx.out.Step("Compiled slug size: " + HumanSize(slug.compressed_bytes));
  if (!slug.warning.empty()) ctx.out.Warn(slug.warning);
  if (built.compile_ms > 0) ctx.out.Detail("Buildpacks compiled in " + std::to_string(built.compile_ms) + " ms");

  record.description = source.description;
  record.git_rev = source.rev;
  record.slug_digest = slug.digest;
  record.builder = builder;
  record.buildpacks = built.buildpacks;
  ctx.out.Step("Releasing " + app);
  return Release(ctx, app, record);
}

// deploy-failed, with the version the release would have had. Its own failure
// is only a warning: the deploy has failed already.
void FireDeployFailed(Context& ctx, const DeploySource& source, const std::string& reason) {
  auto releases = ctx.store->ListReleases(source.app);
  int next = releases.ok() && !releases->empty() ? releases->front().version + 1 : 1;
  Status fired = ctx.plugins.Fire({triggers::kDeployFailed,
                                   {source.app, "v" + std::to_string(next), source.rev, reason},
                                   source.app, ""});
  if (!fired.ok()) ctx.out.Warn(fired.message());
}

}  // namespace

Result<int> DeployFromSource(Context& ctx, const DeploySource& source) {
  BERTH_ASSIGN_OR_RETURN(AppRecord app, ctx.store->GetApp(source.app));
  if (app.locked) {
    return FailedPrecondition("Deploys of " + source.app + " are locked; run `berth apps:unlock " +
                              source.app + "` to allow them");
  }
  BERTH_ASSIGN_OR_RETURN(auto lock, DeployLock::Acquire(ctx.env.root, source.app));
  BERTH_ASSIGN_OR_RETURN(auto cleaned, CleanUpInterruptedDeploy(ctx, source.app));
  if (!cleaned.empty()) ctx.out.Step("Cleaning up after an interrupted deploy of " + source.app);
  for (const std::string& line : cleaned) ctx.out.Detail(line);
  std::string log_dir = ctx.env.root + "/builds/" + source.app;
  BERTH_RETURN_IF_ERROR(MakeDirs(log_dir, 0700));
  std::string log_path = log_dir + "/" + std::to_string(NowMs()) + ".log";
  BuildRecord build;
  build.app = source.app;
  build.git_rev = source.rev;
  build.source = source.source_type;
  build.log_path = log_path;
  BERTH_ASSIGN_OR_RETURN(int64_t build_id, ctx.store->StartBuild(build));
  Result<int> version = Internal("");
  {
    auto tee = OutputTee::Start(log_path);
    // Every line reaches the pusher as it is written, not when a buffer fills.
    std::cout << std::unitbuf;
    if (!tee.ok()) ctx.out.Warn("The build output is not kept: " + tee.status().message());
    version = RunStages(ctx, source);
    if (!version.ok()) {
      if (!version.status().message().empty()) ctx.out.Error(version.status().message());
      ctx.out.Error("Deploy of " + source.app + " failed; the previous release is unchanged");
      FireDeployFailed(ctx, source, version.status().message());
    }
    ctx.out.Flush();
  }
  BERTH_RETURN_IF_ERROR(ctx.store->FinishBuild(build_id, version.ok() ? "succeeded" : "failed"));
  if (!version.ok()) return Status(version.status().code(), "");  // printed above, and logged
  return version;
}

Result<int> ReleaseExistingSlug(Context& ctx, const std::string& app, const ReleaseRecord& base,
                                const std::string& description) {
  BERTH_ASSIGN_OR_RETURN(auto lock, DeployLock::Acquire(ctx.env.root, app));
  ReleaseRecord record = base;  // a rollback does not run the release command again
  record.description = description;
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire(
      {triggers::kPreRelease, {record.builder, app, record.slug_digest}, app, ""}));
  BERTH_RETURN_IF_ERROR(EnsureSlugLayer(ctx.env.root, record.slug_digest));
  RunningRelease candidate{0, SlugLayerDir(ctx.env.root, record.slug_digest), record.git_rev};
  BERTH_ASSIGN_OR_RETURN(auto custom_template, StageCustomTemplate(ctx, app, candidate.slug_layer));
  BERTH_RETURN_IF_ERROR(Deploy(ctx, app, candidate, record.process_types));
  custom_template.Keep();
  BERTH_ASSIGN_OR_RETURN(int version, ctx.store->AddRelease(app, record));
  std::string v = "v" + std::to_string(version);
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostRelease, {app, v}, app, ""}));
  ctx.out.Step("Release " + v + " created: " + description);
  return version;
}

}  // namespace berth
