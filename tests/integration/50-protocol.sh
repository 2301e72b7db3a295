#!/usr/bin/env bash
#
# 50-protocol.sh: the wire protocol seen by a raw client (rawclient.py):
# error replies for bad lines keep or close the connection as documented,
# a stalled client neither blocks others nor lives past client_timeout, and
# many clients at once are all served (distinct ids under concurrent
# filing).

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries
RAW=("$PYTHON" "$(dirname "$0")/rawclient.py")

ok "daemon starts" start_daemon || bail_out "foiad did not start"
STATUS='{"v":1,"id":2,"method":"status","params":{}}'

# reply N KEY: KEY of the Nth reply line in $OUTF ("error.code", "id", ...).
reply()
{
	sed -n "${1}p" "$OUTF" | json_eval "$2" 2>&1
}

# -- not JSON: parse_error, connection still usable
expect_exit 0 "raw: not JSON, then status" -- "${RAW[@]}" "$SOCK" lines \
	'this is not json' "$STATUS"
is "$(reply 1 'd["error"]["code"]')" parse_error "not JSON -> parse_error"
is "$(reply 1 'd["id"]')" null "parse_error reply has id null"
is "$(reply 1 'd["v"]')" 1 "error reply carries v 1"
is "$(reply 2 '[d["id"], "result" in d, d.get("result", {}).get("protocol")]')" \
	'[2, true, 1]' "same connection answers a status request after parse_error"

expect_exit 0 "raw: JSON that is not an object" -- "${RAW[@]}" "$SOCK" lines \
	'[1,2,3]' "$STATUS"
is "$(reply 1 'd["error"]["code"]')" parse_error "JSON array -> parse_error"
is "$(reply 2 'd["id"]')" 2 "still answered after it"

expect_exit 0 "raw: invalid UTF-8 line" -- "${RAW[@]}" "$SOCK" lines \
	"$(printf '{"v":1,"id":5,"method":"status\xff","params":{}}')" "$STATUS"
like "$(reply 1 'd["error"]["code"]')" '^(parse_error|unknown_method)$' \
	"invalid UTF-8 -> an error reply"
is "$(reply 2 'd["id"]')" 2 "still answered after invalid UTF-8"

# -- unknown method, bad version
expect_exit 0 "raw: unknown method" -- "${RAW[@]}" "$SOCK" lines \
	'{"v":1,"id":3,"method":"request.frobnicate","params":{}}' "$STATUS"
is "$(reply 1 '[d["id"], d["error"]["code"]]')" '[3, "unknown_method"]' \
	"unknown method -> unknown_method with the id echoed"
like "$(reply 1 'd["error"]["message"]')" 'request\.frobnicate' \
	"unknown_method message names the method"
is "$(reply 2 'd["id"]')" 2 "still answered after unknown_method"

expect_exit 0 "raw: v 2" -- "${RAW[@]}" "$SOCK" lines \
	'{"v":2,"id":4,"method":"status","params":{}}' "$STATUS"
is "$(reply 1 '[d["id"], d["error"]["code"]]')" '[4, "bad_version"]' \
	"v 2 -> bad_version"
is "$(reply 2 'd["id"]')" 2 "still answered after bad_version"
expect_exit 0 "raw: no v" -- "${RAW[@]}" "$SOCK" lines \
	'{"id":6,"method":"status","params":{}}'
is "$(reply 1 'd["error"]["code"]')" bad_version "missing v -> bad_version"

expect_exit 0 "raw: bad params" -- "${RAW[@]}" "$SOCK" lines \
	'{"v":1,"id":7,"method":"request.show","params":{"id":"x"}}'
is "$(reply 1 'd["error"]["code"]')" invalid "request.show with id \"x\" -> invalid"

# -- pipelined requests are answered in order
expect_exit 0 "raw: three requests in one write" -- "${RAW[@]}" "$SOCK" pipeline \
	'{"v":1,"id":11,"method":"status","params":{}}' \
	'{"v":1,"id":12,"method":"nope","params":{}}' \
	'{"v":1,"id":13,"method":"agency.list","params":{}}'
is "$(for i in 1 2 3; do reply $i 'd["id"]'; done | tr '\n' ' ')" \
	"11 12 13 " "pipelined replies come in order"

# -- a line over 1 MiB: too_long, closed, others still served
toolong=$("${RAW[@]}" "$SOCK" toolong $((2 * 1024 * 1024)))
is "$(printf '%s' "$toolong" | json_eval 'd["reply"]["error"]["code"]' 2>&1)" \
	too_long "2 MiB line -> too_long"
