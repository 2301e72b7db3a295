#!/usr/bin/env bash
#
# 62-status.sh: what `foia status` tells an operator, and that passwords
# never leave their files. A real SMTP server (mailsink.py) refuses the
# daemon's login, since its password file holds the wrong password: the
# reminder waits for a retry, and status shows it waiting with the
# server's error, the database's size on disk (file and write-ahead log),
# uptime, version and the next wake-up. Then neither password (SMTP,
# CalDAV) may appear in the daemon's log (at debug level), in any reply
# (status, reminders, export), or in foiad -n's output. Last, the log's
# form in the foreground: one line per event, "foiad: <severity>: ...".

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

SYSPY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
DAEMON_ENV=(no_proxy='*' NO_PROXY='*')
VERSION=$("$BUILD/foia" --version | awk '{print $2}')

# -- status of an idle daemon
write_config
ok "daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "status --json" -- foia status --json
cp "$OUTF" "$T_DIR/idle.json"
is "$(json_eval '[d["version"], d["protocol"], d["pid"]]' "$T_DIR/idle.json")" \
	"[\"$VERSION\", 1, $DAEMON_PID]" "version, protocol and pid"
like "$(json_eval 'd["uptime"]' "$T_DIR/idle.json")" '^[0-9]+$' \
	"uptime in seconds"
is "$(json_eval '[d["outbox"][k] for k in ("pending", "failed", "last_error")]' \
	"$T_DIR/idle.json")" '[0, 0, null]' \
	"an empty outbox: nothing waiting, no error"
# The sizes are those of the files (the daemon is idle: they hold still).
db_bytes=$(stat -c %s "$DB")
wal_bytes=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
is "$(json_eval '[d["disk"]["db"], d["disk"]["wal"]]' "$T_DIR/idle.json")" \
	"[$db_bytes, $wal_bytes]" "disk: the database file and its WAL, in bytes"
ok "the database takes some room" test "$db_bytes" -gt 0
like "$(json_eval 'd["next_reminder"]' "$T_DIR/idle.json")" '^null$' \
	"no reminder channel: no next reminder"
expect_exit 0 "status as text" -- foia status
expect_out_matches "text: version" "^foiad version: +$VERSION$"
expect_out_matches "text: uptime" '^Uptime: +([0-9]+[dhm] )*[0-9]+s$'
expect_out_matches "text: disk" \
	'^Disk: +[0-9.]+ (B|KiB|MiB) \(database [0-9.]+ (B|KiB|MiB), write-ahead log [0-9.]+ (B|KiB|MiB)\)$'
expect_out_matches "text: reminders" '^Reminders: +0 waiting, 0 failed$'
expect_out_matches "text: next wake-up" \
	'^Next wake-up: +(none|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z)$'
stop_daemon

# -- a login the server refuses
if ! "$SYSPY" -c 'import aiosmtpd' 2>/dev/null; then
	skip "delivery error and secrets" "python3-aiosmtpd not installed"
	done_testing
fi
SMTP_SECRET='Wr0ng-Pa55-7f3a9c'
DAV_SECRET='Dav-Pa55-c0ffee51'
MAIL=$T_DIR/mail
mkdir "$MAIL"
"$SYSPY" -u "$HERE/mailsink.py" "$MAIL" 0 foiad 'the-right-one' \
	>"$T_DIR/smtp.port" 2>>"$T_DIR/smtp.log" &
SMTP_PID=$!
at_exit kill "$SMTP_PID"
wait_for 10 test -s "$T_DIR/smtp.port" ||
	bail_out "the SMTP server did not start: $(cat "$T_DIR/smtp.log")"
SMTP_PORT=$(head -n 1 "$T_DIR/smtp.port")
printf '%s\n' "$SMTP_SECRET" >"$T_DIR/smtp.pass"
printf '%s\n' "$DAV_SECRET" >"$T_DIR/dav.pass"
chmod 600 "$T_DIR/smtp.pass" "$T_DIR/dav.pass"
write_config \
	"reminders = { leads = [0]; time = \"00:00\"; timezone = \"UTC\"; digest = \"off\"; };" \
	"smtp = { url = \"smtp://127.0.0.1:$SMTP_PORT\"; from = \"foiad@example.org\"; to = [\"team@example.org\"]; user = \"foiad\"; password_file = \"$T_DIR/smtp.pass\"; };" \
	"caldav = { url = \"http://127.0.0.1:1/dav/\"; user = \"foiad\"; password_file = \"$T_DIR/dav.pass\"; };"
expect_exit 0 "foiad -n takes the private password files" -- \
	"$BUILD/foiad" -n -c "$CONF"
cat "$OUTF" "$ERRF" >"$T_DIR/replies.txt"
ok "daemon with smtp and caldav starts" start_daemon ||
	bail_out "foiad did not start"
expect_exit 0 "file a request" -- foia file --agency ICE \
	--subject "Detention standards" --sent "$(date -u +%F)"
