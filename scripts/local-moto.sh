#!/usr/bin/env bash
# make local-up / local-down: a moto server left running for manual use. Its endpoint, region and dummy keys go
# to .local/moto.env, which the Makefile includes, and which a shell can `source` (then plain `fanout` uses it).
set -euo pipefail
mkdir -p .local
case "${1:-}" in
  up)
    if [ -f .local/moto.pid ] && kill -0 "$(cat .local/moto.pid)" 2>/dev/null; then
      echo "moto already running: $(grep AWS_ENDPOINT_URL .local/moto.env)"; exit 0
    fi
    port=${PORT:-$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()')}
    nohup moto_server -H 127.0.0.1 -p "$port" >.local/moto.log 2>&1 &
    echo $! > .local/moto.pid
    for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$port/moto-api/" && break; sleep 0.2; done
    printf 'export AWS_ENDPOINT_URL=http://127.0.0.1:%s\nexport AWS_REGION=us-east-1\nexport AWS_ACCESS_KEY_ID=local\nexport AWS_SECRET_ACCESS_KEY=local\nREGION=us-east-1\n' "$port" > .local/moto.env
    echo "moto on http://127.0.0.1:$port — 'source .local/moto.env' to point fanout at it; make stack-up publish poll scan use it"
    ;;
  down)
    if [ -f .local/moto.pid ]; then kill "$(cat .local/moto.pid)" 2>/dev/null || true; fi
    rm -f .local/moto.pid .local/moto.env
    echo "moto stopped"
    ;;
  *) echo "usage: $0 up|down" >&2; exit 252 ;;
esac
