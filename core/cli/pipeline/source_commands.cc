// Deploys that do not come from a push: git:from-archive, git:sync and
// ps:rebuild. Each ends up as a commit in the app's repo, so every release can
// be rebuilt the same way.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/base/files.h"
#include "core/build/slug.h"
#include "core/cli/git_settings.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline/deploy_pipeline.h"
#include "core/cli/pipeline/pipeline_commands.h"
#include "core/git/commit.h"
#include "core/git/export.h"
#include "core/git/remote.h"
#include "core/git/repo.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

// A scratch directory under $BERTH_ROOT/tmp, removed when it goes.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

Status MakeScratch(Context& ctx, const std::string& what, ScratchDir& scratch) {
  scratch.path = ctx.env.root + "/tmp/" + what + "-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(scratch.path, ec);
  return MakeDirs(scratch.path, 0700);
}

// The branch deploys go to: the setting, else main (remembered).
Result<std::string> TargetBranch(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(GitSettings git, LoadGitSettings(ctx, app));
  if (!git.Effective().empty()) return git.Effective();
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kGitPlugin, Scope::App(app), "deploy-branch", "main"));
  return std::string("main");
}

Result<std::string> EnsureRepo(Context& ctx, const std::string& app) {
  std::string repo = AppRepoPath(ctx.env.root, app);
  BERTH_ASSIGN_OR_RETURN(std::string hook, PreReceiveHook(ctx.env.berth_bin, ctx.env.root, app));
  BERTH_RETURN_IF_ERROR(EnsureAppRepo(repo, hook));
  return repo;
}

Result<int> DeployCommit(Context& ctx, const std::string& app, const std::string& repo,
                         const std::string& commit, const std::string& type,
                         const std::string& description) {
  DeploySource source{.app = app, .source_type = type, .rev = commit, .description = description,
                      .extract = [&](const std::string& dir) -> Status {
                        return ExportCommit(repo, commit, dir).status();
                      }};
  return DeployFromSource(ctx, source);
}

bool IsRemoteUrl(const std::string& url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

// The archive as a local file: stdin ("-") and URLs are saved into `scratch`.
Result<std::string> FetchArchive(Context& ctx, const std::string& source, const std::string& scratch) {
  std::string path = scratch + "/archive";
  if (source == "-") {
    std::ofstream file(path, std::ios::binary);
    file << ctx.in.rdbuf();
    if (!file) return Internal("could not save the archive from stdin");
    return path;
  }
  if (IsRemoteUrl(source)) {
    ctx.out.Step("Downloading " + source);
    ctx.out.Flush();
    ProcessSpec curl;
    curl.argv = {"curl", "-fsSL", "--max-time", "600", "-o", path, "--", source};
    BERTH_ASSIGN_OR_RETURN(ProcessResult r, ctx.runner.Run(curl));
    if (!r.ok()) return Unavailable("Could not download " + source + ": " + r.err);
    return path;
  }
  std::string local = source.starts_with("file://") ? source.substr(7) : source;
  if (ctx.env.via_ssh) {
    return PermissionDenied("Over ssh, give an https URL or - (the archive on stdin), not a host path");
  }
  if (!local.starts_with("/") || !PathExists(local)) {
    return InvalidArgument("No archive at '" + source.substr(0, 200) + "': give an absolute path, a URL or -");
  }
  return local;
}

Status FromArchive(Context& ctx, const Args& args) {
  if (args.positional.size() != 2) return InvalidArgument("Usage: berth git:from-archive APP URL|-");
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  ScratchDir scratch;
  BERTH_RETURN_IF_ERROR(MakeScratch(ctx, "archive-" + app, scratch));
  BERTH_ASSIGN_OR_RETURN(std::string archive, FetchArchive(ctx, args.positional[1], scratch.path));
  std::string tree = scratch.path + "/tree";
  BERTH_RETURN_IF_ERROR(MakeDirs(tree, 0755));
  BERTH_RETURN_IF_ERROR(ExtractArchive(archive, tree));
  BERTH_ASSIGN_OR_RETURN(std::string repo, EnsureRepo(ctx, app));
  BERTH_ASSIGN_OR_RETURN(std::string branch, TargetBranch(ctx, app));
  BERTH_ASSIGN_OR_RETURN(std::string commit,
                         CommitDirectory(repo, tree, branch, "Deploy from archive " + args.positional[1]));
  return DeployCommit(ctx, app, repo, commit, "archive", "Deploy " + commit.substr(0, 7) + " (archive)")
      .status();
}

Status Sync(Context& ctx, const Args& args) {
  if (args.positional.size() < 2 || args.positional.size() > 3) {
    return InvalidArgument("Usage: berth git:sync APP URL [REF] [--build]");
  }
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  const std::string& url = args.positional[1];
  std::string ref = args.positional.size() == 3 ? args.positional[2] : "";
  bool remote = IsRemoteUrl(url) || url.starts_with("git://") || url.starts_with("ssh://");
  if (!remote && ctx.env.via_ssh) {
    return PermissionDenied("Over ssh, git:sync takes an https, git or ssh URL, not a host path");
  }
  if (!remote && !url.starts_with("/") && !url.starts_with("file:///")) {
    return InvalidArgument("Invalid repository URL '" + url.substr(0, 200) +
                           "': use https://…, git://…, ssh://…, file:///… or an absolute path");
  }
  if (ref.starts_with("-") || ref.find("..") != std::string::npos) {
    return InvalidArgument("Invalid ref '" + ref.substr(0, 80) + "'");
  }
  BERTH_ASSIGN_OR_RETURN(std::string repo, EnsureRepo(ctx, app));
  ctx.out.Step("Fetching " + url);
  ctx.out.Flush();
  BERTH_ASSIGN_OR_RETURN(std::string default_branch,
                         FetchFromRemote(repo, url, {"+refs/heads/*:refs/remotes/sync/*",
                                                     "+refs/tags/*:refs/tags/*"}));
  std::vector<std::string> candidates =
      ref.empty() ? std::vector<std::string>{"refs/remotes/sync/" + default_branch,
                                             "refs/remotes/sync/main", "refs/remotes/sync/master"}
                  : std::vector<std::string>{"refs/remotes/sync/" + ref, "refs/tags/" + ref, ref};
  BERTH_ASSIGN_OR_RETURN(std::string commit,
                         ResolveCommit(repo, candidates, ref.empty() ? "the default branch" : ref));
  BERTH_ASSIGN_OR_RETURN(std::string branch, TargetBranch(ctx, app));
  BERTH_RETURN_IF_ERROR(SetBranch(repo, branch, commit));
  ctx.out.Step("Branch " + branch + " of " + app + " is now at " + commit.substr(0, 7));
  if (!args.Has("build")) return Status::Ok();
  return DeployCommit(ctx, app, repo, commit, "sync", "Deploy " + commit.substr(0, 7)).status();
}

Status Rebuild(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "ps:rebuild APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (releases.empty()) return FailedPrecondition(app + " has not been deployed yet; push to it first");
  std::string rev = releases.front().git_rev;
  std::string repo = AppRepoPath(ctx.env.root, app);
  return DeployCommit(ctx, app, repo, rev, "rebuild", "Rebuild " + rev.substr(0, 7)).status();
}

}  // namespace

void AddSourceHandlers(PipelineHandlers& handlers) {
  handlers["git:from-archive"] = FromArchive;
  handlers["git:sync"] = Sync;
  handlers["ps:rebuild"] = Rebuild;
}

}  // namespace berth
