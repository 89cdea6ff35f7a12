# shellcheck shell=bash
# shellcheck disable=SC2154 # build_dir, npm_dir and the facts are bin/compile's
# npm_run NAME [--only]: runs a package.json script the way `npm run NAME` does,
# without starting npm (whose own start-up costs about a second of CPU, more than
# most build scripts) or node. Sourced by bin/compile, after it has sourced the
# facts from lib/package.js (scripts, pkg_env, pkg_id, npm_* and node_* values).
#
# pre<NAME>, NAME and post<NAME> run in order (only NAME with --only: an install
# hook, as `npm ci` runs it), each as `/bin/sh -c SCRIPT` in the app directory,
# with the environment npm 9's run-script gives: PATH with node_modules/.bin of
# the app directory and of each parent and npm's node-gyp-bin in front,
# npm_lifecycle_event, npm_lifecycle_script, npm_package_json,
# npm_package_{name,version,config_*,engines_*,bin_*}, npm_command, npm_execpath,
# npm_node_execpath, NODE, INIT_CWD, COLOR, EDITOR and the npm_config_* values
# npm exports; npm's "> name@version NAME" banner is printed first. The status
# is the first failing script's (128 + N when signal N killed it).
#
# npm itself runs the scripts (`npm run NAME`) when its configuration could
# change any of that: NPM_RUN_WITH_NPM=true, an .npmrc (the app's, the user's or
# the global one), or an npm_config_* variable other than those the buildpack
# sets (cache, update-notifier, audit, fund, loglevel, production, registry).

# npm_run_needs_npm: prints why npm must run the scripts, or nothing.
npm_run_needs_npm() {
  local rc var key
  case "${NPM_RUN_WITH_NPM:-}" in
    [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss])
      echo "NPM_RUN_WITH_NPM is set"
      return
      ;;
  esac
  for rc in "$build_dir/.npmrc" "${HOME:+$HOME/.npmrc}" "$(npm_run_config globalconfig)"; do
    if [[ -n "$rc" && -e "$rc" ]]; then
      echo "$rc exists"
      return
    fi
  done
  for var in $(compgen -e); do
    [[ "${var,,}" == npm_config_* ]] || continue
    key="${var:11}"
    key="${key,,}"
    case "${key//-/_}" in
      cache | update_notifier | audit | fund | loglevel | production | registry) ;;
      *)
        echo "$var is set"
        return
        ;;
    esac
  done
}

# npm_run_config KEY: npm's value for KEY from the environment or npm's builtin
# npmrc, else its default.
npm_run_config() {
  local var
  for var in $(compgen -e); do
    if [[ "${var,,}" == "npm_config_$1" ]]; then
      printf '%s\n' "${!var}"
      return
    fi
  done
  local builtin="npm_builtin_$1"
  if [[ -n "${!builtin:-}" ]]; then
    printf '%s\n' "${!builtin}"
    return
  fi
  case "$1" in
    prefix) dirname "$(dirname "$npm_run_node")" ;;
    globalconfig) echo "$(npm_run_config prefix)/etc/npmrc" ;;
    globalignorefile) echo "$(npm_run_config prefix)/etc/npmignore" ;;
    registry) echo "https://registry.npmjs.org/" ;;
  esac
}

npm_run() {
  local name="$1" reason event cmd shown dir prefix
  npm_run_node="$(readlink -f "$(command -v node)")"
  reason="$(npm_run_needs_npm)"
  if [[ -n "$reason" ]]; then
    echo "(running the script with npm: $reason)"
    npm run "$name"
    return
  fi
  local events=("pre$name" "$name" "post$name")
  if [[ "${2:-}" == --only ]]; then
    events=("$name")
  fi
  local bins="" parent
  dir="$build_dir"
  while :; do
    bins+="${dir%/}/node_modules/.bin:"
    parent="$(dirname "$dir")"
    [[ "$parent" != "$dir" ]] || break
    dir="$parent"
  done
  [[ -z "$npm_gyp_bin" ]] || bins+="$npm_gyp_bin:"
  prefix="$(npm_run_config prefix)"
  local env=(
    "PATH=$bins$PATH"
    COLOR=0
    "EDITOR=${EDITOR:-${VISUAL:-vi}}"
    "INIT_CWD=$PWD"
    "NODE=$npm_run_node"
    npm_command=run-script
    "npm_config_global_prefix=$prefix"
    "npm_config_globalconfig=$(npm_run_config globalconfig)"
    "npm_config_globalignorefile=$(npm_run_config globalignorefile)"
    "npm_config_init_module=${HOME:-}/.npm-init.js"
    "npm_config_local_prefix=$build_dir"
    "npm_config_metrics_registry=$(npm_run_config registry)"
    "npm_config_noproxy=${NO_PROXY:-${no_proxy:-}}"
    "npm_config_prefix=$prefix"
    "npm_config_user_agent=npm/$npm_version node/$node_version linux $node_arch workspaces/false"
    "npm_config_userconfig=${HOME:-}/.npmrc"
    "npm_execpath=$npm_dir/bin/npm-cli.js"
    "npm_node_execpath=$npm_run_node"
    "npm_package_json=$build_dir/package.json"
    "${pkg_env[@]}"
  )
  [[ -z "$npm_node_gyp" ]] || env+=("npm_config_node_gyp=$npm_node_gyp")
  for event in "${events[@]}"; do
    cmd="${scripts[$event]:-}"
    [[ -n "$cmd" ]] || continue
    shown="${cmd#"${cmd%%[![:space:]]*}"}"
    shown="${shown%"${shown##*[![:space:]]}"}"
    printf '\n> %s%s\n> %s\n\n' "${pkg_id:+$pkg_id }" "$event" "${shown//$'\n'/$'\n'> }"
    (cd "$build_dir" && exec env "${env[@]}" npm_lifecycle_event="$event" npm_lifecycle_script="$cmd" /bin/sh -c "$cmd") || return
  done
}
