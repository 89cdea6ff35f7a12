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

# npm_run_exported_config NAME: NAME is an exported npm_config_* variable, in
# any case (npm reads them case-insensitively). The callers walk "${!n@}" and
# "${!N@}", every variable whose name starts with n or N: `compgen -e` in a
# $(...) would fork a subshell for each lookup.
npm_run_exported_config() {
  [[ "${!1@a}" == *x* && "${1,,}" == npm_config_* ]]
}

# npm_run_needs_npm: sets npm_run_reason to why npm must run the scripts, or ''.
npm_run_needs_npm() {
  local rc var key npm_globalconfig
  npm_run_reason=""
  case "${NPM_RUN_WITH_NPM:-}" in
    [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss])
      npm_run_reason="NPM_RUN_WITH_NPM is set"
      return
      ;;
  esac
  npm_run_config globalconfig npm_globalconfig
  for rc in "$build_dir/.npmrc" "${HOME:+$HOME/.npmrc}" "$npm_globalconfig"; do
    if [[ -n "$rc" && -e "$rc" ]]; then
      npm_run_reason="$rc exists"
      return
    fi
  done
  for var in "${!n@}" "${!N@}"; do
    npm_run_exported_config "$var" || continue
    key="${var:11}"
    key="${key,,}"
    case "${key//-/_}" in
      cache | update_notifier | audit | fund | loglevel | production | registry) ;;
      *)
        npm_run_reason="$var is set"
        return
        ;;
    esac
  done
}

# npm_run_config KEY VAR: sets VAR to npm's value for KEY from the environment
# or npm's builtin npmrc, else its default.
npm_run_config() {
  local _nrc_var _nrc_builtin="npm_builtin_$1" _nrc_prefix
  for _nrc_var in "${!n@}" "${!N@}"; do
    if npm_run_exported_config "$_nrc_var" && [[ "${_nrc_var,,}" == "npm_config_$1" ]]; then
      printf -v "$2" '%s' "${!_nrc_var}"
      return
    fi
  done
  if [[ -n "${!_nrc_builtin:-}" ]]; then
    printf -v "$2" '%s' "${!_nrc_builtin}"
    return
  fi
  case "$1" in
    prefix)
      _nrc_prefix="${npm_run_node%/*}"
      printf -v "$2" '%s' "${_nrc_prefix%/*}"
      ;;
    globalconfig)
      npm_run_config prefix npm_run_prefix
      printf -v "$2" '%s' "$npm_run_prefix/etc/npmrc"
      ;;
    globalignorefile)
      npm_run_config prefix npm_run_prefix
      printf -v "$2" '%s' "$npm_run_prefix/etc/npmignore"
      ;;
    registry) printf -v "$2" '%s' "https://registry.npmjs.org/" ;;
  esac
}

npm_run() {
  local name="$1" event cmd shown dir prefix globalconfig globalignorefile registry
  npm_run_node="$node_path"
  [[ "$npm_run_node" == /* ]] || npm_run_node="$(readlink -f "$(command -v node)")"
  npm_run_needs_npm
  if [[ -n "$npm_run_reason" ]]; then
    echo "(running the script with npm: $npm_run_reason)"
    npm run "$name"
    return
  fi
  local events=("pre$name" "$name" "post$name")
  if [[ "${2:-}" == --only ]]; then
    events=("$name")
  fi
  local bins=""
  dir="${build_dir%/}"
  while [[ -n "$dir" ]]; do
    bins+="$dir/node_modules/.bin:"
    dir="${dir%/*}"
  done
  bins+="/node_modules/.bin:"
  [[ -z "$npm_gyp_bin" ]] || bins+="$npm_gyp_bin:"
  npm_run_config prefix prefix
  npm_run_config globalconfig globalconfig
  npm_run_config globalignorefile globalignorefile
  npm_run_config registry registry
  local env=(
    "PATH=$bins$PATH"
    COLOR=0
    "EDITOR=${EDITOR:-${VISUAL:-vi}}"
    "INIT_CWD=$PWD"
    "NODE=$npm_run_node"
    npm_command=run-script
    "npm_config_global_prefix=$prefix"
    "npm_config_globalconfig=$globalconfig"
    "npm_config_globalignorefile=$globalignorefile"
    "npm_config_init_module=${HOME:-}/.npm-init.js"
    "npm_config_local_prefix=$build_dir"
    "npm_config_metrics_registry=$registry"
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
    # env(1), not export: npm passes package.json keys as they are ("bin": {"my-tool":
    # ...} gives npm_package_bin_my-tool), names no shell would take.
    (cd "$build_dir" && exec env "${env[@]}" npm_lifecycle_event="$event" npm_lifecycle_script="$cmd" /bin/sh -c "$cmd") || return
  done
}
