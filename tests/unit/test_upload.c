/*
 * test_upload.c: files bigger than a line (upload, then import naming the
 * upload) and request.list's pages, through rpc_handle_line as the server
 * drives them. An upload's parts are appended in order and the import
 * sees the whole file; an upload is taken by the import that names it,
 * belongs to its connection (dropping the connection frees it), and bad
 * uses are refused with nothing changed. A page of request.list is the
 * same slice of the same order as the whole list, with the total.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "daemon.h"
#include "foia/protocol.h"
#include "peer.h"
#include "rpc.h"
#include "seed.h"
#include "store.h"
#include "upload.h"

#define TESTUTIL_RPC
#include "testutil.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define AGENCIES FOIAD_SRCDIR "/config/agencies.conf"

static int setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	if (rpc_open() < 0)
		return -1;
	return seed_agencies(dmn.store, AGENCIES, &errs) < 1 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	upload_drop_conn(NULL, 0); /* the harness's one "connection" */
	rpc_close();
	return 0;
}

static json_int_t request_count(void)
{
	json_t *r = ok("request.list", P("{s:b}", "all", 1));
	return (json_int_t)json_array_size(get(r, "requests"));
}

/* A CSV of n rows whose descriptions hold multi-byte characters. */
static char *csv_rows(int n, size_t *len)
{
	size_t cap = (size_t)n * 128 + 64, o = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	o += (size_t)snprintf(buf, cap, "title,status,agency,description\n");
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, cap - o,
				      "Row %d,draft,ICE,\"caf\xc3\xa9 "
				      "\xe6\x9d\xb1 %d, \"\"q\"\"\"\n",
				      i, i);
	*len = o;
	return buf;
}

static void test_parts_then_import(void **state)
{
	(void)state;
	size_t len;
	char *csv = csv_rows(40, &len);
	/* Three parts, the cuts inside the first row's text. */
	size_t cut1 = 50, cut2 = len / 2;
	json_t *r = ok("upload", P("{s:s%}", "data", csv, cut1));
	const char *token = json_string_value(get(r, "upload"));
	expect_int(r, "size", (json_int_t)cut1);
	r = ok("upload", P("{s:s, s:s%}", "upload", token, "data", csv + cut1,
			   cut2 - cut1));
	expect_int(r, "size", (json_int_t)cut2);
	r = ok("upload", P("{s:s, s:s%}", "upload", token, "data", csv + cut2,
			   len - cut2));
	expect_int(r, "size", (json_int_t)len);
	assert_int_equal(upload_held(), len);

	r = ok("import", P("{s:s, s:s, s:s}", "format", "csv", "upload", token,
			   "source", "rows.csv"));
	expect_int(r, "imported", 40);
	assert_int_equal(upload_held(), 0);
	r = ok("request.show", P("{s:i}", "id", 40));
	expect_str(get(r, "request"), "description",
		   "caf\xc3\xa9 \xe6\x9d\xb1 39, \"q\"");
	/* Taken: a second import cannot name it. */
	fails("import", P("{s:s, s:s}", "format", "csv", "upload", token),
	      FOIA_E_NOT_FOUND, NULL);
	free(csv);
}

static void test_refused(void **state)
{
	(void)state;
	fails("upload", P("{}"), FOIA_E_INVALID, "missing 'data'");
	fails("upload", P("{s:s, s:s}", "upload", "u999999", "data", "x"),
	      FOIA_E_NOT_FOUND, NULL);
	json_t *r = ok("upload", P("{s:s}", "data", "title,status,agency\n"));
	const char *token = json_string_value(get(r, "upload"));
	fails("import",
	      P("{s:s, s:s, s:s}", "format", "csv", "upload", token, "text",
		"x"),
	      FOIA_E_INVALID, "give 'text' or 'upload', not both");
	fails("import", P("{s:s, s:s}", "format", "csv", "upload", "nope"),
	      FOIA_E_NOT_FOUND, NULL);
	/* At most four open on one connection. */
	for (int i = 0; i < 3; i++)
		ok("upload", P("{s:s}", "data", "x"));
	fails("upload", P("{s:s}", "data", "x"), FOIA_E_CONFLICT, NULL);
	assert_true(upload_held() > 0);
	/* The connection goes: so do its uploads. */
	upload_drop_conn(NULL, 0);
	assert_int_equal(upload_held(), 0);
	fails("import", P("{s:s, s:s}", "format", "csv", "upload", token),
	      FOIA_E_NOT_FOUND, NULL);
	assert_int_equal(request_count(), 0);
}

static json_t *ids_of(json_t *list)
{
	json_t *ids = json_array(), *o;
	size_t i;
	json_array_foreach(list, i, o)
		json_array_append_new(ids, json_integer(int_of(o, "id")));
	json_array_append_new(keep, ids);
	return ids;
}

static void test_list_pages(void **state)
{
	(void)state;
	for (int i = 0; i < 12; i++)
		ok("request.file",
		   P("{s:[s], s:s, s:s}", "agencies", i % 2 ? "ICE" : "FBI",
		     "subject", "paged", "sent",
		     i % 3 ? "2025-01-02" : "2024-06-01"));
	json_t *all = ok("request.list", NULL);
	json_t *ids = ids_of(get(all, "requests"));
	expect_int(all, "total", 12);
	expect_null(all, "limit");
	assert_int_equal(json_array_size(ids), 12);
	for (json_int_t off = 0; off < 14; off += 5) {
		json_t *page = ok("request.list",
				  P("{s:i, s:I}", "limit", 5, "offset", off));
		json_t *got = ids_of(get(page, "requests"));
		expect_int(page, "total", 12);
		expect_int(page, "offset", off);
		expect_int(page, "limit", 5);
		size_t want = off >= 12		     ? 0
			      : 12 - (size_t)off < 5 ? 12 - (size_t)off
						     : 5;
		assert_int_equal(json_array_size(got), want);
		for (size_t k = 0; k < want; k++)
			assert_int_equal(
				json_integer_value(json_array_get(got, k)),
				json_integer_value(
					json_array_get(ids, (size_t)off + k)));
		/* The page's objects are the whole list's, next included. */
		for (size_t k = 0; k < want; k++)
			assert_true(json_equal(
				json_array_get(get(page, "requests"), k),
				json_array_get(get(all, "requests"),
					       (size_t)off + k)));
	}
	json_t *one = ok("request.list",
			 P("{s:s, s:i}", "agency", "ICE", "limit", 2));
	expect_int(one, "total", 6);
	assert_int_equal(json_array_size(get(one, "requests")), 2);
	fails("request.list", P("{s:i}", "limit", 0), FOIA_E_INVALID, NULL);
	fails("request.list", P("{s:i}", "offset", -1), FOIA_E_INVALID, NULL);
	fails("request.list", P("{s:s}", "limit", "5"), FOIA_E_INVALID, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parts_then_import, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_pages, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
