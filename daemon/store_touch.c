/*
 * store_touch.c: which requests were written since a moment, for caches of
 * data derived from them (store_history.h's store_changed_requests).
 *
 * A cache of every open request's next deadline (request.list's memo)
 * should not be thrown away whole when one request changes: redoing the
 * one is a query, redoing all is a pass over the database. SQLite's update
 * hook tells about every row this connection inserts, updates or deletes
 * in a rowid table, with its table and rowid; here each is sorted into
 * one of three kinds:
 *
 *   - a request row: that request changed;
 *   - an event row: the request the event belongs to changed (looked up
 *     when asked; events are append-only, so the lookup cannot miss one
 *     that was kept);
 *   - a row of a table nothing derived from requests reads (the feeds'
 *     stamps, the outbox, snoozes): nothing to say;
 *   - anything else (agencies, holidays, a table added later): everything
 *     may have changed.
 *
 * The request_tag table (WITHOUT ROWID, so never seen by the hook) is
 * written only together with its request's row (store_request.c). Rows
 * rolled back later were still told about: a request redone for nothing
 * is harmless, one missed would not be. Writes by another connection
 * move PRAGMA data_version, and a new connection (a reopen) gets a new
 * number of its own: either makes the caller redo everything.
 */
#include <stdlib.h>
#include <string.h>

#include "store_history.h"
#include "store_impl.h"

/* Tables whose rows no request's derived data depends on. */
static bool table_neutral(const char *table)
{
	static const char *const neutral[] = {"outbox", "snooze", "feed_event",
					      "caldav_event", NULL};
	for (size_t i = 0; neutral[i]; i++)
		if (strcmp(table, neutral[i]) == 0)
			return true;
	return false;
}

static void on_row(void *arg, int op, const char *db, const char *table,
		   sqlite3_int64 rowid)
{
	struct store_touch *t = arg;
	(void)op;
	bool main_db = strcmp(db, "main") == 0;
	if (main_db && table_neutral(table))
		return;
	t->seq++;
	bool request = main_db && strcmp(table, "request") == 0;
	bool event = main_db && strcmp(table, "event") == 0;
	if (!request && !event) {
		t->all_seq = t->seq;
		return;
	}
	struct store_touched *e = &t->ring[t->seq % STORE_TOUCH_RING];
	e->event = event;
	e->rowid = rowid;
}

void store_touch_attach(struct store *st)
{
	static uint64_t connections; /* numbers each connection */
	struct store_touch *t = &st->touch;
	t->conn = ++connections;
	t->all_seq = ++t->seq; /* nothing before this connection is known */
	sqlite3_update_hook(st->db, on_row, t);
}

/* The request an event belongs to, or 0 (none, or the event is gone). */
static int event_request(struct store *st, int64_t event_id, int64_t *out)
{
	*out = 0;
	sqlite3_stmt *s =
		store_stmt(st, SS_EVENT_REQUEST,
			   "SELECT request_id FROM event WHERE id = ?");
	if (!s)
		return STORE_ERROR;
	int rc = sqlite3_bind_int64(s, 1, event_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = store_col_int(s, 0, 0);
	store_stmt_done(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "cannot read an event");
	return STORE_OK;
}

/* Add id to the sorted, distinct ids[0..*n); false when max are there. */
static bool add_id(int64_t *ids, size_t max, size_t *n, int64_t id)
{
	size_t lo = 0, hi = *n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < *n && ids[lo] == id)
		return true;
	if (*n == max)
		return false;
	memmove(ids + lo + 1, ids + lo, (*n - lo) * sizeof(*ids));
	ids[lo] = id;
	(*n)++;
	return true;
}

int store_changed_requests(struct store *st, const struct store_stamp *since,
			   int64_t *ids, size_t max, size_t *n, bool *known)
{
	const struct store_touch *t = &st->touch;
	struct store_stamp now;
	*n = 0;
	*known = false;
	int rc = store_change_stamp(st, &now);
	if (rc != STORE_OK)
		return rc;
	if (since->conn != now.conn || since->version != now.version ||
	    since->seq > now.seq || t->all_seq > since->seq ||
	    now.seq - since->seq > STORE_TOUCH_RING)
		return STORE_OK; /* cannot tell: everything */
	for (uint64_t q = since->seq + 1; q <= now.seq; q++) {
		const struct store_touched *e = &t->ring[q % STORE_TOUCH_RING];
		int64_t id = e->rowid;
		if (e->event) {
			rc = event_request(st, e->rowid, &id);
			if (rc != STORE_OK)
				return rc;
		}
		if (id > 0 && !add_id(ids, max, n, id)) {
			*n = 0;
			return STORE_OK; /* more than max: everything */
		}
	}
	*known = true;
	return STORE_OK;
}
