#!/usr/bin/env bash
#
# 70-deadlines.sh: deadlines end to end through a real foiad: the worked
# examples of docs/deadline-rules.md through `foia calc`, a filed request's
# determination date in `show`, tolling (open, then closed), an extension,
# the appeal window of a denied request and the appeal decision after an
# appeal, `list` ordered by urgency, `deadlines --within/--overdue`, the
# holiday calendar, the jurisdictions, and bad input (exit 1, 64, 65).
#
# Dates in the past make the due dates fixed; requests received a few days
# ago give deadlines still to come, whatever day the suite runs.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

write_config "jurisdictions = \"$T_REPO/config/jurisdictions.conf\";"
ok "daemon starts" start_daemon || bail_out "foiad did not start"

day() { date -d "$1" +%F; }

# due RECEIVED [CALC OPTION...]: the due date foia calc gives.
due()
{
	local r=$1
	shift
	foia calc --received "$r" "$@" --json | json_eval 'd["due"]'
}

# -- calc: the worked examples of deadline-rules.md
expect_exit 0 "calc 2025-03-03" -- foia calc --received 2025-03-03 --json
is "$(json_eval 'd["due"]' "$OUTF")" 2025-03-31 \
	"received 2025-03-03: due 2025-03-31"
is "$(json_eval '[d["state"], d["period"], d["unit"], d["jurisdiction"]]' \
	"$OUTF")" '["due", 20, "working", "us-federal"]' \
	"calc: 20 working days, us-federal by default"
expect_exit 0 "calc with a toll" -- foia calc --received 2025-03-03 \
	--toll 2025-03-10:2025-03-20 --json
is "$(json_eval 'd["due"]' "$OUTF")" 2025-04-10 \
	"tolled 2025-03-10..2025-03-20: due 2025-04-10"
is "$(due 2025-06-10)" 2025-07-10 \
	"received 2025-06-10: due 2025-07-10 (Juneteenth and July 4 skipped)"
is "$(due 2025-12-10)" 2026-01-13 \
	"received 2025-12-10: due 2026-01-13 (Dec 24 and 26 closures on)"
is "$(due 2025-03-03 --toll 2025-03-10:2025-03-20 --extension 10)" \
	2025-04-24 "toll and a 10-day extension: due 2025-04-24"

expect_exit 0 "calc, text" -- foia calc --received 2025-03-03
is "$OUT" "due 2025-03-31 (20 working days from 2025-03-03, us-federal)" \
	"calc prints the due date, the period, the start and the law"
expect_exit 0 "calc --explain" -- foia calc --received 2025-06-10 --explain
expect_out_matches "--explain names Juneteenth" 'Juneteenth'
expect_out_matches "--explain names Independence Day" 'Independence Day'
expect_out_matches "--explain lines are indented under the date" \
	'^  .*2025-07-10'
expect_exit 0 "calc --explain --json" -- foia calc --received 2025-06-10 \
	--explain --json
like "$(json_eval '" | ".join(d["explain"])' "$OUTF")" \
	'Juneteenth.*Independence Day' "--json: explain lines in date order"

expect_exit 0 "calc with an open toll" -- foia calc --received 2025-03-03 \
	--toll 2025-03-10: --json
is "$(json_eval '[d["state"], d["due"], d["used"]]' "$OUTF")" \
	'["stopped", null, 5]' \
	"an open toll: clock stopped, 5 working days used"
expect_exit 0 "calc with an open toll, text" -- foia calc \
	--received 2025-03-03 --toll 2025-03-10:
expect_out_matches "text says the clock is stopped" \
	'^clock stopped, 5 of 20 working days used'

# -- requests, filed so that their ids are not in urgency order
R3=$(day '7 days ago')
R5=$(day '20 days ago')
DENIED=$(day '10 days ago')
expect_exit 0 "file 1: received 2025-06-10" -- foia file --agency CBP \
	--subject "Less overdue" --sent 2025-06-09 --received 2025-06-10
expect_exit 0 "file 2: a draft" -- foia file --agency CBP --subject "Draft"
expect_exit 0 "file 3: received a week ago" -- foia file --agency ICE \
	--subject "Due soon" --sent "$R3" --received "$R3"
expect_exit 0 "file 4: received 2025-03-03" -- foia file --agency ICE \
	--subject "Flight manifests" --sent 2025-03-01 --received 2025-03-03
is "$OUT" 4 "request 4 filed"
expect_exit 0 "file 5: received 20 days ago" -- foia file --agency FBI \
	--subject "To be denied" --sent "$R5" --received "$R5"

