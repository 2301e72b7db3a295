#!/usr/bin/env bash
#
# 75-holidays-import.sh: `foia holidays import` end to end, with a real
# HTTP server on 127.0.0.1 (python3 -m http.server on a free port, serving
# files written here). A URL import adds the day, `foia holidays` lists it
# and `foia calc` counts past it at once; the same feed again adds nothing;
# a 404, a page that is not iCalendar and an unknown calendar are refused
# (exit 1, one clear line) and change nothing; a file is read by the CLI
# and sent as text. While one client waits on a slow download (a server
# that answers after 3 s, longer than client_timeout), another client's
# `foia status` is answered at once, and the waiting client gets its answer
# in the end; a client that leaves before the answer does not stop the
# import. The days survive a restart, and SIGTERM during a download still
# stops foiad cleanly.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries
RAW=("$PYTHON" "$(dirname "$0")/rawclient.py")

# Downloads go straight to 127.0.0.1, whatever proxy the environment names.
DAEMON_ENV=(no_proxy='*' NO_PROXY='*')

WWW=$T_DIR/www
mkdir "$WWW" || bail_out "cannot create $WWW"

# ics FILE DATE|NAME...: an iCalendar file of all-day events.
ics()
{
	local file=$1 e
	shift
	{
		printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//foiad tests//EN\r\n'
		for e in "$@"; do
			printf 'BEGIN:VEVENT\r\nUID:%s@test\r\nDTSTART;VALUE=DATE:%s\r\n' \
				"${e%%|*}" "${e%%|*}"
			printf 'SUMMARY:%s\r\nEND:VEVENT\r\n' "${e#*|}"
		done
		printf 'END:VCALENDAR\r\n'
	} >"$file"
}

# Pi Day is new; the Fourth of July is a federal holiday already.
ics "$WWW/pi.ics" '20250314|Pi Day' '20250704|Fourth of July'
ics "$WWW/slow.ics" '20250319|Slow Day'
ics "$WWW/left.ics" '20250326|Left Day'
printf '<html><body>a page, not a calendar</body></html>\n' >"$WWW/page.ics"
ics "$T_DIR/uk.ics" '20250508|VE Day 80'

# -- the HTTP servers
"$PYTHON" -u -m http.server 0 --bind 127.0.0.1 --directory "$WWW" \
	>"$T_DIR/http.log" 2>&1 &
HTTP_PID=$!
at_exit kill "$HTTP_PID"
wait_for 5 grep -q 'port [0-9]' "$T_DIR/http.log" ||
	bail_out "python3 -m http.server did not start: $(cat "$T_DIR/http.log")"
PORT=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$T_DIR/http.log" | head -n 1)
URL=http://127.0.0.1:$PORT

# A server that waits DELAY s before answering; it notes each request in
# a file first, so the test knows the download is under way.
cat >"$T_DIR/slow.py" <<'EOF'
import http.server, os, sys, time

marks, delay, root = sys.argv[1], float(sys.argv[2]), sys.argv[3]

class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(marks, "a") as f:
            f.write(self.path + "\n")
        time.sleep(delay)
        path = os.path.join(root, os.path.basename(self.path))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        body = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
print(srv.server_address[1], flush=True)
srv.serve_forever()
EOF
"$PYTHON" -u "$T_DIR/slow.py" "$T_DIR/slow.marks" 3 "$WWW" \
	>"$T_DIR/slow.port" 2>"$T_DIR/slow.log" &
SLOW_PID=$!
at_exit kill "$SLOW_PID"
wait_for 5 test -s "$T_DIR/slow.port" ||
	bail_out "the slow server did not start: $(cat "$T_DIR/slow.log")"
SLOW=http://127.0.0.1:$(head -n 1 "$T_DIR/slow.port")

# slow_hits: requests the slow server has had; slow_past N: more than N.
slow_hits()
{
	if [[ -f $T_DIR/slow.marks ]]; then
		wc -l <"$T_DIR/slow.marks"
	else
		echo 0
	fi
}
slow_past() { (($(slow_hits) > $1)); }

