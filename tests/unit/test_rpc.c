/*
 * test_rpc.c: unit tests of the protocol envelope and the method handlers
 * (daemon/rpc.c, daemon/method_*.c), driven through rpc_handle_line as the
 * server drives them, on a ":memory:" store and a caller named "alice".
 *
 * Every reply is checked to be one JSON line and is parsed; tests assert on
 * its code, message and result fields. Each refused write is also checked
 * to have changed nothing (the request or agency as shown before and after
 * is the same JSON), since a refusal that half-applies is worse than none.
 * Every reply is kept in one array until the test ends, so values taken
 * from replies stay valid for the whole test.
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

#include "daemon.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "method_util.h"
#include "peer.h"
#include "rpc.h"
#include "store.h"

#define TESTUTIL_RPC
#include "testutil.h"

/* --- plumbing (the rest is in testutil.h) ------------------------------- */

/* A reply that must be an error with code, id (-1: null) and msg. */
static void expect_envelope_error(json_t *reply, json_int_t id,
				  const char *code, const char *msg)
{
	json_t *jid = json_object_get(reply, "id");
	if (id < 0)
		assert_true(json_is_null(jid));
	else
		assert_int_equal(json_integer_value(jid), id);
	assert_null(json_object_get(reply, "result"));
	assert_non_null(err_code(reply));
	if (strcmp(err_code(reply), code) != 0)
		fail_msg("code %s ('%s'), expected %s", err_code(reply),
			 err_message(reply), code);
	if (msg && strcmp(err_message(reply), msg) != 0)
		fail_msg("message '%s', expected '%s'", err_message(reply),
			 msg);
}

static void date_ago(int days, char *buf, size_t len)
{
	civil_format(today_days() - days, buf, len);
}

/* --- fixtures ------------------------------------------------------------ */

static void add_agency(const char *code, const char *name, const char *parent,
		       const char *juris)
{
	json_t *p = P("{s:s, s:s}", "code", code, "name", name);
	if (parent)
		json_object_set_new(p, "parent", json_string(parent));
	if (juris)
		json_object_set_new(p, "jurisdiction", json_string(juris));
	ok("agency.add", p);
}

static int setup(void **state)
{
	(void)state;
	if (rpc_open() < 0)
		return -1;
	add_agency("DHS", "U.S. Department of Homeland Security", NULL, NULL);
	add_agency("ICE", "U.S. Immigration and Customs Enforcement", "DHS",
		   NULL);
	add_agency("CBP", "U.S. Customs and Border Protection", "DHS", NULL);
	add_agency("DOJ", "U.S. Department of Justice", NULL, NULL);
	add_agency("MINSAL", "Ministerio de Salud", NULL, "sv");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rpc_close();
	return 0;
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* File one request; sent may be NULL (a draft). Returns its id. */
static json_int_t file_one(const char *agency, const char *subject,
			   const char *sent)
{
	json_t *p = P("{s:[s], s:s}", "agencies", agency, "subject", subject);
	if (sent)
		json_object_set_new(p, "sent", json_string(sent));
	json_t *r = ok("request.file", p);
	json_t *ids = get(r, "ids");
	assert_int_equal(json_array_size(ids), 1);
	assert_true(json_is_null(get(r, "batch")));
	return json_integer_value(json_array_get(ids, 0));
}

static json_t *show(json_int_t id)
{
	return ok("request.show", P("{s:I}", "id", id));
}

static json_t *request_of(json_int_t id)
{
	return get(show(id), "request");
}

static json_t *events_of(json_int_t id)
{
	json_t *ev = get(show(id), "events");
	assert_true(json_is_array(ev));
	return ev;
}

static json_t *last_event(json_int_t id)
{
	json_t *ev = events_of(id);
	assert_true(json_array_size(ev) > 0);
	return json_array_get(ev, json_array_size(ev) - 1);
}

static json_int_t count_requests(void)
{
	return int_of(ok("status", NULL), "requests");
}

/* An update that must be refused with code and msg (NULL: any message)
 * and leave the request exactly as it was, history included. */
static const char *update_refused(json_int_t id, json_t *params,
				  const char *code, const char *msg)
{
	json_t *before = json_deep_copy(show(id));
	assert_non_null(before);
	json_object_set_new(params, "id", json_integer(id));
	const char *m = fails("request.update", params, code, msg);
	json_t *after = show(id);
	if (!json_equal(before, after)) {
		char *a = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
		char *b = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(stderr, "# before: %s\n# after:  %s\n", a, b);
		free(a);
		free(b);
		json_decref(before);
		fail_msg("refused update ('%s') changed request %lld", m,
			 (long long)id);
	}
	json_decref(before);
	return m;
}

/* Events of id of a given kind, in order. */
static size_t count_kind(json_t *events, const char *kind)
{
	size_t n = 0, i;
	json_t *e;
	json_array_foreach(events, i, e)
	{
		const char *k = json_string_value(json_object_get(e, "kind"));
		n += k && strcmp(k, kind) == 0;
	}
	return n;
}

/* The event of kind about field (the last one), or fail. */
static json_t *find_event(json_t *events, const char *kind, const char *field)
{
	json_t *found = NULL, *e;
	size_t i;
	json_array_foreach(events, i, e)
	{
		const char *k = json_string_value(json_object_get(e, "kind"));
		const char *f = json_string_value(json_object_get(e, "field"));
		if (k && strcmp(k, kind) == 0 &&
		    (!field || (f && strcmp(f, field) == 0)))
			found = e;
	}
	if (!found)
		fail_msg("no %s event for '%s'", kind, field ? field : "-");
	return found;
}

/* --- the envelope -------------------------------------------------------- */

static void test_not_json(void **state)
{
	(void)state;
	json_t *r = send_line("this is not json");
	expect_envelope_error(r, -1, FOIA_E_PARSE, NULL);
	assert_int_equal(strncmp(err_message(r), "not valid JSON: ", 16), 0);

	expect_envelope_error(send_raw("", 0), -1, FOIA_E_PARSE, NULL);
	expect_envelope_error(send_line("{\"v\":1,\"id\":3,\"method\":"), -1,
			      FOIA_E_PARSE, NULL);
	/* Trailing data, and two objects on one line. */
	expect_envelope_error(
		send_line("{\"v\":1,\"id\":3,\"method\":\"status\"} x"), -1,
		FOIA_E_PARSE, NULL);
	expect_envelope_error(send_line("{\"v\":1,\"id\":3,\"method\":"
					"\"status\"}{\"v\":1}"),
			      -1, FOIA_E_PARSE, NULL);
	/* Duplicate keys are refused rather than one silently winning. */
	expect_envelope_error(
		send_line("{\"v\":1,\"id\":3,\"method\":"
			  "\"status\",\"method\":\"agency.list\"}"),
		-1, FOIA_E_PARSE, NULL);
	/* A NUL byte inside the line. */
	static const char nul[] = "{\"v\":1,\"id\":3,\"method\":\"status\"}";
	expect_envelope_error(send_raw(nul, sizeof(nul)), -1, FOIA_E_PARSE,
			      NULL);
}

static void test_not_object(void **state)
{
	(void)state;
	static const char *const arrays[] = {
		"[1,2]", "[]", "[{\"v\":1,\"method\":\"status\"}]"};
	for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
		expect_envelope_error(send_line(arrays[i]), -1, FOIA_E_PARSE,
				      "a request must be a JSON object");
	/* jansson itself refuses a bare scalar, in its own words. */
	static const char *const scalars[] = {"\"status\"", "42", "null",
					      "true"};
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		expect_envelope_error(send_line(scalars[i]), -1, FOIA_E_PARSE,
				      NULL);
}

static void test_version(void **state)
{
	(void)state;
	static const char msg[] = "unsupported protocol version (this foiad "
				  "speaks version 1; upgrade foia or foiad)";
	expect_envelope_error(send_line("{}"), -1, FOIA_E_VERSION, msg);
	expect_envelope_error(send_line("{\"id\":5,\"method\":\"status\"}"), 5,
			      FOIA_E_VERSION, msg);
	expect_envelope_error(
		send_line("{\"v\":2,\"id\":5,\"method\":\"status\"}"), 5,
		FOIA_E_VERSION, msg);
	expect_envelope_error(
		send_line("{\"v\":0,\"id\":5,\"method\":\"status\"}"), 5,
		FOIA_E_VERSION, msg);
	expect_envelope_error(
		send_line("{\"v\":\"1\",\"id\":5,\"method\":\"status\"}"), 5,
		FOIA_E_VERSION, msg);
	expect_envelope_error(
		send_line("{\"v\":1.0,\"id\":5,\"method\":\"status\"}"), 5,
		FOIA_E_VERSION, msg);
	expect_envelope_error(
		send_line("{\"v\":null,\"id\":5,\"method\":\"status\"}"), 5,
		FOIA_E_VERSION, msg);
}

static void test_unknown_method(void **state)
{
	(void)state;
	expect_envelope_error(
		send_line("{\"v\":1,\"id\":6,\"method\":\"nope\"}"), 6,
		FOIA_E_METHOD, "unknown method 'nope'");
	expect_envelope_error(
		send_line("{\"v\":1,\"id\":6,\"method\":\"Status\"}"), 6,
		FOIA_E_METHOD, "unknown method 'Status'");
	expect_envelope_error(
		send_line("{\"v\":1,\"id\":6,\"method\":\"request\"}"), 6,
		FOIA_E_METHOD, "unknown method 'request'");
	expect_envelope_error(send_line("{\"v\":1,\"id\":7}"), 7,
			      FOIA_E_INVALID, "'method' must be a string");
	expect_envelope_error(send_line("{\"v\":1,\"id\":7,\"method\":3}"), 7,
			      FOIA_E_INVALID, "'method' must be a string");
	/* A long name is cut in the message. */
	char line[512], name[201], want[128];
	memset(name, 'm', 200);
	name[200] = '\0';
	snprintf(line, sizeof(line), "{\"v\":1,\"id\":8,\"method\":\"%s\"}",
		 name);
	snprintf(want, sizeof(want), "unknown method '%.64s'", name);
	expect_envelope_error(send_line(line), 8, FOIA_E_METHOD, want);
}

static void test_params_not_object(void **state)
{
	(void)state;
	static const char *const bad[] = {"[]", "\"x\"", "1", "true"};
	char line[128];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line),
			 "{\"v\":1,\"id\":9,\"method\":\"status\","
			 "\"params\":%s}",
			 bad[i]);
		expect_envelope_error(send_line(line), 9, FOIA_E_INVALID,
				      "'params' must be a JSON object");
	}
	/* No params at all is an empty object. */
	json_t *r = send_line("{\"v\":1,\"id\":10,\"method\":\"status\"}");
	assert_int_equal(json_integer_value(get(r, "id")), 10);
	assert_non_null(json_object_get(r, "result"));
}

