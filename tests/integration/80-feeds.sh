#!/usr/bin/env bash
#
# 80-feeds.sh: the calendar feeds through a real foiad with a calendar
# block: all.ics is written at start; a filed request's deadlines appear in
# all.ics and its project's file; a toll moves the response date under the
# same UID with SEQUENCE + 1; a closed request leaves; Debian's
# python3-icalendar parses every file without complaint and round-trips
# it; `foia ics` prints exactly the files; a burst of changes is written
# once; no reader ever sees a partial file while many changes are written;
# a change made just before SIGTERM is written at shutdown; a restart
# keeps UIDs, SEQUENCE and time stamps; and without a calendar block no
# file is written while `foia ics` still works.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

# python3-icalendar is a Debian package: /usr/bin/python3's, not a pyenv
# interpreter's.
ICALPY=/usr/bin/python3
"$ICALPY" -c 'import icalendar' 2>/dev/null ||
	bail_out "python3-icalendar is not installed (apt-get install python3-icalendar)"

CAL=$T_DIR/cal
write_config "calendar = { directory = \"$CAL\"; domain = \"foiad.test\"; };"
ok "daemon starts" start_daemon || bail_out "foiad did not start"

day() { date -d "$1" +%F; }

# has FILE TEXT: the file holds the text (fixed string).
has() { grep -Fq -- "$2" "$1" 2>/dev/null; }
hasnt() { [[ -f $1 ]] && ! grep -Fq -- "$2" "$1"; }

# prop FILE UID NAME: the value of property NAME of the event UID
# (unfolded).
prop()
{
	"$ICALPY" - "$@" <<'EOF'
import sys
text = open(sys.argv[1], 'rb').read().decode().replace('\r\n ', '')
for block in text.split('BEGIN:VEVENT\r\n')[1:]:
    lines = block.split('\r\n')
    if 'UID:' + sys.argv[2] in lines:
        for l in lines:
            if l.split(':', 1)[0].split(';', 1)[0] == sys.argv[3]:
                print(l.split(':', 1)[1])
                break
EOF
}

# prop_is FILE UID NAME VALUE
prop_is() { [[ $(prop "$1" "$2" "$3") == "$4" ]]; }

# validate FILE...: python3-icalendar parses each file with warnings as
# errors, finds no errors in any component, and reads back what it
# writes. Prints "ok" or what is wrong.
validate()
{
	"$ICALPY" -W error - "$@" <<'EOF'
import sys, icalendar

def canon(cal):
    out = []
    for c in cal.walk():
        props = sorted((k, v.to_ical() if hasattr(v, 'to_ical')
                        else repr(v)) for k, v in c.property_items()
                       if k not in ('BEGIN', 'END'))
        out.append((c.name, props))
    return out

bad = []
for name in sys.argv[1:]:
    with open(name, 'rb') as f:
        data = f.read()
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as e:
        bad.append('%s: %s' % (name, e))
        continue
    for c in cal.walk():
        if c.errors:
            bad.append('%s: %s %s' % (name, c.name, c.errors))
    for ev in cal.walk('VEVENT'):
        for p in ('UID', 'DTSTAMP', 'DTSTART', 'SEQUENCE', 'SUMMARY',
                  'LAST-MODIFIED'):
            if p not in ev:
                bad.append('%s: %s without %s' % (name, ev.get('UID'), p))
        if type(ev.decoded('DTSTART')).__name__ != 'date':
            bad.append('%s: DTSTART is not a DATE' % name)
    again = icalendar.Calendar.from_ical(cal.to_ical())
    if canon(again) != canon(cal):
        bad.append('%s: does not round-trip' % name)
print('\n'.join(bad) if bad else 'ok')
EOF
}

# -- at start: an empty feed of everything
ok "all.ics written at start" wait_for 5 test -f "$CAL/all.ics"
is "$(validate "$CAL/all.ics")" ok "the empty feed parses"

# -- files appear after foia file
R=$(day '10 days ago')
expect_exit 0 "file 1 (cecot)" -- foia file --agency ICE \
	--subject "Detention records, 2019; CECOT" --project cecot \
	--tracking 2025-ICFO-00012 --sent "$R" --received "$R"
