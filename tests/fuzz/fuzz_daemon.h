/*
 * fuzz_daemon.h: the daemon the protocol fuzzers (fuzz_rpc.c,
 * fuzz_import.c) send their lines to, written once for both. It is a
 * header, not a .c file, because the Makefile builds each
 * tests/fuzz/fuzz_*.c on its own against the daemon library.
 *
 * Every input starts from the same state (parts of an upload a previous
 * input left are dropped), so that an input that crashes
 * crashes again when replayed alone: a fresh ":memory:" store seeded with
 * the agencies of config/agencies.conf plus one agency of another law
 * (AZ-DPS, us-az), and the laws of config/jurisdictions.conf. The laws
 * are loaded once (loading and building every calendar costs more than
 * the rest together); an input that may have imported holidays into a
 * calendar (holidays.import) marks them, and the next input rebuilds the
 * calendars from its own, empty, store first.
 *
 * Nothing here may reach the network or the file system beyond the two
 * seed files: the configuration has no smtp, webhook, caldav or calendar
 * directory, no change listener is registered (the feed writer and the
 * reminder scheduler stay out), and rpc_handle_line has no server, so
 * holidays.import of a URL is refused before any download starts.
 *
 * FUZZ_VERBOSE=1 in the environment prints each reply (its first 300
 * bytes) on stderr, to see what the seed inputs reach.
 *
 * The seed files are found under $FOIAD_SRC, else the current directory,
 * else the repository this binary was built in (build/fuzz/bin/..).
 */
#ifndef FOIAD_FUZZ_DAEMON_H
#define FOIAD_FUZZ_DAEMON_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "daemon.h"
#include "holiday_load.h"
#include "jurisdiction.h"
#include "log.h"
#include "peer.h"
#include "rpc.h"
#include "seed.h"
#include "store.h"
#include "upload.h"

const char *__lsan_default_suppressions(void);

#define FD_UNUSED __attribute__((unused))

/* libconfig 1.5 leaks a scanner buffer on some refused files (see
 * fuzz_jurisdictions.c); the seed files are good ones, but keep the rule
 * the other loader target has. */
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

static char fd_agencies[PATH_MAX], fd_laws_file[PATH_MAX],
	fd_templates[PATH_MAX];
static struct jurisdictions fd_laws;
static bool fd_laws_dirty;
static const struct peer fd_alice = {
	.pid = 1, .uid = 1000, .gid = 1000, .name = "alice"};

/* No return on failure: libFuzzer records the input that got here. */
FD_UNUSED static void fd_check(bool ok)
{
	if (!ok)
		abort();
}

/* dir/config/agencies.conf and jurisdictions.conf, if both are there. */
FD_UNUSED static bool fd_try_root(const char *dir)
{
	snprintf(fd_agencies, sizeof(fd_agencies), "%s/config/agencies.conf",
		 dir);
	snprintf(fd_laws_file, sizeof(fd_laws_file),
		 "%s/config/jurisdictions.conf", dir);
	snprintf(fd_templates, sizeof(fd_templates), "%s/config/templates",
		 dir);
	return access(fd_agencies, R_OK) == 0 &&
	       access(fd_laws_file, R_OK) == 0;
}

/* Find the seed files and load the laws; exits when it cannot. */
FD_UNUSED static void fd_init(const char *who)
{
	log_init(true, LOG_LVL_ERROR);
	const char *src = getenv("FOIAD_SRC");
	bool found = (src && *src && fd_try_root(src)) || fd_try_root(".");
	if (!found) {
		/* build/fuzz/bin/fuzz_x: the repository is three levels up. */
		char exe[PATH_MAX];
		const ssize_t n =
			readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
			for (int up = 0; up < 4; up++) {
				char *slash = strrchr(exe, '/');
				if (slash)
					*slash = '\0';
			}
			found = fd_try_root(exe);
		}
	}
	struct config_errors errs;
	memset(&errs, 0, sizeof(errs));
	char err[512] = "";
	if (!found) {
		fprintf(stderr,
			"%s: config/agencies.conf not found (set FOIAD_SRC "
			"to the repository)\n",
			who);
		exit(1);
	}
	if (config_load_jurisdictions(fd_laws_file, &fd_laws, &errs) != 0 ||
	    jurisdictions_build(&fd_laws, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: cannot load '%s': %s\n", who, fd_laws_file,
			errs.count ? errs.text[0] : err);
		exit(1);
	}
}

