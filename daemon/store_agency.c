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
	"a.address"
#define AGENCY_FROM " FROM agency a LEFT JOIN agency p ON p.id = a.parent_id"

static bool agency_from_row(sqlite3_stmt *s, struct agency *a)
{
	a->id = sqlite3_column_int64(s, 0);
	return store_col_text(s, 1, &a->code) &&
	       store_col_text(s, 2, &a->name) &&
	       store_col_text(s, 3, &a->parent) &&
	       store_col_text(s, 4, &a->jurisdiction) &&
	       store_col_text(s, 5, &a->email) &&
	       store_col_text(s, 6, &a->portal) &&
	       store_col_text(s, 7, &a->address);
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
		"email, portal, address, created, updated) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
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
		"portal = ?7, address = ?8, updated = ?9 WHERE id = ?1");
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
