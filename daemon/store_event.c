/*
 * store_event.c: the event log, foiad's audit trail.
 *
 * Events are only ever appended: the store has no code to change or remove
 * one, and triggers in the schema refuse UPDATE and DELETE on the table
 * from anyone else too. An event is about a request (request_id) or, with
 * no request, about an agency (stored by id, read back as its code).
 * Each is written with the next id and its link in the hash chain
 * (store_chain.h), in the same transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "store_chain.h"
#include "store_impl.h"

void event_clear(struct event *e)
{
	if (!e)
		return;
	free(e->agency);
	free(e->at);
	free(e->actor);
	free(e->kind);
	free(e->field);
	free(e->old_value);
	free(e->new_value);
	free(e->date);
	free(e->note);
	memset(e, 0, sizeof(*e));
}

/* A text field as the chain hashes it. */
static struct chain_value text_value(const char *t)
{
	if (!t)
		return (struct chain_value){.type = CV_NULL};
	return (struct chain_value){
		.type = CV_TEXT, .text = t, .len = strlen(t)};
}

/* Insert e with the next id and its hash (store_chain.h), in the caller's
 * transaction: the last event read and the row written must agree. */
static int append_chained(struct store *st, struct event *e, const char *at,
			  int64_t agency_id)
{
	char head[SHA256_HEX], hash[SHA256_HEX];
	int64_t last_id;
	bool has_head;
	int rc = chain_head(st, &last_id, head, &has_head);
	if (rc != STORE_OK)
		return rc;
	int64_t id = last_id + 1;
	struct chain_value v[CHAIN_NCOLS] = {
		{.type = CV_INT, .i = id},
		e->request_id ? (struct chain_value){.type = CV_INT,
						     .i = e->request_id}
			      : (struct chain_value){.type = CV_NULL},
		agency_id ? (struct chain_value){.type = CV_INT, .i = agency_id}
			  : (struct chain_value){.type = CV_NULL},
		text_value(at),
		text_value(e->actor),
		text_value(e->kind),
		text_value(e->field),
		text_value(e->old_value),
		text_value(e->new_value),
		text_value(e->date),
		text_value(e->note),
	};
	chain_hash(has_head ? head : NULL, v, hash);
	sqlite3_stmt *s = store_stmt(
		st, SS_EVENT_INSERT,
		"INSERT INTO event (id, request_id, agency_id, at, actor, "
		"kind, field, old_value, new_value, date, note, hash) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
	if (!s)
		return STORE_ERROR;
	struct store_bind b = {s, SQLITE_OK};
	store_bind_int(&b, 1, id);
	store_bind_id(&b, 2, e->request_id);
	store_bind_id(&b, 3, agency_id);
	store_bind_text(&b, 4, at);
	store_bind_text(&b, 5, e->actor);
	store_bind_text(&b, 6, e->kind);
	store_bind_text(&b, 7, e->field);
	store_bind_text(&b, 8, e->old_value);
	store_bind_text(&b, 9, e->new_value);
	store_bind_text(&b, 10, e->date);
	store_bind_text(&b, 11, e->note);
	store_bind_text(&b, 12, hash);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		e->id = id;
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot record event");
	}
	store_stmt_done(s);
	return rc;
}

int store_event_append(struct store *st, struct event *e)
{
	char now[STORE_TSLEN];
	char *at = NULL;
	int64_t agency_id = 0;
	int rc;
	if (e->agency) {
		rc = store_agency_id(st, e->agency, &agency_id, NULL);
		if (rc != STORE_OK)
			return rc;
	}
	if (!e->at) {
		store_now(now);
		if (!(at = strdup(now)))
			return store_nomem(st);
	}
	/* Alone, the read of the last hash and the insert need a
	 * transaction of their own; inside the caller's they share it. */
	bool own = sqlite3_get_autocommit(st->db) != 0;
	rc = own ? store_begin(st) : STORE_OK;
	if (rc == STORE_OK)
		rc = append_chained(st, e, e->at ? e->at : at, agency_id);
	if (own && rc == STORE_OK)
		rc = store_commit(st);
	if (own && rc != STORE_OK)
		store_rollback(st);
	if (rc == STORE_OK && at) {
		e->at = at;
		at = NULL;
	}
	if (rc != STORE_OK)
		e->id = 0;
	free(at);
	return rc;
}

static bool event_from_row(sqlite3_stmt *s, struct event *e)
{
	e->id = sqlite3_column_int64(s, 0);
	e->request_id = store_col_int(s, 1, 0);
	return store_col_text(s, 2, &e->agency) &&
	       store_col_text(s, 3, &e->at) &&
	       store_col_text(s, 4, &e->actor) &&
	       store_col_text(s, 5, &e->kind) &&
	       store_col_text(s, 6, &e->field) &&
	       store_col_text(s, 7, &e->old_value) &&
	       store_col_text(s, 8, &e->new_value) &&
	       store_col_text(s, 9, &e->date) &&
	       store_col_text(s, 10, &e->note);
}

/* Events of one request in the order they happened. request_id 0 lists
 * the events that belong to no request (agency events). */
int store_event_list(struct store *st, int64_t request_id,
		     int (*cb)(const struct event *, void *), void *arg)
{
	static const char sql[] =
		"SELECT e.id, e.request_id, a.code, e.at, e.actor, e.kind, "
		"e.field, e.old_value, e.new_value, e.date, e.note "
		"FROM event e LEFT JOIN agency a ON a.id = e.agency_id "
		"WHERE e.request_id IS ?1 ORDER BY e.id";
	/* The cached statement serves the common case (deadlines read every
	 * request's history: preparing each time cost half the time); a cb
	 * that lists events again while the cached one is stepping gets a
	 * statement of its own. */
	sqlite3_stmt *cached = st->stmt[SS_EVENT_LIST];
	bool own = cached && sqlite3_stmt_busy(cached);
	sqlite3_stmt *s = NULL;
	int rc = SQLITE_OK;
	if (own)
		rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	else if (!(s = store_stmt(st, SS_EVENT_LIST, sql)))
		return STORE_ERROR;
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot list events");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_id(&b, 1, request_id);
	struct event e = {0};
	if (b.rc != SQLITE_OK) {
		rc = store_fail(st, b.rc, "cannot list events");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!event_from_row(s, &e)) {
			rc = store_nomem(st);
			goto out;
		}
		rc = cb(&e, arg);
		event_clear(&e);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK
			       : store_fail(st, rc, "cannot list events");
out:
	event_clear(&e);
	if (own)
		sqlite3_finalize(s);
	else
		store_stmt_done(s);
	return rc;
}
