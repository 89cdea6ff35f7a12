#!/usr/bin/env bash
# Installs every Debian package berth's build, tests and quickstart need.
# Idempotent: safe to run again; packages already present are left as they are.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo " !     install-deps.sh must run as root (it uses apt-get)" >&2
  exit 1
fi

packages=(
  # build
  build-essential cmake pkg-config ninja-build
  libgit2-dev libboost-dev libyaml-cpp-dev libsqlitecpp-dev libsqlite3-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev nlohmann-json3-dev
  libtomlplusplus-dev libkainjow-mustache-dev libarchive-dev libzstd-dev libssl-dev
  # the static archives berth-pipeline links (BERTH_STATIC_PIPELINE): those of
  # libarchive's and libgit2's own dependencies
  nettle-dev libxml2-dev libicu-dev liblzma-dev libbz2-dev zlib1g-dev
  libmbedtls-dev libhttp-parser-dev libssh2-1-dev libpcre2-dev
  # the host side: ssh entrypoint, privilege drop-in, git
  openssh-server openssh-client sudo git ca-certificates
  # containers: the OCI runtime and the tiny test stack (busybox)
  runc busybox-static util-linux mmdebstrap iptables
  # the proxy berth runs itself, and certs:generate
  nginx-light haproxy openssl
  # tests and benchmarks
  hyperfine shellcheck procps iproute2 python3 wrk
  # the cron plugin's systemd-timer path runs under a systemd of the test's own
  systemd
  # fuzzing (scripts/fuzz.sh): clang and its libFuzzer runtime
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "-----> berth dependencies installed"
