#!/usr/bin/env bash
# make demo: seed 000's lifecycle on a local moto server — stack up, publish one message, consume, poll until
# drained, scan three records — then clean up. Needs no AWS account.
set -euo pipefail
bin=${1:-.build/release/fanout}
work=$(mktemp -d "${TMPDIR:-/tmp}/fanout-demo.XXXXXX")
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
consumer=""
cleanup() { [ -n "$consumer" ] && kill "$consumer" 2>/dev/null; kill "$moto" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$port/moto-api/" && break; sleep 0.2; done

export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo
export FANOUT_OUTPUTS="$work/outputs.json"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "fanout stack up --delay 5   (seed 000's topology on moto at $AWS_ENDPOINT_URL)"
"$bin" stack up --delay 5
step "fanout publish '{\"text\": \"fanout-test-1\"}'"
"$bin" publish '{"text": "fanout-test-1"}'
step "fanout poll --once   (the message waits in Delayed)"
"$bin" poll --once
step "fanout consume --until-idle 8 &   (the consumers, in the background)"
"$bin" consume --until-idle 8 &
consumer=$!
step "fanout poll --until-drained --interval 2 --timeout 60"
"$bin" poll --until-drained --interval 2 --timeout 60
wait "$consumer"; consumer=""
step "fanout scan --contains fanout-test-1 --expect 3   (one record per consumer)"
"$bin" scan --contains fanout-test-1 --expect 3
step "fanout stack down --yes"
"$bin" stack down --yes
printf '\n\033[1mdemo ok\033[0m: one message published, fanned out to 3 queues, processed, 3 records.\n'
