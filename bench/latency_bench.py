#!/usr/bin/env python3
"""make bench, part 1: fanout beside boto3 and the aws CLI against bench/canned_aws.py, one server per latency.

The canned server answers every call after a fixed latency (0 ms: the clients' own cost; 20 ms: about a real AWS
round trip) and serves far more requests than any client sends (its capacity is measured with wrk first and
printed), so these numbers are the clients', not an emulator's. Cases, at each latency:

  publish (templated)   fanout publish --count N '{"text": "bench-{{seq}}"}'    boto3 PublishBatch loop / 32 threads
  publish (stdin)       N lines | fanout publish                                  the same, reading the lines on stdin
  consume + persist     fanout consume --queue 1 --until-idle 0.1 --wait 0        boto3 worker loop / 32 worker threads
                        (receive 10 → one conditional PutItem each → DeleteMessageBatch; the canned queue hands out
                        N messages, then none)
  snapshot              fanout poll --once and fanout queues over 20 queues (10 queues + 10 DLQs)
                        boto3 GetQueueAttributes loop / 32 threads, and the aws CLI (one process per queue)

Every client runs as its own process: wall = elapsed seconds of the whole process; cpu = its user+sys seconds
(os.wait4); req = requests the server counted (GET /_bench/stats); srv cpu = the server's CPU seconds meanwhile.
conns = the most requests the client has in flight; limit = the fastest the client's own pattern can go at this
latency (round trips on its critical path × latency), as wall seconds and msg/s; at 0 ms there is no such limit.

Env: FANOUT_BENCH_CANNED ("0=URL 20=URL", set by bench/with-canned.sh), FANOUT_BIN, BENCH_CANNED_MESSAGES (N,
default 5000), BENCH_LOOP_PUBLISH and BENCH_LOOP_CONSUME (the messages of the sequential boto3 loops, default
1000 and 300), BENCH_AWS_CLI_LATENCIES (where the aws CLI runs, default "20"), BENCH_SNAPSHOT_REPEATS (median of,
default 3).
"""
import json, math, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FANOUT = os.environ.get("FANOUT_BIN", ".build/release/fanout")
AWS = shutil.which("aws")
WRK = shutil.which("wrk")
N = int(os.environ.get("BENCH_CANNED_MESSAGES", "5000"))
# The sequential boto3 loops are the slowest clients by far (at 20 ms a consume loop makes 12 round trips per 10
# messages): they run on fewer messages, so that make bench stays near 10 minutes; their msg/s compare all the same.
LOOP_PUBLISH = min(N, int(os.environ.get("BENCH_LOOP_PUBLISH", "1000")))
LOOP_CONSUME = min(N, int(os.environ.get("BENCH_LOOP_CONSUME", "300")))
# The aws CLI's snapshot is 20 process starts, alike at any latency: it runs at these latencies only.
AWS_LATENCIES = [float(x) for x in os.environ.get("BENCH_AWS_CLI_LATENCIES", "20").split()]
REPEATS = int(os.environ.get("BENCH_SNAPSHOT_REPEATS", "3"))
PUBLISH_CONCURRENCY = 8  # fanout publish's default --concurrency
THREADS = 32
WORK = tempfile.mkdtemp(prefix="fanout-latency-bench-")
ACCOUNT = "000000000000"


def servers():
    spec = os.environ.get("FANOUT_BENCH_CANNED", "").split()
    if not spec:
        sys.exit("latency_bench: FANOUT_BENCH_CANNED is not set: run it through bench/with-canned.sh")
    return [(float(ms), url) for ms, url in (s.split("=", 1) for s in spec)]