static void test_id_echo(void **state)
{
	(void)state;
	json_t *r = send_line("{\"v\":1,\"id\":0,\"method\":\"status\"}");
	assert_int_equal(int_of(r, "id"), 0);
	assert_non_null(json_object_get(r, "result"));
	r = send_line("{\"v\":1,\"id\":9007199254740993,\"method\":"
		      "\"agency.list\"}");
	assert_int_equal(int_of(r, "id"), 9007199254740993LL);
	assert_non_null(json_object_get(r, "result"));
	/* Without an id, or with a null one, the reply's id is null. */
	r = send_line("{\"v\":1,\"method\":\"status\"}");
	assert_true(json_is_null(get(r, "id")));
	assert_non_null(json_object_get(r, "result"));
	r = send_line("{\"v\":1,\"id\":null,\"method\":\"status\"}");
	assert_true(json_is_null(get(r, "id")));
	assert_non_null(json_object_get(r, "result"));
	/* Errors echo the id too. */
	r = send_line("{\"v\":1,\"id\":77,\"method\":\"request.show\","
		      "\"params\":{\"id\":999}}");
	expect_envelope_error(r, 77, FOIA_E_NOT_FOUND, "no request 999");
	/* An id that is not a non-negative integer is refused, id null. */
	static const char *const bad[] = {"-1", "\"7\"", "1.5", "[7]", "true"};
	char line[128];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line),
			 "{\"v\":1,\"id\":%s,\"method\":\"status\"}", bad[i]);
		expect_envelope_error(send_line(line), -1, FOIA_E_INVALID,
				      "'id' must be a non-negative integer");
	}
}

/* rpc_handle_line reads len bytes, not up to a NUL. */
static void test_line_length_respected(void **state)
{
	(void)state;
	static const char buf[] = "{\"v\":1,\"id\":4,\"method\":\"status\"}"
				  "GARBAGE AFTER THE LINE";
	size_t len = strlen("{\"v\":1,\"id\":4,\"method\":\"status\"}");
	json_t *r = send_raw(buf, len);
	assert_int_equal(int_of(r, "id"), 4);
	assert_non_null(json_object_get(r, "result"));
	/* One byte short is no longer JSON. */
	expect_envelope_error(send_raw(buf, len - 1), -1, FOIA_E_PARSE, NULL);
}

static void test_error_reply(void **state)
{
	(void)state;
	char *line = rpc_error_reply(12, FOIA_E_TIMEOUT, "client too slow");
	assert_non_null(line);
	size_t n = strlen(line);
	assert_true(n > 1 && line[n - 1] == '\n');
	json_t *r = json_loads(line, 0, NULL);
	free(line);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "v")), 1);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 12);
	assert_string_equal(err_code(r), "timeout");
	assert_string_equal(err_message(r), "client too slow");
	json_decref(r);

	line = rpc_error_reply(-1, FOIA_E_TOO_LONG, "line too long");
	assert_non_null(line);
	r = json_loads(line, 0, NULL);
	free(line);
	assert_non_null(r);
	assert_true(json_is_null(json_object_get(r, "id")));
	assert_string_equal(err_code(r), "too_long");
	json_decref(r);
}

/* --- status -------------------------------------------------------------- */

/* by_status names every status, zero counts included (the CLI decides
 * what to show); a and b (or NULL) have counts na and nb, others 0. */
static void expect_by_status(json_t *by, const char *a, json_int_t na,
			     const char *b, json_int_t nb)
{
	static const char *const names[] = {FOIA_STATUS_NAMES};
	assert_true(json_is_object(by));
	assert_int_equal(json_object_size(by),
			 sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_int_t want = a && strcmp(names[i], a) == 0	  ? na
				  : b && strcmp(names[i], b) == 0 ? nb
								  : 0;
		if (int_of(by, names[i]) != want)
			fail_msg("by_status.%s is %lld, expected %lld",
				 names[i], (long long)int_of(by, names[i]),
				 (long long)want);
	}
}

static void test_status(void **state)
{
	(void)state;
	json_t *s = ok("status", NULL);
	expect_str(s, "version", FOIA_VERSION);
	assert_int_equal(int_of(s, "protocol"), FOIA_PROTOCOL_VERSION);
	expect_str(s, "database", ":memory:");
	expect_str(s, "mode", "user");
	assert_int_equal(int_of(s, "pid"), getpid());
	assert_true(int_of(s, "uptime") >= 0);
	assert_int_equal(int_of(s, "requests"), 0);
	assert_int_equal(int_of(s, "agencies"), 5);
	expect_by_status(get(s, "by_status"), NULL, 0, NULL, 0);

	file_one("ICE", "one", "2025-01-02");
	file_one("CBP", "two", "2025-01-02");
	json_int_t draft = file_one("ICE", "three", NULL);
	s = ok("status", P("{}"));
	assert_int_equal(int_of(s, "requests"), 3);
	expect_by_status(get(s, "by_status"), "submitted", 2, "draft", 1);

	ok("request.update",
	   P("{s:I, s:s}", "id", draft, "status", "withdrawn"));
	s = ok("status", NULL);
	expect_by_status(get(s, "by_status"), "submitted", 2, "withdrawn", 1);
	assert_int_equal(int_of(s, "requests"), 3);

	dmn.system_mode = true;
	expect_str(ok("status", NULL), "mode", "system");

	fails("status", P("{s:b}", "verbose", 1), FOIA_E_INVALID,
	      "unknown parameter 'verbose'");
}

/* --- request.file -------------------------------------------------------- */

static void expect_timestamp(json_t *o, const char *key)
{
	const char *t = json_string_value(get(o, key));
	assert_non_null(t);
	assert_int_equal(strlen(t), 20);
	for (int i = 0; i < 20; i++) {
		char c = t[i];
		bool ok_char = i == 4 || i == 7	    ? c == '-'
			       : i == 10	    ? c == 'T'
			       : i == 13 || i == 16 ? c == ':'
			       : i == 19	    ? c == 'Z'
						    : c >= '0' && c <= '9';
		if (!ok_char)
			fail_msg("'%s' is not a UTC timestamp", t);
	}
}

static void test_file_single(void **state)
{
	(void)state;
	char sent[16];
	date_ago(10, sent, sizeof(sent));
	json_t *r =
		ok("request.file",
		   P("{s:[s], s:s, s:s, s:s, s:s, s:s, s:[sss], s:s, s:s, s:s, "
		     "s:s, s:b, s:b, s:s, s:s, s:s}",
		     "agencies", "ICE", "subject", "A-file of client 1",
		     "description", "line one\nline two", "requester",
		     "Ana P\xC3\xA9rez", "project", "detention", "component",
		     "ERO", "tags", "b", "a", "b", "method", "portal",
		     "tracking", "2025-ICFO-00001", "sent", sent, "received",
		     sent, "expedited", 1, "fee_waiver", 0, "fee_category",
		     "news-media", "fees_estimated", "25.5", "fees_paid", "0"));
	json_t *ids = get(r, "ids");
	assert_int_equal(json_array_size(ids), 1);
	assert_int_equal(json_integer_value(json_array_get(ids, 0)), 1);
	assert_true(json_is_null(get(r, "batch")));

	json_t *sh = show(1);
	json_t *q = get(sh, "request");
	/* Every key of the protocol's request object, and no other. */
	static const char *const keys[] = {
		"id",		"batch",	"agency",
		"agency_name",	"component",	"jurisdiction",
		"subject",	"description",	"requester",
		"project",	"tags",		"method",
		"tracking",	"sent",		"received",
		"acknowledged", "closed",	"expedited",
		"fee_waiver",	"fee_category", "fees_estimated",
		"fees_paid",	"status",	"created",
		"updated",	"created_by",	"days_open",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		get(q, keys[i]);
	assert_int_equal(json_object_size(q), sizeof(keys) / sizeof(keys[0]));

	assert_int_equal(int_of(q, "id"), 1);
	assert_true(json_is_null(get(q, "batch")));
	expect_str(q, "agency", "ICE");
	expect_str(q, "agency_name",
		   "U.S. Immigration and Customs Enforcement");
	expect_str(q, "component", "ERO");
	expect_str(q, "jurisdiction", "us-federal");
	expect_str(q, "subject", "A-file of client 1");
	expect_str(q, "description", "line one\nline two");
	expect_str(q, "requester", "Ana P\xC3\xA9rez");
	expect_str(q, "project", "detention");
	json_t *tags = get(q, "tags");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "a");
	assert_string_equal(json_string_value(json_array_get(tags, 1)), "b");
	expect_str(q, "method", "portal");
	expect_str(q, "tracking", "2025-ICFO-00001");
	expect_str(q, "sent", sent);
	expect_str(q, "received", sent);
	expect_str(q, "acknowledged", NULL);
	expect_str(q, "closed", NULL);
	assert_true(json_is_true(get(q, "expedited")));
	assert_true(json_is_false(get(q, "fee_waiver")));
	expect_str(q, "fee_category", "news-media");
	expect_str(q, "fees_estimated", "25.50");
	expect_str(q, "fees_paid", "0.00");
	expect_str(q, "status", "submitted");
	expect_timestamp(q, "created");
	expect_timestamp(q, "updated");
	expect_str(q, "created_by", "alice");
	assert_int_equal(int_of(q, "days_open"), 10);

	/* One "filed" event by alice. */
	json_t *ev = get(sh, "events");
	assert_int_equal(json_array_size(ev), 1);
	json_t *e = json_array_get(ev, 0);
	static const char *const ekeys[] = {
		"id",	 "request", "agency", "at",   "actor", "kind",
		"field", "from",    "to",     "date", "note"};
	for (size_t i = 0; i < sizeof(ekeys) / sizeof(ekeys[0]); i++)
		get(e, ekeys[i]);
	assert_int_equal(json_object_size(e), sizeof(ekeys) / sizeof(ekeys[0]));
	assert_int_equal(int_of(e, "request"), 1);
	expect_str(e, "actor", "alice");
	expect_str(e, "kind", "filed");
	expect_str(e, "field", "status");
	expect_str(e, "from", NULL);
	expect_str(e, "to", "submitted");
	expect_str(e, "date", sent);
	expect_str(e, "note", NULL);
	expect_timestamp(e, "at");

	assert_int_equal(count_requests(), 1);
}

