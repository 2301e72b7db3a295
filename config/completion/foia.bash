# foia.bash: bash completion for foia, the client of foiad.
#
# Installed by `make install` as share/bash-completion/completions/foia.
# Nothing here lists foia's commands or options: they are read from
# `foia help` at completion time (the CLI's own tables generate that text),
# so the completion never falls behind the program. Request ids, agency
# codes and jurisdiction codes come from the daemon (`foia list --all
# --json`, `foia agency list --json`, `foia jurisdictions --json`), through
# the same --socket the command line names; statuses and the other fixed
# values from the "one of:" lines of the help.
#
# COMPREPLY=($(compgen ...)) splits on purpose: candidates never hold
# spaces (commands, options, ids, codes, statuses).
# shellcheck disable=SC2207

# The foia being completed (as typed, so build/foia works too) and its
# --socket, for the helpers below.
_foia_run()
{
	local i sock=()
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == --socket ]]; then
			sock=(--socket "${COMP_WORDS[i + 1]}")
			break
		fi
	done
	command "${COMP_WORDS[0]}" "${sock[@]}" "$@" 2>/dev/null
}

# Commands of a group: foia help [GROUP].
_foia_commands()
{
	_foia_run help "$@" |
		awk '/^commands:/ { c = 1; next } /^$/ { c = 0 } c && /^    [a-z]/ { print $1 }'
}

# Options of a command, one per line: "--name" or "--name <meta>".
_foia_options()
{
	_foia_run help "$@" | awk '/^    --/ {
		if ($2 ~ /^</) print $1 " " $2; else print $1 }'
}

# The "one of:" values of option $1 of command "$@:2".
_foia_values()
{
	local opt=$1
	shift
	_foia_run help "$@" | awk -v o="$opt" '
		/^    --/ { if (f) exit; if ($1 == o) f = 1; next }
		f && /^ +one of: / { sub(/^ +one of: /, ""); v = $0; g = 1; next }
		f && g && /^ +[^ -]/ { sub(/^ +/, ""); v = v " " $0; next }
		END { gsub(/,/, "", v); print v }'
}

_foia_ids()
{
	_foia_run list --all --json | grep -oE '^    "id": [0-9]+' |
		grep -oE '[0-9]+'
}

_foia_codes()
{
	_foia_run "$@" --json | grep -oE '"code": "[^"]*"' | cut -d'"' -f4
}

_foia()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	local i=1 path=() subs words
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	# foia's own options come before the command.
	while ((i < COMP_CWORD)) && [[ ${COMP_WORDS[i]} == -* ]]; do
		[[ ${COMP_WORDS[i]} == --socket ]] && ((i++))
		((i++))
	done
	if ((i == COMP_CWORD)); then
		if [[ $prev == --socket ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--socket --version --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_foia_commands)" -- "$cur"))
		fi
		return 0
	fi
	# The command, and its subcommand when it has them (agency add).
	path=("${COMP_WORDS[i]}")
	subs=$(_foia_commands "${path[@]}")
	if [[ -n $subs ]]; then
		if ((i + 1 == COMP_CWORD)) && [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -W "$subs" -- "$cur"))
			# `holidays` runs by itself too: its options also fit.
			return 0
		fi
		if ((i + 1 < COMP_CWORD)) &&
			[[ " ${subs//$'\n'/ } " == *" ${COMP_WORDS[i + 1]} "* ]]; then
			path+=("${COMP_WORDS[i + 1]}")
		fi
	fi
	[[ ${path[0]} == help ]] && {
		COMPREPLY=($(compgen -W "$(_foia_commands "${path[@]:1}")" -- "$cur"))
		return 0
	}

	# The value of an option.
	if [[ $prev == --* ]]; then
		local meta
		meta=$(_foia_options "${path[@]}" | awk -v o="$prev" '$1 == o { print $2 }')
		if [[ -n $meta ]]; then
			case $prev:$meta in
			--agency:*) words=$(_foia_codes agency list) ;;
			--jurisdiction:*) words=$(_foia_codes jurisdictions) ;;
			*:'<date>') words="today yesterday" ;;
			*:'<file>' | *:'<path>' | --output:* | --*-file:*)
				COMPREPLY=($(compgen -f -- "$cur"))
				return 0
				;;
			*) words=$(_foia_values "$prev" "${path[@]}") ;;
			esac
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
			return 0
		fi
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_foia_options "${path[@]}" | cut -d' ' -f1) --help" -- "$cur"))
		return 0
	fi
	# Arguments: what the usage line names.
	local usage
	usage=$(_foia_run help "${path[@]}" | sed -n '1s/^usage: //p')
	case $usage in
	*"<id>"*) words=$(_foia_ids) ;;
	*"<code>"*)
		[[ ${path[*]} == "agency add" ]] && return 0
		words=$(_foia_codes agency list)
		;;
	*"<file>"* | *"<url>"*)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	*) words=$(_foia_options "${path[@]}" | cut -d' ' -f1) ;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
	return 0
}

complete -o default -F _foia foia
