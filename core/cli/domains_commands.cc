// domains:* — the hostnames an app (or every app, with the -global variants)
// answers on. Domains are validated and stored lowercase.
#include <algorithm>

#include "core/base/strings.h"
#include "core/base/validate.h"
#include "core/cli/helpers.h"
#include "core/cli/report.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {
namespace {

Result<std::vector<std::string>> ParseDomains(const std::vector<std::string>& given) {
  std::vector<std::string> domains;
  for (std::string d : given) {
    BERTH_RETURN_IF_ERROR(ValidateDomain(d));
    std::transform(d.begin(), d.end(), d.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    if (std::find(domains.begin(), domains.end(), d) == domains.end()) domains.push_back(d);
  }
  return domains;
}

// The scope and the domains a domains:* command names. `global` commands take
// no app; app commands need an existing app first.
Status Parse(Context& ctx, const Args& args, bool global, bool need_domains, Scope* scope,
             std::vector<std::string>* domains) {
  std::vector<std::string> rest;
  if (global) {
    *scope = Scope::Global();
    rest = args.positional;
  } else {
    BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
    *scope = Scope::App(app);
    rest.assign(args.positional.begin() + 1, args.positional.end());
  }
  if (need_domains && rest.empty()) return InvalidArgument("Please specify at least one domain");
  if (!need_domains && !rest.empty()) return InvalidArgument("This command takes no domains");
  BERTH_ASSIGN_OR_RETURN(*domains, ParseDomains(rest));
  return Status::Ok();
}

Status Updated(Context& ctx, const Scope& scope, std::string action,
               const std::vector<std::string>& domains) {
  std::vector<std::string> trigger_args = {ScopeName(scope), std::move(action)};
  trigger_args.insert(trigger_args.end(), domains.begin(), domains.end());
  return ctx.plugins.Fire({triggers::kPostDomainsUpdate, trigger_args, scope.app, ""});
}

template <bool kGlobal>
Status Add(Context& ctx, const Args& args) {
  Scope scope;
  std::vector<std::string> domains;
  BERTH_RETURN_IF_ERROR(Parse(ctx, args, kGlobal, true, &scope, &domains));
  BERTH_RETURN_IF_ERROR(ctx.store->AddDomains(scope, domains));
  for (const auto& d : domains) ctx.out.Step("Added " + d + " to " + ScopeName(scope));
  return Updated(ctx, scope, "add", domains);
}

template <bool kGlobal>
Status Remove(Context& ctx, const Args& args) {
  Scope scope;
  std::vector<std::string> domains;
  BERTH_RETURN_IF_ERROR(Parse(ctx, args, kGlobal, true, &scope, &domains));
  BERTH_RETURN_IF_ERROR(ctx.store->RemoveDomains(scope, domains));
  for (const auto& d : domains) ctx.out.Step("Removed " + d + " from " + ScopeName(scope));
  return Updated(ctx, scope, "remove", domains);
}

template <bool kGlobal>
Status Set(Context& ctx, const Args& args) {
  Scope scope;
  std::vector<std::string> domains;
  BERTH_RETURN_IF_ERROR(Parse(ctx, args, kGlobal, true, &scope, &domains));
  BERTH_RETURN_IF_ERROR(ctx.store->SetDomains(scope, domains));
  ctx.out.Step("Set " + JoinStrings(domains, " ") + " for " + ScopeName(scope));
  return Updated(ctx, scope, "set", domains);
}

template <bool kGlobal>
Status Clear(Context& ctx, const Args& args) {
  Scope scope;
  std::vector<std::string> domains;
  BERTH_RETURN_IF_ERROR(Parse(ctx, args, kGlobal, false, &scope, &domains));
  BERTH_ASSIGN_OR_RETURN(auto old, ctx.store->GetDomains(scope));
  BERTH_RETURN_IF_ERROR(ctx.store->SetDomains(scope, {}));
  ctx.out.Step("Cleared domains in " + ScopeName(scope));
  return Updated(ctx, scope, "clear", old);
}

Status ReportOne(Context& ctx, const Args& args, const std::string& app,
                 const std::vector<std::string>& global) {
  BERTH_ASSIGN_OR_RETURN(auto domains, ctx.store->GetDomains(Scope::App(app)));
  Report report(app + " domains information");
  report.Add("Domains app vhosts", JoinStrings(domains, " "));
  report.Add("Domains global vhosts", JoinStrings(global, " "));
  return report.Print(ctx.out, args);
}

Status DomainsReport(Context& ctx, const Args& args) {
  BERTH_ASSIGN_OR_RETURN(auto global, ctx.store->GetDomains(Scope::Global()));
  if (args.Has("global")) {
    Report report("Global domains information");
    report.Add("Domains global vhosts", JoinStrings(global, " "));
    Args rest = args;
    rest.flags.erase("global");
    return report.Print(ctx.out, rest);
  }
  if (!args.positional.empty()) {
    BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
    return ReportOne(ctx, args, app, global);
  }
  BERTH_ASSIGN_OR_RETURN(auto apps, ctx.store->ListApps());
  for (const auto& a : apps) BERTH_RETURN_IF_ERROR(ReportOne(ctx, args, a.name, global));
  return Status::Ok();
}

}  // namespace

void RegisterDomainsCommands(CommandRegistry& registry) {
  registry.Add({"domains", "Manage the domains apps answer on", {
      {.name = "domains:add", .usage = "domains:add APP DOMAIN...",
       .summary = "Add domains to an app", .handler = Add<false>},
      {.name = "domains:remove", .usage = "domains:remove APP DOMAIN...",
       .summary = "Remove domains from an app", .handler = Remove<false>},
      {.name = "domains:set", .usage = "domains:set APP DOMAIN...",
       .summary = "Replace an app's domains", .handler = Set<false>},
      {.name = "domains:clear", .usage = "domains:clear APP",
       .summary = "Remove every domain of an app", .handler = Clear<false>},
      {.name = "domains:add-global", .usage = "domains:add-global DOMAIN...",
       .summary = "Add global domains", .handler = Add<true>, .takes_app = false},
      {.name = "domains:remove-global", .usage = "domains:remove-global DOMAIN...",
       .summary = "Remove global domains", .handler = Remove<true>, .takes_app = false},
      {.name = "domains:set-global", .usage = "domains:set-global DOMAIN...",
       .summary = "Replace the global domains", .handler = Set<true>, .takes_app = false},
      {.name = "domains:clear-global", .usage = "domains:clear-global",
       .summary = "Remove every global domain", .handler = Clear<true>, .takes_app = false},
      {.name = "domains:report", .usage = "domains:report [APP|--global] [--format json] [--<key>]",
       .summary = "Display domain information", .handler = DomainsReport,
       .flags = {{"format", true}, {"global"}}, .any_flag = true},
  }});
}

}  // namespace berth
