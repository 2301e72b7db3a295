#!/usr/bin/env bash
#
# 60-socket.sh: who may reach the daemon, and how systemd talks to it.
# System mode (root): socket 0600, or 0660 with access.group; peers outside
# the group are refused with permission_denied. User mode (run as a
# throwaway user when the tests run as root): socket 0600 in a 0700
# directory at the XDG default paths, found by foia without --socket.
# sd_notify READY=1 / RELOADING=1 / STOPPING=1 to a path and an abstract
# NOTIFY_SOCKET, and socket activation (LISTEN_FDS/LISTEN_PID, fd 3).
# Roles, with real users run through the real foia: members file and
# update, admins (access.admins, access.admin_group) also change agencies,
# import holidays and restore backups; a member asking for those exits 4.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries
SD=("$PYTHON" "$(cd "$(dirname "$0")" && pwd)/sdhelper.py")
# A name of its own per run, so that concurrent runs do not delete each
# other's user.
TUSER=foiadtst$$

# A user outside every group the daemon trusts, able to open any file (so
# the daemon's own peer check is what refuses it): nobody with
# CAP_DAC_OVERRIDE.
OUTSIDER=()
if ((EUID == 0)) && command -v setpriv >/dev/null &&
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=+dac_override --ambient-caps=+dac_override -- true \
		2>/dev/null; then
	OUTSIDER=(setpriv --reuid=nobody --regid=nogroup --clear-groups
		--inh-caps=+dac_override --ambient-caps=+dac_override --)
fi

# The throwaway user for user mode, when running as root.
RUN_AS=()
HAVE_USER=0
if ((EUID == 0)); then
	if ! id "$TUSER" >/dev/null 2>&1 && command -v useradd >/dev/null; then
		if useradd --system --user-group --no-create-home \
			--shell /usr/sbin/nologin "$TUSER" >/dev/null 2>&1; then
			at_exit userdel "$TUSER"
			at_exit groupdel "$TUSER"
		fi
	fi
	if id "$TUSER" >/dev/null 2>&1; then
		HAVE_USER=1
		RUN_AS=(setpriv --reuid="$TUSER" --regid="$TUSER" --init-groups --)
	fi
fi

expect_status_ok()
{
	# foia status as ... ($1: name, rest: command prefix)
	local name=$1
	shift
	expect_exit 0 "$name" -- timeout 10 "$@" "$BUILD/foia" --socket "$SOCK" \
		status --json
}

# ------------------------------------------------------------ system mode
# Other users must reach sockets and homes inside the temp dir.
chmod 0711 "$T_DIR"