static void test_file_draft(void **state)
{
	(void)state;
	json_int_t id = file_one("ice", "no date yet", NULL);
	json_t *q = request_of(id);
	expect_str(q, "status", "draft");
	expect_str(q, "agency", "ICE"); /* stored under the agency's code */
	expect_str(q, "sent", NULL);
	assert_true(json_is_null(get(q, "days_open")));
	assert_true(json_is_false(get(q, "expedited")));
	expect_str(q, "fees_estimated", NULL);
	expect_str(q, "fees_paid", NULL);
	expect_str(q, "method", NULL);
	assert_int_equal(json_array_size(get(q, "tags")), 0);
	json_t *e = last_event(id);
	expect_str(e, "kind", "filed");
	expect_str(e, "to", "draft");
	expect_str(e, "date", NULL);
	expect_str(e, "actor", "alice");
}

static void test_file_batch(void **state)
{
	(void)state;
	json_t *r = ok("request.file",
		       P("{s:[sss], s:s, s:s, s:[s]}", "agencies", "ICE",
			 "MINSAL", "CBP", "subject", "records of client 2",
			 "sent", "2025-03-03", "tags", "batch"));
	json_t *ids = get(r, "ids");
	assert_int_equal(json_array_size(ids), 3);
	json_int_t first = json_integer_value(json_array_get(ids, 0));
	assert_int_equal(int_of(r, "batch"), first);
	static const char *const agency[] = {"ICE", "MINSAL", "CBP"};
	static const char *const juris[] = {"us-federal", "sv", "us-federal"};
	json_int_t prev = 0;
	for (size_t i = 0; i < 3; i++) {
		json_int_t id = json_integer_value(json_array_get(ids, i));
		assert_true(id > prev);
		prev = id;
		json_t *q = request_of(id);
		assert_int_equal(int_of(q, "id"), id);
		assert_int_equal(int_of(q, "batch"), first);
		expect_str(q, "agency", agency[i]);
		expect_str(q, "jurisdiction", juris[i]);
		expect_str(q, "subject", "records of client 2");
		expect_str(q, "status", "submitted");
		expect_str(q, "sent", "2025-03-03");
		assert_int_equal(json_array_size(get(q, "tags")), 1);
		json_t *ev = events_of(id);
		assert_int_equal(json_array_size(ev), 1);
		expect_str(json_array_get(ev, 0), "kind", "filed");
		expect_str(json_array_get(ev, 0), "actor", "alice");
	}
	assert_int_equal(count_requests(), 3);

	/* A jurisdiction given in the filing applies to every request. */
	r = ok("request.file",
	       P("{s:[ss], s:s, s:s}", "agencies", "ICE", "MINSAL", "subject",
		 "second batch", "jurisdiction", "us-ca"));
	ids = get(r, "ids");
	assert_int_equal(json_array_size(ids), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *q =
			request_of(json_integer_value(json_array_get(ids, i)));
		expect_str(q, "jurisdiction", "us-ca");
		expect_str(q, "status", "draft");
		assert_int_equal(int_of(q, "batch"), int_of(r, "batch"));
	}
	assert_int_equal(count_requests(), 5);
}

static void test_file_agencies_refused(void **state)
{
	(void)state;
	fails("request.file",
	      P("{s:[ss], s:s}", "agencies", "ICE", "NOPE", "subject", "x"),
	      FOIA_E_NOT_FOUND,
	      "unknown agency 'NOPE' (see 'foia agency list')");
	fails("request.file", P("{s:[], s:s}", "agencies", "subject", "x"),
	      FOIA_E_INVALID, "'agencies' must list at least one agency code");
	fails("request.file", P("{s:s}", "subject", "x"), FOIA_E_INVALID,
	      "'agencies' must list at least one agency code");
	fails("request.file",
	      P("{s:s, s:s}", "agencies", "ICE", "subject", "x"),
	      FOIA_E_INVALID, "'agencies' must list at least one agency code");
	fails("request.file", P("{s:[i], s:s}", "agencies", 5, "subject", "x"),
	      FOIA_E_INVALID, "agency codes must be strings");
	fails("request.file",
	      P("{s:[s], s:s}", "agencies", "I C E", "subject", "x"),
	      FOIA_E_INVALID,
	      "invalid agency code 'I C E' (expected 1-32 letters, digits, "
	      "'-', '_' or '.')");
	json_t *many = json_array();
	for (int i = 0; i < FOIA_MAX_BATCH + 1; i++)
		json_array_append_new(many, json_string("ICE"));
	fails("request.file", P("{s:o, s:s}", "agencies", many, "subject", "x"),
	      FOIA_E_INVALID, "at most 64 agencies in one filing");
	assert_int_equal(count_requests(), 0);
	/* One agency twice in a batch is a typo, not two requests. */
	fails("request.file",
	      P("{s:[s,s,s], s:s}", "agencies", "ICE", "CBP", "ice", "subject",
		"x"),
	      FOIA_E_INVALID, "agency 'ice' is named twice");
	assert_int_equal(count_requests(), 0);
	/* Exactly the limit is fine. */
	many = json_array();
	for (int i = 0; i < FOIA_MAX_BATCH; i++) {
		char code[16];
		snprintf(code, sizeof(code), "AG%d", i);
		ok("agency.add", P("{s:s, s:s}", "code", code, "name", code));
		json_array_append_new(many, json_string(code));
	}
	json_t *r = ok("request.file",
		       P("{s:o, s:s}", "agencies", many, "subject", "x"));
	assert_int_equal(json_array_size(get(r, "ids")), FOIA_MAX_BATCH);
	assert_int_equal(int_of(r, "batch"), 1);
	assert_int_equal(count_requests(), FOIA_MAX_BATCH);
	expect_str(request_of(FOIA_MAX_BATCH), "agency", "AG63");
	assert_int_equal(int_of(request_of(FOIA_MAX_BATCH), "batch"), 1);
}

static void test_file_subject(void **state)
{
	(void)state;
	fails("request.file", P("{s:[s]}", "agencies", "ICE"), FOIA_E_INVALID,
	      "a request needs a subject");
	fails("request.file",
	      P("{s:[s], s:s}", "agencies", "ICE", "subject", ""),
	      FOIA_E_INVALID, "a request needs a subject");
	fails("request.file", P("{s:[s], s:n}", "agencies", "ICE", "subject"),
	      FOIA_E_INVALID, "'subject' must be a string");
	fails("request.file",
	      P("{s:[s], s:i}", "agencies", "ICE", "subject", 5),
	      FOIA_E_INVALID, "'subject' must be a string");
	fails("request.file",
	      P("{s:[s], s:s}", "agencies", "ICE", "subject", "two\nlines"),
	      FOIA_E_INVALID, "'subject' contains a control character");

	char big[FOIA_MAX_SUBJECT + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0'; /* 501 bytes */
	fails("request.file",
	      P("{s:[s], s:s}", "agencies", "ICE", "subject", big),
	      FOIA_E_INVALID, "'subject' is 501 bytes, the limit is 500");
	/* 250 two-byte characters are 500 bytes: accepted; one more is not. */
	char wide[2 * 251 + 1];
	for (int i = 0; i < 251; i++)
		memcpy(wide + 2 * i, "\xC3\xA9", 2);
	wide[2 * 251] = '\0';
	fails("request.file",
	      P("{s:[s], s:s}", "agencies", "ICE", "subject", wide),
	      FOIA_E_INVALID, "'subject' is 502 bytes, the limit is 500");
	assert_int_equal(count_requests(), 0);
	wide[500] = '\0';
	json_int_t id = file_one("ICE", wide, NULL);
	expect_str(request_of(id), "subject", wide);
	big[500] = '\0';
	id = file_one("ICE", big, NULL);
	expect_str(request_of(id), "subject", big);
	assert_int_equal(count_requests(), 2);
}

static void test_file_bad_values(void **state)
{
	(void)state;
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x", "sent",
		"2025-02-30"),
	      FOIA_E_INVALID,
	      "invalid date '2025-02-30' for 'sent' (expected YYYY-MM-DD)");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x", "sent",
		"2025-3-4"),
	      FOIA_E_INVALID,
	      "invalid date '2025-3-4' for 'sent' (expected YYYY-MM-DD)");
	fails("request.file",
	      P("{s:[s], s:s, s:s, s:s}", "agencies", "ICE", "subject", "x",
		"sent", "2025-01-02", "received", "2025-01-01"),
	      FOIA_E_INVALID,
	      "received date 2025-01-01 is before the sent date 2025-01-02");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"method", "pigeon"),
	      FOIA_E_INVALID,
	      "unknown method 'pigeon' (expected email, portal, mail, fax, "
	      "in-person)");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"fee_category", "press"),
	      FOIA_E_INVALID,
	      "unknown fee_category 'press' (expected commercial, "
	      "educational, noncommercial-scientific, news-media, other)");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"fees_paid", "abc"),
	      FOIA_E_INVALID,
	      "invalid amount 'abc' for 'fees_paid' (expected dollars such "
	      "as 25 or 25.50)");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"fees_paid", "-1"),
	      FOIA_E_INVALID,
	      "invalid amount '-1' for 'fees_paid' (expected dollars such "
	      "as 25 or 25.50)");
	fails("request.file",
	      P("{s:[s], s:s, s:i}", "agencies", "ICE", "subject", "x",
		"fees_paid", 25),
	      FOIA_E_INVALID, "'fees_paid' must be a string such as \"25.00\"");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"expedited", "yes"),
	      FOIA_E_INVALID, "'expedited' must be true or false");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"jurisdiction", "US"),
	      FOIA_E_INVALID,
	      "invalid jurisdiction 'US' (expected a code such as "
	      "'us-federal', 'us-ca' or 'sv')");
	fails("request.file",
	      P("{s:[s], s:s, s:[s]}", "agencies", "ICE", "subject", "x",
		"tags", "a,b"),
	      FOIA_E_INVALID,
	      "invalid tag 'a,b' (tags are non-empty and hold no ',' or ';')");
	fails("request.file",
	      P("{s:[s], s:s, s:[s]}", "agencies", "ICE", "subject", "x",
		"tags", ""),
	      FOIA_E_INVALID,
	      "invalid tag '' (tags are non-empty and hold no ',' or ';')");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x", "tags",
		"a"),
	      FOIA_E_INVALID, "tags must be a list of strings");
	fails("request.file",
	      P("{s:[s], s:s, s:[i]}", "agencies", "ICE", "subject", "x",
		"tags", 1),
	      FOIA_E_INVALID, "tags must be strings");
	json_t *tags = json_array();
	char tag[16];
	for (int i = 0; i < FOIA_MAX_TAGS + 1; i++) {
		snprintf(tag, sizeof(tag), "t%d", i);
		json_array_append_new(tags, json_string(tag));
	}
	fails("request.file",
	      P("{s:[s], s:s, s:o}", "agencies", "ICE", "subject", "x", "tags",
		tags),
	      FOIA_E_INVALID, "a request has at most 32 tags");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"description", "bell\a"),
	      FOIA_E_INVALID, "'description' contains a control character");
	assert_int_equal(count_requests(), 0);
}

