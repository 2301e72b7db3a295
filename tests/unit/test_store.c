/*
 * test_store.c: unit tests of the SQLite store (daemon/store*.c).
 *
 * Most tests run on ":memory:"; those about files (migration on disk,
 * reopening, refusing foreign or newer files, the append-only triggers) use
 * files in a private mkdtemp directory that the group teardown removes. The
 * trigger tests open the file with sqlite3 directly, as an intruder would,
 * to show that the schema itself refuses the change, not just the store.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store.h"
#include "testutil.h"

static int group_setup(void **state)
{
	(void)state;
	return tmpdir_make("test_store");
}

static int group_teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

static struct store *open_ok(const char *path)
{
	char err[512] = "";
	struct store *st = store_open(path, err, sizeof(err));
	if (!st)
		fail_msg("store_open('%s'): %s", path, err);
	return st;
}

static struct store *mem(void)
{
	return open_ok(":memory:");
}

/* One integer from raw SQL on a file, bypassing the store. */
static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	assert_int_equal(
		sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	assert_int_equal(sqlite3_finalize(s), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return v;
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(
		sqlite3_open_v2(path, &db,
				SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
				NULL),
		SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void add_agency(struct store *st, const char *code, const char *parent)
{
	struct agency a = {0};
	a.code = (char *)code;
	a.name = (char *)"Some Agency";
	a.parent = (char *)parent;
	a.jurisdiction = (char *)"us-federal";
	assert_int_equal(store_agency_insert(st, &a), STORE_OK);
	assert_true(a.id > 0);
}

/* A minimal request: only the NOT NULL columns. Returns its id. */
static int64_t add_request(struct store *st, const char *agency,
			   const char *status, const char *project,
			   const char *tag)
{
	struct request r = {0};
	char *tags[1] = {(char *)tag};
	r.agency = (char *)agency;
	r.subject = (char *)"records";
	r.status = (char *)status;
	r.project = (char *)project;
	r.created_by = (char *)"alice";
	r.fees_estimated = r.fees_paid = -1;
	if (tag) {
		r.tags = tags;
		r.ntags = 1;
	}
	assert_int_equal(store_request_insert(st, &r), STORE_OK);
	int64_t id = r.id;
	/* Only the store's own copies are ours to free. */
	free(r.created);
	free(r.updated);
	free(r.jurisdiction);
	return id;
}

/* ---- opening and migrations ---- */

static void test_fresh_file_migrates(void **state)
{
	(void)state;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "fresh.db");
	struct store *st = open_ok(path);
	assert_true(store_schema_version() >= 1);
	store_close(st);
	assert_int_equal(raw_int(path, "PRAGMA user_version"),
			 store_schema_version());
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema "
				       "WHERE type = 'table' AND name IN "
				       "('agency', 'request', 'request_tag', "
				       "'event')"),
			 4);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema "
				       "WHERE type = 'trigger'"),
			 4);
	/* WAL stays set in the file once chosen. */
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void test_memory_opens(void **state)
{
	(void)state;
	struct store *st = mem();
	int64_t n = -1;
	assert_int_equal(store_count_requests(st, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_count_agencies(st, &n), STORE_OK);
	assert_int_equal(n, 0);
	store_close(st);
	store_close(NULL); /* harmless */
}

static void test_reopen_keeps_data(void **state)
{
	(void)state;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "reopen.db");
	struct store *st = open_ok(path);
	add_agency(st, "ICE", NULL);
	int64_t id = add_request(st, "ICE", "submitted", "p1", "t1");
	store_close(st);

	st = open_ok(path);
	struct request r;
	assert_int_equal(store_request_get(st, id, &r), STORE_OK);
	assert_string_equal(r.agency, "ICE");
	assert_string_equal(r.status, "submitted");
	assert_int_equal(r.ntags, 1);
	assert_string_equal(r.tags[0], "t1");
	request_clear(&r);
	store_close(st);
	assert_int_equal(raw_int(path, "PRAGMA user_version"),
			 store_schema_version());
}

static void test_newer_schema_refused(void **state)
{
	(void)state;
	char path[PATH_MAX], err[512] = "", want[PATH_MAX + 200];
	tmp_path(path, sizeof(path), "newer.db");
	raw_exec(path, "PRAGMA user_version = 99");
	assert_null(store_open(path, err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "database '%s' has schema version 99, newer than this foiad "
		 "supports (%d); upgrade foiad",
		 path, store_schema_version());
	assert_string_equal(err, want);
	/* Refused without touching it. */
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 99);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema"),
			 0);
}

