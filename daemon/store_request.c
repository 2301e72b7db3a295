/*
 * store_request.c: request rows and their tags.
 *
 * A request row names its agency by id; reads give back the agency's code
 * and name. Tags live in request_tag, one row per (request, tag), so a tag
 * may hold any characters and filtering by tag uses an index. A write of a
 * request and its tags is atomic: inside the caller's transaction it runs
 * under a savepoint, otherwise in a transaction of its own. Requests are
 * never deleted (a trigger refuses it).
 */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "store_impl.h"

/* Columns read into a struct request by request_from_row, in this order. */
#define REQUEST_COLS                                                           \
	"r.id, r.batch_id, a.code, a.name, r.component, r.jurisdiction, "      \
	"r.subject, r.description, r.requester, r.project, r.method, "         \
	"r.tracking, r.date_sent, r.date_received, r.date_acknowledged, "      \
	"r.date_closed, r.expedited, r.fee_waiver, r.fee_category, "           \
	"r.fees_estimated, r.fees_paid, r.status, r.created, r.updated, "      \
	"r.created_by"
#define REQUEST_FROM " FROM request r JOIN agency a ON a.id = r.agency_id"

static bool request_from_row(sqlite3_stmt *s, struct request *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->batch = store_col_int(s, 1, 0);
	r->expedited = sqlite3_column_int(s, 16) != 0;
	r->fee_waiver = sqlite3_column_int(s, 17) != 0;
	r->fees_estimated = store_col_int(s, 19, -1);
	r->fees_paid = store_col_int(s, 20, -1);
	return store_col_text(s, 2, &r->agency) &&
	       store_col_text(s, 3, &r->agency_name) &&
	       store_col_text(s, 4, &r->component) &&
	       store_col_text(s, 5, &r->jurisdiction) &&
	       store_col_text(s, 6, &r->subject) &&
	       store_col_text(s, 7, &r->description) &&
	       store_col_text(s, 8, &r->requester) &&
	       store_col_text(s, 9, &r->project) &&
	       store_col_text(s, 10, &r->method) &&
	       store_col_text(s, 11, &r->tracking) &&
	       store_col_text(s, 12, &r->sent) &&
	       store_col_text(s, 13, &r->received) &&
	       store_col_text(s, 14, &r->acknowledged) &&
	       store_col_text(s, 15, &r->closed) &&
	       store_col_text(s, 18, &r->fee_category) &&
	       store_col_text(s, 21, &r->status) &&
	       store_col_text(s, 22, &r->created) &&
	       store_col_text(s, 23, &r->updated) &&
	       store_col_text(s, 24, &r->created_by);
}

void request_clear(struct request *r)
{
	if (!r)
		return;
	char **text[] = {
		&r->agency,	  &r->agency_name, &r->component,
		&r->jurisdiction, &r->subject,	   &r->description,
		&r->requester,	  &r->project,	   &r->method,
		&r->tracking,	  &r->sent,	   &r->received,
		&r->acknowledged, &r->closed,	   &r->fee_category,
		&r->status,	  &r->created,	   &r->updated,
		&r->created_by,
	};
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		free(*text[i]);
	for (size_t i = 0; r->tags && i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	memset(r, 0, sizeof(*r));
}

/* Read the tags of request id into r->tags, sorted (the primary key
 * order). Runs to completion, so the cached statement is free again
 * before any callback. */
static int load_tags(struct store *st, int64_t id, struct request *r)
{
	sqlite3_stmt *s = store_stmt(st, SS_TAG_LIST,
				     "SELECT tag FROM request_tag "
				     "WHERE request_id = ?1 ORDER BY tag");
	if (!s)
		return STORE_ERROR;
	size_t cap = 0;
	struct store_bind b = {s, SQLITE_OK};
	store_bind_int(&b, 1, id);
	int rc = b.rc;
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!grow_array((void **)&r->tags, &cap, r->ntags + 1,
				sizeof(*r->tags))) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (!store_col_text(s, 0, &r->tags[r->ntags])) {
			rc = SQLITE_NOMEM;
			break;
		}
		r->ntags++;
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_DONE)
		rc = STORE_OK;
	else if (rc == SQLITE_NOMEM)
		rc = store_nomem(st);
	else
		rc = store_fail(st, rc, "cannot read tags");
	store_stmt_done(s);
	return rc;
}