static void test_file_unknown_param(void **state)
{
	(void)state;
	fails("request.file",
	      P("{s:[s], s:s}", "agencies", "ICE", "subjet", "x"),
	      FOIA_E_INVALID, "unknown parameter 'subjet'");
	/* A filing cannot set its own status, id or history. */
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"status", "granted"),
	      FOIA_E_INVALID, "unknown parameter 'status'");
	fails("request.file",
	      P("{s:[s], s:s, s:i}", "agencies", "ICE", "subject", "x", "id",
		5),
	      FOIA_E_INVALID, "unknown parameter 'id'");
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "x",
		"created_by", "mallory"),
	      FOIA_E_INVALID, "unknown parameter 'created_by'");
	assert_int_equal(count_requests(), 0);
}

/* The protocol's request.file takes "agencies"; a lone "agency" is not
 * one of its params and must not be silently ignored. */
static void test_file_agency_singular_refused(void **state)
{
	(void)state;
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "agency", "CBP",
		"subject", "x"),
	      FOIA_E_INVALID, "unknown parameter 'agency'");
	assert_int_equal(count_requests(), 0);
}

static void test_file_utf8(void **state)
{
	(void)state;
	/* Invalid UTF-8 in the line itself: jansson refuses the line. */
	static const char *const bad[] = {
		"\xC0\x80",	    /* overlong NUL */
		"\xED\xA0\x80",	    /* surrogate */
		"\xF4\x90\x80\x80", /* above U+10FFFF */
		"\xC3",		    /* truncated */
		"\xFF",
	};
	char line[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line),
			 "{\"v\":1,\"id\":3,\"method\":\"request.file\","
			 "\"params\":{\"agencies\":[\"ICE\"],\"subject\":"
			 "\"a%sb\"}}",
			 bad[i]);
		expect_envelope_error(send_line(line), -1, FOIA_E_PARSE, NULL);
	}
	/* Escapes that do not make a valid character, or make a NUL. */
	static const char *const esc[] = {"\\ud800", "\\udc00",
					  "\\ud800\\u0041", "\\u0000"};
	for (size_t i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		snprintf(line, sizeof(line),
			 "{\"v\":1,\"id\":3,\"method\":\"request.file\","
			 "\"params\":{\"agencies\":[\"ICE\"],\"subject\":"
			 "\"a%sb\"}}",
			 esc[i]);
		expect_envelope_error(send_line(line), -1, FOIA_E_PARSE, NULL);
	}
	assert_int_equal(count_requests(), 0);
	/* Valid escapes arrive as UTF-8. */
	json_t *r = send_line("{\"v\":1,\"id\":3,\"method\":\"request.file\","
			      "\"params\":{\"agencies\":[\"ICE\"],\"subject\":"
			      "\"caf\\u00e9 \\ud83d\\ude00\"}}");
	assert_non_null(json_object_get(r, "result"));
	expect_str(request_of(1), "subject", "caf\xC3\xA9 \xF0\x9F\x98\x80");
	/* A control character by escape is still a control character. */
	r = send_line("{\"v\":1,\"id\":4,\"method\":\"request.file\","
		      "\"params\":{\"agencies\":[\"ICE\"],\"subject\":"
		      "\"a\\u001bb\"}}");
	expect_envelope_error(r, 4, FOIA_E_INVALID,
			      "'subject' contains a control character");
	assert_int_equal(count_requests(), 1);
}

/* --- request.list -------------------------------------------------------- */

/* The ids of a request.list result, as "1,2,3". */
static const char *list_ids(json_t *params)
{
	static char buf[256];
	json_t *reqs = get(ok("request.list", params), "requests");
	assert_true(json_is_array(reqs));
	size_t i, used = 0;
	json_t *q;
	buf[0] = '\0';
	json_array_foreach(reqs, i, q)
	{
		int n = snprintf(buf + used, sizeof(buf) - used, "%s%lld",
				 i ? "," : "", (long long)int_of(q, "id"));
		assert_true(n > 0 && (size_t)n < sizeof(buf) - used);
		used += (size_t)n;
	}
	return buf;
}

static void list_fixture(void)
{
	/* 1: ICE, p1, tag x, submitted
	 * 2: CBP, p2, draft
	 * 3: ICE, withdrawn
	 * 4: CBP, p1, closed
	 * 5: MINSAL, tags x and y, acknowledged */
	ok("request.file",
	   P("{s:[s], s:s, s:s, s:s, s:[s]}", "agencies", "ICE", "subject",
	     "one", "sent", "2025-01-02", "project", "p1", "tags", "x"));
	ok("request.file", P("{s:[s], s:s, s:s}", "agencies", "CBP", "subject",
			     "two", "project", "p2"));
	ok("request.file",
	   P("{s:[s], s:s}", "agencies", "ICE", "subject", "three"));
	ok("request.update", P("{s:i, s:s}", "id", 3, "status", "withdrawn"));
	ok("request.file",
	   P("{s:[s], s:s, s:s, s:s}", "agencies", "CBP", "subject", "four",
	     "sent", "2025-01-02", "project", "p1"));
	ok("request.update", P("{s:i, s:s}", "id", 4, "status", "closed"));
	ok("request.file",
	   P("{s:[s], s:s, s:s, s:[ss]}", "agencies", "MINSAL", "subject",
	     "five", "sent", "2025-01-02", "tags", "y", "x"));
	ok("request.update",
	   P("{s:i, s:s}", "id", 5, "status", "acknowledged"));
}

static void test_list(void **state)
{
	(void)state;
	assert_string_equal(list_ids(NULL), "");
	list_fixture();
	/* Open requests only by default. */
	assert_string_equal(list_ids(NULL), "1,2,5");
	assert_string_equal(list_ids(P("{}")), "1,2,5");
	assert_string_equal(list_ids(P("{s:b}", "all", 0)), "1,2,5");
	assert_string_equal(list_ids(P("{s:b}", "all", 1)), "1,2,3,4,5");
	/* A status asked for by name is shown even when closed. */
	assert_string_equal(list_ids(P("{s:s}", "status", "withdrawn")), "3");
	assert_string_equal(
		list_ids(P("{s:[ss]}", "status", "draft", "closed")), "2,4");
	assert_string_equal(list_ids(P("{s:[s]}", "status", "submitted")), "1");
	assert_string_equal(list_ids(P("{s:s}", "status", "denied")), "");
	/* Agency, project, tag; and together. */
	assert_string_equal(list_ids(P("{s:s}", "agency", "ICE")), "1");
	assert_string_equal(list_ids(P("{s:s}", "agency", "ice")), "1");
	assert_string_equal(
		list_ids(P("{s:s, s:b}", "agency", "ICE", "all", 1)), "1,3");
	assert_string_equal(list_ids(P("{s:s}", "agency", "NOPE")), "");
	assert_string_equal(list_ids(P("{s:s}", "project", "p1")), "1");
	assert_string_equal(
		list_ids(P("{s:s, s:b}", "project", "p1", "all", 1)), "1,4");
	assert_string_equal(list_ids(P("{s:s}", "tag", "x")), "1,5");
	assert_string_equal(list_ids(P("{s:s}", "tag", "y")), "5");
	assert_string_equal(
		list_ids(P("{s:s, s:s}", "tag", "x", "agency", "MINSAL")), "5");
	assert_string_equal(list_ids(P("{s:s, s:s, s:b}", "project", "p1",
				       "agency", "CBP", "all", 1)),
			    "4");
	assert_string_equal(list_ids(P("{s:n, s:n}", "agency", "status")),
			    "1,2,5");

	/* The list holds whole request objects. */
	json_t *reqs =
		get(ok("request.list", P("{s:s}", "tag", "y")), "requests");
	json_t *q = json_array_get(reqs, 0);
	expect_str(q, "agency", "MINSAL");
	expect_str(q, "jurisdiction", "sv");
	expect_str(q, "status", "acknowledged");
	assert_int_equal(json_array_size(get(q, "tags")), 2);
	expect_str(q, "created_by", "alice");
}

static void test_list_refused(void **state)
{
	(void)state;
	list_fixture();
	const char *m = fails("request.list", P("{s:s}", "status", "gone"),
			      FOIA_E_INVALID, NULL);
	assert_string_equal(m,
			    "unknown status 'gone' (expected draft, submitted, "
			    "acknowledged, processing, awaiting-requester, "
			    "partial-release, granted, partially-granted, "
			    "denied, no-records, withdrawn, appealed, "
			    "appeal-decided, litigation, closed)");
	fails("request.list", P("{s:[ss]}", "status", "draft", "gone"),
	      FOIA_E_INVALID, NULL);
	fails("request.list", P("{s:[]}", "status"), FOIA_E_INVALID,
	      "'status' must be a status or a list of them");
	fails("request.list", P("{s:i}", "status", 3), FOIA_E_INVALID,
	      "'status' must be a status or a list of them");
	fails("request.list", P("{s:[i]}", "status", 3), FOIA_E_INVALID,
	      "statuses are strings");
	fails("request.list", P("{s:i}", "agency", 3), FOIA_E_INVALID,
	      "'agency' must be a string");
	fails("request.list", P("{s:b}", "tag", 1), FOIA_E_INVALID,
	      "'tag' must be a string");
	fails("request.list", P("{s:b}", "open", 1), FOIA_E_INVALID,
	      "unknown parameter 'open'");
}

