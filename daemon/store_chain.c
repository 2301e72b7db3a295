/*
 * store_chain.c: the SQL and the encoding of the event log's hash chain
 * (store_chain.h), and `verify`'s walk over it (store_event_verify).
 *
 * The encoding is what makes the chain mean something: it must never let
 * two different rows give the same bytes. An event hashes as
 *
 *     "foiad-event-chain-1\n", prev, id, request_id, agency_id, at, actor,
 *     kind, field, old_value, new_value, date, note
 *
 * with every value as a tag byte and, after it: nothing for NULL ('N');
 * 8 bytes big-endian two's complement for an integer ('I'); 8 bytes
 * big-endian length then the bytes for text ('T'), and for a real or a
 * blob ('X', its text or bytes). prev is the previous event's hash as
 * stored (its 64 hex characters as text, or NULL before the first
 * event), so a damaged hash earlier on still gives a definite chain.
 * Lengths up front, not separators, so no text can imitate a boundary.
 *
 * The chain shows that history was changed, not who changed it: whoever
 * can write the file can rewrite every hash after a change, and deleting
 * the newest events leaves a shorter chain that is whole. `foia verify`
 * prints the newest event's id and hash so they can be kept elsewhere.
 */
#include "store_chain.h"

#include <stdio.h>
#include <string.h>

static const char chain_magic[] = "foiad-event-chain-1\n";

/* The event columns hashed, in order, then the hash. */
static const char *const chain_cols[CHAIN_NCOLS + 1] = {
	"id",	 "request_id", "agency_id", "at",   "actor", "kind",
	"field", "old_value",  "new_value", "date", "note",  "hash"};

static void put_u64(struct sha256 *s, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	sha256_update(s, b, sizeof(b));
}

static void put_value(struct sha256 *s, const struct chain_value *v)
{
	static const uint8_t tags[] = {'N', 'I', 'T', 'X'};
	sha256_update(s, &tags[v->type], 1);
	if (v->type == CV_INT) {
		put_u64(s, (uint64_t)v->i);
	} else if (v->type != CV_NULL) {
		put_u64(s, (uint64_t)v->len);
		sha256_update(s, v->text, v->len);
	}
}

void chain_hash(const char *prev, const struct chain_value v[CHAIN_NCOLS],
		char out[SHA256_HEX])
{
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	struct chain_value p = {.type = CV_NULL};
	if (prev)
		p = (struct chain_value){
			.type = CV_TEXT, .text = prev, .len = strlen(prev)};
	sha256_init(&s);
	sha256_update(&s, chain_magic, sizeof(chain_magic) - 1);
	put_value(&s, &p);
	for (int i = 0; i < CHAIN_NCOLS; i++)
		put_value(&s, &v[i]);
	sha256_final(&s, d);
	sha256_hex(d, out);
}

/* Column i of s as a chain value (pointing into the statement's row). */
static void column_value(sqlite3_stmt *s, int i, struct chain_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		v->type = CV_NULL;
		break;
	case SQLITE_INTEGER:
		v->type = CV_INT;
		v->i = sqlite3_column_int64(s, i);
		break;
	case SQLITE_TEXT:
		v->type = CV_TEXT;
		v->text = (const char *)sqlite3_column_text(s, i);
		v->len = (size_t)sqlite3_column_bytes(s, i);
		break;
	default:
		v->type = CV_OTHER;
		v->text = sqlite3_column_blob(s, i);
		v->len = (size_t)sqlite3_column_bytes(s, i);
	}
	if (v->type != CV_NULL && v->type != CV_INT && !v->text)
		v->len = 0; /* an empty blob */
}

/* The stored hash of column i: NULL when it is NULL. Copied into buf
 * (cut to its size: a longer value is no hash of ours anyway). */
static const char *column_hash(sqlite3_stmt *s, int i, char buf[SHA256_HEX])
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(buf, SHA256_HEX, "%s", t ? (const char *)t : "");
	return buf;
}

