#!/usr/bin/env bash
# Runs a command with one bench/canned_aws.py server per latency (BENCH_LATENCIES, default "0 20" ms) on free
# loopback ports, and stops them afterwards, even when the command fails or is interrupted:
#   FANOUT_BENCH_CANNED   "0=http://127.0.0.1:PORT 20=http://127.0.0.1:PORT" (latency in ms = URL)
# BENCH_SERVER_WORKERS sets the worker processes of each server (default: the number of CPUs).
# Usage: bench/with-canned.sh COMMAND [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
workdir=$(mktemp -d "${TMPDIR:-/tmp}/fanout-canned.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

workers=${BENCH_SERVER_WORKERS:-$(nproc)}
canned=()
for ms in ${BENCH_LATENCIES:-0 20}; do
  python3 "$here/canned_aws.py" --latency-ms "$ms" --workers "$workers" >"$workdir/$ms.url" 2>"$workdir/$ms.log" &
  pids+=($!)
  for _ in $(seq 1 150); do [ -s "$workdir/$ms.url" ] && break; sleep 0.1; done
  if [ ! -s "$workdir/$ms.url" ]; then
    echo "with-canned: canned_aws.py (latency $ms ms) did not start; its log:" >&2
    cat "$workdir/$ms.log" >&2
    exit 1
  fi
  cat "$workdir/$ms.log" >&2
  canned+=("$ms=$(head -n1 "$workdir/$ms.url")")
done
export FANOUT_BENCH_CANNED="${canned[*]}"
set +e
"$@"
status=$?
set -e
exit $status
