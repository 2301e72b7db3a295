#!/usr/bin/env bash
#
# 93-crash.sh: foiad killed with SIGKILL at random moments under a stream
# of concurrent writes (crashwriter.py: several connections filing
# requests and adding notes), CRASH_KILLS times (default 20). After each
# kill, with foiad down: PRAGMA integrity_check is ok and every write a
# client got an acknowledgment for is in the database; after each restart
# `foia verify` finds the history's hash chain whole. Takes about 30 s.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

KILLS=${CRASH_KILLS:-20}
WRITERS=4
ACK=$T_DIR/acks
mkdir -p "$ACK"

q() { sqlite3 "$DB" "$@"; }

# No laws: a restart is then quicker, and deadlines are not what is tested.
write_config "client_timeout = 30;" "jurisdictions = \"$T_DIR/none.conf\";"
ok "daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "request 1 for the notes" -- foia file --agency ICE --subject base

"$PYTHON" "$(dirname "$0")/crashwriter.py" "$SOCK" "$ACK" "$WRITERS" 120 \
	>"$T_DIR/writer.json" &
writer=$!
at_exit kill "$writer"

# missing_acks: acknowledged writes the database does not hold.
missing_acks()
{
	cat "$ACK"/acked-* 2>/dev/null | grep -E '^(file|note) t[0-9]+-[0-9]+$' |
		sort -u >"$T_DIR/acked.txt"
	q "SELECT 'file ' || subject FROM request WHERE subject LIKE 't%';
	   SELECT 'note ' || note FROM event WHERE kind = 'note' AND note LIKE 't%';" |
		sort -u >"$T_DIR/stored.txt"
	comm -23 "$T_DIR/acked.txt" "$T_DIR/stored.txt"
}

bad=0
for ((i = 1; i <= KILLS; i++)); do
	# 0.1 to 0.6 s of writes, then SIGKILL.
	sleep "0.$((RANDOM % 6 + 1))"
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
	integrity=$(q 'PRAGMA integrity_check' 2>&1)
	if [[ $integrity != ok ]]; then
		fail "kill $i: integrity_check" "got: $integrity"
		bad=1
		break
	fi
	missing=$(missing_acks)
	if [[ -n $missing ]]; then
		fail "kill $i: acknowledged writes present" \
			"missing: $(printf '%s' "$missing" | head -n 5)"
		bad=1
		break
	fi
	if ! start_daemon; then
		fail "kill $i: restart"
		bad=1
		break
	fi
	if ! foia verify >"$T_DIR/verify.out" 2>&1; then
		fail "kill $i: verify" "$(cat "$T_DIR/verify.out")"
		bad=1
		break
	fi
done
((bad)) || pass "$KILLS kills: integrity_check ok, every acknowledged write present, verify ok each time"

touch "$ACK/stop"
wait_exit "$writer" 10
stats=$(cat "$T_DIR/writer.json")
diag "writers: $stats"
acked=$(json_eval 'd["acked"]' <<<"$stats")
ok "the writers got many acknowledgments ($acked)" test "${acked:-0}" -ge $((KILLS * 10))
is "$(json_eval 'd["errors"]' <<<"$stats")" 0 "no write was refused with an error"
missing=$(missing_acks)
is "$missing" "" "at the end, every acknowledged write is present"
n=$(wc -l <"$T_DIR/acked.txt")
ok "... all $n of them checked" test "$n" -eq "$acked"
expect_exit 0 "verify at the end" -- foia verify
is "$(q 'PRAGMA integrity_check')" ok "integrity_check at the end"
stop_daemon

done_testing
