# bash completion for fanout. Generated from the command spec; do not edit.

# Succeeds when word $2 names a subcommand of command path $1.
_fanout_is_subcommand() {
    case "$1|$2" in
        'fanout|stack'|'fanout|publish'|'fanout|queues'|'fanout|poll'|'fanout|consume'|'fanout|scan'|'fanout|route'|'fanout|dlq'|'fanout|alarms'|'fanout|verify'|'fanout|whoami'|'fanout|completions'|'fanout|version'|'fanout|reference'|'fanout|help'|'fanout stack|up'|'fanout stack|status'|'fanout stack|down'|'fanout dlq|inspect'|'fanout dlq|redrive'|'fanout dlq|tasks'|'fanout dlq|cancel'|'fanout help|stack'|'fanout help|publish'|'fanout help|queues'|'fanout help|poll'|'fanout help|consume'|'fanout help|scan'|'fanout help|route'|'fanout help|dlq'|'fanout help|alarms'|'fanout help|verify'|'fanout help|whoami'|'fanout help|completions'|'fanout help|version'|'fanout help|reference'|'fanout help stack|up'|'fanout help stack|status'|'fanout help stack|down'|'fanout help dlq|inspect'|'fanout help dlq|redrive'|'fanout help dlq|tasks'|'fanout help dlq|cancel') return 0 ;;
    esac
    return 1
}

# Succeeds when option $2 (as typed) takes a value in command path $1.
_fanout_takes_value() {
    case "$1|$2" in
        'fanout stack up|--spec'|'fanout stack up|--name'|'fanout stack up|--delay'|'fanout publish|--file'|'fanout publish|--attr'|'fanout publish|--subject'|'fanout publish|--group-id'|'fanout publish|--dedup-id'|'fanout publish|--count'|'fanout publish|--rate'|'fanout publish|--concurrency'|'fanout publish|--topic'|'fanout publish|--topic-filter'|'fanout publish|--api'|'fanout publish|--api-filter'|'fanout queues|--queue'|'fanout queues|--queues-filter'|'fanout queues|--dlq'|'fanout queues|--dlqs-filter'|'fanout poll|--interval'|'fanout poll|--timeout'|'fanout poll|--queue'|'fanout poll|--queues-filter'|'fanout poll|--dlq'|'fanout poll|--dlqs-filter'|'fanout consume|--queue'|'fanout consume|--fail-when'|'fanout consume|--fail-queue'|'fanout consume|--until-idle'|'fanout consume|--wait'|'fanout consume|--exec'|'fanout consume|--batch-size'|'fanout consume|--batch-window'|'fanout consume|--timeout'|'fanout consume|--backoff'|'fanout consume|--max-backoff'|'fanout consume|--queues-filter'|'fanout consume|--table'|'fanout consume|--table-filter'|'fanout scan|--contains'|'fanout scan|--consumer'|'fanout scan|--expect'|'fanout scan|--table'|'fanout scan|--table-filter'|'fanout route|--attr'|'fanout route|--expect'|'fanout route|--timeout'|'fanout route|--group-id'|'fanout route|--topic'|'fanout route|--topic-filter'|'fanout dlq|--dlq'|'fanout dlq|--dlqs-filter'|'fanout dlq inspect|--max'|'fanout dlq inspect|--dlq'|'fanout dlq inspect|--dlqs-filter'|'fanout dlq redrive|--to'|'fanout dlq redrive|--rate'|'fanout dlq redrive|--filter'|'fanout dlq redrive|--max'|'fanout dlq redrive|--queue'|'fanout dlq redrive|--queues-filter'|'fanout dlq redrive|--dlq'|'fanout dlq redrive|--dlqs-filter'|'fanout dlq tasks|--dlq'|'fanout dlq tasks|--dlqs-filter'|'fanout dlq cancel|--dlq'|'fanout dlq cancel|--dlqs-filter'|'fanout alarms|--prefix'|'fanout alarms|--expect'|'fanout alarms|--wait'|'fanout alarms|--timeout'|'fanout alarms|--interval'|'fanout verify|--fail-queue'|'fanout verify|--timeout'|'fanout verify|--interval'|'fanout verify|--topic'|'fanout verify|--topic-filter'|'fanout verify|--queue'|'fanout verify|--queues-filter'|'fanout verify|--dlq'|'fanout verify|--dlqs-filter'|'fanout verify|--table'|'fanout verify|--table-filter') return 0 ;;
    esac
    case "$2" in
        '--region'|'--profile'|'--endpoint-url'|'--outputs'|'--output'|'-o') return 0 ;;
    esac
    return 1
}

