#!/usr/bin/env bash
#
# 94-disk-full.sh: the database on a small tmpfs that fills up. A write
# that finds no room is refused with the error code disk_full and a
# message saying the disk is full (not "internal"), and the daemon logs
# it; reads go on working meanwhile (list, show, verify, status); once
# room is made, writes work again and the history is whole. On the same
# file system remounted read-only, foiad serves reads and refuses writes
# with read_only. Mounting needs root (CAP_SYS_ADMIN): without it the test is
# skipped.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries
RAW=("$PYTHON" "$(dirname "$0")/rawclient.py")

SMALL=$T_DIR/small
mkdir -m 0700 "$SMALL"
if ! mount -t tmpfs -o size=3m,mode=0700 foiad-test "$SMALL" 2>/dev/null; then
	skip "disk full" "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)"
	done_testing
fi
at_exit umount -l "$SMALL"

DB=$SMALL/foiad.db
ok "daemon starts on the small file system" start_daemon ||
	bail_out "foiad did not start"
expect_exit 0 "file a request while there is room" -- \
	foia file --agency ICE --subject "Before the disk filled" --sent 2025-03-20
expect_exit 0 "a note while there is room" -- foia note 1 "room"

# Fill the file system: a filler file takes every free block.
dd if=/dev/zero of="$SMALL/filler" bs=4k 2>/dev/null
is "$(df --output=avail -B1 "$SMALL" | tail -n 1 | tr -d ' ')" 0 \
	"the file system is full"

# Writes that need new pages fail; small ones may still fit in the WAL,
# so write until one is refused.
big=$(head -c 60000 /dev/zero | tr '\0' x)
refused=
for i in $(seq 1 20); do
	reply=$("${RAW[@]}" "$SOCK" lines \
		"{\"v\":1,\"id\":1,\"method\":\"request.file\",\"params\":{\"agencies\":[\"ICE\"],\"subject\":\"full $i\",\"description\":\"$big\"}}")
	if [[ $reply == *'"error"'* ]]; then
		refused=$reply
		break
	fi
done
like "$refused" '"code":"disk_full"' "a write on a full disk is refused with disk_full"
like "$refused" '"message":"cannot [^"]*: the disk is full"' \
	"... saying the disk is full"
ok "... and the daemon logs it" grep -q 'the disk is full' "$DAEMON_LOG"
expect_exit 75 "foia file on a full disk exits 75 (try again later)" -- foia file --agency ICE \
	--subject "Still full" --description "$big"
expect_err_matches "... with a one-line message" 'the disk is full$'
ok "daemon still running" daemon_alive

# Reads keep working.
expect_exit 0 "list works on a full disk" -- foia list --all
expect_out_contains "... and shows the request" "Before the disk filled"
expect_exit 0 "show works on a full disk" -- foia show 1
expect_exit 0 "verify works on a full disk" -- foia verify
expect_exit 0 "status works on a full disk" -- foia status

# Room again: writes work.
rm -f "$SMALL/filler"
expect_exit 0 "a write once there is room again" -- foia file --agency ICE \
	--subject "After the disk emptied" --description "$big"
expect_exit 0 "a note too" -- foia note 1 "room again"
expect_exit 0 "verify after the full disk" -- foia verify
stop_daemon
is "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity_check after it all"
is "$(sqlite3 "$DB" "SELECT count(*) FROM request WHERE subject LIKE 'full %' OR subject = 'Still full'")" \
	"$(($(sqlite3 "$DB" "SELECT count(*) FROM event WHERE kind = 'filed'") - 2))" \
	"every request stored has its filing event (no half-written write)"

# -- a database on a file system that is read-only when foiad starts: it
# is served read-only (99-read-only.sh tests that at length)
if mount -o remount,ro "$SMALL" 2>/dev/null; then
	ok "foiad starts on a read-only database" start_daemon ||
		bail_out "foiad did not start read-only"
	expect_exit 0 "list works read-only" -- foia list --all
	expect_out_contains "... and shows the request" "After the disk emptied"
	expect_exit 75 "a write is refused read-only" -- foia note 1 "ro"
	expect_err_matches "... saying the database is read-only" \
		"the database is read-only for foiad: "
	stop_daemon
	mount -o remount,rw "$SMALL"
else
	skip "foiad on a read-only database" "cannot remount read-only"
fi

done_testing
