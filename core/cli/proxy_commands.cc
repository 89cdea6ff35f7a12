// proxy:*, nginx:*, haproxy:* — the proxy berth runs itself in front of the
// apps: start and stop it, choose nginx or haproxy (per app or globally) and its
// listen ports, take an app out of it, rebuild its configuration and show it.
#include "core/base/strings.h"
#include "core/base/validate.h"
#include "core/cli/helpers.h"
#include "core/cli/proxy_routes.h"
#include "core/cli/report.h"
#include "core/plugins/trigger_catalogue.h"
#include "core/proxy/template_render.h"

namespace berth {
namespace {

Status ValidateType(const std::string& type) {
  for (const auto& known : ProxyTypes()) {
    if (known == type) return Status::Ok();
  }
  return InvalidArgument("Unknown proxy type '" + type.substr(0, 40) + "': use " +
                         JoinStrings(ProxyTypes(), " "));
}

Status Start(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "proxy:start"));
  BERTH_ASSIGN_OR_RETURN(std::string type, ProxyTypeOf(ctx, ""));
  return StartProxy(ctx, type);
}

Status Stop(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, "proxy:stop"));
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  bool any = false;
  for (const auto& type : ProxyTypes()) {
    BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(type, ctx.runner, settings));
    if (!proxy->Running() && !proxy->Died()) continue;
    any = true;
    ctx.out.Step("Stopping " + type);  // one that died: forget its pid file
    BERTH_RETURN_IF_ERROR(proxy->Stop());
  }
  if (!any) ctx.out.Step("No proxy is running");
  return Status::Ok();
}

template <const char* kType>
Status ReloadType(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 0, std::string(kType) + ":reload"));
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(kType, ctx.runner, settings));
  BERTH_RETURN_IF_ERROR(proxy->Reload());
  ctx.out.Step("Reloaded " + std::string(kType));
  return Status::Ok();
}

template <const char* kType>
Status ShowConfig(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, std::string(kType) + ":show-config APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(kType, ctx.runner, settings));
  BERTH_ASSIGN_OR_RETURN(auto routes, CollectRoutes(ctx));
  std::vector<AppRoutes> one;
  for (auto& r : routes) {
    if (r.app == app) one.push_back(std::move(r));
  }
  BERTH_ASSIGN_OR_RETURN(std::string config, proxy->Render(one));
  ctx.out.Raw(AppSection(config, app));
  return Status::Ok();
}

constexpr char kNginx[] = "nginx";
constexpr char kHaproxy[] = "haproxy";

// nginx:validate-config [APP]: the nginx configuration berth would write now
// (with APP: only APP's part), checked with nginx -t; nothing is applied.
Status ValidateConfig(Context& ctx, const Args& args) {
  if (args.positional.size() > 1) return InvalidArgument("Usage: berth nginx:validate-config [APP]");
  std::string app;
  if (!args.positional.empty()) {
    BERTH_ASSIGN_OR_RETURN(app, ExistingApp(ctx, args));
  }
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(kNginx, ctx.runner, settings));
  BERTH_ASSIGN_OR_RETURN(auto routes, RoutesOfType(ctx, kNginx));
  if (!app.empty()) {
    std::erase_if(routes, [&](const AppRoutes& r) { return r.app != app; });
    if (routes.empty()) ctx.out.Detail(app + " is not served by nginx; checking nginx without it");
  }
  BERTH_RETURN_IF_ERROR(proxy->Validate(routes));
  ctx.out.Step("The nginx configuration" + (app.empty() ? "" : " of " + app) + " is valid");
  return Status::Ok();
}

Status SetGlobalPort(Context& ctx, const std::string& key, const std::string& value) {
  BERTH_ASSIGN_OR_RETURN(ProxySettings current, LoadProxySettings(ctx));
  if (value.empty()) {
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kProxyPlugin, Scope::Global(), key));
    ctx.out.Step("Unset the global " + key);
    return RebuildProxy(ctx);
  }
  BERTH_ASSIGN_OR_RETURN(int port, ParsePort(value));
  int other = key == "http-port" ? current.https_port : current.http_port;
  if (port == other) {
    return InvalidArgument("The http and https ports must differ (both would be " + value + ")");
  }
  BERTH_RETURN_IF_ERROR(
      ctx.store->SetProperty(kProxyPlugin, Scope::Global(), key, std::to_string(port)));
  ctx.out.Step("Set the global " + key + " to " + std::to_string(port));
  return RebuildProxy(ctx);
}