# due: the 20-working-day due date from 2025-03-03 on the federal calendar.
due()
{
	foia calc --received 2025-03-03 --json | json_eval 'd["due"]' 2>&1
}

ok "daemon starts" start_daemon || bail_out "foiad did not start"

is "$(due)" 2025-03-31 "before the import: due 2025-03-31"

# -- a URL import
expect_exit 0 "import from a URL" -- foia holidays import "$URL/pi.ics" \
	--calendar us-federal
expect_out_contains "import says how many days were added" \
	"calendar us-federal: 1 day added"
expect_err_empty "import: nothing on stderr"
expect_exit 0 "holidays 2025 after the import" -- foia holidays --year 2025
expect_out_matches "holidays lists the imported day" \
	'^2025-03-14 Fri +Pi Day$'
expect_out_matches "the federal holiday is not doubled" \
	'^2025-07-04 Fri +Independence Day$'
unlike "$OUT" 'Fourth of July' "the feed's name for a day already off is not added"
is "$(due)" 2025-04-01 "calc counts past the imported day at once"
expect_exit 0 "holidays --json" -- foia holidays --year 2025 --json
is "$(json_eval '[x["closure"] for x in d["days"] if x["date"] == "2025-03-14"]' "$OUTF")" \
	'[false]' "the imported day is no closure"
holidays_before=$(foia holidays --year 2025)

# -- the same feed again adds nothing
expect_exit 0 "import the same URL again (--json)" -- \
	foia holidays import "$URL/pi.ics" --calendar us-federal --json
is "$(json_eval '[d["added"], d["skipped"], d["calendar"]]' "$OUTF")" \
	'[0, 2, "us-federal"]' "second import: 0 added, 2 skipped"

# -- refusals change nothing
expect_exit 1 "a 404 URL is refused" -- foia holidays import \
	"$URL/missing.ics" --calendar us-federal
expect_err_matches "404: one clear line" \
	"cannot fetch 'http://127\.0\.0\.1:$PORT/missing\.ics': the server answered HTTP 404"
expect_out_empty "404: nothing on stdout"
expect_exit 1 "a page that is not iCalendar is refused" -- \
	foia holidays import "$URL/page.ics" --calendar us-federal
expect_err_matches "not iCalendar: one clear line" \
	"'http://127\.0\.0\.1:$PORT/page\.ics': not an iCalendar file"
expect_exit 1 "an unknown calendar is refused" -- \
	foia holidays import "$URL/pi.ics" --calendar atlantis
expect_err_matches "unknown calendar: names the calendars there are" \
	"unknown calendar 'atlantis' \(calendars: us-federal, .*uk.*\)"
expect_exit 1 "nobody listening is refused" -- \
	foia holidays import "http://127.0.0.1:1/x.ics" --calendar us-federal
expect_err_matches "connection refused: one line naming the URL" \
	"cannot fetch 'http://127\.0\.0\.1:1/x\.ics'"
is "$(foia holidays --year 2025)" "$holidays_before" \
	"refused imports left the calendar as it was"
is "$(due)" 2025-04-01 "refused imports left calc as it was"

# -- a file, read by the CLI
expect_exit 0 "import a file into uk" -- foia holidays import \
	"$T_DIR/uk.ics" --calendar uk
expect_out_contains "file import: 1 day added" "calendar uk: 1 day added"
expect_exit 0 "uk holidays 2025" -- foia holidays --jurisdiction uk --year 2025
expect_out_matches "the uk calendar lists the file's day" '^2025-05-08 Thu +VE Day 80$'
unlike "$(foia holidays --year 2025)" 'VE Day 80' "the federal calendar does not"

# -- a slow download holds no one else up
t0=$EPOCHREALTIME
foia holidays import "$SLOW/slow.ics" --calendar us-federal \
	>"$T_DIR/slow.out" 2>"$T_DIR/slow.err" &
