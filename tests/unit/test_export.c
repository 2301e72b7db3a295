/*
 * test_export.c: unit tests of export and import (daemon/method_export.c,
 * daemon/method_import_requests.c, daemon/store_backup.c) and of the CSV
 * reader and writer under them (daemon/csv_text.c).
 *
 * The CSV tests feed text with quoted commas, doubled quotes, newlines
 * inside fields and broken quoting, and check the fields and the line each
 * row starts on. The protocol tests go through rpc_handle_line on
 * ":memory:" stores as "alice": a JSON export restored into a second empty
 * store exports to the same bytes; a restore into a store with rows, and
 * backups with a bad value or an unknown column, are refused and change
 * nothing; MuckRock CSV is all or nothing unless skip_bad.
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

#include "csv_text.h"
#include "foia/protocol.h"

#define TESTUTIL_RPC
#include "testutil.h"

/* --- CSV ---------------------------------------------------------------- */

struct rows {
	char text[16][32][64];
	size_t nfields[16];
	long line[16];
	size_t n;
};

static int keep_row(char **fields, size_t n, long line, void *arg)
{
	struct rows *r = arg;
	assert_true(r->n < 16 && n <= 32);
	for (size_t i = 0; i < n; i++)
		snprintf(r->text[r->n][i], 64, "%s", fields[i]);
	r->nfields[r->n] = n;
	r->line[r->n++] = line;
	return 0;
}

static void csv_reads_quoted_fields_and_lines(void **state)
{
	(void)state;
	static const char text[] = "title,agency\r\n"
				   "\"Emails, memos\",ICE\r\n"
				   "\"two\nlines and \"\"quotes\"\"\",FBI\n"
				   "plain,DHS";
	struct rows r = {0};
	char err[256] = "";
	assert_int_equal(
		csv_read(text, strlen(text), keep_row, &r, err, sizeof(err)),
		0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.text[1][0], "Emails, memos");
	assert_string_equal(r.text[2][0], "two\nlines and \"quotes\"");
	assert_string_equal(r.text[2][1], "FBI");
	assert_string_equal(r.text[3][1], "DHS");
	assert_int_equal(r.line[0], 1);
	assert_int_equal(r.line[1], 2);
	assert_int_equal(r.line[2], 3); /* starts on 3, ends on 4 */
	assert_int_equal(r.line[3], 5);
}

static void csv_refuses_broken_quoting(void **state)
{
	(void)state;
	static const char open_quote[] = "a,b\n\"never closed,x\n";
	static const char stray[] = "a,b\nx\"y,z\n";
	struct rows r = {0};
	char err[256] = "";
	assert_int_equal(csv_read(open_quote, strlen(open_quote), keep_row, &r,
				  err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "malformed CSV"));
	memset(&r, 0, sizeof(r));
	err[0] = '\0';
	assert_int_equal(
		csv_read(stray, strlen(stray), keep_row, &r, err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "line 2: malformed CSV"));
}