/* Replace the tag set of request id with r's tags; duplicates collapse. */
static int write_tags(struct store *st, int64_t id, const struct request *r,
		      bool replace)
{
	int rc;
	if (replace) {
		sqlite3_stmt *d = store_stmt(
			st, SS_TAG_DELETE_ALL,
			"DELETE FROM request_tag WHERE request_id = ?1");
		if (!d)
			return STORE_ERROR;
		struct store_bind b = {d, SQLITE_OK};
		store_bind_int(&b, 1, id);
		rc = b.rc == SQLITE_OK ? sqlite3_step(d) : b.rc;
		store_stmt_done(d);
		if (rc != SQLITE_DONE)
			return store_fail(st, rc, "cannot replace tags");
	}
	if (r->ntags == 0)
		return STORE_OK;
	sqlite3_stmt *s = store_stmt(st, SS_TAG_INSERT,
				     "INSERT OR IGNORE INTO request_tag "
				     "(request_id, tag) VALUES (?1, ?2)");
	if (!s)
		return STORE_ERROR;
	for (size_t i = 0; i < r->ntags; i++) {
		/* OR IGNORE would also drop a NULL silently; refuse it. */
		if (!r->tags[i])
			return store_failf(st, STORE_CONFLICT,
					   "tag %zu is missing", i + 1);
		struct store_bind b = {s, SQLITE_OK};
		store_bind_int(&b, 1, id);
		store_bind_text(&b, 2, r->tags[i]);
		rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
		store_stmt_done(s);
		if (rc != SQLITE_DONE)
			return store_fail(st, rc, "cannot write tag");
	}
	return STORE_OK;
}

/* Parameters ?1..?22 shared by the insert and save statements. */
static int bind_request(sqlite3_stmt *s, const struct request *r,
			int64_t agency_id, const char *jurisdiction,
			const char *now)
{
	struct store_bind b = {s, SQLITE_OK};
	store_bind_id(&b, 1, r->batch);
	store_bind_int(&b, 2, agency_id);
	store_bind_text(&b, 3, r->component);
	store_bind_text(&b, 4, jurisdiction);
	store_bind_text(&b, 5, r->subject);
	store_bind_text(&b, 6, r->description);
	store_bind_text(&b, 7, r->requester);
	store_bind_text(&b, 8, r->project);
	store_bind_text(&b, 9, r->method);
	store_bind_text(&b, 10, r->tracking);
	store_bind_text(&b, 11, r->sent);
	store_bind_text(&b, 12, r->received);
	store_bind_text(&b, 13, r->acknowledged);
	store_bind_text(&b, 14, r->closed);
	store_bind_int(&b, 15, r->expedited ? 1 : 0);
	store_bind_int(&b, 16, r->fee_waiver ? 1 : 0);
	store_bind_text(&b, 17, r->fee_category);
	store_bind_money(&b, 18, r->fees_estimated);
	store_bind_money(&b, 19, r->fees_paid);
	store_bind_text(&b, 20, r->status);
	store_bind_text(&b, 21, now);
	store_bind_text(&b, 22, r->created_by);
	return b.rc;
}

