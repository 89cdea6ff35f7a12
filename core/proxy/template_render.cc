#include "core/proxy/template_render.h"

#include <algorithm>
#include <exception>
#include <kainjow/mustache.hpp>

#include "core/base/files.h"
#include "core/base/strings.h"

namespace berth {
namespace {

using Data = kainjow::mustache::data;

std::string PortSuffix(int port) { return port == 443 ? "" : ":" + std::to_string(port); }

Data ListOf(const std::vector<std::string>& items, const std::string& key) {
  Data list(Data::type::list);
  for (const auto& item : items) list.push_back(Data(key, item));
  return list;
}

bool HasServers(const AppPlan& app, const std::string& upstream) {
  for (const auto& u : app.upstreams) {
    if (u.name == upstream) return !u.addresses.empty();
  }
  return false;
}

Data ListenerData(const AppPlan& app, const Listener& l) {
  Data d;
  d.set("port", std::to_string(l.port));
  d.set("container_port", std::to_string(l.container_port));
  d.set("upstream", l.upstream);
  d.set("has_servers", HasServers(app, l.upstream));
  d.set("redirect", l.redirect);
  d.set("redirect_port", std::to_string(l.redirect_port));
  d.set("redirect_port_suffix", PortSuffix(l.redirect_port));
  return d;
}

Data AppData(const AppPlan& app) {
  const AppRoutes& r = *app.routes;
  Data d;
  d.set("app", r.app);
  d.set("enabled", r.enabled);
  d.set("routed", app.routed);
  d.set("domains", ListOf(r.domains, "domain"));
  d.set("server_names", JoinStrings(r.domains, " "));
  d.set("ssl", !r.cert_path.empty());
  d.set("cert_path", r.cert_path);
  d.set("key_path", r.key_path);
  d.set("has_servers", !r.upstreams.empty());
  d.set("stable_upstreams", r.stable_upstreams);
  Data upstreams(Data::type::list);
  for (const auto& u : app.upstreams) {
    Data ud;
    ud.set("name", u.name);
    ud.set("port", std::to_string(u.port));
    ud.set("tcp", u.tcp);
    ud.set("http", !u.tcp);
    ud.set("has_servers", !u.addresses.empty());
    Data servers(Data::type::list);
    for (size_t i = 0; i < u.addresses.size(); ++i) {
      Data s;
      s.set("name", u.name + "-" + std::to_string(i + 1));
      s.set("address", u.addresses[i]);
      servers.push_back(s);
    }
    ud.set("servers", servers);
    upstreams.push_back(ud);
  }
  d.set("upstreams", upstreams);
  for (const char* scheme : {"http", "https", "tcp"}) {
    Data list(Data::type::list);
    for (const auto& l : app.listeners) {
      if (l.scheme == scheme) list.push_back(ListenerData(app, l));
    }
    d.set(scheme, list);
  }
  d.set("notes", ListOf(app.notes, "note"));
  d.set("static", !r.static_page.empty());
  d.set("static_status", std::to_string(r.static_status));
  d.set("static_page", r.static_page);
  d.set("custom", false);
  return d;
}

Data FrontendData(const TemplateInput& input, const RoutePlan& plan, const Frontend& f) {
  Data d;
  d.set("port", std::to_string(f.port));
  d.set("scheme", f.scheme);
  d.set("ssl", f.scheme == "https");
  d.set("tcp", f.scheme == "tcp");
  d.set("http", f.scheme != "tcp");
  std::string proxy_dir;
  if (auto it = input.globals.find("proxy_dir"); it != input.globals.end()) proxy_dir = it->second;
  d.set("crt_list", input.crt_list_path ? input.crt_list_path(proxy_dir, f.port) : "");
  Data routes(Data::type::list);
  std::string tcp_backend;
  for (const auto& [a, l] : f.routes) {
    const AppPlan& app = plan.apps[a];
    const Listener& listener = app.listeners[l];
    std::vector<std::string> exact, suffixes;
    for (const auto& domain : app.routes->domains) {
      if (domain.starts_with("*."))
        suffixes.push_back(domain.substr(1));
      else
        exact.push_back(domain);
    }
    Data r;
    r.set("app", app.routes->app);
    r.set("backend", listener.upstream);
    r.set("acl", "host_" + app.routes->app);
    r.set("exact_hosts", JoinStrings(exact, " "));
    r.set("wildcard_suffixes", JoinStrings(suffixes, " "));
    r.set("has_exact", !exact.empty());
    r.set("has_wildcards", !suffixes.empty());
    r.set("redirect", listener.redirect);
    r.set("redirect_port_suffix", PortSuffix(listener.redirect_port));
    routes.push_back(r);
    if (tcp_backend.empty()) tcp_backend = listener.upstream;
  }
  d.set("routes", routes);
  d.set("tcp_backend", tcp_backend);
  return d;
}

Result<std::string> RenderText(const std::string& text, const Data& data, std::string_view what) {
  try {
    kainjow::mustache::mustache tmpl(text);
    tmpl.set_custom_escape([](const std::string& s) { return s; });
    if (!tmpl.is_valid()) {
      return InvalidArgument(std::string(what) +
                             " is not a valid mustache template: " + tmpl.error_message());
    }
    std::string out = tmpl.render(data);
    if (!tmpl.is_valid()) {
      return InvalidArgument("Cannot render " + std::string(what) + ": " + tmpl.error_message());
    }
    return out;
  } catch (const std::exception& e) {
    return InvalidArgument("Cannot render " + std::string(what) + ": " + e.what());
  }
}

// Section tags on lines of their own leave empty lines behind; the output reads
// better without any.
std::string WithoutBlankLines(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      out.append(line);
      out.push_back('\n');
    }
    pos = eol + 1;
  }
  return out;
}

}  // namespace

