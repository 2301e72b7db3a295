/*
 * test_list_memo.c: request.list's paged answers come from the sorted
 * entries it keeps between calls (method_request.c); they must always be
 * what a fresh pass gives. The unpaged listing never uses the memo, so
 * every page (asked twice: fresh or memoed, then surely memoed) is
 * compared with the matching slice of it, across filings, status changes,
 * tolls, notes, tag changes, a write straight to the store (no change
 * announced), a new day (by moving the time zone), a reload of the laws
 * and a new daemon.
 *
 * Runs on ":memory:" stores seeded from config/agencies.conf with the
 * laws of config/jurisdictions.conf, from the repository root
 * (FOIAD_SRCDIR overrides).
 */
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
#include <jansson.h>

#include "config.h"
#include "daemon.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "jurisdiction.h"
#include "list_memo.h"
#include "method_util.h"
#include "peer.h"
#include "rpc.h"
#include "seed.h"
#include "store.h"

#define TESTUTIL_RPC
#include "testutil.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define LAWS	 FOIAD_SRCDIR "/config/jurisdictions.conf"
#define AGENCIES FOIAD_SRCDIR "/config/agencies.conf"

static struct jurisdictions laws;

static int group_setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	char err[256] = "";
	if (config_load_jurisdictions(LAWS, &laws, &errs) != 0 ||
	    jurisdictions_build(&laws, err, sizeof(err)) != 0) {
		fprintf(stderr, "laws: %s\n", errs.count ? errs.text[0] : err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	jurisdictions_free(&laws);
	unsetenv("TZ");
	tzset();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	if (rpc_open() < 0)
		return -1;
	dmn.laws = laws;
	if (seed_agencies(dmn.store, AGENCIES, &errs) < 1)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rpc_close();
	return 0;
}

static const char *day(int32_t d)
{
	static char buf[8][16];
	static int i;
	i = (i + 1) % 8;
	civil_format(d, buf[i], sizeof(buf[i]));
	return buf[i];
}

/* File one federal request received on day received (sent the day
 * before). */
static json_int_t file_on(const char *agency, int32_t received)
{
	json_t *p = P("{s:[s], s:s, s:s, s:s, s:s, s:[s]}", "agencies", agency,
		      "subject", "memo", "sent", day(received - 1), "received",
		      day(received), "project", received % 2 ? "odd" : "even",
		      "tags", received % 3 ? "x" : "y");
	json_t *ids = get(ok("request.file", p), "ids");
	return json_integer_value(json_array_get(ids, 0));
}

/* filter (may be NULL) with limit and offset added; a new reference. */
static json_t *with_page(json_t *filter, json_int_t limit, json_int_t offset)
{
	json_t *p = filter ? json_deep_copy(filter) : json_object();
	assert_non_null(p);
	json_object_set_new(p, "limit", json_integer(limit));
	json_object_set_new(p, "offset", json_integer(offset));
	return p;
}

static void expect_same(json_t *want, json_t *got, const char *what)
{
	if (json_equal(want, got))
		return;
	char *a = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
	char *b = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
	fprintf(stderr, "# want: %s\n# got:  %s\n", a, b);
	free(a);
	free(b);
	fail_msg("%s: the page differs from a fresh listing", what);
}

/* Every page of filter (NULL: the default listing), in a few page sizes,
 * against the unpaged listing. Returns the unpaged requests (kept). */
static json_t *check_pages(json_t *filter, const char *what)
{
	json_t *all = get(ok("request.list",
			     filter ? json_deep_copy(filter) : json_object()),
			  "requests");
	size_t n = json_array_size(all);
	static const json_int_t sizes[] = {1, 3, 50};
	for (size_t s = 0; s < 3; s++) {
		json_int_t lim = sizes[s];
		for (json_int_t off = 0; off <= (json_int_t)n + 1;
		     off += lim > 1 ? lim - 1 : 1) {
			json_t *want = json_array();
			for (size_t i = (size_t)off;
			     i < n && i < (size_t)(off + lim); i++)
				json_array_append(want, json_array_get(all, i));
			json_array_append_new(keep, want);
			for (int again = 0; again < 2; again++) {
				json_t *r = ok("request.list",
					       with_page(filter, lim, off));
				expect_int(r, "total", (json_int_t)n);
				expect_same(want, get(r, "requests"), what);
			}
		}
	}
	return all;
}

/* The listings the tests compare: default, all, by status, project,
 * tag, agency. */
static void check_all(const char *what)
{
	json_t *filters[] = {
		NULL,
		P("{s:b}", "all", 1),
		P("{s:[ss]}", "status", "submitted", "acknowledged"),
		P("{s:s}", "status", "closed"),
		P("{s:s}", "project", "odd"),
		P("{s:s}", "tag", "y"),
		P("{s:s}", "agency", "DOJ"),
	};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		check_pages(filters[i], what);
		json_decref(filters[i]);
	}
}

