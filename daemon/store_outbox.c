/*
 * store_outbox.c: the reminders' outbox and personal reminders (store.h).
 *
 * The outbox is what makes a reminder go out once per channel whatever
 * happens to the daemon: the scheduler adds a row per reminder and channel
 * under a unique (key, channel), so planning again (after a change, a
 * reload or a crash) adds nothing new; the notifier moves each row through
 * its states, each move a single UPDATE guarded by the state it expects,
 * committed before it acts on it. Rows are never deleted: they are the
 * record `foia reminders` shows. Statements are prepared per call: the
 * outbox sees a few writes per reminder, not per request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

#define OUTBOX_COLUMNS                                                         \
	"id, key, channel, request_id, kind, date, lead, summary, body, "      \
	"due_at, state, attempts, next_attempt_at, last_error, sent_at, "      \
	"late, created"

void outbox_row_clear(struct outbox_row *r)
{
	if (!r)
		return;
	free(r->key);
	free(r->channel);
	free(r->kind);
	free(r->date);
	free(r->summary);
	free(r->body);
	free(r->due_at);
	free(r->state);
	free(r->next_attempt_at);
	free(r->last_error);
	free(r->sent_at);
	free(r->created);
	memset(r, 0, sizeof(*r));
}

void snooze_clear(struct snooze *s)
{
	if (!s)
		return;
	free(s->date);
	free(s->note);
	free(s->state);
	free(s->created);
	free(s->created_by);
	memset(s, 0, sizeof(*s));
}

static bool row_from(sqlite3_stmt *s, struct outbox_row *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->request_id = store_col_int(s, 3, 0);
	r->lead = (int)store_col_int(s, 6, 0);
	r->attempts = (int)store_col_int(s, 11, 0);
	r->late = store_col_int(s, 15, 0) != 0;
	return store_col_text(s, 1, &r->key) &&
	       store_col_text(s, 2, &r->channel) &&
	       store_col_text(s, 4, &r->kind) &&
	       store_col_text(s, 5, &r->date) &&
	       store_col_text(s, 7, &r->summary) &&
	       store_col_text(s, 8, &r->body) &&
	       store_col_text(s, 9, &r->due_at) &&
	       store_col_text(s, 10, &r->state) &&
	       store_col_text(s, 12, &r->next_attempt_at) &&
	       store_col_text(s, 13, &r->last_error) &&
	       store_col_text(s, 14, &r->sent_at) &&
	       store_col_text(s, 16, &r->created);
}

int store_outbox_add(struct store *st, struct outbox_row *r)
{
	char now[STORE_TSLEN];
	sqlite3_stmt *s = NULL;
	/* DO NOTHING: a reminder already there is the expected outcome of
	 * planning again, told apart by the number of rows changed. */
	int rc = sqlite3_prepare_v2(
		st->db,
		"INSERT INTO outbox (key, channel, request_id, kind, date, "
		"lead, summary, body, due_at, late, created) VALUES (?1, ?2, "
		"?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
		"ON CONFLICT (key, channel) DO NOTHING",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot queue reminder");
	store_now(now);
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, r->key);
	store_bind_text(&b, 2, r->channel);
	store_bind_id(&b, 3, r->request_id);
	store_bind_text(&b, 4, r->kind);
	store_bind_text(&b, 5, r->date);
	store_bind_int(&b, 6, r->lead);
	store_bind_text(&b, 7, r->summary);
	store_bind_text(&b, 8, r->body);
	store_bind_text(&b, 9, r->due_at);
	store_bind_int(&b, 10, r->late ? 1 : 0);
	store_bind_text(&b, 11, now);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE && sqlite3_changes(st->db) == 0) {
		rc = store_failf(st, STORE_CONFLICT,
				 "reminder '%s' is queued for %s already",
				 r->key, r->channel);
	} else if (rc == SQLITE_DONE) {
		r->id = sqlite3_last_insert_rowid(st->db);
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot queue reminder");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_outbox_has(struct store *st, const char *key, const char *channel,
		     bool *out)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db, "SELECT 1 FROM outbox WHERE key = ?1 AND channel = ?2",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the outbox");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, key);
	store_bind_text(&b, 2, channel);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		*out = rc == SQLITE_ROW;
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot read the outbox");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_outbox_get(struct store *st, int64_t id, struct outbox_row *out)
{
	sqlite3_stmt *s = NULL;
	memset(out, 0, sizeof(*out));
	int rc = sqlite3_prepare_v2(
		st->db, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the outbox");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_int(&b, 1, id);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = row_from(s, out) ? STORE_OK : store_nomem(st);
	} else if (rc == SQLITE_DONE) {
		rc = store_failf(st, STORE_NOT_FOUND, "no reminder %lld",
				 (long long)id);
	} else {
		rc = store_fail(st, rc, "cannot read the outbox");
	}
	if (rc != STORE_OK)
		outbox_row_clear(out);
	sqlite3_finalize(s);
	return rc;
}

