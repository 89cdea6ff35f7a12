#include "core/build/app_json.h"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/base/shell_words.h"
#include "core/build/procfile.h"
#include "core/build/text_lines.h"

namespace berth {
namespace {

using nlohmann::json;

Status FieldError(const std::string& field, std::string_view what) {
  return InvalidArgument("app.json: " + field + " " + std::string(what));
}

// The member `key` of `object`, or nullptr when it is absent or null.
const json* Member(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

Status ExpectObject(const json& value, const std::string& field) {
  return value.is_object() ? Status::Ok() : FieldError(field, "must be an object");
}

Status ExpectArray(const json& value, const std::string& field) {
  return value.is_array() ? Status::Ok() : FieldError(field, "must be a list");
}

Result<std::string> StringValue(const json& value, const std::string& field) {
  if (!value.is_string()) return FieldError(field, "must be a string");
  const auto& text = value.get_ref<const std::string&>();
  if (text.find('\0') != std::string::npos) return FieldError(field, "contains a NUL byte");
  return text;
}

// Reads object[key] into *out when present.
Status ReadString(const json& object, std::string_view key, const std::string& field,
                  std::string* out) {
  const json* value = Member(object, key);
  if (value == nullptr) return Status::Ok();
  BERTH_ASSIGN_OR_RETURN(*out, StringValue(*value, field));
  return Status::Ok();
}

// Reads object[key] into *out when present; it must be an integer in [min, max].
Status ReadInt(const json& object, std::string_view key, const std::string& field, int min,
               int max, int* out) {
  const json* value = Member(object, key);
  if (value == nullptr) return Status::Ok();
  bool ok = false;
  if (value->is_number_unsigned()) {
    auto n = value->get<uint64_t>();
    ok = n >= static_cast<uint64_t>(std::max(min, 0)) && n <= static_cast<uint64_t>(max);
  } else if (value->is_number_integer()) {
    auto n = value->get<int64_t>();
    ok = n >= min && n <= max;
  }
  if (!ok) {
    return FieldError(field, "must be a whole number from " + std::to_string(min) + " to " +
                                 std::to_string(max));
  }
  *out = static_cast<int>(value->get<int64_t>());
  return Status::Ok();
}

Status CheckProcessType(const std::string& section, const std::string& name) {
  if (IsValidProcessType(name)) return Status::Ok();
  return FieldError(section, "has an invalid process type " + Quoted(name) +
                                 ": use 1 to 63 letters, digits, '-' and '_'");
}

Status ParseScripts(const json& scripts, AppJson* app) {
  BERTH_RETURN_IF_ERROR(ExpectObject(scripts, "scripts"));
  BERTH_RETURN_IF_ERROR(ReadString(scripts, "postdeploy", "scripts.postdeploy",
                                   &app->first_deploy_postdeploy));
  const json* dokku = Member(scripts, "dokku");
  if (dokku == nullptr) return Status::Ok();
  BERTH_RETURN_IF_ERROR(ExpectObject(*dokku, "scripts.dokku"));
  BERTH_RETURN_IF_ERROR(
      ReadString(*dokku, "predeploy", "scripts.dokku.predeploy", &app->predeploy));
  return ReadString(*dokku, "postdeploy", "scripts.dokku.postdeploy", &app->postdeploy);
}

Status ParseFormation(const json& formation, AppJson* app) {
  BERTH_RETURN_IF_ERROR(ExpectObject(formation, "formation"));
  for (const auto& [type, entry] : formation.items()) {
    BERTH_RETURN_IF_ERROR(CheckProcessType("formation", type));
    std::string field = "formation." + type;
    BERTH_RETURN_IF_ERROR(ExpectObject(entry, field));
    if (Member(entry, "quantity") == nullptr) continue;
    int quantity = 0;
    BERTH_RETURN_IF_ERROR(ReadInt(entry, "quantity", field + ".quantity", 0, 1000, &quantity));
    app->formation[type] = quantity;
  }
  return Status::Ok();
}

Status ReadCommand(const json& check, const std::string& field, Healthcheck* out) {
  const json* command = Member(check, "command");
  if (command == nullptr) return Status::Ok();
  if (command->is_string()) {
    BERTH_ASSIGN_OR_RETURN(std::string line, StringValue(*command, field));
    auto words = SplitShellWords(line);
    if (!words.ok()) return FieldError(field, "cannot be split into words: " + words.status().message());
    out->command = std::move(words).value();
    return Status::Ok();
  }
  if (!command->is_array()) return FieldError(field, "must be a string or a list of strings");
  for (size_t i = 0; i < command->size(); ++i) {
    BERTH_ASSIGN_OR_RETURN(std::string word,
                           StringValue((*command)[i], field + "[" + std::to_string(i) + "]"));
    out->command.push_back(std::move(word));
  }
  return Status::Ok();
}

Result<Healthcheck> ParseHealthcheck(const json& check, const std::string& field) {
  BERTH_RETURN_IF_ERROR(ExpectObject(check, field));
  Healthcheck out;
  out.type = "startup";
  BERTH_RETURN_IF_ERROR(ReadString(check, "type", field + ".type", &out.type));
  if (out.type != "startup" && out.type != "liveness" && out.type != "readiness") {
    return FieldError(field + ".type", "must be startup, liveness or readiness");
  }
  BERTH_RETURN_IF_ERROR(ReadString(check, "name", field + ".name", &out.name));
  BERTH_RETURN_IF_ERROR(ReadString(check, "path", field + ".path", &out.path));
  if (!out.path.empty() && out.path.front() != '/') {
    return FieldError(field + ".path", "must start with '/'");
  }
  BERTH_RETURN_IF_ERROR(ReadString(check, "scheme", field + ".scheme", &out.scheme));
  if (!out.scheme.empty() && out.scheme != "http" && out.scheme != "https") {
    return FieldError(field + ".scheme", "must be http or https");
  }
  BERTH_RETURN_IF_ERROR(ReadString(check, "content", field + ".content", &out.content));
  BERTH_RETURN_IF_ERROR(ReadInt(check, "port", field + ".port", 1, 65535, &out.port));
  BERTH_RETURN_IF_ERROR(ReadInt(check, "attempts", field + ".attempts", 1, 100, &out.attempts));
  BERTH_RETURN_IF_ERROR(ReadInt(check, "timeout", field + ".timeout", 1, 3600, &out.timeout));
  BERTH_RETURN_IF_ERROR(ReadInt(check, "wait", field + ".wait", 0, 3600, &out.wait));
  BERTH_RETURN_IF_ERROR(
      ReadInt(check, "initialDelay", field + ".initialDelay", 0, 3600, &out.initial_delay));
  BERTH_RETURN_IF_ERROR(ReadInt(check, "uptime", field + ".uptime", 0, 3600, &out.uptime));
  BERTH_RETURN_IF_ERROR(ReadCommand(check, field + ".command", &out));
  return out;
}

Status ParseHealthchecks(const json& healthchecks, AppJson* app) {
  BERTH_RETURN_IF_ERROR(ExpectObject(healthchecks, "healthchecks"));
  for (const auto& [type, checks] : healthchecks.items()) {
    BERTH_RETURN_IF_ERROR(CheckProcessType("healthchecks", type));
    std::string field = "healthchecks." + type;
    BERTH_RETURN_IF_ERROR(ExpectArray(checks, field));
    std::vector<Healthcheck>& list = app->healthchecks[type];
    for (size_t i = 0; i < checks.size(); ++i) {
      BERTH_ASSIGN_OR_RETURN(Healthcheck check,
                             ParseHealthcheck(checks[i], field + "[" + std::to_string(i) + "]"));
      list.push_back(std::move(check));
    }
  }
  return Status::Ok();
}

// Five cron fields of digits, names and * , / - ? L W #, or an @macro.
bool IsCronSchedule(std::string_view schedule) {
  for (std::string_view macro :
       {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}) {
    if (schedule == macro) return true;
  }
  int fields = 0;
  bool in_field = false;
  for (char c : schedule) {
    if (c == ' ' || c == '\t') {
      in_field = false;
      continue;
    }
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::string_view("*,/-?#").find(c) != std::string_view::npos;
    if (!ok) return false;
    if (!in_field) ++fields;
    in_field = true;
  }
  return fields == 5;
}

Status ParseCron(const json& cron, AppJson* app) {
  BERTH_RETURN_IF_ERROR(ExpectArray(cron, "cron"));
  for (size_t i = 0; i < cron.size(); ++i) {
    std::string field = "cron[" + std::to_string(i) + "]";
    BERTH_RETURN_IF_ERROR(ExpectObject(cron[i], field));
    CronEntry entry;
    BERTH_RETURN_IF_ERROR(ReadString(cron[i], "command", field + ".command", &entry.command));
    BERTH_RETURN_IF_ERROR(ReadString(cron[i], "schedule", field + ".schedule", &entry.schedule));
    if (entry.command.empty()) return FieldError(field + ".command", "must not be empty");
    if (!IsCronSchedule(entry.schedule)) {
      return FieldError(field + ".schedule", "must be five cron fields (e.g. \"*/5 * * * *\") "
                                             "or @hourly, @daily, @weekly, @monthly, @yearly");
    }
    app->cron.push_back(std::move(entry));
  }
  return Status::Ok();
}

Status ParseBuildpacks(const json& buildpacks, AppJson* app) {
  BERTH_RETURN_IF_ERROR(ExpectArray(buildpacks, "buildpacks"));
  for (size_t i = 0; i < buildpacks.size(); ++i) {
    std::string field = "buildpacks[" + std::to_string(i) + "]";
    BERTH_RETURN_IF_ERROR(ExpectObject(buildpacks[i], field));
    std::string url;
    BERTH_RETURN_IF_ERROR(ReadString(buildpacks[i], "url", field + ".url", &url));
    if (url.empty()) return FieldError(field + ".url", "must be a non-empty string");
    app->buildpacks.push_back(std::move(url));
  }
  return Status::Ok();
}

// "line 3, column 7: <what>" out of nlohmann's parse error text.
std::string ParseErrorWhere(const json::parse_error& e) {
  std::string_view what = e.what();
  size_t at = what.find("at line ");
  if (at == std::string_view::npos) return std::string(": ") + std::string(what);
  return " " + std::string(what.substr(at));
}

Status ParseSections(const json& root, AppJson* app) {
  if (!root.is_object()) return InvalidArgument("app.json: the top level must be an object");
  if (const json* v = Member(root, "scripts")) BERTH_RETURN_IF_ERROR(ParseScripts(*v, app));
  if (const json* v = Member(root, "formation")) BERTH_RETURN_IF_ERROR(ParseFormation(*v, app));
  if (const json* v = Member(root, "healthchecks")) {
    BERTH_RETURN_IF_ERROR(ParseHealthchecks(*v, app));
  }
  if (const json* v = Member(root, "cron")) BERTH_RETURN_IF_ERROR(ParseCron(*v, app));
  if (const json* v = Member(root, "buildpacks")) BERTH_RETURN_IF_ERROR(ParseBuildpacks(*v, app));
  return Status::Ok();
}

}  // namespace

Result<AppJson> ParseAppJson(std::string_view text) {
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return InvalidArgument("app.json is not valid JSON" + ParseErrorWhere(e));
  } catch (const json::exception& e) {  // e.g. out_of_range: a number such as 1e400
    std::string_view what = e.what();
    size_t bracket = what.find("] ");
    return InvalidArgument("app.json is not valid JSON: " +
                           std::string(bracket == std::string_view::npos ? what : what.substr(bracket + 2)));
  }
  AppJson app;
  try {
    BERTH_RETURN_IF_ERROR(ParseSections(root, &app));
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("app.json could not be read: ") + e.what());
  }
  return app;
}

}  // namespace berth
