#include "core/build/herokuish/buildpack_fetch.h"

#include <sys/stat.h>

#include <cstdio>

#include "core/base/files.h"
#include "core/build/digest.h"
#include "core/build/slug.h"
#include "core/git/export.h"
#include "core/git/remote.h"

namespace berth {
namespace {

// A short readable name from a URL or path: the last component without .git
// or an archive extension, limited to safe characters.
std::string NameOf(const std::string& url) {
  std::string last = url;
  while (last.size() > 1 && last.back() == '/') last.pop_back();
  last = last.substr(last.rfind('/') + 1);
  for (const char* ext : {".git", ".tgz", ".tar.gz", ".tar.zst", ".tar"}) {
    if (last.ends_with(ext)) last.resize(last.size() - std::string_view(ext).size());
  }
  std::string name;
  for (char c : last) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    name += ok ? c : '-';
  }
  return name.empty() || name[0] == '.' ? "buildpack" + name : name.substr(0, 60);
}

Status CheckCompile(const std::string& dir, const std::string& shown) {
  if (IsExecutableFile(dir + "/bin/compile")) return Status::Ok();
  return FailedPrecondition("The buildpack " + shown +
                            " has no executable bin/compile; is it a Heroku buildpack?");
}

Result<std::string> FetchGit(const BuildpackRef& ref, const std::string& cache_dir,
                             const std::string& dest) {
  std::string mirror = cache_dir + "/" + Sha256Hex(ref.url).substr(0, 16) + ".git";
  BERTH_RETURN_IF_ERROR(MakeDirs(cache_dir, 0755));
  auto fetched = FetchFromRemote(mirror, ref.url,
                                 {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"});
  std::string default_branch;
  if (fetched.ok()) {
    default_branch = *fetched;
  } else if (!PathExists(mirror + "/HEAD")) {
    return fetched.status();
  }
  // An unreachable remote with a cached mirror: build with what was fetched before.
  std::vector<std::string> candidates;
  if (!ref.ref.empty()) {
    candidates = {"refs/heads/" + ref.ref, "refs/tags/" + ref.ref, ref.ref};
  } else {
    candidates = {"refs/heads/" + default_branch, "refs/heads/main", "refs/heads/master", "HEAD"};
  }
  BERTH_ASSIGN_OR_RETURN(std::string commit,
                         ResolveCommit(mirror, candidates, ref.ref.empty() ? "the default branch" : ref.ref));
  BERTH_RETURN_IF_ERROR(ExportCommit(mirror, commit, dest).status());
  return dest;
}

Result<std::string> FetchTarball(ProcessRunner& runner, const BuildpackRef& ref,
                                 const std::string& work_dir, const std::string& dest) {
  BERTH_RETURN_IF_ERROR(MakeDirs(work_dir, 0755));
  std::string archive = ref.url;  // a tarball on this host is read where it is
  if (!ref.url.starts_with("/")) {
    archive = work_dir + "/" + NameOf(ref.url) + ".archive";
    ProcessSpec curl;
    curl.argv = {"curl", "-fsSL", "--max-time", "300", "-o", archive, "--", ref.url};
    BERTH_ASSIGN_OR_RETURN(ProcessResult r, runner.Run(curl));
    std::string why = r.err;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    if (!r.ok()) return Unavailable("Could not download the buildpack " + ref.url + ": " + why);
  }
  BERTH_RETURN_IF_ERROR(MakeDirs(dest, 0755));
  BERTH_RETURN_IF_ERROR(ExtractArchive(archive, dest));
  // A tarball holding only bin/ lost that directory to the top-level strip.
  if (!PathExists(dest + "/bin") && PathExists(dest + "/compile")) {
    std::string bin = dest + ".bin";
    if (::rename(dest.c_str(), bin.c_str()) != 0 || ::mkdir(dest.c_str(), 0755) != 0 ||
        ::rename(bin.c_str(), (dest + "/bin").c_str()) != 0) {
      return Internal(ErrnoMessage("cannot lay out the buildpack " + ref.url));
    }
  }
  return dest;
}

}  // namespace

std::vector<FetchedBuildpack> BuiltinBuildpacks(const std::string& builtin_dir) {
  std::vector<FetchedBuildpack> out;
  for (const char* name : {"nodejs", "python", "go", "static", "make", "procfile"}) {
    std::string dir = builtin_dir + "/" + name;
    if (IsExecutableFile(dir + "/bin/compile")) out.push_back({name, dir});
  }
  return out;
}

Result<FetchedBuildpack> FetchBuildpack(ProcessRunner& runner, const BuildpackRef& ref,
                                        const std::string& cache_dir, const std::string& work_dir) {
  FetchedBuildpack bp{NameOf(ref.url), ""};
  std::string dest = work_dir + "/" + bp.name + "-" + Sha256Hex(ref.ToString()).substr(0, 8);
  switch (ref.kind) {
    case BuildpackRef::Kind::kLocal:
      bp.host_dir = ref.url;
      break;
    case BuildpackRef::Kind::kGit: {
      BERTH_ASSIGN_OR_RETURN(bp.host_dir, FetchGit(ref, cache_dir, dest));
      break;
    }
    case BuildpackRef::Kind::kTarball: {
      BERTH_ASSIGN_OR_RETURN(bp.host_dir, FetchTarball(runner, ref, work_dir, dest));
      break;
    }
  }
  BERTH_RETURN_IF_ERROR(CheckCompile(bp.host_dir, ref.ToString()));
  return bp;
}

}  // namespace berth