is "$(printf '%s' "$toolong" | json_eval 'd["closed"]' 2>&1)" true \
	"connection closed after too_long"
expect_exit 0 "daemon still answers after too_long" -- foia status
ok "daemon alive after too_long" daemon_alive

# -- a stalled client
for mode in none half; do
	res=$("${RAW[@]}" "$SOCK" stall "$mode" 5)
	diag "stall $mode: $(printf '%s' "$res" | json_eval '{k: v for k, v in d.items()
		if k != "other"}' 2>&1)"
	ok "stall ($mode): another client's status is answered" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
sys.exit(not (isinstance(d["other"], dict) and "result" in d["other"]))' "$res"
	ok "stall ($mode): ... within 1 s" python3 -c '
import json, sys
sys.exit(json.loads(sys.argv[1])["other_latency"] >= 1.0)' "$res"
	ok "stall ($mode): stalled client gets timeout or EOF" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
s = d["stalled"]
sys.exit(not (d["stalled_closed"] and
              (s is None or s["error"]["code"] == "timeout")))' "$res"
	ok "stall ($mode): ... with the timeout error reply" python3 -c '
import json, sys
s = json.loads(sys.argv[1])["stalled"]
sys.exit(not (isinstance(s, dict) and s["error"]["code"] == "timeout"))' "$res"
	ok "stall ($mode): ... after client_timeout (2 s), within 4 s" python3 -c '
import json, sys
e = json.loads(sys.argv[1])["stalled_elapsed"]
sys.exit(not (1.5 <= e <= 4.0))' "$res"
done

# -- 20 concurrent foia file
cdir=$T_DIR/concurrent
mkdir -p "$cdir"
pids=()
for i in $(seq 20); do
	foia file --agency ICE --subject "Concurrent $i" \
		>"$cdir/$i.out" 2>"$cdir/$i.err" &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do
	wait "$p" || fails=$((fails + 1))
done
is "$fails" 0 "20 concurrent foia file all exit 0"
is "$(cat "$cdir"/*.out | grep -Ec '^[0-9]+$')" 20 "each printed an id"
is "$(cat "$cdir"/*.out | sort -u | wc -l)" 20 "the 20 ids are distinct"
expect_exit 0 "list after concurrent filing" -- foia list --json
is "$(json_eval 'sorted(r["subject"] for r in d) ==
	sorted("Concurrent %d" % i for i in range(1, 21))' "$OUTF")" true \
	"all 20 requests are stored, once each"
is "$(json_eval 'sorted(r["id"] for r in d)' "$OUTF")" \
	"$(cat "$cdir"/*.out | sort -n | paste -sd, | sed 's/,/, /g; s/^/[/; s/$/]/')" \
	"the stored ids are the ids printed"

# -- 30 simultaneous raw connections
many=$("${RAW[@]}" "$SOCK" many 30)
diag "many: $many"
is "$(printf '%s' "$many" | json_eval 'd["answered"]' 2>&1)" 30 \
	"30 simultaneous connections all answered"
# -- big replies: 20 requests with 60 KB descriptions make a list reply of
# over 1 MB, which the daemon must write in pieces without blocking others.
head -c 60000 /dev/zero | tr '\0' d >"$T_DIR/big.txt"
fails=0
for i in $(seq 20); do
	foia file --agency CBP --subject "Big $i" \
		--description-file "$T_DIR/big.txt" >/dev/null ||
		fails=$((fails + 1))
done
is "$fails" 0 "20 requests with 60 KB descriptions filed"
expect_exit 0 "list --all --json with a reply over 1 MB" -- foia list --all --json
is "$(json_eval 'sum(1 for r in d if r["subject"].startswith("Big ")
	and r["description"] == "d" * 60000)' "$OUTF")" 20 \
	"every big description arrives whole"
slow=$("${RAW[@]}" "$SOCK" slowread 1.5)
diag "slowread: $slow"
is "$(printf '%s' "$slow" | json_eval '[d.get("requests"), d["other_ok"]]' 2>&1)" \
	"[40, true]" "a client slow to read a big reply gets all of it, others are served"
ok "... and the others within 1 s" python3 -c '
import json, sys
sys.exit(json.loads(sys.argv[1])["other_latency"] >= 1.0)' "$slow"

ok "daemon alive at the end" daemon_alive

stop_daemon
done_testing
