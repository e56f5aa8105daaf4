"""An SQS Lambda handler in the seeds' style, with partial batch failures (ReportBatchItemFailures).

It runs unchanged on AWS Lambda and locally under fanout:
    fanout consume --queue 1 --exec 'python3 examples/handler.py' --batch-size 5

Each record's body is the SNS envelope (raw delivery off) or the bare message (raw delivery on); both work.
A payload with "poison": true fails every time (it reaches the DLQ after maxReceiveCount receives); "sleep": N
makes the work take N seconds. Processed payloads are appended, one JSON line each, to $HANDLER_LOG when set.
"""
import json
import os
import sys
import time


def process(record, payload):
    if isinstance(payload, dict) and payload.get("poison"):
        raise ValueError("poison message")
    if isinstance(payload, dict) and payload.get("sleep"):
        time.sleep(float(payload["sleep"]))
    log = os.environ.get("HANDLER_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps({"messageId": record["messageId"], "payload": payload,
                                "receiveCount": record["attributes"].get("ApproximateReceiveCount"),
                                "group": record["attributes"].get("MessageGroupId")}) + "\n")


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            body = json.loads(record["body"])
            if isinstance(body, dict) and body.get("Type") == "Notification":
                body = json.loads(body["Message"])  # SQS wraps the SNS message
            process(record, body)
        except Exception as error:  # noqa: BLE001 — every failure is reported, the batch goes on
            print(f"failed {record['messageId']}: {error}", file=sys.stderr)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


if __name__ == "__main__":
    print(json.dumps(handler(json.load(sys.stdin), None)))