static void test_not_sqlite_refused(void **state)
{
	(void)state;
	static const size_t sizes[] = {7, 100, 4096};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char path[PATH_MAX], name[32], err[512] = "",
					       want[PATH_MAX + 64];
		snprintf(name, sizeof(name), "garbage%zu.db", sizes[i]);
		tmp_path(path, sizeof(path), name);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_not_equal(fputc("garbage\n"[k % 8], f), EOF);
		assert_int_equal(fclose(f), 0);
		assert_null(store_open(path, err, sizeof(err)));
		snprintf(want, sizeof(want), "'%s' is not a SQLite database",
			 path);
		assert_string_equal(err, want);
	}
}

static void test_foreign_db_refused(void **state)
{
	(void)state;
	char path[PATH_MAX], err[512] = "";
	tmp_path(path, sizeof(path), "foreign.db");
	raw_exec(path, "CREATE TABLE other (x)");
	assert_null(store_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "is not a foiad database"));
	assert_non_null(strstr(err, path));
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 0);
}

static void test_open_bad_path(void **state)
{
	(void)state;
	char path[PATH_MAX], err[512] = "";
	tmp_path(path, sizeof(path), "no/such/dir/x.db");
	assert_null(store_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot open database"));
	assert_non_null(strstr(err, path));
}

/* ---- agencies ---- */

static void test_agency_insert_get(void **state)
{
	(void)state;
	struct store *st = mem();
	struct agency a = {0}, g;
	a.code = (char *)"DHS";
	a.name = (char *)"Department of Homeland Security";
	a.email = (char *)"foia@hq.dhs.gov";
	/* jurisdiction NULL: the default is stored and reported. */
	assert_int_equal(store_agency_insert(st, &a), STORE_OK);
	assert_true(a.id > 0);
	assert_string_equal(a.jurisdiction, "us-federal");
	free(a.jurisdiction);

	struct agency c = {0};
	c.code = (char *)"ICE";
	c.name = (char *)"Immigration and Customs Enforcement";
	c.parent = (char *)"dhs"; /* any case */
	c.jurisdiction = (char *)"us-federal";
	c.portal = (char *)"https://example.org/portal";
	c.address = (char *)"500 12th St SW\nWashington, DC";
	assert_int_equal(store_agency_insert(st, &c), STORE_OK);
	assert_int_not_equal(c.id, a.id);

	assert_int_equal(store_agency_get(st, "ice", &g), STORE_OK);
	assert_int_equal(g.id, c.id);
	assert_string_equal(g.code, "ICE");
	assert_string_equal(g.name, "Immigration and Customs Enforcement");
	assert_string_equal(g.parent, "DHS");
	assert_string_equal(g.jurisdiction, "us-federal");
	assert_null(g.email);
	assert_string_equal(g.portal, "https://example.org/portal");
	assert_string_equal(g.address, "500 12th St SW\nWashington, DC");
	agency_clear(&g);

	assert_int_equal(store_agency_get(st, "DHS", &g), STORE_OK);
	assert_null(g.parent);
	assert_string_equal(g.email, "foia@hq.dhs.gov");
	agency_clear(&g);

	/* Not found leaves a cleared struct. */
	assert_int_equal(store_agency_get(st, "FBI", &g), STORE_NOT_FOUND);
	assert_null(g.code);
	assert_string_equal(store_errmsg(st), "no agency 'FBI'");
	store_close(st);
}

static void test_agency_conflicts(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "ICE", NULL);
	struct agency a = {0};
	a.code = (char *)"ice";
	a.name = (char *)"dup";
	a.jurisdiction = (char *)"us-federal";
	assert_int_equal(store_agency_insert(st, &a), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "UNIQUE"));

	a.code = (char *)"CBP";
	a.parent = (char *)"NOPE";
	assert_int_equal(store_agency_insert(st, &a), STORE_NOT_FOUND);
	assert_string_equal(store_errmsg(st), "unknown parent agency 'NOPE'");

	a.parent = NULL;
	a.name = NULL; /* NOT NULL */
	assert_int_equal(store_agency_insert(st, &a), STORE_CONFLICT);

	int64_t n = -1;
	assert_int_equal(store_count_agencies(st, &n), STORE_OK);
	assert_int_equal(n, 1);
	store_close(st);
}

static void test_agency_save(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "DHS", NULL);
	add_agency(st, "ICE", NULL);
	struct agency g;
	assert_int_equal(store_agency_get(st, "ICE", &g), STORE_OK);
	free(g.name);
	g.name = strdup("ICE renamed");
	free(g.parent);
	g.parent = strdup("DHS");
	g.email = strdup("ice@example.org");
	assert_int_equal(store_agency_save(st, &g), STORE_OK);
	agency_clear(&g);
	assert_int_equal(store_agency_get(st, "ICE", &g), STORE_OK);
	assert_string_equal(g.name, "ICE renamed");
	assert_string_equal(g.parent, "DHS");
	assert_string_equal(g.email, "ice@example.org");

	/* Clearing a field, unknown parent, unknown id, duplicate code. */
	free(g.email);
	g.email = NULL;
	free(g.parent);
	g.parent = NULL;
	assert_int_equal(store_agency_save(st, &g), STORE_OK);
	g.parent = strdup("XYZ");
	assert_int_equal(store_agency_save(st, &g), STORE_NOT_FOUND);
	free(g.parent);
	g.parent = NULL;
	int64_t id = g.id;
	g.id = 999;
	assert_int_equal(store_agency_save(st, &g), STORE_NOT_FOUND);
	g.id = id;
	free(g.code);
	g.code = strdup("dhs");
	assert_int_equal(store_agency_save(st, &g), STORE_CONFLICT);
	agency_clear(&g);

	assert_int_equal(store_agency_get(st, "ICE", &g), STORE_OK);
	assert_null(g.email);
	assert_null(g.parent);
	agency_clear(&g);
	store_close(st);
}

