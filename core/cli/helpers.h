// Small helpers shared by the command families.
#pragma once

#include <string>

#include "core/cli/command.h"

namespace berth {

// The app named by the first positional argument, validated; kInvalidArgument
// when missing or malformed. Does not look at the store.
Result<std::string> AppArg(const Args& args);

// As AppArg, and the app must exist (kAppNotFound, exit 20, otherwise).
Result<std::string> ExistingApp(Context& ctx, const Args& args);

// The scope a command acts on: global with --global (then no app positional is
// expected), else the existing app in the first positional. `rest` receives the
// positionals after the app.
Result<Scope> ScopeArg(Context& ctx, const Args& args, std::vector<std::string>* rest);

// "foo" or "--global", as triggers and messages name a scope.
std::string ScopeName(const Scope& scope);

// Reports: runs `one` for the app named in the first positional (which must
// exist), or for every app, in name order, when none is named.
using AppReporter = Status (*)(Context& ctx, const Args& args, const std::string& app);
Status ReportAppOrAll(Context& ctx, const Args& args, AppReporter one);

// Fails unless exactly `n` positionals were given, naming the usage.
Status ExpectArgs(const Args& args, size_t n, std::string_view usage);

// "v3" or "3" as a release version; kInvalidArgument otherwise.
Result<int> ParseReleaseVersion(const std::string& text);

// Unix seconds as UTC "2026-11-23T10:00:00Z"; "" for 0 (never).
std::string FormatUnixTime(int64_t unix_seconds);

}  // namespace berth
