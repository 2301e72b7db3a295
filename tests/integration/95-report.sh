#!/usr/bin/env bash
#
# 95-report.sh: `foia report`, the group status report, against a fixture
# database built here through foia with known answers: the counts by
# status, agency, project and member; the overdue list; the deadlines of
# the next 14 days; the requests ripe for suit; appeal windows; open
# tolls; and agency performance (medians and 90th percentiles of working
# days without tolled days, the on-time share, and statistics hidden below
# the minimum sample, and beside them the medians the agency published of
# itself, imported with `foia agency import`). Then each format (text,
# markdown, csv, json, html), --output, the filters and bad input; and the HTML report opened in
# headless Chromium, whose screenshot must show a real page.
#
# Performance uses fixed dates in 2025, so its answers are fixed; the open
# requests use dates relative to today, so their deadlines are too.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

write_config "jurisdictions = \"$T_REPO/config/jurisdictions.conf\";"
ok "daemon starts" start_daemon || bail_out "foiad did not start"

day() { date -d "$1" +%F; }
TODAY=$(day today)

# file AGENCY PROJECT RECEIVED: file one request, its id on stdout.
file()
{
	local proj=()
	[[ -n $2 ]] && proj=(--project "$2")
	foia file --agency "$1" --subject "request to $1" "${proj[@]}" \
		--sent "$3" --received "$3" --json | json_eval 'd["ids"][0]'
}

# answered AGENCY ACK DETERMINATION STATUS: received 2025-03-03 (a
# Monday), acknowledged and answered on the dates given.
answered()
{
	local id
	id=$(file "$1" alpha 2025-03-03) || return 1
	foia update "$id" --status acknowledged --date "$2" >/dev/null &&
		foia update "$id" --status "$4" --date "$3" >/dev/null &&
		echo "$id"
}

# -- the fixture
# DHS: five answers. Working days from 2025-03-03: acknowledged after
# 2, 1, 3, 4, 2; determined after 5, 10, 20, 30 and (20 + 8 tolled) 20.
# Due 2025-03-31 (2025-04-10 with the toll): all on time but the fourth.
R1=$(answered DHS 2025-03-05 2025-03-10 granted)
R2=$(answered DHS 2025-03-04 2025-03-17 denied)
R3=$(answered DHS 2025-03-06 2025-03-31 granted)
R4=$(answered DHS 2025-03-07 2025-04-14 no-records)
R5=$(file DHS alpha 2025-03-03)
foia update "$R5" --status acknowledged --date 2025-03-05 >/dev/null
foia toll "$R5" --from 2025-03-10 --until 2025-03-20 \
	--reason clarification >/dev/null
foia update "$R5" --status granted --date 2025-04-10 >/dev/null
# ICE: two answers, below the minimum sample of 5.
R6=$(answered ICE 2025-03-04 2025-03-05 granted)
R7=$(answered ICE 2025-03-04 2025-03-06 denied)
# Open: overdue since 2025-03-31; due by agreement in 7 days; denied ten
# days ago (its appeal window runs); a fee toll open for five days; and a
# withdrawn one, in the counts only.
R8=$(file CBP beta 2025-03-03)
R9=$(file CBP beta "$(day '10 days ago')")
foia agree "$R9" --date "$(day '7 days')" --reason "phone call" >/dev/null
R10=$(file CBP beta "$(day '20 days ago')")
foia update "$R10" --status denied --date "$(day '10 days ago')" >/dev/null
R11=$(file ICE beta "$(day '20 days ago')")
foia toll "$R11" --from "$(day '5 days ago')" --reason fees >/dev/null
R12=$(file ICE "" "$(day '20 days ago')")
foia update "$R12" --status withdrawn >/dev/null
is "$R1 $R12" "1 12" "fixture: twelve requests filed"
# DHS's own published medians, as a plain list of FOIA.gov attributes.
cat >"$T_DIR/published.json" <<'JSON'
[{"abbreviation": "DHS", "title": "Department of Homeland Security",
  "request_data_year": "2024", "request_data_simple_median_days": "20.5",
  "request_data_complex_median_days": 95}]
JSON
expect_exit 0 "fixture: DHS's published medians imported" -- \
	foia agency import "$T_DIR/published.json"

expect_exit 0 "report --format json" -- foia report --format json
J=$T_DIR/report.json
cp "$OUTF" "$J"
is "$(json_eval '[d["totals"]["requests"], d["totals"]["open"]]' "$J")" \
	"[12, 3]" "totals: 12 requests, 3 awaiting an answer"
is "$(json_eval '[[r["status"], r["n"]] for r in d["by_status"]]' "$J")" \
	'[["granted", 4], ["denied", 3], ["submitted", 3], ["no-records", 1], ["withdrawn", 1]]' \
	"counts by status, largest first"
is "$(json_eval '[[r["agency"], r["n"]] for r in d["by_agency"]]' "$J")" \
	'[["DHS", 5], ["ICE", 4], ["CBP", 3]]' "counts by agency"