struct names {
	char s[8][16];
	int n;
	int stop_at; /* return 7 when n reaches this, 0 = never */
};

static int collect_agency(const struct agency *a, void *arg)
{
	struct names *nm = arg;
	snprintf(nm->s[nm->n], sizeof(nm->s[0]), "%s", a->code);
	nm->n++;
	return nm->n == nm->stop_at ? 7 : 0;
}

static void test_agency_list_and_count(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "b", NULL);
	add_agency(st, "C", NULL);
	add_agency(st, "A", NULL);
	struct names nm = {0};
	assert_int_equal(store_agency_list(st, collect_agency, &nm), STORE_OK);
	assert_int_equal(nm.n, 3);
	assert_string_equal(nm.s[0], "A");
	assert_string_equal(nm.s[1], "b");
	assert_string_equal(nm.s[2], "C");

	memset(&nm, 0, sizeof(nm));
	nm.stop_at = 2;
	assert_int_equal(store_agency_list(st, collect_agency, &nm), 7);
	assert_int_equal(nm.n, 2);

	int64_t n = -1;
	assert_int_equal(store_agency_count_requests(st, "a", &n), STORE_OK);
	assert_int_equal(n, 0);
	add_request(st, "A", "draft", NULL, NULL);
	add_request(st, "a", "draft", NULL, NULL);
	add_request(st, "b", "draft", NULL, NULL);
	assert_int_equal(store_agency_count_requests(st, "A", &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_agency_count_requests(st, "Z", &n),
			 STORE_NOT_FOUND);
	store_close(st);
}

/* ---- requests ---- */

static void test_request_round_trip(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "ICE", NULL);
	int64_t first = add_request(st, "ICE", "submitted", NULL, NULL);

	char *tags[] = {"zeta", "alpha", "zeta", "odd, \"tag\"|\x1f;'", ""};
	struct request r = {0};
	r.batch = first;
	r.agency = (char *)"ice";
	r.component = (char *)"ERO";
	r.jurisdiction = (char *)"us-federal";
	r.subject = (char *)"Detention contracts";
	r.description = (char *)"All contracts\nsince 2020";
	r.requester = (char *)"Jane Doe";
	r.project = (char *)"detention";
	r.tags = tags;
	r.ntags = 5;
	r.method = (char *)"portal";
	r.tracking = (char *)"2025-ICFO-00001";
	r.sent = (char *)"2025-01-02";
	r.received = (char *)"2025-01-03";
	r.acknowledged = (char *)"2025-01-06";
	r.closed = (char *)"2025-03-01";
	r.expedited = true;
	r.fee_waiver = true;
	r.fee_category = (char *)"news-media";
	r.fees_estimated = 1250;
	r.fees_paid = 0;
	r.status = (char *)"processing";
	r.created_by = (char *)"alice";
	assert_int_equal(store_request_insert(st, &r), STORE_OK);
	assert_true(r.id > first);
	assert_non_null(r.created);
	assert_non_null(r.updated);
	assert_int_equal(strlen(r.created), 20);
	assert_int_equal(r.created[10], 'T');
	assert_int_equal(r.created[19], 'Z');
	assert_string_equal(r.created, r.updated);

	struct request g;
	assert_int_equal(store_request_get(st, r.id, &g), STORE_OK);
	assert_int_equal(g.id, r.id);
	assert_int_equal(g.batch, first);
	assert_string_equal(g.agency, "ICE");
	assert_string_equal(g.agency_name, "Some Agency");
	assert_string_equal(g.component, "ERO");
	assert_string_equal(g.jurisdiction, "us-federal");
	assert_string_equal(g.subject, "Detention contracts");
	assert_string_equal(g.description, "All contracts\nsince 2020");
	assert_string_equal(g.requester, "Jane Doe");
	assert_string_equal(g.project, "detention");
	assert_int_equal(g.ntags, 4); /* deduplicated, sorted */
	assert_string_equal(g.tags[0], "");
	assert_string_equal(g.tags[1], "alpha");
	assert_string_equal(g.tags[2], "odd, \"tag\"|\x1f;'");
	assert_string_equal(g.tags[3], "zeta");
	assert_string_equal(g.method, "portal");
	assert_string_equal(g.tracking, "2025-ICFO-00001");
	assert_string_equal(g.sent, "2025-01-02");
	assert_string_equal(g.received, "2025-01-03");
	assert_string_equal(g.acknowledged, "2025-01-06");
	assert_string_equal(g.closed, "2025-03-01");
	assert_true(g.expedited);
	assert_true(g.fee_waiver);
	assert_string_equal(g.fee_category, "news-media");
	assert_int_equal(g.fees_estimated, 1250);
	assert_int_equal(g.fees_paid, 0);
	assert_string_equal(g.status, "processing");
	assert_string_equal(g.created, r.created);
	assert_string_equal(g.updated, r.updated);
	assert_string_equal(g.created_by, "alice");
	request_clear(&g);
	free(r.created);
	free(r.updated);

	/* The minimal request reads back with NULLs, -1 fees, no batch,
	 * and the agency's jurisdiction. */
	assert_int_equal(store_request_get(st, first, &g), STORE_OK);
	assert_int_equal(g.batch, 0);
	assert_string_equal(g.jurisdiction, "us-federal");
	assert_null(g.component);
	assert_null(g.description);
	assert_null(g.requester);
	assert_null(g.project);
	assert_null(g.method);
	assert_null(g.tracking);
	assert_null(g.sent);
	assert_null(g.received);
	assert_null(g.acknowledged);
	assert_null(g.closed);
	assert_null(g.fee_category);
	assert_false(g.expedited);
	assert_false(g.fee_waiver);
	assert_int_equal(g.fees_estimated, -1);
	assert_int_equal(g.fees_paid, -1);
	assert_int_equal(g.ntags, 0);
	assert_null(g.tags);
	request_clear(&g);

	assert_int_equal(store_request_get(st, 12345, &g), STORE_NOT_FOUND);
	assert_string_equal(store_errmsg(st), "no request 12345");
	assert_null(g.subject);
	store_close(st);
}

