/*
 * store_agency.c: agency rows.
 *
 * Agencies are addressed by their code, which is unique without regard to
 * ASCII case (the column is COLLATE NOCASE, so "ice" finds "ICE"). The
 * parent is stored as a row id and shown as the parent's code. Agencies
 * are never deleted (a trigger refuses it), so requests and events always
 * have an agency to point at.
 */
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

/* Columns read into a struct agency by agency_from_row, in this order. */
#define AGENCY_COLS                                                            \
	"a.id, a.code, a.name, p.code, a.jurisdiction, a.email, a.portal, "    \
	"a.address, a.website, a.published_median_simple, "                    \
	"a.published_median_complex, a.published_year, a.published_source"
#define AGENCY_FROM " FROM agency a LEFT JOIN agency p ON p.id = a.parent_id"

static bool agency_from_row(sqlite3_stmt *s, struct agency *a)
{
	a->id = sqlite3_column_int64(s, 0);
	a->has_median_simple = sqlite3_column_type(s, 9) != SQLITE_NULL;
	a->median_simple = sqlite3_column_double(s, 9);
	a->has_median_complex = sqlite3_column_type(s, 10) != SQLITE_NULL;
	a->median_complex = sqlite3_column_double(s, 10);
	a->published_year = (int)store_col_int(s, 11, 0);
	return store_col_text(s, 1, &a->code) &&
	       store_col_text(s, 2, &a->name) &&
	       store_col_text(s, 3, &a->parent) &&
	       store_col_text(s, 4, &a->jurisdiction) &&
	       store_col_text(s, 5, &a->email) &&
	       store_col_text(s, 6, &a->portal) &&
	       store_col_text(s, 7, &a->address) &&
	       store_col_text(s, 8, &a->website) &&
	       store_col_text(s, 12, &a->published_source);
}

void agency_clear(struct agency *a)
{
	if (!a)
		return;
	free(a->code);
	free(a->name);
	free(a->parent);
	free(a->jurisdiction);
	free(a->email);
	free(a->portal);
	free(a->address);
	free(a->website);
	free(a->published_source);
	memset(a, 0, sizeof(*a));
}

int store_agency_id(struct store *st, const char *code, int64_t *id,
		    char **jurisdiction)
{
	if (!code)
		return store_failf(st, STORE_NOT_FOUND, "no agency code given");
	sqlite3_stmt *s = store_stmt(
		st, SS_AGENCY_LOOKUP,
		"SELECT id, jurisdiction FROM agency WHERE code = ?1");
	if (!s)
		return STORE_ERROR;
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, code);
	int rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		rc = STORE_OK;
		if (jurisdiction && !store_col_text(s, 1, jurisdiction))
			rc = store_nomem(st);
	} else if (rc == SQLITE_DONE) {
		rc = store_failf(st, STORE_NOT_FOUND, "no agency '%s'", code);
	} else {
		rc = store_fail(st, rc, "cannot look up agency");
	}
	store_stmt_done(s);
	return rc;
}

/* Parent code to row id; NULL parent gives 0 (bound as NULL). */
static int parent_id(struct store *st, const char *parent, int64_t *id)
{
	*id = 0;
	if (!parent)
		return STORE_OK;
	int rc = store_agency_id(st, parent, id, NULL);
	if (rc == STORE_NOT_FOUND)
		store_failf(st, rc, "unknown parent agency '%s'", parent);
	return rc;
}

int store_agency_get(struct store *st, const char *code, struct agency *out)
{
	memset(out, 0, sizeof(*out));
	if (!code)
		return store_failf(st, STORE_NOT_FOUND, "no agency code given");
	sqlite3_stmt *s = store_stmt(st, SS_AGENCY_GET,
				     "SELECT " AGENCY_COLS AGENCY_FROM
				     " WHERE a.code = ?1");
	if (!s)
		return STORE_ERROR;
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, code);
	int rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = agency_from_row(s, out) ? STORE_OK : store_nomem(st);
	} else if (rc == SQLITE_DONE) {
		rc = store_failf(st, STORE_NOT_FOUND, "no agency '%s'", code);
	} else {
		rc = store_fail(st, rc, "cannot read agency");
	}
	store_stmt_done(s);
	if (rc != STORE_OK)
		agency_clear(out);
	return rc;
}

/* website, the two medians, the year and the source from column i on. */
static void bind_published(struct store_bind *b, int i, const struct agency *a)
{
	store_bind_text(b, i, a->website);
	if (b->rc == SQLITE_OK)
		b->rc = a->has_median_simple
				? sqlite3_bind_double(b->s, i + 1,
						      a->median_simple)
				: sqlite3_bind_null(b->s, i + 1);
	if (b->rc == SQLITE_OK)
		b->rc = a->has_median_complex
				? sqlite3_bind_double(b->s, i + 2,
						      a->median_complex)
				: sqlite3_bind_null(b->s, i + 2);
	store_bind_id(b, i + 3, a->published_year);
	store_bind_text(b, i + 4, a->published_source);
}

