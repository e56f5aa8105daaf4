#!/usr/bin/env bash
# Runs a command with two local moto servers on free loopback ports and stops them afterwards, even when the
# command fails:
#   FANOUT_TEST_ENDPOINT       an ordinary moto server (any credentials)
#   FANOUT_TEST_AUTH_ENDPOINT  a moto server that checks SigV4 signatures (INITIAL_NO_AUTH_ACTION_COUNT),
#                              with an IAM user whose keys are in FANOUT_TEST_AUTH_KEY / FANOUT_TEST_AUTH_SECRET
# and, for what moto lacks (SQS message move tasks, CloudWatch alarm evaluation), LocalStack in host mode
# (scripts/localstack.sh; SQS, SNS and CloudWatch only, any credentials, account 000000000000):
#   FANOUT_TEST_LOCALSTACK_ENDPOINT  unset when LocalStack could not be installed or started (a warning says why),
#                                    and when FANOUT_SKIP_LOCALSTACK=1; the tests that need it then fail themselves
# Usage: scripts/with-moto.sh COMMAND [ARGS...]
set -euo pipefail

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
workdir=$(mktemp -d "${TMPDIR:-/tmp}/fanout-moto.XXXXXX")
pids=()
localstack_pids=() # not children of this shell (started by scripts/localstack.sh), each leads its process group
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cleanup() {
  # localstack.pid: also when this script was interrupted between LocalStack's start and reading its pid.
  if [ -f "$workdir/localstack/localstack.pid" ]; then localstack_pids+=("$(cat "$workdir/localstack/localstack.pid")"); fi
  for pid in "${localstack_pids[@]}"; do "$here/localstack.sh" stop "$pid" || true; done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_moto() { # $1 = port, $2 = log, rest = env assignments
  local port=$1 log=$2; shift 2
  env "$@" moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/moto-api/" && return 0
    sleep 0.2
  done
  echo "with-moto: moto_server did not start on port $port; its log:" >&2
  cat "$log" >&2
  return 1
}

port=$(free_port)
start_moto "$port" "$workdir/moto.log"
export FANOUT_TEST_ENDPOINT="http://127.0.0.1:$port"

auth_port=$(free_port)
start_moto "$auth_port" "$workdir/moto-auth.log" INITIAL_NO_AUTH_ACTION_COUNT=3
# The three free calls create an IAM user with an allow-all policy and an access key; every later call is checked.
keys=$(python3 - "http://127.0.0.1:$auth_port" <<'PY'
import sys, json, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="fanout-ci")
iam.put_user_policy(UserName="fanout-ci", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="fanout-ci")["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
PY
)
export FANOUT_TEST_AUTH_ENDPOINT="http://127.0.0.1:$auth_port"
export FANOUT_TEST_AUTH_KEY="${keys%% *}"
export FANOUT_TEST_AUTH_SECRET="${keys#* }"

echo "with-moto: moto on $FANOUT_TEST_ENDPOINT, signature-checking moto on $FANOUT_TEST_AUTH_ENDPOINT" >&2

unset FANOUT_TEST_LOCALSTACK_ENDPOINT FANOUT_TEST_LOCALSTACK_PID
if [ "${FANOUT_SKIP_LOCALSTACK:-}" = "1" ]; then
  echo "with-moto: FANOUT_SKIP_LOCALSTACK=1, no LocalStack (FANOUT_TEST_LOCALSTACK_ENDPOINT unset)" >&2
else
  ls_status=0
  "$here/localstack.sh" install || ls_status=$?
  if [ "$ls_status" -eq 0 ]; then
    ls_env=$("$here/localstack.sh" start "$workdir/localstack") || ls_status=$?
  fi
  if [ "$ls_status" -eq 0 ]; then
    eval "$ls_env"
    localstack_pids+=("$FANOUT_TEST_LOCALSTACK_PID")
    echo "with-moto: LocalStack on $FANOUT_TEST_LOCALSTACK_ENDPOINT" >&2
  else
    unset FANOUT_TEST_LOCALSTACK_ENDPOINT FANOUT_TEST_LOCALSTACK_PID
    echo "with-moto: WARNING: LocalStack unavailable (scripts/localstack.sh exit $ls_status, see above);" \
         "FANOUT_TEST_LOCALSTACK_ENDPOINT is not set and the tests that need it will fail" >&2
  fi
fi
set +e
"$@"
status=$?
set -e
exit $status