# Adds to COMPREPLY the words $2... that start with $1.
_fanout_add_words() {
    local prefix="$1" word
    shift
    for word in "$@"; do
        [[ $word == "$prefix"* ]] && COMPREPLY+=("$word")
    done
    return 0
}

# Adds to COMPREPLY the paths starting with $2; $1 is -f (files) or -d (directories).
_fanout_add_paths() {
    local word
    type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
    while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen "$1" -- "$2")
    return 0
}

# Completes the value $3 of option $2 in command path $1.
_fanout_complete_value() {
    case "$1|$2" in
        'fanout stack up|--spec')
            _fanout_add_paths -f "$3"; return 0 ;;
        'fanout publish|--file')
            _fanout_add_paths -f "$3"; return 0 ;;
        'fanout alarms|--expect')
            _fanout_add_words "$3" 'OK' 'ALARM' 'INSUFFICIENT_DATA'; return 0 ;;
        'fanout alarms|--wait')
            _fanout_add_words "$3" 'OK' 'ALARM' 'INSUFFICIENT_DATA'; return 0 ;;
    esac
    case "$2" in
        '--outputs')
            _fanout_add_paths -f "$3" ;;
        '--output'|'-o')
            _fanout_add_words "$3" 'table' 'json' ;;
    esac
    return 0
}

# Completes the option names starting with $2 for command path $1, globals included.
_fanout_complete_options() {
    case "$1" in
        'fanout stack up') _fanout_add_words "$2" '--spec' '--name' '--delay' ;;
        'fanout stack down') _fanout_add_words "$2" '--yes' ;;
        'fanout publish') _fanout_add_words "$2" '--file' '--attr' '--subject' '--group-id' '--dedup-id' '--count' '--rate' '--concurrency' '--via-api' '--topic' '--topic-filter' '--api' '--api-filter' ;;
        'fanout queues') _fanout_add_words "$2" '--queue' '--queues-filter' '--dlq' '--dlqs-filter' ;;
        'fanout poll') _fanout_add_words "$2" '--interval' '--once' '--until-drained' '--timeout' '--queue' '--queues-filter' '--dlq' '--dlqs-filter' ;;
        'fanout consume') _fanout_add_words "$2" '--queue' '--fail-when' '--fail-queue' '--until-idle' '--wait' '--exec' '--batch-size' '--batch-window' '--timeout' '--backoff' '--max-backoff' '--queues-filter' '--table' '--table-filter' ;;
        'fanout scan') _fanout_add_words "$2" '--contains' '--consumer' '--expect' '--table' '--table-filter' ;;
        'fanout route') _fanout_add_words "$2" '--attr' '--dry' '--expect' '--timeout' '--group-id' '--topic' '--topic-filter' ;;
        'fanout dlq') _fanout_add_words "$2" '--dlq' '--dlqs-filter' ;;
        'fanout dlq inspect') _fanout_add_words "$2" '--max' '--dlq' '--dlqs-filter' ;;
        'fanout dlq redrive') _fanout_add_words "$2" '--to' '--rate' '--wait' '--client-side' '--filter' '--dry-run' '--max' '--yes' '--queue' '--queues-filter' '--dlq' '--dlqs-filter' ;;
        'fanout dlq tasks') _fanout_add_words "$2" '--dlq' '--dlqs-filter' ;;
        'fanout dlq cancel') _fanout_add_words "$2" '--dlq' '--dlqs-filter' ;;
        'fanout alarms') _fanout_add_words "$2" '--prefix' '--live' '--expect' '--wait' '--timeout' '--interval' ;;
        'fanout verify') _fanout_add_words "$2" '--consume' '--dlq-test' '--fail-queue' '--timeout' '--interval' '--topic' '--topic-filter' '--queue' '--queues-filter' '--dlq' '--dlqs-filter' '--table' '--table-filter' ;;
    esac
    _fanout_add_words "$2" '--region' '--profile' '--endpoint-url' '--outputs' '--output' '--no-color' '--debug' '--quiet' '--help'
    return 0
}

