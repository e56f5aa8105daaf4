#!/usr/bin/env bash
# LocalStack in host mode (no Docker) for the tests that moto cannot serve: SQS message move tasks
# (Start/List/CancelMessageMoveTask) and CloudWatch alarm evaluation. Only SQS, SNS and CloudWatch; moto stays the
# main emulator.
#   install        create (or reuse) a venv with pinned localstack-core at $FANOUT_CACHE/localstack-venv
#                  (FANOUT_CACHE defaults to ~/.cache/fanout). Needs Python >= 3.12 (4.14 uses PEP 695 syntax).
#                  Exit 3: no usable Python >= 3.12, LocalStack unavailable on this machine.
#   start [DIR]    start it on a free loopback port, state and log under DIR (default: a new temp dir), wait for
#                  /_localstack/health and print, for eval:
#                    export FANOUT_TEST_LOCALSTACK_ENDPOINT=http://127.0.0.1:PORT
#                    export FANOUT_TEST_LOCALSTACK_PID=PID   (leader of its own process group; also in DIR/localstack.pid)
#                  Exit 3 when not installed; other non-zero with the log's tail on stderr when it does not start.
#   stop PID       stop what start started (its whole process group) and wait for it to go
set -euo pipefail

cache=${FANOUT_CACHE:-$HOME/.cache/fanout}
venv=$cache/localstack-venv
marker=$venv/.fanout-pins
# Pinned: cbor2 6 breaks plux's component loading (silently: "No component plugins found"), pyOpenSSL 25+ drops
# X509.add_extensions; 4.14.0 is the last release before the 2026 auth-token versions. Changing them rebuilds the venv.
pins=("localstack-core[runtime]==4.14.0" "cbor2<6" "pyopenssl<25")

say() { echo "localstack: $*" >&2; }

# A Python >= 3.12 that really runs (pyenv shims for python3.12/3.13 are on PATH even when that version is not
# selected, and then fail with 127).
py_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

candidates() {
  local c p
  for c in python3.13 python3.12 python3; do
    p=$(command -v "$c" 2>/dev/null) && echo "$p"
  done
  for p in "${PYENV_ROOT:-$HOME/.pyenv}" /root/.pyenv; do
    ls -d "$p"/versions/3.13*/bin/python "$p"/versions/3.12*/bin/python 2>/dev/null | sort -r -V || true
  done
}

