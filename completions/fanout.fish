# fish completion for fanout. Generated from the command spec; do not edit.

# Succeeds when option $argv[2] (as typed) takes a value in command path $argv[1].
function __fanout_takes_value
    switch "$argv[1]|$argv[2]"
        case 'fanout stack up|--spec' 'fanout stack up|--name' 'fanout stack up|--delay' 'fanout publish|--file' 'fanout publish|--attr' 'fanout publish|--subject' 'fanout publish|--group-id' 'fanout publish|--dedup-id' 'fanout publish|--count' 'fanout publish|--rate' 'fanout publish|--concurrency' 'fanout publish|--topic' 'fanout publish|--topic-filter' 'fanout publish|--api' 'fanout publish|--api-filter' 'fanout queues|--queue' 'fanout queues|--queues-filter' 'fanout queues|--dlq' 'fanout queues|--dlqs-filter' 'fanout poll|--interval' 'fanout poll|--timeout' 'fanout poll|--queue' 'fanout poll|--queues-filter' 'fanout poll|--dlq' 'fanout poll|--dlqs-filter' 'fanout consume|--queue' 'fanout consume|--fail-when' 'fanout consume|--fail-queue' 'fanout consume|--until-idle' 'fanout consume|--wait' 'fanout consume|--exec' 'fanout consume|--batch-size' 'fanout consume|--batch-window' 'fanout consume|--timeout' 'fanout consume|--backoff' 'fanout consume|--max-backoff' 'fanout consume|--queues-filter' 'fanout consume|--table' 'fanout consume|--table-filter' 'fanout scan|--contains' 'fanout scan|--consumer' 'fanout scan|--expect' 'fanout scan|--table' 'fanout scan|--table-filter' 'fanout route|--attr' 'fanout route|--expect' 'fanout route|--timeout' 'fanout route|--group-id' 'fanout route|--topic' 'fanout route|--topic-filter' 'fanout dlq|--dlq' 'fanout dlq|--dlqs-filter' 'fanout dlq inspect|--max' 'fanout dlq inspect|--dlq' 'fanout dlq inspect|--dlqs-filter' 'fanout dlq redrive|--to' 'fanout dlq redrive|--rate' 'fanout dlq redrive|--filter' 'fanout dlq redrive|--max' 'fanout dlq redrive|--queue' 'fanout dlq redrive|--queues-filter' 'fanout dlq redrive|--dlq' 'fanout dlq redrive|--dlqs-filter' 'fanout dlq tasks|--dlq' 'fanout dlq tasks|--dlqs-filter' 'fanout dlq cancel|--dlq' 'fanout dlq cancel|--dlqs-filter' 'fanout alarms|--prefix' 'fanout alarms|--expect' 'fanout alarms|--wait' 'fanout alarms|--timeout' 'fanout alarms|--interval' 'fanout verify|--fail-queue' 'fanout verify|--timeout' 'fanout verify|--interval' 'fanout verify|--topic' 'fanout verify|--topic-filter' 'fanout verify|--queue' 'fanout verify|--queues-filter' 'fanout verify|--dlq' 'fanout verify|--dlqs-filter' 'fanout verify|--table' 'fanout verify|--table-filter'
            return 0
    end
    switch "$argv[2]"
        case '--region' '--profile' '--endpoint-url' '--outputs' '--output' '-o'
            return 0
    end
    return 1
end