/* --- request.show -------------------------------------------------------- */

static void test_show(void **state)
{
	(void)state;
	json_int_t id = file_one("CBP", "border records", "2025-01-02");
	json_t *sh = show(id);
	/* The request, its history and (issue 3) its derived clocks. */
	assert_non_null(json_object_get(sh, "deadlines"));
	assert_non_null(json_object_get(sh, "clock"));
	expect_str(get(sh, "request"), "agency", "CBP");
	json_t *e = json_array_get(get(sh, "events"), 0);
	expect_str(e, "actor", "alice");
	expect_str(e, "agency", NULL);
	assert_int_equal(int_of(e, "request"), id);

	fails("request.show", P("{}"), FOIA_E_INVALID, "'id' is required");
	fails("request.show", P("{s:i}", "id", 0), FOIA_E_INVALID,
	      "'id' must be a positive integer");
	fails("request.show", P("{s:i}", "id", -3), FOIA_E_INVALID,
	      "'id' must be a positive integer");
	fails("request.show", P("{s:s}", "id", "1"), FOIA_E_INVALID,
	      "'id' must be a positive integer");
	fails("request.show", P("{s:i}", "id", 999), FOIA_E_NOT_FOUND,
	      "no request 999");
	fails("request.show", P("{s:i, s:b}", "id", 1, "verbose", 1),
	      FOIA_E_INVALID, "unknown parameter 'verbose'");
}

/* --- request.update ------------------------------------------------------ */

static void test_update_fields(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "old subject", "2025-01-02");
	json_t *r = ok("request.update",
		       P("{s:I, s:s, s:s, s:s, s:s, s:b, s:s}", "id", id,
			 "subject", "new subject", "tracking", "2025-ICFO-9",
			 "project", "p9", "method", "email", "expedited", 1,
			 "fees_estimated", "12.5"));
	assert_int_equal(int_of(r, "changes"), 6);
	json_t *q = get(r, "request");
	expect_str(q, "subject", "new subject");
	expect_str(q, "tracking", "2025-ICFO-9");
	expect_str(q, "project", "p9");
	expect_str(q, "method", "email");
	assert_true(json_is_true(get(q, "expedited")));
	expect_str(q, "fees_estimated", "12.50");
	expect_str(q, "status", "submitted");
	/* The reply's request is what request.show returns. */
	assert_true(json_equal(q, request_of(id)));

	json_t *ev = events_of(id);
	assert_int_equal(json_array_size(ev), 7); /* filed + 6 */
	assert_int_equal(count_kind(ev, "field"), 6);
	json_t *e = find_event(ev, "field", "subject");
	expect_str(e, "from", "old subject");
	expect_str(e, "to", "new subject");
	expect_str(e, "actor", "alice");
	assert_int_equal(int_of(e, "request"), id);
	e = find_event(ev, "field", "tracking");
	expect_str(e, "from", NULL);
	expect_str(e, "to", "2025-ICFO-9");
	e = find_event(ev, "field", "expedited");
	expect_str(e, "from", "no");
	expect_str(e, "to", "yes");
	e = find_event(ev, "field", "fees_estimated");
	expect_str(e, "from", NULL);
	expect_str(e, "to", "12.50");

	/* The same values again change nothing and record nothing. */
	r = ok("request.update",
	       P("{s:I, s:s, s:s, s:s}", "id", id, "subject", "new subject",
		 "tracking", "2025-ICFO-9", "fees_estimated", "12.50"));
	assert_int_equal(int_of(r, "changes"), 0);
	assert_int_equal(json_array_size(events_of(id)), 7);

	/* An update with nothing in it is fine too. */
	r = ok("request.update", P("{s:I}", "id", id));
	assert_int_equal(int_of(r, "changes"), 0);
	assert_int_equal(json_array_size(events_of(id)), 7);
}

static void test_update_clear(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "subject", "2025-01-02");
	ok("request.update", P("{s:I, s:s, s:s, s:s}", "id", id, "tracking",
			       "T-1", "requester", "Ana", "fees_paid", "5"));
	json_t *r = ok("request.update",
		       P("{s:I, s:s, s:n, s:s}", "id", id, "tracking", "",
			 "requester", "fees_paid", ""));
	assert_int_equal(int_of(r, "changes"), 3);
	json_t *q = get(r, "request");
	expect_str(q, "tracking", NULL);
	expect_str(q, "requester", NULL);
	expect_str(q, "fees_paid", NULL);
	json_t *e = find_event(events_of(id), "field", "tracking");
	expect_str(e, "from", "T-1");
	expect_str(e, "to", NULL);
	e = find_event(events_of(id), "field", "fees_paid");
	expect_str(e, "from", "5.00");
	expect_str(e, "to", NULL);

	/* The subject cannot be cleared, nor the sent date of a submitted
	 * request. */
	update_refused(id, P("{s:s}", "subject", ""), FOIA_E_INVALID,
		       "a request needs a subject");
	update_refused(id, P("{s:n}", "subject"), FOIA_E_INVALID,
		       "a request needs a subject");
	update_refused(id, P("{s:s}", "sent", ""), FOIA_E_INVALID,
		       "a submitted request needs a sent date (give one with "
		       "--sent or --date)");
	update_refused(id, P("{s:s}", "agency", ""), FOIA_E_INVALID,
		       "a request needs an agency");
}

static void test_update_tags(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "tags", "2025-01-02");
	json_t *r =
		ok("request.update", P("{s:I, s:[sss]}", "id", id, "add_tags",
				       "urgent", "bond", "urgent"));
	assert_int_equal(int_of(r, "changes"), 1);
	json_t *tags = get(get(r, "request"), "tags");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "bond");
	assert_string_equal(json_string_value(json_array_get(tags, 1)),
			    "urgent");
	json_t *e = find_event(events_of(id), "tags", "tags");
	expect_str(e, "from", "");
	expect_str(e, "to", "bond, urgent");

	r = ok("request.update",
	       P("{s:I, s:[ss], s:[s]}", "id", id, "remove_tags", "urgent",
		 "absent", "add_tags", "court"));
	assert_int_equal(int_of(r, "changes"), 1);
	tags = get(get(r, "request"), "tags");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "bond");
	assert_string_equal(json_string_value(json_array_get(tags, 1)),
			    "court");
	assert_int_equal(count_kind(events_of(id), "tags"), 2);
	e = find_event(events_of(id), "tags", "tags");
	expect_str(e, "from", "bond, urgent");
	expect_str(e, "to", "bond, court");

	/* Adding what is there, removing what is not: no change. */
	r = ok("request.update", P("{s:I, s:[s], s:[s]}", "id", id, "add_tags",
				   "bond", "remove_tags", "nothing"));
	assert_int_equal(int_of(r, "changes"), 0);
	assert_int_equal(count_kind(events_of(id), "tags"), 2);

	update_refused(id, P("{s:[s]}", "add_tags", "a;b"), FOIA_E_INVALID,
		       "invalid tag 'a;b' (tags are non-empty and hold no ',' "
		       "or ';')");
	update_refused(id, P("{s:s}", "add_tags", "x"), FOIA_E_INVALID,
		       "tags must be a list of strings");
	update_refused(id, P("{s:[s]}", "tags", "x"), FOIA_E_INVALID,
		       "unknown parameter 'tags'");
	assert_string_equal(list_ids(P("{s:s}", "tag", "court")), "1");
	assert_string_equal(list_ids(P("{s:s}", "tag", "urgent")), "");
}

static void test_update_status_legal(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "status", "2025-01-02");
	json_t *r =
		ok("request.update",
		   P("{s:I, s:s, s:s, s:s}", "id", id, "status", "acknowledged",
		     "date", "2025-01-10", "note", "letter received"));
	json_t *q = get(r, "request");
	expect_str(q, "status", "acknowledged");
	expect_str(q, "acknowledged", "2025-01-10");
	/* The status and the date it recorded. */
	assert_int_equal(int_of(r, "changes"), 2);
	json_t *ev = events_of(id);
	assert_int_equal(count_kind(ev, "status"), 1);
	json_t *e = find_event(ev, "status", "status");
	expect_str(e, "from", "submitted");
	expect_str(e, "to", "acknowledged");
	expect_str(e, "date", "2025-01-10");
	expect_str(e, "note", "letter received");
	expect_str(e, "actor", "alice");
	e = find_event(ev, "field", "acknowledged");
	expect_str(e, "from", NULL);
	expect_str(e, "to", "2025-01-10");

	/* Without a date the status takes effect today. */
	char today[16];
	today_string(today, sizeof(today));
	r = ok("request.update",
	       P("{s:I, s:s}", "id", id, "status", "processing"));
	expect_str(get(r, "request"), "status", "processing");
	expect_str(get(r, "request"), "acknowledged", "2025-01-10");
	assert_int_equal(int_of(r, "changes"), 1);
	e = last_event(id);
	expect_str(e, "kind", "status");
	expect_str(e, "from", "acknowledged");
	expect_str(e, "to", "processing");
	expect_str(e, "date", today);

	r = ok("request.update", P("{s:I, s:s, s:s}", "id", id, "status",
				   "denied", "date", "2025-02-01"));
	expect_str(get(r, "request"), "status", "denied");
	expect_str(last_event(id), "date", "2025-02-01");
	r = ok("request.update", P("{s:I, s:s, s:s}", "id", id, "status",
				   "closed", "date", "2025-02-03"));
	expect_str(get(r, "request"), "status", "closed");
	expect_str(get(r, "request"), "closed", "2025-02-03");
	assert_int_equal(int_of(get(r, "request"), "days_open"), 32);
	/* A closed request may still be appealed. */
	r = ok("request.update",
	       P("{s:I, s:s}", "id", id, "status", "appealed"));
	expect_str(get(r, "request"), "status", "appealed");
	assert_int_equal(count_kind(events_of(id), "status"), 5);
}

