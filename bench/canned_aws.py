#!/usr/bin/env python3
"""A canned AWS endpoint for `make bench`: answers SNS, SQS, DynamoDB and STS like the real services, after a
fixed latency, so that a benchmark measures the client and not an emulator.

It is a stand-in, not an emulator: it checks no signature and no credentials, keeps no data, and answers every
call with a canned body of the right wire shape (botocore's service models: SNS and STS over the query protocol
with XML responses, SQS and DynamoDB over JSON 1.0). Batch calls echo each entry Id. The only state is, per
queue, how many canned messages ReceiveMessage still hands out (set by the admin reset below), and request
counters.

Calls answered:
  SNS       Publish, PublishBatch (each entry Id echoed with a MessageId), GetTopicAttributes
  SQS       ReceiveMessage (up to MaxNumberOfMessages of the queue's remaining canned messages, bodies shaped as
            SNS notification envelopes), DeleteMessageBatch, SendMessageBatch (ids echoed), DeleteMessage,
            SendMessage, GetQueueAttributes (ApproximateNumberOfMessages = the queue's remaining), GetQueueUrl
  DynamoDB  PutItem (every write succeeds, conditions included)
  STS       GetCallerIdentity
Admin (answered at once, never delayed):
  POST /_bench/reset?messages=N   every queue hands out N messages from now on, then none; counters to zero
  GET  /_bench/stats              {"requests": total, "actions": {action: count}} since the last reset, and
                                  "cpu_seconds": the CPU time of all workers since they started

Design: HTTP/1.1 with keep-alive on asyncio Protocols (no framework), one event loop per worker process (uvloop when installed, else asyncio's own), the
workers sharing one listening port through SO_REUSEPORT (the kernel spreads connections over them). A response
waits --latency-ms on a timer of its connection's loop, so a delay never blocks another connection or another
request. Queue state and counters live in shared memory: counters are one row per worker (each written by its own
worker only, summed by /_bench/stats), the per-queue remaining counts are taken under one lock.

Usage: canned_aws.py [--latency-ms 20] [--workers 2] [--port 0] [--loop auto|uvloop|asyncio]
Prints its URL (http://127.0.0.1:PORT) on stdout once every worker listens, then serves until SIGTERM/SIGINT.
"""
import argparse, asyncio, hashlib, json, multiprocessing, os, re, signal, socket, sys, time
from urllib.parse import parse_qsl

ACCOUNT = "000000000000"
REGION = "us-east-1"
SLOTS = 256  # queues with remaining counts: a queue named …-<n> uses slot n % SLOTS, other names a hash
ACTIONS = ["Publish", "PublishBatch", "GetTopicAttributes", "ReceiveMessage", "DeleteMessageBatch", "DeleteMessage",
           "SendMessageBatch", "SendMessage", "GetQueueAttributes", "GetQueueUrl", "ListQueues", "PutItem",
           "GetCallerIdentity", "other"]
ACTION_INDEX = {a: i for i, a in enumerate(ACTIONS)}
OTHER = ACTION_INDEX["other"]

SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


class Shared:
    """State shared by every worker process (created before the fork)."""

    def __init__(self, workers):
        self.workers = workers
        self.lock = multiprocessing.Lock()
        self.remaining = multiprocessing.RawArray("q", SLOTS)
        self.seq = multiprocessing.RawValue("q", 0)  # message numbers handed out, for unique canned ids
        self.counts = multiprocessing.RawArray("q", workers * len(ACTIONS))
        self.cpu = multiprocessing.RawArray("d", workers)  # each worker's CPU seconds, refreshed every 0.1 s by itself

    def take(self, slot, wanted):
        """Up to `wanted` messages of the queue in `slot`: returns (first message number, how many)."""
        with self.lock:
            n = min(wanted, self.remaining[slot])
            self.remaining[slot] -= n
            first = self.seq.value
            self.seq.value += n
        return first, n

    def reset(self, messages):
        with self.lock:
            for i in range(SLOTS):
                self.remaining[i] = messages
            self.seq.value = 0
            for i in range(len(self.counts)):
                self.counts[i] = 0

    def stats(self):
        by_action = {}
        for w in range(self.workers):
            for i, a in enumerate(ACTIONS):
                c = self.counts[w * len(ACTIONS) + i]
                if c:
                    by_action[a] = by_action.get(a, 0) + c
        return {"requests": sum(by_action.values()), "actions": by_action, "cpu_seconds": round(sum(self.cpu), 4)}


def queue_name(url_or_name):
    return url_or_name.rstrip("/").rsplit("/", 1)[-1]


_TRAILING = re.compile(r"(\d+)(?:\.fifo)?$")


