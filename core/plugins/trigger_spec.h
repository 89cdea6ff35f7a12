// What the catalogue (hooks/triggers.yaml) says about one trigger. The generated
// trigger_catalogue.h holds one TriggerSpec per trigger and a kName constant each;
// code fires triggers only through those constants.
#pragma once

#include <string_view>

namespace berth {

enum class TriggerKind {
  kObserve,  // stdout ignored; a failure is a warning
  kVeto,     // a non-zero exit stops the action
  kAnswer,   // stdout read; first non-empty answer wins
};

struct TriggerSpec {
  std::string_view name;
  TriggerKind kind;
  int timeout_seconds;
  std::string_view args;  // the positional arguments as documented: "APP VERSION"
  int min_args;           // how many of them every call passes
  bool variadic;          // the last ones repeat ("DOMAIN..."): calls may pass more
};

// The catalogue entry for `name`, or nullptr when the catalogue has none.
const TriggerSpec* FindTrigger(std::string_view name);

}  // namespace berth
