#include "core/cli/proxy_routes.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <thread>

#include "core/base/files.h"
#include "core/base/ipv4.h"
#include "core/base/strings.h"
#include "core/base/validate.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {
namespace {

constexpr int kDefaultContainerPort = 5000;

// Properties are small strings; a missing one reads as "".
Result<std::string> Property(Context& ctx, std::string_view plugin, const Scope& scope,
                             std::string_view key) {
  BERTH_ASSIGN_OR_RETURN(auto value, ctx.store->GetProperty(plugin, scope, key));
  return value.value_or("");
}

std::vector<std::string> Upstreams(Context& ctx, const std::string& app, const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(pos, comma - pos);
    item.erase(0, item.find_first_not_of(" \t\n"));
    item.erase(item.find_last_not_of(" \t\n") + 1);
    pos = comma + 1;
    if (item.empty()) continue;
    if (!ParseIpv4(item).ok()) {
      ctx.out.Warn("Ignoring the upstream '" + item.substr(0, 40) + "' of " + app +
                   ": not an IPv4 address");
      continue;
    }
    out.push_back(item);
  }
  return out;
}

Result<AppRoutes> AppRoutesOf(Context& ctx, const std::string& app,
                              const std::vector<std::string>& global_domains) {
  AppRoutes r;
  r.app = app;
  BERTH_ASSIGN_OR_RETURN(r.domains, ctx.store->GetDomains(Scope::App(app)));
  if (r.domains.empty() && !global_domains.empty())
    r.domains.push_back(app + "." + global_domains[0]);

  std::string cert_dir = CertDir(ctx.env, app);
  if (PathExists(cert_dir + "/server.crt") && PathExists(cert_dir + "/server.key")) {
    r.cert_path = cert_dir + "/server.crt";
    r.key_path = cert_dir + "/server.key";
  }

  BERTH_ASSIGN_OR_RETURN(r.ports, ctx.store->GetPorts(app));
  if (r.ports.empty()) r.ports.push_back({"http", 80, kDefaultContainerPort});
  if (!r.cert_path.empty()) {
    bool has_https = false;
    int container_port = 0;
    for (const auto& p : r.ports) {
      has_https = has_https || p.scheme == "https";
      if (p.scheme == "http" && container_port == 0) container_port = p.container_port;
    }
    if (!has_https && container_port != 0) r.ports.push_back({"https", 443, container_port});
  }

  BERTH_ASSIGN_OR_RETURN(std::string upstreams,
                         Property(ctx, kSchedulerPlugin, Scope::App(app), kWebUpstreamsKey));
  r.upstreams = Upstreams(ctx, app, upstreams);

  BERTH_ASSIGN_OR_RETURN(auto disabled,
                         ctx.store->GetProperty(kProxyPlugin, Scope::App(app), "disabled"));
  r.enabled = disabled.value_or("") != "true";

  BERTH_ASSIGN_OR_RETURN(std::string custom,
                         Property(ctx, kProxyPlugin, Scope::App(app), "custom-template-path"));
  if (!custom.empty()) {
    auto text = ReadFile(custom);
    if (text.ok()) {
      r.custom_template = std::move(*text);
    } else {
      ctx.out.Warn("Ignoring the custom proxy template of " + app + ": " + text.status().message());
    }
  }
  return r;
}

