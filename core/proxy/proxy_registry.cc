// The proxy types berth knows, by name. Adding one is adding its folder and a
// line here.
#include "core/proxy/haproxy/haproxy_proxy.h"
#include "core/proxy/nginx/nginx_proxy.h"
#include "core/proxy/proxy.h"

namespace berth {
namespace {

struct Registration {
  std::string_view name;
  std::unique_ptr<Proxy> (*make)(ProcessRunner&, const ProxySettings&);
};

constexpr Registration kProxies[] = {
    {"nginx", MakeNginxProxy},
    {"haproxy", MakeHaproxyProxy},
};

}  // namespace

Result<std::unique_ptr<Proxy>> MakeProxy(std::string_view type, ProcessRunner& runner,
                                         const ProxySettings& settings) {
  for (const auto& p : kProxies) {
    if (p.name == type) return p.make(runner, settings);
  }
  std::string known;
  for (const auto& p : kProxies) known += (known.empty() ? "" : ", ") + std::string(p.name);
  return InvalidArgument("Unknown proxy type '" + std::string(type).substr(0, 40) +
                         "': use one of " + known);
}

int ProxyThreadsFor(unsigned cores) { return cores < 4 ? 1 : static_cast<int>(cores / 2); }

std::vector<std::string> ProxyTypes() {
  std::vector<std::string> out;
  for (const auto& p : kProxies) out.emplace_back(p.name);
  return out;
}

}  // namespace berth