slow_client=$!
ok "the slow download has started" wait_for 5 slow_past 0
t1=$EPOCHREALTIME
expect_exit 0 "status while a download is pending" -- foia status
t2=$EPOCHREALTIME
ok "status answered within 1 s while the import waits" \
	"$PYTHON" -c 'import sys; sys.exit(float(sys.argv[1]) - float(sys.argv[2]) >= 1)' \
	"$t2" "$t1"
ok "the importing client is still waiting then" kill -0 "$slow_client"
wait_exit "$slow_client" 15
is "$RC" 0 "the slow import ends with exit 0"
is "$(cat "$T_DIR/slow.out")" "calendar us-federal: 1 day added" \
	"the slow import gets its answer after client_timeout (2 s)"
ok "the answer came after the server's 3 s" \
	"$PYTHON" -c 'import sys; sys.exit(float(sys.argv[1]) - float(sys.argv[2]) < 2.9)' \
	"$EPOCHREALTIME" "$t0"
expect_exit 0 "holidays after the slow import" -- foia holidays --year 2025
expect_out_matches "the slow day is listed" '^2025-03-19 Wed +Slow Day$'

# -- a request after a pending one on the same connection waits its turn
expect_exit 0 "raw: a slow import and a status in one write" -- \
	"${RAW[@]}" "$SOCK" pipeline \
	"{\"v\":1,\"id\":21,\"method\":\"holidays.import\",\"params\":{\"calendar\":\"us-federal\",\"url\":\"$SLOW/slow.ics\"}}" \
	'{"v":1,"id":22,"method":"status","params":{}}'
is "$(sed -n 1p "$OUTF" | json_eval '[d["id"], d["result"]["added"], d["result"]["skipped"]]' 2>&1)" \
	'[21, 0, 1]' "the pending import is answered first"
is "$(sed -n 2p "$OUTF" | json_eval '[d["id"], "result" in d]' 2>&1)" \
	'[22, true]' "then the status request read after it"

# -- a client that leaves before the answer
hits=$(slow_hits)
RAW_TIMEOUT=0.5 "${RAW[@]}" "$SOCK" lines \
	"{\"v\":1,\"id\":9,\"method\":\"holidays.import\",\"params\":{\"calendar\":\"us-federal\",\"url\":\"$SLOW/left.ics\"}}" \
	>"$T_DIR/left.out"
is "$(cat "$T_DIR/left.out")" TIMEOUT "the leaving client hangs up before the answer"
ok "the download went on" wait_for 5 slow_past "$hits"
ok "the day is imported without anyone to answer" \
	wait_for 8 bash -c 'grep -q "^2025-03-26 Wed  *Left Day$" <(
		"$1" --socket "$2" holidays --year 2025)' _ "$BUILD/foia" "$SOCK"
like "$(cat "$DAEMON_LOG")" 'left before the answer' \
	"the log says the client left and the days are imported"
ok "daemon alive after the client left" daemon_alive

# -- a restart keeps the days
due_before=$(due)
is "$due_before" 2025-04-03 "calc counts past all three imported days"
stop_daemon "foiad exits 0 on SIGTERM"
ok "daemon starts again" start_daemon || bail_out "foiad did not restart"
expect_exit 0 "holidays after the restart" -- foia holidays --year 2025
expect_out_matches "the imported day survives a restart" '^2025-03-14 Fri +Pi Day$'
is "$(due)" "$due_before" "calc still counts past them after the restart"
expect_exit 0 "uk holidays after the restart" -- \
	foia holidays --jurisdiction uk --year 2025
expect_out_matches "the file's day survives too" '^2025-05-08 Thu +VE Day 80$'

# -- SIGTERM while a download is pending
hits=$(slow_hits)
foia holidays import "$SLOW/slow.ics" --calendar us-federal \
	>/dev/null 2>&1 &
pending_client=$!
ok "another slow download has started" wait_for 5 slow_past "$hits"
stop_daemon "foiad exits 0 on SIGTERM during a download"
wait_exit "$pending_client" 10

done_testing
