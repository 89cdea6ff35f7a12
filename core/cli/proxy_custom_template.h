// An app's own nginx.conf.mustache. An app may ship one in its repository
// root (so it is at /app/nginx.conf.mustache in its slug); each deploy of a
// release takes it from that release's slug, checks it with nginx -t before
// any container starts, keeps a copy under $BERTH_ROOT/proxy/templates/APP/
// and points the app's `proxy` property custom-template-path at it, so nginx
// renders it in place of the app's default part. haproxy ignores it (with a
// notice). A failed deploy puts the previous template back.
#pragma once

#include <optional>
#include <string>

#include "core/cli/command.h"

namespace berth {

inline constexpr char kCustomTemplateKey[] = "custom-template-path";
inline constexpr char kCustomTemplateFile[] = "nginx.conf.mustache";

// Where the app's kept template copies live: $BERTH_ROOT/proxy/templates/APP.
std::string TemplatesDir(const Context& ctx, const std::string& app);

// The app's custom-template-path while a release deploys. Unless Keep() is
// called, destroying it restores the value it had before and, when that
// differs, rebuilds the running proxy.
class StagedTemplate {
 public:
  StagedTemplate(Context& ctx, std::string app, std::optional<std::string> previous,
                 std::string current);
  StagedTemplate(StagedTemplate&& other) noexcept;
  StagedTemplate& operator=(StagedTemplate&&) = delete;
  StagedTemplate(const StagedTemplate&) = delete;
  ~StagedTemplate();

  // The deploy succeeded: keep the new value and drop the app's older copies.
  void Keep();

 private:
  Context* ctx_;
  std::string app_;
  std::optional<std::string> previous_;
  std::string current_;  // the path now set, or "" when unset
  bool active_ = true;
};

// Stages the template of the release unpacked in `slug_layer` (holding app/):
// sets custom-template-path to a copy of it, or unsets it when the slug has
// none. When the app is served by nginx, the template is first rendered with
// the app's routes (its current web containers, or a placeholder address
// before its first deploy) into the whole nginx configuration and validated
// with nginx -t: kFailedPrecondition with nginx's message when it does not
// render or validate, and nothing is changed.
Result<StagedTemplate> StageCustomTemplate(Context& ctx, const std::string& app,
                                           const std::string& slug_layer);

}  // namespace berth
