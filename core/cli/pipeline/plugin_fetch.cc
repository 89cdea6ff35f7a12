#include "core/cli/pipeline/plugin_fetch.h"

#include <filesystem>

#include "core/base/files.h"
#include "core/build/slug.h"
#include "core/git/export.h"
#include "core/git/remote.h"
#include "core/plugins/plugin_check.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

Status CopyFolder(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) return Internal("cannot copy the plugin from " + from + ": " + ec.message());
  fs::remove_all(to + "/.git", ec);
  return Status::Ok();
}

Status ExtractTarball(Context& ctx, const std::string& location, const std::string& staging,
                      const std::string& tree) {
  std::string archive = location;
  if (!location.starts_with("/")) {
    archive = staging + "/archive";
    ctx.out.Step("Downloading " + location);
    ctx.out.Flush();
    ProcessSpec curl;
    curl.argv = {"curl", "-fsSL", "--max-time", "300", "-o", archive, "--", location};
    BERTH_ASSIGN_OR_RETURN(ProcessResult r, ctx.runner.Run(curl));
    std::string why = r.err;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    if (!r.ok()) return Unavailable("Could not download " + location + ": " + why);
  }
  BERTH_RETURN_IF_ERROR(MakeDirs(tree, 0755));
  return ExtractArchive(archive, tree);
}

Result<std::string> ExportGit(Context& ctx, const PluginSource& source, const std::string& staging,
                              const std::string& tree) {
  std::string mirror = staging + "/mirror.git";
  ctx.out.Step("Fetching " + source.location);
  ctx.out.Flush();
  BERTH_ASSIGN_OR_RETURN(std::string default_branch,
                         FetchFromRemote(mirror, source.location,
                                         {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}));
  const std::string& ref = source.committish;
  std::vector<std::string> candidates =
      ref.empty() ? std::vector<std::string>{"refs/heads/" + default_branch, "refs/heads/main",
                                             "refs/heads/master", "HEAD"}
                  : std::vector<std::string>{"refs/heads/" + ref, "refs/tags/" + ref, ref};
  BERTH_ASSIGN_OR_RETURN(std::string commit,
                         ResolveCommit(mirror, candidates, ref.empty() ? "the default branch" : ref));
  BERTH_RETURN_IF_ERROR(ExportCommit(mirror, commit, tree).status());
  return commit;
}

}  // namespace

Result<FetchedPlugin> FetchPlugin(Context& ctx, const PluginSource& source,
                                  const std::string& staging) {
  FetchedPlugin fetched{staging + "/tree", ""};
  switch (source.kind) {
    case PluginSourceKind::kFolder:
      BERTH_RETURN_IF_ERROR(CopyFolder(source.location, fetched.dir));
      break;
    case PluginSourceKind::kTarball:
      BERTH_RETURN_IF_ERROR(ExtractTarball(ctx, source.location, staging, fetched.dir));
      break;
    case PluginSourceKind::kGit: {
      BERTH_ASSIGN_OR_RETURN(fetched.commit, ExportGit(ctx, source, staging, fetched.dir));
      break;
    }
  }
  BERTH_ASSIGN_OR_RETURN(std::vector<std::string> warnings, CheckPluginFolder(fetched.dir));
  for (const std::string& w : warnings) ctx.out.Warn(w);
  return fetched;
}

}  // namespace berth