expect_exit 0 "a reminder for today" -- foia remind 1 --on today
has_error()
{
	foia status --json >"$T_DIR/st.json" 2>/dev/null &&
		json_eval 'd["outbox"]["last_error"]["error"]' "$T_DIR/st.json" \
			>/dev/null 2>&1
}
ok "the refused login shows in status" wait_for 20 has_error
expect_exit 0 "status --json" -- foia status --json
cp "$OUTF" "$T_DIR/busy.json"
is "$(json_eval '[d["outbox"]["last_error"][k] for k in ("channel", "state", "request")]' \
	"$T_DIR/busy.json")" '["email", "pending", 1]' \
	"last_error: the email channel, waiting for a retry, of request 1"
like "$(json_eval 'd["outbox"]["last_error"]["error"]' "$T_DIR/busy.json")" \
	'[Ll]ogin|[Aa]uth|535' "last_error: the server's refusal"
like "$(json_eval 'd["outbox"]["last_error"]["next_attempt_at"]' \
	"$T_DIR/busy.json")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' \
	"last_error: when it is tried again"
is "$(json_eval '[d["outbox"]["pending"] >= 1, d["outbox"]["failed"]]' \
	"$T_DIR/busy.json")" '[true, 0]' "the outbox: waiting, none failed"
like "$(json_eval 'd["next_wakeup"]' "$T_DIR/busy.json")" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "a wake-up is planned (the retry)"
expect_exit 0 "status as text" -- foia status
expect_out_matches "text: the waiting reminder" '^Reminders: +[1-9][0-9]* waiting, 0 failed$'
expect_out_matches "text: the last error" \
	'^Last error: +.+ \(email, reminder [0-9]+, pending after [0-9]+ tries, next at .+\)$'
cat "$OUTF" "$T_DIR/busy.json" >>"$T_DIR/replies.txt"
for cmd in "reminders --json" "reminders --pending --json" "export" \
	"show 1 --json" "report --format json"; do
	# shellcheck disable=SC2086
	foia $cmd >>"$T_DIR/replies.txt" 2>&1
done
kill -HUP "$DAEMON_PID"
wait_for 3 grep -q 'reload' "$DAEMON_LOG"
stop_daemon
ok "the replies were collected" test -s "$T_DIR/replies.txt"
ok "the daemon logged at debug level" grep -q 'debug' "$DAEMON_LOG"
for secret in "$SMTP_SECRET" "$DAV_SECRET"; do
	nok "password ${secret:0:3}... is in no reply" \
		grep -qF -- "$secret" "$T_DIR/replies.txt"
	nok "password ${secret:0:3}... is not in the daemon's log" \
		grep -qF -- "$secret" "$DAEMON_LOG"
done

# -- the log in the foreground: one line per event, with its severity
write_config
ok "daemon starts again" start_daemon || bail_out "foiad did not start"
expect_exit 0 "status" -- foia status
stop_daemon
ok "every log line is 'foiad: <severity>: <message>'" bash -c '
! grep -Ev "^foiad: (error|warning|info|debug): [^ ]" "$1"' _ "$DAEMON_LOG"
ok "info: listening" grep -Eq '^foiad: info: listening on ' "$DAEMON_LOG"
ok "debug: a call" grep -Eq '^foiad: debug: status by ' "$DAEMON_LOG"
: >"$DAEMON_LOG"
write_config 'log_level = "info";'
ok "daemon starts at info" start_daemon || bail_out "foiad did not start"
expect_exit 0 "status" -- foia status
stop_daemon
nok "log_level info: no debug line" grep -q '^foiad: debug: ' "$DAEMON_LOG"
: >"$DAEMON_LOG"
ok "daemon starts at info with -v" start_daemon -v ||
	bail_out "foiad did not start"
expect_exit 0 "status" -- foia status
stop_daemon
ok "-v: debug lines" grep -q '^foiad: debug: status by ' "$DAEMON_LOG"

# -- under systemd: no -f needed, no detaching, the journal's priorities
write_config
: >"$DAEMON_LOG"
journal=$(stat -c '%d:%i' "$DAEMON_LOG")
ok "INVOCATION_ID and JOURNAL_STREAM, no -f: daemon starts" start_daemon_cmd \
	"$SOCK" env INVOCATION_ID=0123456789abcdef JOURNAL_STREAM="$journal" \
	"$BUILD/foiad" -c "$CONF" --socket "$SOCK" --database "$DB" ||
	bail_out "foiad did not start"
expect_exit 0 "status" -- foia status --json
is "$(json_eval 'd["pid"]' "$OUTF")" "$DAEMON_PID" \
	"under systemd foiad does not detach (the pid systemd started answers)"
stop_daemon "under systemd: exits 0 on SIGTERM"
ok "journal lines carry the priority prefix: <6> info" \
	grep -Eq '^<6>listening on ' "$DAEMON_LOG"
ok "... <7> debug" grep -Eq '^<7>status by ' "$DAEMON_LOG"
ok "every journal line has a priority prefix and no 'foiad: '" bash -c '
! grep -Ev "^<[0-7]>[^ ]" "$1"' _ "$DAEMON_LOG"
# JOURNAL_STREAM naming another file (stderr redirected): plain lines.
: >"$DAEMON_LOG"
DAEMON_ENV=(JOURNAL_STREAM=1:1)
ok "a JOURNAL_STREAM that is not stderr: daemon starts" start_daemon ||
	bail_out "foiad did not start"
stop_daemon
DAEMON_ENV=()
ok "... plain 'foiad: info:' lines" grep -q '^foiad: info: listening on ' \
	"$DAEMON_LOG"

done_testing
