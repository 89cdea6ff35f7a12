// ports:* — how an app's proxy ports map to its container ports
// (scheme:host-port:container-port, e.g. http:80:5000).
#include "core/base/validate.h"
#include "core/cli/helpers.h"
#include "core/cli/report.h"

namespace berth {
namespace {

constexpr std::string_view kSchemes[] = {"http", "https", "tcp", "grpc", "grpcs"};

Result<PortMapping> ParseMapping(const std::string& text) {
  size_t a = text.find(':');
  size_t b = a == std::string::npos ? a : text.find(':', a + 1);
  if (b == std::string::npos || text.find(':', b + 1) != std::string::npos) {
    return InvalidArgument("Invalid port mapping '" + text.substr(0, 80) +
                           "': use scheme:host-port:container-port, e.g. http:80:5000");
  }
  PortMapping m;
  m.scheme = text.substr(0, a);
  bool known = false;
  for (auto s : kSchemes) known = known || s == m.scheme;
  if (!known) {
    return InvalidArgument("Invalid scheme '" + m.scheme.substr(0, 20) +
                           "' in port mapping: use http, https, tcp, grpc or grpcs");
  }
  BERTH_ASSIGN_OR_RETURN(m.host_port, ParsePort(text.substr(a + 1, b - a - 1)));
  BERTH_ASSIGN_OR_RETURN(m.container_port, ParsePort(text.substr(b + 1)));
  return m;
}

// Parses every mapping and refuses two that claim one host port differently.
Result<std::vector<PortMapping>> ParseMappings(const std::vector<std::string>& given,
                                               const std::vector<PortMapping>& existing) {
  std::vector<PortMapping> out;
  for (const auto& text : given) {
    BERTH_ASSIGN_OR_RETURN(PortMapping m, ParseMapping(text));
    const std::vector<PortMapping>* lists[] = {&existing, &out};
    for (const std::vector<PortMapping>* list : lists) {
      for (const auto& other : *list) {
        if (other.host_port == m.host_port && !(other == m)) {
          return InvalidArgument("Host port " + std::to_string(m.host_port) +
                                 " is already mapped by " + other.ToString() +
                                 "; remove that mapping first");
        }
      }
    }
    out.push_back(m);
  }
  return out;
}

Status AppAndMappings(Context& ctx, const Args& args, bool need_mappings, std::string* app,
                      std::vector<std::string>* rest) {
  BERTH_ASSIGN_OR_RETURN(*app, ExistingApp(ctx, args));
  rest->assign(args.positional.begin() + 1, args.positional.end());
  if (need_mappings && rest->empty()) {
    return InvalidArgument("Please specify at least one port mapping (scheme:host-port:container-port)");
  }
  return Status::Ok();
}

Status List(Context& ctx, const Args& args) {
  BERTH_RETURN_IF_ERROR(ExpectArgs(args, 1, "ports:list APP"));
  BERTH_ASSIGN_OR_RETURN(std::string app, ExistingApp(ctx, args));
  BERTH_ASSIGN_OR_RETURN(auto ports, ctx.store->GetPorts(app));
  if (ports.empty()) {
    ctx.out.Warn("No port mappings configured for app");
    return Status::Ok();
  }
  ctx.out.Header(app + " ports");
  ctx.out.Step("scheme  host port  container port");
  for (const auto& p : ports) {
    std::string scheme = p.scheme + std::string(8 - std::min<size_t>(8, p.scheme.size()), ' ');
    std::string host = std::to_string(p.host_port);
    host += std::string(11 - host.size(), ' ');
    ctx.out.Line(scheme + host + std::to_string(p.container_port));
  }
  return Status::Ok();
}

Status Add(Context& ctx, const Args& args) {
  std::string app;
  std::vector<std::string> rest;
  BERTH_RETURN_IF_ERROR(AppAndMappings(ctx, args, true, &app, &rest));
  BERTH_ASSIGN_OR_RETURN(auto existing, ctx.store->GetPorts(app));
  BERTH_ASSIGN_OR_RETURN(auto ports, ParseMappings(rest, existing));
  BERTH_RETURN_IF_ERROR(ctx.store->AddPorts(app, ports));
  for (const auto& p : ports) ctx.out.Step("Added port mapping " + p.ToString());
  return Status::Ok();
}

Status Remove(Context& ctx, const Args& args) {
  std::string app;
  std::vector<std::string> rest;
  BERTH_RETURN_IF_ERROR(AppAndMappings(ctx, args, true, &app, &rest));
  BERTH_ASSIGN_OR_RETURN(auto existing, ctx.store->GetPorts(app));
  std::vector<PortMapping> remove;
  for (const auto& text : rest) {
    if (text.find(':') == std::string::npos) {  // a bare host port removes all its mappings
      BERTH_ASSIGN_OR_RETURN(int port, ParsePort(text));
      for (const auto& p : existing) {
        if (p.host_port == port) remove.push_back(p);
      }
      continue;
    }
    BERTH_ASSIGN_OR_RETURN(PortMapping m, ParseMapping(text));
    remove.push_back(m);
  }
  BERTH_RETURN_IF_ERROR(ctx.store->RemovePorts(app, remove));
  for (const auto& p : remove) ctx.out.Step("Removed port mapping " + p.ToString());
  return Status::Ok();
}

Status Set(Context& ctx, const Args& args) {
  std::string app;
  std::vector<std::string> rest;
  BERTH_RETURN_IF_ERROR(AppAndMappings(ctx, args, true, &app, &rest));
  BERTH_ASSIGN_OR_RETURN(auto ports, ParseMappings(rest, {}));
  BERTH_RETURN_IF_ERROR(ctx.store->SetPorts(app, ports));
  std::string all;
  for (const auto& p : ports) all += (all.empty() ? "" : " ") + p.ToString();
  ctx.out.Step("Set port mappings for " + app + ": " + all);
  return Status::Ok();
}

Status Clear(Context& ctx, const Args& args) {
  std::string app;
  std::vector<std::string> rest;
  BERTH_RETURN_IF_ERROR(AppAndMappings(ctx, args, false, &app, &rest));
  if (!rest.empty()) return InvalidArgument("Usage: berth ports:clear APP");
  BERTH_RETURN_IF_ERROR(ctx.store->SetPorts(app, {}));
  ctx.out.Step("Cleared port mappings for " + app);
  return Status::Ok();
}

Status ReportOne(Context& ctx, const Args& args, const std::string& app) {
  BERTH_ASSIGN_OR_RETURN(auto ports, ctx.store->GetPorts(app));
  BERTH_ASSIGN_OR_RETURN(auto env, ctx.store->GetEnv(Scope::App(app)));
  std::string map;
  for (const auto& p : ports) map += (map.empty() ? "" : " ") + p.ToString();
  // Without explicit mappings, port 80 goes to $PORT (5000 unless set).
  auto port = env.find("PORT");
  std::string container_port = port != env.end() && ParsePort(port->second).ok() ? port->second : "5000";
  Report report(app + " ports information");
  report.Add("Ports map", map);
  report.Add("Ports map detected", "http:80:" + container_port);
  return report.Print(ctx.out, args);
}

Status PortsReport(Context& ctx, const Args& args) {
  return ReportAppOrAll(ctx, args, ReportOne);
}

}  // namespace

void RegisterPortsCommands(CommandRegistry& registry) {
  registry.Add({"ports", "Manage an app's port mappings", {
      {.name = "ports:list", .usage = "ports:list APP", .summary = "List an app's port mappings",
       .handler = List},
      {.name = "ports:add", .usage = "ports:add APP scheme:host-port:container-port...",
       .summary = "Add port mappings", .handler = Add},
      {.name = "ports:remove", .usage = "ports:remove APP scheme:host-port:container-port|host-port...",
       .summary = "Remove port mappings", .handler = Remove},
      {.name = "ports:set", .usage = "ports:set APP scheme:host-port:container-port...",
       .summary = "Replace an app's port mappings", .handler = Set},
      {.name = "ports:clear", .usage = "ports:clear APP",
       .summary = "Remove every port mapping of an app", .handler = Clear},
      {.name = "ports:report", .usage = "ports:report [APP] [--format json] [--<key>]",
       .summary = "Display port information", .handler = PortsReport,
       .flags = {{"format", true}}, .any_flag = true},
  }});
}

}  // namespace berth
