#!/usr/bin/env python3
"""make bench: fanout beside its anchors, in one run against one moto server (FANOUT_TEST_ENDPOINT).

P1  a poll snapshot of 3 queues + 3 DLQs   fanout poll --once          vs the seed's loop of `aws sqs get-queue-attributes`
P2  publishing 2,000 messages              fanout publish --count 2000 vs a boto3 sns.publish loop
P3  consuming + persisting 2,000 messages  fanout consume --until-idle  vs a boto3 worker loop (receive 10, put_item, delete batch)

Each side gets its own freshly provisioned stack, so neither sees the other's messages. Times are wall-clock
seconds of the whole command (process start included), median of the repeats.
"""
import json, os, resource, shutil, statistics, subprocess, sys, tempfile, time, uuid

import boto3

ENDPOINT = os.environ["FANOUT_TEST_ENDPOINT"]
FANOUT = os.environ.get("FANOUT_BIN", ".build/release/fanout")
AWS = shutil.which("aws")
N = int(os.environ.get("BENCH_MESSAGES", "2000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
WORK = tempfile.mkdtemp(prefix="fanout-bench-")
ENV = dict(os.environ, AWS_ENDPOINT_URL=ENDPOINT, AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
           AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", NO_COLOR="1")
session = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1")
sqs = session.client("sqs", endpoint_url=ENDPOINT)
sns = session.client("sns", endpoint_url=ENDPOINT)
ddb = session.client("dynamodb", endpoint_url=ENDPOINT)


def fanout(*args, outputs):
    subprocess.run([FANOUT, *args, "--outputs", outputs, "-q"], env=ENV, check=True, stdout=subprocess.DEVNULL)


def stack(label):
    """A fresh seed-shaped stack with no delivery delay; returns its outputs.json path and document."""
    outputs = os.path.join(WORK, f"{label}.json")
    name = f"b{label}-{uuid.uuid4().hex[:6]}"
    fanout("stack", "up", "--name", name, "--delay", "0", outputs=outputs)
    return outputs, json.load(open(outputs))


def cpu():
    """CPU seconds used so far by this process (the boto3 side) and by finished children (fanout, aws)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def timed(fn, child):
    """Wall seconds and the client's CPU seconds (child processes for fanout/aws, this process for boto3)."""
    start, (own0, kids0) = time.perf_counter(), cpu()
    fn()
    wall, (own1, kids1) = time.perf_counter() - start, cpu()
    return wall, (kids1 - kids0) if child else (own1 - own0)


def median(fn, child, repeats=REPEATS):
    runs = [timed(fn, child) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def depth(url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])


def fill(url, count):
    for start in range(0, count, 10):
        entries = [{"Id": str(i), "MessageBody": json.dumps({"text": f"bench-{i}"})} for i in range(start, min(start + 10, count))]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


rows = []

# P1: one snapshot of every queue and DLQ.
outputs, doc = stack("p1")
urls = [q["url"] for q in doc["queues"]] + [d["url"] for d in doc["dlqs"]]
p1_fanout = median(lambda: fanout("poll", "--once", outputs=outputs), child=True)
if AWS:
    def aws_loop():
        for url in urls:
            subprocess.run([AWS, "--endpoint-url", ENDPOINT, "sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
                            "--query", "Attributes", "--output", "table"], env=ENV, check=True, stdout=subprocess.DEVNULL)
    p1_anchor = median(aws_loop, child=True)
    rows.append(("P1 poll snapshot, 3 queues + 3 DLQs", p1_fanout, "aws CLI loop (6 calls)", p1_anchor, 30))
else:
    rows.append(("P1 poll snapshot, 3 queues + 3 DLQs", p1_fanout, "aws CLI not installed", None, 30))

# P2: publish N messages to the topic (each fans out to 3 queues).
outputs_f, doc_f = stack("p2f")
outputs_b, doc_b = stack("p2b")
p2_fanout = timed(lambda: fanout("publish", "--count", str(N), '{"text": "bench-{{seq}}"}', outputs=outputs_f), child=True)
def boto_publish():
    for i in range(N):
        sns.publish(TopicArn=doc_b["sns_topic_arn"], Message=json.dumps({"text": f"bench-{i}"}))
p2_anchor = timed(boto_publish, child=False)
assert depth(doc_f["queues"][0]["url"]) == N and depth(doc_b["queues"][0]["url"]) == N, "publish lost messages"
rows.append((f"P2 publish {N:,} messages", p2_fanout, "boto3 publish loop", p2_anchor, 5))

# P3: consume and persist N messages from one queue.
outputs_f, doc_f = stack("p3f")
outputs_b, doc_b = stack("p3b")
fill(doc_f["queues"][0]["url"], N)
fill(doc_b["queues"][0]["url"], N)
p3_fanout = timed(lambda: fanout("consume", "--queue", "1", "--until-idle", "0.5", "--wait", "0", outputs=outputs_f), child=True)
def boto_worker():
    url, table = doc_b["queues"][0]["url"], doc_b["dynamodb_table_name"]
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            break
        for m in messages:
            ddb.put_item(TableName=table, Item={"consumer_id": {"S": "consumer_1"}, "message_id": {"S": m["MessageId"]},
                                                "body": {"S": m["Body"]}, "processed_at": {"N": str(time.time())}},
                         ConditionExpression="attribute_not_exists(message_id)")
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
p3_anchor = timed(boto_worker, child=False)
for d, label in ((doc_f, "fanout"), (doc_b, "boto3")):
    count = sum(p["Count"] for p in ddb.get_paginator("scan").paginate(TableName=d["dynamodb_table_name"], Select="COUNT"))
    assert count == N and depth(d["queues"][0]["url"]) == 0, f"{label} consumed {count} of {N}"
rows.append((f"P3 consume + persist {N:,} messages", p3_fanout, "boto3 worker loop", p3_anchor, 3))

print(f"\nfanout bench against moto at {ENDPOINT} ({N:,} messages, P1 median of {REPEATS})")
print("wall = elapsed seconds (moto's own time included); cpu = the client's CPU seconds (moto excluded)\n")
print(f"{'case':<36} {'fanout wall':>11} {'cpu':>7}  {'anchor':<23} {'wall':>8} {'cpu':>7}  {'wall x':>6} {'cpu x':>6}  target")
for case, ours, anchor, theirs, target in rows:
    if theirs is None:
        print(f"{case:<36} {ours[0]:>10.3f}s {ours[1]:>6.3f}s  {anchor:<23} {'-':>8} {'-':>7}  {'-':>6} {'-':>6}  {target}x")
        continue
    wall, cpux = theirs[0] / ours[0], theirs[1] / max(ours[1], 1e-6)
    print(f"{case:<36} {ours[0]:>10.3f}s {ours[1]:>6.3f}s  {anchor:<23} {theirs[0]:>7.3f}s {theirs[1]:>6.3f}s  {wall:>5.1f}x {cpux:>5.1f}x  "
          f"{target}x wall {'met' if wall >= target else 'MISSED'}")
shutil.rmtree(WORK, ignore_errors=True)
