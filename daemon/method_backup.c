/*
 * method_backup.c: `backup`, a consistent copy of the database file taken
 * while foiad runs, handed to the client in pieces.
 *
 * The daemon may run as a user of its own (system mode) who cannot write
 * where the member wants the copy, and the member may not read the
 * daemon's files: so the daemon copies the database into a file of its
 * own, next to the database (same owner, same file system, same mode),
 * and the client fetches it over the socket and writes it where it
 * wants, with the member's own rights.
 *
 *   backup       copies with SQLite's online backup API (store_copy_*,
 *                store_backup.h): BACKUP_STEP_PAGES pages per turn of the
 *                event loop, from a timer armed at once, so other clients
 *                are served between steps; writes made meanwhile go into
 *                the copy. It answers when the copy is whole (RPC_PENDING)
 *                with a token, its size and its pages. The file is then
 *                opened and unlinked: only this daemon can still read it,
 *                and nothing is left on disk once it is closed.
 *   backup.read  {token, offset} -> BACKUP_CHUNK bytes from offset, in hex.
 *   backup.close {token} forgets it; an idle one goes after BACKUP_IDLE_MS.
 *
 * A copy in progress when foiad is killed leaves its file
 * (<database>.backup-XXXXXX): the first backup after a start removes
 * those over an hour old. A caller without a server to answer later (the
 * unit tests) gets the copy in one step.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "foia/protocol.h"
#include "log.h"
#include "method_util.h"
#include "methods.h"
#include "server.h"
#include "store_backup.h"

#define BACKUP_MAX_JOBS	  4
#define BACKUP_STEP_PAGES 64 /* 256 KiB of 4 KiB pages per loop turn */
#define BACKUP_CHUNK	  (512 * 1024)
#define BACKUP_IDLE_MS	  (120 * 1000)

struct backup_job {
	bool used;
	bool copying;
	char token[33];
	uid_t uid;
	struct rpc_token reply; /* while copying: whom to answer */
	struct peer peer;
	struct store_copy *cp;
	char path[4096];
	int fd; /* once copied: the file, already unlinked */
	int64_t size;
	int pages;
	int64_t touched_ms;
};

static struct backup_job jobs[BACKUP_MAX_JOBS];
static int tick_timer = -1;
static struct timers *tick_timers; /* whose table tick_timer is in */

static void job_end(struct backup_job *j)
{
	store_copy_free(j->cp);
	if (j->copying && j->path[0])
		unlink(j->path);
	if (j->fd >= 0)
		close(j->fd);
	memset(j, 0, sizeof(*j));
	j->fd = -1;
}

/* After the last step: keep the file open, unlinked, and say how big. */
static int job_open(struct backup_job *j, char *err, size_t errlen)
{
	struct stat sb;
	j->fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (j->fd < 0 || fstat(j->fd, &sb) < 0) {
		snprintf(err, errlen, "cannot read the copy '%.300s': %s",
			 j->path, strerror(errno));
		return -1;
	}
	unlink(j->path);
	j->copying = false;
	j->size = (int64_t)sb.st_size;
	j->touched_ms = timers_now_ms();
	return 0;
}

static json_t *job_result(const struct backup_job *j)
{
	return json_pack("{s:s, s:I, s:i}", "token", j->token, "bytes",
			 (json_int_t)j->size, "pages", j->pages);
}