int store_request_insert(struct store *st, struct request *r)
{
	char now[STORE_TSLEN];
	char *jurisdiction = NULL, *created = NULL, *updated = NULL;
	int64_t agency_id = 0, id = 0;
	sqlite3_stmt *s;
	struct store_op op;
	int rc = store_op_begin(st, &op);
	if (rc != STORE_OK)
		return rc;
	rc = store_agency_id(st, r->agency, &agency_id, &jurisdiction);
	if (rc != STORE_OK)
		goto end;
	s = store_stmt(
		st, SS_REQUEST_INSERT,
		"INSERT INTO request (batch_id, agency_id, component, "
		"jurisdiction, subject, description, requester, project, "
		"method, tracking, date_sent, date_received, "
		"date_acknowledged, date_closed, expedited, fee_waiver, "
		"fee_category, fees_estimated, fees_paid, status, created, "
		"updated, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
		"?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
		"?21, ?21, ?22)");
	if (!s) {
		rc = STORE_ERROR;
		goto end;
	}
	store_now(now);
	/* Without a jurisdiction of its own a request takes its agency's. */
	rc = bind_request(s, r, agency_id,
			  r->jurisdiction ? r->jurisdiction : jurisdiction,
			  now);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		id = sqlite3_last_insert_rowid(st->db);
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot file request");
	}
	store_stmt_done(s);
	if (rc == STORE_OK)
		rc = write_tags(st, id, r, false);
	/* Copy before committing, so running out of memory cannot leave a
	 * committed row the caller was told failed. */
	if (rc == STORE_OK &&
	    (!(created = strdup(now)) || !(updated = strdup(now))))
		rc = store_nomem(st);
end:
	rc = store_op_end(st, &op, rc);
	if (rc == STORE_OK) {
		r->id = id;
		free(r->created);
		r->created = created;
		free(r->updated);
		r->updated = updated;
		created = updated = NULL;
		if (!r->jurisdiction) {
			r->jurisdiction = jurisdiction;
			jurisdiction = NULL;
		}
	}
	free(created);
	free(updated);
	free(jurisdiction);
	return rc;
}

int store_request_save(struct store *st, struct request *r)
{
	char now[STORE_TSLEN];
	char *updated = NULL;
	int64_t agency_id = 0;
	sqlite3_stmt *s;
	struct store_op op;
	int rc = store_op_begin(st, &op);
	if (rc != STORE_OK)
		return rc;
	rc = store_agency_id(st, r->agency, &agency_id, NULL);
	if (rc != STORE_OK)
		goto end;
	/* created is the store's and never changes; a NULL jurisdiction or
	 * created_by keeps the stored value (both columns are NOT NULL). */
	s = store_stmt(
		st, SS_REQUEST_SAVE,
		"UPDATE request SET batch_id = ?1, agency_id = ?2, "
		"component = ?3, jurisdiction = coalesce(?4, jurisdiction), "
		"subject = ?5, description = ?6, requester = ?7, "
		"project = ?8, method = ?9, tracking = ?10, date_sent = ?11, "
		"date_received = ?12, date_acknowledged = ?13, "
		"date_closed = ?14, expedited = ?15, fee_waiver = ?16, "
		"fee_category = ?17, fees_estimated = ?18, fees_paid = ?19, "
		"status = ?20, updated = ?21, "
		"created_by = coalesce(?22, created_by) WHERE id = ?23");
	if (!s) {
		rc = STORE_ERROR;
		goto end;
	}
	store_now(now);
	rc = bind_request(s, r, agency_id, r->jurisdiction, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 23, r->id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		rc = sqlite3_changes(st->db) > 0
			     ? STORE_OK
			     : store_failf(st, STORE_NOT_FOUND,
					   "no request %lld", (long long)r->id);
	} else {
		rc = store_fail(st, rc, "cannot save request");
	}
	store_stmt_done(s);
	if (rc == STORE_OK)
		rc = write_tags(st, r->id, r, true);
	if (rc == STORE_OK && !(updated = strdup(now)))
		rc = store_nomem(st);
end:
	rc = store_op_end(st, &op, rc);
	if (rc == STORE_OK) {
		free(r->updated);
		r->updated = updated;
		updated = NULL;
	}
	free(updated);
	return rc;
}

int store_request_get(struct store *st, int64_t id, struct request *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = store_stmt(st, SS_REQUEST_GET,
				     "SELECT " REQUEST_COLS REQUEST_FROM
				     " WHERE r.id = ?1");
	if (!s)
		return STORE_ERROR;
	struct store_bind b = {s, SQLITE_OK};
	store_bind_int(&b, 1, id);
	int rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = request_from_row(s, out) ? STORE_OK : store_nomem(st);
	} else if (rc == SQLITE_DONE) {
		rc = store_failf(st, STORE_NOT_FOUND, "no request %lld",
				 (long long)id);
	} else {
		rc = store_fail(st, rc, "cannot read request");
	}
	store_stmt_done(s);
	if (rc == STORE_OK)
		rc = load_tags(st, id, out);
	if (rc != STORE_OK)
		request_clear(out);
	return rc;
}

