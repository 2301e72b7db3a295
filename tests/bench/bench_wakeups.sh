#!/usr/bin/env bash
#
# bench_wakeups.sh: how often an idle foiad wakes up (`make bench`).
#
# Issue 4's figure: with requests on file, calendar feeds and reminders
# configured but nothing due, the daemon should sleep in poll() until the
# next reminder, a client or a signal: zero wake-ups a minute. A wake-up is
# a voluntary context switch (the process blocked again after running), read
# from /proc/PID/status before and after BENCH_WAKEUPS_SECONDS (default 30)
# of nothing. Prints the figure; asserts nothing.
set -u

build=${BUILD:-build}
seconds=${BENCH_WAKEUPS_SECONDS:-30}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case $build in /*) ;; *) build=$repo/$build ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench_wakeups.XXXXXX") || exit 1
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

cat >"$dir/foiad.conf" <<CONF
agencies = "$repo/config/agencies.conf";
jurisdictions = "$repo/config/jurisdictions.conf";
calendar = { directory = "$dir/cal"; domain = "bench.test"; };
reminders = { leads = [7, 1, 0]; time = "09:00"; timezone = "UTC"; digest = "weekly"; };
webhook = { url = "http://127.0.0.1:9/hook"; };
CONF
sock=$dir/foiad.sock
"$build/foiad" -f -c "$dir/foiad.conf" --socket "$sock" \
	--database "$dir/foiad.db" 2>"$dir/foiad.log" &
pid=$!
for _ in $(seq 100); do [[ -S $sock ]] && break; sleep 0.05; done
today=$(date -u +%F)
for i in $(seq 20); do
	"$build/foia" --socket "$sock" file --agency ICE --subject "Request $i" \
		--sent "$today" >/dev/null || exit 1
done
# Let the feeds' debounce and the first plan settle.
sleep 8
switches() { awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$pid/status"; }
before=$(switches)
sleep "$seconds"
after=$(switches)
per_min=$(awk -v n=$((after - before)) -v s="$seconds" 'BEGIN { printf "%.1f", n * 60 / s }')
echo "  idle foiad (20 requests, feeds, reminders, digest): $((after - before)) wake-ups in $seconds s"
echo "FIGURE idle_wakeups $per_min per_minute target 0"
