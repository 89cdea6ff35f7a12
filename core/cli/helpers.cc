#include "core/cli/helpers.h"

#include <ctime>

#include "core/base/validate.h"

namespace berth {

Result<std::string> AppArg(const Args& args) {
  if (args.positional.empty()) return InvalidArgument("Please specify an app to run the command on");
  BERTH_RETURN_IF_ERROR(ValidateAppName(args.positional[0]));
  return args.positional[0];
}

Result<std::string> ExistingApp(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(std::string app, AppArg(args));
  auto record = ctx.store->GetApp(app);
  if (!record.ok()) return record.status();
  return app;
}

Result<Scope> ScopeArg(Context& ctx, const Args& args, std::vector<std::string>* rest) {
  if (args.Has("global")) {
    *rest = args.positional;
    return Scope::Global();
  }
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  rest->assign(args.positional.begin() + 1, args.positional.end());
  return Scope::App(app);
}

std::string ScopeName(const Scope& scope) { return scope.global() ? "--global" : scope.app; }

Status ReportAppOrAll(Context& ctx, const Args& args, AppReporter one) {
  if (!args.positional.empty()) {
    BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
    return one(ctx, args, app);
  }
  BERTH_ASSIGN_OR_RETURN(auto apps, ctx.store->ListApps());
  for (const auto& a : apps) BERTH_RETURN_IF_ERROR(one(ctx, args, a.name));
  return Status::Ok();
}

Status ExpectArgs(const Args& args, size_t n, std::string_view usage) {
  if (args.positional.size() != n) {
    return InvalidArgument("Usage: berth " + std::string(usage));
  }
  return Status::Ok();
}

Result<int> ParseReleaseVersion(const std::string& text) {
  std::string digits = text.starts_with("v") ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("Invalid release '" + text.substr(0, 20) + "': use vN, e.g. v3");
  }
  return std::stoi(digits);
}

std::string FormatUnixTime(int64_t unix_seconds) {
  if (unix_seconds == 0) return "";
  std::time_t t = unix_seconds;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace berth
