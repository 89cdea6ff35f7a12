// Name resolution inside app containers: a generated /etc/hosts that names the
// container itself (so a lookup of its own hostname, e.g. Python's
// http.server calling getfqdn, never waits on DNS) and the host's resolver
// configuration, bind-mounted read-only.
#pragma once

#include <string>

namespace berth {

// /etc/hosts for a container named `hostname` reachable at `address` (its
// bridge address; empty: 127.0.1.1 on its own loopback, Debian's convention).
std::string EtcHostsText(const std::string& hostname, const std::string& address);

// The host file to bind-mount as a container's /etc/resolv.conf: `etc_resolv`
// unless it names only loopback nameservers (a local stub such as
// systemd-resolved's 127.0.0.53, unreachable from a container's own network),
// then `upstream` when it exists. "" when `etc_resolv` cannot be read and
// `upstream` does not exist.
std::string HostResolvConf(const std::string& etc_resolv = "/etc/resolv.conf",
                           const std::string& upstream = "/run/systemd/resolve/resolv.conf");

}  // namespace berth
