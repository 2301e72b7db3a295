#!/usr/bin/env bash
#
# 98-agency-import.sh: `foia agency import` end to end, with FOIA.gov's
# agency components (tests/integration/data/agency_components.json, the
# shape of GET https://api.foia.gov/api/agency_components?include=agency)
# read from a file by the CLI and downloaded by foiad from a real HTTP
# server on 127.0.0.1 (python3 -m http.server on a free port), following
# a paged answer's links.next. Bad
# components refuse the whole import, naming each by index and reason;
# --skip-bad imports the rest. New agencies are added under their parent,
# known ones updated, each change an event; `foia agency show` shows the
# website and the published medians. The same file again changes nothing;
# a 404 and a page that is not JSON are refused and change nothing. The
# agencies survive a restart. Also `agency add --website`.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

DAEMON_ENV=(no_proxy='*' NO_PROXY='*')
FIXTURE=$T_REPO/tests/integration/data/agency_components.json

WWW=$T_DIR/www
mkdir "$WWW" || bail_out "cannot create $WWW"
cp "$FIXTURE" "$WWW/agency_components.json"
printf '<html><body>not JSON</body></html>\n' >"$WWW/page.json"

"$PYTHON" -u -m http.server 0 --bind 127.0.0.1 --directory "$WWW" \
	>"$T_DIR/http.log" 2>&1 &
HTTP_PID=$!
at_exit kill "$HTTP_PID"
wait_for 5 grep -q 'port [0-9]' "$T_DIR/http.log" ||
	bail_out "python3 -m http.server did not start: $(cat "$T_DIR/http.log")"
PORT=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$T_DIR/http.log" | head -n 1)
URL=http://127.0.0.1:$PORT

ok "daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "agencies before" -- foia agency list --json
BEFORE=$(json_eval 'len(d)' "$OUTF")
ICE_BEFORE=$(foia agency show ICE --json)

# -- a file with bad components: nothing imported
expect_exit 1 "bad components refuse the file" -- foia agency import "$FIXTURE"
expect_err_matches "each bad component by index and reason" \
	"component 2: abbreviation 'OIG' is also that of component 3; component 3: abbreviation 'oig' is also that of component 2; component 4: invalid abbreviation 'CIS OMBUDSMAN'.*\\(3 bad components; nothing imported; --skip-bad imports the rest\\)"
is "$(foia agency list --json | json_eval 'len(d)')" "$BEFORE" \
	"no agency was added"
is "$(foia agency show ICE --json)" "$ICE_BEFORE" "ICE is unchanged"

# -- the same from the HTTP server, with --skip-bad
expect_exit 0 "URL import with --skip-bad" -- \
	foia agency import --skip-bad "$URL/agency_components.json?api_key=SECRET"
expect_out_matches "counts" '^agencies: 1 added, 2 updated, 0 unchanged, 3 skipped$'
expect_out_matches "a skipped component" \
	"^skipped component 4: invalid abbreviation 'CIS OMBUDSMAN'"
ok "foiad fetched it" grep -q 'GET /agency_components.json' "$T_DIR/http.log"
is "$(foia agency list --json | json_eval 'len(d)')" "$((BEFORE + 1))" \
	"one agency added"
expect_exit 0 "show the new one" -- foia agency show OBIM
expect_out_matches "its name" '^Name: +Office of Biometric Identity Management$'
expect_out_matches "its parent, from the included agency" '^Parent: +DHS$'
expect_out_matches "its website" '^Website: +https://www\.dhs\.gov/obim$'
expect_out_matches "its published median" \
	"^Published: +9\\.25 simple working days \\(median, FY2024; from $URL/agency_components\\.json\\)$"
unlike "$OUT" SECRET "the API key in the URL is not kept"
expect_exit 0 "show an updated one" -- foia agency show ICE --json
is "$(json_eval '[d["agency"][k] for k in ("name", "email", "portal",
	"website", "address")]' "$OUTF")" \
	'["U.S. Immigration and Customs Enforcement", "ice-foia@ice.dhs.gov", "https://www.securerelease.us/", "https://www.ice.gov/foia", "500 12th Street SW, Stop 5009\nFreedom of Information Act Office\nWashington, DC 20536-5009"]' \
	"ICE: name, email, portal, website and address from FOIA.gov"
is "$(json_eval '[d["agency"]["published_median"][k] for k in
	("simple", "complex", "year")]' "$OUTF")" '[23.0, 85.5, 2024]' \
	"ICE: its published medians"
expect_exit 0 "show ICE as text" -- foia agency show ICE
expect_out_matches "both tracks" \
	'^Published: +23 simple, 85\.5 complex working days \(median, FY2024; '