def slot_of(name):
    m = _TRAILING.search(name)
    if m:
        return int(m.group(1)) % SLOTS
    return sum(name.encode()) % SLOTS


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def canned_id(n):
    return f"00000000-0000-4000-8000-{n:012d}"


class Canned:
    """Builds the response bodies. One per worker."""

    def __init__(self, base_url, shared, worker):
        self.base = base_url
        self.shared = shared
        self.row = worker * len(ACTIONS)
        self.local_seq = 0
        self.worker = worker
        self.topic_arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:bench-topic"

    def next_id(self):
        self.local_seq += 1
        return f"{self.worker:08x}-0000-4000-9000-{self.local_seq:012d}"

    def count(self, action):
        i = self.row + ACTION_INDEX.get(action, OTHER)
        self.shared.counts[i] += 1

    # --- query protocol (SNS, STS): form body, XML response -----------------------------------------------------
    def query(self, body):
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        action = params.get("Action", "")
        self.count(action)
        rid = self.next_id()
        if action == "PublishBatch":
            ids = []
            n = 1
            while True:
                entry_id = params.get(f"PublishBatchRequestEntries.member.{n}.Id")
                if entry_id is None:
                    break
                ids.append(entry_id)
                n += 1
            members = "".join(f"<member><Id>{xml_escape(i)}</Id><MessageId>{self.next_id()}</MessageId></member>" for i in ids)
            return 200, "text/xml", (f'<PublishBatchResponse xmlns="{SNS_NS}"><PublishBatchResult><Successful>{members}</Successful>'
                                     f"<Failed/></PublishBatchResult><ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata>"
                                     "</PublishBatchResponse>")
        if action == "Publish":
            return 200, "text/xml", (f'<PublishResponse xmlns="{SNS_NS}"><PublishResult><MessageId>{self.next_id()}</MessageId>'
                                     f"</PublishResult><ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></PublishResponse>")
        if action == "GetTopicAttributes":
            arn = params.get("TopicArn", self.topic_arn)
            attrs = {"TopicArn": arn, "Owner": ACCOUNT, "DisplayName": "", "SubscriptionsConfirmed": "3",
                     "SubscriptionsPending": "0", "SubscriptionsDeleted": "0"}
            entries = "".join(f"<entry><key>{k}</key><value>{xml_escape(v)}</value></entry>" for k, v in attrs.items())
            return 200, "text/xml", (f'<GetTopicAttributesResponse xmlns="{SNS_NS}"><GetTopicAttributesResult><Attributes>{entries}'
                                     f"</Attributes></GetTopicAttributesResult><ResponseMetadata><RequestId>{rid}</RequestId>"
                                     "</ResponseMetadata></GetTopicAttributesResponse>")
        if action == "GetCallerIdentity":
            return 200, "text/xml", (f'<GetCallerIdentityResponse xmlns="{STS_NS}"><GetCallerIdentityResult>'
                                     f"<Arn>arn:aws:iam::{ACCOUNT}:user/bench</Arn><UserId>AIDABENCHBENCHBENCH</UserId>"
                                     f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>{rid}"
                                     "</RequestId></ResponseMetadata></GetCallerIdentityResponse>")
        return 400, "text/xml", (f'<ErrorResponse xmlns="{SNS_NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code>'
                                 f"<Message>canned_aws does not answer {xml_escape(action)}</Message></Error>"
                                 f"<RequestId>{rid}</RequestId></ErrorResponse>")

    # --- JSON 1.0 (SQS, DynamoDB) ------------------------------------------------------------------------------
    def json10(self, target, body):
        prefix, _, action = target.partition(".")
        self.count(action)
        try:
            req = json.loads(body) if body else {}
        except ValueError:
            req = {}
        if prefix == "DynamoDB_20120810":
            if action == "PutItem":
                return 200, "application/x-amz-json-1.0", "{}"
            return 400, "application/x-amz-json-1.0", json.dumps(
                {"__type": "com.amazon.coral.validate#ValidationException", "message": f"canned_aws does not answer {action}"})
        if prefix != "AmazonSQS":
            return 400, "application/x-amz-json-1.0", json.dumps({"__type": "UnknownOperationException", "message": target})
        q = queue_name(req.get("QueueUrl", ""))
        if action == "ReceiveMessage":
            first, n = self.shared.take(slot_of(q), max(1, min(10, int(req.get("MaxNumberOfMessages", 1)))))
            return 200, "application/x-amz-json-1.0", json.dumps({"Messages": [self.message(q, first + i) for i in range(n)]} if n else {})
        if action == "DeleteMessageBatch":
            return 200, "application/x-amz-json-1.0", json.dumps(
                {"Successful": [{"Id": e.get("Id", "")} for e in req.get("Entries", [])], "Failed": []})
        if action == "SendMessageBatch":
            return 200, "application/x-amz-json-1.0", json.dumps({"Successful": [
                {"Id": e.get("Id", ""), "MessageId": self.next_id(), "MD5OfMessageBody": md5(e.get("MessageBody", ""))}
                for e in req.get("Entries", [])], "Failed": []})
        if action == "SendMessage":
            return 200, "application/x-amz-json-1.0", json.dumps(
                {"MessageId": self.next_id(), "MD5OfMessageBody": md5(req.get("MessageBody", ""))})
        if action == "DeleteMessage":
            return 200, "application/x-amz-json-1.0", "{}"
        if action == "GetQueueAttributes":
            return 200, "application/x-amz-json-1.0", json.dumps({"Attributes": self.attributes(q, req.get("AttributeNames", ["All"]))})
        if action == "GetQueueUrl":
            return 200, "application/x-amz-json-1.0", json.dumps({"QueueUrl": f"{self.base}/{ACCOUNT}/{req.get('QueueName', '')}"})
        if action == "ListQueues":
            return 200, "application/x-amz-json-1.0", json.dumps({"QueueUrls": []})
        return 400, "application/x-amz-json-1.0", json.dumps(
            {"__type": "com.amazonaws.sqs#UnsupportedOperation", "message": f"canned_aws does not answer {action}"})

    def message(self, queue, n):
        mid = canned_id(n)
        envelope = json.dumps({
            "Type": "Notification", "MessageId": mid, "TopicArn": self.topic_arn,
            "Message": json.dumps({"text": f"bench-{n}"}), "Timestamp": "2026-01-01T00:00:00.000Z",
            "SignatureVersion": "1", "Signature": "Y2FubmVk", "SigningCertURL": "https://sns.example/cert.pem",
            "UnsubscribeURL": "https://sns.example/?Action=Unsubscribe"})
        now = str(int(time.time() * 1000))
        return {"MessageId": f"{n:08x}-1111-4000-8000-000000000000", "ReceiptHandle": f"rh-{queue}-{n}", "MD5OfBody": md5(envelope),
                "Body": envelope, "Attributes": {"SenderId": "AIDABENCH", "ApproximateFirstReceiveTimestamp": now,
                                                 "ApproximateReceiveCount": "1", "SentTimestamp": now}}

    def attributes(self, queue, names):
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"
        attrs = {"ApproximateNumberOfMessages": str(self.shared.remaining[slot_of(queue)]),
                 "ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0",
                 "QueueArn": arn, "VisibilityTimeout": "30", "MessageRetentionPeriod": "345600", "DelaySeconds": "0",
                 "ReceiveMessageWaitTimeSeconds": "0", "CreatedTimestamp": "1767225600", "LastModifiedTimestamp": "1767225600"}
        if "dlq" not in queue:
            attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": f"{arn}-dlq", "maxReceiveCount": 3})
        if "All" in names:
            return attrs
        return {k: attrs[k] for k in names if k in attrs}


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Connection(asyncio.Protocol):
    """One keep-alive connection. Requests are answered in order; each response waits `latency` seconds."""

    def __init__(self, app, latency):
        self.app = app
        self.latency = latency
        self.buf = bytearray()
        self.pending = []  # (deadline, bytes) in arrival order, written by one timer chain
        self.timer = None
        self.transport = None
        self.closing = False

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc):
        if self.timer:
            self.timer.cancel()
        self.transport = None

    def data_received(self, data):
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end]).decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, _ = lines[0].split(" ", 2)
            except ValueError:
                self.transport.close()
                return
            headers = {}
            for line in lines[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length", "0") or 0)
            if "chunked" in headers.get("transfer-encoding", "").lower():
                self.respond_now(411, "text/plain", "chunked bodies are not supported", close=True)
                return
            if len(self.buf) < end + 4 + length:
                return
            body = bytes(self.buf[end + 4:end + 4 + length])
            del self.buf[:end + 4 + length]
            close = headers.get("connection", "").lower() == "close"
            if target.startswith("/_bench/"):
                self.respond_now(*self.app.admin(method, target), close=close)
                continue
            status, ctype, text = self.app.handle(headers, body)
            self.queue(status, ctype, text, close)

    def encode(self, status, ctype, text, close):
        payload = text.encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 411: "Length Required"}.get(status, "OK")
        head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n"
                f"x-amzn-RequestId: canned\r\n{'Connection: close' if close else 'Connection: keep-alive'}\r\n\r\n")
        return head.encode() + payload

    def respond_now(self, status, ctype, text, close=False):
        if self.transport is None:
            return
        if self.pending:  # keep the order of pipelined requests
            self.pending.append((0, self.encode(status, ctype, text, close), close))
            return
        self.transport.write(self.encode(status, ctype, text, close))
        if close:
            self.transport.close()

    def queue(self, status, ctype, text, close):
        if self.latency <= 0 and not self.pending:
            return self.respond_now(status, ctype, text, close)
        loop = asyncio.get_running_loop()
        self.pending.append((loop.time() + self.latency, self.encode(status, ctype, text, close), close))
        if self.timer is None:
            self.timer = loop.call_at(self.pending[0][0], self.flush)

    def flush(self):
        self.timer = None
        if self.transport is None:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self.pending and self.pending[0][0] <= now:
            _, data, close = self.pending.pop(0)
            self.transport.write(data)
            if close:
                self.transport.close()
                return
        if self.pending:
            self.timer = loop.call_at(self.pending[0][0], self.flush)


