// Renders a proxy template (proxy-templates/*.mustache) from a RoutePlan. The
// variables are documented in proxy-templates/README.md; values are inserted
// as they are (no HTML escaping: this is configuration, and every value is a
// validated name, address, port or path).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/proxy/route_plan.h"

namespace berth {

struct TemplateInput {
  std::string template_path;  // the main template
  // Values every template level sees: root, proxy_dir, pid_file, log_dir...
  std::map<std::string, std::string> globals;
  // Renders an app's custom_template in place of its default section.
  bool custom_templates = false;
  // The https frontend's certificate list path for a port (haproxy), or "".
  std::string (*crt_list_path)(const std::string& proxy_dir, int port) = nullptr;
};

// kInternal when the template cannot be read; kInvalidArgument when it (or an
// app's custom template) is not valid mustache.
Result<std::string> RenderProxyTemplate(const TemplateInput& input, const RoutePlan& plan);

// The lines of `config` between "# berth app: APP begin" and "# berth app: APP
// end" markers (every such section, in order, markers included); "" when none.
std::string AppSection(std::string_view config, std::string_view app);

}  // namespace berth