Result<std::string> RenderProxyTemplate(const TemplateInput& input, const RoutePlan& plan) {
  auto text = ReadFile(input.template_path);
  if (!text.ok()) {
    return Internal("Cannot read the proxy template " + input.template_path + ": " +
                    text.status().message());
  }
  Data root;
  for (const auto& [key, value] : input.globals) root.set(key, value);
  Data apps(Data::type::list);
  for (const auto& app : plan.apps) {
    Data d = AppData(app);
    if (input.custom_templates && !app.routes->custom_template.empty() && app.routed &&
        app.routes->static_page.empty()) {
      Data custom = d;
      for (const auto& [key, value] : input.globals) custom.set(key, value);
      BERTH_ASSIGN_OR_RETURN(
          std::string rendered,
          RenderText(app.routes->custom_template, custom,
                     "The custom template of " + app.routes->app + " (nginx.conf.mustache)"));
      d.set("custom", true);
      d.set("custom_config", rendered);
    }
    apps.push_back(d);
  }
  root.set("apps", apps);
  Data frontends(Data::type::list);
  for (const auto& f : plan.frontends) frontends.push_back(FrontendData(input, plan, f));
  root.set("frontends", frontends);
  BERTH_ASSIGN_OR_RETURN(std::string rendered, RenderText(*text, root, input.template_path));
  return WithoutBlankLines(rendered);
}

std::string AppSection(std::string_view config, std::string_view app) {
  const std::string begin = "# berth app: " + std::string(app) + " begin";
  const std::string end = "# berth app: " + std::string(app) + " end";
  std::string out;
  bool inside = false;
  size_t pos = 0;
  while (pos < config.size()) {
    size_t eol = config.find('\n', pos);
    if (eol == std::string_view::npos) eol = config.size();
    std::string_view line = config.substr(pos, eol - pos);
    std::string_view trimmed = line.substr(std::min(line.size(), line.find_first_not_of(" \t")));
    // A marker may carry a remark after it: "# berth app: foo begin (frontend ...)".
    auto is_marker = [&](const std::string& m) {
      return trimmed.starts_with(m) && (trimmed.size() == m.size() || trimmed[m.size()] == ' ');
    };
    if (!inside && is_marker(begin)) inside = true;
    if (inside) {
      out.append(line);
      out.push_back('\n');
    }
    if (inside && is_marker(end)) inside = false;
    pos = eol + 1;
  }
  return out;
}

}  // namespace berth
