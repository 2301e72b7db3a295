/*
 * store_feed.c: the calendar feeds' memory of what they published.
 *
 * One row per deadline (request, kind) ever published in a feed: the date
 * it had, a digest of the rest of its text, its SEQUENCE, and when it
 * first appeared and last changed (table feed_event, migration 3). feeds.c
 * reads them all in one ordered walk and writes back only the rows that
 * changed, in one transaction, so regenerating a feed of hundreds of thousands
 * of events costs one scan rather than a query per event. Rows stay when a
 * deadline leaves the feed: if it comes back, its SEQUENCE goes on from where
 * it was, so no client is ever shown a lower one for the same UID.
 */
#include <stdio.h>
#include <string.h>

#include "store_impl.h"

/* Copy text column i into dst[len]; false when NULL or too long. */
static bool col_fixed(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	int n = sqlite3_column_bytes(s, i);
	if (!v || n < 0 || (size_t)n >= len)
		return false;
	memcpy(dst, v, (size_t)n);
	dst[n] = '\0';
	return true;
}

int store_feed_stamp_list(struct store *st,
			  int (*cb)(const struct feed_stamp *, void *),
			  void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT request_id, kind, date, digest, sequence, created, "
		"changed FROM feed_event ORDER BY request_id, kind",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read feed stamps");
	struct feed_stamp f;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&f, 0, sizeof(f));
		f.request_id = sqlite3_column_int64(s, 0);
		f.digest = sqlite3_column_int64(s, 3);
		f.sequence = sqlite3_column_int64(s, 4);
		if (!col_fixed(s, 1, f.kind, sizeof(f.kind)) ||
		    !col_fixed(s, 2, f.date, sizeof(f.date)) ||
		    !col_fixed(s, 5, f.created, sizeof(f.created)) ||
		    !col_fixed(s, 6, f.changed, sizeof(f.changed))) {
			rc = store_failf(st, STORE_ERROR,
					 "bad feed stamp of request %lld",
					 (long long)f.request_id);
			goto out;
		}
		rc = cb(&f, arg);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK
			       : store_fail(st, rc, "cannot read feed stamps");
out:
	sqlite3_finalize(s);
	return rc;
}

int store_feed_stamp_get(struct store *st, int64_t request_id, const char *kind,
			 struct feed_stamp *out)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT date, digest, sequence, created, changed FROM "
		"feed_event WHERE request_id = ?1 AND kind = ?2",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read a feed stamp");
	memset(out, 0, sizeof(*out));
	out->request_id = request_id;
	if ((rc = sqlite3_bind_int64(s, 1, request_id)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC)) !=
		    SQLITE_OK) {
		rc = store_fail(st, rc, "cannot read a feed stamp");
		goto out;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		rc = store_failf(st, STORE_NOT_FOUND,
				 "deadline %s of request %lld never published",
				 kind, (long long)request_id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = store_fail(st, rc, "cannot read a feed stamp");
		goto out;
	}
	out->digest = sqlite3_column_int64(s, 1);
	out->sequence = sqlite3_column_int64(s, 2);
	rc = STORE_OK;
	if (snprintf(out->kind, sizeof(out->kind), "%s", kind) >=
		    (int)sizeof(out->kind) ||
	    !col_fixed(s, 0, out->date, sizeof(out->date)) ||
	    !col_fixed(s, 3, out->created, sizeof(out->created)) ||
	    !col_fixed(s, 4, out->changed, sizeof(out->changed)))
		rc = store_failf(st, STORE_ERROR,
				 "bad feed stamp of request %lld",
				 (long long)request_id);
out:
	sqlite3_finalize(s);
	return rc;
}

int store_feed_stamp_save(struct store *st, const struct feed_stamp *v,
			  size_t n)
{
	struct store_op op;
	sqlite3_stmt *s = NULL;
	if (n == 0)
		return STORE_OK;
	int rc = store_op_begin(st, &op);
	if (rc != STORE_OK)
		return rc;
	int src = sqlite3_prepare_v2(
		st->db,
		"INSERT OR REPLACE INTO feed_event (request_id, kind, date, "
		"digest, sequence, created, changed) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		-1, &s, NULL);
	if (src != SQLITE_OK) {
		rc = store_fail(st, src, "cannot save feed stamps");
		return store_op_end(st, &op, rc);
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct store_bind b = {s, SQLITE_OK};
		store_bind_int(&b, 1, v[i].request_id);
		store_bind_text(&b, 2, v[i].kind);
		store_bind_text(&b, 3, v[i].date);
		store_bind_int(&b, 4, v[i].digest);
		store_bind_int(&b, 5, v[i].sequence);
		store_bind_text(&b, 6, v[i].created);
		store_bind_text(&b, 7, v[i].changed);
		src = b.rc;
		if (src == SQLITE_OK)
			src = sqlite3_step(s);
		if (src != SQLITE_DONE)
			rc = store_fail(st, src, "cannot save feed stamps");
		store_stmt_done(s);
	}
	sqlite3_finalize(s);
	return store_op_end(st, &op, rc);
}