# Prints the command path typed so far, then how many positionals follow it.
function __fanout_command_state
    set -l tokens (commandline -opc)
    set -l path 'fanout'
    set -l positionals 0
    set -l expect_value 0
    set -l options_ended 0
    for token in $tokens[2..-1]
        if test $expect_value = 1
            set expect_value 0
            continue
        end
        if test $options_ended = 0
            switch "$token"
                case '--'
                    set options_ended 1
                    continue
                case '--*=*'
                    continue
                case '-?*'
                    if __fanout_takes_value "$path" "$token"
                        set expect_value 1
                    end
                    continue
            end
            if test $positionals = 0
                switch "$path|$token"
                    case 'fanout|stack' 'fanout|publish' 'fanout|queues' 'fanout|poll' 'fanout|consume' 'fanout|scan' 'fanout|route' 'fanout|dlq' 'fanout|alarms' 'fanout|verify' 'fanout|whoami' 'fanout|completions' 'fanout|version' 'fanout|reference' 'fanout|help' 'fanout stack|up' 'fanout stack|status' 'fanout stack|down' 'fanout dlq|inspect' 'fanout dlq|redrive' 'fanout dlq|tasks' 'fanout dlq|cancel' 'fanout help|stack' 'fanout help|publish' 'fanout help|queues' 'fanout help|poll' 'fanout help|consume' 'fanout help|scan' 'fanout help|route' 'fanout help|dlq' 'fanout help|alarms' 'fanout help|verify' 'fanout help|whoami' 'fanout help|completions' 'fanout help|version' 'fanout help|reference' 'fanout help stack|up' 'fanout help stack|status' 'fanout help stack|down' 'fanout help dlq|inspect' 'fanout help dlq|redrive' 'fanout help dlq|tasks' 'fanout help dlq|cancel'
                        set path "$path $token"
                        continue
                end
            end
        end
        set positionals (math $positionals + 1)
    end
    echo $path
    echo $positionals
end

# Succeeds when the command path typed so far is exactly the arguments.
function __fanout_using_command
    set -l state (__fanout_command_state)
    test "$state[1]" = "$argv"
end

# Succeeds when the command path typed so far is the arguments and no positional follows it yet.
function __fanout_expecting_subcommand
    set -l state (__fanout_command_state)
    test "$state[1]" = "$argv" -a "$state[2]" = 0
end

# Files only where the spec asks for them.
complete -c fanout -f

# Global options
complete -c fanout -l 'region' -x -d 'AWS region (overrides AWS_REGION, AWS_DEFAULT_REGION and the profile\'s region)'
complete -c fanout -l 'profile' -x -d 'Profile from the shared config and credentials files (overrides AWS_PROFILE)'
complete -c fanout -l 'endpoint-url' -x -d 'Send every AWS call to this endpoint (e.g.'
complete -c fanout -l 'outputs' -r -F -d 'Terraform outputs.json to read endpoints from (env FANOUT_OUTPUTS)'
complete -c fanout -s 'o' -l 'output' -x -a 'table json' -d 'Output format'
complete -c fanout -l 'no-color' -d 'No colour (also NO_COLOR=1 or TERM=dumb)'
complete -c fanout -l 'debug' -d 'Log every request, status, timing and retry on stderr (secrets redacted)'
complete -c fanout -s 'q' -l 'quiet' -d 'Print only data and errors'
complete -c fanout -s 'h' -l 'help' -d 'Show help information.'

# fanout
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'stack' -d 'Provision, inspect or delete the fan-out topology and its outputs.json.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'publish' -d 'Publish messages to the topic (argument, --file, or stdin one per line).'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'queues' -d 'Show every queue and DLQ with Visible, InFlight and Delayed counts.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'poll' -d 'Watch Delayed / InFlight / Visible of every queue and DLQ depths.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'consume' -d 'Run the consumers: persist each message to the table, then delete it.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'scan' -d 'List the records the consumers wrote: proof of processing.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'route' -d 'Show which queues a message reaches: filter policies evaluated (--dry) or a live probe.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'dlq' -d 'List DLQs with their depth and source queues; inspect and redrive their messages.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'alarms' -d 'Show the stack\'s CloudWatch alarms; check or wait for a state.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'verify' -d 'Run the seed\'s runbook: publish a marker, watch it drain, check the records, queues, DLQs and alarms.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'whoami' -d 'Show the AWS identity, region and endpoint fanout resolves to.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'completions' -d 'Print the shell completion script for bash, zsh or fish.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'version' -d 'Print fanout\'s version.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'reference' -d 'Print the Markdown command reference (used to build README.md).'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'help' -d 'Show help for a command.'

# fanout stack
complete -c fanout -n '__fanout_expecting_subcommand fanout stack' -a 'up' -d 'Create or converge the topology and write outputs.json.'
complete -c fanout -n '__fanout_expecting_subcommand fanout stack' -a 'status' -d 'Show whether each resource in outputs.json exists, with queue depths.'
complete -c fanout -n '__fanout_expecting_subcommand fanout stack' -a 'down' -d 'Delete every resource outputs.json names (asks on a terminal; --yes otherwise).'

