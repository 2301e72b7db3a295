/*
 * store_backup.c: the SQL of backup and restore (store_backup.h).
 *
 * The table and column names come from the schema itself (sqlite_schema
 * and PRAGMA table_info), never from a client: the SELECT and INSERT text
 * built from them is ours, and every value is bound. Statements are
 * prepared per call, not cached: a dump calls back into the caller, and a
 * restore runs once per database.
 */
#include "store_backup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "store_chain.h"
#include "store_impl.h"

/* Growing text for the statements built from the schema. */
struct sql {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void sql_add(struct sql *q, const char *s)
{
	size_t n = strlen(s);
	if (q->oom)
		return;
	if (!grow_array((void **)&q->buf, &q->cap, q->len + n + 1, 1)) {
		q->oom = true;
		return;
	}
	memcpy(q->buf + q->len, s, n + 1);
	q->len += n;
}

/* A schema name quoted as an identifier; names with a quote in them are
 * not ours and are refused by the caller. */
static void sql_name(struct sql *q, const char *name)
{
	sql_add(q, "\"");
	sql_add(q, name);
	sql_add(q, "\"");
}

void store_backup_tables_free(struct backup_table *t, size_t n)
{
	if (!t)
		return;
	for (size_t i = 0; i < n; i++) {
		free(t[i].name);
		for (size_t k = 0; k < t[i].ncols; k++)
			free(t[i].cols[k]);
		free(t[i].order);
	}
	free(t);
}

/* Columns and primary key of one table. */
static int load_columns(struct store *st, struct backup_table *t)
{
	sqlite3_stmt *s = NULL;
	int pk[BACKUP_MAXCOLS] = {0};
	struct sql order = {0};

	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid", -1,
		&s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the schema");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, t->name);
	if (b.rc != SQLITE_OK) {
		sqlite3_finalize(s);
		return store_fail(st, b.rc, "cannot read the schema");
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		if (t->ncols == BACKUP_MAXCOLS || !name || strchr(name, '"')) {
			sqlite3_finalize(s);
			return store_failf(st, STORE_ERROR,
					   "cannot back up table '%s'",
					   t->name);
		}
		pk[t->ncols] = sqlite3_column_int(s, 1);
		t->cols[t->ncols] = strdup(name);
		if (!t->cols[t->ncols++]) {
			sqlite3_finalize(s);
			return store_nomem(st);
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "cannot read the schema");
	/* pk is the column's place in the primary key, 1-based. */
	for (int k = 1; k <= (int)t->ncols; k++)
		for (size_t i = 0; i < t->ncols; i++)
			if (pk[i] == k) {
				if (order.len)
					sql_add(&order, ", ");
				sql_name(&order, t->cols[i]);
			}
	if (!order.len)
		sql_add(&order, "rowid");
	if (order.oom) {
		free(order.buf);
		return store_nomem(st);
	}
	t->order = order.buf;
	return STORE_OK;
}

int store_backup_tables(struct store *st, struct backup_table **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	struct backup_table *t = NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT name FROM sqlite_schema WHERE type = 'table'"
		" AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the schema");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		struct backup_table *more =
			realloc(t, (count + 1) * sizeof(*t));
		if (!more || !name) {
			free(more ? more : t);
			sqlite3_finalize(s);
			return store_nomem(st);
		}
		t = more;
		memset(&t[count], 0, sizeof(t[count]));
		t[count].name = strdup(name);
		count++;
		if (!t[count - 1].name || strchr(name, '"')) {
			sqlite3_finalize(s);
			store_backup_tables_free(t, count);
			return store_failf(st, STORE_ERROR,
					   "cannot back up table '%s'",
					   name ? name : "");
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_backup_tables_free(t, count);
		return store_fail(st, rc, "cannot read the schema");
	}
	for (size_t i = 0; i < count; i++) {
		rc = load_columns(st, &t[i]);
		if (rc != STORE_OK) {
			store_backup_tables_free(t, count);
			return rc;
		}
	}
	*out = t;
	*n = count;
	return STORE_OK;
}

int store_backup_count(struct store *st, int64_t *rows)
{
	struct backup_table *t;
	size_t n;
	int rc = store_backup_tables(st, &t, &n);
	if (rc != STORE_OK)
		return rc;
	*rows = 0;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct sql q = {0};
		sqlite3_stmt *s = NULL;
		sql_add(&q, "SELECT count(*) FROM ");
		sql_name(&q, t[i].name);
		if (q.oom) {
			rc = store_nomem(st);
			break;
		}
		int src = sqlite3_prepare_v2(st->db, q.buf, -1, &s, NULL);
		if (src == SQLITE_OK)
			src = sqlite3_step(s);
		if (src == SQLITE_ROW)
			*rows += sqlite3_column_int64(s, 0);
		else
			rc = store_fail(st, src, "cannot count rows");
		sqlite3_finalize(s);
		free(q.buf);
	}
	store_backup_tables_free(t, n);
	return rc;
}

