#!/usr/bin/env bash
#
# 20-batch.sh: one `foia file` naming several agencies files one request per
# agency, linked as a batch (batch = id of the first), atomically: a batch
# with one unknown agency files nothing.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

ok "daemon starts" start_daemon || bail_out "foiad did not start"

expect_exit 0 "file with three agencies exits 0" -- foia file --agency ICE \
	--agency CBP --agency USCIS --subject "Body camera policy" \
	--sent 2025-04-01 --project cams --tag policy
mapfile -t ids <"$OUTF"
is "${#ids[@]}" 3 "prints three lines"
is "$(printf '%s\n' "${ids[@]}" | grep -Ec '^[1-9][0-9]*$')" 3 \
	"each line is an id"
is "$(printf '%s\n' "${ids[@]}" | sort -u | wc -l)" 3 "the ids are distinct"

agencies=(ICE CBP USCIS)
for i in 0 1 2; do
	id=${ids[i]:-0}
	expect_exit 0 "show ${agencies[i]} request" -- foia show "$id" --json
	is "$(json_eval 'd["request"]["agency"]' "$OUTF")" "${agencies[i]}" \
		"request $id is for ${agencies[i]} (the order given)"
	is "$(json_eval 'd["request"]["subject"]' "$OUTF")" \
		"Body camera policy" "request $id has the subject"
	is "$(json_eval '[d["request"]["status"], d["request"]["sent"],
		d["request"]["project"], d["request"]["tags"]]' "$OUTF")" \
		'["submitted", "2025-04-01", "cams", ["policy"]]' \
		"request $id has the shared fields"
	is "$(json_eval 'd["request"]["batch"]' "$OUTF")" "${ids[0]:-x}" \
		"request $id is in the batch of the first id"
	is "$(json_eval '[e["kind"] for e in d["events"]].count("filed")' \
		"$OUTF")" 1 "request $id has its own filed event"
done

expect_exit 0 "list --json" -- foia list --json
is "$(json_eval 'len(d)' "$OUTF")" 3 "list shows three requests"
is "$(json_eval 'len(set(r["batch"] for r in d))' "$OUTF")" 1 \
	"all three share one batch"

# Each member is its own request: updating one leaves the others alone.
expect_exit 0 "update the CBP request" -- foia update "${ids[1]:-0}" \
	--status acknowledged --date 2025-04-03
expect_exit 0 "list --json after update" -- foia list --json
is "$(json_eval '[r["status"] for r in sorted(d, key=lambda r: r["id"])]' \
	"$OUTF")" '["submitted", "acknowledged", "submitted"]' \
	"only the updated member changed status"

# A single agency: no batch.
expect_exit 0 "file with one agency" -- foia file --agency ICE \
	--subject "Single"
single=$OUT
expect_exit 0 "show single" -- foia show "$single" --json
is "$(json_eval 'd["request"]["batch"]' "$OUTF")" null \
	"a single request has batch null"

# --json result of a batch.
expect_exit 0 "file two agencies --json" -- foia file --agency DHS \
	--agency ICE --subject "Two" --json
is "$(json_eval 'len(d["ids"]) == 2 and d["batch"] == d["ids"][0]' \
	"$OUTF")" true "file --json: ids and batch = first id"

# Atomic: one unknown agency, nothing filed.
expect_exit 0 "list --all before" -- foia list --all --json
before=$(cat "$OUTF")
expect_exit 1 "batch with an unknown agency is refused" -- foia file \
	--agency ICE --agency NOPE-X --agency CBP --subject "Half a batch"
expect_err_matches "error names the unknown agency" "NOPE-X"
expect_exit 0 "list --all after" -- foia list --all --json
is "$(cat "$OUTF")" "$before" "nothing of the refused batch was filed"

stop_daemon
done_testing