// An exclusive flock for the scope: one rebuild at a time, so a rebuild that
// collected older routes cannot overwrite a newer one.
class RebuildLock {
 public:
  explicit RebuildLock(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~RebuildLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  RebuildLock(const RebuildLock&) = delete;
  RebuildLock& operator=(const RebuildLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

Result<int> GlobalPort(Context& ctx, std::string_view key, int fallback) {
  BERTH_ASSIGN_OR_RETURN(std::string text, Property(ctx, kProxyPlugin, Scope::Global(), key));
  if (text.empty()) return fallback;
  return ParsePort(text);
}

constexpr size_t kMaxStaticPageBytes = 12 * 1024;

// A path berth can write into a proxy configuration as is.
bool IsPlainAbsolutePath(std::string_view path) {
  if (!path.starts_with("/") || path.find("/../") != std::string_view::npos ||
      path.ends_with("/..")) {
    return false;
  }
  for (char c : path) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// One "APP STATUS PATH" line of a proxy-static-responses answer, applied to
// the app's routes; a malformed line is ignored with a warning.
void ApplyStaticResponse(Context& ctx, std::string_view line, std::vector<AppRoutes>& routes) {
  std::vector<std::string> words = SplitBlanks(line);
  if (words.empty()) return;
  auto ignore = [&](const std::string& why) {
    ctx.out.Warn("Ignoring the proxy-static-responses line '" + std::string(line.substr(0, 80)) +
                 "': " + why);
  };
  if (words.size() != 3) return ignore("expected APP STATUS PATH");
  int status = 0;
  if (words[1].size() != 3 || words[1].find_first_not_of("0123456789") != std::string::npos ||
      (status = std::stoi(words[1])) < 400 || status > 599) {
    return ignore("the status must be a number from 400 to 599");
  }
  if (!IsPlainAbsolutePath(words[2])) {
    return ignore("the page must be an absolute path of letters, digits and /._-");
  }
  struct stat st;
  if (::stat(words[2].c_str(), &st) != 0) return ignore(ErrnoMessage("stat " + words[2]));
  if (!S_ISREG(st.st_mode)) return ignore("the page is not a regular file");
  if (static_cast<size_t>(st.st_size) > kMaxStaticPageBytes) {
    return ignore("the page is larger than 12 KB");
  }
  for (AppRoutes& r : routes) {
    if (r.app != words[0]) continue;
    r.static_status = status;
    r.static_page = words[2];
    return;
  }
  ignore("no such app");
}

}  // namespace

std::string CertDir(const Environment& env, const std::string& app) {
  return env.root + "/proxy/certs/" + app;
}

namespace {

// The routes with the containers' own addresses as upstreams.
Result<std::vector<AppRoutes>> CollectContainerRoutes(Context& ctx) {
  BERTH_ASSIGN_OR_RETURN(auto apps, ctx.store->ListApps());
  BERTH_ASSIGN_OR_RETURN(auto global_domains, ctx.store->GetDomains(Scope::Global()));
  std::vector<AppRoutes> out;
  for (const auto& app : apps) {
    BERTH_ASSIGN_OR_RETURN(AppRoutes r, AppRoutesOf(ctx, app.name, global_domains));
    out.push_back(std::move(r));
  }
  std::vector<std::string> names;
  for (const auto& app : apps) names.push_back(app.name);
  BERTH_ASSIGN_OR_RETURN(auto answer,
                         ctx.plugins.Query({triggers::kProxyStaticResponses, names, "", ""}));
  if (answer) {
    size_t pos = 0;
    while (pos <= answer->size()) {
      size_t eol = answer->find('\n', pos);
      if (eol == std::string::npos) eol = answer->size();
      ApplyStaticResponse(ctx, std::string_view(*answer).substr(pos, eol - pos), out);
      pos = eol + 1;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<AppRoutes>> CollectRoutes(Context& ctx, ServicePlan* services) {
  BERTH_ASSIGN_OR_RETURN(auto routes, CollectContainerRoutes(ctx));
  BERTH_ASSIGN_OR_RETURN(ServicePlan plan, UseServiceAddresses(ctx, routes));
  if (services != nullptr) *services = std::move(plan);
  return routes;
}

namespace {

// The routes of the apps whose proxy type is `type`.
Result<std::vector<AppRoutes>> OfType(Context& ctx, const std::vector<AppRoutes>& routes,
                                      const std::string& type) {
  std::vector<AppRoutes> mine;
  for (const auto& r : routes) {
    BERTH_ASSIGN_OR_RETURN(std::string app_type, ProxyTypeOf(ctx, r.app));
    if (app_type == type) mine.push_back(r);
  }
  return mine;
}

}  // namespace

Result<std::vector<AppRoutes>> RoutesOfType(Context& ctx, const std::string& type) {
  BERTH_ASSIGN_OR_RETURN(auto routes, CollectRoutes(ctx));
  return OfType(ctx, routes, type);
}

Result<std::string> ProxyTypeOf(Context& ctx, const std::string& app) {
  if (!app.empty()) {
    BERTH_ASSIGN_OR_RETURN(std::string mine, Property(ctx, kProxyPlugin, Scope::App(app), "type"));
    if (!mine.empty()) return mine;
  }
  BERTH_ASSIGN_OR_RETURN(std::string global, Property(ctx, kProxyPlugin, Scope::Global(), "type"));
  return global.empty() ? ProxyTypes().front() : global;
}

Result<ProxySettings> LoadProxySettings(Context& ctx) {
  ProxySettings s;
  s.root = ctx.env.root;
  s.share_dir = ctx.env.share_dir;
  BERTH_ASSIGN_OR_RETURN(s.http_port, GlobalPort(ctx, "http-port", 80));
  BERTH_ASSIGN_OR_RETURN(s.https_port, GlobalPort(ctx, "https-port", 443));
  s.threads = ProxyThreadsFor(std::thread::hardware_concurrency());
  return s;
}

Status StartProxy(Context& ctx, const std::string& type) {
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(type, ctx.runner, settings));
  if (proxy->Running()) {
    ctx.out.Step(type + " is already running");
    return Status::Ok();
  }
  ServicePlan services;
  BERTH_ASSIGN_OR_RETURN(auto routes, CollectRoutes(ctx, &services));
  BERTH_ASSIGN_OR_RETURN(auto mine, OfType(ctx, routes, type));
  ctx.out.Step("Starting " + type + " on port " + std::to_string(settings.http_port) + " (https " +
               std::to_string(settings.https_port) + ")");
  BERTH_RETURN_IF_ERROR(SwitchServices(ctx, services));
  BERTH_RETURN_IF_ERROR(proxy->Apply(mine));
  BERTH_RETURN_IF_ERROR(proxy->Start());
  BERTH_RETURN_IF_ERROR(SettleServices(ctx, services));
  for (const auto& r : mine) {
    BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kProxyBuildConfig, {r.app}, r.app, ""}));
  }
  ctx.out.Step(type + " is serving " + std::to_string(mine.size()) + " app(s)");
  return Status::Ok();
}

Status StartDiedProxies(Context& ctx) {
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  for (const auto& type : ProxyTypes()) {
    BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(type, ctx.runner, settings));
    if (proxy->Died()) BERTH_RETURN_IF_ERROR(StartProxy(ctx, type));
  }
  return Status::Ok();
}

Status RebuildProxy(Context& ctx) {
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  std::vector<std::unique_ptr<Proxy>> running;
  std::vector<std::string> types;
  for (const auto& type : ProxyTypes()) {
    BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(type, ctx.runner, settings));
    if (proxy->Died()) {
      return FailedPrecondition(type + " was started but is not running any more (killed or crashed); "
                                "traffic cannot follow this change. Start it again with "
                                "`berth proxy:start`, then retry");
    }
    if (!proxy->Running()) continue;
    running.push_back(std::move(proxy));
    types.push_back(type);
  }
  if (running.empty()) return Status::Ok();

  BERTH_RETURN_IF_ERROR(MakeDirs(ctx.env.root + "/proxy"));
  RebuildLock lock(ctx.env.root + "/proxy/rebuild.lock");
  if (!lock.ok()) return Internal(ErrnoMessage("lock " + ctx.env.root + "/proxy/rebuild.lock"));
  ServicePlan services;
  BERTH_ASSIGN_OR_RETURN(auto routes, CollectRoutes(ctx, &services));
  // New service rules first (a deploy's whole switch, when the proxy's
  // configuration stays the same); rules of slots let go only once the proxy
  // no longer uses them.
  BERTH_RETURN_IF_ERROR(SwitchServices(ctx, services));
  for (size_t i = 0; i < running.size(); ++i) {
    BERTH_ASSIGN_OR_RETURN(auto mine, OfType(ctx, routes, types[i]));
    BERTH_RETURN_IF_ERROR(running[i]->Apply(mine));
    for (const auto& r : mine) {
      BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kProxyBuildConfig, {r.app}, r.app, ""}));
    }
  }
  return SettleServices(ctx, services);
}

void PrevalidateProxySwitch(Context& ctx, const std::string& app,
                            const std::vector<std::string>& web_ips) {
  auto settings = LoadProxySettings(ctx);
  if (!settings.ok()) return;
  std::optional<std::vector<AppRoutes>> routes;
  for (const auto& type : ProxyTypes()) {
    auto proxy = MakeProxy(type, ctx.runner, *settings);
    if (!proxy.ok() || !(*proxy)->Running()) continue;
    if (!routes) {
      auto collected = CollectContainerRoutes(ctx);
      if (!collected.ok()) return;
      routes = std::move(*collected);
      for (AppRoutes& r : *routes) {
        if (r.app == app) r.upstreams = web_ips;
      }
      if (!UseServiceAddresses(ctx, *routes).ok()) return;
    }
    auto mine = OfType(ctx, *routes, type);
    if (mine.ok()) (void)(*proxy)->Validate(*mine);
  }
}

}  // namespace berth
