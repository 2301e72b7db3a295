#!/usr/bin/env bash
#
# 65-systemd-analyze.sh: the system unit's sandbox, as systemd judges it.
# `systemd-analyze security --offline=true` rates foiad.service (with
# @SBINDIR@ filled in as `make install` does) from 0 (locked down) to 10;
# it must stay at 1.5 or below, so a setting dropped from the unit, or a
# new one that opens it up, fails here. Skipped where systemd-analyze is
# missing or too old for --offline.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

MAX=1.5
if ! command -v systemd-analyze >/dev/null; then
	echo "1..0 # SKIP no systemd-analyze"
	exit 0
fi
U=$T_DIR/units
mkdir "$U"
sed 's|@SBINDIR@|/usr/local/sbin|g' "$T_REPO/systemd/foiad.service" \
	>"$U/foiad.service"
cp "$T_REPO/systemd/foiad.socket" "$U/foiad.socket"
if ! (cd "$U" && timeout 60 systemd-analyze security --offline=true \
	foiad.service >"$T_DIR/sa.out" 2>"$T_DIR/sa.err"); then
	if grep -qi "unrecognized option\|offline" "$T_DIR/sa.err"; then
		echo "1..0 # SKIP systemd-analyze without --offline"
		exit 0
	fi
fi
diag "$(grep -v '✓' "$T_DIR/sa.out" | tail -n 12)"
level=$(sed -n 's/.*Overall exposure level for foiad.service: \([0-9.]*\).*/\1/p' \
	"$T_DIR/sa.out")
like "$level" '^[0-9]+\.[0-9]+$' "systemd-analyze rates foiad.service" ||
	diag "$(cat "$T_DIR/sa.err")"
ok "exposure $level is at most $MAX" awk -v l="$level" -v m="$MAX" \
	'BEGIN { exit !(l != "" && l + 0 <= m + 0) }'
ok "it runs as its own user, not root" grep -q '^User=foiad$' "$U/foiad.service"
nok "no finding with exposure of 0.5 or more but network and users" \
	grep -E '✗ (RootDirectory|DeviceAllow|UMask|Capability|Protect|Private[^NU]|SystemCall|Restrict[^A]).* (0\.[5-9]|[1-9]\.[0-9])$' \
	"$T_DIR/sa.out"
done_testing
