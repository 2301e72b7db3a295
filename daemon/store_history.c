/*
 * store_history.c: many requests and their clock histories in one pass
 * (store_history.h).
 *
 * Three ordered statements, each stepped once over its rows: requests by
 * id, their tags by (request_id, tag) (the table's primary key), and the
 * clock events by (request_id, id) (the event_request index, which holds
 * the rowid). The caller merges them by request id. Only the event kinds
 * the deadline engine and the report read are streamed: notes and field
 * changes, most of a history, never leave SQLite. None of these
 * statements is cached: they stay busy across callbacks that may use the
 * store.
 */
#include <stdlib.h>
#include <string.h>

#include "store_history.h"
#include "store_impl.h"
#include "store_scan.h"

struct store_history {
	struct store *st;
	sqlite3_stmt *s;
	bool row; /* s holds a row not yet taken */
};

static const char history_sql[] =
	"SELECT id, request_id, at, kind, field, new_value, date FROM event "
	"WHERE request_id IS NOT NULL AND kind IN ('status', 'toll', "
	"'toll-end', 'extension', 'agreed') ORDER BY request_id, id";

static int history_step(struct store_history *h)
{
	int rc = sqlite3_step(h->s);
	h->row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return STORE_OK;
	return store_fail(h->st, rc, "cannot read the history");
}

int store_history_open(struct store *st, struct store_history **out)
{
	struct store_history *h = calloc(1, sizeof(*h));
	*out = NULL;
	if (!h)
		return store_nomem(st);
	h->st = st;
	int rc = sqlite3_prepare_v2(st->db, history_sql, -1, &h->s, NULL);
	if (rc != SQLITE_OK) {
		free(h);
		return store_fail(st, rc, "cannot read the history");
	}
	rc = history_step(h);
	if (rc != STORE_OK) {
		store_history_close(h);
		return rc;
	}
	*out = h;
	return STORE_OK;
}

static char *col(sqlite3_stmt *s, int i)
{
	return (char *)sqlite3_column_text(s, i);
}