def admin(url, path, method="GET"):
    req = urllib.request.Request(url + path, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def outputs(url, queues, dlqs, label):
    """A flat outputs.json naming canned resources on this server."""
    doc = {"stack_name": "bench", "region": "us-east-1", "sns_topic_arn": f"arn:aws:sns:us-east-1:{ACCOUNT}:bench-topic",
           "dynamodb_table_name": "bench-processed",
           "queues": [{"name": f"bench-q{i:02d}", "url": f"{url}/{ACCOUNT}/bench-q{i:02d}", "consumer_id": f"consumer_{i}"}
                      for i in range(1, queues + 1)],
           "dlqs": [{"name": f"bench-q{i:02d}-dlq", "url": f"{url}/{ACCOUNT}/bench-q{i:02d}-dlq"} for i in range(1, dlqs + 1)]}
    path = os.path.join(WORK, f"{label}.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path, doc


def env_for(url):
    env = dict(os.environ, AWS_ENDPOINT_URL=url, AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
               AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", NO_COLOR="1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    return env


def child(argv, env, stdin_path=None):
    """Runs one client process; returns (wall s, user+sys s, stdout)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    out_path = os.path.join(WORK, "child.out")
    with open(out_path, "wb") as out, open(os.path.join(WORK, "child.err"), "wb") as err:
        start = time.perf_counter()
        p = subprocess.Popen(argv, env=env, stdin=stdin, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdin_path:
        stdin.close()
    if p.returncode != 0:
        sys.stderr.write(open(os.path.join(WORK, "child.err")).read()[-4000:])
        raise SystemExit(f"latency_bench: {' '.join(argv[:4])} … exited {p.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, open(out_path).read()


def measure(url, argv, env, messages, stdin_path=None, reset_messages=0):
    """One client run against a freshly reset server: wall, cpu, requests, server cpu, work_s (anchors only)."""
    admin(url, f"/_bench/reset?messages={reset_messages}", "POST")
    before = admin(url, "/_bench/stats")
    wall, cpu, out = child(argv, env, stdin_path)
    after = admin(url, "/_bench/stats")
    work = None
    for line in out.splitlines():
        if line.startswith("{") and "work_s" in line:
            work = json.loads(line)["work_s"]
    return {"wall": wall, "cpu": cpu, "req": after["requests"], "srv": after["cpu_seconds"] - before["cpu_seconds"],
            "messages": messages, "work": work, "actions": after["actions"]}


def median_of(runs):
    runs = sorted(runs, key=lambda r: r["wall"])
    return runs[len(runs) // 2]


def capacity(url, latency_ms):
    """wrk against the server: its requests/s at this latency with many connections."""
    if not WRK:
        return None
    conns = 64 if latency_ms == 0 else 512
    admin(url, "/_bench/reset?messages=0", "POST")
    before = admin(url, "/_bench/stats")
    out = subprocess.run([WRK, "-t2", f"-c{conns}", "-d4s", "-s", os.path.join(HERE, "wrk_sqs.lua"), url + "/"],
                         capture_output=True, text=True, check=True).stdout
    after = admin(url, "/_bench/stats")
    rps = next(float(l.split()[1]) for l in out.splitlines() if l.startswith("Requests/sec:"))
    errors = [l.strip() for l in out.splitlines() if "Non-2xx" in l or "Socket errors" in l]
    served = after["requests"] - before["requests"]
    srv_cpu = after["cpu_seconds"] - before["cpu_seconds"]
    return {"conns": conns, "rps": rps, "errors": errors, "us_per_req": 1e6 * srv_cpu / served if served else 0.0,
            "limit": conns / (latency_ms / 1000) if latency_ms else None}


def run_latency(latency_ms, url):
    L = latency_ms / 1000
    env = env_for(url)
    rows = []
    py = sys.executable
    anchor = [py, os.path.join(HERE, "anchors.py")]
    one_path, one = outputs(url, 1, 1, f"one-{latency_ms:g}")
    snap_path, _ = outputs(url, 10, 10, f"snap-{latency_ms:g}")
    lines = os.path.join(WORK, "lines.ndjson")
    with open(lines, "w") as f:
        f.writelines(json.dumps({"text": f"bench-{i + 1}"}) + "\n" for i in range(N))
    batches = math.ceil(N / 10)

    def row(case, client, r, conns, critical_trips):
        limit_wall = critical_trips * L if L else None
        rows.append({"case": case, "client": client, **r, "conns": conns, "limit_wall": limit_wall})

    def progress(what):
        print(f"  [{latency_ms:g} ms] {what}", file=sys.stderr, flush=True)

    # Publish, templated and from stdin.
    for case, fanout_argv, stdin_path, extra in (
            (f"publish {N:,} (templated)", [FANOUT, "publish", "--count", str(N), '{"text": "bench-{{seq}}"}'], None, ["--count", str(N)]),
            (f"publish {N:,} (stdin)", [FANOUT, "publish"], lines, ["--stdin"])):
        progress(case)
        r = measure(url, fanout_argv + ["--outputs", one_path, "-q"], env, N, stdin_path)
        row(case, "fanout publish", r, PUBLISH_CONCURRENCY, math.ceil(batches / PUBLISH_CONCURRENCY))
        for mode, conns, n in (("loop", 1, LOOP_PUBLISH), ("pool", THREADS, N)):
            src = stdin_path
            if stdin_path and n < N:  # the loop reads the first n lines
                src = os.path.join(WORK, f"lines-{n}.ndjson")
                with open(src, "w") as f:
                    f.writelines(json.dumps({"text": f"bench-{i + 1}"}) + "\n" for i in range(n))
            count = ["--count", str(n)] if not stdin_path else extra
            r = measure(url, anchor + ["publish", mode, "--endpoint", url, "--topic", one["sns_topic_arn"]] + count, env, n, src)
            label = case if n == N else case.replace(f"{N:,}", f"{n:,}")
            row(label, f"boto3 {'loop' if mode == 'loop' else '32 threads'}", r, conns, math.ceil(math.ceil(n / 10) / conns))

    # Consume + persist from one queue that hands out N messages, then none.
    case = f"consume + persist {N:,}"
    progress(case)
    q1 = one["queues"][0]["url"]
    r = measure(url, [FANOUT, "consume", "--queue", "1", "--until-idle", "0.1", "--wait", "0", "--outputs", one_path, "-q"],
                env, N, reset_messages=N)
    # A round is receive → 10 PutItems at once → delete: 3 round trips per 10 messages, one round at a time.
    row(case, "fanout consume", r, 10, 3 * batches)
    loop_n = LOOP_CONSUME
    r = measure(url, anchor + ["consume", "loop", "--endpoint", url, "--queue-url", q1, "--table", one["dynamodb_table_name"]],
                env, loop_n, reset_messages=loop_n)
    row(case if loop_n == N else f"consume + persist {loop_n:,}", "boto3 loop", r, 1, 12 * math.ceil(loop_n / 10))
    r = measure(url, anchor + ["consume", "pool", "--endpoint", url, "--queue-url", q1, "--table", one["dynamodb_table_name"]],
                env, N, reset_messages=N)
    row(case, "boto3 32 threads", r, THREADS, 12 * math.ceil(batches / THREADS))

    # Snapshot of 20 queues: poll --once, queues, and the anchors (median of REPEATS; the aws CLI once).
    case = "snapshot of 20 queues"
    progress(case)
    for client, argv in (("fanout poll --once", [FANOUT, "poll", "--once"]), ("fanout queues", [FANOUT, "queues"])):
        r = median_of([measure(url, argv + ["--outputs", snap_path, "-q"], env, 0) for _ in range(REPEATS)])
        row(case, client, r, 20, 1)
    for mode, conns, trips in (("loop", 1, 20), ("pool", THREADS, 1)):
        r = median_of([measure(url, anchor + ["snapshot", mode, "--endpoint", url, "--outputs", snap_path], env, 0) for _ in range(REPEATS)])
        row(case, f"boto3 {'loop' if mode == 'loop' else '32 threads'}", r, conns, trips)
    if AWS and latency_ms in AWS_LATENCIES:
        doc = json.load(open(snap_path))
        script = os.path.join(WORK, "aws-loop.sh")
        with open(script, "w") as f:  # one aws process per queue, as the seed's `make poll` loop does
            for u in [q["url"] for q in doc["queues"]] + [d["url"] for d in doc["dlqs"]]:
                f.write(f"{AWS} --endpoint-url {url} sqs get-queue-attributes --queue-url {u} --attribute-names "
                        "ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible ApproximateNumberOfMessagesDelayed "
                        "QueueArn RedrivePolicy --output json >/dev/null\n")
        r = measure(url, ["bash", "-e", script], env, 0)
        row(case, "aws CLI (20 processes)", r, 1, 20)
    return rows


def fmt(x, spec, dash="-"):
    return dash if x is None else format(x, spec)


def table(latency_ms, rows, cap):
    print(f"\n== canned endpoint, latency {latency_ms:g} ms ==")
    if cap:
        print(f"server capacity (wrk, {cap['conns']} connections, SQS DeleteMessageBatch of 10): {cap['rps']:,.0f} req/s"
              + (f" (limit {cap['limit']:,.0f} = connections / latency)" if cap["limit"] else "")
              + f", {cap['us_per_req']:.0f} µs server CPU per request (≈ {1e6 / cap['us_per_req']:,.0f} req/s per server core)"
              + (f"; {'; '.join(cap['errors'])}" if cap["errors"] else ""))
    head = (f"{'case':<26} {'client':<23} {'msgs':>6} {'wall s':>7} {'cpu s':>6} {'work s':>6} {'req':>6} {'req/s':>7} "
            f"{'msg/s':>7} {'srv cpu':>7} {'conns':>5} {'limit s':>7} {'limit msg/s':>11}")
    print(head)
    print("-" * len(head))
    if cap:
        busiest = max(rows, key=lambda r: r["req"] / r["wall"])
        print(f"(busiest client: {busiest['client']}, {busiest['case']}: {busiest['req'] / busiest['wall']:,.0f} req/s, "
              f"{100 * busiest['req'] / busiest['wall'] / cap['rps']:.0f}% of the server's wrk capacity)")
    last = None
    for r in rows:
        case = r["case"] if r["case"] != last else ""
        last = r["case"]
        msgs = r["messages"]
        limit_rate = msgs / r["limit_wall"] if r["limit_wall"] and msgs else None
        print(f"{case:<26} {r['client']:<23} {fmt(msgs or None, ',d'):>6} {r['wall']:>7.3f} {r['cpu']:>6.3f} {fmt(r['work'], '.3f'):>6} "
              f"{r['req']:>6,d} {r['req'] / r['wall']:>7,.0f} {fmt(msgs / r['wall'] if msgs else None, ',.0f'):>7} "
              f"{r['srv']:>7.3f} {r['conns']:>5d} {fmt(r['limit_wall'], '.3f'):>7} {fmt(limit_rate, ',.0f'):>11}")


def side_by_side(results):
    latencies = [ms for ms, _, _ in results]
    print("\n== side by side: wall s (msg/s) ==")
    head = f"{'case':<26} {'client':<23}" + "".join(f" {f'{ms:g} ms':>18}" for ms in latencies)
    print(head)
    print("-" * len(head))
    keyed = [{(r["case"].split(" ")[0] + ("-stdin" if "stdin" in r["case"] else ""), r["client"]): r for r in rows}
             for _, rows, _ in results]
    order = []  # every (case, client) of any latency, in the order of the latency that has the most rows
    for _, rows, _ in sorted(results, key=lambda x: -len(x[1])):
        for r in rows:
            key = (r["case"].split(" ")[0] + ("-stdin" if "stdin" in r["case"] else ""), r["client"])
            if key not in [k for k, _ in order]:
                order.append((key, r))
    last = None
    for key, r in order:
        cells = []
        for k in keyed:
            x = k.get(key)
            if x is None:
                cells.append(f" {'-':>18}")
                continue
            cell = "%.3f" % x["wall"] + (" (%s)" % format(x["messages"] / x["wall"], ",.0f") if x["messages"] else "")
            cells.append(f" {cell:>18}")
        case = r["case"] if r["case"] != last else ""
        last = r["case"]
        print(f"{case:<26} {r['client']:<23}" + "".join(cells))


def main():
    if not os.access(FANOUT, os.X_OK):
        sys.exit(f"latency_bench: no fanout binary at {FANOUT} (make release)")
    # Warm the page cache and Python's bytecode cache, so that no measured run pays for a first start.
    subprocess.run([FANOUT, "version"], stdout=subprocess.DEVNULL, check=True)
    subprocess.run([sys.executable, "-c", "import boto3, botocore.config"], check=True)
    load_at_start = os.getloadavg()
    results = []
    for ms, url in servers():
        print(f"latency_bench: {url} at {ms:g} ms", file=sys.stderr, flush=True)
        cap = capacity(url, ms)
        results.append((ms, run_latency(ms, url), cap))
    print(f"\nfanout against bench/canned_aws.py ({N:,} messages; snapshot: median of {REPEATS}, the aws CLI once)")
    print(f"machine: {os.cpu_count()} CPUs, load average {load_at_start[0]:.1f} at the start and {os.getloadavg()[0]:.1f} at the end "
          "(other work on the machine slows every client alike; the cpu columns depend on it least)")
    print("wall/cpu: the client process (start included); work s: boto3's time after imports and client setup;")
    print("req: requests the server counted; srv cpu: the server's CPU seconds; limit: the client's pattern at this latency")
    for ms, rows, cap in results:
        table(ms, rows, cap)
    side_by_side(results)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
