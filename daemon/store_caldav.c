/*
 * store_caldav.c: what the CalDAV server holds of each deadline
 * (store.h, caldav.c).
 *
 * A row is written only after the server accepted the event, and removed
 * only after it deleted it, so the table never claims more than the
 * server has; what a crash leaves unrecorded is found again by the next
 * sync, which sends to the same resource name and so cannot make a second
 * copy. Statements are prepared per call: a sync writes one row per event
 * it changed.
 */
#include <stdio.h>
#include <string.h>

#include "store_impl.h"

static void copy_col(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	snprintf(dst, len, "%s", v ? (const char *)v : "");
}

int store_caldav_list(struct store *st,
		      int (*cb)(const struct caldav_stamp *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT request_id, kind, date, hash, sequence, created, "
		"changed, etag FROM caldav_event ORDER BY request_id, kind",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the CalDAV state");
	struct caldav_stamp c;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.request_id = sqlite3_column_int64(s, 0);
		copy_col(s, 1, c.kind, sizeof(c.kind));
		copy_col(s, 2, c.date, sizeof(c.date));
		copy_col(s, 3, c.hash, sizeof(c.hash));
		c.sequence = sqlite3_column_int64(s, 4);
		copy_col(s, 5, c.created, sizeof(c.created));
		copy_col(s, 6, c.changed, sizeof(c.changed));
		copy_col(s, 7, c.etag, sizeof(c.etag));
		rc = cb(&c, arg);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE
		     ? STORE_OK
		     : store_fail(st, rc, "cannot read the CalDAV state");
out:
	sqlite3_finalize(s);
	return rc;
}

int store_caldav_save(struct store *st, const struct caldav_stamp *c)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"INSERT OR REPLACE INTO caldav_event (request_id, kind, date, "
		"hash, sequence, created, changed, etag) VALUES (?1, ?2, ?3, "
		"?4, ?5, ?6, ?7, ?8)",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot save the CalDAV state");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_int(&b, 1, c->request_id);
	store_bind_text(&b, 2, c->kind);
	store_bind_text(&b, 3, c->date);
	store_bind_text(&b, 4, c->hash);
	store_bind_int(&b, 5, c->sequence);
	store_bind_text(&b, 6, c->created);
	store_bind_text(&b, 7, c->changed);
	store_bind_text(&b, 8, c->etag[0] ? c->etag : NULL);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	rc = rc == SQLITE_DONE
		     ? STORE_OK
		     : store_fail(st, rc, "cannot save the CalDAV state");
	sqlite3_finalize(s);
	return rc;
}

int store_caldav_delete(struct store *st, int64_t request_id, const char *kind)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"DELETE FROM caldav_event WHERE request_id = ?1 AND kind = ?2",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot save the CalDAV state");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_int(&b, 1, request_id);
	store_bind_text(&b, 2, kind);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	rc = rc == SQLITE_DONE
		     ? STORE_OK
		     : store_fail(st, rc, "cannot save the CalDAV state");
	sqlite3_finalize(s);
	return rc;
}
