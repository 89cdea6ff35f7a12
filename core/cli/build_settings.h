// An app's build settings: the builder (builder:set) and the buildpack list
// (buildpacks:*), as the build step reads them.
#pragma once

#include <string>
#include <vector>

#include "core/cli/command.h"

namespace berth {

inline constexpr char kBuilderPlugin[] = "builder";
inline constexpr char kBuildpacksPlugin[] = "buildpacks";

// The app's buildpacks:add/set list, in order (empty: detect).
Result<std::vector<std::string>> AppBuildpacks(Context& ctx, const std::string& app);
Status SetAppBuildpacks(Context& ctx, const std::string& app, const std::vector<std::string>& list);

// The builder chosen with builder:set (app, else global), "" when unset.
Result<std::string> SelectedBuilder(Context& ctx, const std::string& app);

}  // namespace berth
