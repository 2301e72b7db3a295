#!/usr/bin/env bash
#
# 10-roundtrip.sh: the README tour end to end through a real foiad: file a
# request, list it, update its status and tracking number, show it with its
# history (text, --json, --csv), add a note, filter the list, manage
# agencies, read `status`, and take a description from stdin.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

SUBJ="Flight manifests of removals to El Salvador, March 2025"

ok "daemon starts" start_daemon || bail_out "foiad did not start"

# -- help is generated and printed on stdout
expect_exit 0 "foia help exits 0" -- foia help
expect_out_contains "foia help lists the file command" "file"
expect_out_contains "foia help lists the agency command" "agency"
expect_exit 0 "foia file --help exits 0" -- foia file --help
expect_out_matches "foia file --help prints the usage" 'usage: foia file'

# -- file
expect_exit 0 "file exits 0" -- foia file --agency ICE --subject "$SUBJ" \
	--sent 2025-03-20 --project cecot --tag flights
is "$OUT" "1" "file prints the new id and nothing else"

# -- list (table)
expect_exit 0 "list exits 0" -- foia list
expect_out_matches "list prints the header" \
	'^ *ID +AGENCY +SUBJECT +STATUS +SENT +DAYS +NEXT +DUE +LEFT *$'
expect_out_matches "list shows the request: id, agency, subject, status, sent" \
	"^!?1 +ICE +$SUBJ +submitted +2025-03-20( |\$)"

# -- update
expect_exit 0 "update exits 0" -- foia update 1 --status acknowledged \
	--date 2025-03-24 --tracking 2025-ICFO-12345
expect_out_matches "update reports the changes" '^request 1: [0-9]+ change'
expect_out_matches "update reports the new status" '^status: acknowledged$'
n=$(sed -n 's/^request 1: \([0-9]*\) change.*/\1/p' "$OUTF")
ok "update counts at least 2 changes (status, tracking)" \
	test "${n:-0}" -ge 2

# -- show (text)
expect_exit 0 "show exits 0" -- foia show 1
expect_out_matches "show: ID" '^ *ID: +1$'
expect_out_matches "show: subject" "^ *Subject: +$SUBJ\$"
expect_out_matches "show: status acknowledged" '^ *Status: +acknowledged$'
expect_out_matches "show: tracking" '^ *Tracking: +2025-ICFO-12345$'
expect_out_matches "show: acknowledged date" '^ *Acknowledged: +2025-03-24$'
expect_out_matches "show: sent date" '^ *Sent: +2025-03-20$'
expect_out_matches "show: project" '^ *Project: +cecot$'
expect_out_matches "show: tags" '^ *Tags: +flights$'
expect_out_matches "show: agency with its name" '^ *Agency: +ICE \(.+\)$'
expect_out_matches "show: History section" '^History:'
expect_out_matches "show: history names the actor" "^ +.*\\b$T_USER\\b"
expect_out_matches "show: history shows the status change" \
	'submitted.*->.*acknowledged'
expect_out_matches "show: history shows the tracking change" \
	'tracking.*2025-ICFO-12345'

# -- show --json
expect_exit 0 "show --json exits 0" -- foia show 1 --json
ok "show --json is JSON" python3 -c 'import json,sys; json.load(sys.stdin)' \
	<"$OUTF"
is "$(json_eval 'd["request"]["id"]' "$OUTF")" 1 "json: id"
is "$(json_eval 'd["request"]["agency"]' "$OUTF")" ICE "json: agency"
is "$(json_eval 'd["request"]["subject"]' "$OUTF")" "$SUBJ" "json: subject"
is "$(json_eval 'd["request"]["status"]' "$OUTF")" acknowledged "json: status"
is "$(json_eval 'd["request"]["tracking"]' "$OUTF")" 2025-ICFO-12345 \
	"json: tracking"
is "$(json_eval 'd["request"]["sent"]' "$OUTF")" 2025-03-20 "json: sent"
is "$(json_eval 'd["request"]["acknowledged"]' "$OUTF")" 2025-03-24 \
	"json: acknowledged"
is "$(json_eval 'd["request"]["project"]' "$OUTF")" cecot "json: project"
is "$(json_eval 'd["request"]["tags"]' "$OUTF")" '["flights"]' "json: tags"
is "$(json_eval 'd["request"]["batch"]' "$OUTF")" null \
	"json: a single request has no batch"
is "$(json_eval 'd["request"]["created_by"]' "$OUTF")" "$T_USER" \
	"json: created_by is the user who filed"
