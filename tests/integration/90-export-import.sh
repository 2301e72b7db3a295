#!/usr/bin/env bash
#
# 90-export-import.sh: `foia export` and `foia import` end to end. A
# database with requests, tags, a toll, a note and imported holidays is
# exported as JSON, restored into an empty database, and exported again:
# the two exports are the same bytes; the agencies' website and published
# medians (from `foia agency import`) come back with them. A restore into
# a database that holds only the agencies seeded from the configuration
# replaces them by the backup's (again the same bytes); one into a
# database with requests, or with agencies changed after seeding, is
# refused and changes nothing. The CSV export parses back (python's csv) with one
# row per request and the coordinator's columns. A MuckRock CSV with quoted
# commas, newlines inside fields and bad rows is refused whole, naming each
# bad row's line and reason; with --skip-bad the good rows come in, with
# MuckRock's statuses mapped to ours and a filing event naming the file.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

ok "daemon starts" start_daemon || bail_out "foiad did not start"

# -- a database worth backing up (with a reminder: the outbox and snooze
# tables are in the backup too)
expect_exit 0 "file one" -- foia file --agency ICE \
	--subject 'Removal flights, "Operation X", March 2025' \
	--sent 2025-03-20 --project cecot --tag flights --tag ice
expect_exit 0 "file a batch" -- foia file --agency ICE --agency FBI \
	--subject 'Detention contracts' --sent 2025-03-21 \
	--fees-estimated 12.50
expect_exit 0 "update one" -- foia update 1 --status acknowledged \
	--date 2025-03-24 --tracking 2025-ICFO-1
expect_exit 0 "toll one" -- foia toll 2 --from 2025-03-25 \
	--reason clarification
expect_exit 0 "note with a newline" -- foia note 3 "line one
line two, with a comma"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a@t\r\nDTSTART;VALUE=DATE:20250314\r\nSUMMARY:Pi Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	>"$T_DIR/pi.ics"
expect_exit 0 "import a holiday" -- foia holidays import "$T_DIR/pi.ics" \
	--calendar us-federal
expect_exit 0 "a personal reminder" -- foia remind 1 --in 10d --note "chase"
expect_exit 0 "agencies from FOIA.gov (websites, published medians)" -- \
	foia agency import --skip-bad "$T_REPO/tests/integration/data/agency_components.json"

# -- JSON export
expect_exit 0 "export exits 0" -- foia export
cp "$OUTF" "$T_DIR/a.json"
is "$(json_eval 'd["format"], d["version"]' "$T_DIR/a.json")" \
	'["foiad-export", 1]' "export: format and version"
is "$(json_eval 'len(d["request"])' "$T_DIR/a.json")" 3 \
	"export: three requests"
is "$(json_eval 'sorted(t["tag"] for t in d["request_tag"])' "$T_DIR/a.json")" \
	'["flights", "ice"]' "export: tags"
is "$(json_eval 'len(d["holiday"])' "$T_DIR/a.json")" 1 \
	"export: the holiday"
ok "export: the toll event" grep -q '"toll' "$T_DIR/a.json"
is "$(json_eval 'd["snooze"][0]["note"]' "$T_DIR/a.json")" chase \
	"export: the personal reminder"
is "$(json_eval '[[a[k] for k in ("website", "published_median_simple",
	"published_median_complex", "published_year", "published_source")]
	for a in d["agency"] if a["code"] == "ICE"][0]' "$T_DIR/a.json")" \
	'["https://www.ice.gov/foia", "23.0", "85.5", 2024, "agency_components.json"]' \
	"export: an agency's website and published medians"
expect_exit 0 "export again exits 0" -- foia export
ok "export twice gives the same bytes" cmp -s "$OUTF" "$T_DIR/a.json"

# -- restoring into this database is refused
expect_exit 1 "import into a database with rows exits 1" -- \
	foia import "$T_DIR/a.json"
expect_err_matches "says the database is not empty" 'not empty'

# -- CSV export parses back
expect_exit 0 "export --format csv exits 0" -- foia export --format csv
cp "$OUTF" "$T_DIR/a.csv"
is "$(python3 -c 'import csv,sys
r = list(csv.DictReader(open(sys.argv[1], newline="")))
print(len(r), r[0]["title"], r[0]["status"], r[0]["agency"],
      r[0]["tracking"], r[0]["submitted"], r[0]["tags"],
      r[1]["fees_estimated"], r[0]["jurisdiction"])' "$T_DIR/a.csv")" \
	'3 Removal flights, "Operation X", March 2025 acknowledged ICE 2025-ICFO-1 2025-03-20 flights,ice 12.50 us-federal' \
	"csv: three rows with title, status, agency, tracking, dates, tags, fees"