/* Step s to the end, handing each row to cb. */
static int walk_rows(struct store *st, sqlite3_stmt *s,
		     int (*cb)(const struct outbox_row *, void *), void *arg)
{
	struct outbox_row r = {0};
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!row_from(s, &r)) {
			rc = store_nomem(st);
			goto out;
		}
		rc = cb(&r, arg);
		outbox_row_clear(&r);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK
			       : store_fail(st, rc, "cannot read the outbox");
out:
	outbox_row_clear(&r);
	sqlite3_finalize(s);
	return rc;
}

int store_outbox_list(struct store *st, const char *state, size_t limit,
		      int (*cb)(const struct outbox_row *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
				    "SELECT " OUTBOX_COLUMNS
				    " FROM outbox WHERE ?1 IS NULL OR "
				    "state = ?1 ORDER BY id DESC LIMIT ?2",
				    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the outbox");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, state);
	store_bind_int(&b, 2, limit ? (int64_t)limit : -1);
	if (b.rc != SQLITE_OK) {
		sqlite3_finalize(s);
		return store_fail(st, b.rc, "cannot read the outbox");
	}
	return walk_rows(st, s, cb, arg);
}

int store_outbox_due(struct store *st, const char *now, size_t limit,
		     int (*cb)(const struct outbox_row *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = "
		"'pending' AND (next_attempt_at IS NULL OR next_attempt_at "
		"<= ?1) ORDER BY id LIMIT ?2",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the outbox");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, now);
	store_bind_int(&b, 2, (int64_t)limit);
	if (b.rc != SQLITE_OK) {
		sqlite3_finalize(s);
		return store_fail(st, b.rc, "cannot read the outbox");
	}
	return walk_rows(st, s, cb, arg);
}

int store_outbox_next_attempt(struct store *st, char out[21], bool *found)
{
	sqlite3_stmt *s = NULL;
	/* min() over NULLs is NULL unless all are NULL: count them apart. */
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT count(*), sum(next_attempt_at IS NULL), "
		"min(next_attempt_at) FROM outbox WHERE state = 'pending'",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the outbox");
	out[0] = '\0';
	*found = false;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found = sqlite3_column_int64(s, 0) > 0;
		const unsigned char *t = sqlite3_column_text(s, 2);
		if (*found && sqlite3_column_int64(s, 1) == 0 && t) {
			snprintf(out, 21, "%s", (const char *)t);
		}
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot read the outbox");
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * One guarded move: UPDATE ... WHERE id = ?1 AND <guard>. Parameters ?2
 * and ?3 are the texts a and b (NULL binds NULL). STORE_CONFLICT when the
 * row is not in a state the guard allows.
 */
static int move(struct store *st, const char *sql, int64_t id, const char *a,
		const char *b)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot update the outbox");
	struct store_bind bd = {s, SQLITE_OK};
	store_bind_int(&bd, 1, id);
	if (sqlite3_bind_parameter_count(s) >= 2)
		store_bind_text(&bd, 2, a);
	if (sqlite3_bind_parameter_count(s) >= 3)
		store_bind_text(&bd, 3, b);
	rc = bd.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE && sqlite3_changes(st->db) == 0)
		rc = store_failf(st, STORE_CONFLICT,
				 "reminder %lld is not in a state that allows "
				 "this",
				 (long long)id);
	else if (rc == SQLITE_DONE)
		rc = STORE_OK;
	else
		rc = store_fail(st, rc, "cannot update the outbox");
	sqlite3_finalize(s);
	return rc;
}

int store_outbox_sending(struct store *st, int64_t id)
{
	return move(st,
		    "UPDATE outbox SET state = 'sending', attempts = attempts "
		    "+ 1 WHERE id = ?1 AND state = 'pending'",
		    id, NULL, NULL);
}

int store_outbox_delivering(struct store *st, int64_t id)
{
	return move(st,
		    "UPDATE outbox SET state = 'delivering' WHERE id = ?1 AND "
		    "state = 'sending'",
		    id, NULL, NULL);
}

int store_outbox_sent(struct store *st, int64_t id)
{
	char now[STORE_TSLEN];
	store_now(now);
	return move(st,
		    "UPDATE outbox SET state = 'sent', sent_at = ?2, "
		    "last_error = NULL, next_attempt_at = NULL WHERE id = ?1 "
		    "AND (state = 'sending' OR state = 'delivering')",
		    id, now, NULL);
}

int store_outbox_retry(struct store *st, int64_t id,
		       const char *next_attempt_at, const char *error)
{
	return move(
		st,
		"UPDATE outbox SET state = 'pending', next_attempt_at = ?2, "
		"last_error = ?3 WHERE id = ?1 AND (state = 'sending' OR "
		"state = 'delivering')",
		id, next_attempt_at, error);
}

int store_outbox_fail(struct store *st, int64_t id, const char *error)
{
	return move(st,
		    "UPDATE outbox SET state = 'failed', next_attempt_at = "
		    "NULL, last_error = ?2 WHERE id = ?1 AND state <> 'sent' "
		    "AND state <> 'cancelled'",
		    id, error, NULL);
}

int store_outbox_cancel(struct store *st, int64_t id, const char *why)
{
	return move(st,
		    "UPDATE outbox SET state = 'cancelled', next_attempt_at = "
		    "NULL, last_error = ?2 WHERE id = ?1 AND state = 'pending'",
		    id, why, NULL);
}

/* Run one constant UPDATE; *n gets the rows it changed. */
static int exec_count(struct store *st, const char *sql, int64_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "cannot recover the outbox");
	*n = sqlite3_changes(st->db);
	return STORE_OK;
}