expect_exit 0 "file 2 (no project)" -- foia file --agency CBP \
	--subject "Body cameras" --sent "$R" --received "$R"
expect_exit 0 "file 3 (cecot)" -- foia file --agency FBI \
	--subject "To be closed" --project cecot --sent "$R" --received "$R"
ok "cecot.ics appears" wait_for 5 has "$CAL/cecot.ics" \
	"UID:3-determination@foiad.test"
ok "all.ics has request 2" wait_for 5 has "$CAL/all.ics" \
	"UID:2-determination@foiad.test"
ok "all.ics has request 1" has "$CAL/all.ics" "UID:1-determination@foiad.test"
ok "cecot.ics has request 1" has "$CAL/cecot.ics" \
	"UID:1-determination@foiad.test"
ok "cecot.ics does not have request 2 (no project)" \
	hasnt "$CAL/cecot.ics" "UID:2-"
DUE1=$(foia show 1 --json | json_eval 'd["deadlines"][0]["due"]')
is "$(prop "$CAL/cecot.ics" 1-determination@foiad.test DTSTART)" \
	"${DUE1//-/}" "DTSTART is the response date foia show gives, as a DATE"
is "$(prop "$CAL/cecot.ics" 1-determination@foiad.test SEQUENCE)" 0 \
	"SEQUENCE 0"
is "$(prop "$CAL/cecot.ics" 1-determination@foiad.test SUMMARY)" \
	"ICE #1: FOIA response due" "SUMMARY names agency, request and deadline"
like "$(prop "$CAL/cecot.ics" 1-determination@foiad.test DESCRIPTION)" \
	'Subject: Detention records\\, 2019\\; CECOT.*Tracking number: 2025-ICFO-00012.*Statute: 5 U.S.C. 552.*Days allowed: 20 working days.*foia show 1' \
	"DESCRIPTION: subject (escaped), tracking, statute, days, command"
is "$(validate "$CAL"/*.ics)" ok "python3-icalendar parses every file"

# -- a toll moves the date: same UID, SEQUENCE 1
expect_exit 0 "toll 1" -- foia toll 1 --from "$(day '8 days ago')" \
	--until "$(day '4 days ago')" --reason clarification
DUE1B=$(foia show 1 --json | json_eval 'd["deadlines"][0]["due"]')
[[ $DUE1B != "$DUE1" ]] || diag "the toll did not move the date"
ok "the toll reaches cecot.ics" wait_for 5 prop_is "$CAL/cecot.ics" \
	1-determination@foiad.test SEQUENCE 1
ok "... and all.ics" wait_for 5 has "$CAL/all.ics" \
	"DTSTART;VALUE=DATE:${DUE1B//-/}"
is "$(prop "$CAL/cecot.ics" 1-determination@foiad.test DTSTART)" \
	"${DUE1B//-/}" "the same UID carries the new date"
is "$(prop "$CAL/all.ics" 1-determination@foiad.test SEQUENCE)" 1 \
	"SEQUENCE 1 in all.ics too"
is "$(prop "$CAL/all.ics" 2-determination@foiad.test SEQUENCE)" 0 \
	"request 2 keeps SEQUENCE 0"

# -- a closed request leaves
expect_exit 0 "close 3" -- foia update 3 --status closed
ok "request 3 leaves cecot.ics" wait_for 5 hasnt "$CAL/cecot.ics" "UID:3-"
ok "... and all.ics" hasnt "$CAL/all.ics" "UID:3-"
is "$(validate "$CAL"/*.ics)" ok "python3-icalendar parses every file"

# -- foia ics prints the files
foia ics --project cecot >"$T_DIR/cecot.out"
ok "foia ics --project cecot equals cecot.ics" \
	cmp "$T_DIR/cecot.out" "$CAL/cecot.ics"
foia ics >"$T_DIR/all.out"
ok "foia ics equals all.ics" cmp "$T_DIR/all.out" "$CAL/all.ics"
expect_exit 1 "foia ics --project nope" -- foia ics --project nope
expect_err_matches "an unknown project is named" "^foia: no project 'nope'$"

