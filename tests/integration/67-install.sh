#!/usr/bin/env bash
#
# 67-install.sh: what `make install` puts in place, and the documentation
# and completion it installs. `make install DESTDIR=<tmp>` must stage the
# programs, the units, the man pages foia(1), foiad.conf(5) and foiad(8),
# and the bash and zsh completions; the man pages must format without a
# warning (groff -ww, man --warnings, mandoc -Tlint where there is one);
# the bash completion (and the zsh one, where zsh is installed) must
# complete commands, options, statuses, and the request ids and agency
# codes of a running daemon.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

ROOT=$T_DIR/root
expect_exit 0 "make install DESTDIR=... exits 0" -- make -s -C "$T_REPO" \
	install DESTDIR="$ROOT" PREFIX=/usr/local BUILD="$BUILD"
for f in sbin/foiad bin/foia share/man/man1/foia.1 share/man/man5/foiad.conf.5 \
	share/man/man8/foiad.8 share/bash-completion/completions/foia \
	share/zsh/site-functions/_foia lib/systemd/system/foiad.service \
	lib/systemd/system/foiad.socket lib/sysusers.d/foiad.conf \
	lib/tmpfiles.d/foiad.conf; do
	ok "installed: /usr/local/$f" test -s "$ROOT/usr/local/$f"
done
ok "the service names the installed foiad" grep -q \
	'^ExecStart=/usr/local/sbin/foiad ' "$ROOT/usr/local/lib/systemd/system/foiad.service"

# -- man pages
for page in foia.1 foiad.conf.5 foiad.8; do
	f=$ROOT/usr/local/share/man/man${page##*.}/$page
	if command -v groff >/dev/null; then
		is "$(groff -man -Tutf8 -ww -z "$f" 2>&1)" "" "$page: groff -ww finds nothing"
	else
		skip "$page: groff -ww finds nothing" "no groff"
	fi
	if command -v man >/dev/null; then
		is "$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)" "" \
			"$page: man --warnings is silent"
		like "$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>/dev/null | head -n 1)" \
			"^FOIA" "$page: formats, with its title"
	else
		skip "$page: man --warnings is silent" "no man"
	fi
	if command -v mandoc >/dev/null; then
		is "$(mandoc -Tlint -Wwarning "$f" 2>&1)" "" "$page: mandoc -Tlint"
	fi
done
like "$(MANWIDTH=80 man -l "$ROOT/usr/local/share/man/man1/foia.1" 2>/dev/null)" \
	"Forbidden: the command needs an admin" "foia(1) lists exit status 4"

# -- bash completion, against a running daemon
write_config
ok "daemon starts" start_daemon || bail_out "foiad did not start"
expect_exit 0 "file two requests" -- foia file --agency ICE --agency CBP \
	--subject "Completion"
BASHCOMP=$ROOT/usr/local/share/bash-completion/completions/foia
# comp WORD...: the candidates for the last word, sorted, on one line.
comp()
{
	PATH="$BUILD:$PATH" bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _foia
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		_ "$BASHCOMP" "$@"
}
is "$(comp foia li)" "list " "bash: foia li -> list"
is "$(comp foia ag)" "agency agree " "bash: foia ag -> agency, agree"
is "$(comp foia agency "")" "$("$BUILD/foia" help agency |
	awk '/^commands:/{c=1;next} /^$/{c=0} c{print $1}' | sort | tr '\n' ' ')" \
	"bash: agency subcommands, from foia help"
is "$(comp foia --socket "$SOCK" show "")" "1 2 " "bash: show <id>: the request ids"
is "$(comp foia --socket "$SOCK" update 1 --status wi)" "withdrawn " \
	"bash: --status values"
is "$(comp foia --socket "$SOCK" file --agency IC)" "ICE " "bash: --agency codes"
is "$(comp foia --socket "$SOCK" agency show CB)" "CBP " "bash: agency show <code>"
is "$(comp foia list --a)" "--agency --all " "bash: options of list"
is "$(comp foia report --format m)" "markdown " "bash: one-of values"
is "$(comp foia file --sent to)" "today " "bash: dates"

# -- zsh
ZSHCOMP=$ROOT/usr/local/share/zsh/site-functions/_foia
if command -v zsh >/dev/null; then
	zcomp()
	{
		PATH="$BUILD:$PATH" zsh -fc '
			compadd() { if [[ $1 == -a ]]; then print -rl -- ${(P)2};
				else [[ $1 == -- ]] && shift; print -rl -- "$@"; fi }
			_files() { print FILES }
			f=$1; shift
			source "$f" >/dev/null 2>&1
			words=("$@"); CURRENT=$#; _foia' _ "$ZSHCOMP" "$@" |
			grep -E "^${!#}" | sort | tr '\n' ' '
	}
	is "$(zcomp foia li)" "list " "zsh: foia li -> list"
	is "$(zcomp foia --socket "$SOCK" show "")" "1 2 " "zsh: request ids"
	is "$(zcomp foia --socket "$SOCK" file --agency IC)" "ICE " "zsh: agency codes"
	is "$(zcomp foia --socket "$SOCK" list --status wi)" "withdrawn " "zsh: statuses"
else
	skip "zsh completion" "no zsh"
fi
stop_daemon
done_testing
