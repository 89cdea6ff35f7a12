// The git side of a push: git-receive-pack and git-upload-pack (run through
// ssh-dispatch) and git-hook (run by the repo's pre-receive hook).
#include <cstdlib>
#include <iostream>
#include <string>

#include "core/base/files.h"
#include "core/base/validate.h"
#include "core/cli/acl.h"
#include "core/cli/git_settings.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline/deploy_pipeline.h"
#include "core/cli/pipeline/pipeline_commands.h"
#include "core/git/export.h"
#include "core/git/repo.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {
namespace {

constexpr char kZeroRev[] = "0000000000000000000000000000000000000000";

// "'/myapp.git'" as git sends it, less the quoting ssh-dispatch removed: the app.
Result<std::string> RepoArgToApp(const Args& args, std::string_view usage) {
  if (args.positional.size() != 1) return InvalidArgument("Usage: berth " + std::string(usage));
  std::string name = args.positional[0];
  while (name.starts_with("/")) name.erase(0, 1);
  if (name.ends_with(".git")) name.resize(name.size() - 4);
  BERTH_RETURN_IF_ERROR(ValidateAppName(name));
  return name;
}

// Creates the app of a first push, unless autocreation is off or a plugin vetoes.
Status CreateOnPush(Context& ctx, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto disabled,
                         ctx.store->GetProperty("apps", Scope::Global(), "disable-autocreation"));
  if (disabled.value_or("false") == "true") {
    return Status(StatusCode::kAppNotFound,
                  "App " + app + " does not exist, and pushes do not create apps here "
                  "(apps:set --global disable-autocreation); create it with `apps:create " +
                  app + "` first");
  }
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kAppMaybeCreate, {app}, app, ""}));
  Status created = ctx.store->CreateApp(app);
  if (!created.ok() && created.code() != StatusCode::kAlreadyExists) return created;
  if (created.ok()) {
    std::cerr << "-----> Creating " << app << "...\n";
    BERTH_RETURN_IF_ERROR(GrantCreatorAccess(ctx.env, *ctx.store, app));
    BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostCreate, {app}, app, ""}));
  }
  return Status::Ok();
}

// Runs a git transport program on the app's repo with the ssh session's
// stdin and stdout: they carry git's protocol, so berth prints to stderr only.
Status RunTransport(Context& ctx, const std::string& program, const std::string& repo) {
  ProcessSpec spec;
  spec.argv = {program, repo};
  spec.inherit_stdin = true;
  spec.capture_stdout = false;
  spec.capture_stderr = false;
  BERTH_ASSIGN_OR_RETURN(ProcessResult r, ctx.runner.Run(spec));
  return Status::ExitedWith(r.exit_code);
}

Status ReceivePack(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, RepoArgToApp(args, "git-receive-pack APP"));
  auto existing = ctx.store->GetApp(app);
  if (!existing.ok()) {
    if (existing.status().code() != StatusCode::kAppNotFound) return existing.status();
    BERTH_RETURN_IF_ERROR(CreateOnPush(ctx, app));
  }
  std::string repo = AppRepoPath(ctx.env.root, app);
  BERTH_ASSIGN_OR_RETURN(std::string hook, PreReceiveHook(ctx.env.berth_bin, ctx.env.root, app));
  BERTH_RETURN_IF_ERROR(EnsureAppRepo(repo, hook));
  return RunTransport(ctx, "git-receive-pack", repo);
}

Status UploadPack(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, RepoArgToApp(args, "git-upload-pack APP"));
  BERTH_RETURN_IF_ERROR(ctx.store->GetApp(app).status());
  std::string repo = AppRepoPath(ctx.env.root, app);
  if (!PathExists(repo + "/HEAD")) return NotFound(app + " has no repository yet; push to it first");
  return RunTransport(ctx, "git-upload-pack", repo);
}

struct RefUpdate {
  std::string old_rev;
  std::string new_rev;
  std::string ref;
};

std::vector<RefUpdate> ReadRefUpdates(std::istream& in) {
  std::vector<RefUpdate> updates;
  RefUpdate u;
  while (in >> u.old_rev >> u.new_rev >> u.ref) updates.push_back(u);
  return updates;
}

// The deploy branch; when none is set, the first branch pushed becomes it.
Result<std::string> DeployBranch(Context& ctx, const std::string& app, const std::string& pushed) {
  BERTH_ASSIGN_OR_RETURN(GitSettings git, LoadGitSettings(ctx, app));
  if (!git.Effective().empty()) return git.Effective();
  BERTH_RETURN_IF_ERROR(ValidateGitSetting("deploy-branch", pushed));
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kGitPlugin, Scope::App(app), "deploy-branch", pushed));
  return pushed;
}

Status GitHook(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "git-hook APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::string repo = AppRepoPath(ctx.env.root, app);
  // While the hook runs, git keeps the pushed objects in a quarantine directory.
  std::vector<std::string> object_dirs;
  if (const char* q = std::getenv("GIT_QUARANTINE_PATH"); q != nullptr && *q != '\0') {
    object_dirs.push_back(q);
  }
  Status result;
  for (const RefUpdate& u : ReadRefUpdates(ctx.in)) {
    if (!u.ref.starts_with("refs/heads/") || u.new_rev == kZeroRev) continue;  // tags, deletions
    std::string branch = u.ref.substr(11);
    BERTH_ASSIGN_OR_RETURN(std::string deploy_branch, DeployBranch(ctx, app, branch));
    if (branch != deploy_branch) {
      ctx.out.Warn("WARNING: deploy did not complete, you must push to " + deploy_branch);
      continue;
    }
    DeploySource source{
        .app = app,
        .source_type = "git",
        .rev = u.new_rev,
        .description = "Deploy " + u.new_rev.substr(0, 7),
        .extract = [&](const std::string& dir) -> Status {
          ctx.out.Step("Receiving " + app + " at " + u.new_rev.substr(0, 7));
          return ExportCommit(repo, u.new_rev, dir, object_dirs).status();
        }};
    result = DeployFromSource(ctx, source).status();
  }
  return result;
}

}  // namespace

void AddReceiveHandlers(PipelineHandlers& handlers) {
  handlers["git-receive-pack"] = ReceivePack;
  handlers["git-upload-pack"] = UploadPack;
  handlers["git-hook"] = GitHook;
}

}  // namespace berth