is "$(head -n 1 "$T_DIR/a.csv" | tr -d '\r')" \
	'id,title,status,agency,agency_name,jurisdiction,tracking,submitted,received,acknowledged,due,done,days_since_submitted,fees_estimated,fees_paid,project,tags,requester,component,method,expedited,fee_waiver,fee_category,description' \
	"csv: the header"
stop_daemon

# -- restore into an empty database, export again: the same bytes
DB=$T_DIR/restored.db
write_config "agencies = \"$T_DIR/no-seed.conf\";"
ok "empty daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "import the backup exits 0" -- foia import "$T_DIR/a.json"
expect_out_matches "import says what it restored" '^restored: .*3 request( |$)'
expect_exit 0 "export the restored database" -- foia export
ok "export, import, export: the same bytes" cmp -s "$OUTF" "$T_DIR/a.json"
expect_exit 0 "show a restored request" -- foia show 1
expect_out_matches "its tracking number" '2025-ICFO-1'
expect_exit 0 "show a restored agency" -- foia agency show OBIM --json
is "$(json_eval '[d["agency"]["website"], d["agency"]["published_median"]]' \
	"$OUTF")" \
	'["https://www.dhs.gov/obim", {"complex": null, "simple": 9.25, "source": "agency_components.json", "year": 2024}]' \
	"the restored agency's website and published medians"
expect_exit 1 "a second import is refused" -- foia import "$T_DIR/a.json"
stop_daemon

# -- restore into a database holding only the seeded agencies
DB=$T_DIR/seeded.db
write_config ""
ok "seeded daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "agencies were seeded" -- foia status --json
SEEDED=$(json_eval 'd["agencies"]' "$OUTF")
like "$SEEDED" '^[1-9][0-9]*$' "the seed put agencies in"
expect_exit 0 "import into the seeded database exits 0" -- \
	foia import "$T_DIR/a.json"
expect_out_matches "it says what it restored" '^restored: .*3 request( |$)'
expect_exit 0 "export the restored database" -- foia export
ok "seeded, import, export: the backup's bytes" cmp -s "$OUTF" "$T_DIR/a.json"
expect_exit 1 "a second import is refused" -- foia import "$T_DIR/a.json"
expect_err_matches "not empty" 'not empty'
stop_daemon

# -- a seeded database with a request, or a changed agency, is refused
DB=$T_DIR/seeded-request.db
ok "seeded daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "file a request" -- foia file --agency FBI --subject "one"
expect_exit 1 "import into a seeded database with a request exits 1" -- \
	foia import "$T_DIR/a.json"
expect_err_matches "says it is not empty" 'not empty'
expect_exit 0 "status" -- foia status --json
is "$(json_eval '[d["requests"], d["agencies"]]' "$OUTF")" "[1, $SEEDED]" \
	"the request and the seeded agencies are still there"
stop_daemon
DB=$T_DIR/seeded-changed.db
ok "seeded daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "change a seeded agency" -- foia agency update FBI \
	--website https://www.fbi.gov/foia
expect_exit 1 "import into a seeded database with a change exits 1" -- \
	foia import "$T_DIR/a.json"
expect_err_matches "says it is not empty" 'not empty'
expect_exit 0 "the change is kept" -- foia agency show FBI --json
is "$(json_eval 'd["agency"]["website"]' "$OUTF")" https://www.fbi.gov/foia \
	"the changed agency is untouched"
stop_daemon

# -- a broken backup is refused whole, naming the record (here in a
# seeded database: the seed survives the failed restore)
DB=$T_DIR/broken.db
rm -f "$T_DIR/b.json"
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
d["request"][1]["status"] = "gone"
json.dump(d, open(sys.argv[2], "w"))' "$T_DIR/a.json" "$T_DIR/b.json"
ok "daemon on another empty database starts" start_daemon ||
	bail_out "foiad did not start"
expect_exit 1 "a bad status in a backup exits 1" -- \
	foia import "$T_DIR/b.json"
expect_err_matches "names the record and the reason" \
	"request\\[1\\] \\(id 2\\): unknown status 'gone'"
expect_exit 0 "status" -- foia status --json
is "$(json_eval '[d["agencies"], d["requests"]]' "$OUTF")" "[$SEEDED, 0]" \
	"nothing was restored: the seeded agencies are as they were"