static void test_update_draft_to_submitted(void **state)
{
	(void)state;
	char today[16];
	today_string(today, sizeof(today));
	json_int_t a = file_one("ICE", "draft a", NULL);
	json_int_t b = file_one("ICE", "draft b", NULL);
	json_t *r = ok("request.update",
		       P("{s:I, s:s}", "id", a, "status", "submitted"));
	expect_str(get(r, "request"), "sent", today);
	expect_str(get(r, "request"), "status", "submitted");
	assert_int_equal(int_of(get(r, "request"), "days_open"), 0);
	r = ok("request.update", P("{s:I, s:s, s:s}", "id", b, "status",
				   "submitted", "date", "2025-01-05"));
	expect_str(get(r, "request"), "sent", "2025-01-05");
	json_t *e = find_event(events_of(b), "status", "status");
	expect_str(e, "date", "2025-01-05");
	e = find_event(events_of(b), "field", "sent");
	expect_str(e, "from", NULL);
	expect_str(e, "to", "2025-01-05");
	/* A sent date given with the change wins over the status date. */
	json_int_t c = file_one("ICE", "draft c", NULL);
	r = ok("request.update", P("{s:I, s:s, s:s}", "id", c, "status",
				   "submitted", "sent", "2025-01-07"));
	expect_str(get(r, "request"), "sent", "2025-01-07");

	/* Withdrawing a draft records a closed date and hides it. */
	json_int_t d = file_one("ICE", "draft d", NULL);
	r = ok("request.update", P("{s:I, s:s, s:s}", "id", d, "status",
				   "withdrawn", "note", "not needed"));
	expect_str(get(r, "request"), "status", "withdrawn");
	expect_str(get(r, "request"), "closed", today);
	assert_null(strstr(list_ids(NULL), "4"));
}

static void test_update_status_illegal(void **state)
{
	(void)state;
	json_int_t draft = file_one("ICE", "draft", NULL);
	update_refused(draft, P("{s:s}", "status", "granted"), FOIA_E_CONFLICT,
		       "request 1 cannot go from draft to granted (allowed "
		       "next: submitted, withdrawn)");
	update_refused(draft, P("{s:s}", "status", "draft"), FOIA_E_CONFLICT,
		       "request 1 cannot go from draft to draft (allowed "
		       "next: submitted, withdrawn)");
	json_int_t sub = file_one("ICE", "sent", "2025-01-02");
	update_refused(sub, P("{s:s}", "status", "appealed"), FOIA_E_CONFLICT,
		       "request 2 cannot go from submitted to appealed "
		       "(allowed next: acknowledged, processing, "
		       "awaiting-requester, partial-release, granted, "
		       "partially-granted, denied, no-records, withdrawn, "
		       "litigation, closed)");
	ok("request.update", P("{s:I, s:s}", "id", sub, "status", "withdrawn"));
	update_refused(sub, P("{s:s}", "status", "processing"), FOIA_E_CONFLICT,
		       "request 2 cannot go from withdrawn to processing "
		       "(allowed next: none)");
	update_refused(draft, P("{s:s}", "status", "gone"), FOIA_E_INVALID,
		       "unknown status 'gone' (expected draft, submitted, "
		       "acknowledged, processing, awaiting-requester, "
		       "partial-release, granted, partially-granted, denied, "
		       "no-records, withdrawn, appealed, appeal-decided, "
		       "litigation, closed)");
	update_refused(draft, P("{s:s}", "status", ""), FOIA_E_INVALID, NULL);
	update_refused(draft, P("{s:i}", "status", 3), FOIA_E_INVALID,
		       "'status' must be a string");
	/* A refused status change takes the other changes with it. */
	update_refused(draft,
		       P("{s:s, s:s, s:[s]}", "status", "denied", "subject",
			 "changed", "add_tags", "t"),
		       FOIA_E_CONFLICT, NULL);
}

static void test_update_dates(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "dates", "2025-01-02");
	update_refused(id, P("{s:s}", "date", "2025-01-05"), FOIA_E_INVALID,
		       "'date' goes with a status change");
	update_refused(
		id,
		P("{s:s, s:s}", "status", "acknowledged", "date", "2025-02-30"),
		FOIA_E_INVALID,
		"invalid date '2025-02-30' for 'date' (expected "
		"YYYY-MM-DD)");
	update_refused(
		id,
		P("{s:s, s:s}", "status", "acknowledged", "date", "2025-01-01"),
		FOIA_E_INVALID,
		"acknowledged date 2025-01-01 is before the sent date "
		"2025-01-02");
	update_refused(id, P("{s:s}", "received", "2024-12-31"), FOIA_E_INVALID,
		       "received date 2024-12-31 is before the sent date "
		       "2025-01-02");
	update_refused(id, P("{s:s}", "closed", "2024-12-31"), FOIA_E_INVALID,
		       "closed date 2024-12-31 is before the sent date "
		       "2025-01-02");
	update_refused(id, P("{s:s}", "received", "2025-1-3"), FOIA_E_INVALID,
		       "invalid date '2025-1-3' for 'received' (expected "
		       "YYYY-MM-DD)");
	/* Moving sent after a recorded date is refused too. */
	ok("request.update",
	   P("{s:I, s:s}", "id", id, "received", "2025-01-04"));
	update_refused(id, P("{s:s}", "sent", "2025-01-05"), FOIA_E_INVALID,
		       "received date 2025-01-04 is before the sent date "
		       "2025-01-05");
	/* The same day as sent is fine. */
	json_t *r =
		ok("request.update", P("{s:I, s:s, s:s}", "id", id, "status",
				       "acknowledged", "date", "2025-01-02"));
	expect_str(get(r, "request"), "acknowledged", "2025-01-02");
}

static void test_update_agency(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "move me", "2025-01-02");
	json_t *r = ok("request.update",
		       P("{s:I, s:s}", "id", id, "agency", "MINSAL"));
	assert_int_equal(int_of(r, "changes"), 2);
	json_t *q = get(r, "request");
	expect_str(q, "agency", "MINSAL");
	expect_str(q, "agency_name", "Ministerio de Salud");
	expect_str(q, "jurisdiction", "sv");
	json_t *e = find_event(events_of(id), "field", "agency");
	expect_str(e, "from", "ICE");
	expect_str(e, "to", "MINSAL");
	e = find_event(events_of(id), "field", "jurisdiction");
	expect_str(e, "from", "us-federal");
	expect_str(e, "to", "sv");
	/* The same agency in other case is no change. */
	r = ok("request.update", P("{s:I, s:s}", "id", id, "agency", "minsal"));
	assert_int_equal(int_of(r, "changes"), 0);
	/* A jurisdiction given with the agency wins. */
	r = ok("request.update", P("{s:I, s:s, s:s}", "id", id, "agency", "CBP",
				   "jurisdiction", "us-tx"));
	expect_str(get(r, "request"), "agency", "CBP");
	expect_str(get(r, "request"), "jurisdiction", "us-tx");
	update_refused(id, P("{s:s}", "agency", "NOPE"), FOIA_E_NOT_FOUND,
		       "unknown agency 'NOPE' (see 'foia agency list')");
	update_refused(id, P("{s:s}", "agency", "bad code"), FOIA_E_INVALID,
		       "invalid agency code 'bad code' (expected 1-32 "
		       "letters, digits, '-', '_' or '.')");
}

static void test_update_refusals_change_nothing(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "keep me", "2025-01-02");
	ok("request.update",
	   P("{s:I, s:s, s:[s]}", "id", id, "tracking", "T", "add_tags", "a"));
	update_refused(
		id, P("{s:s, s:s}", "subject", "changed", "sent", "2025-02-30"),
		FOIA_E_INVALID, NULL);
	update_refused(id, P("{s:s, s:s}", "tracking", "U", "method", "pigeon"),
		       FOIA_E_INVALID, NULL);
	update_refused(id, P("{s:s, s:s}", "tracking", "U", "bogus", "x"),
		       FOIA_E_INVALID, "unknown parameter 'bogus'");
	update_refused(id, P("{s:[s], s:s}", "add_tags", "b", "fees_paid", "x"),
		       FOIA_E_INVALID, NULL);
	update_refused(id, P("{s:s, s:s}", "subject", "x", "note", "bell\a"),
		       FOIA_E_INVALID, "'note' contains a control character");
	update_refused(id, P("{s:s, s:i}", "subject", "x", "note", 3),
		       FOIA_E_INVALID, "'note' must be a string");
	update_refused(id, P("{s:s, s:i}", "subject", "x", "expedited", 1),
		       FOIA_E_INVALID, "'expedited' must be true or false");
	update_refused(id, P("{s:s, s:s}", "subject", "x", "agency", "NOPE"),
		       FOIA_E_NOT_FOUND, NULL);
	update_refused(id, P("{s:s, s:s}", "subject", "x", "status", "draft"),
		       FOIA_E_CONFLICT, NULL);
	update_refused(
		id, P("{s:s, s:s}", "subject", "x", "received", "2024-01-01"),
		FOIA_E_INVALID, NULL);
}

static void test_update_ids(void **state)
{
	(void)state;
	fails("request.update", P("{s:i, s:s}", "id", 99, "subject", "x"),
	      FOIA_E_NOT_FOUND, "no request 99");
	fails("request.update", P("{s:s}", "subject", "x"), FOIA_E_INVALID,
	      "'id' is required");
	fails("request.update", P("{s:i}", "id", 0), FOIA_E_INVALID,
	      "'id' must be a positive integer");
	assert_int_equal(count_requests(), 0);
}

static void test_update_note_only(void **state)
{
	(void)state;
	char today[16];
	today_string(today, sizeof(today));
	json_int_t id = file_one("ICE", "noted", "2025-01-02");
	json_t *before = json_deep_copy(request_of(id));
	json_t *r = ok("request.update",
		       P("{s:I, s:s}", "id", id, "note", "phoned the office"));
	assert_int_equal(int_of(r, "changes"), 0);
	/* The request itself did not change; the history did. */
	assert_true(json_equal(before, get(r, "request")));
	json_decref(before);
	json_t *e = last_event(id);
	expect_str(e, "kind", "note");
	expect_str(e, "note", "phoned the office");
	expect_str(e, "date", today);
	expect_str(e, "actor", "alice");
	/* An empty note is no note. */
	r = ok("request.update", P("{s:I, s:s}", "id", id, "note", ""));
	assert_int_equal(json_array_size(events_of(id)), 2);
}

