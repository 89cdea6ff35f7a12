#include "core/cli/proxy_custom_template.h"

#include <sys/stat.h>

#include <filesystem>

#include "core/base/contained_path.h"
#include "core/base/files.h"
#include "core/cli/proxy_routes.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxTemplateBytes = 256 * 1024;
constexpr char kNginx[] = "nginx";

// The slug's /app/nginx.conf.mustache; "" when it has none.
Result<std::string> ReadSlugTemplate(const std::string& slug_layer) {
  std::string app_dir = slug_layer + "/app";
  BERTH_ASSIGN_OR_RETURN(std::string text, ReadFileInside(app_dir, kCustomTemplateFile));
  if (text.empty()) {
    struct stat st;
    std::string path = app_dir + "/" + kCustomTemplateFile;
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      return FailedPrecondition(std::string(kCustomTemplateFile) + " is not a regular file");
    }
    return text;
  }
  if (text.size() > kMaxTemplateBytes) {
    return FailedPrecondition(std::string(kCustomTemplateFile) + " is " +
                              std::to_string(text.size() / 1024) + " KiB; at most " +
                              std::to_string(kMaxTemplateBytes / 1024) + " KiB are allowed");
  }
  return text;
}

// The whole nginx configuration with `text` as the app's template, through
// nginx -t. The app gets a placeholder upstream when no container serves it
// yet, so a template written for serving containers validates.
Status ValidateWithNginx(Context& ctx, const std::string& app, const std::string& text) {
  BERTH_ASSIGN_OR_RETURN(ProxySettings settings, LoadProxySettings(ctx));
  BERTH_ASSIGN_OR_RETURN(auto proxy, MakeProxy(kNginx, ctx.runner, settings));
  BERTH_ASSIGN_OR_RETURN(auto mine, RoutesOfType(ctx, kNginx));
  for (auto& r : mine) {
    if (r.app != app) continue;
    r.custom_template = text;
    if (r.upstreams.empty()) r.upstreams = {"127.0.0.1"};
  }
  return proxy->Validate(mine);
}

}  // namespace

StagedTemplate::StagedTemplate(Context& ctx, std::string app, std::optional<std::string> previous,
                               std::string current)
    : ctx_(&ctx), app_(std::move(app)), previous_(std::move(previous)), current_(std::move(current)) {}

StagedTemplate::StagedTemplate(StagedTemplate&& other) noexcept
    : ctx_(other.ctx_),
      app_(std::move(other.app_)),
      previous_(std::move(other.previous_)),
      current_(std::move(other.current_)),
      active_(other.active_) {
  other.active_ = false;
}

StagedTemplate::~StagedTemplate() {
  if (!active_) return;
  Scope scope = Scope::App(app_);
  Status s = previous_ ? ctx_->store->SetProperty(kProxyPlugin, scope, kCustomTemplateKey, *previous_)
                       : ctx_->store->UnsetProperty(kProxyPlugin, scope, kCustomTemplateKey);
  // The scheduler's own rollback may have rebuilt the proxy with the new template.
  if (s.ok() && previous_.value_or("") != current_) s = RebuildProxy(*ctx_);
  if (!s.ok()) ctx_->out.Warn("Could not restore the proxy template of " + app_ + ": " + s.message());
}

void StagedTemplate::Keep() {
  if (!active_) return;
  active_ = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(TemplatesDir(*ctx_, app_), ec)) {
    if (entry.path().string() != current_) fs::remove(entry.path(), ec);
  }
}

Result<StagedTemplate> StageCustomTemplate(Context& ctx, const std::string& app,
                                           const std::string& slug_layer) {
  Scope scope = Scope::App(app);
  BERTH_ASSIGN_OR_RETURN(auto previous, ctx.store->GetProperty(kProxyPlugin, scope, kCustomTemplateKey));
  auto text = ReadSlugTemplate(slug_layer);
  if (!text.ok()) return FailedPrecondition("The app's " + text.status().message());
  if (text->empty()) {
    if (previous) BERTH_RETURN_IF_ERROR(ctx.store->UnsetProperty(kProxyPlugin, scope, kCustomTemplateKey));
    return StagedTemplate(ctx, app, previous, "");
  }
  BERTH_ASSIGN_OR_RETURN(std::string type, ProxyTypeOf(ctx, app));
  if (type == kNginx) {
    Status valid = ValidateWithNginx(ctx, app, *text);
    if (!valid.ok()) {
      return FailedPrecondition("The app's " + std::string(kCustomTemplateFile) +
                                " cannot be used: " + valid.message());
    }
    ctx.out.Detail("Using the app's " + std::string(kCustomTemplateFile) + " for its nginx configuration");
  } else {
    ctx.out.Detail(std::string(kCustomTemplateFile) + " found, but " + app + " is served by " + type +
                   ", which ignores it (only nginx uses an app's own template)");
  }
  std::string dir = TemplatesDir(ctx, app);
  BERTH_RETURN_IF_ERROR(MakeDirs(dir, 0755));
  std::string path = dir + "/" + fs::path(slug_layer).filename().string() + ".mustache";
  BERTH_RETURN_IF_ERROR(WriteFileAtomic(path, *text, 0644));
  BERTH_RETURN_IF_ERROR(ctx.store->SetProperty(kProxyPlugin, scope, kCustomTemplateKey, path));
  return StagedTemplate(ctx, app, previous, path);
}

std::string TemplatesDir(const Context& ctx, const std::string& app) {
  return ctx.env.root + "/proxy/templates/" + app;
}

}  // namespace berth