// One proxy listens on the ports at a time: after a type change, say how to
// switch when a proxy of another type is the one running.
Status WarnIfOtherProxyRuns(Context& ctx, const std::string& type) {
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  BERTH_ASSIGN_OR_RETURN(auto wanted, MakeProxy(type, ctx.runner, settings));
  if (wanted->Running()) return Status::Ok();
  for (const auto& other : ProxyTypes()) {
    if (other == type) continue;
    BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(other, ctx.runner, settings));
    if (proxy->Running()) {
      ctx.out.Warn(other + " is the proxy running; to serve through " + type +
                   ", run: berth proxy:stop && berth proxy:start");
    }
  }
  return Status::Ok();
}

// proxy:set APP TYPE | --global TYPE | --global http-port|https-port N. An
// empty value unsets.
Status Set(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  const std::string usage =
      "Usage: berth proxy:set APP|--global nginx|haproxy, or proxy:set --global "
      "http-port|https-port N";
  if (rest.empty() || rest.size() > 2) return InvalidArgument(usage);
  if (rest[0] == "http-port" || rest[0] == "https-port") {
    if (!scope.global())
      return InvalidArgument("The listen ports are global: berth proxy:set --global " + rest[0] +
                             " N");
    return SetGlobalPort(ctx, rest[0], rest.size() == 2 ? rest[1] : "");
  }
  if (rest.size() != 1) return InvalidArgument(usage);
  if (rest[0].empty()) {
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kProxyPlugin, scope, "type"));
    ctx.out.Step("Unset the proxy type of " + ScopeName(scope));
    return RebuildProxy(ctx);
  }
  BERTH_RETURN_IF_ERROR(ValidateType(rest[0]));
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kProxyPlugin, scope, "type", rest[0]));
  ctx.out.Step("Set the proxy type of " + ScopeName(scope) + " to " + rest[0]);
  BERTH_RETURN_IF_ERROR(RebuildProxy(ctx));
  return WarnIfOtherProxyRuns(ctx, rest[0]);
}

template <bool kEnable>
Status Toggle(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, kEnable ? "proxy:enable APP" : "proxy:disable APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  if (kEnable) {
    BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kProxyPlugin, Scope::App(app), "disabled"));
  } else {
    BERTH_RETURN_IF_ERROR(
        ctx.store->SetProperty(kProxyPlugin, Scope::App(app), "disabled", "true"));
  }
  ctx.out.Step(std::string(kEnable ? "Enabled" : "Disabled") + " the proxy for " + app);
  return RebuildProxy(ctx);
}

Status BuildConfig(Context& ctx, const Args& args) {
  if (args.Has("all")) {
    if (!args.positional.empty())
      return InvalidArgument("Usage: berth proxy:build-config APP|--all");
  } else {
    BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "proxy:build-config APP|--all"));
    BERTH_RETURN_IF_ERROR(ExistingApp(ctx, args).status());
  }
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  bool running = false;
  for (const auto& type : ProxyTypes()) {
    BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(type, ctx.runner, settings));
    running = running || proxy->Running();
  }
  if (!running) {
    ctx.out.Step(
        "No proxy is running; its configuration is built when it starts (berth proxy:start)");
    return Status::Ok();
  }
  BERTH_RETURN_IF_ERROR(RebuildProxy(ctx));
  ctx.out.Step("Proxy configuration rebuilt");
  return Status::Ok();
}