/* One step of one copy; true while it goes on. */
static bool job_step(struct daemon *d, struct backup_job *j)
{
	char err[512];
	bool done;
	int left, total;
	struct call c = {.d = d, .peer = &j->peer, .token = j->reply};
	json_t *result = NULL;

	int rc = store_copy_step(j->cp, BACKUP_STEP_PAGES, &done, &left, &total,
				 err, sizeof(err));
	if (rc == STORE_BUSY || (rc == STORE_OK && !done))
		return true;
	j->pages = total;
	store_copy_free(j->cp);
	j->cp = NULL;
	if (rc == STORE_OK && job_open(j, err, sizeof(err)) == 0) {
		result = job_result(j);
		if (!result)
			call_error(&c, FOIA_E_INTERNAL, "out of memory");
	} else {
		call_error(&c,
			   rc == STORE_FULL ? FOIA_E_DISK_FULL
					    : FOIA_E_INTERNAL,
			   "%s", err);
		log_warnx("backup for %s failed: %s", j->peer.name, err);
	}
	bool ok = result != NULL;
	if (!server_reply_later(&j->reply, rpc_call_reply(&c, result)) || !ok)
		job_end(j); /* nobody to read it, or nothing to read */
	else
		log_info("backup of %d pages ready for %s", total,
			 j->peer.name);
	return false;
}

static void backup_tick(struct daemon *d, void *arg)
{
	bool copying = false, open = false;
	int64_t now = timers_now_ms();
	(void)arg;
	for (int i = 0; i < BACKUP_MAX_JOBS; i++) {
		struct backup_job *j = &jobs[i];
		if (!j->used)
			continue;
		if (j->copying) {
			copying = job_step(d, j) || copying;
		} else if (now - j->touched_ms > BACKUP_IDLE_MS) {
			log_debug("backup %s of %s dropped: idle", j->token,
				  j->peer.name);
			job_end(j);
		}
		open = open || j->used;
	}
	if (copying)
		timer_arm_in(&d->timers, tick_timer, 0);
	else if (open)
		timer_arm_in(&d->timers, tick_timer, 1000);
}

static struct backup_job *find_job(struct call *c, json_t *params)
{
	const char *token;
	if (param_string(c, params, "token", &token) < 0)
		return NULL;
	for (int i = 0; token && i < BACKUP_MAX_JOBS; i++) {
		struct backup_job *j = &jobs[i];
		/* Another user's copy is as good as absent to this one. */
		if (j->used && !j->copying && j->uid == c->peer->uid &&
		    strcmp(j->token, token) == 0) {
			j->touched_ms = timers_now_ms();
			return j;
		}
	}
	if (!token)
		call_error(c, FOIA_E_INVALID, "'token' is required");
	else
		call_error(c, FOIA_E_NOT_FOUND,
			   "no backup '%.40s' (finished, or idle too long)",
			   token);
	return NULL;
}

static int new_token(char out[33])
{
	unsigned char r[16];
	static const char hex[] = "0123456789abcdef";
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[32] = '\0';
	return 0;
}

/* At exit (SIGTERM stops the loop mid-copy): no half copy is left. */
static void remove_unfinished(void)
{
	for (int i = 0; i < BACKUP_MAX_JOBS; i++)
		if (jobs[i].used && jobs[i].copying && jobs[i].path[0])
			unlink(jobs[i].path);
}

/* Copies left by a foiad killed while copying; an hour is far longer
 * than any copy takes, so another foiad's copy under way is spared. */
static void remove_stale(const char *database)
{
	char pattern[4096];
	glob_t g;
	int n = snprintf(pattern, sizeof(pattern), "%s.backup-??????",
			 database);
	if (n < 0 || (size_t)n >= sizeof(pattern) ||
	    glob(pattern, GLOB_NOSORT | GLOB_NOESCAPE, NULL, &g) != 0)
		return;
	time_t now = time(NULL);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat sb;
		if (lstat(g.gl_pathv[i], &sb) == 0 && S_ISREG(sb.st_mode) &&
		    now - sb.st_mtime > 3600 && unlink(g.gl_pathv[i]) == 0)
			log_info("removed '%s', left by an interrupted backup",
				 g.gl_pathv[i]);
	}
	globfree(&g);
}