static void test_request_refused(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "ICE", NULL);
	char *tags[] = {"x"};
	struct request r = {0};
	r.agency = (char *)"NOPE";
	r.subject = (char *)"s";
	r.status = (char *)"draft";
	r.created_by = (char *)"alice";
	r.fees_estimated = r.fees_paid = -1;
	r.tags = tags;
	r.ntags = 1;
	assert_int_equal(store_request_insert(st, &r), STORE_NOT_FOUND);
	assert_string_equal(store_errmsg(st), "no agency 'NOPE'");
	assert_int_equal(r.id, 0);
	assert_null(r.created);

	r.agency = (char *)"ICE";
	r.status = (char *)"gone";
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "CHECK"));
	r.status = (char *)"draft";
	r.method = (char *)"pigeon";
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	r.method = NULL;
	r.fee_category = (char *)"rich";
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	r.fee_category = NULL;
	r.batch = 999; /* no such request: foreign key */
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	r.batch = 0;
	r.subject = NULL;
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	r.subject = (char *)"s";
	r.created_by = NULL;
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	r.created_by = (char *)"alice";
	char *bad[] = {"ok", NULL};
	r.tags = bad;
	r.ntags = 2;
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	assert_null(r.created);

	/* Nothing of the refused writes is left, not even tags. */
	int64_t n = -1;
	assert_int_equal(store_count_requests(st, &n), STORE_OK);
	assert_int_equal(n, 0);
	store_close(st);
}