if ((EUID == 0)); then
	ok "system mode: daemon starts" start_daemon ||
		bail_out "foiad did not start"
	is "$(stat -c %a "$SOCK")" 600 "system mode, no access.group: socket 0600"
	is "$(stat -c %U "$SOCK")" root "... owned by root"
	expect_exit 0 "status" -- foia status --json
	is "$(json_eval 'd["mode"]' "$OUTF")" system "status says mode system"
	if ((HAVE_USER)); then
		expect_exit 69 "no access.group: another user cannot connect" -- \
			timeout 10 "${RUN_AS[@]}" "$BUILD/foia" --socket "$SOCK" status
	else
		skip "no access.group: another user cannot connect" "no test user"
	fi
	if ((${#OUTSIDER[@]})); then
		expect_exit 77 "no access.group: a non-root peer is refused (77)" -- \
			timeout 10 "${OUTSIDER[@]}" "$BUILD/foia" --socket "$SOCK" status
		expect_err_matches "... with the daemon's message" '^foia: .+'
	else
		skip "no access.group: a non-root peer is refused (77)" \
			"setpriv with CAP_DAC_OVERRIDE unavailable"
		skip "... with the daemon's message" "see above"
	fi
	stop_daemon

	# access.group: the test user's group when there is one.
	if ((HAVE_USER)); then
		group=$TUSER
	else
		group=$(id -gn)
	fi
	write_config "access = { group = \"$group\"; };"
	ok "system mode with access.group: daemon starts" start_daemon ||
		bail_out "foiad did not start"
	is "$(stat -c %a "$SOCK")" 660 "access.group: socket 0660"
	is "$(stat -c %G "$SOCK")" "$group" "access.group: socket group $group"
	if ((HAVE_USER)); then
		expect_status_ok "access.group: a member can use foia" "${RUN_AS[@]}"
		expect_exit 0 "access.group: a member can file" -- timeout 10 \
			"${RUN_AS[@]}" "$BUILD/foia" --socket "$SOCK" file \
			--agency ICE --subject "Filed by a group member"
		expect_exit 0 "show it" -- foia show "$OUT" --json
		is "$(json_eval 'd["request"]["created_by"]' "$OUTF")" "$TUSER" \
			"created_by is the peer's user, not the daemon's"
		is "$(json_eval '[e["actor"] for e in d["events"]]' "$OUTF")" \
			"[\"$TUSER\"]" "event actor is the peer's user"
	else
		skip "access.group: a member can use foia" "no test user"
	fi
	expect_status_ok "access.group: root can use foia"
	if ((${#OUTSIDER[@]})); then
		expect_exit 77 "access.group: a non-member is refused (77)" -- \
			timeout 10 "${OUTSIDER[@]}" "$BUILD/foia" --socket "$SOCK" status
		expect_err_matches "... with one error line" '^foia: .+'
	else
		skip "access.group: a non-member is refused (77)" \
			"setpriv with CAP_DAC_OVERRIDE unavailable"
	fi
	stop_daemon
	write_config
else
	skip "system mode checks" "not running as root"
fi

# ------------------------------------------------------------------ roles
# Real users: $TUSER is a member (its own group is access.group); $AUSER
# is a member named in access.admins; $GUSER a member in access.admin_group.
# Members read, file, update and import CSV; only admins add or change
# agencies, import holidays or restore a backup. Refusals exit 4.
AUSER=foiada$$
GUSER=foiadg$$
AGROUP=foiadag$$
HAVE_ROLES=0
if ((EUID == 0 && HAVE_USER)) && command -v groupadd >/dev/null &&
	groupadd --system "$AGROUP" >/dev/null 2>&1; then
	at_exit groupdel "$AGROUP"
	if useradd --system --user-group --no-create-home -G "$TUSER" 		--shell /usr/sbin/nologin "$AUSER" >/dev/null 2>&1; then
		at_exit groupdel "$AUSER"
		at_exit userdel "$AUSER"
		if useradd --system --user-group --no-create-home \
			-G "$TUSER,$AGROUP" --shell /usr/sbin/nologin "$GUSER" \
			>/dev/null 2>&1; then
			at_exit groupdel "$GUSER"
			at_exit userdel "$GUSER"
			HAVE_ROLES=1
		fi
	fi
fi
if ((HAVE_ROLES)); then
	as_user()
	{
		local u=$1
		shift
		timeout -k 2 10 setpriv --reuid="$u" --regid="$u" --init-groups \
			-- "$BUILD/foia" --socket "$SOCK" "$@"
	}
	member() { as_user "$TUSER" "$@"; }
	admin() { as_user "$AUSER" "$@"; }
	gadmin() { as_user "$GUSER" "$@"; }
	{
		printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n'
		printf 'BEGIN:VEVENT\r\nUID:pi@t\r\nDTSTART;VALUE=DATE:20250314\r\n'
		printf 'SUMMARY:Pi Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
	} >"$T_DIR/pi.ics"
	chmod 0644 "$T_DIR/pi.ics"
	roles="access = { group = \"$TUSER\"; admins = [\"$AUSER\"]; admin_group = \"$AGROUP\"; };"
	write_config "$roles"
	ok "roles: daemon starts" start_daemon || bail_out "foiad did not start"

	expect_exit 0 "member: file" -- member file --agency ICE \
		--subject "Filed by a member" --sent 2025-03-03
	rid=$OUT
	expect_exit 0 "member: update" -- member update "$rid" \
		--status acknowledged --date 2025-03-05 --tracking 2025-ICFO-9
	expect_exit 0 "member: note" -- member note "$rid" "called the officer"
	expect_exit 4 "member: agency add is forbidden (4)" -- member agency add \
		XYZ --name "Made-up Agency"
	expect_err_matches "... saying an admin is needed and where to look" \
		"^foia: agency.add needs an admin \\(see access.admins and access.admin_group in foiad.conf\\)$"
	expect_exit 4 "member: agency update is forbidden (4)" -- member agency \
		update ICE --name "Renamed"
	expect_exit 4 "member: holidays import is forbidden (4)" -- member \
		holidays import "$T_DIR/pi.ics" --calendar us-federal
	expect_exit 0 "root: export a backup" -- foia export
	cp "$OUTF" "$T_DIR/roles.json"
	chmod 0644 "$T_DIR/roles.json"
	expect_exit 4 "member: restoring a backup is forbidden (4)" -- member \
		import "$T_DIR/roles.json"
	expect_err_matches "... naming the restore" \
		'^foia: restoring a backup \(import of JSON\) needs an admin'
	expect_exit 0 "root: export CSV" -- foia export --format csv
	cp "$OUTF" "$T_DIR/roles.csv"
	chmod 0644 "$T_DIR/roles.csv"
	expect_exit 0 "member: CSV import is allowed" -- member import \
		--format csv "$T_DIR/roles.csv"
	expect_exit 0 "nothing a member was refused changed" -- foia agency show ICE --json
	unlike "$(json_eval 'd["agency"]["name"]' "$OUTF")" Renamed \
		"... ICE keeps its name"
	expect_exit 1 "... no agency XYZ" -- foia agency show XYZ
	expect_exit 0 "... no holiday imported" -- foia holidays --year 2025 --json
	unlike "$OUT" "Pi Day" "... Pi Day is not a holiday"
	ok "the refusal is logged with the user's name" grep -q \
		"refused agency.add to $TUSER (uid $(id -u "$TUSER")): not an admin" \
		"$DAEMON_LOG"

	expect_exit 0 "admin (access.admins): agency add" -- admin agency add \
		XYZ --name "Made-up Agency"
	expect_exit 0 "admin: agency update" -- admin agency update XYZ \
		--name "Made-up Agency, renamed"
	expect_exit 0 "admin: holidays import" -- admin holidays import \
		"$T_DIR/pi.ics" --calendar us-federal
	expect_exit 0 "admin: file" -- admin file --agency XYZ --subject "By an admin"
	expect_exit 0 "admin: update" -- admin update "$OUT" --tracking A-1
	expect_exit 0 "admin (access.admin_group): agency add" -- gadmin agency \
		add QRS --name "Another Agency"
	expect_exit 0 "show the agency the admin added" -- foia agency show QRS --json
	is "$(json_eval 'd["agency"]["name"]' "$OUTF")" "Another Agency" \
		"... it is there"
	stop_daemon

	# A restore goes into an empty database: a new one, nothing seeded.
	DB_SAVED=$DB
	DB=$T_DIR/roles-restore.db
	write_config "$roles" "agencies = \"$T_DIR/no-seed.conf\";"
	ok "roles: empty daemon starts" start_daemon ||
		bail_out "foiad did not start"
	expect_exit 4 "member: restore into an empty database is forbidden" -- \
		member import "$T_DIR/roles.json"
	expect_exit 0 "admin: restore into an empty database" -- admin import \
		"$T_DIR/roles.json"
	expect_exit 0 "the restored request is there" -- foia show "$rid" --json
	is "$(json_eval 'd["request"]["tracking"]' "$OUTF")" 2025-ICFO-9 \
		"... with the member's update"
	stop_daemon
	DB=$DB_SAVED
	write_config
else
	skip "roles checks" "needs root and useradd/groupadd"
fi

# -------------------------------------------------------------- user mode
if ((EUID == 0 && !HAVE_USER)); then
	skip "user mode checks" "running as root and cannot create user $TUSER"
else
	if ((EUID == 0)); then
		uname=$TUSER
		uid=$(id -u "$TUSER")
	else
		uname=$(id -un)
		uid=$EUID
	fi
	UH=$T_DIR/home
	mkdir -p "$UH/run" "$UH/config/foiad"
	cat >"$UH/config/foiad/foiad.conf" <<-EOF
		client_timeout = 2;
		agencies = "$T_REPO/config/agencies.conf";
	EOF
	chmod 0700 "$UH/run"
	((EUID == 0)) && chown -R "$TUSER:$TUSER" "$UH"
	UENV=(env HOME="$UH" XDG_RUNTIME_DIR="$UH/run"
		XDG_CONFIG_HOME="$UH/config" XDG_DATA_HOME="$UH/data")
	UENV_NORUN=(env -u XDG_RUNTIME_DIR HOME="$UH"
		XDG_CONFIG_HOME="$UH/config" XDG_DATA_HOME="$UH/data")
	usock=$UH/run/foiad/foiad.sock

	ok "user mode: daemon starts with default paths" start_daemon_cmd \
		"$usock" "${RUN_AS[@]+"${RUN_AS[@]}"}" "${UENV[@]}" "$BUILD/foiad" -f
	is "$(stat -c %a "$usock" 2>&1)" 600 "user mode: socket 0600"
	is "$(stat -c %U "$usock" 2>&1)" "$uname" "user mode: socket owned by the user"
	is "$(stat -c %a "$UH/run/foiad" 2>&1)" 700 "user mode: socket directory 0700"
	ok "user mode: database at \$XDG_DATA_HOME/foiad/foiad.db" \
		test -f "$UH/data/foiad/foiad.db"
	is "$(stat -c %a "$UH/data/foiad" 2>&1)" 700 "user mode: data directory 0700"
	expect_exit 0 "user mode: foia finds the socket without --socket" -- \
		timeout 10 "${RUN_AS[@]+"${RUN_AS[@]}"}" "${UENV[@]}" \
		"$BUILD/foia" status --json
	is "$(json_eval '[d["mode"], d["database"], d["pid"]]' "$OUTF" 2>&1)" \
		"[\"user\", \"$UH/data/foiad/foiad.db\", $DAEMON_PID]" \
		"user mode: status names mode, database and pid"
	expect_exit 0 "user mode: file" -- timeout 10 \
		"${RUN_AS[@]+"${RUN_AS[@]}"}" "${UENV[@]}" "$BUILD/foia" file \
		--agency ICE --subject "User mode"
	is "$OUT" 1 "user mode: first id"
	expect_exit 0 "user mode: FOIA_SOCKET is honoured" -- timeout 10 \
		"${RUN_AS[@]+"${RUN_AS[@]}"}" env FOIA_SOCKET="$usock" \
		XDG_RUNTIME_DIR="$T_DIR/elsewhere" "$BUILD/foia" status
	if ((EUID == 0)); then
		expect_exit 0 "user mode: root may connect" -- timeout 10 \
			"$BUILD/foia" --socket "$usock" status
	fi
	if ((${#OUTSIDER[@]})); then
		expect_exit 77 "user mode: another user is refused (77)" -- \
			timeout 10 "${OUTSIDER[@]}" "$BUILD/foia" --socket "$usock" status
		expect_err_matches "... with one error line" '^foia: .+'
	else
		skip "user mode: another user is refused (77)" \
			"setpriv with CAP_DAC_OVERRIDE unavailable"
	fi
	stop_daemon "user mode: exits 0 on SIGTERM"
	ok "user mode: socket removed" test ! -e "$usock"

	# Without XDG_RUNTIME_DIR: /tmp/foiad-<uid>/foiad.sock.
	tsock=/tmp/foiad-$uid/foiad.sock
	if [[ -e /tmp/foiad-$uid ]]; then
		skip "user mode without XDG_RUNTIME_DIR" "/tmp/foiad-$uid exists"
	else
		at_exit rm -rf "/tmp/foiad-$uid"
		ok "no XDG_RUNTIME_DIR: daemon starts" start_daemon_cmd "$tsock" \
			"${RUN_AS[@]+"${RUN_AS[@]}"}" "${UENV_NORUN[@]}" \
			"$BUILD/foiad" -f
		is "$(stat -c %a "/tmp/foiad-$uid" 2>&1)" 700 \
			"no XDG_RUNTIME_DIR: /tmp/foiad-$uid is 0700"
		is "$(stat -c %a "$tsock" 2>&1)" 600 "no XDG_RUNTIME_DIR: socket 0600"
		expect_exit 0 "no XDG_RUNTIME_DIR: foia finds it" -- timeout 10 \
			"${RUN_AS[@]+"${RUN_AS[@]}"}" "${UENV_NORUN[@]}" \
			"$BUILD/foia" status
		stop_daemon "no XDG_RUNTIME_DIR: exits 0 on SIGTERM"
	fi
fi

# --------------------------------------------------------------- sd_notify
# notify_start ADDR: a listener logging to $NLOG; sets NPID.
notify_start()
{
	NLOG=$T_DIR/notify.$RANDOM.log
	: >"$NLOG"
	"${SD[@]}" notify "$1" "$NLOG" "$SOCK" >"$NLOG.ready" &
	NPID=$!
	wait_for 5 grep -q ready "$NLOG.ready"
}
notify_stop()
{
	if [[ -n ${NPID-} ]]; then
		kill "$NPID" 2>/dev/null
		wait "$NPID" 2>/dev/null
		NPID=
	fi
}
at_exit notify_stop
got() { grep -q -- "|$1|" "$NLOG"; }

write_config
naddr=$T_DIR/notify.sock
ok "notify listener bound" notify_start "$naddr"
DAEMON_ENV=(NOTIFY_SOCKET="$naddr")
ok "sd_notify: daemon starts" start_daemon
ok "sd_notify: READY=1 arrives" wait_for 3 got READY=1
ok "sd_notify: the socket accepts connections when READY=1 is sent" \
	grep -Eq '\|READY=1\|(.*\|)?connect=ok\|' "$NLOG"
kill -HUP "$DAEMON_PID"
ok "sd_notify: RELOADING=1 on SIGHUP" wait_for 3 got RELOADING=1
ok "sd_notify: READY=1 again after the reload" wait_for 3 python3 -c '
import sys
lines = open(sys.argv[1]).read().splitlines()
r = [i for i, l in enumerate(lines) if "|RELOADING=1|" in l]
sys.exit(not (r and any("|READY=1|" in l for l in lines[r[0]:])))' "$NLOG"
ok "sd_notify: STOPPING=1 not sent while running" bash -c "! grep -q STOPPING=1 '$NLOG'"
stop_daemon "sd_notify: exits 0 on SIGTERM"
ok "sd_notify: STOPPING=1 after SIGTERM" wait_for 2 got STOPPING=1
notify_stop
diag "notifications: $(tr '\n' ' ' <"$NLOG")"

abstract=@foiad-test-$$-$RANDOM
ok "abstract notify listener bound" notify_start "$abstract"
DAEMON_ENV=(NOTIFY_SOCKET="$abstract")
ok "abstract NOTIFY_SOCKET: daemon starts" start_daemon
ok "abstract NOTIFY_SOCKET: READY=1 arrives" wait_for 3 got READY=1
stop_daemon "abstract NOTIFY_SOCKET: exits 0 on SIGTERM"
ok "abstract NOTIFY_SOCKET: STOPPING=1" wait_for 2 got STOPPING=1
notify_stop
DAEMON_ENV=()

# -------------------------------------------------------- socket activation
write_config "socket = \"$T_DIR/configured.sock\";"
asock=$T_DIR/activated.sock
ok "activation: daemon started on an inherited socket" start_daemon_cmd \
	"$asock" "${SD[@]}" activate "$asock" 0640 -- \
	"$BUILD/foiad" -f -c "$CONF" --database "$T_DIR/act.db"
expect_exit 0 "activation: foia --socket reaches the daemon" -- timeout 10 \
	"$BUILD/foia" --socket "$asock" status --json
is "$(json_eval 'd["pid"]' "$OUTF" 2>&1)" "$DAEMON_PID" \
	"activation: answered by the activated daemon"
is "$(json_eval 'd["database"]' "$OUTF" 2>&1)" "$T_DIR/act.db" \
	"activation: --database honoured"
expect_exit 0 "activation: file" -- timeout 10 "$BUILD/foia" --socket "$asock" \
	file --agency ICE --subject "Activated"
is "$OUT" 1 "activation: filed request 1"
expect_exit 0 "activation: several connections in a row" -- bash -c '
for i in 1 2 3; do timeout 10 "$1" --socket "$2" status >/dev/null || exit 1; done
' _ "$BUILD/foia" "$asock"
is "$(stat -c %a "$asock")" 640 "activation: the daemon does not chmod the socket"
ok "activation: the configured socket path is not created" \
	test ! -e "$T_DIR/configured.sock"
stop_daemon "activation: exits 0 on SIGTERM"
ok "activation: the daemon does not unlink the inherited socket" test -S "$asock"

# LISTEN_PID of another process: fd 3 is not for this daemon.
osock=$T_DIR/own.sock
ok "LISTEN_PID mismatch: daemon listens on its own socket" start_daemon_cmd \
	"$osock" "${SD[@]}" activate --pid 1 "$T_DIR/notmine.sock" 0600 -- \
	"$BUILD/foiad" -f -c "$CONF" --socket "$osock" --database "$T_DIR/act.db"
expect_exit 0 "LISTEN_PID mismatch: own socket answers" -- timeout 10 \
	"$BUILD/foia" --socket "$osock" status
stop_daemon "LISTEN_PID mismatch: exits 0 on SIGTERM"

done_testing
