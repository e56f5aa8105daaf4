-- wrk script for bench/canned_aws.py: every request is an SQS DeleteMessageBatch of 10 entries (JSON 1.0),
-- the size and shape of what a consumer sends.
local entries = {}
for i = 0, 9 do entries[#entries + 1] = string.format('{"Id":"%d","ReceiptHandle":"rh-bench-q01-%d"}', i, i) end
wrk.method = "POST"
wrk.path = "/"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "AmazonSQS.DeleteMessageBatch"
wrk.body = '{"QueueUrl":"http://127.0.0.1/000000000000/bench-q01","Entries":[' .. table.concat(entries, ",") .. ']}'
