#!/usr/bin/env python3
"""The boto3 anchors of bench/latency_bench.py, each run as its own process so that its wall time and CPU time are
measured exactly as fanout's are (process start and imports included). Prints {"work_s": …} on stdout: the
seconds spent after boto3 was imported and its clients were made.

  anchors.py publish  loop|pool  --endpoint URL --topic ARN (--count N | --stdin)
  anchors.py consume  loop|pool  --endpoint URL --queue-url URL --table NAME
  anchors.py snapshot loop|pool  --endpoint URL --outputs PATH

loop: one call after another, as a plain script does. pool: a 32-thread ThreadPoolExecutor over one client
(boto3 clients are thread-safe), with max_pool_connections=32 so that every thread has a connection.
publish sends PublishBatch of 10 (as fanout does), consume is the seed consumer's round (ReceiveMessage of 10,
one conditional PutItem per message, DeleteMessageBatch of the successes), snapshot is one GetQueueAttributes
per queue and DLQ of outputs.json with the attributes `fanout queues` asks for.
"""
import argparse, json, sys, time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

THREADS = 32
SNAPSHOT_ATTRIBUTES = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                       "ApproximateNumberOfMessagesDelayed", "QueueArn", "RedrivePolicy"]

ap = argparse.ArgumentParser()
ap.add_argument("case", choices=["publish", "consume", "snapshot"])
ap.add_argument("mode", choices=["loop", "pool"])
ap.add_argument("--endpoint", required=True)
ap.add_argument("--topic")
ap.add_argument("--count", type=int)
ap.add_argument("--stdin", action="store_true")
ap.add_argument("--queue-url")
ap.add_argument("--table")
ap.add_argument("--outputs")
args = ap.parse_args()

session = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1")
config = Config(max_pool_connections=THREADS, retries={"max_attempts": 1})


def client(name):
    return session.client(name, endpoint_url=args.endpoint, config=config)


def run(tasks):
    """Runs the callables one after another (loop) or on 32 threads (pool); returns their results in order."""
    if args.mode == "loop":
        return [t() for t in tasks]
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda t: t(), tasks))


if args.case == "publish":
    sns = client("sns")
    if args.stdin:
        bodies = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    else:
        bodies = [json.dumps({"text": f"bench-{i + 1}"}) for i in range(args.count)]
    start = time.perf_counter()

    def batch(first):
        def call():
            entries = [{"Id": str(i), "Message": bodies[i]} for i in range(first, min(first + 10, len(bodies)))]
            out = sns.publish_batch(TopicArn=args.topic, PublishBatchRequestEntries=entries)
            assert len(out["Successful"]) == len(entries) and not out.get("Failed"), out
            return len(entries)
        return call
    sent = sum(run([batch(i) for i in range(0, len(bodies), 10)]))
    assert sent == len(bodies)

elif args.case == "consume":
    sqs, ddb = client("sqs"), client("dynamodb")
    start = time.perf_counter()

    def worker(consumer_id="consumer_1"):
        done = 0
        while True:
            messages = sqs.receive_message(QueueUrl=args.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                           AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
            if not messages:
                return done
            for m in messages:
                envelope = json.loads(m["Body"])
                ddb.put_item(TableName=args.table, ConditionExpression="attribute_not_exists(message_id)",
                             Item={"consumer_id": {"S": consumer_id}, "message_id": {"S": envelope["MessageId"]},
                                   "body": {"S": envelope["Message"]}, "sqs_message_id": {"S": m["MessageId"]},
                                   "processed_at": {"N": f"{time.time():.3f}"}})
            out = sqs.delete_message_batch(QueueUrl=args.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
            assert not out.get("Failed"), out
            done += len(messages)
    # pool: 32 consumers of the one queue, each receiving until the queue is empty.
    consumed = run([worker] if args.mode == "loop" else [worker] * THREADS)
    print(json.dumps({"work_s": time.perf_counter() - start, "messages": sum(consumed)}))
    sys.exit(0)

else:
    sqs = client("sqs")
    doc = json.load(open(args.outputs))
    urls = [q["url"] for q in doc["queues"]] + [d["url"] for d in doc.get("dlqs", [])]
    start = time.perf_counter()
    run([lambda u=u: sqs.get_queue_attributes(QueueUrl=u, AttributeNames=SNAPSHOT_ATTRIBUTES)["Attributes"] for u in urls])

print(json.dumps({"work_s": time.perf_counter() - start}))
