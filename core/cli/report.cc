#include "core/cli/report.h"

#include <nlohmann/json.hpp>

namespace berth {

std::string Report::FlagName(std::string_view label) {
  std::string out;
  for (char c : label) {
    if (c == ' ') out += '-';
    else out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

void PrintAligned(Output& out, const std::vector<std::pair<std::string, std::string>>& rows,
                  bool indent) {
  size_t width = 0;
  for (const auto& [label, value] : rows) width = std::max(width, label.size() + 1);
  for (const auto& [label, value] : rows) {
    std::string line = label + ":" + std::string(width - label.size() - 1 + 2, ' ') + value;
    if (indent) out.Detail(line);
    else out.Line(line);
  }
}

void Report::PrintTable(Output& out) const {
  out.Header(title_);
  PrintAligned(out, rows_, true);
}

Status Report::Print(Output& out, const Args& args) const {
  std::string format = args.Flag("format", "stdout");
  for (const auto& [flag, value] : args.flags) {
    if (flag == "format" || flag == "force") continue;  // --force is global, not a key
    for (const auto& [label, v] : rows_) {
      if (FlagName(label) == flag) {
        out.Line(v);
        return Status::Ok();
      }
    }
    std::string valid;
    for (const auto& [label, v] : rows_) valid += " --" + FlagName(label);
    return InvalidArgument("Invalid flag passed, valid flags:" + valid);
  }
  if (format == "json") {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [label, value] : rows_) j[FlagName(label)] = value;
    out.Line(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return Status::Ok();
  }
  if (format != "stdout") {
    return InvalidArgument("Invalid --format value '" + format + "': use stdout or json");
  }
  PrintTable(out);
  return Status::Ok();
}

}  // namespace berth