# -- a burst of changes is written once
n_writes() { grep -c 'feeds: .* files replaced' "$DAEMON_LOG"; }
before=$(n_writes)
for i in $(seq 1 20); do
	foia update 2 --tracking "BURST-$i" >/dev/null
done
ok "the burst's last change is written" wait_for 8 has "$CAL/all.ics" \
	"Tracking number: BURST-20"
sleep 1.5
is "$(($(n_writes) - before))" 1 "20 changes in a burst, one write"

# -- no reader sees a partial file
for i in $(seq 1 120); do
	printf '%s\0' --agency ICE --subject "Bulk request $i" --project cecot \
		--sent "$R" --received "$R"
done | xargs -0 -n 10 "$BUILD/foia" --socket "$SOCK" file >/dev/null
ok "the bulk requests are in cecot.ics" wait_for 10 has "$CAL/cecot.ics" \
	"UID:123-determination@foiad.test"
STOP=$T_DIR/stop-reader
"$ICALPY" - "$CAL" "$STOP" >"$T_DIR/reader.out" <<'EOF' &
import os, sys
cal, stop = sys.argv[1], sys.argv[2]
reads = bad = 0
inodes = set()
while not os.path.exists(stop):
    for name in ('all.ics', 'cecot.ics'):
        path = os.path.join(cal, name)
        with open(path, 'rb') as f:
            inodes.add((name, os.fstat(f.fileno()).st_ino))
            data = f.read()
        reads += 1
        if not (data.startswith(b'BEGIN:VCALENDAR\r\n')
                and data.endswith(b'END:VCALENDAR\r\n')
                and data.count(b'BEGIN:VEVENT') == data.count(b'END:VEVENT')):
            bad += 1
print(reads, bad, len(inodes))
EOF
READER=$!
for i in $(seq 1 6); do
	foia update 1 --tracking "ROUND-$i" >/dev/null
	sleep 1.2
done
touch "$STOP"
wait "$READER"
read -r reads bad inodes <"$T_DIR/reader.out"
is "$bad" 0 "no partial file read in $reads reads"
ok "the reader saw the files replaced ($inodes versions)" \
	test "${inodes:-0}" -ge 8
ok "every read file parses" test "$(validate "$CAL"/*.ics)" = ok

# -- a restart keeps UIDs, SEQUENCE and stamps
cp "$CAL/all.ics" "$T_DIR/all.before"
stop_daemon "foiad stops"
ok "daemon starts again" start_daemon || bail_out "foiad did not restart"
sleep 1
ok "all.ics is the same after a restart" cmp "$T_DIR/all.before" \
	"$CAL/all.ics"
is "$(prop "$CAL/all.ics" 1-determination@foiad.test SEQUENCE)" 1 \
	"SEQUENCE kept"
is "$(prop "$CAL/all.ics" 2-determination@foiad.test DTSTAMP)" \
	"$(prop "$T_DIR/all.before" 2-determination@foiad.test DTSTAMP)" \
	"DTSTAMP kept"

# -- a change just before SIGTERM is written at shutdown
expect_exit 0 "a last change" -- foia update 1 --tracking FINAL
stop_daemon "foiad stops right after it"
ok "the last change was written at shutdown" has "$CAL/cecot.ics" \
	"Tracking number: FINAL"

# -- without a calendar block: no files, foia ics still works
rm -rf "$CAL"
write_config ""
ok "daemon starts without a calendar block" start_daemon ||
	bail_out "foiad did not start"
expect_exit 0 "file 124" -- foia file --agency ICE --subject "No feeds" \
	--sent "$R" --received "$R"
sleep 1.5
ok "no calendar directory is made" test ! -e "$CAL"
expect_exit 0 "foia ics" -- foia ics
expect_out_matches "foia ics still prints the feed" \
	'^UID:124-determination@[A-Za-z0-9.-]+'$'\r''$'
is "$(validate "$OUTF")" ok "... and it parses"
stop_daemon

done_testing
