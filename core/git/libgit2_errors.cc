#include "core/git/libgit2_errors.h"

#include <git2.h>

#include <mutex>

namespace berth {

void EnsureLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Status GitError(const std::string& what) {
  const git_error* e = git_error_last();
  std::string detail = e != nullptr && e->message != nullptr ? e->message : "unknown error";
  return Internal(what + ": " + detail);
}

}  // namespace berth