int store_backup_dump(struct store *st, const struct backup_table *t,
		      int (*cb)(const struct backup_value *row, void *),
		      void *arg)
{
	struct backup_value row[BACKUP_MAXCOLS];
	struct sql q = {0};
	sqlite3_stmt *s = NULL;

	sql_add(&q, "SELECT ");
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			sql_add(&q, ", ");
		sql_name(&q, t->cols[i]);
	}
	sql_add(&q, " FROM ");
	sql_name(&q, t->name);
	sql_add(&q, " ORDER BY ");
	sql_add(&q, t->order);
	if (q.oom) {
		free(q.buf);
		return store_nomem(st);
	}
	int rc = sqlite3_prepare_v2(st->db, q.buf, -1, &s, NULL);
	free(q.buf);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read a table");
	int ret = STORE_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (size_t i = 0; i < t->ncols; i++) {
			int c = (int)i;
			memset(&row[i], 0, sizeof(row[i]));
			switch (sqlite3_column_type(s, c)) {
			case SQLITE_NULL:
				row[i].type = BV_NULL;
				break;
			case SQLITE_INTEGER:
				row[i].type = BV_INT;
				row[i].i = sqlite3_column_int64(s, c);
				break;
			default:
				row[i].type = BV_TEXT;
				row[i].text =
					(const char *)sqlite3_column_text(s, c);
				if (!row[i].text) {
					sqlite3_finalize(s);
					return store_nomem(st);
				}
			}
		}
		ret = cb(row, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "cannot read a table");
	sqlite3_finalize(s);
	return ret;
}

int store_backup_begin(struct store *st)
{
	int rc = store_begin(st);
	if (rc != STORE_OK)
		return rc;
	/* An agency's parent may have a larger id than the agency itself:
	 * check the references when the whole backup is in. */
	rc = sqlite3_exec(st->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL,
			  NULL);
	if (rc != SQLITE_OK) {
		int ret = store_fail(st, rc, "cannot defer foreign keys");
		store_rollback(st);
		return ret;
	}
	return STORE_OK;
}

int store_backup_restore(struct store *st, const struct backup_table *t,
			 const struct backup_value *row)
{
	struct sql q = {0};
	sqlite3_stmt *s = NULL;
	char num[32];

	sql_add(&q, "INSERT INTO ");
	sql_name(&q, t->name);
	sql_add(&q, " (");
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			sql_add(&q, ", ");
		sql_name(&q, t->cols[i]);
	}
	sql_add(&q, ") VALUES (");
	for (size_t i = 0; i < t->ncols; i++) {
		snprintf(num, sizeof(num), "%s?%zu", i ? ", " : "", i + 1);
		sql_add(&q, num);
	}
	sql_add(&q, ")");
	if (q.oom) {
		free(q.buf);
		return store_nomem(st);
	}
	int rc = sqlite3_prepare_v2(st->db, q.buf, -1, &s, NULL);
	free(q.buf);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot restore a row");
	/* Restored events must carry on the hash chain: a broken one is
	 * refused, a missing hash computed. */
	char hash[SHA256_HEX];
	bool set_hash = false;
	if (strcmp(t->name, "event") == 0) {
		rc = store_chain_restore(st, t, row, hash, &set_hash);
		if (rc != STORE_OK) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	struct store_bind b = {s, SQLITE_OK};
	for (size_t i = 0; i < t->ncols; i++) {
		int n = (int)i + 1;
		if (set_hash && strcmp(t->cols[i], "hash") == 0)
			store_bind_text(&b, n, hash);
		else if (row[i].type == BV_INT)
			store_bind_int(&b, n, row[i].i);
		else if (row[i].type == BV_TEXT)
			store_bind_text(&b, n, row[i].text);
		else
			store_bind_text(&b, n, NULL);
	}
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		char what[96];
		snprintf(what, sizeof(what), "cannot restore a row of %.60s",
			 t->name);
		return store_fail(st, rc, what);
	}
	return STORE_OK;
}

/* --- online copy (sqlite3_backup_*) --------------------------------- */

struct store_copy {
	struct store *st;
	sqlite3 *dest;
	sqlite3_backup *b;
};

void store_copy_free(struct store_copy *cp)
{
	if (!cp)
		return;
	if (cp->b)
		(void)sqlite3_backup_finish(cp->b); /* its error: step's */
	sqlite3_close_v2(cp->dest);
	free(cp);
}

const char *store_filename(struct store *st)
{
	const char *f = sqlite3_db_filename(st->db, "main");
	return f ? f : "";
}

struct store_copy *store_copy_start(struct store *st, const char *dest,
				    char *err, size_t errlen)
{
	struct store_copy *cp = calloc(1, sizeof(*cp));
	if (!cp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cp->st = st;
	int rc = sqlite3_open_v2(dest, &cp->dest,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
				 NULL);
	if (rc == SQLITE_OK) {
		cp->b = sqlite3_backup_init(cp->dest, "main", st->db, "main");
		if (!cp->b)
			rc = sqlite3_errcode(cp->dest);
	}
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot copy the database to '%s': %s",
			 dest,
			 cp->dest ? sqlite3_errmsg(cp->dest)
				  : sqlite3_errstr(rc));
		store_copy_free(cp);
		return NULL;
	}
	return cp;
}

int store_copy_step(struct store_copy *cp, int pages, bool *done, int *left,
		    int *total, char *err, size_t errlen)
{
	*done = false;
	int rc = sqlite3_backup_step(cp->b, pages);
	*left = sqlite3_backup_remaining(cp->b);
	*total = sqlite3_backup_pagecount(cp->b);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return STORE_BUSY;
	if (rc == SQLITE_OK)
		return STORE_OK;
	if (rc == SQLITE_DONE) {
		rc = sqlite3_backup_finish(cp->b);
		cp->b = NULL;
		if (rc == SQLITE_OK) {
			/* The copy is whole once its connection closes. */
			rc = sqlite3_close(cp->dest);
			if (rc == SQLITE_OK) {
				cp->dest = NULL;
				*done = true;
				return STORE_OK;
			}
		}
	}
	snprintf(err, errlen, "cannot copy the database: %s",
		 cp->dest ? sqlite3_errmsg(cp->dest) : sqlite3_errstr(rc));
	return store_map_rc(rc) == STORE_OK ? STORE_ERROR : store_map_rc(rc);
}
