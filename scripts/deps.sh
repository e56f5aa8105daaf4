#!/usr/bin/env bash
# Installs what fanout needs and is missing: the three C libraries' -dev packages; with --moto also what the
# test suite needs (moto_server, zsh and fish); with --bench also what `make bench` needs besides moto (wrk, which
# measures the canned endpoint's capacity; uvloop, the canned endpoint's faster event loop; the aws CLI anchor).
# Installs nothing when everything is present.
set -euo pipefail
missing=()
packages=(libcurl4-openssl-dev libssl-dev libjq-dev)
# The test suite also checks the generated completion scripts with real zsh and fish.
[ "${1:-}" = "--moto" ] && packages+=(zsh fish)
[ "${1:-}" = "--bench" ] && packages+=(wrk)
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--moto" ] && ! command -v moto_server >/dev/null 2>&1; then
  echo "deps: installing moto[server]" >&2
  python3 -m pip install -q 'moto[server]'
fi
if [ "${1:-}" = "--bench" ]; then
  python3 -c 'import uvloop' 2>/dev/null || { echo "deps: installing uvloop" >&2; python3 -m pip install -q uvloop; }
  command -v aws >/dev/null 2>&1 || { echo "deps: installing awscli" >&2; python3 -m pip install -q awscli; }
fi
