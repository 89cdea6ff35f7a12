#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to berth answering over ssh:
# installs the dependencies, builds and installs berth under /usr/local, sets up
# the `berth` user, its sudoers rule and root's ssh key, makes sure an sshd
# listens (starting a dedicated one when nothing does: no init system needed),
# then runs a few berth commands over ssh to show it works.
# Run it as root from the source tree. Safe to run again.
#
# Environment: BERTH_SSH_PORT (default 22) is the port of the dedicated sshd.
# Until the deploy pipeline exists, `git push` is not available; ssh commands are.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/sshd.sh disable=SC1091
source "$here/scripts/lib/sshd.sh"

prefix=/usr/local
berth_bin="$prefix/bin/berth"
berth_root=/var/lib/berth
berth_user=berth
berth_home=/home/berth
sshd_config=/etc/berth/sshd_config
sshd_pidfile=/run/berth-sshd.pid
ssh_port="${BERTH_SSH_PORT:-22}"
build_dir="$here/build-quickstart"

step() { echo "-----> $*"; }
info() { echo "       $*"; }
die() { echo " !     $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "quickstart.sh must run as root (it installs packages, a user and a sudoers rule)"
[[ $ssh_port =~ ^[0-9]+$ ]] || die "BERTH_SSH_PORT must be a port number, not '$ssh_port'"
# The installed berth uses its defaults; variables meant for tests must not leak in.
unset BERTH_ROOT BERTH_AUTHORIZED_KEYS BERTH_USER BERTH_SHARE_DIR

# 1. Packages: compilers, libraries, openssh-server, sudo, git.
bash "$here/scripts/install-deps.sh"

# 2. Build (tests off: quickstart needs only the binary) and install under /usr/local.
step "Building berth (RelWithDebInfo) in $build_dir"
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DBERTH_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
step "Installing to $prefix"
cmake --install "$build_dir" >/dev/null
info "$("$berth_bin" version)"

# 3. The berth user: users reach berth as berth@host; its key lines are forced commands.
if getent passwd "$berth_user" >/dev/null; then
  step "User $berth_user exists"
else
  step "Creating user $berth_user"
  useradd --system --user-group --create-home --home-dir "$berth_home" --shell /bin/sh "$berth_user"
  # '*': no password login, but not locked ('!'), which sshd without PAM refuses.
  usermod -p '*' "$berth_user"
fi
# sshd runs forced commands through the login shell; bash would read ~/.bashrc
# (Debian builds it so for ssh), and anything that prints there corrupts
# berth's output. dash reads no rc file for `sh -c`.
if [[ "$(getent passwd "$berth_user" | cut -d: -f7)" != /bin/sh ]]; then
  usermod --shell /bin/sh "$berth_user"
fi
berth_home="$(getent passwd "$berth_user" | cut -d: -f6)"
if [[ $(getent shadow "$berth_user" | cut -d: -f2) == '!'* ]]; then
  info "warning: $berth_user's password is locked ('!'); sshd without PAM will refuse its keys"
fi

# 4. The state dir belongs to root; berth over ssh reaches it through sudo.
step "State directory $berth_root"
install -d -m 0755 -o root -g root "$berth_root"

# 5. sudoers: the berth user may run exactly berth's ssh entry as root (berth
#    re-runs itself as `berth --root ROOT ssh-dispatch ...`, see
#    core/cli/ssh_dispatch.cc ElevateIfNeeded), keeping SSH_ORIGINAL_COMMAND.
step "sudoers rule /etc/sudoers.d/berth"
sudoers_tmp="$(mktemp /tmp/berth-sudoers.XXXXXX)"
trap 'rm -f "$sudoers_tmp"' EXIT
cat >"$sudoers_tmp" <<EOF
# Written by berth's scripts/quickstart.sh. The berth user's ssh forced command
# re-runs berth as root for the state in $berth_root; nothing else.
Defaults!$berth_bin env_keep += "SSH_ORIGINAL_COMMAND"
$berth_user ALL=(root) NOPASSWD: $berth_bin --root $berth_root ssh-dispatch *
EOF
visudo -cqf "$sudoers_tmp" || die "the generated sudoers rule does not validate"
install -m 0440 -o root -g root "$sudoers_tmp" /etc/sudoers.d/berth
rm -f "$sudoers_tmp"  # the trap for it is replaced below

# 6. Root's ssh key, registered with berth as `admin` (once), an admin key (it may
#    run every command, docs/access-control.md; a re-run makes an older one admin).
root_home="$(getent passwd root | cut -d: -f6)"
root_key="$root_home/.ssh/id_ed25519"
if [[ ! -f $root_key ]]; then
  step "Generating root's ssh key $root_key"
  install -d -m 0700 "$root_home/.ssh"
  ssh-keygen -q -t ed25519 -N '' -C "root@$(hostname)" -f "$root_key"
fi
fingerprint="$(ssh-keygen -l -E sha256 -f "$root_key.pub" | awk '{print $2}')"
# key_field FIELD VALUE OTHER: OTHER of the registered key whose FIELD is VALUE.
key_field() {
  "$berth_bin" ssh-keys:list --format json | python3 -c '
import json, sys
field, value, other = sys.argv[1:]
print(next((k[other] for k in json.load(sys.stdin) if k[field] == value), ""))' "$@"
}
authorized_keys="$berth_home/.ssh/authorized_keys"
key_name="$(key_field fingerprint "$fingerprint" name)"
if [[ -n $key_name ]]; then
  if grep -qF -- "--key $key_name --fingerprint $fingerprint\"" "$authorized_keys" 2>/dev/null; then
    step "Root's ssh key is registered as $key_name"
  else
    step "Root's ssh key is registered as $key_name but missing from $authorized_keys: adding it again"
    "$berth_bin" ssh-keys:remove "$key_name" >/dev/null
    "$berth_bin" ssh-keys:add --admin "$key_name" <"$root_key.pub" >/dev/null
  fi
  if [[ $(key_field name "$key_name" admin) != True ]]; then
    step "Making root's key $key_name an admin key"
    "$berth_bin" ssh-keys:set "$key_name" admin true >/dev/null
  fi
elif [[ -n $(key_field name admin fingerprint) ]]; then
  key_name=root
  if [[ -n $(key_field name "$key_name" fingerprint) ]]; then
    # Root's key was replaced since an earlier run (its file was gone): the old one goes.
    step "The key named $key_name is not root's current key: replacing it"
    "$berth_bin" ssh-keys:remove "$key_name" >/dev/null
  fi
  step "A key named admin exists (not root's): adding root's key as $key_name"
  "$berth_bin" ssh-keys:add --admin "$key_name" <"$root_key.pub" >/dev/null
else
  step "Adding root's ssh key as admin"
  "$berth_bin" ssh-keys:add --admin admin <"$root_key.pub" >/dev/null
fi

# 7. sshd: use one that already listens on the port; otherwise start a dedicated
#    one for the berth user (a plain daemon: this works without an init system).
berth_sshd_pid="$(cat "$sshd_pidfile" 2>/dev/null || true)"
if [[ -n $berth_sshd_pid ]] && berth_port_listening "$ssh_port" "$berth_sshd_pid"; then
  step "berth's sshd already listens on port $ssh_port (pid $berth_sshd_pid)"
elif berth_port_listening "$ssh_port"; then
  step "An sshd already listens on port $ssh_port: using it as it is"
  info "(it must let the $berth_user user log in with a key; a stock Debian sshd does)"
else
  step "Starting a dedicated sshd on port $ssh_port ($sshd_config)"
  ssh-keygen -A >/dev/null  # host keys, if missing
  install -d -m 0755 /run/sshd /etc/berth
  cat >"$sshd_config.tmp" <<EOF
# berth's own sshd, written by scripts/quickstart.sh: only the berth user, only
# keys, and every key is an authorized_keys forced command (berth ssh-dispatch).
Port $ssh_port
AllowUsers $berth_user
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
PidFile $sshd_pidfile
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PrintMotd no
EOF
  /usr/sbin/sshd -t -f "$sshd_config.tmp" || die "sshd rejects the generated $sshd_config"
  mv "$sshd_config.tmp" "$sshd_config"
  /usr/sbin/sshd -f "$sshd_config"
  berth_wait_for_port "$ssh_port" 15 || die "sshd did not start listening on port $ssh_port"
  info "sshd pid $(cat "$sshd_pidfile" 2>/dev/null || echo '?')"
fi

# 8. Show it working: a few berth commands over ssh, as a developer would run them.
ssh_opts=(-o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=10 -i "$root_key")
port_opt=()
[[ $ssh_port == 22 ]] || port_opt=(-p "$ssh_port")
demo() {
  echo "\$ ssh ${port_opt[*]}${port_opt[*]:+ }$berth_user@localhost $*"
  timeout 60 ssh "${port_opt[@]}" "${ssh_opts[@]}" "$berth_user@localhost" "$@" </dev/null
}
step "berth over ssh"
if timeout 60 ssh "${port_opt[@]}" "${ssh_opts[@]}" "$berth_user@localhost" apps:exists demo </dev/null >/dev/null 2>&1; then
  info "(the demo app exists from an earlier run: not creating it again)"
else
  demo apps:create demo || die "berth did not answer over ssh; see the output above"
fi
# --no-restart: on a re-run the app is deployed, and the proxy (started below) may
# be down after a reboot; the push below deploys with the var anyway.
demo config:set --no-restart demo GREETING=hello
demo config:get demo GREETING
demo apps:list
demo apps:report demo

# 9. Where to go from here.
# 7. Deploy a sample app by git push over ssh. The default stack (Debian with the
# buildpack runtimes) is built once, with mmdebstrap: minutes on a fresh machine.
step "The default stack"
BERTH_STACK_CACHE="${BERTH_STACK_CACHE:-/var/cache/berth/stacks}" \
  "$berth_bin" stacks:build default | sed 's/^/       /' || die "the default stack could not be built"
sample="$(mktemp -d /tmp/berth-quickstart.XXXXXX)"
trap 'rm -rf "$sample"' EXIT
cp -r "$here/tests/apps/python/." "$sample/"
git -C "$sample" init -q -b main
git -C "$sample" add -A
git -C "$sample" -c user.name=quickstart -c user.email=quickstart@localhost commit -qm "berth quickstart sample"
# Apps are served by berth's own nginx as APP.DOMAIN. Without DNS, *.localhost
# names reach this machine (curl resolves them itself), or send the Host header.
if [[ -z $("$berth_bin" domains:report --global --domains-global-vhosts 2>/dev/null) ]]; then
  "$berth_bin" domains:set-global berth.localhost >/dev/null
fi
global_domain="$("$berth_bin" domains:report --global --domains-global-vhosts | awk '{print $1}')"
step "The proxy (nginx) for *.$global_domain"
"$berth_bin" proxy:start | sed 's/^/       /' || die "the proxy did not start; is port 80 taken?"

# The sample needs the default stack (an earlier setting may have chosen another).
"$berth_bin" apps:exists demo >/dev/null 2>&1 || "$berth_bin" apps:create demo >/dev/null
"$berth_bin" stacks:set demo default >/dev/null
step "git push berth main (the python sample app, as demo)"
remote="ssh://$berth_user@localhost:$ssh_port/demo"
GIT_SSH_COMMAND="ssh ${ssh_opts[*]}" timeout 600 git -C "$sample" push --force "$remote" main 2>&1 |
  sed 's/^/       /'
[[ ${PIPESTATUS[0]} -eq 0 ]] || die "the push was rejected; see the output above"
demo releases demo

host="$(hostname -f 2>/dev/null || hostname)"
echo
echo "=====> berth is ready"
info "ssh:  $berth_user@$host, port $ssh_port"
info "try:  ssh ${port_opt[*]}${port_opt[*]:+ }$berth_user@$host help"
info "add a developer's key (as root here):  berth ssh-keys:add NAME < their_key.pub; berth acl:add APP NAME"
info "deploy:  git remote add berth ssh://$berth_user@$host:$ssh_port/APP && git push berth main"
http_port="$("$berth_bin" proxy:report demo --proxy-http-port 2>/dev/null || echo 80)"
port_suffix=""
[[ ${http_port:-80} == 80 ]] || port_suffix=":$http_port"
url="http://demo.$global_domain$port_suffix/"
if curl -fsS -m 10 -H "Host: demo.$global_domain" "http://127.0.0.1$port_suffix/" >/dev/null; then
  info "demo is live at $url"
  info "(without DNS: curl -H 'Host: demo.$global_domain' http://$host$port_suffix/)"
  curl -fsS -m 5 -H "Host: demo.$global_domain" "http://127.0.0.1$port_suffix/" | sed 's/^/       /'
else
  die "demo does not answer through the proxy; see: berth ps:report demo, berth logs demo"
fi
