// An app's own nginx.conf.mustache from its slug: staged for a deploy (checked
// with nginx -t first), kept when the deploy succeeds, put back when it fails;
// ignored with a notice under haproxy. And nginx:validate-config.
#include <gmock/gmock.h>

#include "core/base/files.h"
#include "core/cli/proxy_custom_template.h"
#include "core/cli/proxy_routes.h"
#include "tests/unit/command_fixture.h"

namespace berth::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kTemplate[] =
    "{{#http}}\n  server { listen {{port}}; server_name {{server_names}}; return 204; }\n"
    "{{/http}}\n";

class CustomTemplateTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "web"}));
    ASSERT_TRUE(RunOk({"domains:add", "web", "web.test"}));
  }

  // A slug layer (DIR/app/...) holding `text` as nginx.conf.mustache, or none.
  std::string Slug(const std::string& digest, const std::string& text) {
    std::string layer = env_.root + "/slugs/" + digest;
    EXPECT_TRUE(MakeDirs(layer + "/app").ok());
    if (!text.empty()) {
      EXPECT_TRUE(WriteFileAtomic(layer + "/app/nginx.conf.mustache", text).ok());
    }
    return layer;
  }

  Result<StagedTemplate> Stage(const std::string& slug) {
    output_ = std::make_unique<Output>(out_, err_, false);
    ctx_ = std::make_unique<Context>(
        Context{&store(), plugins_, runner_, *output_, in_, env_, runtime_});
    return StageCustomTemplate(*ctx_, "web", slug);
  }

  std::string Path() {
    auto v = store().GetProperty(kProxyPlugin, Scope::App("web"), kCustomTemplateKey);
    EXPECT_TRUE(v.ok());
    return v.ok() ? v->value_or("") : "";
  }

  std::ostringstream out_, err_;
  std::istringstream in_;
  std::unique_ptr<Output> output_;
  std::unique_ptr<Context> ctx_;
};

TEST_F(CustomTemplateTest, KeptWhenTheDeploySucceeds) {
  {
    auto staged = Stage(Slug("aaa", kTemplate));
    ASSERT_TRUE(staged.ok()) << staged.status().message();
    staged->Keep();
  }
  EXPECT_EQ(Path(), env_.root + "/proxy/templates/web/aaa.mustache");
  EXPECT_EQ(*ReadFile(Path()), kTemplate);
  EXPECT_THAT(out_.str(), HasSubstr("Using the app's nginx.conf.mustache"));
  ASSERT_EQ(runner_.specs().size(), 1u) << "validated once with nginx -t";
  EXPECT_EQ(runner_.specs()[0].argv[1], "-t");

  // The next release has another template; the older copy goes once it is kept.
  {
    auto staged = Stage(Slug("bbb", "# v2\n" + std::string(kTemplate)));
    ASSERT_TRUE(staged.ok()) << staged.status().message();
    staged->Keep();
  }
  EXPECT_EQ(Path(), env_.root + "/proxy/templates/web/bbb.mustache");
  EXPECT_FALSE(PathExists(env_.root + "/proxy/templates/web/aaa.mustache"));
}

TEST_F(CustomTemplateTest, PutBackWhenTheDeployFails) {
  {
    auto staged = Stage(Slug("aaa", kTemplate));
    ASSERT_TRUE(staged.ok());
    staged->Keep();
  }
  std::string first = Path();
  {
    auto staged = Stage(Slug("bbb", "# v2\n" + std::string(kTemplate)));
    ASSERT_TRUE(staged.ok());
    EXPECT_THAT(Path(), HasSubstr("bbb.mustache")) << "used while the release deploys";
  }  // no Keep: the deploy failed
  EXPECT_EQ(Path(), first);
  EXPECT_TRUE(PathExists(first));

  // A release without a template drops it, and a failed one puts it back.
  {
    auto staged = Stage(Slug("ccc", ""));
    ASSERT_TRUE(staged.ok());
    EXPECT_EQ(Path(), "");
  }
  EXPECT_EQ(Path(), first);
  {
    auto staged = Stage(Slug("ccc", ""));
    ASSERT_TRUE(staged.ok());
    staged->Keep();
  }
  EXPECT_EQ(Path(), "");
}