is "$(json_eval '[[r["project"], r["n"]] for r in d["by_project"]]' "$J")" \
	'[["alpha", 7], ["beta", 4], [null, 1]]' \
	"counts by project, null for none"
is "$(json_eval '[[r["member"], r["n"]] for r in d["by_member"]]' "$J")" \
	"[[\"$T_USER\", 12]]" "counts by member"
is "$(json_eval '[[r["request"], r["kind"], r["due"], r["days_overdue"]]
	for r in d["overdue"]]' "$J")" \
	"[[$R8, \"determination\", \"2025-03-31\", $((($(date -d "$TODAY" +%s) - $(date -d 2025-03-31 +%s)) / 86400))]]" \
	"overdue: the unanswered one, with its days overdue"
is "$(json_eval '[[r["request"], r["due"], r["days_left"]]
	for r in d["upcoming"]]' "$J")" \
	"[[$R9, \"$(day '7 days')\", 7]]" "due in the next 14 days"
is "$(json_eval '[[r["request"], r["since"]] for r in d["ripe_for_suit"]]' \
	"$J")" "[[$R8, \"2025-04-01\"]]" \
	"ripe for suit: unanswered, exhausted since the day after it was due"
is "$(json_eval '[r["request"] for r in d["appeal_windows"]]' "$J")" \
	"[$R10]" "appeal windows: the recent denial"
is "$(json_eval '[[r["request"], r["reason"], r["since"], r["days"]]
	for r in d["tolls_open"]]' "$J")" \
	"[[$R11, \"fees\", \"$(day '5 days ago')\", 5]]" \
	"open tolls: the agency waits on us"
is "$(json_eval '[r["request"] for r in d["open"]]' "$J")" \
	"[$R8, $R9, $R11]" "open: the requests awaiting an answer"
P='{a["agency"]: a for a in d["performance"]["agencies"]}'
is "$(json_eval "$P[\"DHS\"][\"acknowledgment\"]" "$J")" \
	'{"median": 2.0, "p90": 4}' "DHS acknowledges in 2 working days, p90 4"
is "$(json_eval "$P[\"DHS\"][\"determination\"]" "$J")" \
	'{"median": 20.0, "p90": 30}' \
	"DHS determines in 20 working days (tolled days left out), p90 30"