int store_history_take(struct store_history *h, int64_t request_id,
		       int (*cb)(const struct event *, void *), void *arg)
{
	int rc;
	while (h->row && sqlite3_column_int64(h->s, 1) < request_id)
		if ((rc = history_step(h)) != STORE_OK)
			return rc;
	while (h->row && sqlite3_column_int64(h->s, 1) == request_id) {
		struct event e = {.id = sqlite3_column_int64(h->s, 0),
				  .request_id = request_id};
		e.at = col(h->s, 2);
		e.kind = col(h->s, 3);
		e.field = col(h->s, 4);
		e.new_value = col(h->s, 5);
		e.date = col(h->s, 6);
		if (!e.kind || !e.at)
			return store_nomem(h->st); /* NOT NULL columns */
		if ((rc = cb(&e, arg)) != 0)
			return rc;
		if ((rc = history_step(h)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

void store_history_close(struct store_history *h)
{
	if (!h)
		return;
	sqlite3_finalize(h->s);
	free(h);
}

/* --- requests ----------------------------------------------------------- */

bool store_request_borrow(sqlite3_stmt *s, struct request *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->batch = store_col_int(s, 1, 0);
	r->agency = col(s, 2);
	r->agency_name = col(s, 3);
	r->component = col(s, 4);
	r->jurisdiction = col(s, 5);
	r->subject = col(s, 6);
	r->description = col(s, 7);
	r->requester = col(s, 8);
	r->project = col(s, 9);
	r->method = col(s, 10);
	r->tracking = col(s, 11);
	r->sent = col(s, 12);
	r->received = col(s, 13);
	r->acknowledged = col(s, 14);
	r->closed = col(s, 15);
	r->expedited = sqlite3_column_int(s, 16) != 0;
	r->fee_waiver = sqlite3_column_int(s, 17) != 0;
	r->fee_category = col(s, 18);
	r->fees_estimated = store_col_int(s, 19, -1);
	r->fees_paid = store_col_int(s, 20, -1);
	r->status = col(s, 21);
	r->created = col(s, 22);
	r->updated = col(s, 23);
	r->created_by = col(s, 24);
	return r->agency && r->agency_name && r->jurisdiction && r->subject &&
	       r->status && r->created && r->updated && r->created_by;
}

/* The tags stream: (request_id, tag) in key order. */
struct tag_stream {
	sqlite3_stmt *s;
	bool row;
	char **v;
	size_t cap;
};

static int tags_of(struct store *st, struct tag_stream *t, struct request *r)
{
	int rc;
	r->tags = NULL;
	r->ntags = 0;
	while (t->row && sqlite3_column_int64(t->s, 0) <= r->id) {
		if (sqlite3_column_int64(t->s, 0) == r->id) {
			if (r->ntags == t->cap) {
				size_t cap = t->cap ? 2 * t->cap : 8;
				char **v = realloc(t->v, cap * sizeof(*v));
				if (!v)
					return store_nomem(st);
				t->v = v;
				t->cap = cap;
			}
			t->v[r->ntags] = strdup(col(t->s, 1));
			if (!t->v[r->ntags])
				return store_nomem(st);
			r->ntags++;
		}
		rc = sqlite3_step(t->s);
		t->row = rc == SQLITE_ROW;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_fail(st, rc, "cannot read tags");
	}
	r->tags = r->ntags ? t->v : NULL;
	return STORE_OK;
}

static void tags_drop(struct tag_stream *t, struct request *r)
{
	for (size_t i = 0; i < r->ntags; i++)
		free(t->v[i]);
	r->ntags = 0;
	r->tags = NULL;
}

int store_request_scan(struct store *st, const struct request_filter *f,
		       bool tags, int (*cb)(const struct request *, void *),
		       void *arg)
{
	char *sql = store_filter_sql("SELECT " STORE_SCAN_COLS
				     " FROM request r JOIN agency a ON "
				     "a.id = r.agency_id WHERE 1",
				     f);
	if (!sql)
		return store_nomem(st);
	sqlite3_stmt *s = NULL;
	struct tag_stream t = {0};
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	free(sql);
	if (rc == SQLITE_OK)
		rc = store_filter_bind(s, f);
	if (rc == SQLITE_OK && tags) {
		rc = sqlite3_prepare_v2(st->db,
					"SELECT request_id, tag FROM "
					"request_tag ORDER BY request_id, tag",
					-1, &t.s, NULL);
		if (rc == SQLITE_OK) {
			rc = sqlite3_step(t.s);
			t.row = rc == SQLITE_ROW;
			if (rc == SQLITE_ROW || rc == SQLITE_DONE)
				rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK) {
		rc = store_fail(st, rc, "cannot list requests");
		goto out;
	}
	struct request r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!store_request_borrow(s, &r)) {
			rc = store_nomem(st);
			goto out;
		}
		if (tags && (rc = tags_of(st, &t, &r)) != STORE_OK) {
			tags_drop(&t, &r);
			goto out;
		}
		rc = cb(&r, arg);
		tags_drop(&t, &r);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK
			       : store_fail(st, rc, "cannot list requests");
out:
	free(t.v);
	sqlite3_finalize(t.s);
	sqlite3_finalize(s);
	return rc;
}

/* --- bulk writes -------------------------------------------------------- */

int store_change_stamp(struct store *st, struct store_stamp *out)
{
	sqlite3_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc =
		sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the data version");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		out->version = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc, "cannot read the data version");
	out->changes = sqlite3_total_changes64(st->db);
	out->conn = st->touch.conn;
	out->seq = st->touch.seq;
	return STORE_OK;
}

int store_bulk(struct store *st, bool on)
{
	/* A transaction of 100,000 requests dirties far more pages than the
	 * default cache holds, and SQLite then spills them to the WAL in
	 * the middle of it, writing many pages again and again: 64 MiB
	 * keeps an import's pages in memory until the commit. */
	/* Each insert runs under a savepoint (store_op_begin), whose undo
	 * pages go to a temporary file unless temp_store says memory. */
	int rc = sqlite3_exec(st->db,
			      on ? "PRAGMA cache_size = -65536; "
				   "PRAGMA temp_store = MEMORY"
				 : "PRAGMA cache_size = -2000; "
				   "PRAGMA temp_store = DEFAULT",
			      NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK
			       : store_fail(st, rc, "cannot size the cache");
}
