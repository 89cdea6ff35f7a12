// ManagedProxy: what nginx and haproxy share as proxies berth runs itself. The
// configuration lives in $root/proxy/TYPE/, next to the daemon's pid file;
// Apply validates a new configuration with the proxy's own checker before it
// renames it over the live one, and reloads by signalling the master process,
// which starts new workers beside the old ones (the old ones finish their
// requests). Each subclass says how to validate and start its program and
// which signals reload and stop it.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/proxy/proxy.h"

namespace berth {

class ManagedProxy : public Proxy {
 public:
  Status Apply(const std::vector<AppRoutes>& apps) override;
  Status Validate(const std::vector<AppRoutes>& apps) override;
  Status Start() override;
  Status Stop() override;
  Status Reload() override;
  bool Running() override;
  bool Died() override;

  // $root/proxy/TYPE, the live configuration in it and the daemon's pid file.
  std::string dir() const { return settings_.root + "/proxy/" + type_; }
  std::string config_path() const { return dir() + "/" + config_name_; }
  std::string pid_path() const { return dir() + "/" + type_ + ".pid"; }
  std::string log_dir() const { return dir() + "/logs"; }
  // The configuration text Validate last accepted, kept so that an Apply of the
  // same text soon after skips the validator (a deploy validates its switch
  // while the health checks run, then only swaps and reloads).
  std::string validated_path() const { return config_path() + ".validated"; }
  // What the proxy was last given: the configuration text and the state of the
  // files it reads (certificates). An Apply that would give it the same again
  // (a deploy behind service addresses) neither validates nor reloads.
  std::string loaded_path() const { return config_path() + ".loaded"; }

 protected:
  ManagedProxy(std::string type, std::string config_name, ProcessRunner& runner,
               ProxySettings settings)
      : type_(std::move(type)),
        config_name_(std::move(config_name)),
        runner_(runner),
        settings_(std::move(settings)) {}

  // argv that checks the configuration at `path` and exits non-zero when it is bad.
  virtual std::vector<std::string> ValidateCommand(const std::string& path) const = 0;
  // argv that starts the daemon on config_path(); it returns once the daemon runs.
  virtual std::vector<std::string> StartCommand() const = 0;
  virtual int ReloadSignal() const = 0;  // to the master: load the config, keep serving
  virtual int StopSignal() const = 0;    // to the master: finish requests, then exit
  // To the previous workers once the master has started new ones after a
  // reload: stop accepting, finish requests, exit. 0: the master tells them itself
  // without delay.
  virtual int OldWorkerStopSignal() const { return 0; }
  // Writes files the configuration refers to (certificate bundles) before it is
  // validated.
  virtual Status PrepareFiles(const std::vector<AppRoutes>& apps) {
    (void)apps;
    return Status::Ok();
  }

  const std::string& type() const { return type_; }
  ProcessRunner& runner() { return runner_; }
  const ProxySettings& settings() const { return settings_; }

 private:
  // The pid in the pid file when that process is our daemon and alive, else 0.
  int LivePid() const;
  Status RunChecked(const std::vector<std::string>& argv, const std::string& what);
  // Writes the files the configuration `text` (rendered from `apps`) refers
  // to, then `text` to a candidate file beside the live one (so a rename is
  // atomic), and validates it. Returns the candidate's path; an invalid one is
  // removed. The caller holds the apply lock.
  Result<std::string> ValidCandidate(const std::vector<AppRoutes>& apps, const std::string& text);
  // ValidCandidate, or the validated_path() file when it holds `text` and is
  // fresh: then only the files are written.
  Result<std::string> Candidate(const std::vector<AppRoutes>& apps, const std::string& text);
  // Renders and validates `apps` under the apply lock; with `apply`, renames
  // the candidate over the live configuration and reloads a running proxy.
  Status Check(const std::vector<AppRoutes>& apps, bool apply);

  std::string type_;
  std::string config_name_;
  ProcessRunner& runner_;
  ProxySettings settings_;
};

// The unprivileged user a proxy's workers run as when berth runs as root and
// `user` exists; "" otherwise (the workers keep berth's user).
std::string WorkerUserIfRoot(const char* user);

}  // namespace berth
