#!/usr/bin/env bash
# An app's own nginx.conf.mustache, end to end: pushed over ssh in the repo's
# root, nginx serves the app from it (its header and its extra location); a
# push whose template nginx -t refuses fails with nginx's message, starts no
# container, and the running configuration and release keep serving; a push
# without the template goes back to berth's default part; nginx:validate-config
# checks the whole configuration; an app served by haproxy ignores the
# template with a notice.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/e2e_proxy.sh
source "$here/../lib/e2e_proxy.sh"
push_test_setup
e2e_proxy_start nginx

app=styled
repo="$PUSH_WORK/$app"
push_ssh apps:create "$app"
push_ssh domains:add "$app" styled.test
e2e_app_repo "$repo"
cat >"$repo/nginx.conf.mustache" <<'EOF'
{{#upstreams}}{{#has_servers}}
  upstream {{name}} {
{{#servers}}
    server {{address}};
{{/servers}}
  }
{{/has_servers}}{{/upstreams}}
{{#http}}
  server {
    listen {{port}};
    server_name {{server_names}};
    add_header X-Custom-Template {{app}} always;
    location = /from-template {
      default_type text/plain;
      return 200 "the template of {{app}}\n";
    }
    location / {
      proxy_pass http://{{upstream}};
    }
  }
{{/http}}
EOF
push_commit "$repo" "with nginx.conf.mustache"

headers() { curl -sS -m 10 -D - -o /dev/null -H "Host: styled.test" "http://127.0.0.1:$E2E_HTTP/"; }

push_app "$repo" "$app"
assert_eq 0 "$code" "a push with nginx.conf.mustache succeeds: $out"
assert_contains "$out" "Using the app's nginx.conf.mustache" "the push says it uses the template"
assert_contains "$(headers)" "X-Custom-Template: styled" "nginx serves the app from its template"
assert_eq "200 hello from procfile DYNO=web.1 GREETING=" "$(e2e_get_norev styled.test)" "the app answers through it"
assert_eq "200 the template of styled" "$(e2e_get styled.test /from-template)" "the template's own location"
run_berth nginx:show-config "$app"
assert_contains "$out" "add_header X-Custom-Template styled always;" "nginx:show-config shows the rendered template"
run_berth proxy:report "$app" --proxy-custom-template
assert_contains "$out" "$BERTH_ROOT/proxy/templates/$app/" "proxy:report shows the kept copy"
run_berth nginx:validate-config
assert_eq 0 "$code" "nginx:validate-config passes ($out)"
assert_contains "$out" "The nginx configuration is valid" "and says so"

# --- a template nginx refuses: the push fails, nothing changes ---
config="$BERTH_ROOT/proxy/nginx/nginx.conf"
cp "$config" "$PUSH_WORK/nginx.conf.before"
containers_before="$("$BERTH_BIN" ps:report "$app" --status)"
sed -i 's/add_header X-Custom-Template {{app}} always;/bogus_directive on;/' "$repo/nginx.conf.mustache"
push_commit "$repo" "a broken template"
push_app "$repo" "$app"
assert_eq 1 "$((code != 0))" "a push with a template nginx refuses fails"
assert_contains "$out" "nginx.conf.mustache cannot be used" "the push says the template is the problem"
assert_contains "$out" 'unknown directive "bogus_directive"' "with nginx -t's message"
assert_not_contains "$out" "Starting web.1" "no container started"
if cmp -s "$config" "$PUSH_WORK/nginx.conf.before"; then
  pass "the running configuration is unchanged"
else
  fail "the running configuration changed"
fi
assert_contains "$(headers)" "X-Custom-Template: styled" "the previous template keeps serving"
assert_eq "200 hello from procfile DYNO=web.1 GREETING=" "$(e2e_get_norev styled.test)" "and the app answers"
assert_eq "$containers_before" "$("$BERTH_BIN" ps:report "$app" --status)" "the running containers are the same"
assert_eq v1 "$(push_release_versions "$app")" "no release was made"

# --- without the template: berth's default part again ---
git -C "$repo" rm -q nginx.conf.mustache
push_commit "$repo" "no template"
push_app "$repo" "$app"
assert_eq 0 "$code" "a push without the template succeeds: $out"
assert_not_contains "$(headers)" "X-Custom-Template" "the default part serves the app again"
assert_eq "200 hello from procfile DYNO=web.1 GREETING=" "$(e2e_get_norev styled.test)" "and the app answers"
assert_contains "$(e2e_get styled.test /from-template)" "hello from procfile" "the template's location is gone"
run_berth proxy:report "$app" --proxy-custom-template
assert_eq "" "$out" "proxy:report shows no template"

# --- haproxy ignores it, with a notice ---
git -C "$repo" checkout -q HEAD~2 -- nginx.conf.mustache
sed -i 's/bogus_directive on;/add_header X-Custom-Template {{app}} always;/' "$repo/nginx.conf.mustache"
push_commit "$repo" "the template again"
push_ssh proxy:set "$app" haproxy
push_app "$repo" "$app"
assert_eq 0 "$code" "a push to an app served by haproxy succeeds: $out"
assert_contains "$out" "served by haproxy, which ignores it" "the push says haproxy ignores the template"

finish
