#include "core/plugins/trigger_spec.h"

#include "core/plugins/trigger_catalogue.h"

namespace berth {

const TriggerSpec* FindTrigger(std::string_view name) {
  for (const TriggerSpec& spec : triggers::kCatalogue) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace berth