int method_backup(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {NULL};
	struct backup_job *j = NULL;
	char err[512];

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	/* SQLite's own name for the file: absolute, unlike a relative
	 * --database after foiad changed to "/" in the background. */
	const char *database = store_filename(c->d->store);
	if (!*database)
		return call_error(c, FOIA_E_CONFLICT,
				  "an in-memory database has no file to copy");
	for (int i = 0; i < BACKUP_MAX_JOBS && !j; i++)
		if (!jobs[i].used)
			j = &jobs[i];
	if (!j)
		return call_error(c, FOIA_E_CONFLICT,
				  "%d backups are under way already; try again "
				  "later",
				  BACKUP_MAX_JOBS);
	if (tick_timers != &c->d->timers) {
		if (!tick_timers) {
			remove_stale(database);
			atexit(remove_unfinished);
		}
		tick_timers = &c->d->timers;
		if ((tick_timer = timer_add(tick_timers, backup_tick, NULL)) <
		    0) {
			tick_timers = NULL;
			return call_error(c, FOIA_E_INTERNAL,
					  "no timer for backups");
		}
	}
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if (new_token(j->token) < 0)
		return call_error(c, FOIA_E_INTERNAL, "no random numbers");
	int n = snprintf(j->path, sizeof(j->path), "%s.backup-XXXXXX",
			 database);
	if (n < 0 || (size_t)n >= sizeof(j->path))
		return call_error(c, FOIA_E_INTERNAL, "database path too long");
	/* mkstemp makes the file 0600: the copy is as private as the
	 * database, whatever the umask. */
	int fd = mkstemp(j->path);
	if (fd < 0)
		return call_error(
			c, errno == ENOSPC ? FOIA_E_DISK_FULL : FOIA_E_INTERNAL,
			"cannot create a file for the copy next to "
			"'%s': %s",
			c->d->cfg.database, strerror(errno));
	close(fd);
	j->used = j->copying = true;
	j->uid = c->peer->uid;
	j->peer = *c->peer;
	j->reply = c->token;
	if (!(j->cp = store_copy_start(c->d->store, j->path, err,
				       sizeof(err)))) {
		job_end(j);
		return call_error(c, FOIA_E_INTERNAL, "%s", err);
	}
	log_info("backup for %s started", c->peer->name);
	if (c->token.server) {
		timer_arm_in(&c->d->timers, tick_timer, 0);
		return RPC_PENDING;
	}
	/* No one to answer later: the whole copy in one step. */
	bool done;
	int left, total;
	int rc = store_copy_step(j->cp, -1, &done, &left, &total, err,
				 sizeof(err));
	store_copy_free(j->cp);
	j->cp = NULL;
	j->pages = total;
	if (rc != STORE_OK || !done || job_open(j, err, sizeof(err)) < 0) {
		job_end(j);
		return call_error(c, FOIA_E_INTERNAL, "%s", err);
	}
	*result = job_result(j);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

int method_backup_read(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"token", "offset", NULL};
	static const char hex[] = "0123456789abcdef";
	static unsigned char buf[BACKUP_CHUNK];
	static char text[2 * BACKUP_CHUNK + 1];

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	struct backup_job *j = find_job(c, params);
	if (!j)
		return -1;
	json_t *off = json_object_get(params, "offset");
	if (!json_is_integer(off) || json_integer_value(off) < 0 ||
	    json_integer_value(off) > j->size)
		return call_error(c, FOIA_E_INVALID,
				  "'offset' must be a number from 0 to %lld",
				  (long long)j->size);
	int64_t at = json_integer_value(off);
	ssize_t n = pread(j->fd, buf, sizeof(buf), (off_t)at);
	if (n < 0)
		return call_error(c, FOIA_E_INTERNAL,
				  "cannot read the copy: %s", strerror(errno));
	for (ssize_t i = 0; i < n; i++) {
		text[2 * i] = hex[buf[i] >> 4];
		text[2 * i + 1] = hex[buf[i] & 15];
	}
	text[2 * n] = '\0';
	*result =
		json_pack("{s:s, s:b}", "data", text, "eof", at + n >= j->size);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

int method_backup_close(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"token", NULL};
	if (params_known(c, params, allowed, false) < 0)
		return -1;
	struct backup_job *j = find_job(c, params);
	if (!j)
		return -1;
	job_end(j);
	*result = json_object();
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}
