#!/usr/bin/env bash
# Unpacks Debian's mosquitto for the MQTT lab. Idempotent; needs root (apt-get); Debian/Ubuntu.
# mosquitto is NEVER installed: its package would start a broker on this host. It is fetched with
# `apt-get download` and unpacked with `dpkg -x` into tools/mqtt-lab/.broker/root (gitignored), together with the
# libraries of its Depends that this machine lacks (also only downloaded and unpacked: the lab runs the broker with
# LD_LIBRARY_PATH). The lab starts it with a config it writes, only inside its own network namespaces.
# Writes tools/mqtt-lab/.broker/VERSIONS ("package version" lines) and fails if the broker cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
BROKER="$PWD/.broker"
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
  echo "unpack-broker: needs root for apt-get (CI runs it as root)" >&2
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
download() {
  if ! compgen -G "$BROKER/debs/${1}_*.deb" >/dev/null; then
    apt_update
    echo "unpack-broker: apt-get download $1"
    # Sandbox user root: the _apt user may not be able to write into the checkout.
    (cd "$BROKER/debs" && apt-get download -qq -o APT::Sandbox::User=root "$1")
  fi
}

mkdir -p "$BROKER/debs" "$BROKER/root"
download mosquitto
# The lib* entries of its Depends that are not installed here (libcjson1, libmosquitto1, libdlt2, libwrap0 on a
# bare Debian 12), with their own missing lib* Depends one level down.
deps() { dpkg-deb -f "$1" Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/^ +//; s/ +$//' | grep -E '^lib' || true; }
mapfile -t libs < <(deps "$BROKER"/debs/mosquitto_*.deb)
for lib in "${libs[@]}"; do
  installed "$lib" && continue
  download "$lib"
  for sub in $(deps "$BROKER"/debs/"${lib}"_*.deb); do installed "$sub" || download "$sub"; done
done

: >"$BROKER/VERSIONS.tmp"
for deb in "$BROKER"/debs/*.deb; do
  dpkg -x "$deb" "$BROKER/root"
  printf '%s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" >>"$BROKER/VERSIONS.tmp"
done
mv "$BROKER/VERSIONS.tmp" "$BROKER/VERSIONS"

export LD_LIBRARY_PATH="$BROKER/root/usr/lib/x86_64-linux-gnu:$BROKER/root/usr/lib/$(uname -m)-linux-gnu"
status=0
for bin in "$BROKER/root/usr/sbin/mosquitto" "$BROKER/root/usr/bin/mosquitto_passwd"; do
  if [ ! -x "$bin" ]; then
    echo "unpack-broker: $bin is missing" >&2
    status=1
  elif ldd "$bin" | grep -q 'not found'; then
    echo "unpack-broker: $bin cannot run: $(ldd "$bin" | grep 'not found' | tr -s ' \t\n' ' ')" >&2
    status=1
  fi
done
cat "$BROKER/VERSIONS"
exit "$status"
