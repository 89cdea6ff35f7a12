// Reports in Dokku's shape: "=====> APP family information" then aligned
// "       Label:   value" lines; `--format json` prints one flat object keyed by
// the flag name of each label ("App locked" -> "app-locked"); `--<flag>` prints
// just that value.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/base/output.h"
#include "core/cli/command.h"

namespace berth {

class Report {
 public:
  explicit Report(std::string title) : title_(std::move(title)) {}
  void Add(std::string label, std::string value) {
    rows_.emplace_back(std::move(label), std::move(value));
  }
  // Prints per the flags in `args`; an unknown --<key> or format is an error.
  Status Print(Output& out, const Args& args) const;
  // Prints the table form only.
  void PrintTable(Output& out) const;

  static std::string FlagName(std::string_view label);

 private:
  std::string title_;
  std::vector<std::pair<std::string, std::string>> rows_;
};

// Prints "KEY:  value" lines with the values aligned, as Dokku's config output.
void PrintAligned(Output& out, const std::vector<std::pair<std::string, std::string>>& rows,
                  bool indent);

}  // namespace berth