# -- every change is an event, by the caller, naming the source
expect_exit 0 "export" -- foia export
is "$(json_eval "sorted(e['field'] for e in d['event']
	if e['note'] == 'imported from $URL/agency_components.json'
	and e['agency_id'] == [a['id'] for a in d['agency']
	if a['code'] == 'ICE'][0])" "$OUTF")" \
	'["address", "email", "portal", "published_median_complex", "published_median_simple", "published_source", "published_year", "website"]' \
	"one event per changed field of ICE"
is "$(json_eval "[e['actor'] for e in d['event'] if e['kind'] == 'agency'
	and e['new_value'] == 'OBIM']" "$OUTF")" "[\"$T_USER\"]" \
	"the new agency's event names the caller"

# -- the same again changes nothing; --json gives the result
expect_exit 0 "the file again, --json" -- \
	foia agency import --skip-bad "$FIXTURE" --json
is "$(json_eval '[d["added"], d["updated"], d["unchanged"],
	[s["index"] for s in d["skipped"]]]' "$OUTF")" '[0, 3, 0, [2, 3, 4]]' \
	"from the file: only the source of the figures changes, for all three"
expect_exit 0 "and again" -- foia agency import --skip-bad "$FIXTURE" --json
is "$(json_eval '[d["added"], d["updated"], d["unchanged"]]' "$OUTF")" \
	'[0, 0, 3]' "nothing changes the second time"

# -- a paged answer is followed through links.next and imported whole
cat >"$WWW/page1.json" <<JSON
{"data": [{"type": "agency_component", "attributes": {"abbreviation":
  "PAGE-ONE", "title": "First Page Office"},
  "relationships": {"agency": {"data": {"type": "agency", "id": "d"}}}}],
 "links": {"next": {"href": "$URL/page2.json?page%5Boffset%5D=1"}}}
JSON
cat >"$WWW/page2.json" <<JSON
{"data": [{"type": "agency_component", "attributes": {"abbreviation":
  "PAGE-TWO", "title": "Second Page Office",
  "request_data_year": "2024", "request_data_simple_median_days": "7"}}],
 "included": [{"type": "agency", "id": "d",
  "attributes": {"abbreviation": "DOJ"}}]}
JSON
expect_exit 0 "a paged answer" -- foia agency import "$URL/page1.json" --json
is "$(json_eval '[d["added"], d["updated"]]' "$OUTF")" '[2, 0]' \
	"both pages' components added"
ok "the second page was fetched" grep -q 'GET /page2.json?page' "$T_DIR/http.log"
expect_exit 0 "the first page's" -- foia agency show PAGE-ONE --json
is "$(json_eval 'd["agency"]["parent"]' "$OUTF")" DOJ \
	"its parent from the second page's included agency"
cat >"$WWW/elsewhere.json" <<JSON
{"data": [{"abbreviation": "ELSE", "title": "Elsewhere"}],
 "links": {"next": "http://192.0.2.1/next.json"}}
JSON
expect_exit 1 "a next page on another host" -- \
	foia agency import "$URL/elsewhere.json"
expect_err_matches "is refused" "the next page of '$URL/elsewhere.json' is elsewhere"
expect_exit 1 "not added" -- foia agency show ELSE

# -- downloads that fail change nothing
expect_exit 1 "a 404" -- foia agency import "$URL/missing.json"
expect_err_matches "says so" "cannot fetch '$URL/missing.json': .*404"
expect_exit 1 "a page that is not JSON" -- foia agency import "$URL/page.json"
expect_err_matches "not JSON" "'$URL/page.json': line 1: not JSON"
expect_exit 65 "a missing file" -- foia agency import "$T_DIR/nope.json"
expect_exit 64 "no file" -- foia agency import
expect_exit 0 "unchanged" -- foia agency show ICE --json
is "$(json_eval 'd["agency"]["published_median"]["year"]' "$OUTF")" 2024 \
	"the failures changed nothing"

# -- agency add --website
expect_exit 0 "agency add --website" -- foia agency add EOIR-OCIJ \
	--name "Office of the Chief Immigration Judge" \
	--website https://www.justice.gov/eoir
expect_exit 0 "show it" -- foia agency show EOIR-OCIJ
expect_out_matches "its website" '^Website: +https://www\.justice\.gov/eoir$'
expect_exit 1 "a website that is no URL" -- foia agency update EOIR-OCIJ \
	--website www.justice.gov
expect_err_matches "refused" "invalid website 'www.justice.gov'"

# -- the figures survive a restart
stop_daemon
ok "daemon restarts" start_daemon || bail_out "foiad did not restart"
expect_exit 0 "after a restart" -- foia agency show OBIM --json
is "$(json_eval '[d["agency"]["published_median"]["simple"],
	d["agency"]["website"]]' "$OUTF")" '[9.25, "https://www.dhs.gov/obim"]' \
	"the published median and website were stored"
stop_daemon
done_testing