/* The history explains the current state (method_update.c): for every
 * field with a change event, the last event's "to" is the field's value
 * now, in the text form events use. */
static void expect_history_explains(json_int_t id)
{
	json_t *sh = show(id), *q = get(sh, "request"), *ev = get(sh, "events");
	json_t *e;
	size_t i;
	json_array_foreach(ev, i, e)
	{
		const char *kind = json_string_value(get(e, "kind"));
		const char *field = json_string_value(get(e, "field"));
		if (strcmp(kind, "field") != 0 || !field)
			continue;
		/* Only the last event of each field. */
		bool later = false;
		for (size_t k = i + 1; k < json_array_size(ev); k++) {
			json_t *f = json_array_get(ev, k);
			const char *ff =
				json_string_value(json_object_get(f, "field"));
			later |= strcmp(json_string_value(get(f, "kind")),
					"field") == 0 &&
				 ff && strcmp(ff, field) == 0;
		}
		if (later)
			continue;
		json_t *now = get(q, field), *to = get(e, "to");
		const char *want = json_string_value(to);
		const char *have = json_is_boolean(now)
					   ? (json_is_true(now) ? "yes" : "no")
					   : json_string_value(now);
		if ((!want) != (!have) || (want && strcmp(want, have) != 0))
			fail_msg("request %lld: the history says %s is %s%s%s, "
				 "the request says %s%s%s",
				 (long long)id, field, want ? "'" : "",
				 want ? want : "null", want ? "'" : "",
				 have ? "'" : "", have ? have : "null",
				 have ? "'" : "");
	}
}

static void test_update_history_explains_state(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "history", "2025-01-02");
	ok("request.update", P("{s:I, s:s, s:s, s:b}", "id", id, "tracking",
			       "T-1", "fees_paid", "7.5", "fee_waiver", 1));
	ok("request.update",
	   P("{s:I, s:s, s:s}", "id", id, "agency", "MINSAL", "tracking", ""));
	ok("request.update", P("{s:I, s:s, s:s}", "id", id, "status",
			       "acknowledged", "date", "2025-01-09"));
	expect_history_explains(id);
	/* Clearing the jurisdiction: whatever the daemon makes of it (the
	 * store falls back to the agency's), the history must say so, and
	 * "changes" must count only what changed. */
	json_t *r = ok("request.update",
		       P("{s:I, s:s}", "id", id, "jurisdiction", ""));
	expect_history_explains(id);
	json_t *q = get(r, "request");
	if (json_is_null(get(q, "jurisdiction")))
		assert_int_equal(int_of(r, "changes"), 1);
	else
		assert_int_equal(int_of(r, "changes"), 0);
}

/* A draft given its sent date keeps it when it is marked submitted
 * without --date: the date the group typed is not replaced by today. */
static void test_update_submit_keeps_sent(void **state)
{
	(void)state;
	json_int_t id = file_one("ICE", "draft", NULL);
	json_t *r = ok("request.update",
		       P("{s:I, s:s}", "id", id, "sent", "2025-01-02"));
	expect_str(get(r, "request"), "status", "draft");
	expect_str(get(r, "request"), "sent", "2025-01-02");
	r = ok("request.update",
	       P("{s:I, s:s}", "id", id, "status", "submitted"));
	expect_str(get(r, "request"), "status", "submitted");
	expect_str(get(r, "request"), "sent", "2025-01-02");
}

/* --- request.note -------------------------------------------------------- */

static void test_note(void **state)
{
	(void)state;
	char today[16];
	today_string(today, sizeof(today));
	json_int_t id = file_one("ICE", "notes", "2025-01-02");
	json_t *r = ok("request.note", P("{s:I, s:s}", "id", id, "text",
					 "called FOIA office\nno answer"));
	json_t *e = get(r, "event");
	expect_str(e, "kind", "note");
	expect_str(e, "actor", "alice");
	expect_str(e, "note", "called FOIA office\nno answer");
	expect_str(e, "date", today);
	assert_int_equal(int_of(e, "request"), id);
	expect_timestamp(e, "at");
	assert_true(int_of(e, "id") > 0);
	json_t *ev = events_of(id);
	assert_int_equal(json_array_size(ev), 2);
	assert_true(json_equal(json_array_get(ev, 1), e));

	json_t *before = json_deep_copy(show(id));
	fails("request.note", P("{s:I, s:s}", "id", id, "text", ""),
	      FOIA_E_INVALID, "a note needs text");
	fails("request.note", P("{s:I}", "id", id), FOIA_E_INVALID,
	      "a note needs text");
	fails("request.note", P("{s:I, s:i}", "id", id, "text", 3),
	      FOIA_E_INVALID, "'text' must be a string");
	fails("request.note", P("{s:I, s:s}", "id", id, "text", "esc\x1b"),
	      FOIA_E_INVALID, "'note' contains a control character");
	char *big = malloc(FOIA_MAX_NOTE + 2);
	assert_non_null(big);
	memset(big, 'n', FOIA_MAX_NOTE + 1);
	big[FOIA_MAX_NOTE + 1] = '\0';
	fails("request.note", P("{s:I, s:s}", "id", id, "text", big),
	      FOIA_E_INVALID, "'note' is 8193 bytes, the limit is 8192");
	free(big);
	fails("request.note",
	      P("{s:I, s:s, s:s}", "id", id, "text", "x", "date", "2025-01-01"),
	      FOIA_E_INVALID, "unknown parameter 'date'");
	assert_true(json_equal(before, show(id)));
	json_decref(before);
	fails("request.note", P("{s:i, s:s}", "id", 42, "text", "x"),
	      FOIA_E_NOT_FOUND, "no request 42");
	fails("request.note", P("{s:s}", "text", "x"), FOIA_E_INVALID,
	      "'id' is required");
}

/* --- agencies ------------------------------------------------------------ */

static json_t *agency_show(const char *code)
{
	return ok("agency.show", P("{s:s}", "code", code));
}

static json_int_t agency_count(void)
{
	return int_of(ok("status", NULL), "agencies");
}