# -- show: the determination date
expect_exit 0 "show 4 --json" -- foia show 4 --json
is "$(json_eval '[(x["kind"], x["due"], x["state"], x["overdue"])
	for x in d["deadlines"]]' "$OUTF")" \
	'[["determination", "2025-03-31", "overdue", true]]' \
	"show --json: determination due 2025-03-31, overdue"
is "$(json_eval '[d["jurisdiction_info"]["code"],
	d["jurisdiction_info"]["citation"]]' "$OUTF")" \
	'["us-federal", "5 U.S.C. 552"]' "show --json: the law counted under"
expect_exit 0 "show 4" -- foia show 4
expect_out_matches "show: a Deadlines section" '^Deadlines:$'
expect_out_matches "show: the due date and how overdue" \
	'^  FOIA response due +2025-03-31  \([0-9]+ days overdue\)$'
expect_out_contains "show: the law with citation and confidence" \
	"us-federal — 5 U.S.C. 552 (statute)"
expect_out_matches "show: the exhaustion date" '^  Exhaustion: +2025-04-01'
expect_exit 0 "show 4 --explain" -- foia show 4 --explain
expect_out_matches "show --explain: lines indented under the deadline" \
	'^      .*2025-03-31'

# -- toll: open, then closed
expect_exit 0 "toll 4 --from (open)" -- foia toll 4 --from 2025-03-10 \
	--reason clarification
expect_out_contains "toll prints the stopped clock" \
	"clock stopped since 2025-03-10, 5 of 20 working days used"
expect_exit 0 "show 4 while tolled" -- foia show 4
STOPPED="clock stopped since 2025-03-10, 5 of 20 working days used"
expect_out_matches "show: clock stopped with days used" \
	"^  FOIA response due +$STOPPED\$"
expect_exit 0 "show 4 --json while tolled" -- foia show 4 --json
is "$(json_eval '[d["deadlines"][0]["state"], d["deadlines"][0]["due"],
	d["clock"]["state"]]' "$OUTF")" '["stopped", null, "stopped"]' \
	"show --json: no due date while the clock is stopped"

expect_exit 0 "toll 4 --until (closes it)" -- foia toll 4 --until 2025-03-20
expect_out_matches "toll --until prints the new due date" \
	'^  FOIA response due +2025-04-10  '
expect_exit 0 "show 4 --json after the toll" -- foia show 4 --json
is "$(json_eval 'd["deadlines"][0]["due"]' "$OUTF")" 2025-04-10 \
	"the 8 tolled working days move the due date to 2025-04-10"
is "$(json_eval 'd["deadlines"][0]["due"]' "$OUTF")" \
	"$(due 2025-03-03 --toll 2025-03-10:2025-03-20)" \
	"show and calc agree on the tolled date"

# -- extend: 10 working days
expect_exit 0 "extend 4" -- foia extend 4 --date 2025-03-25 \
	--note "unusual circumstances"
expect_exit 0 "show 4 --json after the extension" -- foia show 4 --json
is "$(json_eval '[d["deadlines"][0]["due"], d["deadlines"][0]["extension"]]' \
	"$OUTF")" '["2025-04-24", 10]' "the extension adds 10 working days"
expect_exit 0 "show 4 after the extension" -- foia show 4
expect_out_matches "show: the extension is shown" \
	'2025-04-24  \(.*extended by 10 working days\)'

# -- a denied request: the appeal window
expect_exit 0 "deny 5" -- foia update 5 --status denied --date "$DENIED"
WINDOW=$(day "$DENIED + 90 days")
expect_exit 0 "show 5 --json" -- foia show 5 --json
is "$(json_eval '[(x["due"], x["state"], x["period"], x["unit"])
	for x in d["deadlines"] if x["kind"] == "appeal_window"]' "$OUTF")" \
	"[[\"$WINDOW\", \"due\", 90, \"calendar\"]]" \
	"denied: the appeal window closes 90 calendar days after the denial"
expect_exit 0 "show 5" -- foia show 5
expect_out_matches "show: the appeal window line" \
	"^  .* +$WINDOW  \\(80 days left\\)\$"

# -- list: by urgency
expect_exit 0 "list --json" -- foia list --json
is "$(json_eval '[r["id"] for r in d]' "$OUTF")" '[4, 1, 3, 5, 2]' \
	"list: most overdue first, then by due date, then no deadline"
is "$(json_eval '[d[0]["next"]["due"], d[0]["next"]["overdue"], d[4]["next"]]' \
	"$OUTF")" '["2025-04-24", true, null]' "list --json: each row's next"
