#!/usr/bin/env bash
#
# 30-restart.sh: the daemon's life cycle. Data survives a stop and start on
# the same database; SIGTERM exits 0 and removes the socket; SIGHUP reloads
# the config (a bad one is refused and the old one kept) while serving;
# `foiad -n` checks a config; a database that is not SQLite, or one written
# by a newer foiad, is refused with a message naming it.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries
RAW=("$PYTHON" "$(dirname "$0")/rawclient.py")
FOIAD=$BUILD/foiad

# hup: SIGHUP, then give the reload up to 2 s to show in the log (only a
# way to wait: the checks that follow are what count).
hup()
{
	local from
	from=$(($(wc -l <"$DAEMON_LOG") + 1))
	kill -HUP "$DAEMON_PID"
	wait_for 2 bash -c 'tail -n +"$1" "$2" | grep -qi reload' _ \
		"$from" "$DAEMON_LOG"
	sleep 0.1
}

# -- version and help
expect_exit 0 "foiad --version exits 0" -- timeout 5 "$FOIAD" --version
expect_out_contains "foiad --version prints the version" "0.1.0"
expect_exit 0 "foiad --help exits 0" -- timeout 5 "$FOIAD" --help
expect_out_contains "foiad --help prints the usage" "--database"

# -- data survives a restart
write_config "client_timeout = 30;"
ok "daemon starts" start_daemon || bail_out "foiad did not start"
first_pid=$DAEMON_PID
expect_exit 0 "file 1" -- foia file --agency ICE --subject "Survives" \
	--sent 2025-03-20 --tag keep
expect_exit 0 "file 2" -- foia file --agency CBP --subject "Also survives"
expect_exit 0 "update 1" -- foia update 1 --status acknowledged \
	--date 2025-03-24 --tracking T-1
expect_exit 0 "note 1" -- foia note 1 kept across restarts
expect_exit 0 "agency add" -- foia agency add KEEP-1 --name "Kept Agency"
expect_exit 0 "list --all before restart" -- foia list --all --json
list_before=$OUT
expect_exit 0 "show 1 before restart" -- foia show 1 --json
show_before=$OUT
expect_exit 0 "agency list before restart" -- foia agency list --json
agencies_before=$OUT

# -- SIGHUP: reload while serving
hup
ok "daemon alive after SIGHUP" daemon_alive
expect_exit 0 "status answered after SIGHUP" -- foia status --json
is "$(json_eval 'd["pid"]' "$OUTF")" "$first_pid" "same daemon after SIGHUP"

# client_timeout takes effect on reload: 30 s before, 1 s after.
write_config "client_timeout = 1;"
hup
stall=$("${RAW[@]}" "$SOCK" stall none 5)
is "$(printf '%s' "$stall" | json_eval 'd["stalled_closed"]')" true \
	"reloaded client_timeout = 1 closes a silent client"
ok "... within 3.5 s (was 30 s before the reload)" python3 -c \
	'import json,sys; sys.exit(json.loads(sys.argv[1])["stalled_elapsed"] >= 3.5)' \
	"$stall"

# A config with an error is refused on reload; the old one stays.
log_lines=$(wc -l <"$DAEMON_LOG")
printf 'client_timeout = 2;\nlog_level = "debug"\nwhat = ;\n' >"$CONF"
hup
ok "daemon alive after SIGHUP with a broken config" daemon_alive
expect_exit 0 "status answered after a refused reload" -- foia status
ok "the reload error is logged as file:line: message" \
	grep -Eq "$CONF:[0-9]+: " <(tail -n +"$((log_lines + 1))" "$DAEMON_LOG")
stall=$("${RAW[@]}" "$SOCK" stall none 5)
ok "old client_timeout (1 s) kept after the refused reload" python3 -c \
	'import json,sys; d=json.loads(sys.argv[1]); sys.exit(not (d["stalled_closed"] and d["stalled_elapsed"] < 3.5))' \
	"$stall"
write_config "client_timeout = 30;"
hup
expect_exit 0 "status after reloading a good config again" -- foia status

# -- SIGTERM, with an idle client connected (client_timeout is 30 s): the
# daemon must not wait for it.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"{\"v\":1,")
time.sleep(15)' "$SOCK" &
holder=$!
sleep 0.3
t0=$(date +%s%N)
stop_daemon "foiad exits 0 on SIGTERM with a client in the middle of a line"
ms=$((($(date +%s%N) - t0) / 1000000))
ok "... within 2 s (took ${ms} ms)" test "$ms" -lt 2000
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
ok "socket removed on SIGTERM" test ! -e "$SOCK"
ok "database intact after stop" \
	bash -c "[[ \$(sqlite3 '$DB' 'PRAGMA integrity_check') == ok ]]"
ok "no WAL left behind after a clean stop" test ! -s "$DB-wal"

ok "daemon starts again on the same database" start_daemon ||
	bail_out "foiad did not restart"
expect_exit 0 "list --all after restart" -- foia list --all --json
is "$OUT" "$list_before" "requests unchanged across the restart"
expect_exit 0 "show 1 after restart" -- foia show 1 --json
is "$OUT" "$show_before" "request 1 and its history unchanged across the restart"
expect_exit 0 "agency list after restart" -- foia agency list --json
is "$OUT" "$agencies_before" "agencies unchanged (seed not re-added or duplicated)"
expect_exit 0 "file after restart" -- foia file --agency ICE --subject "Next"
is "$OUT" 3 "ids continue after the restart"

