#!/usr/bin/env bash
# Installs the third-party SSDP peers of the interop suite. Idempotent; needs root (apt-get); Debian/Ubuntu.
#  - Client tools from apt, --no-install-recommends: gupnp-tools (gssdp-discover), miniupnpc (upnpc), tcpdump.
#  - The daemons minidlna and minissdpd are NEVER apt-get installed: the package would start a daemon on this
#    host. They are fetched with `apt-get download` and unpacked with `dpkg -x` into tools/e2e/.peers/root
#    (gitignored); their library dependencies (the lib* entries of the packages' Depends) come from apt.
#    The suites run them only inside network namespaces.
# Writes tools/e2e/.peers/VERSIONS ("package version" lines) and fails if a peer cannot run (ldd "not found").
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS="$PWD/.peers"
CLIENTS=(gupnp-tools miniupnpc tcpdump)
DAEMONS=(minidlna minissdpd)
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: needs root for apt-get (CI runs it as root)" >&2
  exit 1
fi

updated=0
apt_update() {
  if [ "$updated" -eq 0 ]; then
    apt-get update -qq
    updated=1
  fi
}
installed() { dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
apt_install() {
  local missing=() p
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_update
    echo "install-peers: apt-get install ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

apt_install "${CLIENTS[@]}"

mkdir -p "$PEERS/debs" "$PEERS/root"
for d in "${DAEMONS[@]}"; do
  if ! compgen -G "$PEERS/debs/${d}_*.deb" >/dev/null; then
    apt_update
    echo "install-peers: apt-get download $d"
    # Sandbox user root: the _apt user may not be able to write into the checkout.
    (cd "$PEERS/debs" && apt-get download -qq -o APT::Sandbox::User=root "$d")
  fi
done

: >"$PEERS/VERSIONS.tmp"
for deb in "$PEERS"/debs/*.deb; do
  # Library dependencies only (adduser, lsb-base, debconf, init-system-helpers belong to the daemon setup we skip).
  mapfile -t libs < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/^ +//; s/ +$//' | grep -E '^lib' || true)
  apt_install "${libs[@]}"
  dpkg -x "$deb" "$PEERS/root"
  printf '%s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" >>"$PEERS/VERSIONS.tmp"
done
mv "$PEERS/VERSIONS.tmp" "$PEERS/VERSIONS"

status=0
for bin in "$PEERS/root/usr/sbin/minidlnad" "$PEERS/root/usr/sbin/minissdpd" "$(command -v gssdp-discover)" "$(command -v upnpc)" "$(command -v tcpdump)"; do
  if [ ! -x "$bin" ]; then
    echo "install-peers: $bin is missing" >&2
    status=1
  elif ldd "$bin" | grep -q 'not found'; then
    echo "install-peers: $bin cannot run: $(ldd "$bin" | grep 'not found' | tr -s ' \t\n' ' ')" >&2
    status=1
  fi
done
for p in "${CLIENTS[@]}"; do printf '%s %s\n' "$p" "$(dpkg-query -W -f '${Version}' "$p")"; done
cat "$PEERS/VERSIONS"
exit "$status"
