/*
 * store_report.c: the report's aggregates, counted by SQLite.
 *
 * The counts are GROUP BY queries over the filtered requests, so a report
 * over a large database never brings every row into the daemon. Each
 * grouping is its own constant statement (the grouping column is never
 * text from the caller); the filter is the same bound WHERE clause in all
 * of them. These walks prepare their own statements, as store.h asks of
 * anything that calls back into the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"
#include "store_report.h"

/* ?1 project, ?2 agency code, ?3 since, ?4 until, ?5 member. */
#define REPORT_FROM                                                            \
	" FROM request r JOIN agency a ON a.id = r.agency_id"                  \
	" WHERE (?1 IS NULL OR r.project = ?1)"                                \
	" AND (?2 IS NULL OR a.code = ?2 COLLATE NOCASE)"                      \
	" AND (?3 IS NULL OR"                                                  \
	"  COALESCE(r.date_sent, substr(r.created, 1, 10)) >= ?3)"             \
	" AND (?4 IS NULL OR"                                                  \
	"  COALESCE(r.date_sent, substr(r.created, 1, 10)) <= ?4)"             \
	" AND (?5 IS NULL OR r.created_by = ?5 OR EXISTS (SELECT 1 FROM"       \
	"  event e WHERE e.request_id = r.id AND e.actor = ?5))"

static const char *const count_sql[] = {
	[REPORT_BY_STATUS] = "SELECT r.status, NULL, count(*)" REPORT_FROM
			     " GROUP BY r.status ORDER BY 3 DESC, r.status",
	[REPORT_BY_AGENCY] = "SELECT a.code, a.name, count(*)" REPORT_FROM
			     " GROUP BY a.id ORDER BY 3 DESC, a.code",
	[REPORT_BY_PROJECT] = "SELECT r.project, NULL, count(*)" REPORT_FROM
			      " GROUP BY r.project"
			      " ORDER BY 3 DESC, r.project IS NULL, r.project",
	[REPORT_BY_MEMBER] =
		"SELECT r.created_by, NULL, count(*)" REPORT_FROM
		" GROUP BY r.created_by ORDER BY 3 DESC, r.created_by",
};

static int prepare(struct store *st, const char *sql,
		   const struct report_filter *f, sqlite3_stmt **out)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "prepare report");
	struct store_bind b = {*out, SQLITE_OK};
	store_bind_text(&b, 1, f->project);
	store_bind_text(&b, 2, f->agency);
	store_bind_text(&b, 3, f->since);
	store_bind_text(&b, 4, f->until);
	store_bind_text(&b, 5, f->member);
	if (b.rc != SQLITE_OK) {
		rc = store_fail(st, b.rc, "bind report filter");
		sqlite3_finalize(*out);
		*out = NULL;
		return rc;
	}
	return STORE_OK;
}

int store_report_counts(struct store *st, const struct report_filter *f,
			enum report_group g,
			int (*cb)(const char *key, const char *name, int64_t n,
				  void *arg),
			void *arg)
{
	sqlite3_stmt *s;
	if ((unsigned)g >= sizeof(count_sql) / sizeof(count_sql[0]))
		return store_failf(st, STORE_ERROR, "no report grouping %d",
				   (int)g);
	int rc = prepare(st, count_sql[g], f, &s);
	if (rc != STORE_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stop = cb((const char *)sqlite3_column_text(s, 0),
			      (const char *)sqlite3_column_text(s, 1),
			      sqlite3_column_int64(s, 2), arg);
		if (stop) {
			sqlite3_finalize(s);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : store_fail(st, rc, "count");
	sqlite3_finalize(s);
	return rc;
}

int store_report_ids(struct store *st, const struct report_filter *f,
		     bool open_only, int64_t **ids, size_t *n)
{
	static const char *const sql[] = {
		"SELECT r.id" REPORT_FROM " ORDER BY r.id",
		"SELECT r.id" REPORT_FROM
		" AND r.status NOT IN ('withdrawn', 'closed') ORDER BY r.id",
	};
	sqlite3_stmt *s;
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	int rc = prepare(st, sql[open_only], f, &s);
	if (rc != STORE_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			int64_t *v = realloc(*ids, ncap * sizeof(*v));
			if (!v) {
				sqlite3_finalize(s);
				free(*ids);
				*ids = NULL;
				*n = 0;
				return store_nomem(st);
			}
			*ids = v;
			cap = ncap;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	rc = rc == SQLITE_DONE ? STORE_OK : store_fail(st, rc, "list");
	sqlite3_finalize(s);
	if (rc != STORE_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}

int store_report_begin(struct store *st)
{
	/* Deferred: a reader in WAL mode never holds up a writer. */
	int rc = sqlite3_exec(st->db, "BEGIN DEFERRED", NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK
			       : store_fail(st, rc, "cannot begin report");
}

void store_report_end(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}
