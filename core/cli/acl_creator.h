// The creator of an app owns it: a PluginHost wrapper that, when post-create
// fires for an app made over ssh (apps:create, or a first push), puts the
// connected key on the app's ACL before the plugins hear of the app.
#pragma once

#include "core/cli/command.h"

namespace berth {

class CreatorGrantingHost : public PluginHost {
 public:
  // `store` may be null (commands without a store create no apps).
  CreatorGrantingHost(PluginHost& inner, Store* store, const Environment& env)
      : inner_(inner), store_(store), env_(env) {}

  // post-create over ssh: grants the key access first; a failed grant fails the
  // trigger. Everything else is the inner host's.
  Status Fire(const TriggerRequest& request) override;
  Status FireAt(const std::string& plugin_dir, const TriggerRequest& request) override {
    return inner_.FireAt(plugin_dir, request);
  }
  Result<std::optional<std::string>> Query(const TriggerRequest& request) override {
    return inner_.Query(request);
  }
  bool Implements(std::string_view trigger) override { return inner_.Implements(trigger); }
  std::vector<PluginInfo> ListPlugins() override { return inner_.ListPlugins(); }
  std::optional<int> RunCommand(std::string_view command,
                                const std::vector<std::string>& args) override {
    return inner_.RunCommand(command, args);
  }

 private:
  PluginHost& inner_;
  Store* store_;
  const Environment& env_;
};

}  // namespace berth
