/*
 * store_holiday.c: holidays imported into working-day calendars.
 *
 * One row per day off of a calendar (named as in jurisdictions.conf), with
 * where it came from and who imported it. Rows are only ever added, like
 * events: the store has no code to change or remove one. A calendar has at
 * most one imported day per date, so importing the same feed twice adds
 * nothing the second time; store_holiday_add says so with STORE_CONFLICT
 * rather than an error. The statements are prepared per call, not cached:
 * imports are rare and the walk calls back into the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

void holiday_clear(struct holiday *h)
{
	if (!h)
		return;
	free(h->calendar);
	free(h->date);
	free(h->name);
	free(h->source);
	free(h->created);
	free(h->created_by);
	memset(h, 0, sizeof(*h));
}

int store_holiday_add(struct store *st, struct holiday *h)
{
	char now[STORE_TSLEN];
	sqlite3_stmt *s = NULL;
	/* DO NOTHING rather than a constraint error: a day already there is
	 * an expected outcome, told apart by the number of rows changed. */
	int rc = sqlite3_prepare_v2(
		st->db,
		"INSERT INTO holiday (calendar, date, name, source, created, "
		"created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
		"ON CONFLICT (calendar, date) DO NOTHING",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot add holiday");
	store_now(now);
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, h->calendar);
	store_bind_text(&b, 2, h->date);
	store_bind_text(&b, 3, h->name);
	store_bind_text(&b, 4, h->source);
	store_bind_text(&b, 5, now);
	store_bind_text(&b, 6, h->created_by);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE && sqlite3_changes(st->db) == 0) {
		rc = store_failf(st, STORE_CONFLICT,
				 "calendar '%s' already has a holiday on %s",
				 h->calendar, h->date);
	} else if (rc == SQLITE_DONE) {
		h->id = sqlite3_last_insert_rowid(st->db);
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot add holiday");
	}
	sqlite3_finalize(s);
	return rc;
}

static bool holiday_from_row(sqlite3_stmt *s, struct holiday *h)
{
	h->id = sqlite3_column_int64(s, 0);
	return store_col_text(s, 1, &h->calendar) &&
	       store_col_text(s, 2, &h->date) &&
	       store_col_text(s, 3, &h->name) &&
	       store_col_text(s, 4, &h->source) &&
	       store_col_text(s, 5, &h->created) &&
	       store_col_text(s, 6, &h->created_by);
}

int store_holiday_list(struct store *st,
		       int (*cb)(const struct holiday *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT id, calendar, date, name, source, created, created_by "
		"FROM holiday ORDER BY calendar, date",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot list holidays");
	struct holiday h = {0};
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!holiday_from_row(s, &h)) {
			rc = store_nomem(st);
			goto out;
		}
		rc = cb(&h, arg);
		holiday_clear(&h);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK
			       : store_fail(st, rc, "cannot list holidays");
out:
	holiday_clear(&h);
	sqlite3_finalize(s);
	return rc;
}
