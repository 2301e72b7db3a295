#!/usr/bin/env bash
#
# 91-verify-backup.sh: the history's hash chain and the online backup.
# `foia verify` passes on an honest history and, after an attacker drops
# the triggers and edits a row with the sqlite3 CLI, names that event and
# exits 1; a deleted row is named as missing. Events of a database from
# before the chain get their hashes at start (the same ones an insert
# gives), and the triggers still refuse any other change. An export whose
# history was edited is refused by import. `foia backup FILE` taken while
# another client writes is a whole database holding every write
# acknowledged before it started; restored over the database (foiad
# stopped), it starts, verifies and passes integrity_check. verify walks
# a long history in steps and still names an edit or a gap far along.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

q() { sqlite3 "$DB" "$@"; }

ok "daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "file" -- foia file --agency ICE --agency CBP \
	--subject "Chain of custody" --sent 2025-03-20
expect_exit 0 "note" -- foia note 1 "first note"
expect_exit 0 "update" -- foia update 2 --status acknowledged \
	--date 2025-03-24 --tracking CBP-1
expect_exit 0 "another note" -- foia note 2 "second note"
events=$(q 'SELECT count(*) FROM event')

# -- an honest history
expect_exit 0 "verify on an honest history exits 0" -- foia verify
expect_out_matches "says intact, with the count and the head" \
	"^history intact: $events events, last $events with hash [0-9a-f]{64}\$"
is "$(q 'SELECT count(*) FROM event WHERE length(hash) = 64')" "$events" \
	"every event has a 64-character hash"
is "$(q "SELECT hash FROM event WHERE id = $events")" \
	"$(printf '%s' "$OUT" | sed 's/.* //')" "the head is the last event's hash"
expect_exit 0 "verify --json exits 0" -- foia verify --json
is "$(json_eval '[d["ok"], d["events"], d["problem"], d["event"]]' "$OUTF")" \
	"[true, $events, null, null]" "verify --json: ok, count, no problem"

# -- the triggers still guard the table
nok "UPDATE of a field is refused" q "UPDATE event SET note = 'x' WHERE id = 1" 2>/dev/null
nok "UPDATE of a hash is refused" q "UPDATE event SET hash = '00' WHERE id = 1" 2>/dev/null
nok "DELETE is refused" q "DELETE FROM event WHERE id = 1" 2>/dev/null
like "$(q "UPDATE event SET hash = NULL WHERE id = 1" 2>&1)" \
	'append-only' "clearing a hash is refused, saying append-only"

# -- a clean copy for later
expect_exit 0 "backup of the honest database" -- foia backup "$T_DIR/clean.db"
expect_out_matches "backup says what it wrote" "^$T_DIR/clean.db: [0-9]+ bytes, [0-9]+ pages\$"
is "$(stat -c %a "$T_DIR/clean.db")" 600 "the backup file is 0600"
is "$(sqlite3 "$T_DIR/clean.db" 'PRAGMA integrity_check')" ok \
	"the backup passes integrity_check"
is "$(sqlite3 "$T_DIR/clean.db" 'SELECT count(*) FROM event')" "$events" \
	"the backup has every event"
ok "no copy left beside the database" \
	bash -c "! ls '$DB'.backup-* 2>/dev/null"

# -- an attacker edits event 3 (dropping the trigger first)
q "DROP TRIGGER event_no_update; UPDATE event SET note = 'forged' WHERE id = 3"
expect_exit 1 "verify after an edit exits 1" -- foia verify
expect_err_matches "names the altered event" \
	'^foia: history broken at event 3: it does not match its hash'
expect_exit 1 "verify --json after an edit exits 1" -- foia verify --json
is "$(json_eval '[d["ok"], d["problem"], d["event"], d["events"]]' "$OUTF")" \
	'[false, "altered", 3, 2]' "verify --json: altered, event 3"
ok "the daemon logs it" grep -q 'verify: history broken at event 3' "$DAEMON_LOG"

stop_daemon

# -- restore the clean backup: stop, copy over, start
rm -f "$DB-wal" "$DB-shm"
cp "$T_DIR/clean.db" "$DB"
ok "starts on the restored backup" start_daemon
expect_exit 0 "verify after the restore" -- foia verify
expect_exit 0 "show after the restore" -- foia show 2 --json
is "$(json_eval 'd["request"]["tracking"]' "$OUTF")" CBP-1 "the restored rows are there"

# -- an attacker deletes event 4
q "DROP TRIGGER event_no_delete; DELETE FROM event WHERE id = 4"
expect_exit 1 "verify after a delete exits 1" -- foia verify
expect_err_matches "names the missing event" \
	'^foia: history broken: event 4 is missing$'
# ... and renumbers the rest to hide the gap: event 4 then fails its hash
q "DROP TRIGGER event_no_update; UPDATE event SET id = id - 1 WHERE id > 4"
expect_exit 1 "verify after renumbering exits 1" -- foia verify
expect_err_matches "names the renumbered event" \
	'^foia: history broken at event 4: it does not match its hash'
stop_daemon

# -- a database from before the chain (schema 6: no hash column, the old
# trigger, and none of the later migrations: undo each of them here):
# hashes filled in at start, the same as an insert gives
DB=$T_DIR/old.db
cp "$T_DIR/clean.db" "$DB"
want=$(q 'SELECT group_concat(hash) FROM (SELECT hash FROM event ORDER BY id)')
q "DROP INDEX IF EXISTS event_clock; DROP INDEX IF EXISTS request_group;
   DROP TRIGGER event_no_update; ALTER TABLE event DROP COLUMN hash;
   CREATE TRIGGER event_no_update BEFORE UPDATE ON event
   BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
   PRAGMA user_version = 6;"
