#!/usr/bin/env bash
#
# 40-bad-input.sh: every bad input gets a one-line error on stderr naming
# the problem, the documented exit code (1 refused by the daemon, 64 usage,
# 65 bad data caught in the CLI, 69 daemon unreachable), and changes
# nothing: the full state (`list --all --json`, the agencies, the history of
# each request) is compared before and after each attempt.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

ok "daemon starts" start_daemon || bail_out "foiad did not start"

expect_exit 0 "file request 1 (submitted)" -- foia file --agency ICE \
	--subject "Submitted one" --sent 2025-03-20
expect_exit 0 "file request 2 (draft)" -- foia file --agency CBP \
	--subject "Draft one"

snapshot()
{
	{
		foia list --all --json
		foia agency list --json
		foia show 1 --json
		foia show 2 --json
	} 2>&1
}
STATE=$(snapshot)
ok "snapshot of the state taken" test -n "$STATE"
unchanged()
{
	local now
	now=$(snapshot)
	if [[ $now == "$STATE" ]]; then
		pass "state unchanged after $1"
	else
		fail "state unchanged after $1" \
			"$(diff <(printf '%s\n' "$STATE") <(printf '%s\n' "$now") | head -20)"
		STATE=$now
	fi
}

# bad CODE WHAT ERE -- CMD...: exit code, one error line matching ERE, and
# no change of state.
bad()
{
	local code=$1 what=$2 ere=$3
	shift 3
	expect_exit "$code" "$what: exit $code" "$@"
	expect_err_matches "$what: one-line error" "$ere"
	expect_out_empty "$what: nothing on stdout"
	unchanged "$what"
}

# -- refused by the daemon (1)
bad 1 "unknown agency" "^foia: .*'NOPE'" -- \
	foia file --agency NOPE --subject "x"
bad 1 "unknown status" "^foia: unknown status 'gone'" -- \
	foia update 1 --status gone
bad 1 "illegal transition draft -> appealed" \
	"^foia: .*(draft.*appealed|appealed.*draft).*submitted.*withdrawn" -- \
	foia update 2 --status appealed
bad 1 "illegal transition submitted -> appeal-decided" \
	"^foia: .*appeal-decided.*acknowledged" -- \
	foia update 1 --status appeal-decided
bad 1 "unknown request id (show)" "^foia: .*999" -- foia show 999
bad 1 "unknown request id (update)" "^foia: .*999" -- \
	foia update 999 --status submitted
bad 1 "unknown request id (note)" "^foia: .*999" -- foia note 999 hello
bad 1 "duplicate agency code" "^foia: .*ICE" -- \
	foia agency add ICE --name "Again"
bad 1 "agency with an unknown parent" "^foia: .*NO-PARENT" -- \
	foia agency add NEW-1 --name "Orphan" --parent NO-PARENT
bad 1 "agency show unknown code" "^foia: .*NOPE" -- foia agency show NOPE
bad 1 "update moving a request to an unknown agency" "^foia: .*NOPE" -- \
	foia update 1 --agency NOPE

# -- usage errors (64)
bad 64 "missing --subject" "^foia: .*--subject" -- foia file --agency ICE
bad 64 "missing --agency" "^foia: .*--agency" -- foia file --subject x
bad 64 "unknown option" "^foia: .*--bogus" -- foia list --bogus
bad 64 "unknown command" "^foia: .*frobnicate" -- foia frobnicate
bad 64 "update without any option" "^foia: " -- foia update 1
bad 64 "--date without --status" "^foia: .*--date" -- \
	foia update 1 --date 2025-03-25
bad 64 "show without an id" "^foia: " -- foia show
expect_exit 64 "agency without a subcommand: exit 64" -- foia agency
ok "agency without a subcommand: usage on stderr" grep -q 'usage: foia agency' "$ERRF"
unchanged "agency without a subcommand"
expect_exit 64 "unknown option also prints a usage line" -- foia list --bogus
ok "the usage line names the command" grep -q '^usage: foia list' "$ERRF"

# -- bad data caught in the CLI (65)
bad 65 "malformed date 2025-3-4" \
	"^foia: invalid date '2025-3-4' for --sent" -- \
	foia file --agency ICE --subject x --sent 2025-3-4
bad 65 "impossible date 2025-02-30" \
	"^foia: invalid date '2025-02-30' for --sent \(expected YYYY-MM-DD, today or yesterday\)\$" -- \
	foia file --agency ICE --subject x --sent 2025-02-30
bad 65 "impossible date on update --date" "^foia: invalid date '2025-13-01'" -- \
	foia update 1 --status acknowledged --date 2025-13-01