like "$(json_eval 'd["request"]["created"]' "$OUTF")" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
	"json: created is a UTC timestamp"
agency_name=$(json_eval 'd["request"]["agency_name"]' "$OUTF")
like "$agency_name" 'Immigration and Customs Enforcement' \
	"json: agency_name from the seed file"
is "$(json_eval '[e["kind"] for e in d["events"]].count("filed")' "$OUTF")" 1 \
	"json: history has one filed event"
is "$(json_eval '[(e["from"], e["to"], e["date"]) for e in d["events"]
	if e["kind"] == "status"]' "$OUTF")" \
	'[["submitted", "acknowledged", "2025-03-24"]]' \
	"json: history has the status change with its date"
is "$(json_eval '[(e["field"], e["from"], e["to"]) for e in d["events"]
	if e["kind"] == "field" and e["field"] == "tracking"]' "$OUTF")" \
	'[["tracking", null, "2025-ICFO-12345"]]' \
	"json: history has the tracking change"
is "$(json_eval 'sorted(set(e["actor"] for e in d["events"]))' "$OUTF")" \
	"[\"$T_USER\"]" "json: every event's actor is the current user"
is "$(json_eval 'all(e["request"] == 1 for e in d["events"])' "$OUTF")" true \
	"json: every event belongs to request 1"
is "$(json_eval '[e["id"] for e in d["events"]] ==
	sorted(e["id"] for e in d["events"])' "$OUTF")" true \
	"json: events in order"
expect_exit 0 "show: text names the agency by its name" -- foia show 1
expect_out_contains "show: agency line has the seed name" \
	"ICE ($agency_name)"

# -- note
expect_exit 0 "note exits 0" -- foia note 1 Called the FOIA office, \
	promised by April
expect_out_empty "note prints nothing"
expect_exit 0 "show --json after note" -- foia show 1 --json
is "$(json_eval '[e["note"] for e in d["events"] if e["kind"] == "note"]' \
	"$OUTF")" '["Called the FOIA office, promised by April"]' \
	"note: event with the words joined by spaces"
expect_exit 0 "show after note" -- foia show 1
expect_out_contains "note: shown in the history" \
	"Called the FOIA office, promised by April"

# -- list --json / --csv
expect_exit 0 "list --json exits 0" -- foia list --json
is "$(json_eval '[(r["id"], r["agency"], r["status"], r["tracking"])
	for r in d]' "$OUTF")" '[[1, "ICE", "acknowledged", "2025-ICFO-12345"]]' \
	"list --json: the request array with current values"

expect_exit 0 "list --csv exits 0" -- foia list --csv
csv_check()
{
	python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
want = ("id,agency,subject,status,sent,received,acknowledged,closed,"
        "days_open,project,tags,tracking,jurisdiction,next_kind,next_due,"
        "days_left").split(",")
assert rows[0] == want, rows[0]
assert len(rows) == 2, rows
r = dict(zip(want, rows[1]))
exp = {"id": "1", "agency": "ICE", "subject": sys.argv[2],
       "status": "acknowledged", "sent": "2025-03-20",
       "acknowledged": "2025-03-24", "received": "", "closed": "",
       "project": "cecot", "tags": "flights", "tracking": "2025-ICFO-12345"}
for k, v in exp.items():
    assert r[k] == v, (k, r[k], v)
' "$OUTF" "$SUBJ"
}
ok "list --csv: header and row parse with python csv" csv_check

# -- more requests for the filters
expect_exit 0 "file a draft for CBP" -- foia file --agency CBP \
	--subject 'Detention logs, "Annex" 3' --project other --tag logs \
	--tag flights
is "$OUT" 2 "second request gets id 2"
expect_exit 0 "file a third request" -- foia file --agency ICE \
	--subject "To be withdrawn" --sent 2025-01-02 --project cecot
is "$OUT" 3 "third request gets id 3"
expect_exit 0 "withdraw request 3" -- foia update 3 --status withdrawn \
	--date 2025-01-10
expect_out_matches "update reports withdrawn" '^status: withdrawn$'

list_ids() { json_eval 'sorted(r["id"] for r in d)' "$OUTF"; }
expect_exit 0 "list (default)" -- foia list --json
is "$(list_ids)" "[1, 2]" "list hides the withdrawn request by default"
expect_exit 0 "list --all" -- foia list --all --json
is "$(list_ids)" "[1, 2, 3]" "list --all shows the withdrawn request"
expect_exit 0 "list --status draft" -- foia list --status draft --json
is "$(list_ids)" "[2]" "--status draft"
expect_exit 0 "list --status twice" -- foia list --status draft \
	--status acknowledged --json