static void test_request_save(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "ICE", NULL);
	add_agency(st, "CBP", NULL);
	int64_t id = add_request(st, "ICE", "draft", "p", "old");
	struct request g;
	assert_int_equal(store_request_get(st, id, &g), STORE_OK);
	char *created = strdup(g.created);

	free(g.status);
	g.status = strdup("submitted");
	free(g.agency);
	g.agency = strdup("cbp");
	g.sent = strdup("2025-02-03");
	g.fees_paid = 500;
	g.expedited = true;
	free(g.project);
	g.project = NULL;
	for (size_t i = 0; i < g.ntags; i++)
		free(g.tags[i]);
	free(g.tags);
	g.tags = calloc(2, sizeof(char *));
	g.tags[0] = strdup("new2");
	g.tags[1] = strdup("new1");
	g.ntags = 2;
	assert_int_equal(store_request_save(st, &g), STORE_OK);
	assert_non_null(g.updated);
	request_clear(&g);

	assert_int_equal(store_request_get(st, id, &g), STORE_OK);
	assert_string_equal(g.status, "submitted");
	assert_string_equal(g.agency, "CBP");
	assert_string_equal(g.sent, "2025-02-03");
	assert_int_equal(g.fees_paid, 500);
	assert_int_equal(g.fees_estimated, -1);
	assert_true(g.expedited);
	assert_null(g.project);
	assert_string_equal(g.created, created);
	assert_string_equal(g.created_by, "alice");
	assert_int_equal(g.ntags, 2);
	assert_string_equal(g.tags[0], "new1");
	assert_string_equal(g.tags[1], "new2");

	/* A refused save changes nothing, tags included. */
	free(g.status);
	g.status = strdup("bogus");
	free(g.tags[0]);
	g.tags[0] = strdup("never");
	assert_int_equal(store_request_save(st, &g), STORE_CONFLICT);
	free(g.status);
	g.status = strdup("denied");
	free(g.agency);
	g.agency = strdup("NOPE");
	assert_int_equal(store_request_save(st, &g), STORE_NOT_FOUND);
	free(g.agency);
	g.agency = strdup("ICE");
	g.id = 4242;
	assert_int_equal(store_request_save(st, &g), STORE_NOT_FOUND);
	assert_string_equal(store_errmsg(st), "no request 4242");
	request_clear(&g);

	assert_int_equal(store_request_get(st, id, &g), STORE_OK);
	assert_string_equal(g.status, "submitted");
	assert_string_equal(g.agency, "CBP");
	assert_int_equal(g.ntags, 2);
	assert_string_equal(g.tags[0], "new1");
	request_clear(&g);

	/* Clearing every tag. */
	assert_int_equal(store_request_get(st, id, &g), STORE_OK);
	for (size_t i = 0; i < g.ntags; i++)
		free(g.tags[i]);
	free(g.tags);
	g.tags = NULL;
	g.ntags = 0;
	assert_int_equal(store_request_save(st, &g), STORE_OK);
	request_clear(&g);
	assert_int_equal(store_request_get(st, id, &g), STORE_OK);
	assert_int_equal(g.ntags, 0);
	request_clear(&g);
	free(created);
	store_close(st);
}

struct ids {
	int64_t id[64];
	int n;
	int stop_at;
	struct store *st; /* when set, the callback reads back through it */
};

static int collect_request(const struct request *r, void *arg)
{
	struct ids *ids = arg;
	if (ids->st) {
		/* The store may be used from inside a walk. */
		struct request g;
		assert_int_equal(store_request_get(ids->st, r->id, &g),
				 STORE_OK);
		assert_string_equal(g.subject, r->subject);
		assert_int_equal(g.ntags, r->ntags);
		request_clear(&g);
	}
	ids->id[ids->n++] = r->id;
	return ids->n == ids->stop_at ? 99 : 0;
}

static void expect_ids(struct store *st, const struct request_filter *f,
		       const int64_t *want, int nwant)
{
	struct ids ids = {0};
	ids.st = st;
	assert_int_equal(store_request_list(st, f, collect_request, &ids),
			 STORE_OK);
	assert_int_equal(ids.n, nwant);
	for (int i = 0; i < nwant; i++)
		assert_int_equal(ids.id[i], want[i]);
}

static void test_request_list_filters(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "ICE", NULL);
	add_agency(st, "CBP", NULL);
	int64_t a = add_request(st, "ICE", "submitted", "p1", "x");
	int64_t b = add_request(st, "CBP", "denied", "p1", "y");
	int64_t c = add_request(st, "ICE", "closed", "p2", "x");
	int64_t d = add_request(st, "ICE", "withdrawn", NULL, NULL);
	int64_t e = add_request(st, "CBP", "processing", "p2", "x,y");

	expect_ids(st, NULL, (int64_t[]){a, b, c, d, e}, 5);
	struct request_filter f = {0};
	expect_ids(st, &f, (int64_t[]){a, b, c, d, e}, 5);

	const char *sts[] = {"denied", "closed", "submitted", NULL};
	f.statuses = sts;
	expect_ids(st, &f, (int64_t[]){a, b, c}, 3);
	const char *none[] = {NULL}; /* empty list: no status filter */
	f.statuses = none;
	expect_ids(st, &f, (int64_t[]){a, b, c, d, e}, 5);
	const char *unknown[] = {"gone", NULL};
	f.statuses = unknown;
	expect_ids(st, &f, NULL, 0);
	f.statuses = NULL;

	f.agency = "ice";
	expect_ids(st, &f, (int64_t[]){a, c, d}, 3);
	f.agency = "NOPE";
	expect_ids(st, &f, NULL, 0);
	f.agency = NULL;

	f.project = "p2";
	expect_ids(st, &f, (int64_t[]){c, e}, 2);
	f.project = NULL;

	f.tag = "x";
	expect_ids(st, &f, (int64_t[]){a, c}, 2);
	f.tag = "x,y";
	expect_ids(st, &f, (int64_t[]){e}, 1);
	f.tag = NULL;

	f.open_only = true;
	expect_ids(st, &f, (int64_t[]){a, b, e}, 3);

	/* Combined: open, at ICE, tagged x. */
	f.agency = "ICE";
	f.tag = "x";
	expect_ids(st, &f, (int64_t[]){a}, 1);
	f.statuses = sts;
	f.project = "p1";
	expect_ids(st, &f, (int64_t[]){a}, 1);

	/* A nonzero callback return stops the walk and is returned. */
	struct ids ids = {0};
	ids.stop_at = 2;
	assert_int_equal(store_request_list(st, NULL, collect_request, &ids),
			 99);
	assert_int_equal(ids.n, 2);
	assert_int_equal(ids.id[1], b);
	store_close(st);
}