static void csv_writes_what_it_reads(void **state)
{
	(void)state;
	struct csv_out o = {0};
	const char *v[] = {"plain",	 "a, b",     "say \"hi\"",
			   "two\nlines", " padded ", ""};
	for (size_t i = 0; i < 6; i++)
		csv_field(&o, v[i]);
	csv_end_row(&o);
	assert_false(o.oom);
	assert_string_equal(o.buf, "plain,\"a, b\",\"say \"\"hi\"\"\","
				   "\"two\nlines\",\" padded \",\r\n");
	struct rows r = {0};
	char err[256];
	assert_int_equal(csv_read(o.buf, o.len, keep_row, &r, err, sizeof(err)),
			 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.nfields[0], 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(r.text[0][i], v[i]);
	free(o.buf);
}

/* --- export and import ---------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	return rpc_open();
}

static int teardown(void **state)
{
	(void)state;
	rpc_close();
	return 0;
}

static void fill(void)
{
	ok(FOIA_M_AGENCY_ADD, P("{s:s, s:s}", "code", "ICE", "name",
				"Immigration and Customs Enforcement"));
	ok(FOIA_M_AGENCY_ADD,
	   P("{s:s, s:s, s:s}", "code", "FBI", "name", "FBI", "parent", "ICE"));
	ok(FOIA_M_REQUEST_FILE,
	   P("{s:[s,s], s:s, s:s, s:[s,s], s:s}", "agencies", "ICE", "FBI",
	     "subject", "Flights, \"manifests\"", "sent", "2025-03-20", "tags",
	     "flights", "ice", "fees_estimated", "12.50"));
	ok(FOIA_M_REQUEST_NOTE,
	   P("{s:i, s:s}", "id", 1, "text", "line one\nline two"));
	ok(FOIA_M_REQUEST_UPDATE,
	   P("{s:i, s:s, s:s, s:s}", "id", 2, "status", "acknowledged", "date",
	     "2025-03-24", "tracking", "T-1"));
}

static const char *export_text(const char *format)
{
	json_t *r = ok(FOIA_M_EXPORT, P("{s:s}", "format", format));
	const char *t = json_string_value(json_object_get(r, "text"));
	assert_non_null(t);
	return t;
}

/* Swap in a new empty store; the old one is returned for closing. */
static struct store *fresh_store(void)
{
	char err[256];
	struct store *old = dmn.store;
	dmn.store = store_open(":memory:", err, sizeof(err));
	assert_non_null(dmn.store);
	return old;
}

static void json_export_import_export_same_bytes(void **state)
{
	(void)state;
	fill();
	char *first = strdup(export_text("json"));
	assert_non_null(first);
	json_t *doc = json_loads(first, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "format")),
			    "foiad-export");
	assert_int_equal(json_array_size(json_object_get(doc, "request")), 2);
	assert_int_equal(json_array_size(json_object_get(doc, "request_tag")),
			 4);
	json_decref(doc);

	/* Not into a store with rows. */
	fails(FOIA_M_IMPORT, P("{s:s}", "text", first), FOIA_E_CONFLICT, NULL);

	struct store *old = fresh_store();
	json_t *r = ok(FOIA_M_IMPORT, P("{s:s}", "text", first));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(r, "restored"), "request")),
			 2);
	assert_string_equal(export_text("json"), first);
	store_close(old);
	free(first);
}

/* A backup with one bad value: refused, naming it, and nothing stored. */
static void bad_backup_refused_whole(void **state)
{
	(void)state;
	fill();
	json_t *doc = json_loads(export_text("json"), 0, NULL);
	assert_non_null(doc);
	json_t *req = json_array_get(json_object_get(doc, "request"), 1);
	json_object_set_new(req, "date_sent", json_string("2025-02-30"));
	char *bad_date = json_dumps(doc, 0);
	json_object_set_new(req, "date_sent", json_string("2025-03-20"));
	json_object_set_new(req, "colour", json_string("red"));
	char *bad_col = json_dumps(doc, 0);
	json_decref(doc);

	struct store *old = fresh_store();
	const char *m = fails(FOIA_M_IMPORT, P("{s:s}", "text", bad_date),
			      FOIA_E_INVALID, NULL);
	assert_non_null(strstr(m, "request[1] (id 2): invalid date "
				  "'2025-02-30'"));
	fails(FOIA_M_IMPORT, P("{s:s}", "text", bad_col), FOIA_E_INVALID,
	      "request[1] (id 2): unknown column 'colour'");
	fails(FOIA_M_IMPORT, P("{s:s}", "text", "{\"format\":\"other\"}"),
	      FOIA_E_INVALID, NULL);
	json_t *st = ok(FOIA_M_STATUS, NULL);
	assert_int_equal(json_integer_value(json_object_get(st, "agencies")),
			 0);
	store_close(old);
	free(bad_date);
	free(bad_col);
}

static void csv_export_has_one_row_per_request(void **state)
{
	(void)state;
	fill();
	struct rows r = {0};
	char err[256];
	const char *t = export_text("csv");
	assert_int_equal(csv_read(t, strlen(t), keep_row, &r, err, sizeof(err)),
			 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.text[0][1], "title");
	assert_string_equal(r.text[1][1], "Flights, \"manifests\"");
	assert_string_equal(r.text[1][2], "submitted");
	assert_string_equal(r.text[2][3], "FBI");
}