expect_exit 0 "list" -- foia list
expect_out_matches "list header" \
	'^ID +AGENCY +SUBJECT +STATUS +SENT +DAYS +NEXT +DUE +LEFT$'
is "$(sed -n 2p "$OUTF" | cut -c1)" "!" \
	"list: an overdue row starts with '!' when not on a terminal"
expect_out_matches "list: the overdue row, LEFT as 'N overdue'" \
	'^!4 +ICE +Flight manifests +submitted +2025-03-01 +[0-9]+ +response'\
' +2025-04-24 +[0-9]+ overdue$'
expect_out_matches "list: a row to come is not marked" \
	"^3 +ICE +Due soon +submitted +$R3 +[0-9]+ +response +[0-9-]+ +[0-9]+\$"
expect_out_matches "list: a draft has no deadline" '^2 +CBP +Draft +draft$'
expect_exit 0 "list --csv" -- foia list --csv
CSV_HEAD="id,agency,subject,status,sent,received,acknowledged,closed,\
days_open,project,tags,tracking,jurisdiction,next_kind,next_due,days_left"
is "$(head -1 "$OUTF" | tr -d '\r')" "$CSV_HEAD" \
	"list --csv: next_kind, next_due, days_left at the end"
like "$(sed -n 2p "$OUTF" | tr -d '\r')" \
	'^4,.*,determination,2025-04-24,-[0-9]+$' "list --csv: the overdue row"

# -- deadlines
expect_exit 0 "deadlines" -- foia deadlines --json
is "$(json_eval '[(x["request"], x["kind"][:3]) for x in d]' "$OUTF")" \
	'[[4, "det"], [1, "det"], [3, "det"], [5, "app"]]' \
	"deadlines: every live deadline by due date"
expect_exit 0 "deadlines --within 30" -- foia deadlines --within 30 --json
is "$(json_eval '[x["request"] for x in d]' "$OUTF")" '[4, 1, 3]' \
	"--within 30: overdue and soon, not the window 80 days away"
expect_exit 0 "deadlines --overdue" -- foia deadlines --overdue --json
is "$(json_eval '[x["request"] for x in d]' "$OUTF")" '[4, 1]' \
	"--overdue: only the overdue ones"
expect_exit 0 "deadlines --within 30, text" -- foia deadlines --within 30
expect_out_matches "deadlines header" \
	'^DUE +LEFT +ID +AGENCY +WHAT +SUBJECT$'
expect_out_matches "deadlines: the overdue row is marked" \
	'^!2025-04-24 +[0-9]+ overdue +4 +ICE +FOIA response due +Flight'

# -- appeal: the appeal decision
APPEALED=$(day '3 days ago')
expect_exit 0 "appeal 5" -- foia appeal 5 --date "$APPEALED" \
	--note "appeal sent by email"
expect_out_matches "appeal reports the status" '^status: appealed$'
DECISION=$(due "$APPEALED")
expect_exit 0 "show 5 --json after the appeal" -- foia show 5 --json
is "$(json_eval '[d["request"]["status"]] + [(x["kind"], x["state"],
	x["due"]) for x in d["deadlines"] if x["kind"].startswith("appeal")]' \
	"$OUTF")" "[\"appealed\", [\"appeal_window\", \"met\", \"$WINDOW\"], \
[\"appeal_decision\", \"due\", \"$DECISION\"]]" \
	"appealed: the window met, the decision due 20 working days later"
expect_exit 0 "show 5 after the appeal" -- foia show 5
expect_out_matches "show: the window met on the appeal date" \
	"met $APPEALED\$"
expect_out_matches "show: the appeal decision date" \
	"^  .* +$DECISION  \\([0-9]+ days left\\)\$"

# -- a request without a receipt date, and a state law
expect_exit 0 "file 6: sent only" -- foia file --agency ICE \
	--subject "Sent, receipt unknown" --sent "$R3"
expect_exit 0 "show 6" -- foia show 6
expect_out_contains "show: counted from sent when receipt is unknown" \
	"(assumed: receipt date unknown, counted from sent)"
expect_exit 0 "file 7: California" -- foia file --agency ICE \
	--subject "State law" --jurisdiction us-ca --received "$R3"
expect_exit 0 "show 7" -- foia show 7
expect_out_matches "show: the state law" '^  Law: +us-ca — '
expect_out_contains "show: a state on the federal calendar says so" \
	"counting on the federal holiday calendar"