int chain_head(struct store *st, int64_t *last_id, char hash[SHA256_HEX],
	       bool *has_hash)
{
	sqlite3_stmt *s = store_stmt(
		st, SS_EVENT_HEAD,
		"SELECT id, hash FROM event ORDER BY id DESC LIMIT 1");
	if (!s)
		return STORE_ERROR;
	*last_id = 0;
	*has_hash = false;
	hash[0] = '\0';
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*last_id = sqlite3_column_int64(s, 0);
		*has_hash = column_hash(s, 1, hash) != NULL;
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot read the last event");
	}
	store_stmt_done(s);
	return rc;
}

#define EVENT_COLS_SQL                                                         \
	"id, request_id, agency_id, at, actor, kind, field, old_value, "       \
	"new_value, date, note, hash"

int store_chain_fill(struct store *st, int64_t *filled)
{
	sqlite3_stmt *next = NULL, *set = NULL, *start = NULL;
	char prev_buf[SHA256_HEX], hash[SHA256_HEX];
	const char *prev = NULL;
	int64_t from = 0;
	struct chain_value v[CHAIN_NCOLS];

	*filled = 0;
	/* Every start but the first after the upgrade: the last event has
	 * its hash, and there is nothing to do. */
	int64_t last_id;
	bool has_hash;
	int rc = chain_head(st, &last_id, hash, &has_hash);
	if (rc != STORE_OK || last_id == 0 || has_hash)
		return rc;
	rc = sqlite3_prepare_v2(
		st->db,
		"SELECT id, hash FROM event WHERE id >= coalesce("
		"(SELECT max(id) FROM event WHERE hash IS NOT NULL), 0) "
		"ORDER BY id LIMIT 2",
		-1, &start, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "cannot read the event chain");
	bool work = false;
	while ((rc = sqlite3_step(start)) == SQLITE_ROW) {
		if (sqlite3_column_type(start, 1) == SQLITE_NULL) {
			work = true;
		} else {
			from = sqlite3_column_int64(start, 0);
			prev = column_hash(start, 1, prev_buf);
		}
	}
	sqlite3_finalize(start);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "cannot read the event chain");
	if (!work)
		return STORE_OK;

	rc = store_begin(st);
	if (rc != STORE_OK)
		return rc;
	/* One row at a time by id, not one walk: the walk would see the
	 * table it is changing. */
	rc = sqlite3_prepare_v2(st->db,
				"SELECT " EVENT_COLS_SQL " FROM event "
				"WHERE id > ?1 ORDER BY id LIMIT 1",
				-1, &next, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(
			st->db, "UPDATE event SET hash = ?1 WHERE id = ?2", -1,
			&set, NULL);
	while (rc == SQLITE_OK) {
		rc = sqlite3_bind_int64(next, 1, from);
		if (rc != SQLITE_OK)
			break;
		rc = sqlite3_step(next);
		if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
			break;
		}
		if (rc != SQLITE_ROW)
			break;
		for (int i = 0; i < CHAIN_NCOLS; i++)
			column_value(next, i, &v[i]);
		chain_hash(prev, v, hash);
		from = v[0].i;
		rc = sqlite3_reset(next);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(set, 1, hash, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(set, 2, from);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(set);
		if (rc == SQLITE_DONE)
			rc = sqlite3_reset(set);
		memcpy(prev_buf, hash, sizeof(prev_buf));
		prev = prev_buf;
		(*filled)++;
	}
	int ret = rc == SQLITE_OK
			  ? STORE_OK
			  : store_fail(st, rc, "cannot hash the event log");
	sqlite3_finalize(next);
	sqlite3_finalize(set);
	if (ret == STORE_OK)
		ret = store_commit(st);
	if (ret != STORE_OK)
		store_rollback(st);
	return ret;
}

void store_event_verify_start(struct chain_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->want = 1;
}