/* Append constant text to a buffer sized in advance by the caller. */
static void sql_cat(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n >= cap)
		n = cap - *len - 1; /* cannot happen: cap counts every piece */
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/*
 * The filter's shape picks which constant conditions go into the query;
 * the values are always bound (store_filter_bind), never pasted. An empty
 * status list means no status filter, as NULL does.
 */
char *store_filter_sql(const char *head, const struct request_filter *f)
{
	static const char status[] = " AND r.status IN (?";
	static const char id[] = " AND r.id = ?";
	static const char agency[] = " AND a.code = ?";
	static const char project[] = " AND r.project = ?";
	static const char tag[] = " AND r.id IN (SELECT request_id FROM "
				  "request_tag WHERE tag = ?)";
	static const char open[] =
		" AND r.status NOT IN ('withdrawn', 'closed')";
	static const char tail[] = " ORDER BY r.id";
	size_t nstatus = 0;
	while (f && f->statuses && f->statuses[nstatus])
		nstatus++;
	size_t cap = strlen(head) + sizeof(status) + 2 * nstatus + 1 +
		     sizeof(id) + sizeof(agency) + sizeof(project) +
		     sizeof(tag) + sizeof(open) + sizeof(tail);
	size_t len = 0;
	char *sql = malloc(cap);
	if (!sql)
		return NULL;
	sql[0] = '\0';
	sql_cat(sql, cap, &len, head);
	if (nstatus > 0) {
		sql_cat(sql, cap, &len, status);
		for (size_t i = 1; i < nstatus; i++)
			sql_cat(sql, cap, &len, ",?");
		sql_cat(sql, cap, &len, ")");
	}
	if (f && f->id > 0)
		sql_cat(sql, cap, &len, id);
	if (f && f->agency)
		sql_cat(sql, cap, &len, agency);
	if (f && f->project)
		sql_cat(sql, cap, &len, project);
	if (f && f->tag)
		sql_cat(sql, cap, &len, tag);
	if (f && f->open_only)
		sql_cat(sql, cap, &len, open);
	sql_cat(sql, cap, &len, tail);
	return sql;
}

int store_filter_bind(sqlite3_stmt *s, const struct request_filter *f)
{
	struct store_bind b = {s, SQLITE_OK};
	int i = 1;
	for (size_t k = 0; f && f->statuses && f->statuses[k]; k++)
		store_bind_text(&b, i++, f->statuses[k]);
	if (f && f->id > 0)
		store_bind_int(&b, i++, f->id);
	if (f && f->agency)
		store_bind_text(&b, i++, f->agency);
	if (f && f->project)
		store_bind_text(&b, i++, f->project);
	if (f && f->tag)
		store_bind_text(&b, i++, f->tag);
	return b.rc;
}

int store_request_list(struct store *st, const struct request_filter *f,
		       int (*cb)(const struct request *, void *), void *arg)
{
	char *sql = store_filter_sql(
		"SELECT " REQUEST_COLS REQUEST_FROM " WHERE 1", f);
	if (!sql)
		return store_nomem(st);
	/* Not cached: its shape varies, and cb may use the store. */
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot list requests");
	struct request r = {0};
	rc = store_filter_bind(s, f);
	if (rc != SQLITE_OK) {
		rc = store_fail(st, rc, "cannot list requests");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!request_from_row(s, &r)) {
			rc = store_nomem(st);
			goto out;
		}
		rc = load_tags(st, r.id, &r);
		if (rc != STORE_OK)
			goto out;
		rc = cb(&r, arg);
		request_clear(&r);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK
			       : store_fail(st, rc, "cannot list requests");
out:
	request_clear(&r);
	sqlite3_finalize(s);
	return rc;
}
