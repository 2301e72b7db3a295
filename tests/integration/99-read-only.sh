#!/usr/bin/env bash
#
# 99-read-only.sh: a database foiad may not write. Its directory is a bind
# mount made read-only before foiad starts: foiad starts anyway, logs a
# warning, answers reads (list, show, status, verify, export) and refuses
# writes with the error code read_only and a message saying the database
# is read-only for foiad, changing nothing. Remounted read-write, the next
# write works without a restart. After a crash, changes still in the -wal
# file are read (with the -shm there), or foiad refuses to start rather
# than serve a database without them. An older schema cannot be upgraded read-only: foiad
# refuses to start, saying so. Mounting needs root (CAP_SYS_ADMIN):
# without it the test is skipped.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries
RAW=("$PYTHON" "$(dirname "$0")/rawclient.py")

SRC=$T_DIR/src
DST=$T_DIR/dst
mkdir -m 0700 "$SRC" "$DST"
if ! mount --bind "$SRC" "$DST" 2>/dev/null; then
	skip "read-only database" "no mount rights"
	done_testing
fi
at_exit umount -l "$DST"
DB=$DST/foiad.db
q() { sqlite3 "$DB" "$@"; }

# -- a database with some requests, made while writable
ok "daemon starts on a writable database" start_daemon ||
	bail_out "foiad did not start"
expect_exit 0 "file a request" -- foia file --agency ICE \
	--subject "Written while writable" --sent 2025-03-20
expect_exit 0 "file another" -- foia file --agency CBP --subject "Second one"
expect_exit 0 "a note" -- foia note 1 "writable note"
stop_daemon
before=$(q 'SELECT count(*) FROM request; SELECT count(*) FROM event')
sum=$(sha256sum "$DB" | cut -d' ' -f1)

# -- read-only before foiad starts
mount -o remount,ro,bind "$DST" || bail_out "cannot remount read-only"
nok "the mount is read-only" touch "$DST/probe" 2>/dev/null
ok "daemon starts on a read-only database" start_daemon ||
	bail_out "foiad did not start read-only"
ok "... and logs a warning saying so" \
	grep -q "the database '$DB' is read-only for foiad" "$DAEMON_LOG"
expect_exit 0 "list works" -- foia list --all
expect_out_contains "... and shows the requests" "Written while writable"
expect_exit 0 "show works" -- foia show 1
expect_out_contains "... with the note" "writable note"
expect_exit 0 "status works" -- foia status
expect_exit 0 "verify works" -- foia verify
expect_out_matches "... and finds the history intact" "^history intact: "
expect_exit 0 "export works" -- foia export --format json
expect_out_contains "... and holds the requests" "Second one"

expect_exit 75 "foia file on a read-only database exits 75 (try later)" -- \
	foia file --agency ICE --subject "Refused"
expect_err_matches "... with one line saying it is read-only" \
	"the database is read-only for foiad: .*not writable"
expect_exit 75 "a note is refused too" -- foia note 1 "refused note"
expect_err_matches "... the same way" "the database is read-only for foiad"
reply=$("${RAW[@]}" "$SOCK" lines \
	'{"v":1,"id":1,"method":"request.file","params":{"agencies":["ICE"],"subject":"raw"}}')
like "$reply" '"code":"read_only"' "the error code is read_only"
ok "the refusal is logged" grep -q "cannot .*the database is read-only for foiad" "$DAEMON_LOG"
ok "daemon still running" daemon_alive
is "$(sha256sum "$DB" | cut -d' ' -f1)" "$sum" "the database file is unchanged"
# The sqlite3 CLI reads it as foiad does: immutable, lacking the -shm.
is "$(sqlite3 "file:$DB?immutable=1" 'SELECT count(*) FROM request; SELECT count(*) FROM event')" \
	"$before" "no request or event was added"

# -- writable again, no restart
mount -o remount,rw,bind "$DST" || bail_out "cannot remount read-write"
expect_exit 0 "foia file works once writable again" -- foia file --agency ICE \
	--subject "After the remount"
expect_exit 0 "the new request is listed" -- foia list --all
expect_out_contains "... by its subject" "After the remount"
expect_exit 0 "a note works too" -- foia note 1 "writable again"
ok "the log says it is writable again" \
	grep -q "the database '$DB' is writable again" "$DAEMON_LOG"
expect_exit 0 "verify after the remount" -- foia verify

expect_exit 0 "a second write" -- foia file --agency ICE --subject "Back again"
# A file system cannot be remounted read-only under a foiad holding its
# files open for writing (the kernel says busy): one turning read-only
# under it (errors=remount-ro) goes through the same store_fail path as
# a write refused with EROFS, which this test cannot provoke.
expect_exit 0 "verify at the end" -- foia verify
stop_daemon
is "$(q 'PRAGMA integrity_check')" ok "integrity_check"
is "$(q "SELECT count(*) FROM request WHERE subject LIKE 'Refused%' OR subject = 'raw'")" 0 \
	"no refused write was stored"
is "$(q "SELECT count(*) FROM request WHERE subject IN ('After the remount', 'Back again')")" 2 \
	"the writes after each remount were stored"

# -- left by a crash: changes still in the -wal file
ok "daemon starts again" start_daemon || bail_out "foiad did not start"
expect_exit 0 "a write that stays in the WAL" -- foia file --agency ICE \
	--subject "Only in the WAL"
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 5
DAEMON_PID=
ok "the crash left a -wal with changes" test -s "$DB-wal"
mount -o remount,ro,bind "$DST" || bail_out "cannot remount read-only"
ok "daemon starts read-only on the crashed database" start_daemon ||
	bail_out "foiad did not start"
expect_exit 0 "list after the crash, read-only" -- foia list --all
expect_out_contains "... shows the change kept in the WAL" "Only in the WAL"
stop_daemon
mount -o remount,rw,bind "$DST" || bail_out "cannot remount read-write"
rm -f "$DB-shm"
mount -o remount,ro,bind "$DST" || bail_out "cannot remount read-only"
expect_exit 1 "without its -shm, a WAL with changes is refused read-only" -- \
	timeout 10 "$BUILD/foiad" -f -c "$CONF" --socket "$SOCK" --database "$DB"
expect_err_matches "... with one line saying why" \
	"cannot open database '$DB' read-only: its '-wal' file holds changes"
mount -o remount,rw,bind "$DST" || bail_out "cannot remount read-write"
ok "daemon starts writable after it all" start_daemon ||
	bail_out "foiad did not start"
expect_exit 0 "verify" -- foia verify
stop_daemon
is "$(q 'PRAGMA integrity_check')" ok "integrity_check after the crash"

# -- an older schema cannot be upgraded read-only
q 'PRAGMA user_version = 1'
mount -o remount,ro,bind "$DST" || bail_out "cannot remount read-only"
expect_exit 1 "foiad refuses an older schema read-only" -- timeout 10 \
	"$BUILD/foiad" -f -c "$CONF" --socket "$SOCK" --database "$DB"
expect_err_matches "... with one line saying why" \
	"cannot open database '$DB': it is read-only for foiad and its schema .* is older"
mount -o remount,rw,bind "$DST"

done_testing
