#!/usr/bin/env bash
# A pushed app cannot make berth (root, on the host) read or write host files
# through symbolic links: a Procfile, .buildpacks or app.json committed as a
# link to a host file does not show that file's text to the pusher or put it in
# a release; links a buildpack leaves in the build (a .profile.d pointing at a
# host directory, a Procfile or another file pointing at a host file) neither
# make berth write into the host directory nor copy the host file into the
# slug or the output. Links that stay inside the app keep working.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

# A host file the app must never see, and a host directory it must never write.
secret_word="host-secret-$RANDOM$RANDOM"
secret="$PUSH_WORK/host-secret.txt"
echo "$secret_word: do not show this line" >"$secret"
chmod 0600 "$secret"
victim="$PUSH_WORK/victim-dir"
mkdir -p "$victim"

# push_links: pushes the repo to the app "links", remembering how many releases
# there were before.
push_links() {
  releases_before="$(push_release_count links 2>/dev/null || echo 0)"
  push_app "$repo" links
}

# not_leaked WHAT: the secret is neither in the last push's output nor in a
# release it made.
not_leaked() {
  assert_not_contains "$out" "$secret_word" "$1: the host file's text is not shown to the pusher"
  assert_not_contains "$("$BERTH_BIN" releases links --format json | push_json_query "j[:len(j) - $releases_before]")" \
    "$secret_word" "$1: the host file's text is in no release it made"
}

# --- links committed in the repo ---------------------------------------------------
repo="$PUSH_WORK/links"
mkdir -p "$repo/public"
echo "<p>links</p>" >"$repo/public/index.html"
git -C "$repo" init -q -b main
push_commit "$repo" "a static site"
push_links
assert_eq 0 "$code" "the site without links deploys: $out"
for file in Procfile .buildpacks app.json; do
  for target in "$secret" "../../../../../../../../..$secret"; do
    ln -sfn "$target" "$repo/$file"
    push_commit "$repo" "$file -> $target"
    push_links
    not_leaked "$file -> $target"
    git -C "$repo" rm -q "$file"
    push_commit "$repo" "no $file"
  done
done
# A link inside the app is fine: the Procfile lives in config/.
mkdir -p "$repo/config"
# shellcheck disable=SC2016  # $PORT is for the app's shell
echo 'web: python3 -m http.server $PORT --directory public' >"$repo/config/Procfile"
ln -sfn config/Procfile "$repo/Procfile"
ln -sfn index.html "$repo/public/home.html"
push_commit "$repo" "Procfile -> config/Procfile"
push_links
assert_eq 0 "$code" "a Procfile linked inside the app deploys: $out"
assert_contains "$out" "Procfile declares types -> web" "the linked Procfile is read"
assert_eq index.html "$("$BERTH_BIN" run links readlink public/home.html)" "links in the app stay links"

# --- links a buildpack leaves in the build ----------------------------------------------
bp="$PUSH_WORK/linking-buildpack"
mkdir -p "$bp/bin"
cat >"$bp/bin/compile" <<'EOF'
#!/bin/sh
# MODE from the app's config: which link to leave in the build.
build=$1 env=$3
mode=$(cat "$env/MODE")
secret=$(cat "$env/SECRET_FILE")
case "$mode" in
  profile) rm -rf "$build/.profile.d" && ln -s "$(cat "$env/VICTIM_DIR")" "$build/.profile.d" ;;
  procfile) rm -f "$build/Procfile" && ln -s "$secret" "$build/Procfile" ;;
  file) ln -s "$secret" "$build/leak.txt" && ln -s "$(cat "$env/VICTIM_DIR")" "$build/leak-dir" ;;
esac
echo "-----> Left a $mode link"
EOF
cat >"$bp/bin/release" <<'EOF'
#!/bin/sh
cat <<'YAML'
---
config_vars:
  LINKING_BUILDPACK: "yes"
default_process_types:
  web: python3 -m http.server $PORT --directory public
YAML
EOF
chmod 0755 "$bp/bin/compile" "$bp/bin/release"
"$BERTH_BIN" config:set --no-restart links "BUILDPACK_URL=$bp" "SECRET_FILE=$secret" "VICTIM_DIR=$victim" >/dev/null
git -C "$repo" rm -q Procfile
push_commit "$repo" "built by the linking buildpack"
for mode in profile procfile file; do
  "$BERTH_BIN" config:set --no-restart links "MODE=$mode" >/dev/null
  push_commit "$repo" "mode $mode"
  push_links
  assert_contains "$out" "Left a $mode link" "$mode: the buildpack ran"
  not_leaked "a $mode link from the build"
  assert_eq "" "$(ls -A "$victim")" "$mode: nothing was written into the host directory"
  find "$victim" -mindepth 1 -delete
done
# The file mode's push may succeed: its slug must hold links, not the host file.
if [[ $code == 0 ]]; then
  run_berth run links cat leak.txt
  assert_not_contains "$out" "$secret_word" "the release cannot read the host file through leak.txt"
  digest="$(push_release_field links "$(push_release_versions links | cut -d' ' -f1)" slug_digest)"
  if command -v zstd >/dev/null && [[ -f $BERTH_ROOT/slugs/$digest.tar.zst ]]; then
    if zstd -dc "$BERTH_ROOT/slugs/$digest.tar.zst" | grep -aq "$secret_word"; then
      fail "the slug contains the host file's text"
    else
      pass "the slug does not contain the host file's text"
    fi
  fi
  if grep -rqs "$secret_word" "$BERTH_ROOT/slugs"; then
    fail "an unpacked slug contains the host file's text"
  else
    pass "no unpacked slug contains the host file's text"
  fi
fi
assert_eq "$secret_word: do not show this line" "$(cat "$secret")" "the host file is unchanged"

push_no_leftovers
finish
