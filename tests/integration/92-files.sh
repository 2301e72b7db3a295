#!/usr/bin/env bash
#
# 92-files.sh: foiad's files are private. The database and its -wal and
# -shm files are created 0660 in system mode (for access.group) and 0600
# in user mode, whatever the umask; a configuration file or a database
# directory that anyone may write is refused at start with one line
# naming it, before anything is created.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries
FOIAD=$BUILD/foiad

modes()
{
	local f out=
	for f in "$1" "$1-wal" "$1-shm"; do
		out+="$(stat -c %a "$f" 2>/dev/null || echo none) "
	done
	printf '%s' "${out% }"
}

# -- system mode (root, or --system): 0660
write_config
old_umask=$(umask)
umask 000
if ((EUID == 0)); then
	ok "daemon starts with umask 000" start_daemon
else
	ok "daemon starts with umask 000 (--system)" start_daemon --system
fi
umask "$old_umask"
expect_exit 0 "a write" -- foia file --agency ICE --subject "Modes"
is "$(modes "$DB")" "660 660 660" "system mode: database, -wal and -shm are 0660"
stop_daemon

# -- user mode: 0600 (as an unprivileged user when we are root)
if ((EUID == 0)) && command -v setpriv >/dev/null &&
	setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
	chmod 0711 "$T_DIR"
	U=$T_DIR/u
	mkdir -m 0700 "$U" && chown nobody:nogroup "$U"
	cp "$CONF" "$U/foiad.conf" && chown nobody:nogroup "$U/foiad.conf"
	USOCK=$U/foiad.sock UDB=$U/data/foiad.db
	start_daemon_cmd "$USOCK" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups -- env HOME="$U" XDG_RUNTIME_DIR="$U" \
		"$FOIAD" -f -c "$U/foiad.conf" --socket "$USOCK" --database "$UDB"
	ok "user-mode daemon started" daemon_alive
	expect_exit 0 "a write in user mode" -- timeout 10 setpriv \
		--reuid=nobody --regid=nogroup --clear-groups -- \
		"$BUILD/foia" --socket "$USOCK" file --agency ICE --subject Mine
	is "$(modes "$UDB")" "600 600 600" "user mode: database, -wal and -shm are 0600"
	is "$(stat -c %a "$U/data")" 700 "user mode: its directory is 0700"
	stop_daemon
else
	skip "user mode: database, -wal and -shm are 0600" \
		"needs root and setpriv to run foiad as another user"
fi

# -- a configuration file anyone may write
chmod o+w "$CONF"
expect_exit 1 "world-writable config: foiad exits 1" -- timeout 10 \
	"$FOIAD" -f -c "$CONF" --socket "$T_DIR/w.sock" --database "$T_DIR/w.db"
expect_err_matches "one line naming the file" \
	"^foiad: (error: )?configuration file '$CONF' is writable by anyone; refusing to start"
ok "... no socket" test ! -e "$T_DIR/w.sock"
ok "... no database" test ! -e "$T_DIR/w.db"
expect_exit 1 "world-writable config: foiad -n exits 1 too" -- timeout 10 \
	"$FOIAD" -n -c "$CONF"
chmod o-w "$CONF"

# -- a database directory anyone may write (even with the sticky bit)
mkdir -m 1777 "$T_DIR/open"
chmod 1777 "$T_DIR/open"
expect_exit 1 "world-writable database directory: foiad exits 1" -- \
	timeout 10 "$FOIAD" -f -c "$CONF" --socket "$T_DIR/o.sock" \
	--database "$T_DIR/open/foiad.db"
expect_err_matches "one line naming the directory" \
	"^foiad: (error: )?database directory '$T_DIR/open' is writable by anyone; refusing to start"
ok "... no database created" test ! -e "$T_DIR/open/foiad.db"
ok "... no socket" test ! -e "$T_DIR/o.sock"

done_testing