int store_outbox_recover(struct store *st, int64_t *retried, int64_t *failed)
{
	struct store_op op;
	int rc = store_op_begin(st, &op);
	if (rc != STORE_OK)
		return rc;
	rc = exec_count(st,
			"UPDATE outbox SET state = 'pending' WHERE state = "
			"'sending'",
			retried);
	if (rc == STORE_OK)
		rc = exec_count(
			st,
			"UPDATE outbox SET state = 'failed', last_error = "
			"'foiad stopped while the server was taking it: it "
			"may have been delivered, so it is not sent again' "
			"WHERE state = 'delivering'",
			failed);
	return store_op_end(st, &op, rc);
}

/* --- personal reminders ------------------------------------------------ */

int store_snooze_add(struct store *st, struct snooze *sn)
{
	char now[STORE_TSLEN];
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"INSERT INTO snooze (request_id, date, note, created, "
		"created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot add reminder");
	store_now(now);
	struct store_bind b = {s, SQLITE_OK};
	store_bind_int(&b, 1, sn->request_id);
	store_bind_text(&b, 2, sn->date);
	store_bind_text(&b, 3, sn->note);
	store_bind_text(&b, 4, now);
	store_bind_text(&b, 5, sn->created_by);
	rc = b.rc;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sn->id = sqlite3_last_insert_rowid(st->db);
		free(sn->created);
		sn->created = strdup(now);
		rc = sn->created ? STORE_OK : store_nomem(st);
	} else {
		rc = store_fail(st, rc, "cannot add reminder");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_snooze_list(struct store *st, const char *state,
		      int (*cb)(const struct snooze *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT id, request_id, date, note, state, created, created_by "
		"FROM snooze WHERE ?1 IS NULL OR state = ?1 ORDER BY date, id",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read reminders");
	struct store_bind b = {s, SQLITE_OK};
	store_bind_text(&b, 1, state);
	if (b.rc != SQLITE_OK) {
		sqlite3_finalize(s);
		return store_fail(st, b.rc, "cannot read reminders");
	}
	struct snooze sn = {0};
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sn.id = sqlite3_column_int64(s, 0);
		sn.request_id = sqlite3_column_int64(s, 1);
		if (!store_col_text(s, 2, &sn.date) ||
		    !store_col_text(s, 3, &sn.note) ||
		    !store_col_text(s, 4, &sn.state) ||
		    !store_col_text(s, 5, &sn.created) ||
		    !store_col_text(s, 6, &sn.created_by)) {
			rc = store_nomem(st);
			goto out;
		}
		rc = cb(&sn, arg);
		snooze_clear(&sn);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? STORE_OK
			       : store_fail(st, rc, "cannot read reminders");
out:
	snooze_clear(&sn);
	sqlite3_finalize(s);
	return rc;
}

int store_snooze_set_state(struct store *st, int64_t id, const char *state)
{
	return move(st, "UPDATE snooze SET state = ?2 WHERE id = ?1", id, state,
		    NULL);
}