class App:
    def __init__(self, canned, shared):
        self.canned = canned
        self.shared = shared

    def handle(self, headers, body):
        target = headers.get("x-amz-target")
        if target:
            return self.canned.json10(target, body)
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded") or body.startswith(b"Action="):
            return self.canned.query(body)
        self.canned.count("other")
        return 400, "application/json", json.dumps({"message": "canned_aws answers query (form) and JSON 1.0 calls only"})

    def admin(self, method, target):
        path, _, qs = target.partition("?")
        params = dict(parse_qsl(qs))
        if path == "/_bench/reset" and method == "POST":
            self.shared.reset(int(params.get("messages", "0")))
            return 200, "application/json", json.dumps({"messages": int(params.get("messages", "0"))})
        if path == "/_bench/stats":
            self.shared.cpu[self.canned.worker] = time.process_time()
            return 200, "application/json", json.dumps(self.shared.stats())
        return 404, "application/json", json.dumps({"message": f"no admin endpoint {path}"})


def event_loop_kind(choice):
    """"uvloop" when asked for or (auto) when installed, else "asyncio": the behaviour is the same, uvloop is faster."""
    if choice == "asyncio":
        return "asyncio"
    try:
        import uvloop  # noqa: F401
        return "uvloop"
    except ImportError:
        if choice == "uvloop":
            raise SystemExit("canned_aws: --loop uvloop, but uvloop is not installed (pip install uvloop)")
        return "asyncio"