/* ---- events ---- */

struct evlog {
	int n;
	int64_t id[16];
	char kind[16][16];
	char agency[16][16];
	char at[16][24];
};

static int collect_event(const struct event *e, void *arg)
{
	struct evlog *l = arg;
	l->id[l->n] = e->id;
	snprintf(l->kind[l->n], sizeof(l->kind[0]), "%s", e->kind);
	snprintf(l->agency[l->n], sizeof(l->agency[0]), "%s",
		 e->agency ? e->agency : "-");
	snprintf(l->at[l->n], sizeof(l->at[0]), "%s", e->at);
	l->n++;
	return 0;
}

static void test_events(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "ICE", NULL);
	int64_t r1 = add_request(st, "ICE", "draft", NULL, NULL);
	int64_t r2 = add_request(st, "ICE", "draft", NULL, NULL);
	const char *kinds[] = {"filed", "status", "note"};
	for (int i = 0; i < 3; i++) {
		struct event e = {0};
		e.request_id = r1;
		e.actor = (char *)"alice";
		e.kind = (char *)kinds[i];
		e.field = (char *)"status";
		e.old_value = (char *)"draft";
		e.new_value = (char *)"submitted";
		e.date = (char *)"2025-01-02";
		e.note = (char *)"n";
		assert_int_equal(store_event_append(st, &e), STORE_OK);
		assert_true(e.id > 0);
		assert_non_null(e.at); /* set by the store */
		assert_int_equal(strlen(e.at), 20);
		free(e.at);
	}
	struct event o = {0};
	o.request_id = r2;
	o.at = (char *)"2020-05-05T05:05:05Z";
	o.actor = (char *)"bob";
	o.kind = (char *)"filed";
	assert_int_equal(store_event_append(st, &o), STORE_OK);
	assert_string_equal(o.at, "2020-05-05T05:05:05Z"); /* kept */

	struct event ag = {0};
	ag.agency = (char *)"ice";
	ag.at = (char *)"2021-01-01T00:00:00Z";
	ag.actor = (char *)"bob";
	ag.kind = (char *)"agency";
	assert_int_equal(store_event_append(st, &ag), STORE_OK);

	ag.agency = (char *)"NOPE";
	assert_int_equal(store_event_append(st, &ag), STORE_NOT_FOUND);
	ag.agency = NULL;
	ag.request_id = 777; /* foreign key */
	assert_int_equal(store_event_append(st, &ag), STORE_CONFLICT);
	ag.request_id = r1;
	ag.actor = NULL;
	assert_int_equal(store_event_append(st, &ag), STORE_CONFLICT);

	struct evlog l = {0};
	assert_int_equal(store_event_list(st, r1, collect_event, &l), STORE_OK);
	assert_int_equal(l.n, 3);
	assert_true(l.id[0] < l.id[1] && l.id[1] < l.id[2]);
	assert_string_equal(l.kind[0], "filed");
	assert_string_equal(l.kind[1], "status");
	assert_string_equal(l.kind[2], "note");
	assert_string_equal(l.agency[0], "-");

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_event_list(st, r2, collect_event, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.at[0], "2020-05-05T05:05:05Z");

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_event_list(st, 0, collect_event, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.kind[0], "agency");
	assert_string_equal(l.agency[0], "ICE");

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_event_list(st, 9999, collect_event, &l),
			 STORE_OK);
	assert_int_equal(l.n, 0);
	store_close(st);
}

/* The schema itself refuses, whoever asks. */
static void test_append_only_triggers(void **state)
{
	(void)state;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "triggers.db");
	struct store *st = open_ok(path);
	add_agency(st, "ICE", NULL);
	int64_t id = add_request(st, "ICE", "draft", NULL, NULL);
	struct event e = {0};
	e.request_id = id;
	e.actor = (char *)"alice";
	e.kind = (char *)"filed";
	e.at = (char *)"2025-01-01T00:00:00Z";
	assert_int_equal(store_event_append(st, &e), STORE_OK);
	store_close(st);

	sqlite3 *db = NULL;
	assert_int_equal(
		sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
		SQLITE_OK);
	static const struct {
		const char *sql, *msg;
	} bad[] = {
		{"UPDATE event SET note = 'x'", "events are append-only"},
		{"DELETE FROM event", "events are append-only"},
		{"DELETE FROM request", "requests are never deleted"},
		{"DELETE FROM agency", "agencies are never deleted"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = sqlite3_exec(db, bad[i].sql, NULL, NULL, NULL);
		assert_int_equal(rc, SQLITE_CONSTRAINT);
		assert_string_equal(sqlite3_errmsg(db), bad[i].msg);
	}
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM event "
				       "WHERE note IS NULL"),
			 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM request"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM agency"), 1);
}

