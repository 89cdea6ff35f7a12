// config:* — app and global config vars. Values are stored and returned exactly
// as given (any bytes but NUL) and never evaluated.
#include <iterator>

#include <nlohmann/json.hpp>

#include "core/base/base64.h"
#include "core/base/env_file.h"
#include "core/base/shell_words.h"
#include "core/base/validate.h"
#include "core/cli/config_commands.h"
#include "core/cli/helpers.h"
#include "core/cli/pipeline.h"
#include "core/cli/report.h"
#include "core/plugins/trigger_catalogue.h"

namespace berth {
namespace {

// The vars a read command shows: the scope's own, or global ones overlaid by the
// app's with --merged.
Result<EnvMap> VarsToShow(Context& ctx, const Args& args, Scope* scope_out,
                          std::vector<std::string>* rest) {
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, rest));
  *scope_out = scope;
  BERTH_ASSIGN_OR_RETURN(EnvMap vars, ctx.store->GetEnv(scope));
  if (args.Has("merged") && !scope.global()) {
    BERTH_ASSIGN_OR_RETURN(EnvMap merged, ctx.store->GetEnv(Scope::Global()));
    for (auto& [k, v] : vars) merged[k] = v;
    return merged;
  }
  return vars;
}

Status Show(Context& ctx, const Args& args) {
  Scope scope;
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(EnvMap vars, VarsToShow(ctx, args, &scope, &rest));
  if (!rest.empty()) return InvalidArgument("Usage: berth config:show APP|--global [--merged]");
  ctx.out.Header(ScopeName(scope) + " env vars");
  std::vector<std::pair<std::string, std::string>> rows(vars.begin(), vars.end());
  PrintAligned(ctx.out, rows, false);
  return Status::Ok();
}

Status Get(Context& ctx, const Args& args) {
  Scope scope;
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(EnvMap vars, VarsToShow(ctx, args, &scope, &rest));
  if (rest.size() != 1) return InvalidArgument("Usage: berth config:get APP|--global KEY [--quoted]");
  BERTH_RETURN_IF_ERROR(ValidateEnvKey(rest[0]));
  auto it = vars.find(rest[0]);
  if (it == vars.end()) return NotFound("");  // Dokku: exit 1, no output
  ctx.out.Line(args.Has("quoted") ? ShellQuote(it->second) : it->second);
  return Status::Ok();
}

Status Keys(Context& ctx, const Args& args) {
  Scope scope;
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(EnvMap vars, VarsToShow(ctx, args, &scope, &rest));
  if (!rest.empty()) return InvalidArgument("Usage: berth config:keys APP|--global [--merged]");
  for (const auto& [k, v] : vars) ctx.out.Line(k);
  return Status::Ok();
}

Status Export(Context& ctx, const Args& args) {
  Scope scope;
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(EnvMap vars, VarsToShow(ctx, args, &scope, &rest));
  if (!rest.empty()) return InvalidArgument("Usage: berth config:export APP|--global [--format F]");
  std::string format = args.Flag("format", "exports");
  constexpr auto kUtf8Replace = nlohmann::json::error_handler_t::replace;
  if (format == "exports") {
    ctx.out.Raw(FormatEnvFile(vars, EnvFileFormat::kExports));
  } else if (format == "envfile") {
    ctx.out.Raw(FormatEnvFile(vars, EnvFileFormat::kEnvfile));
  } else if (format == "shell") {
    ctx.out.Raw(FormatEnvFile(vars, EnvFileFormat::kShell));
  } else if (format == "json") {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : vars) j[k] = v;
    ctx.out.Line(j.dump(-1, ' ', false, kUtf8Replace));
  } else if (format == "json-list") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& [k, v] : vars) j.push_back({{"name", k}, {"value", v}});
    ctx.out.Line(j.dump(-1, ' ', false, kUtf8Replace));
  } else if (format == "docker-args") {
    std::string line;
    for (const auto& [k, v] : vars) line += (line.empty() ? "--env=" : " --env=") + k + "=" + ShellQuote(v);
    ctx.out.Line(line);
  } else {
    return InvalidArgument("Invalid --format value '" + format +
                           "': use exports, envfile, json, json-list, shell or docker-args");
  }
  return Status::Ok();
}