static void test_agency_add(void **state)
{
	(void)state;
	json_t *r = ok("agency.add",
		       P("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", "EOIR",
			 "name", "Executive Office for Immigration Review",
			 "parent", "DOJ", "email", "foia@eoir.example.gov",
			 "portal", "https://eoir.example.gov/foia", "address",
			 "5107 Leesburg Pike\nFalls Church, VA 22041"));
	json_t *a = get(r, "agency");
	static const char *const keys[] = {
		"code",	  "name",    "parent",	"jurisdiction",	   "email",
		"portal", "address", "website", "published_median"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		get(a, keys[i]);
	assert_int_equal(json_object_size(a), sizeof(keys) / sizeof(keys[0]));
	assert_true(json_is_null(get(a, "website")));
	assert_true(json_is_null(get(a, "published_median")));
	expect_str(a, "code", "EOIR");
	expect_str(a, "name", "Executive Office for Immigration Review");
	expect_str(a, "parent", "DOJ");
	expect_str(a, "jurisdiction", "us-federal");
	expect_str(a, "email", "foia@eoir.example.gov");
	expect_str(a, "portal", "https://eoir.example.gov/foia");
	expect_str(a, "address", "5107 Leesburg Pike\nFalls Church, VA 22041");

	json_t *s = agency_show("eoir");
	assert_true(json_equal(get(s, "agency"), a));
	assert_int_equal(int_of(s, "requests"), 0);
	assert_int_equal(agency_count(), 6);

	/* A minimal agency: jurisdiction defaults, the rest null. */
	a = get(ok("agency.add", P("{s:s, s:s}", "code", "X1", "name", "X")),
		"agency");
	expect_str(a, "parent", NULL);
	expect_str(a, "email", NULL);
	expect_str(a, "jurisdiction", "us-federal");
	/* Empty optional values are absent values. */
	a = get(ok("agency.add", P("{s:s, s:s, s:s, s:s}", "code", "X2", "name",
				   "X", "email", "", "parent", "")),
		"agency");
	expect_str(a, "email", NULL);
	expect_str(a, "parent", NULL);
	assert_int_equal(agency_count(), 8);
}

static void test_agency_add_refused(void **state)
{
	(void)state;
	json_t *before = json_deep_copy(ok("agency.list", NULL));
	fails("agency.add", P("{s:s, s:s}", "code", "ice", "name", "Again"),
	      FOIA_E_CONFLICT, "agency 'ice' already exists");
	fails("agency.add", P("{s:s, s:s}", "code", "ICE", "name", "Again"),
	      FOIA_E_CONFLICT, "agency 'ICE' already exists");
	fails("agency.add",
	      P("{s:s, s:s, s:s}", "code", "Y", "name", "Y", "parent", "NOPE"),
	      FOIA_E_NOT_FOUND,
	      "unknown agency 'NOPE' (see 'foia agency list')");
	fails("agency.add",
	      P("{s:s, s:s, s:s}", "code", "Y", "name", "Y", "parent", "y"),
	      FOIA_E_INVALID, "agency 'Y' cannot be its own parent");
	static const char *const emails[] = {"foia.eoir.gov", "a@b", "@x.org",
					     "a b@c.org"};
	char want[128];
	for (size_t i = 0; i < sizeof(emails) / sizeof(emails[0]); i++) {
		snprintf(want, sizeof(want),
			 "invalid email '%s' for agency 'Y'", emails[i]);
		fails("agency.add",
		      P("{s:s, s:s, s:s}", "code", "Y", "name", "Y", "email",
			emails[i]),
		      FOIA_E_INVALID, want);
	}
	fails("agency.add",
	      P("{s:s, s:s, s:s}", "code", "Y", "name", "Y", "portal",
		"ftp://y.gov"),
	      FOIA_E_INVALID,
	      "invalid portal 'ftp://y.gov' (expected an http or https URL)");
	fails("agency.add",
	      P("{s:s, s:s, s:s}", "code", "Y", "name", "Y", "jurisdiction",
		"US"),
	      FOIA_E_INVALID,
	      "invalid jurisdiction 'US' (expected a code such as "
	      "'us-federal', 'us-ca' or 'sv')");
	fails("agency.add", P("{s:s}", "code", "Y"), FOIA_E_INVALID,
	      "agency 'Y' needs a name");
	fails("agency.add", P("{s:s, s:s}", "code", "Y", "name", ""),
	      FOIA_E_INVALID, "agency 'Y' needs a name");
	fails("agency.add", P("{s:s}", "name", "Y"), FOIA_E_INVALID,
	      "an agency needs a code");
	fails("agency.add", P("{s:s, s:s}", "code", "-Y", "name", "Y"),
	      FOIA_E_INVALID,
	      "invalid agency code '-Y' (expected 1-32 letters, digits, '-', "
	      "'_' or '.')");
	fails("agency.add", P("{s:i, s:s}", "code", 5, "name", "Y"),
	      FOIA_E_INVALID, "'code' must be a string");
	fails("agency.add", P("{s:s, s:s}", "code", "Y", "name", "two\nlines"),
	      FOIA_E_INVALID, "'name' contains a control character");
	fails("agency.add",
	      P("{s:s, s:s, s:s}", "code", "Y", "name", "Y", "fax", "555"),
	      FOIA_E_INVALID, "unknown parameter 'fax'");
	assert_true(json_equal(before, ok("agency.list", NULL)));
	json_decref(before);
	assert_int_equal(agency_count(), 5);
}

static void test_agency_list(void **state)
{
	(void)state;
	json_t *list = get(ok("agency.list", NULL), "agencies");
	assert_int_equal(json_array_size(list), 5);
	static const char *const order[] = {"CBP", "DHS", "DOJ", "ICE",
					    "MINSAL"};
	for (size_t i = 0; i < 5; i++)
		expect_str(json_array_get(list, i), "code", order[i]);
	expect_str(json_array_get(list, 3), "parent", "DHS");
	expect_str(json_array_get(list, 4), "jurisdiction", "sv");
	fails("agency.list", P("{s:s}", "code", "ICE"), FOIA_E_INVALID,
	      "unknown parameter 'code'");
}

static void test_agency_show(void **state)
{
	(void)state;
	file_one("ICE", "a", "2025-01-02");
	file_one("ice", "b", NULL);
	file_one("CBP", "c", NULL);
	json_t *s = agency_show("ice");
	expect_str(get(s, "agency"), "code", "ICE");
	expect_str(get(s, "agency"), "parent", "DHS");
	assert_int_equal(int_of(s, "requests"), 2);
	assert_int_equal(int_of(agency_show("DHS"), "requests"), 0);
	fails("agency.show", P("{s:s}", "code", "NOPE"), FOIA_E_NOT_FOUND,
	      "unknown agency 'NOPE' (see 'foia agency list')");
	fails("agency.show", P("{}"), FOIA_E_INVALID, "'code' is required");
	fails("agency.show", P("{s:i}", "code", 1), FOIA_E_INVALID,
	      "'code' must be a string");
	fails("agency.show", P("{s:s, s:b}", "code", "ICE", "all", 1),
	      FOIA_E_INVALID, "unknown parameter 'all'");
}

/* An agency update that must be refused and leave the agency as it was. */
static void agency_update_refused(json_t *params, const char *code,
				  const char *msg)
{
	json_t *before = json_deep_copy(ok("agency.list", NULL));
	fails("agency.update", params, code, msg);
	assert_true(json_equal(before, ok("agency.list", NULL)));
	json_decref(before);
}

static void test_agency_update(void **state)
{
	(void)state;
	json_t *r =
		ok("agency.update", P("{s:s, s:s, s:s}", "code", "ice", "email",
				      "foia@ice.example.gov", "portal",
				      "https://www.dhs.gov/foia"));
	assert_int_equal(int_of(r, "changes"), 2);
	json_t *a = get(r, "agency");
	expect_str(a, "code", "ICE");
	expect_str(a, "email", "foia@ice.example.gov");
	expect_str(a, "name", "U.S. Immigration and Customs Enforcement");
	expect_str(a, "parent", "DHS");
	json_t *s = get(agency_show("ICE"), "agency");
	expect_str(s, "email", "foia@ice.example.gov");
	expect_str(s, "portal", "https://www.dhs.gov/foia");

	/* The same values again: no change. */
	r = ok("agency.update",
	       P("{s:s, s:s}", "code", "ICE", "email", "foia@ice.example.gov"));
	assert_int_equal(int_of(r, "changes"), 0);
	/* "" clears an optional value. */
	r = ok("agency.update", P("{s:s, s:s}", "code", "ICE", "email", ""));
	assert_int_equal(int_of(r, "changes"), 1);
	expect_str(get(r, "agency"), "email", NULL);
	expect_str(get(agency_show("ICE"), "agency"), "email", NULL);
	/* A new parent, then none. */
	r = ok("agency.update",
	       P("{s:s, s:s}", "code", "ICE", "parent", "DOJ"));
	expect_str(get(agency_show("ICE"), "agency"), "parent", "DOJ");
	r = ok("agency.update", P("{s:s, s:s}", "code", "ICE", "parent", ""));
	expect_str(get(agency_show("ICE"), "agency"), "parent", NULL);
	/* The name and jurisdiction. */
	r = ok("agency.update",
	       P("{s:s, s:s, s:s}", "code", "MINSAL", "name",
		 "Ministerio de Salud de El Salvador", "jurisdiction", "sv"));
	assert_int_equal(int_of(r, "changes"), 1);
	expect_str(get(agency_show("MINSAL"), "agency"), "name",
		   "Ministerio de Salud de El Salvador");
}

static void test_agency_update_refused(void **state)
{
	(void)state;
	/* ICE's parent is DHS: DHS under ICE would be a loop. */
	agency_update_refused(P("{s:s, s:s}", "code", "DHS", "parent", "ICE"),
			      FOIA_E_INVALID, "parent 'ICE' would make a loop");
	/* A longer loop: DHS <- ICE <- ERO, then DHS under ERO. */
	add_agency("ERO", "Enforcement and Removal Operations", "ICE", NULL);
	agency_update_refused(P("{s:s, s:s}", "code", "dhs", "parent", "ERO"),
			      FOIA_E_INVALID, "parent 'ERO' would make a loop");
	agency_update_refused(P("{s:s, s:s}", "code", "ICE", "parent", "ice"),
			      FOIA_E_INVALID,
			      "agency 'ICE' cannot be its own parent");
	agency_update_refused(P("{s:s, s:s}", "code", "ICE", "parent", "NOPE"),
			      FOIA_E_NOT_FOUND,
			      "unknown agency 'NOPE' (see 'foia agency list')");
	agency_update_refused(P("{s:s, s:s}", "code", "ICE", "email", "nope"),
			      FOIA_E_INVALID,
			      "invalid email 'nope' for agency 'ICE'");
	agency_update_refused(P("{s:s, s:s}", "code", "ICE", "name", ""),
			      FOIA_E_INVALID, "agency 'ICE' needs a name");
	agency_update_refused(
		P("{s:s, s:s}", "code", "ICE", "jurisdiction", ""),
		FOIA_E_INVALID, "an agency needs a jurisdiction");
	agency_update_refused(
		P("{s:s, s:s}", "code", "ICE", "portal", "www.ice.gov"),
		FOIA_E_INVALID,
		"invalid portal 'www.ice.gov' (expected an http "
		"or https URL)");
	agency_update_refused(P("{s:s, s:s, s:s}", "code", "ICE", "email",
				"ok@ice.example.gov", "fax", "1"),
			      FOIA_E_INVALID, "unknown parameter 'fax'");
	agency_update_refused(P("{s:s, s:s}", "code", "NOPE", "name", "x"),
			      FOIA_E_NOT_FOUND,
			      "unknown agency 'NOPE' (see 'foia agency list')");
	agency_update_refused(P("{s:s}", "name", "x"), FOIA_E_INVALID,
			      "'code' is required");
	agency_update_refused(P("{s:s, s:i}", "code", "ICE", "name", 3),
			      FOIA_E_INVALID, "'name' must be a string");
}

/* Agency codes are compared without case: the reply holds what was
 * stored, and a parent named in other case is no change. */
static void test_agency_add_reply_is_stored(void **state)
{
	(void)state;
	json_t *a = get(ok("agency.add", P("{s:s, s:s, s:s}", "code", "EOIR",
					   "name", "EOIR", "parent", "doj")),
			"agency");
	json_t *stored = get(agency_show("EOIR"), "agency");
	expect_str(stored, "parent", "DOJ");
	assert_true(json_equal(a, stored));
}

static void test_agency_update_parent_case(void **state)
{
	(void)state;
	json_t *r = ok("agency.update",
		       P("{s:s, s:s}", "code", "ICE", "parent", "dhs"));
	assert_int_equal(int_of(r, "changes"), 0);
	expect_str(get(r, "agency"), "parent", "DHS");
	assert_true(json_equal(get(r, "agency"),
			       get(agency_show("ICE"), "agency")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_not_json),
		T(test_not_object),
		T(test_version),
		T(test_unknown_method),
		T(test_params_not_object),
		T(test_id_echo),
		T(test_line_length_respected),
		T(test_error_reply),
		T(test_status),
		T(test_file_single),
		T(test_file_draft),
		T(test_file_batch),
		T(test_file_agencies_refused),
		T(test_file_subject),
		T(test_file_bad_values),
		T(test_file_unknown_param),
		T(test_file_agency_singular_refused),
		T(test_file_utf8),
		T(test_list),
		T(test_list_refused),
		T(test_show),
		T(test_update_fields),
		T(test_update_clear),
		T(test_update_tags),
		T(test_update_status_legal),
		T(test_update_draft_to_submitted),
		T(test_update_status_illegal),
		T(test_update_dates),
		T(test_update_agency),
		T(test_update_refusals_change_nothing),
		T(test_update_ids),
		T(test_update_note_only),
		T(test_update_history_explains_state),
		T(test_update_submit_keeps_sent),
		T(test_note),
		T(test_agency_add),
		T(test_agency_add_refused),
		T(test_agency_list),
		T(test_agency_show),
		T(test_agency_update),
		T(test_agency_update_refused),
		T(test_agency_add_reply_is_stored),
		T(test_agency_update_parent_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