static void set_tz(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

/* Deadlines spread around today: received 10 to 40 days ago. */
static void file_some(json_int_t *ids, size_t n)
{
	int32_t today = today_days();
	for (size_t i = 0; i < n; i++)
		ids[i] = file_on(i % 4 ? "FBI" : "DOJ",
				 today - 40 + (int32_t)(i * 30 / n));
}

static void test_pages_across_writes(void **state)
{
	(void)state;
	json_int_t ids[24];
	check_all("empty");
	file_some(ids, 24);
	check_all("filed");
	ok("request.list", P("{s:i}", "limit", 5)); /* memo the first page */
	ok("request.update", P("{s:I, s:s, s:s}", "id", ids[3], "status",
			       "closed", "date", day(today_days())));
	check_all("closed one");
	ok("request.update", P("{s:I, s:s, s:s}", "id", ids[7], "status",
			       "acknowledged", "date", day(today_days())));
	check_all("acknowledged one");
	ok("request.toll",
	   P("{s:I, s:s, s:s}", "id", ids[10], "from", day(today_days() - 20),
	     "reason", "clarification"));
	check_all("tolled one");
	ok("request.note", P("{s:I, s:s}", "id", ids[1], "text", "hello"));
	check_all("noted");
	ok("request.update", P("{s:I, s:[s]}", "id", ids[2], "add_tags", "y"));
	check_all("tagged");
	ok("request.update",
	   P("{s:I, s:[s]}", "id", ids[2], "remove_tags", "y"));
	check_all("untagged");
	file_some(ids, 6);
	check_all("filed more");
}

/* A write the change listeners never hear of (straight to the store)
 * still moves the listing. */
static void test_write_behind_the_daemon(void **state)
{
	(void)state;
	json_int_t ids[12];
	file_some(ids, 12);
	json_t *before = json_deep_copy(
		get(ok("request.list", P("{s:i}", "limit", 50)), "requests"));
	json_array_append_new(keep, before);
	struct event e = {.request_id = ids[0],
			  .actor = "test",
			  .kind = "status",
			  .field = "status",
			  .new_value = "withdrawn"};
	char d[16];
	civil_format(today_days(), d, sizeof(d));
	e.date = d;
	struct request r = {0};
	assert_int_equal(store_request_get(dmn.store, ids[0], &r), STORE_OK);
	free(r.status);
	r.status = strdup("withdrawn");
	assert_int_equal(store_request_save(dmn.store, &r), STORE_OK);
	request_clear(&r);
	assert_int_equal(store_event_append(dmn.store, &e), STORE_OK);
	free(e.at);
	json_t *after =
		get(ok("request.list", P("{s:i}", "limit", 50)), "requests");
	if (json_equal(before, after))
		fail_msg("the withdrawn request is still listed");
	check_all("written behind");
}

/* A new day moves states: the same pages, asked on the next day, are
 * those of a fresh pass on that day. The time zone moves the day (UTC-12
 * and UTC+14 are always on different dates). */
static void test_pages_across_days(void **state)
{
	(void)state;
	json_int_t ids[40];
	set_tz("Etc/GMT+12");
	file_some(ids, 40);
	/* One deadline due on day one: due then, overdue on day two. */
	ok("request.agree", P("{s:I, s:s, s:s}", "id", ids[39], "date",
			      day(today_days()), "reason", "phone call"));
	check_all("day one");
	json_t *first = json_deep_copy(
		get(ok("request.list", P("{s:i}", "limit", 50)), "requests"));
	json_array_append_new(keep, first);
	set_tz("Etc/GMT-14");
	check_pages(NULL, "day two"); /* the memo is of this listing */
	check_all("day two");
	json_t *second =
		get(ok("request.list", P("{s:i}", "limit", 50)), "requests");
	/* The test means something only if the day moved a state. */
	if (json_equal(first, second))
		fail_msg("no state moved with the day: nothing tested");
	set_tz("Etc/GMT+12");
	check_pages(NULL, "day one again");
	check_all("day one again");
	unsetenv("TZ");
	tzset();
}

/* A reload of the laws (announced to the change listeners, as main.c's
 * reload does) moves every deadline: here they all go. */
static void test_pages_across_reload(void **state)
{
	(void)state;
	json_int_t ids[10];
	file_some(ids, 10);
	check_pages(NULL, "with laws");
	json_t *page =
		get(ok("request.list", P("{s:i}", "limit", 3)), "requests");
	assert_false(json_is_null(get(json_array_get(page, 0), "next")));
	memset(&dmn.laws, 0, sizeof(dmn.laws));
	dmn.laws_gen++; /* as main.c's reload does */
	timers_changed(&dmn.timers, &dmn);
	check_pages(NULL, "without laws");
	page = get(ok("request.list", P("{s:i}", "limit", 3)), "requests");
	assert_true(json_is_null(get(json_array_get(page, 0), "next")));
	dmn.laws = laws;
	dmn.laws_gen++;
	timers_changed(&dmn.timers, &dmn);
	check_pages(NULL, "laws back");
}

/* Two daemons in turn (the same ids in different stores): the second
 * never sees the first's pages. */
static void test_new_daemon_a(void **state)
{
	(void)state;
	json_int_t ids[8];
	file_some(ids, 8);
	check_all("daemon a");
}

static void test_new_daemon_b(void **state)
{
	(void)state;
	int32_t today = today_days();
	for (size_t i = 0; i < 5; i++)
		file_on("DOJ", today - 35 + 6 * (int32_t)i);
	check_all("daemon b");
}

/* The first page of filter, asked after a write, must come from the memo
 * as how says ("hits": as it was, "updates": brought up to date,
 * "misses": made again) and equal the first page of the unpaged
 * listing. */
static void expect_page(json_t *filter, const char *how, const char *what)
{
	json_t *all = get(ok("request.list",
			     filter ? json_deep_copy(filter) : json_object()),
			  "requests");
	json_t *want = json_array();
	for (size_t i = 0; i < json_array_size(all) && i < 7; i++)
		json_array_append(want, json_array_get(all, i));
	json_array_append_new(keep, want);
	struct list_memo_stats s0 = list_memo_stats();
	json_t *r = ok("request.list", with_page(filter, 7, 0));
	struct list_memo_stats s1 = list_memo_stats();
	expect_int(r, "total", (json_int_t)json_array_size(all));
	expect_same(want, get(r, "requests"), what);
	unsigned long got[3] = {s1.hits - s0.hits, s1.updates - s0.updates,
				s1.misses - s0.misses};
	static const char *const names[3] = {"hits", "updates", "misses"};
	for (int i = 0; i < 3; i++)
		if (got[i] != (strcmp(how, names[i]) == 0 ? 1u : 0u))
			fail_msg("%s: %lu hits, %lu updates, %lu misses; "
				 "expected one of %s",
				 what, got[0], got[1], got[2], how);
	/* The whole listing, page by page, from the memo as it now is. */
	size_t n = json_array_size(all);
	for (size_t off = 0; off < n; off += 7) {
		json_t *page = json_array();
		for (size_t i = off; i < n && i < off + 7; i++)
			json_array_append(page, json_array_get(all, i));
		json_array_append_new(keep, page);
		r = ok("request.list", with_page(filter, 7, (json_int_t)off));
		expect_same(page, get(r, "requests"), what);
	}
}

/* Writes to a few requests move only those requests' entries: the memo
 * is brought up to date, not made again, and the pages stay exact. */
static void test_updates_request_by_request(void **state)
{
	(void)state;
	json_int_t ids[30];
	int32_t today = today_days();
	file_some(ids, 30);
	json_t *filters[] = {NULL, P("{s:s}", "tag", "y"),
			     P("{s:[ss]}", "status", "submitted", "closed"),
			     P("{s:s}", "agency", "DOJ")};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		json_t *f = filters[i];
		ok("request.list", with_page(f, 7, 0)); /* made afresh */
		expect_page(f, "hits", "nothing written");
		/* Closed: leaves the default listing, joins "closed". */
		ok("request.update", P("{s:I, s:s, s:s}", "id", ids[i],
				       "status", "closed", "date", day(today)));
		expect_page(f, "updates", "closed");
		ok("request.update",
		   P("{s:I, s:s, s:s}", "id", ids[5 + i], "status",
		     "acknowledged", "date", day(today)));
		expect_page(f, "updates", "acknowledged");
		ok("request.toll",
		   P("{s:I, s:s, s:s}", "id", ids[10 + i], "from",
		     day(today - 20), "reason", "clarification"));
		expect_page(f, "updates", "tolled");
		ok("request.extend", P("{s:I, s:s, s:i}", "id", ids[14 + i],
				       "date", day(today - 1), "days", 10));
		expect_page(f, "updates", "extended");
		ok("request.agree",
		   P("{s:I, s:s, s:s}", "id", ids[18 + i], "date",
		     day(today + 400), "reason", "phone call"));
		expect_page(f, "updates", "agreed");
		ok("request.note",
		   P("{s:I, s:s}", "id", ids[22 + i], "text", "hi"));
		expect_page(f, "updates", "noted");
		/* Tagged y: joins the tag's listing; then leaves it. */
		ok("request.update",
		   P("{s:I, s:[s]}", "id", ids[25], "add_tags", "y"));
		expect_page(f, "updates", "tagged");
		ok("request.update",
		   P("{s:I, s:[s]}", "id", ids[25], "remove_tags", "y"));
		expect_page(f, "updates", "untagged");
		/* Moved to another agency: leaves DOJ's listing. */
		ok("request.update", P("{s:I, s:s}", "id", ids[4], "agency",
				       i % 2 ? "DOJ" : "FBI"));
		expect_page(f, "updates", "moved agency");
		/* Filed: new requests come in. */
		file_on("DOJ", today - 30 + (int32_t)i);
		file_on("FBI", today - 3);
		expect_page(f, "updates", "filed");
		/* Several writes between two pages. */
		ok("request.update",
		   P("{s:I, s:s, s:s}", "id", ids[26 + i], "status",
		     "withdrawn", "date", day(today)));
		ok("request.note", P("{s:I, s:s}", "id", ids[27], "text", "x"));
		file_on("DOJ", today - 12);
		expect_page(f, "updates", "three writes");
		json_decref(f);
	}
}

