/*
 * store_report.c: the report's aggregates, counted by SQLite, and the
 * stream of the requests it covers.
 *
 * The counts are one GROUP BY query over the filtered requests' (status,
 * agency, project, member) combinations, split into the four groupings
 * here, so a report over a large database never brings every row into the
 * daemon for them; the grouping columns are constants, never text from the
 * caller, and the filter is the same bound WHERE clause everywhere. These
 * walks prepare their own statements, as store.h asks of anything that
 * calls back into the caller.
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

/* --- all four groupings from one query ---------------------------------- */

/* One (status, agency, project, member) combination and its count. */
struct combo {
	char *key[4]; /* indexed by enum report_group */
	char *name;   /* the agency's name */
	int64_t n;
};

struct group_row {
	const char *key, *name;
	int64_t n;
};

static int key_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b; /* NULL (no project) last */
	return strcmp(a, b);
}

static enum report_group cur_group; /* for by_key: qsort has no argument */

static int by_key(const void *pa, const void *pb)
{
	const struct combo *a = pa, *b = pb;
	return key_cmp(a->key[cur_group], b->key[cur_group]);
}

/* As the SQL of store_report_counts orders them: largest first, then by
 * key, no project last. */
static int by_count(const void *pa, const void *pb)
{
	const struct group_row *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return key_cmp(a->key, b->key);
}

static void combos_free(struct combo *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++)
			free(v[i].key[k]);
		free(v[i].name);
	}
	free(v);
}

static int combos_emit(struct combo *v, size_t n,
		       int (*cb)(enum report_group g, const char *key,
				 const char *name, int64_t n, void *arg),
		       void *arg, bool *oom);

int store_report_count_all(struct store *st, const struct report_filter *f,
			   int (*cb)(enum report_group g, const char *key,
				     const char *name, int64_t n, void *arg),
			   void *arg)
{
	sqlite3_stmt *s;
	struct combo *v = NULL;
	size_t n = 0, cap = 0;
	/* Grouped by r.agency_id (a.id, by the join): in the order of the
	 * request_group index (migration 9), which SQLite then reads alone,
	 * in order, with no temporary b-tree. */
	int rc = prepare(st,
			 "SELECT r.status, a.code, r.project, r.created_by, "
			 "a.name, count(*)" REPORT_FROM
			 " GROUP BY r.status, r.agency_id, r.project,"
			 " r.created_by",
			 f, &s);
	if (rc != STORE_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct combo *nv = realloc(v, ncap * sizeof(*nv));
			if (!nv)
				break;
			v = nv;
			cap = ncap;
		}
		struct combo *c = &v[n];
		memset(c, 0, sizeof(*c));
		n++;
		c->n = sqlite3_column_int64(s, 5);
		if (!store_col_text(s, 0, &c->key[REPORT_BY_STATUS]) ||
		    !store_col_text(s, 1, &c->key[REPORT_BY_AGENCY]) ||
		    !store_col_text(s, 2, &c->key[REPORT_BY_PROJECT]) ||
		    !store_col_text(s, 3, &c->key[REPORT_BY_MEMBER]) ||
		    !store_col_text(s, 4, &c->name))
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		combos_free(v, n);
		return rc == SQLITE_ROW ? store_nomem(st)
					: store_fail(st, rc, "count");
	}
	bool oom = false;
	rc = combos_emit(v, n, cb, arg, &oom);
	combos_free(v, n);
	return oom ? store_nomem(st) : rc;
}

/* Each grouping of the combinations v, in order, to cb: STORE_OK or what
 * cb stopped with; *oom (and 0) when out of memory. Sorts v. */
static int combos_emit(struct combo *v, size_t n,
		       int (*cb)(enum report_group g, const char *key,
				 const char *name, int64_t n, void *arg),
		       void *arg, bool *oom)
{
	struct group_row *rows = n ? malloc(n * sizeof(*rows)) : NULL;
	if (n && !rows) {
		*oom = true;
		return 0;
	}
	int rc = STORE_OK;
	for (int g = 0; g < 4 && rc == STORE_OK; g++) {
		size_t nrows = 0;
		cur_group = (enum report_group)g;
		if (n)
			qsort(v, n, sizeof(*v), by_key);
		for (size_t i = 0; i < n; i++) {
			if (nrows &&
			    key_cmp(rows[nrows - 1].key, v[i].key[g]) == 0) {
				rows[nrows - 1].n += v[i].n;
				continue;
			}
			rows[nrows++] = (struct group_row){
				v[i].key[g],
				g == REPORT_BY_AGENCY ? v[i].name : NULL,
				v[i].n};
		}
		if (nrows)
			qsort(rows, nrows, sizeof(*rows), by_count);
		for (size_t i = 0; i < nrows && rc == STORE_OK; i++)
			rc = cb((enum report_group)g, rows[i].key, rows[i].name,
				rows[i].n, arg);
	}
	free(rows);
	return rc;
}

/* Only the columns the report and the deadline engine read (the rest
 * of struct request stays NULL, 0 or -1): a long description is never
 * copied out of SQLite for nothing, and a row of 100,000 costs no call
 * for a column nobody reads. */
#define REPORT_COLS                                                            \
	"r.id, a.code, a.name, r.jurisdiction, r.subject, r.project, "         \
	"r.method, r.date_sent, r.date_received, r.date_acknowledged, "        \
	"r.date_closed, r.expedited, r.status"

/* r from the current row of REPORT_COLS, its strings borrowed from s.
 * False when a NOT NULL column reads NULL (out of memory). */
static bool report_row(sqlite3_stmt *s, struct request *r)
{
	memset(r, 0, sizeof(*r));
	r->fees_estimated = -1;
	r->fees_paid = -1;
	r->id = sqlite3_column_int64(s, 0);
	r->agency = (char *)sqlite3_column_text(s, 1);
	r->agency_name = (char *)sqlite3_column_text(s, 2);
	r->jurisdiction = (char *)sqlite3_column_text(s, 3);
	r->subject = (char *)sqlite3_column_text(s, 4);
	r->project = (char *)sqlite3_column_text(s, 5);
	r->method = (char *)sqlite3_column_text(s, 6);
	r->sent = (char *)sqlite3_column_text(s, 7);
	r->received = (char *)sqlite3_column_text(s, 8);
	r->acknowledged = (char *)sqlite3_column_text(s, 9);
	r->closed = (char *)sqlite3_column_text(s, 10);
	r->expedited = sqlite3_column_int(s, 11) != 0;
	r->status = (char *)sqlite3_column_text(s, 12);
	return r->agency && r->agency_name && r->jurisdiction && r->subject &&
	       r->status;
}

int store_report_requests(struct store *st, const struct report_filter *f,
			  int (*cb)(const struct request *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct request r;
	int rc = prepare(st, "SELECT " REPORT_COLS REPORT_FROM " ORDER BY r.id",
			 f, &s);
	if (rc != STORE_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!report_row(s, &r)) {
			sqlite3_finalize(s);
			return store_nomem(st);
		}
		int stop = cb(&r, arg);
		if (stop) {
			sqlite3_finalize(s);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : store_fail(st, rc, "list");
	sqlite3_finalize(s);
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