int store_agency_insert(struct store *st, struct agency *a)
{
	char now[STORE_TSLEN];
	int64_t pid;
	int rc = parent_id(st, a->parent, &pid);
	if (rc != STORE_OK)
		return rc;
	/* The struct should say what was stored, default included. */
	if (!a->jurisdiction && !(a->jurisdiction = strdup("us-federal")))
		return store_nomem(st);
	sqlite3_stmt *s = store_stmt(
		st, SS_AGENCY_INSERT,
		"INSERT INTO agency (code, name, parent_id, jurisdiction, "
		"email, portal, address, created, updated, website, "
		"published_median_simple, published_median_complex, "
		"published_year, published_source) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, "
		"?12, "
		"?13)");
	if (!s)
		return STORE_ERROR;
	store_now(now);
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, a->code);
	store_bind_text(&b, 2, a->name);
	store_bind_id(&b, 3, pid);
	store_bind_text(&b, 4, a->jurisdiction);
	store_bind_text(&b, 5, a->email);
	store_bind_text(&b, 6, a->portal);
	store_bind_text(&b, 7, a->address);
	store_bind_text(&b, 8, now);
	bind_published(&b, 9, a);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		a->id = sqlite3_last_insert_rowid(st->db);
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot add agency");
	}
	store_stmt_done(s);
	return rc;
}

int store_agency_save(struct store *st, const struct agency *a)
{
	char now[STORE_TSLEN];
	int64_t pid;
	int rc = parent_id(st, a->parent, &pid);
	if (rc != STORE_OK)
		return rc;
	/* A NULL jurisdiction keeps the stored one: the column may not be
	 * empty. */
	sqlite3_stmt *s = store_stmt(
		st, SS_AGENCY_SAVE,
		"UPDATE agency SET code = ?2, name = ?3, parent_id = ?4, "
		"jurisdiction = coalesce(?5, jurisdiction), email = ?6, "
		"portal = ?7, address = ?8, updated = ?9, website = ?10, "
		"published_median_simple = ?11, published_median_complex = "
		"?12, "
		"published_year = ?13, published_source = ?14 WHERE id = ?1");
	if (!s)
		return STORE_ERROR;
	store_now(now);
	struct store_bind b = {s, SQLITE_OK};
	store_bind_int(&b, 1, a->id);
	store_bind_text(&b, 2, a->code);
	store_bind_text(&b, 3, a->name);
	store_bind_id(&b, 4, pid);
	store_bind_text(&b, 5, a->jurisdiction);
	store_bind_text(&b, 6, a->email);
	store_bind_text(&b, 7, a->portal);
	store_bind_text(&b, 8, a->address);
	store_bind_text(&b, 9, now);
	bind_published(&b, 10, a);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		rc = sqlite3_changes(st->db) > 0
			     ? STORE_OK
			     : store_failf(st, STORE_NOT_FOUND,
					   "no agency with id %lld",
					   (long long)a->id);
	} else {
		rc = store_fail(st, rc, "cannot save agency");
	}
	store_stmt_done(s);
	return rc;
}

int store_agency_list(struct store *st,
		      int (*cb)(const struct agency *, void *), void *arg)
{
	/* Not cached: cb may call back into the store, even this function. */
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
				    "SELECT " AGENCY_COLS AGENCY_FROM
				    " ORDER BY a.code, a.id",
				    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot list agencies");
	struct agency a = {0};
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!agency_from_row(s, &a)) {
			rc = store_nomem(st);
			goto out;
		}
		rc = cb(&a, arg);
		agency_clear(&a);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK
			       : store_fail(st, rc, "cannot list agencies");
out:
	agency_clear(&a);
	sqlite3_finalize(s);
	return rc;
}

int store_agency_count_requests(struct store *st, const char *code,
				int64_t *out)
{
	if (!code)
		return store_failf(st, STORE_NOT_FOUND, "no agency code given");
	sqlite3_stmt *s = store_stmt(
		st, SS_AGENCY_COUNT_REQUESTS,
		"SELECT (SELECT count(*) FROM request r "
		"WHERE r.agency_id = a.id) FROM agency a WHERE a.code = ?1");
	if (!s)
		return STORE_ERROR;
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, code);
	int rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = store_failf(st, STORE_NOT_FOUND, "no agency '%s'", code);
	} else {
		rc = store_fail(st, rc, "cannot count requests");
	}
	store_stmt_done(s);
	return rc;
}

/* --- replacing the seed by a backup --------------------------------------- */

