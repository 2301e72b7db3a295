/*
 * store_health.c: the few figures `status` gives about the reminders'
 * outbox (store.h store_outbox_health): how many messages wait, how many
 * failed for good, and which one carries the newest delivery error, so an
 * operator sees at a glance that mail has stopped going out and why.
 * Statements are prepared per call: status is rare, and the cached set in
 * store_impl.h is shared with every other store file.
 */
#include <sqlite3.h>

#include "store_impl.h"

static int one_int(struct store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*out = store_col_int(s, 0, 0);
			rc = SQLITE_DONE;
		} else if (rc == SQLITE_DONE) {
			*out = 0;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "cannot read the outbox");
	return STORE_OK;
}

int store_outbox_health(struct store *st, int64_t *waiting, int64_t *failed,
			int64_t *last_error_id)
{
	int rc = one_int(st,
			 "SELECT count(*) FROM outbox WHERE state IN "
			 "('pending', 'sending', 'delivering')",
			 waiting);
	if (rc == STORE_OK)
		rc = one_int(st,
			     "SELECT count(*) FROM outbox WHERE state = "
			     "'failed'",
			     failed);
	/* Cancelled rows keep the reason in last_error: not a delivery
	 * error. Ids grow, so the largest is the newest reminder. */
	if (rc == STORE_OK)
		rc = one_int(st,
			     "SELECT coalesce(max(id), 0) FROM outbox WHERE "
			     "last_error IS NOT NULL AND state IN "
			     "('pending', 'failed')",
			     last_error_id);
	return rc;
}
