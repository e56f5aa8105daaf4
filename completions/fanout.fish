# fish completion for fanout. Generated from the command spec; do not edit.

# Succeeds when option $argv[2] (as typed) takes a value in command path $argv[1].
function __fanout_takes_value
    switch "$argv[1]|$argv[2]"
        case 'fanout stack up|--spec' 'fanout stack up|--name' 'fanout stack up|--delay' 'fanout publish|--file' 'fanout publish|--attr' 'fanout publish|--subject' 'fanout publish|--group-id' 'fanout publish|--dedup-id' 'fanout publish|--count' 'fanout publish|--rate' 'fanout publish|--concurrency' 'fanout publish|--topic' 'fanout publish|--topic-filter' 'fanout publish|--api' 'fanout publish|--api-filter' 'fanout queues|--queue' 'fanout queues|--queues-filter' 'fanout queues|--dlq' 'fanout queues|--dlqs-filter' 'fanout poll|--interval' 'fanout poll|--timeout' 'fanout poll|--queue' 'fanout poll|--queues-filter' 'fanout poll|--dlq' 'fanout poll|--dlqs-filter' 'fanout consume|--queue' 'fanout consume|--fail-when' 'fanout consume|--fail-queue' 'fanout consume|--until-idle' 'fanout consume|--wait' 'fanout consume|--queues-filter' 'fanout consume|--table' 'fanout consume|--table-filter' 'fanout scan|--contains' 'fanout scan|--consumer' 'fanout scan|--expect' 'fanout scan|--table' 'fanout scan|--table-filter'
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
                    case 'fanout|stack' 'fanout|publish' 'fanout|queues' 'fanout|poll' 'fanout|consume' 'fanout|scan' 'fanout|whoami' 'fanout|completions' 'fanout|version' 'fanout|reference' 'fanout|help' 'fanout stack|up' 'fanout stack|status' 'fanout stack|down' 'fanout help|stack' 'fanout help|publish' 'fanout help|queues' 'fanout help|poll' 'fanout help|consume' 'fanout help|scan' 'fanout help|whoami' 'fanout help|completions' 'fanout help|version' 'fanout help|reference' 'fanout help stack|up' 'fanout help stack|status' 'fanout help stack|down'
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
complete -c fanout -n '__fanout_using_command fanout consume' -l 'queues-filter' -x -d 'jq filter for the queue URLs in outputs.json'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'table' -x -d 'DynamoDB table name (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout consume' -l 'table-filter' -x -d 'jq filter for the table name in outputs.json'

# fanout scan
complete -c fanout -n '__fanout_using_command fanout scan' -l 'contains' -x -d 'Only records whose body contains this text'
complete -c fanout -n '__fanout_using_command fanout scan' -l 'consumer' -x -d 'Only records of this consumer (e.g.'
complete -c fanout -n '__fanout_using_command fanout scan' -l 'expect' -x -d 'Exit 1 unless exactly N records match'
complete -c fanout -n '__fanout_using_command fanout scan' -l 'table' -x -d 'DynamoDB table name (instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout scan' -l 'table-filter' -x -d 'jq filter for the table name in outputs.json'

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

# fanout help whoami

# fanout help completions

# fanout help version

# fanout help reference