is "$(json_eval "round($P[\"DHS\"][\"on_time_share\"], 3)" "$J")" 0.8 \
	"DHS answered 4 of 5 on time"
is "$(json_eval "[$P[\"ICE\"][k] for k in ('acknowledgment',
	'determination', 'on_time_share')]" "$J")" '[null, null, null]' \
	"ICE: two answers are below the minimum sample"
is "$(json_eval "$P[\"ICE\"][\"sample\"]" "$J")" \
	'{"acknowledgment": 2, "determination": 2, "on_time": 2}' \
	"ICE: the sample sizes are still given"
is "$(json_eval 'd["performance"]["min_sample"]' "$J")" 5 "minimum sample 5"
is "$(json_eval "[$P[\"DHS\"][\"published_median\"][k] for k in
	('simple', 'complex', 'year', 'source')]" "$J")" \
	'[20.5, 95.0, 2024, "published.json"]' \
	"DHS: its own published medians beside the group's"
is "$(json_eval "$P[\"ICE\"][\"published_median\"]" "$J")" null \
	"ICE: nothing published, null"

# -- filters
expect_exit 0 "--project beta" -- foia report --project beta --format json
is "$(json_eval '[d["totals"]["requests"], d["filter"]["project"]]' \
	"$OUTF")" '[4, "beta"]' "--project: only its requests"
expect_exit 0 "--agency dhs" -- foia report --agency dhs --format json
is "$(json_eval '[[r["agency"], r["n"]] for r in d["by_agency"]]' "$OUTF")" \
	'[["DHS", 5]]' "--agency: case-insensitive code"
expect_exit 0 "--since/--until" -- foia report --since 2025-01-01 \
	--until 2025-12-31 --format json
is "$(json_eval 'd["totals"]["requests"]' "$OUTF")" 8 \
	"--since/--until: the eight sent in 2025"
expect_exit 0 "--member nobody" -- foia report --member nobody --format json
is "$(json_eval '[d["totals"]["requests"], d["by_status"]]' "$OUTF")" \
	'[0, []]' "--member: none for someone who did nothing"
expect_exit 0 "--member $T_USER" -- foia report --member "$T_USER" \
	--format json
is "$(json_eval 'd["totals"]["requests"]' "$OUTF")" 12 \
	"--member: everything the filer filed"

# -- formats
expect_exit 0 "text" -- foia report
expect_out_matches "text: totals" '^12 requests, 3 open$'
expect_out_matches "text: aligned status counts" '^  granted +4$'
expect_out_matches "text: the overdue request" "^ +#$R8  CBP "
expect_out_matches "text: ICE hidden below the sample" '^  ICE +- +- +2 +- +- +2 +- +- +- +-$'
expect_out_matches "text: DHS performance and published medians" \
	'^  DHS +2\.0 +4 +5 +20\.0 +30 +5 +80% +20\.5 +95\.0 +2024$'
expect_out_matches "text: the published columns explained" \
	'median working days the agency itself published'
unlike "$OUT" $'\033' "text: no color when not a terminal"
expect_exit 0 "markdown" -- foia report --format markdown
expect_out_matches "markdown: a heading" '^## Overdue$'
expect_out_matches "markdown: a table row" "^\| #$R8 +\| CBP +\|"
expect_out_matches "markdown: DHS's published medians" \
	'^\| DHS .*\| 20\.5 +\| 95\.0 +\| 2024 +\|$'
expect_exit 0 "csv" -- foia report --format csv
expect_out_matches "csv: section header" '^section,Status,Requests'
expect_out_matches "csv: a row" '^by_status,granted,4'
expect_out_matches "csv: performance" '^performance\.agencies,DHS,2\.0,4,5,20\.0,30,5,80%,20\.5,95\.0,2024.?$'
expect_out_matches "csv: none published is -" '^performance\.agencies,ICE,.*,-,-,-.?$'
expect_exit 0 "json with --json" -- foia report --json
is "$(json_eval 'd["totals"]["requests"]' "$OUTF")" 12 "--json is --format json"
HTML=$T_DIR/report.html
expect_exit 0 "html to a file" -- foia report --format html --output "$HTML"
expect_out_empty "--output: nothing on stdout"
like "$(cat "$HTML")" '<svg' "html: inline SVG charts"
unlike "$(cat "$HTML")" '<script|src="http|href="http' \
	"html: self-contained (no scripts, nothing fetched)"
like "$(cat "$HTML")" 'today '"$TODAY" "html: the timeline marks today"
like "$(cat "$HTML")" '<td class="n">20\.5</td><td class="n">95\.0</td><td class="n">2024</td>' \
	"html: DHS's published medians in the performance table"

# -- -o, the short alias of --output
MD=$T_DIR/report.md
expect_exit 0 "-o FILE" -- foia report --format markdown -o "$MD"
expect_out_empty "-o: nothing on stdout"
like "$(head -n 1 "$MD")" '^# FOIA status report, ' "-o: the report is in the file"
rm -f "$MD"
expect_exit 0 "-oFILE, option and value in one word" -- \
	foia report -o"$MD" --format csv
like "$(head -n 1 "$MD")" '^section,Status,Requests' "-oFILE: the file"
expect_exit 64 "-o without a file" -- foia report -o
expect_err_matches "-o needs a value" "option '-o' \\(--output\\) needs a value"
expect_exit 64 "an unknown short option" -- foia report -x
expect_err_matches "named" "unknown option '-x'"
expect_exit 64 "-o where no option has it" -- foia list -o x
expect_err_matches "unknown there" "unknown option '-o'"
expect_exit 0 "help shows the alias" -- foia report --help
expect_out_matches "-o, --output in help" '^    -o, --output <file> +write the report'
expect_exit 0 "-h still asks for help" -- foia report -h
expect_out_matches "-h: usage" '^usage: foia report '

# -- bad input
expect_exit 64 "unknown format" -- foia report --format pdf
expect_err_matches "unknown format named" "unknown format 'pdf'"
expect_exit 65 "bad date" -- foia report --since 2025-13-01
expect_exit 1 "since after until" -- foia report --since 2025-02-01 \
	--until 2025-01-01
expect_err_matches "since after until said" "'since' 2025-02-01 is after"
expect_exit 73 "unwritable output" -- foia report --output /nonexistent/x.html

# -- the HTML page in a real browser
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $CHROMIUM ]]; then
	skip "html renders in chromium" "chromium is not installed"
else
	PNG=$T_DIR/report.png
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$T_DIR/chrome.XXXXXX")" \
		--screenshot="$PNG" --window-size=1200,1600 \
		"file://$HTML" >"$T_DIR/chromium.log" 2>&1
	# To look at the page yourself: REPORT_SCREENSHOT=/tmp/report.png
	[[ -n ${REPORT_SCREENSHOT:-} ]] && cp "$PNG" "$REPORT_SCREENSHOT" &&
		cp "$HTML" "${REPORT_SCREENSHOT%.png}.html"
	ok "html renders in chromium: a non-trivial screenshot" \
		python3 - "$PNG" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000, len(data)
# Decode the PNG (8-bit RGB or RGBA) to count colours: a blank page, or
# one that failed to load, has one or two.
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = set()
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[i] = (line[i] + pr) & 255
    if y % 9 == 0:
        colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
    prev = line
assert len(colours) > 10, len(colours)
PY
fi

stop_daemon

# -- report.min_sample from the configuration
write_config "jurisdictions = \"$T_REPO/config/jurisdictions.conf\";" \
	"report = { min_sample = 2; };"
ok "daemon starts with report.min_sample = 2" start_daemon ||
	bail_out "foiad did not start"
expect_exit 0 "report, min_sample 2" -- foia report --format json
is "$(json_eval "$P[\"ICE\"][\"determination\"]" "$OUTF")" \
	'{"median": 2.5, "p90": 3}' \
	"min_sample 2: ICE's two answers are shown (2 and 3 working days)"
stop_daemon
done_testing
