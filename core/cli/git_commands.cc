// git:* — how pushes reach an app: the git transports (hidden; run by ssh),
// the pre-receive hook's `git-hook`, and the app's git settings. The handlers
// that need libgit2 live in berth-pipeline (see pipeline.h).
#include "core/cli/git_settings.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline.h"
#include "core/cli/report.h"

namespace berth {
namespace {

Status GitSet(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  if (rest.empty() || rest.size() > 2) {
    return InvalidArgument("Usage: berth git:set APP|--global KEY [VALUE]; keys: " +
                           std::string(kGitSettingKeys));
  }
  BERTH_RETURN_IF_ERROR(ValidateGitSetting(rest[0], rest.size() == 2 ? rest[1] : ""));
  if (rest.size() == 1) {
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kGitPlugin, scope, rest[0]));
    ctx.out.Step("Unsetting " + rest[0]);
    return Status::Ok();
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kGitPlugin, scope, rest[0], rest[1]));
  ctx.out.Step("Setting " + rest[0] + " to " + rest[1]);
  return Status::Ok();
}

Status GitReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(GitSettings git, LoadGitSettings(ctx, app));
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  Report report(app + " git information");
  report.Add("Git deploy branch", git.deploy_branch);
  report.Add("Git global deploy branch", git.global_deploy_branch);
  report.Add("Git rev env var", git.rev_env_var);
  report.Add("Git last updated at", releases.empty() ? "" : std::to_string(releases[0].created_at));
  report.Add("Git sha", releases.empty() ? "" : releases[0].git_rev);
  report.Add("Git source dir", ctx.env.root + "/repos/" + app + ".git");
  return report.Print(ctx.out, args);
}

Status GitReport(Context& ctx, const Args& args) { return ReportAppOrAll(ctx, args, GitReportOne); }

}  // namespace

void RegisterGitCommands(CommandRegistry& registry) {
  registry.Add({"git", "Manage an app's git repository and how pushes deploy it", {
      {.name = "git-receive-pack", .usage = "git-receive-pack APP",
       .summary = "Receive a push (run by git over ssh)",
       .handler = PipelineHandler("git-receive-pack"), .hidden = true,
       .access = KeyAccess::kCreator},
      {.name = "git-upload-pack", .usage = "git-upload-pack APP",
       .summary = "Serve a clone or fetch (run by git over ssh)",
       .handler = PipelineHandler("git-upload-pack"), .hidden = true},
      {.name = "git-hook", .usage = "git-hook APP",
       .summary = "Build and release a push (run by the repo's pre-receive hook)",
       .handler = PipelineHandler("git-hook"), .host_only = true, .hidden = true},
      {.name = "git:from-archive", .usage = "git:from-archive APP URL|-",
       .summary = "Deploy a tarball or zip from a URL, a path or stdin (-)",
       .handler = PipelineHandler("git:from-archive")},
      {.name = "git:sync", .usage = "git:sync APP URL [REF] [--build]",
       .summary = "Fetch a branch, tag or commit from a git URL into the app's repo (--build: deploy it)",
       .handler = PipelineHandler("git:sync"), .flags = {{"build"}}},
      {.name = "git:set", .usage = "git:set APP|--global KEY [VALUE]",
       .summary = "Set (or with no value unset) deploy-branch or rev-env-var", .handler = GitSet,
       .flags = {{"global"}}},
      {.name = "git:report", .usage = "git:report [APP] [--format json] [--<key>]",
       .summary = "Display git information", .handler = GitReport, .flags = {{"format", true}},
       .any_flag = true},
  }});
}

}  // namespace berth