int store_event_verify_step(struct store *st, struct chain_walk *w,
			    int max_events, bool *done)
{
	sqlite3_stmt *s = NULL;
	char stored_buf[SHA256_HEX], hash[SHA256_HEX];
	struct chain_value v[CHAIN_NCOLS];
	struct chain_report *out = &w->r;
	int rows = 0;

	*done = false;
	/* One statement per step: a consistent read of its events. */
	int rc = sqlite3_prepare_v2(st->db,
				    "SELECT " EVENT_COLS_SQL " FROM event "
				    "WHERE id > ?1 ORDER BY id LIMIT ?2",
				    -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 1, w->want - 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 2, max_events);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(s);
		return store_fail(st, rc, "cannot read the event log");
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		rows++;
		for (int i = 0; i < CHAIN_NCOLS; i++)
			column_value(s, i, &v[i]);
		const char *stored = column_hash(s, CHAIN_NCOLS, stored_buf);
		if (v[0].i != w->want) {
			out->problem = CHAIN_MISSING;
			out->bad_id = w->want;
			break;
		}
		if (!stored) {
			out->problem = CHAIN_NO_HASH;
			out->bad_id = v[0].i;
			break;
		}
		chain_hash(w->has_prev ? w->prev : NULL, v, hash);
		if (strcmp(hash, stored) != 0 ||
		    sqlite3_column_bytes(s, CHAIN_NCOLS) != SHA256_HEX - 1) {
			out->problem = CHAIN_ALTERED;
			out->bad_id = v[0].i;
			break;
		}
		out->events++;
		out->last_id = v[0].i;
		memcpy(w->prev, stored, sizeof(w->prev));
		w->has_prev = true;
		w->want = v[0].i + 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(st, rc, "cannot read the event log");
	/* Done at a problem, or when a step found fewer than it could. */
	if (out->problem != CHAIN_OK || max_events < 0 || rows < max_events) {
		*done = true;
		if (out->problem == CHAIN_OK && w->has_prev)
			memcpy(out->head, w->prev, sizeof(out->head));
	}
	return STORE_OK;
}

int store_event_verify(struct store *st, struct chain_report *out)
{
	struct chain_walk w;
	bool done = false;
	store_event_verify_start(&w);
	int rc = store_event_verify_step(st, &w, -1, &done);
	*out = w.r;
	return rc;
}

/* The column of t named name, or -1. */
static int col_index(const struct backup_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

int store_chain_restore(struct store *st, const struct backup_table *t,
			const struct backup_value *row, char hash[SHA256_HEX],
			bool *set)
{
	struct chain_value v[CHAIN_NCOLS];
	int idx[CHAIN_NCOLS + 1];
	char head[SHA256_HEX];
	int64_t last_id;
	bool has_head;

	*set = false;
	for (int i = 0; i <= CHAIN_NCOLS; i++)
		if ((idx[i] = col_index(t, chain_cols[i])) < 0)
			return store_failf(st, STORE_ERROR,
					   "the event table has no column '%s'",
					   chain_cols[i]);
	for (int i = 0; i < CHAIN_NCOLS; i++) {
		const struct backup_value *b = &row[idx[i]];
		memset(&v[i], 0, sizeof(v[i]));
		v[i].type = b->type == BV_INT	 ? CV_INT
			    : b->type == BV_TEXT ? CV_TEXT
						 : CV_NULL;
		v[i].i = b->i;
		v[i].text = b->text;
		v[i].len = b->text ? strlen(b->text) : 0;
	}
	if (v[0].type != CV_INT)
		return store_failf(st, STORE_CONFLICT, "an event has no id");
	int rc = chain_head(st, &last_id, head, &has_head);
	if (rc != STORE_OK)
		return rc;
	/* In id order, none left out: a gap is an event removed. */
	if (v[0].i != last_id + 1)
		return store_failf(st, STORE_CONFLICT,
				   "event %lld is missing from the history "
				   "(the events must run 1, 2, 3... in order)",
				   (long long)(last_id + 1));
	chain_hash(has_head ? head : NULL, v, hash);
	const struct backup_value *h = &row[idx[CHAIN_NCOLS]];
	if (h->type == BV_NULL) {
		*set = true;
		return STORE_OK;
	}
	if (h->type != BV_TEXT || strcmp(h->text, hash) != 0)
		return store_failf(st, STORE_CONFLICT,
				   "event %lld does not match its hash (the "
				   "history was altered)",
				   (long long)v[0].i);
	return STORE_OK;
}