// A JSON object of string values, as `config:export --format json` writes.
Result<EnvMap> ParseJsonEnv(std::string_view text, bool encoded) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument("Invalid JSON: give an object of string values, as config:export --format json writes");
  }
  EnvMap vars;
  for (const auto& [key, value] : doc.items()) {
    BERTH_RETURN_IF_ERROR(ValidateEnvKey(key));
    if (!value.is_string()) return InvalidArgument("Value of " + key + " is not a JSON string");
    std::string text_value = value.get<std::string>();
    if (encoded) {
      auto decoded = Base64Decode(text_value);
      if (!decoded.ok()) return InvalidArgument("Value of " + key + ": " + decoded.status().message());
      text_value = std::move(*decoded);
    }
    BERTH_RETURN_IF_ERROR(ValidateEnvValue(key, text_value));
    vars[key] = std::move(text_value);
  }
  return vars;
}

}  // namespace

Result<ConfigImportResult> ConfigImport(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  if (!rest.empty()) {
    return InvalidArgument("Usage: berth config:import APP|--global [--format envfile|json] [--replace] "
                           "[--encoded] [--no-restart] < FILE");
  }
  std::string format = args.Flag("format", "envfile");
  if (format != "envfile" && format != "json") {
    return InvalidArgument("Invalid --format value '" + format + "': use envfile or json");
  }
  std::string text(std::istreambuf_iterator<char>(ctx.in), std::istreambuf_iterator<char>{});
  bool encoded = args.Has("encoded");
  auto parsed = format == "json" ? ParseJsonEnv(text, encoded) : ParseEnvFile(text, encoded);
  if (!parsed.ok()) return InvalidArgument("Nothing was imported. " + parsed.status().message());
  EnvMap vars = std::move(*parsed);
  if (vars.empty()) return InvalidArgument("At least one env pair must be given (on stdin)");
  ConfigImportResult result;
  for (const auto& [k, v] : vars) result.keys.push_back(k);
  if (args.Has("replace")) {
    BERTH_ASSIGN_OR_RETURN(EnvMap old, ctx.store->GetEnv(scope));
    for (const auto& [k, v] : old) {
      if (!vars.contains(k)) result.removed.push_back(k);
    }
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetEnv(scope, vars));
  if (!result.removed.empty()) BERTH_RETURN_IF_ERROR(ctx.store->UnsetEnv(scope, result.removed));
  ctx.out.Step("Importing " + std::to_string(vars.size()) + " config vars");  // names only: values may be secrets
  for (const auto& k : result.keys) ctx.out.Detail(k);
  for (const auto& k : result.removed) ctx.out.Step("Unsetting " + k);
  std::vector<std::string> set_args = {ScopeName(scope), "set"};
  for (const auto& [k, v] : vars) set_args.push_back(k + "=" + v);
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostConfigUpdate, set_args, scope.app, ""}));
  if (result.removed.empty()) return result;
  std::vector<std::string> unset_args = {ScopeName(scope), "unset"};
  unset_args.insert(unset_args.end(), result.removed.begin(), result.removed.end());
  BERTH_RETURN_IF_ERROR(ctx.plugins.Fire({triggers::kPostConfigUpdate, unset_args, scope.app, ""}));
  return result;
}

Status ConfigSet(Context& ctx, const Args& args) {
  std::vector<std::string> pairs;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &pairs));
  if (pairs.empty()) return InvalidArgument("At least one env pair must be given");
  EnvMap vars;
  std::vector<std::string> trigger_args = {ScopeName(scope), "set"};
  for (size_t i = 0; i < pairs.size(); ++i) {
    const std::string& pair = pairs[i];
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {  // not echoed: it may be a secret
      return InvalidArgument("Invalid env pair (argument " + std::to_string(i + 1) +
                             "): use KEY=VALUE");
    }
    std::string key = pair.substr(0, eq);
    std::string value = pair.substr(eq + 1);
    BERTH_RETURN_IF_ERROR(ValidateEnvKey(key));
    if (args.Has("encoded")) {
      auto decoded = Base64Decode(value);
      if (!decoded.ok()) return InvalidArgument("Value of " + key + ": " + decoded.status().message());
      value = *decoded;
    }
    BERTH_RETURN_IF_ERROR(ValidateEnvValue(key, value));
    vars[key] = value;
  }
  BERTH_RETURN_IF_ERROR(ctx.store->SetEnv(scope, vars));
  ctx.out.Step("Setting config vars");
  std::vector<std::pair<std::string, std::string>> rows(vars.begin(), vars.end());
  PrintAligned(ctx.out, rows, true);
  for (const auto& [k, v] : vars) trigger_args.push_back(k + "=" + v);
  return ctx.plugins.Fire({triggers::kPostConfigUpdate, trigger_args, scope.app, ""});
}

