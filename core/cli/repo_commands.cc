// repo:* — housekeeping of an app's git repository and build cache.
#include <filesystem>

#include "core/cli/helpers.h"

namespace berth {
namespace {

Status Gc(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "repo:gc APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::string repo = ctx.env.root + "/repos/" + app + ".git";
  if (!std::filesystem::exists(repo + "/HEAD")) {
    return NotFound(app + " has no repository yet; push to it first");
  }
  ctx.out.Step("Collecting garbage in " + app + "'s repository");
  ctx.out.Flush();
  ProcessSpec spec;
  spec.argv = {"git", "--git-dir", repo, "gc", "--quiet", "--prune=now"};
  BERTH_ASSIGN_OR_RETURN(ProcessResult r, ctx.runner.Run(spec));
  if (!r.ok()) return Internal("git gc failed: " + r.err);
  return Status::Ok();
}

Status PurgeCache(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "repo:purge-cache APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  std::string cache = ctx.env.root + "/cache/" + app;
  std::error_code ec;
  if (std::filesystem::exists(cache, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(cache, ec)) {
      std::filesystem::remove_all(entry.path(), ec);
      if (ec) return Internal("could not remove " + entry.path().string() + ": " + ec.message());
    }
  }
  ctx.out.Step("Build cache of " + app + " purged");
  return Status::Ok();
}

}  // namespace

void RegisterRepoCommands(CommandRegistry& registry) {
  registry.Add({"repo", "Housekeeping of an app's repository and build cache", {
      {.name = "repo:gc", .usage = "repo:gc APP",
       .summary = "Pack the app's repository and drop unreachable objects", .handler = Gc},
      {.name = "repo:purge-cache", .usage = "repo:purge-cache APP",
       .summary = "Empty the app's build cache (the next build starts cold)", .handler = PurgeCache},
  }});
}

}  // namespace berth