is "$(list_ids)" "[1, 2]" "--status given twice matches either"
expect_exit 0 "list --agency CBP" -- foia list --agency CBP --json
is "$(list_ids)" "[2]" "--agency CBP"
expect_exit 0 "list --agency ICE --all" -- foia list --agency ICE --all --json
is "$(list_ids)" "[1, 3]" "--agency ICE --all"
expect_exit 0 "list --project cecot" -- foia list --project cecot --json
is "$(list_ids)" "[1]" "--project cecot (withdrawn one hidden)"
expect_exit 0 "list --project cecot --all" -- foia list --project cecot \
	--all --json
is "$(list_ids)" "[1, 3]" "--project cecot --all"
expect_exit 0 "list --tag flights" -- foia list --tag flights --json
is "$(list_ids)" "[1, 2]" "--tag flights"
expect_exit 0 "list --tag logs" -- foia list --tag logs --json
is "$(list_ids)" "[2]" "--tag logs"
expect_exit 0 "list with no match exits 0" -- foia list --tag no-such-tag
is "$OUT" "no requests" "list with no match prints 'no requests'"
expect_exit 0 "list --csv with a quote and comma in a subject" -- \
	foia list --agency CBP --csv
is "$(python3 -c 'import csv,sys; print(list(csv.reader(open(sys.argv[1])))[1][2])' \
	"$OUTF")" 'Detention logs, "Annex" 3' "csv quoting round-trips"
expect_exit 0 "list table without withdrawn" -- foia list
expect_out_matches "table shows the draft with blank SENT" '^2 +CBP +.*draft'
ok "table leaves out the withdrawn request" \
	bash -c "! grep -q 'To be withdrawn' '$OUTF'"

# -- tags on update
expect_exit 0 "update --tag/--untag" -- foia update 2 --tag urgent \
	--untag logs
expect_exit 0 "show 2 --json" -- foia show 2 --json
is "$(json_eval 'd["request"]["tags"]' "$OUTF")" '["flights", "urgent"]' \
	"tags added and removed"

# -- agencies
expect_exit 0 "agency add" -- foia agency add TST-1 --name "Test Agency" \
	--parent DHS --jurisdiction us-federal --email foia@test.example
expect_exit 0 "agency list" -- foia agency list
expect_out_matches "agency list header" '^CODE +NAME +PARENT +JURISDICTION +EMAIL'
expect_out_matches "agency list shows the new agency" \
	'^TST-1 +Test Agency +DHS +us-federal +foia@test\.example'
expect_out_matches "agency list shows seeded ICE" '^ICE +'
expect_exit 0 "agency list --json" -- foia agency list --json
is "$(json_eval '[(a["name"], a["parent"], a["jurisdiction"], a["email"])
	for a in (d["agencies"] if isinstance(d, dict) else d)
	if a["code"] == "TST-1"]' "$OUTF")" \
	'[["Test Agency", "DHS", "us-federal", "foia@test.example"]]' \
	"agency list --json has the new agency"
expect_exit 0 "agency list --csv" -- foia agency list --csv
ok "agency list --csv parses and has TST-1" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert any("TST-1" in r for r in rows[1:]), rows' "$OUTF"
expect_exit 0 "agency show" -- foia agency show TST-1
expect_out_contains "agency show prints the name" "Test Agency"
expect_exit 0 "agency update" -- foia agency update TST-1 \
	--email new@test.example --portal https://foia.test.example/
expect_exit 0 "agency show --json" -- foia agency show TST-1 --json
is "$(json_eval '[d["agency"][k] for k in ("code", "name", "email", "portal")]' \
	"$OUTF")" '["TST-1", "Test Agency", "new@test.example", "https://foia.test.example/"]' \
	"agency update changed email and portal, kept the rest"
is "$(json_eval 'd["requests"]' "$OUTF")" 0 "agency show: no requests yet"
expect_exit 0 "agency show ICE --json" -- foia agency show ICE --json
is "$(json_eval 'd["requests"]' "$OUTF")" 2 "agency show ICE counts 2 requests"
expect_exit 0 "file for the new agency" -- foia file --agency TST-1 \
	--subject "Test request"
is "$OUT" 4 "request for a new agency gets id 4"