TEST_F(CustomTemplateTest, BrokenTemplateFailsBeforeAnythingChanges) {
  auto staged = Stage(Slug("aaa", "{{#http}} unclosed"));
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(staged.status().message(), HasSubstr("not a valid mustache template"));
  EXPECT_EQ(Path(), "");
  EXPECT_TRUE(runner_.specs().empty());

  runner_.SetExit("nginx", 1, "", "nginx: [emerg] unknown directive \"bogus\" in x:3\n");
  auto refused = Stage(Slug("bbb", "bogus;\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), StartsWith("The app's nginx.conf.mustache cannot be used"));
  EXPECT_THAT(refused.status().message(), HasSubstr("unknown directive \"bogus\""));
  EXPECT_EQ(Path(), "");
  EXPECT_FALSE(PathExists(env_.root + "/proxy/templates/web/bbb.mustache"));
  EXPECT_FALSE(PathExists(env_.root + "/proxy/nginx/nginx.conf")) << "nothing was applied";
}

TEST_F(CustomTemplateTest, ValidatedWithAPlaceholderServerBeforeTheFirstDeploy) {
  constexpr char kProxyPass[] =
      "{{#upstreams}}upstream {{name}} {\n{{#servers}}server {{address}};{{/servers}}\n}\n"
      "{{/upstreams}}{{#http}}server { listen {{port}}; location / { proxy_pass "
      "http://{{upstream}}; } }{{/http}}\n";
  std::string rendered;
  runner_.SetScript([&](const ProcessSpec& spec) -> Result<ProcessResult> {
    auto text = ReadFile(spec.argv.back());
    if (text.ok()) rendered = *text;
    return ProcessResult{};
  });
  auto staged = Stage(Slug("aaa", kProxyPass));
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_THAT(rendered, HasSubstr("server 127.0.0.1:5000;"));
  EXPECT_THAT(rendered, HasSubstr("proxy_pass http://web-5000;"));
}

TEST_F(CustomTemplateTest, HaproxyIgnoresItWithANotice) {
  ASSERT_TRUE(RunOk({"proxy:set", "web", "haproxy"}));
  auto staged = Stage(Slug("aaa", "{{#http}} not even mustache"));
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  staged->Keep();
  EXPECT_THAT(out_.str(), HasSubstr("served by haproxy, which ignores it"));
  EXPECT_TRUE(runner_.specs().empty());
  EXPECT_THAT(Path(), HasSubstr("aaa.mustache")) << "kept for a switch to nginx";
}

TEST_F(CustomTemplateTest, LinksOutOfTheSlugAreRefused) {
  std::string layer = Slug("aaa", "");
  ASSERT_EQ(::symlink("/etc/passwd", (layer + "/app/nginx.conf.mustache").c_str()), 0);
  auto staged = Stage(layer);
  ASSERT_FALSE(staged.ok());
  EXPECT_THAT(staged.status().message(), HasSubstr("nginx.conf.mustache"));
  EXPECT_EQ(Path(), "");
}

TEST_F(CustomTemplateTest, ValidateConfigCommand) {
  ASSERT_TRUE(RunOk({"nginx:validate-config"}));
  EXPECT_THAT(out(), HasSubstr("The nginx configuration is valid"));
  ASSERT_TRUE(RunOk({"nginx:validate-config", "web"}));
  EXPECT_THAT(out(), HasSubstr("The nginx configuration of web is valid"));
  EXPECT_EQ(Run({"nginx:validate-config", "nope"}).ExitCode(), 20);
  EXPECT_FALSE(Run({"nginx:validate-config", "web", "extra"}).ok());

  runner_.SetExit("nginx", 1, "", "nginx: [emerg] something is off\n");
  EXPECT_FALSE(Run({"nginx:validate-config"}).ok());
  EXPECT_THAT(err(), HasSubstr("something is off"));
  EXPECT_FALSE(PathExists(env_.root + "/proxy/nginx/nginx.conf")) << "nothing is applied";
}

}  // namespace
}  // namespace berth::test