/* The daemon every input starts from; aborts when it cannot be made.
 * Without seed, the store is empty (as a backup is restored into). */
FD_UNUSED static void fd_open(struct daemon *d, bool seed)
{
	char err[512] = "";
	struct config_errors errs;
	memset(&errs, 0, sizeof(errs));
	memset(d, 0, sizeof(*d));
	/* The defaults of user mode (letter templates, reminder times...),
	 * with no smtp, webhook, caldav or calendar directory: nothing
	 * reaches the network or writes a file. */
	fd_check(config_defaults(&d->cfg, false) == 0);
	fd_check(!d->cfg.calendar.directory && !d->cfg.smtp.url &&
		 !d->cfg.webhook.url && !d->cfg.caldav.url);
	free(d->cfg.database);
	d->cfg.database = strdup(":memory:");
	free(d->cfg.letters.templates); /* the repository's letters */
	d->cfg.letters.templates = strdup(fd_templates);
	d->store = store_open(":memory:", err, sizeof(err));
	fd_check(d->store && d->cfg.database && d->cfg.letters.templates);
	d->started = time(NULL);
	if (seed) {
		fd_check(seed_agencies(d->store, fd_agencies, &errs) > 0);
		struct agency other = {
			.code = "AZ-DPS",
			.name = "Arizona Department of Public Safety",
			.jurisdiction = "us-az"};
		fd_check(store_agency_insert(d->store, &other) == STORE_OK);
	}
	if (fd_laws_dirty) {
		fd_check(holidays_build(d->store, &fd_laws, err, sizeof(err)) ==
			 0);
		fd_laws_dirty = false;
	}
	d->laws = fd_laws;
}

/* Undo fd_open. laws_touched: the input may have changed the calendars. */
FD_UNUSED static void fd_close(struct daemon *d, bool laws_touched)
{
	fd_laws = d->laws; /* a rebuild may have moved them */
	fd_laws_dirty = laws_touched;
	upload_drop_conn(NULL, 0); /* what an input left half uploaded */
	store_close(d->store);
	config_clear(&d->cfg);
	memset(d, 0, sizeof(*d));
}

/* A reply as the server would write it: one JSON object on one line with
 * "v" 1, an "id", and exactly one of an object "result" and an "error"
 * with a code and a message. Returns the reply (the caller decrefs it)
 * and frees out. */
FD_UNUSED static json_t *fd_reply(char *out)
{
	fd_check(out != NULL);
	const size_t n = strlen(out);
	fd_check(n >= 2 && out[n - 1] == '\n' && !memchr(out, '\n', n - 1));
	/* FUZZ_VERBOSE=1: see what the seeds reach (corpus upkeep). */
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "reply: %.300s%s", out, n > 300 ? "...\n" : "");
	json_error_t jerr;
	json_t *reply = json_loadb(out, n - 1, JSON_REJECT_DUPLICATES, &jerr);
	free(out);
	fd_check(json_is_object(reply));
	fd_check(json_integer_value(json_object_get(reply, "v")) == 1);
	fd_check(json_object_get(reply, "id") != NULL);
	json_t *result = json_object_get(reply, "result"),
	       *error = json_object_get(reply, "error");
	fd_check(!result != !error);
	if (error) {
		fd_check(json_is_string(json_object_get(error, "code")));
		fd_check(json_is_string(json_object_get(error, "message")));
	} else {
		fd_check(json_is_object(result));
	}
	return reply;
}

/* Call method with params (stolen) on d; the reply (decref it). */
FD_UNUSED static json_t *fd_call(struct daemon *d, const char *method,
				 json_t *params)
{
	json_t *req = json_pack("{s:i, s:i, s:s, s:o}", "v", 1, "id", 1,
				"method", method, "params", params);
	fd_check(req != NULL);
	char *line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	fd_check(line != NULL);
	json_t *reply =
		fd_reply(rpc_handle_line(d, &fd_alice, line, strlen(line)));
	free(line);
	return reply;
}

#endif