# -- status
expect_exit 0 "status exits 0" -- foia status
expect_out_contains "status names the version" "0.1.0"
expect_out_contains "status names the database" "$DB"
expect_exit 0 "status --json" -- foia status --json
is "$(json_eval 'd["requests"]' "$OUTF")" 4 "status: request count"
is "$(json_eval '{k: v for k, v in d["by_status"].items() if v}' "$OUTF")" \
	'{"acknowledged": 1, "draft": 2, "withdrawn": 1}' "status: counts by status"
is "$(json_eval 'd["protocol"]' "$OUTF")" 1 "status: protocol 1"
is "$(json_eval 'd["pid"]' "$OUTF")" "$DAEMON_PID" "status: daemon pid"
is "$(json_eval 'd["database"]' "$OUTF")" "$DB" "status: database path"
agencies=$(json_eval 'd["agencies"]' "$OUTF")
ok "status: agency count includes the seed and TST-1" test "$agencies" -ge 4

# -- description from stdin and from a file
expect_exit 0 "file --description-file -" -- foia file --agency ICE \
	--subject "Description from stdin" --description-file - \
	< <(printf 'line one\nline "two", ünïcode\n')
is "$OUT" 5 "stdin request gets id 5"
expect_exit 0 "show 5 --json" -- foia show 5 --json
like "$(json_eval 'd["request"]["description"]' "$OUTF")" \
	'^line one$' "description read from stdin (line 1)"
is "$(json_eval 'd["request"]["description"].rstrip("\n")' "$OUTF")" \
	$'line one\nline "two", ünïcode' "description read from stdin, whole"
printf 'from a file\n' >"$T_DIR/desc.txt"
expect_exit 0 "file --description-file FILE" -- foia file --agency ICE \
	--subject "Description from a file" --description-file "$T_DIR/desc.txt"
expect_exit 0 "show 6 --json" -- foia show "$OUT" --json
is "$(json_eval 'd["request"]["description"].rstrip("\n")' "$OUTF")" \
	"from a file" "description read from a file"
expect_exit 0 "file --json" -- foia file --agency CBP --subject "JSON out" \
	--json
is "$(json_eval '[d["ids"], d["batch"]]' "$OUTF")" '[[7], null]' \
	"file --json prints the result object"

# -- clearing a field with an empty value
expect_exit 0 "update --tracking '' clears it" -- foia update 1 --tracking ""
expect_exit 0 "show 1 --json after clearing" -- foia show 1 --json
is "$(json_eval 'd["request"]["tracking"]' "$OUTF")" null \
	"an empty value clears the tracking number"
is "$(json_eval '[e["from"] for e in d["events"] if e["kind"] == "field"
	and e["field"] == "tracking" and e["to"] in (None, "")]' "$OUTF")" \
	'["2025-ICFO-12345"]' "the clearing is in the history"

# -- today / yesterday are the CLI user's local dates
expect_exit 0 "file --sent today" -- foia file --agency ICE \
	--subject "Sent today" --sent today
expect_exit 0 "show it" -- foia show "$OUT" --json
is "$(json_eval 'd["request"]["sent"]' "$OUTF")" "$(date +%F)" \
	"--sent today is today's local date"
expect_exit 0 "file --sent yesterday" -- foia file --agency ICE \
	--subject "Sent yesterday" --sent yesterday
expect_exit 0 "show it" -- foia show "$OUT" --json
is "$(json_eval 'd["request"]["sent"]' "$OUTF")" "$(date -d yesterday +%F)" \
	"--sent yesterday is yesterday's local date"

# -- the table fits $COLUMNS when stdout is not a tty
long="A very long subject about removal flights, detention contracts and \
the records of every office that touched them in 2025"
expect_exit 0 "file a long subject" -- foia file --agency ICE \
	--subject "$long"
expect_exit 0 "COLUMNS=60 foia list" -- env COLUMNS=60 "$BUILD/foia" \
	--socket "$SOCK" list
ok "COLUMNS=60: every line fits in 60 columns" python3 -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
sys.exit(not lines or max(len(l) for l in lines) > 60)' "$OUTF"
expect_out_matches "COLUMNS=60: the long subject is cut with an ellipsis" \
	'(…|\.\.\.) '
expect_exit 0 "no COLUMNS: foia list" -- foia list
expect_out_contains "no COLUMNS, not a tty: the subject is not cut" "$long"

# -- versions
expect_exit 0 "foia --version" -- foia --version
expect_out_contains "foia --version prints the version" "0.1.0"
expect_exit 0 "foia help update" -- foia help update
expect_out_matches "foia help update prints its usage" '^usage: foia update'

stop_daemon
done_testing
