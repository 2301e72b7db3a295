# shellcheck shell=bash disable=SC2034
#
# tests/lib.sh: a small TAP harness and foiad fixtures for the integration
# tests (tests/integration/*.sh). Source it; it prints TAP on stdout.
#
# Assertions (each prints one "ok N - name" or "not ok N - name", with "# "
# diagnostics under a failure):
#   plan N                        optional; else done_testing prints the plan
#   ok NAME CMD...                passes when CMD exits 0
#   nok NAME CMD...               passes when CMD exits nonzero
#   is GOT WANT NAME              string equality
#   like GOT ERE NAME             GOT matches the extended regex
#   unlike GOT ERE NAME           GOT does not match it
#   expect_exit CODE NAME -- CMD...
#                                 runs CMD (stdin inherited), keeps its
#                                 stdout in $OUT/$OUTF, stderr in $ERR/$ERRF
#                                 and status in $RC; passes if RC == CODE
#   expect_out_contains NAME TEXT stdout of the last expect_exit has TEXT
#   expect_out_matches NAME ERE   some stdout line matches ERE
#   expect_out_empty NAME
#   expect_err_matches NAME ERE   stderr of the last expect_exit has exactly
#                                 one message line (an optional "usage:"
#                                 block may follow) and it matches ERE
#   expect_err_empty NAME
#   skip NAME WHY                 "ok N - NAME # SKIP WHY"
#   diag TEXT...                  "# TEXT" lines
#   bail_out WHY                  "Bail out! WHY", exit 1
#   done_testing                  plan (if not given), exit 1 on any failure
# PYTHON is the python3 interpreter (the function python3 runs it).
# JSON: json_eval EXPR [FILE]     python3 prints EXPR over d = the JSON of
#                                 FILE (default stdin); str as is, else JSON
#
# Fixtures:
#   T_DIR      a fresh temp dir (mktemp -d under ${TMPDIR:-/tmp}), removed
#              on exit together with any daemon still running
#   CONF SOCK DB DAEMON_LOG       paths in T_DIR used by start_daemon
#   write_config [LINE...]        writes CONF: client_timeout = 2, the
#                                 repo's agencies.conf, log_level "debug",
#                                 then the extra lines (a line setting one
#                                 of those keys replaces its default)
#   start_daemon [ARG...]         $BUILD/foiad -f -c CONF --socket SOCK
#                                 --database DB ARG..., stderr appended to
#                                 DAEMON_LOG; waits up to 5 s for SOCK
#   start_daemon_cmd SOCKPATH CMD...
#                                 the same for any command line (the daemon
#                                 must be CMD's pid: use exec-ing wrappers
#                                 such as env or setpriv)
#   stop_daemon [NAME]            SIGTERM, wait up to 5 s, assert exit 0
#   daemon_alive                  true while the daemon runs
#   wait_exit PID SECONDS         reap a child (KILL after SECONDS); $RC
#   foia ARG...                   $BUILD/foia --socket $SOCK ARG... (bounded)
#   at_exit CMD...                run CMD on exit (before the temp dir goes)
#   wait_for SECONDS CMD...       poll CMD until it succeeds
#   can_connect PATH              a stream socket at PATH accepts
#   need_binaries                 bail out unless foiad and foia are built
#   T_USER                        the user name the daemon should record
# DAEMON_ENV (array of env arguments: NAME=VALUE, or env options such as
# --default-signal=INT) applies to the daemon started by start_daemon;
# AS_USER (array, a command prefix such as "setpriv --reuid=u --regid=g
# --init-groups --") to that daemon and to the foia wrapper.

T_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD=$T_REPO/$BUILD ;;
esac
export BUILD

T_NUM=0
T_FAILED=0
T_PLAN=
T_CLEANUP=()
DAEMON_PID=
DAEMON_ENV=()
AS_USER=()
OUT='' ERR='' RC=''

# Keep tests away from the user's own daemon, config and data, and from
# their terminal width.
unset FOIA_SOCKET COLUMNS NOTIFY_SOCKET LISTEN_FDS LISTEN_PID LISTEN_FDNAMES
export LC_ALL=C.UTF-8

