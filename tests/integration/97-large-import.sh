#!/usr/bin/env bash
#
# 97-large-import.sh: files bigger than a protocol line (1 MiB) go to foiad
# in parts (`upload`) and are imported whole, through the real binaries. A
# 2 MiB CSV of 3,000 requests, with descriptions in several scripts (so
# parts end between the bytes of one character only if the split is
# wrong) and quotes, commas and newlines in fields, is imported: every row
# arrives, byte for byte. Its JSON backup (over 1 MiB) is restored into an
# empty database and exported again: the same bytes. An upload belongs to
# the connection that made it. request.list pages: --limit and --offset
# cut the same order as the whole list, and total counts every match.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

ok "daemon starts" start_daemon || bail_out "foiad did not start"

ROWS=3000
/usr/bin/python3 - "$T_DIR/big.csv" "$ROWS" <<'EOF'
import csv, sys
path, rows = sys.argv[1], int(sys.argv[2])
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["title", "status", "agency", "submitted", "project",
                "description"])
    for i in range(rows):
        desc = ("Registros de vuelos de deportación — «Operación %d», "
                "naïve café 東京 ✈ \"quoted\", comma, and\na newline. " % i) * 6
        w.writerow(["Flight records %d" % i, "submitted",
                    ["ICE", "CBP", "FBI"][i % 3],
                    "2025-%02d-%02d" % (1 + i % 12, 1 + i % 28),
                    "big" if i % 2 else "", desc])
EOF
SIZE=$(stat -c %s "$T_DIR/big.csv")
ok "the CSV is over 1 MiB ($SIZE bytes)" test "$SIZE" -gt $((1024 * 1024))

expect_exit 0 "import a CSV over 1 MiB exits 0" -- \
	foia import --format csv "$T_DIR/big.csv"
expect_out_matches "every row imported" "^$ROWS requests imported"
expect_exit 0 "list --all --json" -- foia list --all --json
is "$(json_eval 'len(d)' "$OUTF")" "$ROWS" "the list holds every row"
expect_exit 0 "show the last row" -- foia show "$ROWS" --json
is "$(/usr/bin/python3 -c '
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
got = json.load(open(sys.argv[2]))["request"]
want = rows[-1]
print(got["subject"] == want["title"] and
      got["description"] == want["description"] and
      got["agency"] == want["agency"])' "$T_DIR/big.csv" "$OUTF")" True \
	"the last row arrived byte for byte (description in several scripts)"
expect_exit 0 "show a middle row" -- foia show 1501 --json
is "$(/usr/bin/python3 -c '
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
print(json.load(open(sys.argv[2]))["request"]["description"] == rows[1500]["description"])' \
	"$T_DIR/big.csv" "$OUTF")" True "a middle row arrived byte for byte"

# -- paging: a page is a slice of the whole list, in the same order
expect_exit 0 "the whole list as JSON" -- foia list --json
/usr/bin/python3 -c 'import json,sys; print(json.dumps([r["id"] for r in json.load(open(sys.argv[1]))]))' \
	"$OUTF" >"$T_DIR/all-ids"
expect_exit 0 "list --limit 5 --offset 10 --json" -- \
	foia list --limit 5 --offset 10 --json
is "$(/usr/bin/python3 -c 'import json,sys; print(json.dumps([r["id"] for r in json.load(open(sys.argv[1]))]))' "$OUTF")" \
	"$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[10:15]))' "$T_DIR/all-ids")" \
	"the page is the whole list's positions 10..14"
expect_exit 0 "list --limit 3 (text)" -- foia list --limit 3
is "$(tail -n +2 "$OUTF" | wc -l)" 3 "three rows on the page (and the header)"
expect_err_matches "stderr says how many more" "3 of $ROWS shown"
expect_exit 0 "list --project big --limit 2 --offset 1499 --json" -- \
	foia list --project big --limit 2 --offset 1499 --json
is "$(json_eval 'len(d)' "$OUTF")" 1 "the last page of a project holds the rest"
expect_exit 0 "list --limit 5 --offset 0 --json: the first page" -- \
	foia list --limit 5 --offset 0 --json
is "$(/usr/bin/python3 -c 'import json,sys; print(json.dumps([r["id"] for r in json.load(open(sys.argv[1]))]))' "$OUTF")" \
	"$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[0:5]))' "$T_DIR/all-ids")" \
	"offset 0 is the whole list's positions 0..4"
expect_exit 65 "list --offset -1 is refused" -- foia list --offset -1
expect_err_matches "... naming what is accepted" \
	"invalid number '-1' for --offset \(expected a non-negative whole number\)"
expect_exit 65 "list --limit 0 is refused" -- foia list --limit 0
expect_exit 65 "list --limit x is refused" -- foia list --limit x

# -- an upload belongs to its connection
R=$(/usr/bin/python3 "$T_REPO/tests/integration/rawclient.py" "$SOCK" lines \
	'{"v":1,"id":1,"method":"upload","params":{"data":"title,status,agency\n"}}')
TOKEN=$(printf '%s' "$R" | /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["result"]["upload"])')
like "$TOKEN" '^u[0-9]+$' "upload answers with a token"
R=$(/usr/bin/python3 "$T_REPO/tests/integration/rawclient.py" "$SOCK" lines \
	"{\"v\":1,\"id\":2,\"method\":\"import\",\"params\":{\"format\":\"csv\",\"upload\":\"$TOKEN\"}}")
like "$R" '"not_found"' "another connection cannot name it (it is gone)"

# -- a JSON backup over 1 MiB, restored through the same path
expect_exit 0 "export" -- foia export
cp "$OUTF" "$T_DIR/big.json"
SIZE=$(stat -c %s "$T_DIR/big.json")
ok "the backup is over 1 MiB ($SIZE bytes)" test "$SIZE" -gt $((1024 * 1024))
stop_daemon

DB=$T_DIR/restored.db
write_config "agencies = \"$T_DIR/no-seed.conf\";"
ok "empty daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "restore the big backup exits 0" -- foia import "$T_DIR/big.json"
expect_out_matches "it restored every request" "^restored: .*$ROWS request( |$)"
expect_exit 0 "export the restored database" -- foia export
ok "export, import, export: the same bytes" cmp -s "$OUTF" "$T_DIR/big.json"
stop_daemon

done_testing