apt_has() { # $1 = package: known to apt with an install candidate
  local cand
  cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

apt_python() { # last resort: a Debian python3.13 / python3.12 with its venv module, if apt offers one
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo="" v
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
    sudo="sudo -n"
  fi
  # On a fresh image the package lists may be empty: fetch them once.
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then $sudo apt-get update -qq >/dev/null 2>&1 || true; fi
  for v in 3.13 3.12; do
    if apt_has "python$v" && apt_has "python$v-venv"; then
      say "installing python$v and python$v-venv with apt-get"
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "python$v" "python$v-venv" >/dev/null || continue
      command -v "python$v"
      return 0
    fi
  done
  return 1
}

venv_ok() {
  [ -f "$marker" ] && [ "$(cat "$marker")" = "${pins[*]}" ] &&
    "$venv/bin/python" -c 'import localstack.runtime.main, cbor2, OpenSSL' >/dev/null 2>&1
}

make_venv() { # $1 = python
  rm -rf "$venv"
  "$1" -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/python" -m pip --version >/dev/null 2>&1
}

install() {
  mkdir -p "$cache"
  # Two test runs sharing the cache must not build the venv at the same time.
  exec 9>"$cache/localstack-venv.lock"
  flock 9
  if venv_ok; then return 0; fi
  local py made=""
  while read -r py; do
    if [ -z "$py" ] || ! py_ok "$py"; then continue; fi
    if make_venv "$py"; then made=$py; break; fi
  done < <(candidates)
  if [ -z "$made" ] && py=$(apt_python) && py_ok "$py" && make_venv "$py"; then made=$py; fi
  if [ -z "$made" ]; then
    rm -rf "$venv"
    say "WARNING: no Python >= 3.12 with a working venv module (tried python3.13/python3.12/python3 on PATH," \
        "pyenv versions 3.13*/3.12*, apt): LocalStack unavailable"
    exit 3
  fi
  say "installing ${pins[*]} into $venv with $made ($("$made" -V 2>&1)); takes a few minutes the first time"
  if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check "${pins[@]}" >"$cache/localstack-pip.log" 2>&1 ||
     ! "$venv/bin/python" -c 'import localstack.runtime.main, cbor2, OpenSSL' >>"$cache/localstack-pip.log" 2>&1; then
    say "pip install failed; last lines of $cache/localstack-pip.log:"
    tail -n 25 "$cache/localstack-pip.log" >&2
    rm -rf "$venv"
    exit 1
  fi
  printf '%s' "${pins[*]}" >"$marker"
}

stop() { # $1 = pid (its own process group leader)
  local pid=$1
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

start() {
  if ! venv_ok; then
    say "not installed (run: $0 install)"
    exit 3
  fi
  local dir=${1:-} port log
  pid="" ok=""  # global: the EXIT trap reads them after start returns
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/fanout-localstack.XXXXXX"); else mkdir -p "$dir"; fi
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir/fs"
  log=$dir/localstack.log
  port=$("$venv/bin/python" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()')
  # OVERRIDE_IN_DOCKER=0 + FILESYSTEM_ROOT: this machine looks like a container (/.dockerenv), and LocalStack
  # would otherwise take itself for its own image and write under /var/lib/localstack and /tmp/localstack.
  # GATEWAY_SERVER=hypercorn: the default (twisted) needs service_identity.
  # DNS_ADDRESS=0: no DNS server (it would bind port 53 and forward upstream). SQS_ENDPOINT_STRATEGY=off with
  # LOCALSTACK_HOST: queue URLs are http://127.0.0.1:PORT/000000000000/NAME (like moto's) rather than
  # sqs.REGION.localhost.localstack.cloud, which does not resolve offline.
  # SQS_CLOUDWATCH_METRICS_REPORT_INTERVAL=5: SQS metrics every 5 s, so alarms on them evaluate within seconds.
  # setsid: its own process group, so stop can take down everything it spawns. Its pid also goes to
  # DIR/localstack.pid, so that a caller interrupted before it read stdout can still stop it.
  trap '[ -n "$ok" ] || [ -z "$pid" ] || stop "$pid"' EXIT
  trap 'exit 130' INT TERM
  env OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$dir/fs" \
      GATEWAY_LISTEN="127.0.0.1:$port" GATEWAY_SERVER=hypercorn LOCALSTACK_HOST="127.0.0.1:$port" \
      SERVICES=sqs,sns,cloudwatch EAGER_SERVICE_LOADING=0 PERSISTENCE=0 \
      DNS_ADDRESS=0 SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 \
      SQS_ENDPOINT_STRATEGY=off SQS_CLOUDWATCH_METRICS_REPORT_INTERVAL=5 \
      setsid "$venv/bin/python" -m localstack.runtime.main </dev/null >"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/localstack.pid"
  local deadline=$((SECONDS + 90))
  until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/_localstack/health"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "exited while starting; last lines of $log:"
      tail -n 40 "$log" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "not healthy on port $port after 90 s; last lines of $log:"
      tail -n 40 "$log" >&2
      exit 1
    fi
    sleep 0.3
  done
  ok=1
  echo "# localstack log: $log"
  echo "export FANOUT_TEST_LOCALSTACK_ENDPOINT=http://127.0.0.1:$port"
  echo "export FANOUT_TEST_LOCALSTACK_PID=$pid"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-}" ;;
  stop) [ -n "${2:-}" ] || { echo "usage: $0 stop PID" >&2; exit 252; }; stop "$2" ;;
  *) echo "usage: $0 install | start [DIR] | stop PID" >&2; exit 252 ;;
esac
