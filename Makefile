# foiad: build, test and install.
#
#   make            build/foiad and build/foia
#   make run        build, check packages, start foiad in the foreground
#   make check      unit and integration tests; ends with "N passed, N failed"
#   make asan       the same suite under AddressSanitizer and UBSan
#   make deps       install the Debian packages needed to build and test
#   make install    PREFIX=/usr/local DESTDIR= (programs, config, units,
#                   man pages, bash and zsh completion)
#   make clean

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
BINDIR    = $(PREFIX)/bin
SBINDIR   = $(PREFIX)/sbin
DATADIR   = $(PREFIX)/share/foiad
SYSCONFDIR ?= /etc
UNITDIR  ?= $(PREFIX)/lib/systemd/system
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

# Debian packages: to build, then to test.
BUILD_DEPS = gcc make pkg-config libsqlite3-dev libjansson-dev libconfig-dev \
             libcurl4-openssl-dev libical-dev libcsv-dev
TEST_DEPS  = libcmocka-dev python3 sqlite3 procps clang libclang-rt-14-dev chromium python3-aiosmtpd python3-icalendar radicale zsh groff-base man-db
DEPS       = $(BUILD_DEPS) $(TEST_DEPS)

PKGS_DAEMON = sqlite3 jansson libconfig libical libcurl
PKGS_CLI    = jansson
# libcsv has no pkg-config file.
LIBS_DAEMON = -lcsv

WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes
CSTD     = -std=c17 -D_GNU_SOURCE
OPT      ?= -O2 -g
WERROR   ?= -Werror
CFLAGS_ALL = $(CSTD) $(OPT) $(WARN) $(WERROR) -Iinclude -Idaemon \
             -DFOIAD_DATADIR='"$(DATADIR)"' -DFOIAD_SYSCONFDIR='"$(SYSCONFDIR)"' \
             $(EXTRA_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(EXTRA_LDFLAGS) $(LDFLAGS)

# Quiet by default; `make V=1` shows every command.
ifeq ($(V),1)
Q =
say = @true
else
Q = @
say = @printf '  %-6s %s\n'
endif

# pkg-config is asked only when compiling, so `make deps` works without it.
pkgcflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pkglibs   = $(shell pkg-config --libs $(1) 2>/dev/null)

DAEMON_SRC  = $(wildcard daemon/*.c)
DAEMON_LIB  = $(filter-out daemon/main.c,$(DAEMON_SRC))
CLI_SRC     = $(wildcard cli/*.c)
UNIT_SRC    = $(wildcard tests/unit/test_*.c)

DAEMON_OBJ  = $(DAEMON_SRC:%.c=$(BUILD)/obj/%.o)
DLIB_OBJ    = $(DAEMON_LIB:%.c=$(BUILD)/obj/%.o)
CLI_OBJ     = $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN    = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

HEADERS     = $(wildcard include/foia/*.h daemon/*.h cli/*.h tests/unit/*.h)

.PHONY: all run check asan deps install clean format unit integration bench

all: $(BUILD)/foiad $(BUILD)/foia

# The install paths compiled into foiad: rewritten only when they change, so
# `make install PREFIX=/usr` rebuilds what depends on them.
PATHS_STAMP = $(BUILD)/paths.stamp
.PHONY: FORCE
$(PATHS_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(DATADIR) $(SYSCONFDIR)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/obj/daemon/%.o: daemon/%.c $(HEADERS) $(PATHS_STAMP)
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkgcflags,$(PKGS_DAEMON)) -c $< -o $@

$(BUILD)/obj/cli/%.o: cli/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkgcflags,$(PKGS_CLI)) -c $< -o $@

$(BUILD)/libfoiad.a: $(DLIB_OBJ)
	@rm -f $@
	$(say) AR $@
	$(Q)ar rcs $@ $^

$(BUILD)/foiad: $(BUILD)/obj/daemon/main.o $(BUILD)/libfoiad.a
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(call pkglibs,$(PKGS_DAEMON)) $(LIBS_DAEMON)

$(BUILD)/foia: $(CLI_OBJ)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(call pkglibs,$(PKGS_CLI))

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libfoiad.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(say) TEST $@
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkgcflags,$(PKGS_DAEMON) cmocka) -o $@ $< \
	    $(BUILD)/libfoiad.a $(LDFLAGS_ALL) $(call pkglibs,$(PKGS_DAEMON) cmocka) $(LIBS_DAEMON)

check: all $(UNIT_BIN) $(BUILD)/bin/loadclient
	@BUILD=$(BUILD) tests/run $(UNIT_BIN) tests/fuzz/smoke tests/load/load-smoke

# AddressSanitizer and UBSan over the whole suite, in a build tree of its own.
asan:
	$(MAKE) BUILD=build/asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    EXTRA_CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all' \
	    EXTRA_LDFLAGS='-fsanitize=address,undefined' check

deps:
	@tests/deps $(DEPS)

run: deps-check all
	@tests/run-dev $(BUILD)

.PHONY: deps-check
deps-check:
	@tests/deps --check-or-install $(BUILD_DEPS)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(SYSCONFDIR)/foiad $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 0755 $(BUILD)/foiad $(DESTDIR)$(SBINDIR)/foiad
	install -m 0755 $(BUILD)/foia $(DESTDIR)$(BINDIR)/foia
	install -m 0644 config/agencies.conf $(DESTDIR)$(DATADIR)/agencies.conf
	install -m 0644 config/jurisdictions.conf $(DESTDIR)$(DATADIR)/jurisdictions.conf
	install -d $(DESTDIR)$(DATADIR)/templates
	install -m 0644 config/templates/*.txt $(DESTDIR)$(DATADIR)/templates/
	install -m 0644 config/foiad.conf $(DESTDIR)$(DATADIR)/foiad.conf.example
	test -e $(DESTDIR)$(SYSCONFDIR)/foiad/foiad.conf || \
	    install -m 0640 config/foiad.conf $(DESTDIR)$(SYSCONFDIR)/foiad/foiad.conf
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/foiad.service > $(DESTDIR)$(UNITDIR)/foiad.service
	install -m 0644 systemd/foiad.socket $(DESTDIR)$(UNITDIR)/foiad.socket
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/foiad-user.service > $(DESTDIR)$(USERUNITDIR)/foiad.service
	install -m 0644 systemd/foiad-user.socket $(DESTDIR)$(USERUNITDIR)/foiad.socket
	install -m 0644 systemd/foiad.sysusers $(DESTDIR)$(SYSUSERSDIR)/foiad.conf
	install -m 0644 systemd/foiad.tmpfiles $(DESTDIR)$(TMPFILESDIR)/foiad.conf
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 cli/foia.1 $(DESTDIR)$(MANDIR)/man1/foia.1
	install -m 0644 config/foiad.conf.5 $(DESTDIR)$(MANDIR)/man5/foiad.conf.5
	install -m 0644 daemon/foiad.8 $(DESTDIR)$(MANDIR)/man8/foiad.8
	install -m 0644 config/completion/foia.bash $(DESTDIR)$(BASHCOMPDIR)/foia
	install -m 0644 config/completion/_foia $(DESTDIR)$(ZSHCOMPDIR)/_foia

format:
	clang-format -i daemon/*.c daemon/*.h cli/*.c cli/*.h include/foia/*.h tests/unit/*.c

clean:
	rm -rf build

# --- Fuzzing and benchmarks ------------------------------------------------
#
#   make fuzz        build the libFuzzer targets tests/fuzz/fuzz_*.c with
#                    clang, ASan and UBSan, and run each for FUZZ_SECONDS
#                    (default 60) on its corpus, seeded from
#                    tests/fuzz/corpus/<target> and kept in
#                    $(BUILD)/fuzz/corpus; crashes in $(BUILD)/fuzz/artifacts
#   make fuzz-smoke  each target run over its seed corpus for a few thousand
#                    inputs; TAP, from tests/fuzz/smoke (which tests/run can
#                    call: it builds the targets itself, and skips without
#                    clang and libFuzzer)
#   make bench       tests/bench/*.c against the daemon code built at -O2,
#                    and a short tests/load/run (BENCH_LOAD_SECONDS, 10);
#                    prints figures, asserts nothing, and ends with the
#                    table of every FIGURE line (tests/bench/table)
#
# Both build the daemon library again in a tree of their own
# ($(BUILD)/fuzz, $(BUILD)/bench), so each target links only the daemon
# objects it uses, whatever they are, and the figures are always -O2 ones.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN      = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BIN      = $(patsubst tests/fuzz/%.c,$(BUILD)/bin/%,\
                  $(wildcard tests/fuzz/fuzz_*.c))
BENCH_BIN     = $(patsubst tests/bench/%.c,$(BUILD)/bin/%,\
                  $(wildcard tests/bench/bench_*.c))

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-targets bench bench-run

fuzz-build:
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/fuzz CC=$(FUZZ_CC) \
	    OPT='-g -O1 -fno-omit-frame-pointer' WERROR= \
	    EXTRA_CFLAGS='$(subst fuzzer,fuzzer-no-link,$(FUZZ_SAN))' fuzz-targets

# Run in the sub-make above: $(BUILD) is $(BUILD)/fuzz there.
fuzz-targets: $(FUZZ_BIN)

$(BUILD)/bin/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libfoiad.a $(HEADERS) \
                   $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(say) FUZZ $@
	$(Q)$(CC) $(CFLAGS_ALL) $(FUZZ_SAN) $(call pkgcflags,$(PKGS_DAEMON)) \
	    -o $@ $< $(BUILD)/libfoiad.a $(LDFLAGS_ALL) $(call pkglibs,$(PKGS_DAEMON)) $(LIBS_DAEMON)

fuzz: fuzz-build
	@BUILD=$(BUILD) FUZZ_NO_BUILD=1 tests/fuzz/smoke --seconds $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	@BUILD=$(BUILD) FUZZ_NO_BUILD=1 tests/fuzz/smoke

bench:
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/bench OPT=-O2 bench-run

# Run in the sub-make above. The outputs of the last run are kept in
# $(BUILD)/bench-out; tests/bench/table collects their FIGURE lines into
# the closing table.
BENCH_LOAD_SECONDS ?= 10
# One shell and a directory of its own, so that two `make bench` running
# at once in the same tree do not mix their outputs.
bench-run: $(BENCH_BIN) $(BUILD)/foiad $(BUILD)/foia $(BUILD)/bin/loadclient
	@out=$$(mktemp -d $(BUILD)/bench-out.XXXXXX) || exit 1; \
	for b in $(BENCH_BIN); do echo "$$b:"; o=$$out/$${b##*/}.out; \
	    FOIAD=$(BUILD)/foiad $$b >$$o 2>&1; rc=$$?; cat $$o; \
	    [ $$rc -eq 0 ] || { rm -rf $$out; exit 1; }; done; \
	echo "tests/load/run, 64 clients for $(BENCH_LOAD_SECONDS) s:"; \
	BUILD=$(BUILD) LOAD_SECONDS=$(BENCH_LOAD_SECONDS) LOAD_P99_MAX_MS=0 \
	    LOAD_OUT=$$out/load.out tests/load/run >$$out/load.tap 2>&1 || \
	    echo "  the load test failed: see $(BUILD)/bench-out/load.tap"; \
	grep -E '^(not ok|# (latency_|memory))' $$out/load.tap; \
	echo "tests/bench/bench_wakeups.sh:"; \
	BUILD=$(BUILD) tests/bench/bench_wakeups.sh >$$out/wakeups.out 2>&1; \
	cat $$out/wakeups.out; \
	echo; tests/bench/table $$out/*.out; \
	rm -rf $(BUILD)/bench-out; mv $$out $(BUILD)/bench-out

$(BUILD)/bin/bench_%: tests/bench/bench_%.c $(BUILD)/libfoiad.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(say) BENCH $@
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkgcflags,$(PKGS_DAEMON)) -o $@ $< \
	    $(BUILD)/libfoiad.a $(LDFLAGS_ALL) $(call pkglibs,$(PKGS_DAEMON)) $(LIBS_DAEMON)

# --- Load ------------------------------------------------------------------
#
#   make load        tests/load/run: LOAD_CLIENTS (64) clients mixing file,
#                    update, list and show for LOAD_SECONDS (60) against one
#                    real foiad, beside a client sending a byte a second and
#                    one never reading; prints p50/p99 and the daemon's
#                    memory, fails on any error or growing memory. make
#                    check runs a short variant (tests/load/load-smoke).

LOAD_SECONDS ?= 60
LOAD_CLIENTS ?= 64

.PHONY: load
load: all $(BUILD)/bin/loadclient
	@BUILD=$(BUILD) LOAD_SECONDS=$(LOAD_SECONDS) \
	    LOAD_CLIENTS=$(LOAD_CLIENTS) tests/load/run

$(BUILD)/bin/loadclient: tests/load/loadclient.c
	@mkdir -p $(dir $@)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkgcflags,jansson) -pthread -o $@ $< \
	    $(LDFLAGS_ALL) $(call pkglibs,jansson)