# Socket paths must fit in sun_path (108 bytes): a long TMPDIR is not used.
T_TMP=${TMPDIR:-/tmp}
((${#T_TMP} > 60)) && T_TMP=/tmp
T_DIR=$(mktemp -d "$T_TMP/foiad-test.XXXXXX") || {
	echo "Bail out! cannot create a temp dir"
	exit 1
}
CONF=$T_DIR/foiad.conf
SOCK=$T_DIR/foiad.sock
DB=$T_DIR/foiad.db
DAEMON_LOG=$T_DIR/foiad.log
OUTF=$T_DIR/.out
ERRF=$T_DIR/.err
export XDG_RUNTIME_DIR=$T_DIR/xdg-run XDG_CONFIG_HOME=$T_DIR/xdg-config \
	XDG_DATA_HOME=$T_DIR/xdg-data
mkdir -m 0700 "$XDG_RUNTIME_DIR"

# ---------------------------------------------------------------- TAP

diag()
{
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/# /'
	done
}

bail_out()
{
	printf 'Bail out! %s\n' "$*"
	exit 1
}

plan()
{
	T_PLAN=$1
	printf '1..%s\n' "$1"
}

# _report PASSED NAME [DIAG...]
_report()
{
	local passed=$1 name=$2
	shift 2
	T_NUM=$((T_NUM + 1))
	# A '#' in a name would read as a TAP directive.
	name=${name//#/\\#}
	if ((passed)); then
		printf 'ok %d - %s\n' "$T_NUM" "$name"
	else
		T_FAILED=$((T_FAILED + 1))
		printf 'not ok %d - %s\n' "$T_NUM" "$name"
		(($# > 0)) && diag "$@"
	fi
	return $((!passed))
}

pass() { _report 1 "$1"; }
fail() { _report 0 "$@"; }

ok()
{
	local name=$1
	shift
	"$@"
	local rc=$?
	_report $((rc == 0)) "$name" "command: $*" "exit status: $rc"
}

nok()
{
	local name=$1
	shift
	"$@"
	local rc=$?
	_report $((rc != 0)) "$name" "command: $*" "exit status: 0"
}

is()
{
	if [[ $1 == "$2" ]]; then
		_report 1 "$3"
	else
		_report 0 "$3" "got:      '$1'" "expected: '$2'"
	fi
}

like()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_report 1 "$3"
	else
		_report 0 "$3" "got:      '$1'" "expected to match: $2"
	fi
}

unlike()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_report 0 "$3" "got:      '$1'" "expected not to match: $2"
	else
		_report 1 "$3"
	fi
}

skip()
{
	T_NUM=$((T_NUM + 1))
	printf 'ok %d - %s # SKIP %s\n' "$T_NUM" "${1//#/\\#}" "$2"
}

# expect_exit CODE NAME -- CMD...
expect_exit()
{
	local want=$1 name=$2
	shift 2
	[[ ${1-} == -- ]] && shift
	"$@" >"$OUTF" 2>"$ERRF"
	RC=$?
	OUT=$(cat "$OUTF")
	ERR=$(cat "$ERRF")
	if ((RC == want)); then
		_report 1 "$name"
	else
		_report 0 "$name" "command: $*" "exit status: $RC, expected $want" \
			"stdout: $(head -c 2000 "$OUTF")" \
			"stderr: $(head -c 2000 "$ERRF")"
	fi
}

expect_out_contains()
{
	if grep -Fq -- "$2" "$OUTF"; then
		_report 1 "$1"
	else
		_report 0 "$1" "stdout does not contain: $2" \
			"stdout: $(head -c 2000 "$OUTF")"
	fi
}

expect_out_matches()
{
	if grep -Eq -- "$2" "$OUTF"; then
		_report 1 "$1"
	else
		_report 0 "$1" "no stdout line matches: $2" \
			"stdout: $(head -c 2000 "$OUTF")"
	fi
}

expect_out_empty()
{
	if [[ ! -s $OUTF ]]; then
		_report 1 "$1"
	else
		_report 0 "$1" "stdout: $(head -c 2000 "$OUTF")"
	fi
}

expect_err_empty()
{
	if [[ ! -s $ERRF ]]; then
		_report 1 "$1"
	else
		_report 0 "$1" "stderr: $(head -c 2000 "$ERRF")"
	fi
}

# The message is every stderr line before the first "usage:" line: it must
# be exactly one line and match the regex.
expect_err_matches()
{
	local msg
	msg=$(sed '/^usage:/,$d' "$ERRF")
	if [[ -z $msg || $msg == *$'\n'* ]]; then
		_report 0 "$1" "expected exactly one error line on stderr" \
			"stderr: $(head -c 2000 "$ERRF")"
	elif printf '%s\n' "$msg" | grep -Eq -- "$2"; then
		_report 1 "$1"
	else
		_report 0 "$1" "stderr:   '$msg'" "expected to match: $2"
	fi
}

done_testing()
{
	if [[ -z $T_PLAN ]]; then
		printf '1..%d\n' "$T_NUM"
	elif ((T_PLAN != T_NUM)); then
		diag "planned $T_PLAN tests but ran $T_NUM"
		exit 1
	fi
	((T_FAILED == 0)) || exit 1
	exit 0
}

# json_eval EXPR [FILE]: print EXPR evaluated with d = the parsed JSON.
json_eval()
{
	python3 -c '
import json, sys
src = open(sys.argv[2]) if len(sys.argv) > 2 else sys.stdin
d = json.load(src)
v = eval("(" + sys.argv[1] + "\n)", {"d": d, "json": json})
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
' "$@"
}

# ---------------------------------------------------------------- fixtures

at_exit()
{
	T_CLEANUP+=("$(printf '%q ' "$@")")
}

_t_cleanup()
{
	local c
	if [[ -n $DAEMON_PID ]] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -KILL "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
	fi
	if ((T_FAILED > 0)) && [[ -s $DAEMON_LOG ]]; then
		diag "last lines of the daemon log:"
		diag "$(tail -n 30 "$DAEMON_LOG")"
	fi
	for c in "${T_CLEANUP[@]+"${T_CLEANUP[@]}"}"; do
		eval "$c" >/dev/null 2>&1
	done
	rm -rf "$T_DIR"
}
trap _t_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need_binaries()
{
	local b
	for b in foiad foia; do
		[[ -x $BUILD/$b ]] || bail_out "$BUILD/$b not built (run make)"
	done
}

write_config()
{
	local l key skip_defaults=" "
	# An extra line setting a default key replaces that default, since
	# libconfig refuses a setting given twice.
	for l in "$@"; do
		key=${l%%[ =]*}
		skip_defaults+="$key "
	done
	{
		[[ $skip_defaults == *" client_timeout "* ]] ||
			printf 'client_timeout = 2;\n'
		[[ $skip_defaults == *" agencies "* ]] ||
			printf 'agencies = "%s/config/agencies.conf";\n' "$T_REPO"
		[[ $skip_defaults == *" jurisdictions "* ]] ||
			printf 'jurisdictions = "%s/config/jurisdictions.conf";\n' "$T_REPO"
		[[ $skip_defaults == *" log_level "* ]] ||
			printf 'log_level = "debug";\n'
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} >"$CONF"
}

# State of a process: R, S, Z, ... or nothing when it is gone.
_proc_state()
{
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	printf '%s' "${stat%% *}"
}

daemon_alive()
{
	[[ -n $DAEMON_PID ]] || return 1
	local s
	s=$(_proc_state "$DAEMON_PID")
	[[ -n $s && $s != Z && $s != X ]]
}

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for()
{
	local i n=$(($1 * 20))
	shift
	for ((i = 0; i <= n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# can_connect PATH: true if a stream connection to PATH is accepted.
can_connect()
{
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(2)
s.connect(sys.argv[1])' "$1" 2>/dev/null
}

# wait_sock PATH SECONDS: true once PATH accepts connections (a stale
# socket file left by a crash does not count), false if the daemon died or
# time ran out.
wait_sock()
{
	local i n=$(($2 * 20))
	for ((i = 0; i < n; i++)); do
		[[ -S $1 ]] && can_connect "$1" && return 0
		daemon_alive || return 1
		sleep 0.05
	done
	return 1
}

start_daemon_cmd()
{
	local sock=$1
	shift
	if daemon_alive; then
		diag "start_daemon: a daemon is already running ($DAEMON_PID)"
		return 1
	fi
	local from
	from=$(($(cat "$DAEMON_LOG" 2>/dev/null | wc -l) + 1))
	"$@" 2>>"$DAEMON_LOG" </dev/null &
	DAEMON_PID=$!
	if ! wait_sock "$sock" 5; then
		diag "foiad did not listen on $sock within 5 s; its log:"
		diag "$(tail -n +"$from" "$DAEMON_LOG" 2>/dev/null | head -n 20)"
		return 1
	fi
	return 0
}

start_daemon()
{
	[[ -f $CONF ]] || write_config ""
	start_daemon_cmd "$SOCK" "${AS_USER[@]+"${AS_USER[@]}"}" \
		env "${DAEMON_ENV[@]+"${DAEMON_ENV[@]}"}" \
		"$BUILD/foiad" -f -c "$CONF" --socket "$SOCK" --database "$DB" "$@"
}

# wait_exit PID SECONDS: wait for a child to end; its status in $RC.
wait_exit()
{
	local i n=$(($2 * 20)) s
	for ((i = 0; i < n; i++)); do
		s=$(_proc_state "$1")
		[[ -z $s || $s == Z || $s == X ]] && break
		sleep 0.05
	done
	s=$(_proc_state "$1")
	if [[ -n $s && $s != Z && $s != X ]]; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		RC=124
		return 1
	fi
	wait "$1"
	RC=$?
	return 0
}

# stop_daemon [NAME]: SIGTERM, then assert a clean exit within 5 s.
stop_daemon()
{
	local name=${1:-foiad exits 0 on SIGTERM}
	if [[ -z $DAEMON_PID ]]; then
		fail "$name" "no daemon was started"
		return 1
	fi
	kill -TERM "$DAEMON_PID" 2>/dev/null
	if ! wait_exit "$DAEMON_PID" 5; then
		DAEMON_PID=
		fail "$name" "foiad still running 5 s after SIGTERM (killed)"
		return 1
	fi
	DAEMON_PID=
	_report $((RC == 0)) "$name" "exit status: $RC" \
		"$(tail -n 10 "$DAEMON_LOG" 2>/dev/null)"
}

foia()
{
	timeout -k 2 10 "${AS_USER[@]+"${AS_USER[@]}"}" \
		"$BUILD/foia" --socket "$SOCK" "$@"
}

# The real interpreter: `python3` on PATH may be a slow pyenv shim, and it
# is run hundreds of times. Standard library only.
PYTHON=$(command python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[[ -x $PYTHON ]] || PYTHON=$(command -v python3)
python3() { "$PYTHON" "$@"; }

# Name of the user running the tests, as the daemon should record it.
T_USER=$(id -un)