bad 65 "invalid UTF-8 subject" '^foia: --subject is not valid UTF-8$' -- \
	foia file --agency ICE --subject "$(printf '\xff\xfe')"
bad 65 "overlong UTF-8 subject" '^foia: --subject is not valid UTF-8$' -- \
	foia file --agency ICE --subject "$(printf 'a\xc0\xafb')"
bad 65 "UTF-16 surrogate in subject" '^foia: --subject is not valid UTF-8$' -- \
	foia file --agency ICE --subject "$(printf '\xed\xa0\x80')"
bad 65 "truncated UTF-8 sequence in a note" 'not valid UTF-8' -- \
	foia note 1 "$(printf 'caf\xc3')"
long=$(head -c 501 /dev/zero | tr '\0' a)
bad 65 "subject of 501 bytes" \
	'^foia: --subject is 501 bytes, the limit is 500$' -- \
	foia file --agency ICE --subject "$long"
bad 65 "subject of 251 two-byte characters (502 bytes)" \
	'^foia: --subject is 502 bytes, the limit is 500$' -- \
	foia file --agency ICE --subject "$(for _ in $(seq 251); do printf 'é'; done)"
bad 65 "non-numeric id" "^foia: invalid request id 'abc'\$" -- foia show abc
bad 65 "zero id" "^foia: invalid request id '0'\$" -- foia show 0
bad 65 "money with 3 decimals" "'25\.123'" -- \
	foia file --agency ICE --subject x --fees-estimated 25.123
bad 65 "money that is not a number" "'lots'" -- \
	foia update 1 --fees-paid lots
bad 65 "unreadable --description-file" "'$T_DIR/no-such-file'" -- \
	foia file --agency ICE --subject x --description-file "$T_DIR/no-such-file"
bad 65 "note over 8 KiB" "^foia: .*8192" -- \
	foia note 1 "$(head -c 8193 /dev/zero | tr '\0' n)"

# -- daemon unreachable (69)
expect_exit 69 "unreachable socket: exit 69" -- timeout 10 "$BUILD/foia" \
	--socket "$T_DIR/nope.sock" status
is "$(sed -n 1p "$ERRF")" \
	"foia: cannot reach foiad at '$T_DIR/nope.sock': No such file or directory" \
	"unreachable: first line names the path and the reason"
like "$(sed -n 2p "$ERRF")" "^foia: start it with 'foiad -f'" \
	"unreachable: second line says how to start foiad"
is "$(wc -l <"$ERRF")" 2 "unreachable: exactly two lines"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
	"$T_DIR/dead.sock"
expect_exit 69 "socket with no listener: exit 69" -- timeout 10 \
	"$BUILD/foia" --socket "$T_DIR/dead.sock" status
like "$(sed -n 1p "$ERRF")" "^foia: cannot reach foiad at '$T_DIR/dead.sock': Connection refused\$" \
	"no listener: names the path and the reason"
# A daemon that accepts and hangs up without a reply.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
print("ready", flush=True)
s.settimeout(10)
c, _ = s.accept()
c.recv(65536)
c.close()' "$T_DIR/mute.sock" >"$T_DIR/mute.ready" &
mute=$!
wait_for 5 grep -q ready "$T_DIR/mute.ready"
expect_exit 69 "connection closed with no reply: exit 69" -- timeout 10 \
	"$BUILD/foia" --socket "$T_DIR/mute.sock" status
like "$(sed -n 1p "$ERRF")" "^foia: .*$T_DIR/mute.sock|^foia: .*(closed|no reply|reply)" \
	"no reply: the error says so"
wait "$mute" 2>/dev/null
unchanged "unreachable sockets"

# -- the limits are inclusive: exactly 500 bytes is accepted
exact=$(head -c 500 /dev/zero | tr '\0' b)
expect_exit 0 "subject of exactly 500 bytes is accepted" -- \
	foia file --agency ICE --subject "$exact"
expect_exit 0 "show it" -- foia show "$OUT" --json
is "$(json_eval 'len(d["request"]["subject"])' "$OUTF")" 500 \
	"the 500-byte subject is stored whole"
utf=$(for _ in $(seq 250); do printf 'é'; done)
expect_exit 0 "subject of 250 two-byte characters is accepted" -- \
	foia file --agency ICE --subject "$utf"
expect_exit 0 "show it" -- foia show "$OUT" --json
is "$(json_eval 'd["request"]["subject"]' "$OUTF")" "$utf" \
	"the UTF-8 subject round-trips"

stop_daemon
done_testing