# -- holidays and jurisdictions
expect_exit 0 "holidays --year 2025" -- foia holidays --year 2025
expect_out_matches "Juneteenth 2025" \
	'^2025-06-19 Thu  Juneteenth National Independence Day$'
expect_out_matches "Christmas 2025" '^2025-12-25 Thu  Christmas Day$'
expect_out_matches "the Dec 26 closure is marked" \
	'^2025-12-26 Fri  .*\[closure\]$'
expect_out_matches "New Year's Day 2025" "^2025-01-01 Wed  New Year's Day\$"
expect_exit 0 "holidays --year 2022 --json" -- foia holidays --year 2022 --json
is "$(json_eval '[(x["date"], x["observed"]) for x in d["days"]
	if x["name"].startswith("Christmas Day")]' "$OUTF")" \
	'[["2022-12-26", true]]' "Christmas 2022 (a Sunday) observed on Monday"
expect_exit 0 "jurisdictions" -- foia jurisdictions
expect_out_matches "jurisdictions header" '^CODE +PERIOD +CONFIDENCE +NAME$'
expect_out_matches "jurisdictions: us-federal" \
	'^us-federal +20 working +statute +Freedom of Information Act$'
expect_out_matches "jurisdictions: us-ca" '^us-ca +10 calendar +'
expect_out_matches "jurisdictions: a law with no period" \
	'^[a-z-]+ +none \(follow up every [0-9]+ days\) +'
expect_exit 0 "jurisdictions --json" -- foia jurisdictions --json
is "$(json_eval '[x["code"] for x in d
	if x["code"] in ("us-federal", "us-ca")]' "$OUTF")" \
	'["us-federal", "us-ca"]' "jurisdictions --json"

# -- agree: a date agreed with the agency
AGREED=$(day '40 days')
expect_exit 0 "agree 3" -- foia agree 3 --date "$AGREED" \
	--reason "narrowed the request by phone"
expect_exit 0 "show 3 --json after agree" -- foia show 3 --json
is "$(json_eval 'd["deadlines"][0]["due"]' "$OUTF")" "$AGREED" \
	"the agreed date is the due date"
expect_exit 0 "show 3 after agree" -- foia show 3
expect_out_matches "show: the agreed date is marked" \
	"^  FOIA response due +$AGREED  \\(agreed date, 40 days left\\)"

# -- bad input: one-line errors, and no due date changes
bad()
{
	local code=$1 what=$2 ere=$3
	shift 3
	expect_exit "$code" "$what: exit $code" "$@"
	expect_err_matches "$what: one-line error" "$ere"
	expect_out_empty "$what: nothing on stdout"
}
bad 1 "toll until before from" \
	"2025-06-15.*2025-06-20|2025-06-20.*2025-06-15" \
	-- foia toll 1 --from 2025-06-20 --until 2025-06-15 --reason fees
expect_exit 0 "toll 1 open" -- foia toll 1 --from 2025-06-20 --reason fees
bad 1 "closing a toll before it began" \
	"2025-06-15.*2025-06-20|2025-06-20.*2025-06-15" \
	-- foia toll 1 --until 2025-06-15
expect_exit 0 "toll 1 closed" -- foia toll 1 --until 2025-06-25
expect_exit 0 "show 1 --json after the fee toll" -- foia show 1 --json
is "$(json_eval 'd["deadlines"][0]["due"]' "$OUTF")" \
	"$(due 2025-06-10 --toll 2025-06-20:2025-06-25)" \
	"a fees toll moves the due date as calc says"
STATE=$(foia list --all --json)
bad 1 "extend --days 11 (federal allows 10)" "11.*10|10.*11" -- \
	foia extend 6 --date "$R3" --days 11
bad 1 "unknown toll reason" "'bogus'" -- \
	foia toll 1 --from 2025-07-01 --reason bogus
bad 1 "unknown jurisdiction (calc)" "'nope'" -- \
	foia calc --received 2025-03-03 --jurisdiction nope
bad 1 "unknown jurisdiction (holidays)" "'nope'" -- \
	foia holidays --jurisdiction nope
bad 1 "toll an unknown request" "999" -- \
	foia toll 999 --from 2025-03-10 --reason fees
bad 65 "calc --received 2025-02-30" \
	"^foia: invalid date '2025-02-30' for --received" -- \
	foia calc --received 2025-02-30
bad 65 "--toll without a colon" "^foia: invalid toll '2025-03-10'" -- \
	foia calc --received 2025-03-03 --toll 2025-03-10
bad 65 "--toll with a bad date" \
	"^foia: invalid toll '2025-03-10:2025-02-30'" -- \
	foia calc --received 2025-03-03 --toll 2025-03-10:2025-02-30