def serve(sock, base_url, latency, shared, worker, ready, kind):
    if kind == "uvloop":
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers with SIGTERM
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    app = App(Canned(base_url, shared, worker), shared)
    server = loop.run_until_complete(loop.create_server(lambda: Connection(app, latency), sock=sock, backlog=1024))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)

    def note_cpu():
        shared.cpu[worker] = time.process_time()
        loop.call_later(0.1, note_cpu)
    note_cpu()
    ready.release()
    try:
        loop.run_forever()
    finally:
        server.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--latency-ms", type=float, default=0.0, help="delay of every AWS response (admin calls are never delayed)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes sharing the port (SO_REUSEPORT)")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    ap.add_argument("--messages", type=int, default=0, help="canned messages per queue at start (see /_bench/reset)")
    ap.add_argument("--loop", choices=["auto", "uvloop", "asyncio"], default="auto", help="event loop (auto: uvloop when installed)")
    args = ap.parse_args()
    kind = event_loop_kind(args.loop)

    # Every worker binds its own socket to one port with SO_REUSEPORT: the kernel spreads connections over them.
    def bind(port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("127.0.0.1", port))
        s.listen(1024)
        s.setblocking(False)
        return s

    first = bind(args.port)
    port = first.getsockname()[1]
    socks = [first] + [bind(port) for _ in range(args.workers - 1)]
    base = f"http://127.0.0.1:{port}"
    shared = Shared(args.workers)
    shared.reset(args.messages)
    ready = multiprocessing.Semaphore(0)
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=serve, args=(s, base, args.latency_ms / 1000, shared, i, ready, kind), daemon=True)
             for i, s in enumerate(socks)]
    for p in procs:
        p.start()
    for s in socks:
        s.close()
    for _ in procs:
        ready.acquire()
    print(base, flush=True)
    print(f"canned_aws: {base}, {args.workers} worker(s) on {kind}, latency {args.latency_ms:g} ms", file=sys.stderr, flush=True)

    def stop(*_):
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(5)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(p.is_alive() for p in procs):
        time.sleep(0.5)
    stop()  # a worker died: stop the others, so the bench sees the endpoint gone instead of half of it


if __name__ == "__main__":
    main()
