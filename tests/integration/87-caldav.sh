#!/usr/bin/env bash
#
# 87-caldav.sh: CalDAV publishing against a real Radicale (Debian's
# radicale) started here on 127.0.0.1, with a login from a password file.
# A filed request's deadline becomes exactly one event, named and UID'd
# like the feeds'; an extension moves its date in the same resource with
# SEQUENCE + 1; closing the request deletes it; with Radicale down the
# change waits and is sent once it is back; a restart re-sends nothing;
# and when the daemon's record of what it sent is lost, the next sync
# still leaves one copy of each event (If-None-Match, then overwrite).

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

SYSPY=/usr/bin/python3
if ! "$SYSPY" -c 'import radicale, icalendar' 2>/dev/null; then
	echo "1..0 # SKIP radicale or python3-icalendar not installed"
	exit 0
fi
DAEMON_ENV=(no_proxy='*' NO_PROXY='*')

DAV=$T_DIR/dav
COLL=$DAV/collection-root/foiad/foia
printf 'foiad:s3cret dav\n' >"$T_DIR/htpasswd"
printf 's3cret dav\n' >"$T_DIR/dav.pass"
chmod 600 "$T_DIR/dav.pass"
PORT=$("$SYSPY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT/foiad/foia/

RAD_PID=
rad_start()
{
	"$SYSPY" -m radicale --config "" --server-hosts="127.0.0.1:$PORT" \
		--storage-filesystem-folder="$DAV" --auth-type=htpasswd \
		--auth-htpasswd-filename="$T_DIR/htpasswd" \
		--auth-htpasswd-encryption=plain --logging-level=warning \
		>>"$T_DIR/radicale.log" 2>&1 &
	RAD_PID=$!
	wait_for 10 "$SYSPY" -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT" \
		2>/dev/null
}
rad_stop()
{
	[[ -n $RAD_PID ]] || return 0
	kill "$RAD_PID" 2>/dev/null
	wait_exit "$RAD_PID" 5
	RAD_PID=
}
at_exit rad_stop
rad_start || bail_out "radicale did not start: $(cat "$T_DIR/radicale.log")"

# The collection foiad publishes into (made by its owner, once).
"$SYSPY" - "$PORT" <<'EOF' || bail_out "cannot make the calendar collection"
import base64, http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
auth = base64.b64encode(b"foiad:s3cret dav").decode()
c.request("MKCALENDAR", "/foiad/foia/", headers={"Authorization": "Basic " + auth})
sys.exit(0 if c.getresponse().status == 201 else 1)
EOF

write_config "reminders = { timezone = \"UTC\"; };" \
	"calendar = { domain = \"foiad.test\"; };" \
	"caldav = { url = \"$URL\"; user = \"foiad\"; password_file = \"$T_DIR/dav.pass\"; };"

# events: one line per event Radicale holds: file UID DTSTART SEQUENCE
# SUMMARY, sorted.
events()
{
	"$SYSPY" - "$COLL" <<'EOF'
import glob, os, sys, icalendar
out = []
for name in glob.glob(os.path.join(sys.argv[1], '*.ics')):
    cal = icalendar.Calendar.from_ical(open(name, 'rb').read())
    for ev in cal.walk('VEVENT'):
        out.append('%s %s %s %s %s' % (
            os.path.basename(name), ev['UID'], ev.decoded('DTSTART'),
            ev.get('SEQUENCE', 0), ev['SUMMARY']))
print('\n'.join(sorted(out)))
EOF
}
events_are() { [[ $(events) == "$1" ]]; }
due_of() { foia show "$1" --json | json_eval '[x["due"] for x in d["deadlines"] if x["kind"] == "determination"][0]'; }

TODAY=$(date -u +%F)
RECEIVED=$(date -u -d '-2 days' +%F)

ok "daemon starts" start_daemon || bail_out "foiad did not start"
foia file --agency ICE --subject "Detention contracts" --sent "$RECEIVED" \
	--received "$RECEIVED" >/dev/null
DUE1=$(due_of 1)
like "$DUE1" '^[0-9]{4}-' "request 1 has a due date"
WANT1="1-determination.ics 1-determination@foiad.test $DUE1 0 ICE #1: FOIA response due"
ok "the deadline becomes one event on the server" wait_for 15 events_are "$WANT1"

# -- a move: the same resource, the new date, SEQUENCE 1
expect_exit 0 "extend request 1" -- foia extend 1 --date "$TODAY" --days 10
DUE2=$(due_of 1)
ok "the extension moved the due date" test "$DUE2" != "$DUE1"
WANT2="1-determination.ics 1-determination@foiad.test $DUE2 1 ICE #1: FOIA response due"
ok "the event moves, SEQUENCE 1, still one" wait_for 15 events_are "$WANT2"

# -- a second request, then the first closed
foia file --agency FBI --subject "Surveillance" --sent "$RECEIVED" \
	--received "$RECEIVED" >/dev/null
DUE3=$(due_of 2)
WANT3="2-determination.ics 2-determination@foiad.test $DUE3 0 FBI #2: FOIA response due"
ok "request 2's event is added" wait_for 15 events_are "$WANT2"$'\n'"$WANT3"
expect_exit 0 "close request 1" -- foia update 1 --status closed
ok "closing deletes its event; the other stays" wait_for 15 events_are "$WANT3"

# -- Radicale down: the change waits, then goes once
rad_stop
foia file --agency CBP --subject "Border searches" --sent "$RECEIVED" \
	--received "$RECEIVED" >/dev/null
DUE4=$(due_of 3)
WANT4="3-determination.ics 3-determination@foiad.test $DUE4 0 CBP #3: FOIA response due"
ok "the daemon says it will try again" wait_for 15 grep -q \
	"caldav: put 3-determination: .*; trying again in" "$DAEMON_LOG"
rad_start || bail_out "radicale did not restart"
ok "the event arrives once the server is back" wait_for 40 events_are \
	"$WANT3"$'\n'"$WANT4"

# -- a restart sends nothing again
stamp() { stat -c '%n %Y %s' "$COLL"/*.ics; }
before=$(stamp)
sleep 1.1
stop_daemon
ok "daemon restarts" start_daemon
sleep 2.5
is "$(stamp)" "$before" "a restart re-sends nothing"
ok "still exactly the expected events" events_are "$WANT3"$'\n'"$WANT4"

# -- the record lost: If-None-Match fails, the event is overwritten once
stop_daemon
sqlite3 "$DB" "DELETE FROM caldav_event" || bail_out "sqlite3 failed"
from=$(($(wc -l <"$DAEMON_LOG") + 1))
ok "daemon starts without its record" start_daemon
ok "the record is rebuilt" wait_for 15 bash -c \
	"[[ \$(sqlite3 '$DB' 'SELECT count(*) FROM caldav_event') == 2 ]]"
ok "and the server has no second copy" events_are "$WANT3"$'\n'"$WANT4"
like "$(tail -n +"$from" "$DAEMON_LOG")" "caldav: put 3-determination \\(" \
	"it did send them again"
stop_daemon

# -- a password file others can read is refused
chmod 644 "$T_DIR/dav.pass"
expect_exit 1 "foiad -n refuses a readable CalDAV password file" -- \
	"$BUILD/foiad" -n -c "$CONF"
expect_err_matches "names the file" \
	"password file '$T_DIR/dav.pass' is readable by everyone: refused"

done_testing