/* What the memo cannot follow makes it again, and the pages stay exact:
 * an agency written, new laws, many requests at once, another program. */
static void test_passes_when_it_cannot_follow(void **state)
{
	(void)state;
	json_int_t ids[20];
	file_some(ids, 20);
	ok("request.list", with_page(NULL, 7, 0));
	ok("agency.update",
	   P("{s:s, s:s}", "code", "DOJ", "website", "https://doj.example/"));
	expect_page(NULL, "misses", "agency written");
	dmn.laws_gen++;
	expect_page(NULL, "misses", "laws replaced");
	expect_page(NULL, "hits", "nothing since");
	int32_t today = today_days();
	for (int i = 0; i < 70; i++) /* more than the memo follows */
		file_on(i % 2 ? "DOJ" : "FBI", today - 50 + i % 45);
	expect_page(NULL, "misses", "seventy filed");
}

/* A write by another connection to the same file (another program) is
 * seen by the data version: the memo is made again. */
static void test_other_connection(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_list_memo.XXXXXX", path[64], err[512];
	struct config_errors errs = {0};
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/foiad.db", dir);
	store_close(dmn.store);
	dmn.store = store_open(path, err, sizeof(err));
	assert_non_null(dmn.store);
	assert_true(seed_agencies(dmn.store, AGENCIES, &errs) > 0);
	json_int_t ids[10];
	file_some(ids, 10);
	ok("request.list", with_page(NULL, 7, 0));
	struct store *other = store_open(path, err, sizeof(err));
	assert_non_null(other);
	struct request r = {0};
	assert_int_equal(store_request_get(other, ids[0], &r), STORE_OK);
	free(r.status);
	r.status = strdup("withdrawn");
	assert_int_equal(store_request_save(other, &r), STORE_OK);
	request_clear(&r);
	expect_page(NULL, "misses", "written by another program");
	store_close(other);
	store_close(dmn.store);
	dmn.store = store_open(":memory:", err, sizeof(err));
	assert_non_null(dmn.store);
	char f[96];
	static const char *const names[] = {"foiad.db", "foiad.db-wal",
					    "foiad.db-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, names[i]);
		unlink(f);
	}
	rmdir(dir);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pages_across_writes),
		T(test_write_behind_the_daemon),
		T(test_pages_across_days),
		T(test_pages_across_reload),
		T(test_new_daemon_a),
		T(test_new_daemon_b),
		T(test_updates_request_by_request),
		T(test_passes_when_it_cannot_follow),
		T(test_other_connection),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