static const char muckrock[] =
	"title,status,agency,date_submitted,price,description,tags\n"
	"\"Emails, memos\",ack,ICE,2025-01-06T10:00:00,0.00,\"two\n"
	"lines\",\"['a', 'b']\"\n"
	"Contracts,gone,ICE,2025-01-07,,,\n"
	"Budgets,lawsuit,Immigration and Customs Enforcement,2025-01-09,,"
	",\n"
	"Nothing,done,NOPE,2025-01-09,,,\n";

static void muckrock_all_or_nothing(void **state)
{
	(void)state;
	ok(FOIA_M_AGENCY_ADD, P("{s:s, s:s}", "code", "ICE", "name",
				"Immigration and Customs Enforcement"));
	const char *m =
		fails(FOIA_M_IMPORT,
		      P("{s:s, s:s}", "format", "muckrock", "text", muckrock),
		      FOIA_E_INVALID, NULL);
	assert_non_null(strstr(m, "line 4: unknown status 'gone'; line 6: "
				  "unknown agency 'NOPE'"));
	json_t *list = ok(FOIA_M_REQUEST_LIST, P("{s:b}", "all", 1));
	assert_int_equal(json_array_size(json_object_get(list, "requests")), 0);

	json_t *r = ok(FOIA_M_IMPORT,
		       P("{s:s, s:s, s:b, s:s}", "format", "muckrock", "text",
			 muckrock, "skip_bad", 1, "source", "mr.csv"));
	assert_int_equal(json_integer_value(json_object_get(r, "imported")), 2);
	assert_int_equal(json_array_size(json_object_get(r, "skipped")), 2);
	json_t *show = ok(FOIA_M_REQUEST_SHOW, P("{s:i}", "id", 1));
	json_t *req = json_object_get(show, "request");
	assert_string_equal(json_string_value(json_object_get(req, "status")),
			    "acknowledged");
	assert_string_equal(
		json_string_value(json_object_get(req, "description")),
		"two\nlines");
	assert_string_equal(json_string_value(json_object_get(req, "sent")),
			    "2025-01-06");
	assert_int_equal(json_array_size(json_object_get(req, "tags")), 2);
	json_t *ev = json_array_get(json_object_get(show, "events"), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "actor")),
			    "alice");
	assert_string_equal(json_string_value(json_object_get(ev, "note")),
			    "imported from mr.csv, line 2");
	show = ok(FOIA_M_REQUEST_SHOW, P("{s:i}", "id", 2));
	req = json_object_get(show, "request");
	assert_string_equal(json_string_value(json_object_get(req, "status")),
			    "litigation");
	assert_string_equal(json_string_value(json_object_get(req, "agency")),
			    "ICE");
}

static void own_csv_round_trip(void **state)
{
	(void)state;
	fill();
	char *csv = strdup(export_text("csv"));
	assert_non_null(csv);
	json_t *r = ok(FOIA_M_IMPORT,
		       P("{s:s, s:s}", "format", "csv", "text", csv));
	assert_int_equal(json_integer_value(json_object_get(r, "imported")), 2);
	json_t *show = ok(FOIA_M_REQUEST_SHOW, P("{s:i}", "id", 3));
	json_t *req = json_object_get(show, "request");
	assert_string_equal(json_string_value(json_object_get(req, "subject")),
			    "Flights, \"manifests\"");
	assert_string_equal(
		json_string_value(json_object_get(req, "fees_estimated")),
		"12.50");
	assert_int_equal(json_array_size(json_object_get(req, "tags")), 2);
	free(csv);
	fails(FOIA_M_IMPORT,
	      P("{s:s, s:s}", "format", "csv", "text", "title,agency,x\n"),
	      FOIA_E_INVALID, "line 1: unknown column 'x'; nothing imported");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_reads_quoted_fields_and_lines),
		cmocka_unit_test(csv_refuses_broken_quoting),
		cmocka_unit_test(csv_writes_what_it_reads),
		cmocka_unit_test_setup_teardown(
			json_export_import_export_same_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_backup_refused_whole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			csv_export_has_one_row_per_request, setup, teardown),
		cmocka_unit_test_setup_teardown(muckrock_all_or_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(own_csv_round_trip, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
