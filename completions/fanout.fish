# fish completion for fanout. Generated from the command spec; do not edit.

# Succeeds when option $argv[2] (as typed) takes a value in command path $argv[1].
function __fanout_takes_value
    switch "$argv[1]|$argv[2]"
        case 'fanout queues|--queue' 'fanout queues|--queues-filter' 'fanout queues|--dlq' 'fanout queues|--dlqs-filter'
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
                    case 'fanout|queues' 'fanout|whoami' 'fanout|completions' 'fanout|version' 'fanout|reference' 'fanout|help' 'fanout help|queues' 'fanout help|whoami' 'fanout help|completions' 'fanout help|version' 'fanout help|reference'
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
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'queues' -d 'Show every queue and DLQ with Visible, InFlight and Delayed counts.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'whoami' -d 'Show the AWS identity, region and endpoint fanout resolves to.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'completions' -d 'Print the shell completion script for bash, zsh or fish.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'version' -d 'Print fanout\'s version.'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'reference' -d 'Print the Markdown command reference (used to build README.md).'
complete -c fanout -n '__fanout_expecting_subcommand fanout' -a 'help' -d 'Show help for a command.'

# fanout queues
complete -c fanout -n '__fanout_using_command fanout queues' -l 'queue' -x -d 'Queue URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout queues' -l 'queues-filter' -x -d 'jq filter for the queue URLs in outputs.json'
complete -c fanout -n '__fanout_using_command fanout queues' -l 'dlq' -x -d 'DLQ URL or name (repeatable; instead of outputs.json)'
complete -c fanout -n '__fanout_using_command fanout queues' -l 'dlqs-filter' -x -d 'jq filter for the DLQ URLs in outputs.json'

# fanout whoami

# fanout completions
complete -c fanout -n '__fanout_using_command fanout completions' -a 'bash zsh fish' -d 'bash, zsh or fish'

# fanout version

# fanout reference

# fanout help
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'queues' -d 'Show every queue and DLQ with Visible, InFlight and Delayed counts.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'whoami' -d 'Show the AWS identity, region and endpoint fanout resolves to.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'completions' -d 'Print the shell completion script for bash, zsh or fish.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'version' -d 'Print fanout\'s version.'
complete -c fanout -n '__fanout_expecting_subcommand fanout help' -a 'reference' -d 'Print the Markdown command reference (used to build README.md).'

# fanout help queues

# fanout help whoami

# fanout help completions

# fanout help version

# fanout help reference
