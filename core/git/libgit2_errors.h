// libgit2 at the module edge: one-time initialisation and its errors as Status.
#pragma once

#include <string>

#include "core/base/status.h"

namespace berth {

// Initialises libgit2 once per process.
void EnsureLibgit2();

// A Status for a failed libgit2 call: `what` plus libgit2's own message.
Status GitError(const std::string& what);

}  // namespace berth