# -- a second daemon on a live socket must not steal it
expect_exit 1 "a second foiad on the same socket exits 1" -- timeout 10 \
	"$FOIAD" -f -c "$CONF" --socket "$SOCK" --database "$T_DIR/second.db"
ok "... saying the socket is in use" grep -qF "$SOCK" "$ERRF"
expect_exit 0 "... and the first one still answers" -- foia status

# -- a crash leaves a stale socket; the next start must still work
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
ok "starts again over the stale socket left by a crash" start_daemon
expect_exit 0 "status after crash restart" -- foia status --json
is "$(json_eval 'd["requests"]' "$OUTF")" 3 "committed data survives kill -9"
stop_daemon

# -- SIGINT stops it cleanly too. Background jobs of a script start with
# SIGINT ignored, so reset it (env --default-signal) to test the daemon.
if env --default-signal=INT true 2>/dev/null; then
	DAEMON_ENV=(--default-signal=INT)
	ok "daemon starts for SIGINT" start_daemon
	DAEMON_ENV=()
	kill -INT "$DAEMON_PID"
	wait_exit "$DAEMON_PID" 5
	is "$RC" 0 "foiad exits 0 on SIGINT"
	DAEMON_PID=
	ok "socket removed on SIGINT" test ! -e "$SOCK"
else
	skip "foiad exits 0 on SIGINT" "env --default-signal unavailable"
fi

# -- foiad -n
write_config
expect_exit 0 "foiad -n: good config exits 0" -- timeout 5 "$FOIAD" -n \
	-c "$CONF" --socket "$T_DIR/n.sock" --database "$T_DIR/n.db"
is "$OUT" "$CONF: configuration ok" "foiad -n prints '<file>: configuration ok'"
ok "foiad -n started no daemon" test ! -e "$T_DIR/n.sock"
ok "foiad -n did not create the database" test ! -e "$T_DIR/n.db"

bad=$T_DIR/syntax.conf
printf 'client_timeout = 2;\nlog_level = ;\n' >"$bad"
expect_exit 1 "foiad -n: syntax error exits 1" -- timeout 5 "$FOIAD" -n -c "$bad"
expect_err_matches "syntax error reported as file:line: message" \
	"^$bad:2: .+"
unk=$T_DIR/unknown.conf
printf 'client_timeout = 2;\nlog_level = "info";\ncolour = "blue";\n' >"$unk"
expect_exit 1 "foiad -n: unknown setting exits 1" -- timeout 5 "$FOIAD" \
	-n -c "$unk"
expect_err_matches "unknown setting reported as file:line: unknown setting" \
	"^$unk:3: unknown setting 'colour'\$"
typ=$T_DIR/type.conf
printf 'client_timeout = "soon";\n' >"$typ"
expect_exit 1 "foiad -n: wrong type exits 1" -- timeout 5 "$FOIAD" -n -c "$typ"
expect_err_matches "wrong type names the setting" "^$typ:1: .*client_timeout"
rng=$T_DIR/range.conf
printf '\nclient_timeout = 0;\n' >"$rng"
expect_exit 1 "foiad -n: out of range exits 1" -- timeout 5 "$FOIAD" -n -c "$rng"
expect_err_matches "out of range names the setting" "^$rng:2: .*client_timeout"
lvl=$T_DIR/level.conf
printf 'log_level = "loud";\n' >"$lvl"
expect_exit 1 "foiad -n: unknown log_level exits 1" -- timeout 5 "$FOIAD" \
	-n -c "$lvl"
expect_err_matches "unknown log_level names the setting" "^$lvl:1: .*log_level"
expect_exit 1 "foiad -n: missing -c file exits 1" -- timeout 5 "$FOIAD" \
	-n -c "$T_DIR/missing.conf"
ok "missing -c file: error names it" grep -qF "$T_DIR/missing.conf" "$ERRF"
ok "a refused config starts no daemon" test ! -e "$SOCK"

# -- a database that is not SQLite
notdb=$T_DIR/notdb.db
head -c 4096 /dev/urandom | base64 >"$notdb"
cp "$notdb" "$T_DIR/notdb.orig"
expect_exit 1 "database that is not SQLite: exits 1" -- timeout 10 "$FOIAD" \
	-f -c "$CONF" --socket "$T_DIR/notdb.sock" --database "$notdb"
ok "... with an error naming the file" grep -qF "$notdb" "$ERRF"
ok "... and leaves no socket" test ! -e "$T_DIR/notdb.sock"
ok "... and does not touch the file" cmp -s "$notdb" "$T_DIR/notdb.orig"

# -- a database from a newer foiad
newer=$T_DIR/newer.db
sqlite3 "$newer" 'CREATE TABLE future(x); PRAGMA user_version = 99;'
is "$(sqlite3 "$newer" 'PRAGMA user_version')" 99 "made a user_version 99 db"
expect_exit 1 "database with a newer schema: exits 1" -- timeout 10 \
	"$FOIAD" -f -c "$CONF" --socket "$T_DIR/newer.sock" --database "$newer"
ok "... with an error naming the file" grep -qF "$newer" "$ERRF"
ok "... saying the schema is newer" grep -Eiq 'newer|version|99' "$ERRF"
ok "... and leaves no socket" test ! -e "$T_DIR/newer.sock"
is "$(sqlite3 "$newer" 'PRAGMA user_version')" 99 "... and leaves it at 99"
is "$(sqlite3 "$newer" "SELECT group_concat(name) FROM sqlite_master")" \
	future "... and adds no tables"

done_testing
