// FakePluginHost: a PluginHost with no plugins behind it. It records every
// trigger fired or queried (in order), and can be told to veto a trigger or to
// answer a query.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/plugins/plugin_host.h"

namespace berth::test {

// A TriggerRequest that owns its trigger name (the real one holds a string_view).
struct FiredTrigger {
  std::string trigger;
  std::vector<std::string> args;
  std::string app;
  std::string stdin_data;
};

class FakePluginHost : public PluginHost {
 public:
  Status Fire(const TriggerRequest& request) override {
    Record(request);
    auto it = vetoes_.find(std::string(request.trigger));
    if (it != vetoes_.end()) return PermissionDenied(it->second);
    return Status::Ok();
  }

  // Recorded like Fire, with the plugin's folder as the stdin_data field.
  Status FireAt(const std::string& plugin_dir, const TriggerRequest& request) override {
    TriggerRequest at = request;
    at.stdin_data = plugin_dir;
    return Fire(at);
  }

  Result<std::optional<std::string>> Query(const TriggerRequest& request) override {
    Record(request);
    auto it = answers_.find(std::string(request.trigger));
    if (it == answers_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  bool Implements(std::string_view trigger) override {
    std::string name(trigger);
    return vetoes_.contains(name) || answers_.contains(name);
  }

  std::vector<PluginInfo> ListPlugins() override { return {}; }

  std::optional<int> RunCommand(std::string_view command, const std::vector<std::string>&) override {
    auto it = commands_.find(std::string(command));
    if (it == commands_.end()) return std::nullopt;
    return it->second;
  }
  // A plugin command `name` (PLUGIN:CMD) that exits with `exit_code`.
  void Command(std::string name, int exit_code) { commands_[std::move(name)] = exit_code; }

  // Fire(trigger) fails with kPermissionDenied carrying `message`.
  void Veto(std::string trigger, std::string message) {
    vetoes_[std::move(trigger)] = std::move(message);
  }
  void Answer(std::string trigger, std::string answer) {
    answers_[std::move(trigger)] = std::move(answer);
  }

  const std::vector<FiredTrigger>& fired() const { return fired_; }
  // The names of the fired triggers, in order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& f : fired_) out.push_back(f.trigger);
    return out;
  }
  // The requests for one trigger, in order.
  std::vector<FiredTrigger> Named(std::string_view trigger) const {
    std::vector<FiredTrigger> out;
    for (const auto& f : fired_) {
      if (f.trigger == trigger) out.push_back(f);
    }
    return out;
  }
  void Clear() { fired_.clear(); }

 private:
  void Record(const TriggerRequest& request) {
    fired_.push_back({std::string(request.trigger), request.args, request.app, request.stdin_data});
  }

  std::vector<FiredTrigger> fired_;
  std::map<std::string, std::string> vetoes_;
  std::map<std::string, int> commands_;
  std::map<std::string, std::string> answers_;
};

}  // namespace berth::test