Status ConfigUnset(Context& ctx, const Args& args) {
  std::vector<std::string> keys;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &keys));
  if (keys.empty()) return InvalidArgument("At least one key must be given");
  for (const auto& k : keys) BERTH_RETURN_IF_ERROR(ValidateEnvKey(k));
  BERTH_RETURN_IF_ERROR(ctx.store->UnsetEnv(scope, keys));
  for (const auto& k : keys) ctx.out.Step("Unsetting " + k);
  std::vector<std::string> trigger_args = {ScopeName(scope), "unset"};
  trigger_args.insert(trigger_args.end(), keys.begin(), keys.end());
  return ctx.plugins.Fire({triggers::kPostConfigUpdate, trigger_args, scope.app, ""});
}

Status ConfigClear(Context& ctx, const Args& args) {
  std::vector<std::string> rest;
  BERTH_ASSIGN_OR_RETURN(Scope scope, ScopeArg(ctx, args, &rest));
  if (!rest.empty()) return InvalidArgument("Usage: berth config:clear APP|--global");
  BERTH_ASSIGN_OR_RETURN(EnvMap old, ctx.store->GetEnv(scope));
  BERTH_RETURN_IF_ERROR(ctx.store->ClearEnv(scope));
  ctx.out.Step("Clearing config vars");
  std::vector<std::string> trigger_args = {ScopeName(scope), "unset"};
  for (const auto& [k, v] : old) trigger_args.push_back(k);
  return ctx.plugins.Fire({triggers::kPostConfigUpdate, trigger_args, scope.app, ""});
}


void RegisterConfigCommands(CommandRegistry& registry) {
  const std::vector<FlagSpec> read_flags = {{"global"}, {"merged"}};
  const std::vector<FlagSpec> write_flags = {{"global"}, {"no-restart"}, {"encoded"}};
  registry.Add({"config", "Manage global and app-specific config vars", {
      {.name = "config", .usage = "config APP|--global [--merged]",
       .summary = "Show the config vars (same as config:show)", .handler = Show,
       .flags = read_flags},
      {.name = "config:show", .usage = "config:show APP|--global [--merged]",
       .summary = "Show the config vars", .handler = Show, .flags = read_flags},
      {.name = "config:get", .usage = "config:get APP|--global KEY [--quoted]",
       .summary = "Print the value of one config var", .handler = Get,
       .flags = {{"global"}, {"merged"}, {"quoted"}}},
      {.name = "config:keys", .usage = "config:keys APP|--global [--merged]",
       .summary = "List the config var names", .handler = Keys, .flags = read_flags},
      {.name = "config:export",
       .usage = "config:export APP|--global [--merged] [--format exports|envfile|json|json-list|shell|docker-args]",
       .summary = "Export the config vars in a format other tools read", .handler = Export,
       .flags = {{"global"}, {"merged"}, {"format", true}}},
      {.name = "config:set",
       .usage = "config:set APP|--global [--encoded] [--no-restart] KEY=VALUE...",
       .summary = "Set one or more config vars", .handler = PipelineHandler("config:set"), .flags = write_flags,
       .redact_values = true},
      {.name = "config:import",
       .usage = "config:import APP|--global [--format envfile|json] [--replace] [--encoded] [--no-restart] < FILE",
       .summary = "Set the config vars of a document on stdin (what config:export writes)",
       .handler = PipelineHandler("config:import"),
       .flags = {{"global"}, {"no-restart"}, {"encoded"}, {"replace"}, {"format", true}}},
      {.name = "config:unset", .usage = "config:unset APP|--global [--no-restart] KEY...",
       .summary = "Unset one or more config vars", .handler = PipelineHandler("config:unset"), .flags = write_flags},
      {.name = "config:clear", .usage = "config:clear APP|--global [--no-restart]",
       .summary = "Unset every config var", .handler = PipelineHandler("config:clear"), .flags = write_flags},
  }});
}

}  // namespace berth
