// releases:rollback — release an earlier slug again, with that release's
// config vars (which become the app's config again, as on Heroku).
#include "core/cli/helpers.h"
#include "core/cli/pipeline/deploy_pipeline.h"
#include "core/cli/pipeline/pipeline_commands.h"

namespace berth {
namespace {

Status Rollback(Context& ctx, const Args& args) {
  if (args.positional.empty() || args.positional.size() > 2) {
    return InvalidArgument("Usage: berth releases:rollback APP [vN]");
  }
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto releases, ctx.store->ListReleases(app));
  if (releases.empty()) return FailedPrecondition(app + " has no releases to roll back to");
  int target = releases.front().version - 1;
  if (args.positional.size() == 2) {
    BERTH_ASSIGN_OR_RETURN(target, ParseReleaseVersion(args.positional[1]));
  }
  if (target < 1) return FailedPrecondition(app + " has no release before v1");
  BERTH_ASSIGN_OR_RETURN(ReleaseRecord base, ctx.store->GetRelease(app, target));
  ctx.out.Step("Rolling back " + app + " to v" + std::to_string(target));
  BERTH_ASSIGN_OR_RETURN(EnvMap current, ctx.store->GetEnv(Scope::App(app)));
  std::vector<std::string> gone;
  for (const auto& [key, value] : current) {
    if (!base.config.contains(key)) gone.push_back(key);
  }
  if (!gone.empty()) BERTH_RETURN_IF_ERROR(ctx.store->UnsetEnv(Scope::App(app), gone));
  if (!base.config.empty()) BERTH_RETURN_IF_ERROR(ctx.store->SetEnv(Scope::App(app), base.config));
  return ReleaseExistingSlug(ctx, app, base, "Rollback to v" + std::to_string(target)).status();
}

}  // namespace

void AddRollbackHandlers(PipelineHandlers& handlers) { handlers["releases:rollback"] = Rollback; }

}  // namespace berth
