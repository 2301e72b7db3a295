/*
 * test_chain.c: the event log's hash chain (daemon/store_chain.c) on a
 * database file. An appended event's hash is exactly the documented
 * encoding (rebuilt here byte by byte); fields that differ only in where
 * one ends and the next begins hash differently; store_event_verify
 * finds an edited field, an edited hash, a removed event and a missing
 * hash, naming the first; and events left without a hash at the end of
 * the log (a database from before the chain) get, at open, the hashes an
 * insert would have given, while the trigger refuses any other update.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "testutil.h"

#include "sha256.h"
#include "store.h"
#include "store_chain.h"

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
}

/* SQLite's answer (rc) to sql, for the refusals. */
static int raw_try(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* The text of the first column of the first row, in buf. */
static const char *raw_text(const char *path, const char *sql, char *buf,
			    size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(s, 0);
	snprintf(buf, len, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(s);
	sqlite3_close(db);
	return buf;
}

static struct store *open_db(const char *name, char *path, size_t len)
{
	char err[512] = "";
	tmp_path(path, len, name);
	struct store *st = store_open(path, err, sizeof(err));
	if (!st)
		fail_msg("%s", err);
	return st;
}

static void add_agency(struct store *st)
{
	struct agency a = {.code = (char *)"ICE",
			   .name = (char *)"Immigration",
			   .jurisdiction = (char *)"us-federal"};
	assert_int_equal(store_agency_insert(st, &a), STORE_OK);
}

static int64_t add_event(struct store *st, const char *note)
{
	struct event e = {.agency = (char *)"ICE",
			  .at = (char *)"2025-01-02T03:04:05Z",
			  .actor = (char *)"alice",
			  .kind = (char *)"agency",
			  .note = (char *)note};
	assert_int_equal(store_event_append(st, &e), STORE_OK);
	return e.id;
}

/* --- the encoding, rebuilt by hand -------------------------------------- */

struct buf {
	unsigned char b[1024];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put_tag(struct buf *b, char tag)
{
	put(b, &tag, 1);
}

static void put_be(struct buf *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		unsigned char c = (unsigned char)(v >> (8 * i));
		put(b, &c, 1);
	}
}

static void put_int(struct buf *b, int64_t v)
{
	put_tag(b, 'I');
	put_be(b, (uint64_t)v);
}

static void put_text(struct buf *b, const char *s)
{
	if (!s) {
		put_tag(b, 'N');
		return;
	}
	put_tag(b, 'T');
	put_be(b, strlen(s));
	put(b, s, strlen(s));
}

static void expected_hash(const char *prev, int64_t id, const char *note,
			  char out[SHA256_HEX])
{
	struct buf b = {.n = 0};
	uint8_t d[SHA256_LEN];
	put(&b, "foiad-event-chain-1\n", 20);
	put_text(&b, prev);
	put_int(&b, id);
	put_tag(&b, 'N'); /* request_id */
	put_int(&b, 1);	  /* agency_id: the only agency */
	put_text(&b, "2025-01-02T03:04:05Z");
	put_text(&b, "alice");
	put_text(&b, "agency");
	put_text(&b, NULL); /* field */
	put_text(&b, NULL); /* old_value */
	put_text(&b, NULL); /* new_value */
	put_text(&b, NULL); /* date */
	put_text(&b, note);
	sha256(b.b, b.n, d);
	sha256_hex(d, out);
}

static void test_insert_hash_is_the_encoding(void **state)
{
	(void)state;
	char path[PATH_MAX], got[128], want1[SHA256_HEX], want2[SHA256_HEX];
	struct store *st = open_db("encoding.db", path, sizeof(path));
	add_agency(st);
	assert_int_equal(add_event(st, "first"), 1);
	assert_int_equal(add_event(st, NULL), 2);
	store_close(st);
	expected_hash(NULL, 1, "first", want1);
	expected_hash(want1, 2, NULL, want2);
	assert_string_equal(raw_text(path,
				     "SELECT hash FROM event WHERE id = 1", got,
				     sizeof(got)),
			    want1);
	assert_string_equal(raw_text(path,
				     "SELECT hash FROM event WHERE id = 2", got,
				     sizeof(got)),
			    want2);
}

static void test_boundaries_matter(void **state)
{
	(void)state;
	char h1[SHA256_HEX], h2[SHA256_HEX];
	struct chain_value a[CHAIN_NCOLS], b[CHAIN_NCOLS];
	for (int i = 0; i < CHAIN_NCOLS; i++)
		a[i] = b[i] = (struct chain_value){.type = CV_NULL};
	a[0] = b[0] = (struct chain_value){.type = CV_INT, .i = 1};
	a[7] = (struct chain_value){.type = CV_TEXT, .text = "ab", .len = 2};
	a[8] = (struct chain_value){.type = CV_TEXT, .text = "c", .len = 1};
	b[7] = (struct chain_value){.type = CV_TEXT, .text = "a", .len = 1};
	b[8] = (struct chain_value){.type = CV_TEXT, .text = "bc", .len = 2};
	chain_hash(NULL, a, h1);
	chain_hash(NULL, b, h2);
	assert_string_not_equal(h1, h2);
	/* NULL and the empty text, 1 and "1", differ too. */
	b[7] = (struct chain_value){.type = CV_TEXT, .text = "", .len = 0};
	a[7] = (struct chain_value){.type = CV_NULL};
	a[8] = b[8];
	chain_hash(NULL, a, h1);
	chain_hash(NULL, b, h2);
	assert_string_not_equal(h1, h2);
	b[7] = (struct chain_value){.type = CV_TEXT, .text = "1", .len = 1};
	a[7] = (struct chain_value){.type = CV_INT, .i = 1};
	chain_hash(NULL, a, h1);
	chain_hash(NULL, b, h2);
	assert_string_not_equal(h1, h2);
}

/* --- verify ------------------------------------------------------------- */

static void verify(const char *path, enum chain_problem want, int64_t bad,
		   int64_t whole)
{
	char err[512];
	struct chain_report r;
	struct store *st = store_open(path, err, sizeof(err));
	if (!st)
		fail_msg("%s", err);
	assert_int_equal(store_event_verify(st, &r), STORE_OK);
	assert_int_equal(r.problem, want);
	assert_int_equal(r.bad_id, bad);
	assert_int_equal(r.events, whole);
	if (want == CHAIN_OK)
		assert_int_equal(strlen(r.head), 64);
	else
		assert_string_equal(r.head, "");
	store_close(st);
}

static void test_verify_finds_the_first_bad_event(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct store *st = open_db("verify.db", path, sizeof(path));
	add_agency(st);
	for (int i = 0; i < 6; i++)
		add_event(st, "n");
	store_close(st);
	verify(path, CHAIN_OK, 0, 6);

	raw_exec(path, "DROP TRIGGER event_no_update;"
		       "UPDATE event SET actor = 'mallory' WHERE id = 4;");
	verify(path, CHAIN_ALTERED, 4, 3);
	raw_exec(path, "UPDATE event SET actor = 'alice' WHERE id = 4;");
	verify(path, CHAIN_OK, 0, 6);
	/* A type changed, the bytes "the same" (a blob is kept as one). */
	raw_exec(path, "UPDATE event SET agency_id = x'31' WHERE id = 2;");
	verify(path, CHAIN_ALTERED, 2, 1);
	raw_exec(path, "UPDATE event SET agency_id = 1 WHERE id = 2;");
	/* A hash changed: that event breaks. */
	raw_exec(path, "UPDATE event SET hash = upper(hash) WHERE id = 5;");
	verify(path, CHAIN_ALTERED, 5, 4);
	raw_exec(path, "UPDATE event SET hash = lower(hash) WHERE id = 5;");
	/* An event removed. */
	raw_exec(path, "DROP TRIGGER event_no_delete;"
		       "DELETE FROM event WHERE id = 3;");
	verify(path, CHAIN_MISSING, 3, 2);
	raw_exec(path, "DELETE FROM event WHERE id = 1;");
	verify(path, CHAIN_MISSING, 1, 0);
}

static void test_hash_missing_in_the_middle(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct store *st = open_db("nohash.db", path, sizeof(path));
	add_agency(st);
	for (int i = 0; i < 3; i++)
		add_event(st, "n");
	store_close(st);
	/* Not at the end: not filled at open, reported. */
	raw_exec(path, "DROP TRIGGER event_no_update;"
		       "UPDATE event SET hash = NULL WHERE id = 2;");
	verify(path, CHAIN_NO_HASH, 2, 1);
}

/* --- filling in at open, and the trigger --------------------------------- */

static void test_fill_at_open(void **state)
{
	(void)state;
	char path[PATH_MAX], before[1024], after[1024];
	struct store *st = open_db("fill.db", path, sizeof(path));
	add_agency(st);
	for (int i = 0; i < 5; i++)
		add_event(st, i % 2 ? "odd" : NULL);
	store_close(st);
	raw_text(path, "SELECT group_concat(hash) FROM event", before,
		 sizeof(before));
	/* Only setting a NULL hash is let through, so clear the last three
	 * with the trigger out of the way, then put it back. */
	char trigger[1024];
	raw_text(path,
		 "SELECT sql FROM sqlite_schema WHERE name = 'event_no_update'",
		 trigger, sizeof(trigger));
	raw_exec(path, "DROP TRIGGER event_no_update;"
		       "UPDATE event SET hash = NULL WHERE id >= 3;");
	raw_exec(path, trigger);
	assert_int_equal(raw_try(path, "UPDATE event SET note = 'x' WHERE id = "
				       "4"),
			 SQLITE_CONSTRAINT);
	assert_int_equal(raw_try(path, "UPDATE event SET hash = 'x', note = "
				       "'x' WHERE id = 4"),
			 SQLITE_CONSTRAINT);
	assert_int_equal(raw_try(path, "UPDATE event SET hash = NULL WHERE id "
				       "= 1"),
			 SQLITE_CONSTRAINT);
	assert_int_equal(raw_try(path, "UPDATE event SET hash = 'x' WHERE id "
				       "= 1"),
			 SQLITE_CONSTRAINT);
	verify(path, CHAIN_OK, 0, 5); /* the open filled them in */
	raw_text(path, "SELECT group_concat(hash) FROM event", after,
		 sizeof(after));
	assert_string_equal(after, before);
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("test_chain");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_hash_is_the_encoding),
		cmocka_unit_test(test_boundaries_matter),
		cmocka_unit_test(test_verify_finds_the_first_bad_event),
		cmocka_unit_test(test_hash_missing_in_the_middle),
		cmocka_unit_test(test_fill_at_open),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