Status ReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto own, ctx.store->GetProperty(kProxyPlugin, Scope::App(app), "type"));
  BERTH_ASSIGN_OR_RETURN(auto global,
                         ctx.store->GetProperty(kProxyPlugin, Scope::Global(), "type"));
  BERTH_ASSIGN_OR_RETURN(std::string type, ProxyTypeOf(ctx, app));
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(type, ctx.runner, settings));
  BERTH_ASSIGN_OR_RETURN(auto routes, CollectRoutes(ctx));
  AppRoutes r;
  for (auto& candidate : routes) {
    if (candidate.app == app) r = std::move(candidate);
  }
  std::vector<std::string> ports;
  for (const auto& p : r.ports) ports.push_back(p.ToString());
  BERTH_ASSIGN_OR_RETURN(
      auto custom, ctx.store->GetProperty(kProxyPlugin, Scope::App(app), "custom-template-path"));
  Report report(app + " proxy information");
  report.Add("Proxy enabled", r.enabled ? "true" : "false");
  report.Add("Proxy type", own.value_or(""));
  report.Add("Proxy global type", global.value_or(""));
  report.Add("Proxy computed type", type);
  report.Add("Proxy running", proxy->Running() ? "true" : "false");
  report.Add("Proxy http port", std::to_string(settings.http_port));
  report.Add("Proxy https port", std::to_string(settings.https_port));
  report.Add("Proxy domains", JoinStrings(r.domains, " "));
  report.Add("Proxy port map", JoinStrings(ports, " "));
  report.Add("Proxy upstreams", JoinStrings(r.upstreams, " "));
  report.Add("Proxy ssl", r.cert_path.empty() ? "false" : "true");
  report.Add("Proxy custom template", custom.value_or(""));
  return report.Print(ctx.out, args);
}

Status ProxyReport(Context& ctx, const Args& args) { return ReportAppOrAll(ctx, args, ReportOne); }

}  // namespace

// clang-format off
void RegisterProxyCommands(CommandRegistry& registry) {
  registry.Add({"proxy", "Manage the proxy in front of the apps", {
      {.name = "proxy:start", .usage = "proxy:start",
       .summary = "Start the proxy (the global type) with every app's routes", .handler = Start,
       .takes_app = false, .host_only = true},
      {.name = "proxy:stop", .usage = "proxy:stop", .summary = "Stop the proxy gracefully",
       .handler = Stop, .takes_app = false, .host_only = true},
      {.name = "proxy:set",
       .usage = "proxy:set APP|--global nginx|haproxy, proxy:set --global http-port|https-port N",
       .summary = "Choose the proxy type of an app or the default, or the global listen ports",
       .handler = Set, .flags = {{"global"}}},
      {.name = "proxy:enable", .usage = "proxy:enable APP",
       .summary = "Route an app through the proxy", .handler = Toggle<true>},
      {.name = "proxy:disable", .usage = "proxy:disable APP",
       .summary = "Take an app out of the proxy", .handler = Toggle<false>},
      {.name = "proxy:build-config", .usage = "proxy:build-config APP|--all",
       .summary = "Rebuild and reload the running proxy's configuration", .handler = BuildConfig,
       .flags = {{"all"}}},
      {.name = "proxy:report", .usage = "proxy:report [APP] [--format json] [--<key>]",
       .summary = "Display proxy information", .handler = ProxyReport,
       .flags = {{"format", true}}, .any_flag = true},
  }});
  registry.Add({"nginx", "The nginx proxy", {
      {.name = "nginx:reload", .usage = "nginx:reload",
       .summary = "Reload nginx's configuration gracefully", .handler = ReloadType<kNginx>,
       .takes_app = false},
      {.name = "nginx:show-config", .usage = "nginx:show-config APP",
       .summary = "Show an app's part of the nginx configuration", .handler = ShowConfig<kNginx>},
      {.name = "nginx:validate-config", .usage = "nginx:validate-config [APP]",
       .summary = "Check the nginx configuration (or an app's part) with nginx -t",
       .handler = ValidateConfig},
  }});
  registry.Add({"haproxy", "The haproxy proxy", {
      {.name = "haproxy:reload", .usage = "haproxy:reload",
       .summary = "Reload haproxy's configuration gracefully", .handler = ReloadType<kHaproxy>,
       .takes_app = false},
      {.name = "haproxy:show-config", .usage = "haproxy:show-config APP",
       .summary = "Show an app's part of the haproxy configuration",
       .handler = ShowConfig<kHaproxy>},
  }});
}
// clang-format on

}  // namespace berth