/* ---- transactions ---- */

static void test_transactions(void **state)
{
	(void)state;
	struct store *st = mem();
	store_rollback(st); /* nothing open: harmless */
	assert_int_equal(store_commit(st), STORE_ERROR); /* nothing open */
	assert_non_null(strstr(store_errmsg(st), "cannot commit"));

	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_begin(st), STORE_ERROR); /* no nesting */
	add_agency(st, "ICE", NULL);
	store_rollback(st);
	struct agency g;
	assert_int_equal(store_agency_get(st, "ICE", &g), STORE_NOT_FOUND);

	assert_int_equal(store_begin(st), STORE_OK);
	add_agency(st, "ICE", NULL);
	int64_t id = add_request(st, "ICE", "draft", NULL, "keep");
	/* A refused write inside the caller's transaction undoes only
	 * itself; the transaction goes on. */
	struct request r = {0};
	r.agency = (char *)"ICE";
	r.subject = (char *)"s";
	r.status = (char *)"nonsense";
	r.created_by = (char *)"alice";
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	/* Here the row goes in and its second tag is refused: the row must
	 * go too, though the caller's transaction commits. */
	char *bad[] = {"fine", NULL};
	r.status = (char *)"draft";
	r.tags = bad;
	r.ntags = 2;
	assert_int_equal(store_request_insert(st, &r), STORE_CONFLICT);
	assert_string_equal(store_errmsg(st), "tag 2 is missing");
	assert_int_equal(store_commit(st), STORE_OK);
	store_rollback(st); /* after commit: harmless, message kept */
	assert_string_equal(store_errmsg(st), "tag 2 is missing");

	assert_int_equal(store_agency_get(st, "ICE", &g), STORE_OK);
	agency_clear(&g);
	struct request q;
	assert_int_equal(store_request_get(st, id, &q), STORE_OK);
	assert_int_equal(q.ntags, 1);
	request_clear(&q);
	int64_t n = -1;
	assert_int_equal(store_count_requests(st, &n), STORE_OK);
	assert_int_equal(n, 1);

	/* A rolled-back request is gone with its tags and events. */
	assert_int_equal(store_begin(st), STORE_OK);
	int64_t gone = add_request(st, "ICE", "draft", NULL, "t");
	struct event e = {0};
	e.request_id = gone;
	e.actor = (char *)"a";
	e.kind = (char *)"filed";
	assert_int_equal(store_event_append(st, &e), STORE_OK);
	free(e.at);
	store_rollback(st);
	assert_int_equal(store_request_get(st, gone, &q), STORE_NOT_FOUND);
	assert_int_equal(store_count_requests(st, &n), STORE_OK);
	assert_int_equal(n, 1);
	struct evlog l = {0};
	assert_int_equal(store_event_list(st, gone, collect_event, &l),
			 STORE_OK);
	assert_int_equal(l.n, 0);
	store_close(st);
}

/* Two connections to one file: the second sees only committed data. */
static void test_commit_visible_to_other_connection(void **state)
{
	(void)state;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "two.db");
	struct store *a = open_ok(path);
	struct store *b = open_ok(path);
	assert_int_equal(store_begin(a), STORE_OK);
	add_agency(a, "ICE", NULL);
	int64_t n = -1;
	assert_int_equal(store_count_agencies(b, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_commit(a), STORE_OK);
	assert_int_equal(store_count_agencies(b, &n), STORE_OK);
	assert_int_equal(n, 1);
	store_close(a);
	store_close(b);
}

/* ---- counts ---- */

struct counts {
	char names[20][24];
	int64_t n[20];
	int len;
	int stop_at;
};

static int collect_count(const char *status, int64_t n, void *arg)
{
	struct counts *c = arg;
	snprintf(c->names[c->len], sizeof(c->names[0]), "%s", status);
	c->n[c->len] = n;
	c->len++;
	return c->len == c->stop_at ? 5 : 0;
}