stop_daemon

# -- MuckRock CSV
DB=$T_DIR/muckrock.db
write_config ""
ok "seeded daemon starts" start_daemon || bail_out "foiad did not start"
cat >"$T_DIR/mr.csv" <<'CSV'
id,user,title,slug,status,jurisdiction,agency,date_submitted,date_done,date_due,days_until_due,date_followup,embargo,date_embargo,price,description,tracking_id,tags
101,jane,"Emails, memos and texts",emails,ack,United States of America,ICE,2025-01-06T10:00:00,,2025-02-04,,,False,,0.00,"All emails
about ""Operation X""",ICE-2025-1,"['flights', 'cecot']"
102,jane,Contracts,contracts,gone,United States of America,ICE,2025-01-07,,,,,False,,,plain,,
103,jane,Manifests,manifests,done,United States of America,Nowhere Agency,2025-01-08,2025-02-01,,,,False,,,,,
104,jane,Budgets,budgets,no_docs,United States of America,FBI,2025-01-09,2025-03-01,,,,False,,25.00,,FBI-9,
CSV
expect_exit 1 "a MuckRock CSV with bad rows exits 1" -- \
	foia import --format muckrock "$T_DIR/mr.csv"
expect_err_matches "names each bad row by line and reason" \
	"line 4: unknown status 'gone'; line 5: unknown agency 'Nowhere Agency'.*nothing imported"
expect_exit 0 "list" -- foia list --all
expect_out_matches "nothing was imported" "^no requests$"
expect_exit 0 "--skip-bad imports the good rows" -- \
	foia import --format muckrock --skip-bad "$T_DIR/mr.csv"
expect_out_matches "two imported" '^2 requests imported$'
expect_out_matches "bad line 4 reported" "^skipped line 4: unknown status 'gone'"
expect_out_matches "bad line 5 reported" "^skipped line 5: unknown agency"
expect_exit 0 "show the first import" -- foia show 1 --json
is "$(json_eval 'd["request"]["subject"]' "$OUTF")" \
	'Emails, memos and texts' "quoted comma kept"
is "$(json_eval 'd["request"]["description"]' "$OUTF")" \
	'All emails
about "Operation X"' "newline and quotes inside a field kept"
is "$(json_eval 'd["request"]["status"]' "$OUTF")" acknowledged \
	"ack -> acknowledged"
is "$(json_eval 'd["request"]["sent"]' "$OUTF")" 2025-01-06 \
	"timestamp -> date"
is "$(json_eval 'd["request"]["tags"]' "$OUTF")" '["cecot", "flights"]' \
	"tags"
is "$(json_eval 'd["request"]["tracking"]' "$OUTF")" ICE-2025-1 \
	"tracking_id"
like "$(json_eval 'd["events"][0]["note"]' "$OUTF")" \
	'imported from mr.csv, line 2' "the filing event names file and line"
is "$(json_eval 'd["events"][0]["actor"]' "$OUTF")" "$T_USER" \
	"the filing event's actor is the caller"
expect_exit 0 "show the second import" -- foia show 2 --json
is "$(json_eval 'd["request"]["status"]' "$OUTF")" no-records \
	"no_docs -> no-records"
is "$(json_eval 'd["request"]["fees_estimated"]' "$OUTF")" 25.00 \
	"price -> fees_estimated"

# -- our own CSV back in
expect_exit 0 "import our CSV" -- foia import --format csv "$T_DIR/a.csv"
expect_out_matches "three imported" '^3 requests imported$'
expect_exit 0 "show one" -- foia show 3 --json
is "$(json_eval 'd["request"]["subject"]' "$OUTF")" \
	'Removal flights, "Operation X", March 2025' "our CSV: title"
is "$(json_eval 'd["request"]["tags"]' "$OUTF")" '["flights", "ice"]' \
	"our CSV: tags"
printf 'title,agency,colour\nX,ICE,red\n' >"$T_DIR/bad.csv"
expect_exit 1 "an unknown column in our CSV exits 1" -- \
	foia import --format csv "$T_DIR/bad.csv"
expect_err_matches "names the column" "line 1: unknown column 'colour'"
printf 'title,agency\n"unterminated,ICE\n' >"$T_DIR/bad2.csv"
expect_exit 1 "malformed CSV exits 1" -- \
	foia import --format csv "$T_DIR/bad2.csv"
expect_err_matches "says malformed" 'malformed CSV'
stop_daemon

done_testing
