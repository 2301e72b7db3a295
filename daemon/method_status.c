/*
 * method_status.c: `status`, the daemon describing itself: version,
 * database and its size on disk, uptime, how many requests are in each
 * status, and the health of what it does on its own: the reminders waiting
 * in the outbox or failed, the newest delivery error, and when it next
 * wakes up. Nothing secret is in it: passwords stay in their files (the
 * delivery error is libcurl's or the server's text, which never carries
 * the password sent).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "foia/protocol.h"
#include "method_util.h"
#include "methods.h"
#include "scheduler.h"
#include "zone.h"

static int count_one(const char *status, int64_t n, void *arg)
{
	return json_object_set_new(arg, status, json_integer(n));
}

/* Size of path in bytes; 0 when there is no such file (no WAL yet, a
 * ":memory:" database). */
static json_int_t file_bytes(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return 0;
	return (json_int_t)st.st_size;
}

static json_t *stamp_or_null(time_t t)
{
	char buf[32];
	if (t <= 0)
		return json_null();
	zone_utc_stamp(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* {db, wal}: the bytes of the database file and of its write-ahead log. */
static json_t *disk_usage(const char *db)
{
	char wal[4096];
	json_int_t wal_bytes = 0;
	if (snprintf(wal, sizeof(wal), "%s-wal", db) < (int)sizeof(wal))
		wal_bytes = file_bytes(wal);
	return json_pack("{s:I, s:I}", "db", file_bytes(db), "wal", wal_bytes);
}

/* {pending, failed, last_error: {...}|null}. */
static int outbox_health(struct call *c, json_t **out)
{
	int64_t waiting = 0, failed = 0, last = 0;
	struct outbox_row r = {0};
	json_t *err = NULL;
	int rc = store_outbox_health(c->d->store, &waiting, &failed, &last);

	if (rc != STORE_OK)
		return store_failure(c, rc, "read the outbox");
	if (last > 0) {
		if ((rc = store_outbox_get(c->d->store, last, &r)) != STORE_OK)
			return store_failure(c, rc, "read the outbox");
		err = json_pack(
			"{s:I, s:s?, s:o, s:s?, s:s?, s:i, s:o, s:s?}",
			"outbox", (json_int_t)r.id, "channel", r.channel,
			"request",
			r.request_id ? json_integer(r.request_id) : json_null(),
			"summary", r.summary, "state", r.state, "attempts",
			r.attempts, "next_attempt_at",
			str_or_null(r.next_attempt_at), "error", r.last_error);
		outbox_row_clear(&r);
		if (!err)
			return call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	*out = json_pack("{s:I, s:I, s:o}", "pending", (json_int_t)waiting,
			 "failed", (json_int_t)failed, "last_error",
			 err ? err : json_null());
	return *out ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

/* When the event loop next wakes by itself (any timer: a feed rewrite, a
 * retry, the reminder plan), and when the next reminder falls due. */
static json_t *wakeups(struct call *c)
{
	int64_t ms = timers_next_ms(&c->d->timers);
	time_t next = ms < 0 ? 0 : time(NULL) + (time_t)((ms + 999) / 1000);
	return json_pack("{s:o, s:o}", "next_wakeup", stamp_or_null(next),
			 "next_reminder", stamp_or_null(scheduler_next()));
}

int method_status(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {NULL};
	int64_t requests = 0, agencies = 0;
	json_t *by_status, *outbox = NULL;
	int rc;

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	if (!(by_status = json_object()))
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	if ((rc = store_count_requests(c->d->store, &requests)) != STORE_OK ||
	    (rc = store_count_agencies(c->d->store, &agencies)) != STORE_OK ||
	    (rc = store_count_by_status(c->d->store, count_one, by_status)) !=
		    STORE_OK) {
		json_decref(by_status);
		return rc < 0 ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			      : store_failure(c, rc, "count requests");
	}
	if (outbox_health(c, &outbox) < 0) {
		json_decref(by_status);
		return -1;
	}
	*result = json_pack(
		"{s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
		"version", FOIA_VERSION, "protocol", FOIA_PROTOCOL_VERSION,
		"database", c->d->cfg.database, "mode",
		c->d->system_mode ? "system" : "user", "pid",
		(json_int_t)getpid(), "uptime",
		(json_int_t)(time(NULL) - c->d->started), "requests",
		(json_int_t)requests, "agencies", (json_int_t)agencies,
		"by_status", by_status, "disk", disk_usage(c->d->cfg.database),
		"outbox", outbox);
	if (*result &&
	    json_object_update_missing_new(*result, wakeups(c)) < 0) {
		json_decref(*result);
		*result = NULL;
	}
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}