is "$(q "SELECT count(*) FROM pragma_table_info('event') WHERE name = 'hash'")" \
	0 "an old database: no hash column"
ok "starts on it" start_daemon
nok "the old trigger is gone: a field still cannot change" \
	q "UPDATE event SET note = 'x' WHERE id = 1" 2>/dev/null
is "$(q 'SELECT group_concat(hash) FROM (SELECT hash FROM event ORDER BY id)')" \
	"$want" "hashes filled in at start, equal to those given on insert"
expect_exit 0 "verify the filled chain" -- foia verify
expect_exit 0 "a note after the fill" -- foia note 1 "after the upgrade"
expect_exit 0 "verify after it" -- foia verify

# -- an export whose history was edited is refused by import
expect_exit 0 "export" -- foia export
is "$(json_eval 'all(len(e["hash"]) == 64 for e in d["event"])' "$OUTF")" \
	true "the export carries every event's hash"
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
d["event"][2]["note"] = "forged"
json.dump(d, open(sys.argv[2], "w"))' "$OUTF" "$T_DIR/forged.json"
stop_daemon
DB=$T_DIR/import.db
write_config "agencies = \"$T_DIR/no-seed.conf\";"
ok "empty daemon starts" start_daemon
expect_exit 1 "import of an edited history exits 1" -- \
	foia import "$T_DIR/forged.json"
expect_err_matches "names the event" \
	'event\[2\] \(id 3\): event 3 does not match its hash'
is "$(q 'SELECT count(*) FROM event')" 0 "nothing was imported"
stop_daemon

# -- backup while another client writes, on a database big enough to take
# several steps (BACKUP_STEP_PAGES), then restore it
DB=$T_DIR/busy.db
write_config
ok "daemon starts on a new database" start_daemon
big=$(head -c 60000 /dev/zero | tr '\0' x)
for i in $(seq 1 40); do
	foia file --agency ICE --subject "bulk $i" --description "$big" \
		>/dev/null || fail "bulk file $i"
done
acked=$T_DIR/acked
: >"$acked"
(
	for i in $(seq 1 150); do
		foia note 1 "busy $i" >/dev/null && echo "busy $i" >>"$acked"
	done
) &
writer=$!
sleep 0.3
before=$(wc -l <"$acked")
expect_exit 0 "backup while a client writes" -- foia backup "$T_DIR/busy-copy.db"
wait "$writer"
pages=$(printf '%s' "$OUT" | sed -n 's/.* \([0-9]*\) pages$/\1/p')
ok "the copy took several steps ($pages pages)" test "${pages:-0}" -gt 64
copy=$T_DIR/busy-copy.db
is "$(sqlite3 "$copy" 'PRAGMA integrity_check')" ok "the copy passes integrity_check"
n=$(sqlite3 "$copy" "SELECT count(*) FROM event WHERE note LIKE 'busy %'")
ok "the copy holds every note acknowledged before it began ($n >= $before)" \
	test "$n" -ge "$before"
missing=$(head -n "$before" "$acked" | while read -r note; do
	[[ $(sqlite3 "$copy" "SELECT count(*) FROM event WHERE note = '$note'") == 1 ]] ||
		echo "$note"
done)
is "$missing" "" "... each of them by name"
stop_daemon
rm -f "$DB-wal" "$DB-shm"
cp "$copy" "$DB"
ok "starts on the restored copy" start_daemon
expect_exit 0 "verify the restored copy" -- foia verify
is "$(q 'PRAGMA integrity_check')" ok "integrity_check after the restore"
expect_exit 0 "status" -- foia status --json
is "$(json_eval 'd["requests"]' "$OUTF")" 40 "every request is there"
expect_exit 0 "a write after the restore" -- foia note 2 "after restore"
expect_exit 0 "verify after it" -- foia verify

# -- a history longer than one step of verify (20000 events a turn)
stop_daemon
q "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 45000)
   INSERT INTO event (request_id, at, actor, kind, note)
   SELECT 1, '2025-01-01T00:00:00Z', 'bulk', 'note', 'bulk ' || x FROM c;"
ok "starts, hashing 45000 new events" start_daemon
expect_exit 0 "verify a long history" -- foia verify
total=$(q 'SELECT max(id) FROM event')
expect_out_matches "... all of it" "^history intact: $total events"
q "DROP TRIGGER event_no_update; UPDATE event SET note = 'x' WHERE id = 41234"
expect_exit 1 "an edit past the second step is found" -- foia verify
expect_err_matches "... by id" '^foia: history broken at event 41234:'
q "DROP TRIGGER event_no_delete; DELETE FROM event WHERE id = 20001"
expect_exit 1 "a gap at a step boundary is found" -- foia verify
expect_err_matches "... by id" '^foia: history broken: event 20001 is missing$'

# -- bad calls
expect_exit 0 "backup.read of an unknown token" -- \
	"$PYTHON" "$(dirname "$0")/rawclient.py" "$SOCK" lines \
	'{"v":1,"id":1,"method":"backup.read","params":{"token":"nope","offset":0}}'
like "$OUT" '"not_found"' "an unknown token is not found"
expect_exit 1 "backup into a directory that does not exist" -- \
	foia backup "$T_DIR/nowhere/x.db"
expect_err_matches "says so" "^foia: cannot create a file beside '$T_DIR/nowhere/x.db'"
stop_daemon

done_testing