# Completes the subcommand names starting with $2 for command path $1.
_fanout_complete_subcommands() {
    case "$1" in
        'fanout') _fanout_add_words "$2" 'stack' 'publish' 'queues' 'poll' 'consume' 'scan' 'route' 'dlq' 'alarms' 'verify' 'whoami' 'completions' 'version' 'reference' 'help' ;;
        'fanout stack') _fanout_add_words "$2" 'up' 'status' 'down' ;;
        'fanout dlq') _fanout_add_words "$2" 'inspect' 'redrive' 'tasks' 'cancel' ;;
        'fanout help') _fanout_add_words "$2" 'stack' 'publish' 'queues' 'poll' 'consume' 'scan' 'route' 'dlq' 'alarms' 'verify' 'whoami' 'completions' 'version' 'reference' ;;
        'fanout help stack') _fanout_add_words "$2" 'up' 'status' 'down' ;;
        'fanout help dlq') _fanout_add_words "$2" 'inspect' 'redrive' 'tasks' 'cancel' ;;
    esac
    return 0
}

# Completes positional argument number $2 (from 0), starting with $3, for command path $1.
_fanout_complete_argument() {
    case "$1" in
        'fanout completions')
            if (( $2 == 0 )); then
                _fanout_add_words "$3" 'bash' 'zsh' 'fish'
            fi
            ;;
    esac
    return 0
}

_fanout() {
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local path='fanout' word option='' positionals=0 options_ended=0 i
    COMPREPLY=()
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word="${COMP_WORDS[i]}"
        # bash splits `--output=json` into `--output`, `=`, `json` (COMP_WORDBREAKS).
        if [[ $word == '=' && -n $option ]]; then continue; fi
        if [[ -n $option ]]; then option=''; continue; fi
        if (( ! options_ended )); then
            if [[ $word == '--' ]]; then options_ended=1; continue; fi
            if [[ $word == -?* ]]; then
                if [[ $word != *=* ]] && _fanout_takes_value "$path" "$word"; then option="$word"; fi
                continue
            fi
            if (( positionals == 0 )) && _fanout_is_subcommand "$path" "$word"; then
                path="$path $word"
                continue
            fi
        fi
        positionals=$(( positionals + 1 ))
    done

    if [[ -n $option ]]; then
        [[ $cur == '=' ]] && cur=''
        _fanout_complete_value "$path" "$option" "$cur"
        return 0
    fi
    if (( ! options_ended )) && [[ $cur == --*=* ]]; then
        option="${cur%%=*}"
        if _fanout_takes_value "$path" "$option"; then
            _fanout_complete_value "$path" "$option" "${cur#*=}"
            for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="$option=${COMPREPLY[i]}"; done
        fi
        return 0
    fi
    if (( ! options_ended )) && [[ $cur == -* ]]; then
        _fanout_complete_options "$path" "$cur"
        return 0
    fi
    if (( positionals == 0 && ! options_ended )); then
        _fanout_complete_subcommands "$path" "$cur"
    fi
    _fanout_complete_argument "$path" "$positionals" "$cur"
    return 0
}

complete -F _fanout fanout
