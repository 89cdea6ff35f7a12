# shellcheck shell=bash
# Sourced by the maintenance plugin's scripts. State, per app, under
# $BERTH_ROOT/data/maintenance/APP/: `enabled` while maintenance mode is on,
# `default.html` (the page rendered for the app) and `custom.html` (its own page,
# from maintenance:custom-page). Both are world-readable: nginx's workers serve them.

MAINTENANCE_DATA="$BERTH_ROOT/data/maintenance"
# shellcheck disable=SC2034  # read by subcommands/custom-page
MAINTENANCE_MAX_PAGE=12288  # bytes; haproxy serves a page from one buffer

maintenance_fail() {
  echo " !     $*" >&2
  exit 1
}

# maintenance_app NAME USAGE: exits with an error unless NAME is an existing app.
maintenance_app() {
  local app="$1" usage="$2"
  [[ -n $app ]] || maintenance_fail "Usage: berth $usage"
  [[ $app =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] ||
    maintenance_fail "Invalid app name '${app:0:64}': use lowercase letters, digits and dashes"
  "$BERTH_BIN" apps:exists "$app" >/dev/null || exit 1
}

maintenance_dir() { printf '%s/%s' "$MAINTENANCE_DATA" "$1"; }

# maintenance_page APP: the page served for APP (its own, else the default).
maintenance_page() {
  local dir
  dir="$(maintenance_dir "$1")"
  if [[ -f $dir/custom.html ]]; then
    printf '%s/custom.html' "$dir"
  else
    printf '%s/default.html' "$dir"
  fi
}

# maintenance_prepare APP: the app's folder, world-readable, with its default page.
maintenance_prepare() {
  local app="$1" dir template
  dir="$(maintenance_dir "$app")"
  install -d -m 0755 "$BERTH_ROOT/data" "$MAINTENANCE_DATA" "$dir"
  template="$(<"$PLUGIN_DIR/page.html")"
  printf '%s\n' "${template//\{\{APP\}\}/$app}" >"$dir/default.html.tmp"
  chmod 0644 "$dir/default.html.tmp"
  mv -f "$dir/default.html.tmp" "$dir/default.html"
}

# maintenance_rebuild APP: the proxy's configuration, with or without the page.
maintenance_rebuild() {
  "$BERTH_BIN" proxy:build-config "$1"
}