static void test_counts(void **state)
{
	(void)state;
	struct store *st = mem();
	add_agency(st, "ICE", NULL);
	add_agency(st, "CBP", NULL);
	add_request(st, "ICE", "denied", NULL, NULL);
	add_request(st, "ICE", "draft", NULL, NULL);
	add_request(st, "CBP", "denied", NULL, NULL);
	int64_t n = -1;
	assert_int_equal(store_count_requests(st, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_count_agencies(st, &n), STORE_OK);
	assert_int_equal(n, 2);

	/* Every status in FOIA_STATUS_NAMES order, zeros included. */
	struct counts c = {0};
	assert_int_equal(store_count_by_status(st, collect_count, &c),
			 STORE_OK);
	assert_int_equal(c.len, 15);
	assert_string_equal(c.names[0], "draft");
	assert_int_equal(c.n[0], 1);
	assert_string_equal(c.names[1], "submitted");
	assert_int_equal(c.n[1], 0);
	assert_string_equal(c.names[8], "denied");
	assert_int_equal(c.n[8], 2);
	assert_string_equal(c.names[14], "closed");
	int64_t sum = 0;
	for (int i = 0; i < c.len; i++)
		sum += c.n[i];
	assert_int_equal(sum, 3);

	memset(&c, 0, sizeof(c));
	c.stop_at = 3;
	assert_int_equal(store_count_by_status(st, collect_count, &c), 5);
	assert_int_equal(c.len, 3);
	store_close(st);
}

/* ---- clearing ---- */

static void test_clear_functions(void **state)
{
	(void)state;
	struct agency a = {0};
	agency_clear(&a);
	a.code = strdup("X");
	a.address = strdup("y");
	agency_clear(&a);
	assert_null(a.code);
	agency_clear(&a);
	agency_clear(NULL);

	struct request r = {0};
	request_clear(&r);
	r.subject = strdup("s");
	r.tags = calloc(2, sizeof(char *));
	r.tags[0] = strdup("a");
	r.tags[1] = strdup("b");
	r.ntags = 2;
	r.fees_paid = 5;
	request_clear(&r);
	assert_null(r.tags);
	assert_int_equal(r.ntags, 0);
	assert_int_equal(r.fees_paid, 0);
	request_clear(&r);
	request_clear(NULL);

	struct event e = {0};
	event_clear(&e);
	e.note = strdup("n");
	e.at = strdup("t");
	event_clear(&e);
	assert_null(e.note);
	event_clear(&e);
	event_clear(NULL);
}

/* ---- volume ---- */

struct walk {
	int64_t n, tagged, last;
	bool ordered;
};

static int count_walk(const struct request *r, void *arg)
{
	struct walk *w = arg;
	if (r->id <= w->last)
		w->ordered = false;
	w->last = r->id;
	w->n++;
	w->tagged += r->ntags == 2;
	return 0;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_list_100k(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct store *st = mem();
	add_agency(st, "ICE", NULL);
	char *tags[] = {"bulk", "odd"};
	struct request r = {0};
	r.agency = (char *)"ICE";
	r.subject = (char *)"bulk request with a subject of some length";
	r.description = (char *)"description text";
	r.status = (char *)"submitted";
	r.created_by = (char *)"alice";
	r.project = (char *)"bulk";
	r.fees_estimated = r.fees_paid = -1;
	assert_int_equal(store_begin(st), STORE_OK);
	for (int i = 0; i < N; i++) {
		r.tags = i % 2 ? tags : NULL;
		r.ntags = i % 2 ? 2 : 0;
		assert_int_equal(store_request_insert(st, &r), STORE_OK);
	}
	assert_int_equal(store_commit(st), STORE_OK);
	free(r.created);
	free(r.updated);
	free(r.jurisdiction);

	struct walk w = {0, 0, 0, true};
	double t0 = seconds();
	assert_int_equal(store_request_list(st, NULL, count_walk, &w),
			 STORE_OK);
	double t = seconds() - t0;
	print_message("# listing %d requests took %.3f s\n", N, t);
	assert_int_equal(w.n, N);
	assert_int_equal(w.tagged, N / 2);
	assert_true(w.ordered);

	struct request_filter f = {0};
	f.tag = "odd";
	memset(&w, 0, sizeof(w));
	w.ordered = true;
	assert_int_equal(store_request_list(st, &f, count_walk, &w), STORE_OK);
	assert_int_equal(w.n, N / 2);
	/* Generous bound, so sanitizer builds pass; a plain build lists in
	 * a fraction of a second. */
	assert_true(t < 5.0);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_file_migrates),
		cmocka_unit_test(test_memory_opens),
		cmocka_unit_test(test_reopen_keeps_data),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_not_sqlite_refused),
		cmocka_unit_test(test_foreign_db_refused),
		cmocka_unit_test(test_open_bad_path),
		cmocka_unit_test(test_agency_insert_get),
		cmocka_unit_test(test_agency_conflicts),
		cmocka_unit_test(test_agency_save),
		cmocka_unit_test(test_agency_list_and_count),
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_request_refused),
		cmocka_unit_test(test_request_save),
		cmocka_unit_test(test_request_list_filters),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_append_only_triggers),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_commit_visible_to_other_connection),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_clear_functions),
		cmocka_unit_test(test_list_100k),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