# fanout stack up
complete -c fanout -n '__fanout_using_command fanout stack up' -l 'spec' -r -F -d 'JSON stack spec (default: seed 000\'s topology)'
complete -c fanout -n '__fanout_using_command fanout stack up' -l 'name' -x -d 'Name prefix of every resource (overrides the spec\'s name)'
complete -c fanout -n '__fanout_using_command fanout stack up' -l 'delay' -x -d 'DelaySeconds of every queue (overrides the spec; the seed uses 60)'

# fanout stack status

# fanout stack down
complete -c fanout -n '__fanout_using_command fanout stack down' -s 'y' -l 'yes' -d 'Do not ask for confirmation'

# fanout publish
complete -c fanout -n '__fanout_using_command fanout publish' -l 'file' -r -F -d 'Read the message body from a file'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'attr' -x -d 'Message attribute; type String (default), Number or String.Array'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'subject' -x -d 'Subject of the message'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'group-id' -x -d 'MessageGroupId (required on a FIFO topic; {{seq}} allowed)'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'dedup-id' -x -d 'MessageDeduplicationId (FIFO; {{seq}}/{{uuid}} allowed)'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'count' -x -d 'Publish the message N times'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'rate' -x -d 'At most this many messages per second'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'concurrency' -x -d 'Batches in flight at once'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'via-api' -d 'POST to outputs.json\'s api_endpoint + /publish, as the seed\'s curl does'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'topic' -x -d 'SNS topic ARN (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'topic-filter' -x -d 'jq filter for the topic ARN in outputs.json'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'api' -x -d 'HTTP API endpoint (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout publish' -l 'api-filter' -x -d 'jq filter for the API endpoint in outputs.json'

# fanout queues
complete -c fanout -n '__fanout_using_command fanout queues' -l 'queue' -x -d 'Queue URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout queues' -l 'queues-filter' -x -d 'jq filter for the queue URLs in outputs.json'
complete -c fanout -n '__fanout_using_command fanout queues' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout queues' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'

# fanout poll
complete -c fanout -n '__fanout_using_command fanout poll' -l 'interval' -x -d 'Seconds between snapshots'
complete -c fanout -n '__fanout_using_command fanout poll' -l 'once' -d 'Take one snapshot and exit'
complete -c fanout -n '__fanout_using_command fanout poll' -l 'until-drained' -d 'Exit 0 once every main queue is empty (0/0/0)'
complete -c fanout -n '__fanout_using_command fanout poll' -l 'timeout' -x -d 'Exit 1 when this much time passes first'
complete -c fanout -n '__fanout_using_command fanout poll' -l 'queue' -x -d 'Queue URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout poll' -l 'queues-filter' -x -d 'jq filter for the queue URLs in outputs.json'
complete -c fanout -n '__fanout_using_command fanout poll' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout poll' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'

# fanout consume
complete -c fanout -n '__fanout_using_command fanout consume' -l 'queue' -x -d 'Consume only this queue: its number in outputs.json (1…), name or URL (repeatable)'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'fail-when' -x -d 'Fail messages for which this jq condition on the body is true'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'fail-queue' -x -d 'Make consumer n fail (every message, or those matching --fail-when) (repeatable)'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'until-idle' -x -d 'Exit 0 once every queue has stayed empty this long'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'wait' -x -d 'Long-poll wait of each receive (0–20)'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'exec' -x -d 'Hand each batch to this Lambda SQS handler (event JSON on stdin, batchItemFailures on stdout) instead of writing the table'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'batch-size' -x -d 'With --exec: messages per handler run (1–10)'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'batch-window' -x -d 'With --exec: wait up to this long to fill a batch'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'timeout' -x -d 'With --exec: kill a handler that runs longer'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'backoff' -x -d 'With --exec: visibility of a failed message, doubled per receive (seed 004)'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'max-backoff' -x -d 'With --exec: the longest backoff'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'queues-filter' -x -d 'jq filter for the queue URLs in outputs.json'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'table' -x -d 'DynamoDB table name (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'table-filter' -x -d 'jq filter for the table name in outputs.json'

# fanout scan
complete -c fanout -n '__fanout_using_command fanout scan' -l 'contains' -x -d 'Only records whose body contains this text'
complete -c fanout -n '__fanout_using_command fanout scan' -l 'consumer' -x -d 'Only records of this consumer (e.g.'
complete -c fanout -n '__fanout_using_command fanout scan' -l 'expect' -x -d 'Exit 1 unless exactly N records match'
complete -c fanout -n '__fanout_using_command fanout scan' -l 'table' -x -d 'DynamoDB table name (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout scan' -l 'table-filter' -x -d 'jq filter for the table name in outputs.json'

# fanout route
complete -c fanout -n '__fanout_using_command fanout route' -l 'attr' -x -d 'Message attribute; type String (default), Number or String.Array'
complete -c fanout -n '__fanout_using_command fanout route' -l 'dry' -d 'Evaluate the filter policies locally; publish nothing'
complete -c fanout -n '__fanout_using_command fanout route' -l 'expect' -x -d 'Exit 1 unless exactly these queues (names) are reached'
complete -c fanout -n '__fanout_using_command fanout route' -l 'timeout' -x -d 'Live: how long to watch the queues'
complete -c fanout -n '__fanout_using_command fanout route' -l 'group-id' -x -d 'MessageGroupId for a FIFO topic'
complete -c fanout -n '__fanout_using_command fanout route' -l 'topic' -x -d 'SNS topic ARN (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout route' -l 'topic-filter' -x -d 'jq filter for the topic ARN in outputs.json'

# fanout dlq
complete -c fanout -n '__fanout_expecting_subcommand fanout dlq' -a 'inspect' -d 'Peek at DLQ messages without deleting them.'
complete -c fanout -n '__fanout_expecting_subcommand fanout dlq' -a 'redrive' -d 'Move DLQ messages back to their source queue (or --to another).'
complete -c fanout -n '__fanout_expecting_subcommand fanout dlq' -a 'tasks' -d 'List recent message move tasks of the DLQs.'
complete -c fanout -n '__fanout_expecting_subcommand fanout dlq' -a 'cancel' -d 'Cancel the running message move task of a DLQ.'
complete -c fanout -n '__fanout_using_command fanout dlq' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout dlq' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'

# fanout dlq inspect
complete -c fanout -n '__fanout_using_command fanout dlq inspect' -l 'max' -x -d 'At most this many messages per DLQ'
complete -c fanout -n '__fanout_using_command fanout dlq inspect' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout dlq inspect' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'

# fanout dlq redrive
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'to' -x -d 'Destination queue URL or name (default: the DLQ\'s source queue)'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'rate' -x -d 'At most this many messages per second (0.01 to 10,000)'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'wait' -d 'Follow the move task until it ends (Ctrl-C cancels it)'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'client-side' -d 'Move with receive/send/delete instead of a move task'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'filter' -x -d 'Client-side: move only messages for which this jq condition on the published message is true'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'dry-run' -d 'Client-side: show what would move, move nothing'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'max' -x -d 'Client-side: move at most this many messages'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -s 'y' -l 'yes' -d 'Do not ask for confirmation'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'queue' -x -d 'Queue URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'queues-filter' -x -d 'jq filter for the queue URLs in outputs.json'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout dlq redrive' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'

# fanout dlq tasks
complete -c fanout -n '__fanout_using_command fanout dlq tasks' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout dlq tasks' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'

# fanout dlq cancel
complete -c fanout -n '__fanout_using_command fanout dlq cancel' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout dlq cancel' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'

# fanout alarms
complete -c fanout -n '__fanout_using_command fanout alarms' -l 'prefix' -x -d 'Alarms whose name starts with this (default: outputs.json\'s alarms, else dlq-messages-visible)'
complete -c fanout -n '__fanout_using_command fanout alarms' -l 'live' -d 'Also evaluate SQS alarms from the queues\' current attributes'
complete -c fanout -n '__fanout_using_command fanout alarms' -l 'expect' -x -a 'OK ALARM INSUFFICIENT_DATA' -d 'Exit 1 unless every alarm is in this state'
complete -c fanout -n '__fanout_using_command fanout alarms' -l 'wait' -x -a 'OK ALARM INSUFFICIENT_DATA' -d 'Wait until every alarm is in this state'
complete -c fanout -n '__fanout_using_command fanout alarms' -l 'timeout' -x -d 'With --wait: exit 1 after this long (at most 86,400)'
complete -c fanout -n '__fanout_using_command fanout alarms' -l 'interval' -x -d 'With --wait: seconds between checks (at most 3,600)'

# fanout verify
complete -c fanout -n '__fanout_using_command fanout verify' -l 'consume' -d 'Run the built-in consumers while verifying'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'dlq-test' -d 'Also run Test 4 (needs --consume): a failing consumer, the DLQ, a redrive'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'fail-queue' -x -d 'Break consumer n (with --consume), to see verify fail'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'timeout' -x -d 'Give each waiting step this long'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'interval' -x -d 'Seconds between checks while waiting'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'topic' -x -d 'SNS topic ARN (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'topic-filter' -x -d 'jq filter for the topic ARN in outputs.json'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'queue' -x -d 'Queue URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'queues-filter' -x -d 'jq filter for the queue URLs in outputs.json'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'table' -x -d 'DynamoDB table name (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout verify' -l 'table-filter' -x -d 'jq filter for the table name in outputs.json'

# fanout whoami

# fanout completions
complete -c fanout -n '__fanout_using_command fanout completions' -a 'bash zsh fish' -d 'bash, zsh or fish'

# fanout version

# fanout reference

# fanout help
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'stack' -d 'Provision, inspect or delete the fan-out topology and its outputs.json.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'publish' -d 'Publish messages to the topic (argument, --file, or stdin one per line).'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'queues' -d 'Show every queue and DLQ with Visible, InFlight and Delayed counts.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'poll' -d 'Watch Delayed / InFlight / Visible of every queue and DLQ depths.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'consume' -d 'Run the consumers: persist each message to the table, then delete it.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'scan' -d 'List the records the consumers wrote: proof of processing.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'route' -d 'Show which queues a message reaches: filter policies evaluated (--dry) or a live probe.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'dlq' -d 'List DLQs with their depth and source queues; inspect and redrive their messages.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'alarms' -d 'Show the stack\'s CloudWatch alarms; check or wait for a state.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'verify' -d 'Run the seed\'s runbook: publish a marker, watch it drain, check the records, queues, DLQs and alarms.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'whoami' -d 'Show the AWS identity, region and endpoint fanout resolves to.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'completions' -d 'Print the shell completion script for bash, zsh or fish.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'version' -d 'Print fanout\'s version.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'reference' -d 'Print the Markdown command reference (used to build README.md).'

# fanout help stack
complete -c fanout -n '__fanout_expecting_subcommand fanout help stack' -a 'up' -d 'Create or converge the topology and write outputs.json.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help stack' -a 'status' -d 'Show whether each resource in outputs.json exists, with queue depths.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help stack' -a 'down' -d 'Delete every resource outputs.json names (asks on a terminal; --yes otherwise).'

# fanout help stack up

# fanout help stack status

# fanout help stack down

# fanout help publish

# fanout help queues

# fanout help poll

# fanout help consume

# fanout help scan

# fanout help route

# fanout help dlq
complete -c fanout -n '__fanout_expecting_subcommand fanout help dlq' -a 'inspect' -d 'Peek at DLQ messages without deleting them.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help dlq' -a 'redrive' -d 'Move DLQ messages back to their source queue (or --to another).'
complete -c fanout -n '__fanout_expecting_subcommand fanout help dlq' -a 'tasks' -d 'List recent message move tasks of the DLQs.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help dlq' -a 'cancel' -d 'Cancel the running message move task of a DLQ.'

# fanout help dlq inspect

# fanout help dlq redrive

# fanout help dlq tasks

# fanout help dlq cancel

# fanout help alarms

# fanout help verify

# fanout help whoami

# fanout help completions

# fanout help version

# fanout help reference