/* An event as seed.c writes it when it adds an agency from the seed file. */
#define SEED_EVENT                                                             \
	"(e.request_id IS NULL AND e.actor = 'foiad' AND e.kind = 'agency' "   \
	"AND e.field = 'code' AND e.old_value IS NULL "                        \
	"AND e.note = 'added from the seed file')"

/* Rows of the tables other than agency and event, plus events that are not
 * seed events, plus agencies without their seed event: 0 on a database
 * holding nothing but the seed. */
static const char *const not_seed_sql[] = {
	"SELECT count(*) FROM event e WHERE NOT " SEED_EVENT,
	"SELECT count(*) FROM agency a WHERE NOT EXISTS (SELECT 1 FROM event "
	"e WHERE e.agency_id = a.id AND " SEED_EVENT ")",
	"SELECT count(*) FROM request",
	"SELECT count(*) FROM request_tag",
	"SELECT count(*) FROM holiday",
	"SELECT count(*) FROM feed_event",
	"SELECT count(*) FROM outbox",
	"SELECT count(*) FROM snooze",
	"SELECT count(*) FROM caldav_event",
};

/* Tables the list above covers: a table added later is not known to be
 * empty of anything that matters, so it must be empty. */
static bool table_known(const char *name)
{
	static const char *const known[] = {
		"agency",     "event",	"request", "request_tag",  "holiday",
		"feed_event", "outbox", "snooze",  "caldav_event",
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(name, known[i]) == 0)
			return true;
	return false;
}

static int count_of(struct store *st, const char *sql, int64_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot count rows");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_agency_seed_only(struct store *st, bool *only)
{
	int64_t n = 0;
	int rc = STORE_OK;
	*only = false;
	for (size_t i = 0;
	     i < sizeof(not_seed_sql) / sizeof(not_seed_sql[0]) && rc == 0;
	     i++) {
		rc = count_of(st, not_seed_sql[i], &n);
		if (rc == STORE_OK && n > 0)
			return STORE_OK;
	}
	if (rc != STORE_OK)
		return rc;
	/* Any other table (a later migration's) must be empty. */
	sqlite3_stmt *s = NULL;
	rc = sqlite3_prepare_v2(
		st->db,
		"SELECT name FROM sqlite_schema WHERE type = 'table'"
		" AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the schema");
	bool other = false;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		if (name && !table_known(name))
			other = true;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "cannot read the schema");
	*only = !other;
	return STORE_OK;
}

/* The triggers that keep agencies and events from being deleted: lifted
 * for the one statement each that removes the seed, then put back as they
 * were (their own text, read from the schema), all inside the caller's
 * transaction, so no other change can ever see them gone. */
static const char *const guard_names[] = {"event_no_delete",
					  "agency_no_delete"};
#define NGUARDS (sizeof(guard_names) / sizeof(guard_names[0]))

static int guard_text(struct store *st, const char *name, char **out)
{
	sqlite3_stmt *s = NULL;
	*out = NULL;
	int rc =
		sqlite3_prepare_v2(st->db,
				   "SELECT sql FROM sqlite_schema WHERE type = "
				   "'trigger' AND name = ?1",
				   -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the schema");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, name);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_col_text(s, 0, out) && *out ? STORE_OK
						       : store_nomem(st);
	else if (rc == SQLITE_DONE)
		rc = store_failf(st, STORE_ERROR, "no trigger '%s'", name);
	else
		rc = store_fail(st, rc, "cannot read the schema");
	sqlite3_finalize(s);
	return rc;
}

int store_agency_unseed(struct store *st)
{
	static const char *const steps[] = {
		"DROP TRIGGER event_no_delete",
		"DROP TRIGGER agency_no_delete",
		"DELETE FROM event",
		"DELETE FROM agency",
	};
	char *guards[NGUARDS] = {0};
	bool only = false;
	int rc = store_agency_seed_only(st, &only);
	if (rc == STORE_OK && !only)
		rc = store_failf(
			st, STORE_CONFLICT,
			"the database holds more than the agency seed");
	for (size_t i = 0; rc == STORE_OK && i < NGUARDS; i++)
		rc = guard_text(st, guard_names[i], &guards[i]);
	for (size_t i = 0;
	     rc == STORE_OK && i < sizeof(steps) / sizeof(steps[0]); i++) {
		int src = sqlite3_exec(st->db, steps[i], NULL, NULL, NULL);
		if (src != SQLITE_OK)
			rc = store_fail(st, src, "cannot remove the seed");
	}
	for (size_t i = 0; rc == STORE_OK && i < NGUARDS; i++) {
		int src = sqlite3_exec(st->db, guards[i], NULL, NULL, NULL);
		if (src != SQLITE_OK)
			rc = store_fail(st, src, "cannot restore a trigger");
	}
	for (size_t i = 0; i < NGUARDS; i++)
		free(guards[i]);
	return rc;
}