bad 65 "--extension 0" "^foia: invalid number '0' for --extension" -- \
	foia calc --received 2025-03-03 --extension 0
bad 65 "--days x" "^foia: invalid number 'x' for --days" -- \
	foia extend 3 --date 2025-03-25 --days x
bad 65 "--within -1" "^foia: invalid number '-1' for --within" -- \
	foia deadlines --within -1
bad 65 "--year 0" "^foia: invalid number '0' for --year" -- \
	foia holidays --year 0
bad 65 "toll --from 2025-13-01" "^foia: invalid date '2025-13-01' for --from" \
	-- foia toll 1 --from 2025-13-01 --reason fees
bad 64 "toll without --from or --until" \
	"^foia: missing option '--from' or '--until'$" -- foia toll 1
bad 64 "toll --from without --reason" \
	"^foia: option '--from' needs '--reason'$" -- \
	foia toll 1 --from 2025-03-10
bad 64 "extend without --date" "^foia: missing option '--date'$" -- \
	foia extend 1
bad 64 "agree without --reason" "^foia: missing option '--reason'$" -- \
	foia agree 1 --date 2025-05-01
bad 64 "calc without --received" "^foia: missing option '--received'$" -- \
	foia calc
bad 64 "unknown option" "^foia: unknown option '--bogus'$" -- \
	foia deadlines --bogus
bad 64 "holidays import without a file" "^foia: missing file or URL$" -- \
	foia holidays import --calendar us-dc
dues='[(r["id"], r["next"] and r["next"]["due"]) for r in d]'
is "$(foia list --all --json | json_eval "$dues")" \
	"$(printf '%s' "$STATE" | json_eval "$dues")" \
	"bad input changed no due date"

# -- holidays import (an iCalendar file into a calendar)
cat >"$T_DIR/days.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//foiad tests//EN
BEGIN:VEVENT
UID:test-1@foiad
DTSTAMP:20250101T000000Z
DTSTART;VALUE=DATE:20250303
SUMMARY:Test Closure Day
END:VEVENT
END:VCALENDAR
EOF
expect_exit 0 "holidays import FILE" -- foia holidays import "$T_DIR/days.ics" \
	--calendar us-dc
is "$OUT" "calendar us-dc: 1 day added" "holidays import reports the days added"
expect_exit 0 "holidays of us-dc" -- foia holidays --year 2025 \
	--jurisdiction us-dc
expect_out_matches "the imported day is listed" \
	'^2025-03-03 Mon  Test Closure Day'
expect_exit 0 "holidays import - (stdin)" -- foia holidays import - \
	--calendar us-dc < <(sed 's/20250303/20250305/; s/test-1/test-2/' \
	"$T_DIR/days.ics")
is "$OUT" "calendar us-dc: 1 day added" "holidays import from stdin"

# A URL is fetched by foiad: serve the file over HTTP on a free port. The
# server is $PYTHON itself (not the python3 function, whose subshell would
# take the kill) and holds no pipe of ours.
mkdir "$T_DIR/www"
sed 's/20250303/20250306/; s/test-1/test-3/; s/Test Closure/URL/' \
	"$T_DIR/days.ics" >"$T_DIR/www/days.ics"
"$PYTHON" -c '
import functools, http.server, os, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler,
                      directory=sys.argv[1])
srv = http.server.HTTPServer(("127.0.0.1", 0), h)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
srv.serve_forever()' "$T_DIR/www" "$T_DIR/port" </dev/null >/dev/null 2>&1 &
HTTP_PID=$!
at_exit kill "$HTTP_PID"
if wait_for 5 test -s "$T_DIR/port"; then
	URL="http://127.0.0.1:$(cat "$T_DIR/port")"
	expect_exit 0 "holidays import URL" -- foia holidays import \
		"$URL/days.ics" --calendar us-dc
	is "$OUT" "calendar us-dc: 1 day added" "holidays import from a URL"
	expect_exit 0 "holidays of us-dc" -- foia holidays --year 2025 \
		--jurisdiction us-dc
	expect_out_matches "the day from the URL is listed" \
		'^2025-03-06 Thu  URL Day'
	bad 1 "holidays import of a missing URL" "404" -- \
		foia holidays import "$URL/missing.ics" --calendar us-dc
else
	skip "holidays import URL" "no local HTTP server"
fi
bad 65 "holidays import of a missing file" "'$T_DIR/no-such.ics'" -- \
	foia holidays import "$T_DIR/no-such.ics" --calendar us-dc

stop_daemon
done_testing
