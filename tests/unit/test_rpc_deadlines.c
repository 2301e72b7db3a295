/*
 * test_rpc_deadlines.c: the deadline side of the protocol (issue 3), driven
 * through rpc_handle_line as the server drives it: request.show's
 * deadlines, clock and explanations; request.toll, request.extend and
 * request.agree; the tolls that awaiting-requester opens and closes;
 * request.list's "next" and urgency order; and the deadlines, calc,
 * holidays and jurisdiction.list methods.
 *
 * Each test runs on a fresh ":memory:" store seeded from
 * config/agencies.conf (plus a few agencies of other laws), with the laws
 * of config/jurisdictions.conf loaded once for the whole run (tests run
 * from the repository root; FOIAD_SRCDIR overrides). Dates are either far
 * enough in the past that a request's state is certain, or computed from
 * today on the loaded calendar. Every refused write is checked to have
 * changed nothing: the request as shown before and after is the same JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "daemon.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "jurisdiction.h"
#include "method_util.h"
#include "peer.h"
#include "rpc.h"
#include "seed.h"
#include "store.h"
#include "workcal.h"

#define TESTUTIL_RPC
#include "testutil.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define LAWS	 FOIAD_SRCDIR "/config/jurisdictions.conf"
#define AGENCIES FOIAD_SRCDIR "/config/agencies.conf"

static struct jurisdictions laws; /* loaded once, shared by every test */

/* --- dates (the protocol plumbing and D() are in testutil.h) ----------- */

/* A day number as text, in one of a few rotating buffers. */
static const char *S(int32_t d)
{
	static char buf[8][16];
	static int i;
	i = (i + 1) % 8;
	civil_format(d, buf[i], sizeof(buf[i]));
	return buf[i];
}

static const struct workcal *fedcal(void)
{
	const struct jurisdiction *l = jurisdiction_find(&laws, "us-federal");
	assert_non_null(l);
	const struct juris_calendar *c = jurisdiction_calendar(&laws, l);
	assert_non_null(c);
	return c->cal;
}

/* n federal working days after d. */
static int32_t wd_after(int32_t d, int n)
{
	int32_t out;
	assert_int_equal(workcal_add_working_days(fedcal(), d, n, &out),
			 WORKCAL_OK);
	return out;
}

/* --- fixtures ------------------------------------------------------------ */

static int group_setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	char err[256] = "";
	if (config_load_jurisdictions(LAWS, &laws, &errs) != 0) {
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n", errs.text[i]);
		return -1;
	}
	if (jurisdictions_build(&laws, err, sizeof(err)) != 0) {
		fprintf(stderr, "jurisdictions_build: %s\n", err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	jurisdictions_free(&laws);
	return 0;
}

static void add_agency(const char *code, const char *juris)
{
	ok("agency.add", P("{s:s, s:s, s:s}", "code", code, "name", code,
			   "jurisdiction", juris));
}

static int setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	if (rpc_open() < 0)
		return -1;
	dmn.laws = laws;
	if (seed_agencies(dmn.store, AGENCIES, &errs) < 1) {
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n", errs.text[i]);
		return -1;
	}
	add_agency("DOI", "us-federal");
	add_agency("AZ-DPS", "us-az");
	add_agency("DE-DOJ", "us-de");
	add_agency("CA-DOJ", "us-ca");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rpc_close(); /* the laws stay loaded */
	return 0;
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* File one request; sent and received may be NULL. Returns its id. */
static json_int_t file_req(const char *agency, const char *subject,
			   const char *sent, const char *received)
{
	json_t *p = P("{s:[s], s:s}", "agencies", agency, "subject", subject);
	if (sent)
		json_object_set_new(p, "sent", json_string(sent));
	if (received)
		json_object_set_new(p, "received", json_string(received));
	json_t *ids = get(ok("request.file", p), "ids");
	assert_int_equal(json_array_size(ids), 1);
	return json_integer_value(json_array_get(ids, 0));
}

static json_t *show(json_int_t id)
{
	return ok("request.show", P("{s:I}", "id", id));
}

static json_t *show_explain(json_int_t id)
{
	return ok("request.show", P("{s:I, s:b}", "id", id, "explain", 1));
}

/* The first deadline of a show (or clock-method) result. */
static json_t *deadline(json_t *result, size_t i)
{
	json_t *a = get(result, "deadlines");
	assert_true(json_is_array(a));
	if (i >= json_array_size(a))
		fail_msg("no deadline %zu (of %zu)", i, json_array_size(a));
	return json_array_get(a, i);
}

static void update(json_int_t id, const char *status, const char *date)
{
	ok("request.update",
	   P("{s:I, s:s, s:s}", "id", id, "status", status, "date", date));
}

/* A call that must be refused and leave request id exactly as it was. */
static const char *refused(json_int_t id, const char *method, json_t *params,
			   const char *code, const char *msg)
{
	/* Kept with the replies, so a failing test leaks nothing. */
	json_t *before = json_deep_copy(show_explain(id));
	assert_non_null(before);
	assert_int_equal(json_array_append_new(keep, before), 0);
	const char *m = fails(method, params, code, msg);
	json_t *after = show_explain(id);
	if (!json_equal(before, after)) {
		char *a = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
		char *b = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(stderr, "# before: %s\n# after:  %s\n", a, b);
		free(a);
		free(b);
		fail_msg("refused %s ('%s') changed request %lld", method, m,
			 (long long)id);
	}
	return m;
}

static json_t *last_event(json_int_t id)
{
	json_t *ev = get(show(id), "events");
	assert_true(json_array_size(ev) > 0);
	return json_array_get(ev, json_array_size(ev) - 1);
}

static size_t count_kind(json_int_t id, const char *kind)
{
	json_t *ev = get(show(id), "events"), *e;
	size_t n = 0, i;
	json_array_foreach(ev, i, e)
	{
		const char *k = json_string_value(json_object_get(e, "kind"));
		n += k && strcmp(k, kind) == 0;
	}
	return n;
}

/* Does the array of strings a hold s? */
static bool has_line(json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

static void expect_line(json_t *a, const char *s)
{
	if (!has_line(a, s)) {
		char *all = json_dumps(a, JSON_INDENT(1));
		fprintf(stderr, "# %s\n", all);
		free(all);
		fail_msg("no explanation line '%s'", s);
	}
}

/* --- request.show -------------------------------------------------------- */

static void expect_deadline_keys(json_t *d)
{
	static const char *const keys[] = {
		"kind",	     "what",	"state",  "due",
		"days_left", "overdue", "met_on", "assumed_start",
		"start",     "period",	"unit",	  "extension"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		get(d, keys[i]);
}

static void test_show_past(void **state)
{
	(void)state;
	int32_t today = today_days();
	json_int_t id = file_req("ICE", "june", "2025-06-09", "2025-06-10");
	json_t *s = show_explain(id);
	assert_int_equal(json_array_size(get(s, "deadlines")), 1);
	json_t *d = deadline(s, 0);
	expect_deadline_keys(d);
	expect_str(d, "kind", "determination");
	expect_str(d, "what", "FOIA response due");
	expect_str(d, "state", "overdue");
	expect_str(d, "due", "2025-07-10");
	expect_int(d, "days_left", D("2025-07-10") - today);
	expect_bool(d, "overdue", true);
	expect_null(d, "met_on");
	expect_bool(d, "assumed_start", false);
	expect_str(d, "start", "2025-06-10");
	expect_int(d, "period", 20);
	expect_str(d, "unit", "working");
	expect_int(d, "extension", 0);
	/* The holidays not counted, by name. */
	json_t *ex = get(d, "explain");
	assert_true(json_is_array(ex));
	expect_line(ex, "2025-06-10 Tue  received");
	expect_line(ex, "2025-06-19 Thu  skipped: Juneteenth National "
			"Independence Day");
	expect_line(ex, "2025-07-04 Fri  skipped: Independence Day");
	expect_line(ex, "2025-07-10 Thu  initial determination due: working "
			"day 20");
	expect_line(ex, "2025-07-11 Fri  overdue from this day");

	json_t *clock = get(s, "clock");
	expect_str(clock, "state", "running");
	expect_null(clock, "since");
	expect_null(clock, "used");
	expect_int(clock, "period", 20);
	expect_str(clock, "unit", "working");
	expect_str(s, "exhaustion", "2025-07-11");
	expect_str(s, "limitations", "2031-07-11");

	json_t *j = get(s, "jurisdiction_info");
	expect_str(j, "code", "us-federal");
	expect_str(j, "name", "Freedom of Information Act");
	expect_str(j, "citation", "5 U.S.C. 552");
	expect_str(j, "confidence", "statute");
	expect_str(j, "calendar", "us-federal");
	expect_bool(j, "own_calendar", true);

	/* Without "explain" (or with it false) there are no lines. */
	assert_null(json_object_get(deadline(show(id), 0), "explain"));
	assert_null(json_object_get(
		deadline(ok("request.show",
			    P("{s:I, s:b}", "id", id, "explain", 0)),
			 0),
		"explain"));
	/* The rest of show is as before. */
	expect_str(get(s, "request"), "received", "2025-06-10");
	assert_true(json_is_array(get(s, "events")));
}

static void test_show_upcoming(void **state)
{
	(void)state;
	int32_t today = today_days();
	int32_t received = today - 1, due = wd_after(received, 20);
	json_int_t id = file_req("ICE", "soon", S(received), S(received));
	json_t *s = show(id);
	json_t *d = deadline(s, 0);
	expect_str(d, "state", "due");
	expect_str(d, "due", S(due));
	expect_int(d, "days_left", due - today);
	assert_true(int_of(d, "days_left") > 0);
	expect_bool(d, "overdue", false);
	expect_str(get(s, "clock"), "state", "running");
	expect_null(s, "exhaustion");
	expect_null(s, "limitations");

	/* Receipt unknown, mailed: counted from sent + 5, and said so. */
	json_t *p = P("{s:[s], s:s, s:s, s:s}", "agencies", "ICE", "subject",
		      "mailed", "sent", S(today - 2), "method", "mail");
	json_int_t mailed = json_integer_value(
		json_array_get(get(ok("request.file", p), "ids"), 0));
	d = deadline(show(mailed), 0);
	expect_bool(d, "assumed_start", true);
	expect_str(d, "start", S(today + 3));
	expect_str(d, "due", S(wd_after(today + 3, 20)));

	/* A draft: no deadlines, no clock, the law all the same. */
	json_int_t draft = file_req("ICE", "draft", NULL, NULL);
	s = show(draft);
	assert_int_equal(json_array_size(get(s, "deadlines")), 0);
	json_t *clock = get(s, "clock");
	expect_str(clock, "state", "none");
	expect_null(clock, "since");
	expect_null(clock, "used");
	expect_null(clock, "period");
	expect_null(clock, "unit");
	expect_null(s, "exhaustion");
	expect_str(get(s, "jurisdiction_info"), "code", "us-federal");

	/* Expedited: the second clock, 10 calendar days. */
	p = P("{s:[s], s:s, s:s, s:s, s:b}", "agencies", "ICE", "subject",
	      "fast", "sent", S(today), "received", S(today), "expedited", 1);
	json_int_t fast = json_integer_value(
		json_array_get(get(ok("request.file", p), "ids"), 0));
	s = show(fast);
	assert_int_equal(json_array_size(get(s, "deadlines")), 2);
	d = deadline(s, 1);
	expect_str(d, "kind", "expedited");
	expect_str(d, "what", "expedited processing decision due");
	expect_str(d, "due", S(today + 10));
	expect_int(d, "days_left", 10);
	expect_str(d, "unit", "calendar");
}

static void test_show_other_laws(void **state)
{
	(void)state;
	int32_t today = today_days();
	/* Arizona sets no period: a follow-up every 10 days. */
	json_int_t az = file_req("AZ-DPS", "az", S(today - 3), S(today - 3));
	json_t *s = show(az);
	assert_int_equal(json_array_size(get(s, "deadlines")), 1);
	json_t *d = deadline(s, 0);
	expect_str(d, "kind", "followup");
	expect_str(d, "what", "follow-up due");
	expect_str(d, "due", S(today + 7));
	expect_int(d, "days_left", 7);
	expect_str(d, "unit", "calendar");
	expect_int(d, "period", 10);
	expect_str(get(s, "clock"), "state", "running");
	json_t *j = get(s, "jurisdiction_info");
	expect_str(j, "code", "us-az");
	expect_str(j, "confidence", "secondary");
	expect_bool(j, "own_calendar", false);
	expect_str(j, "calendar", "us-federal");

	/* California: 10 calendar days, moved off a weekend (received Wed
	 * 2025-06-25: day 10 is Sat 07-05, due Mon 07-07). */
	json_int_t ca = file_req("CA-DOJ", "ca", "2025-06-25", "2025-06-25");
	d = deadline(show(ca), 0);
	expect_str(d, "due", "2025-07-07");
	expect_str(d, "unit", "calendar");
	expect_int(d, "period", 10);
	/* Not a law with exhaustion. */
	expect_null(show(ca), "exhaustion");
}

/* --- request.toll -------------------------------------------------------- */

static void test_toll_open_close(void **state)
{
	(void)state;
	json_int_t id = file_req("ICE", "toll", "2025-03-03", "2025-03-03");
	json_t *r = ok("request.toll",
		       P("{s:I, s:s, s:s, s:s}", "id", id, "from", "2025-03-10",
			 "reason", "clarification", "note", "asked for dates"));
	expect_int(get(r, "request"), "id", id);
	json_t *d = deadline(r, 0);
	expect_str(d, "state", "stopped");
	expect_null(d, "due");
	expect_null(d, "days_left");
	expect_bool(d, "overdue", false);
	json_t *e = last_event(id);
	expect_str(e, "kind", "toll");
	expect_str(e, "field", "clarification");
	expect_str(e, "date", "2025-03-10");
	expect_null(e, "to");
	expect_str(e, "note", "asked for dates");
	expect_str(e, "actor", "alice");

	/* The clock: stopped since the toll, 5 of 20 used. */
	json_t *s = show_explain(id);
	json_t *clock = get(s, "clock");
	expect_str(clock, "state", "stopped");
	expect_str(clock, "since", "2025-03-10");
	expect_int(clock, "used", 5);
	expect_int(clock, "period", 20);
	expect_str(clock, "unit", "working");
	expect_null(s, "exhaustion");
	expect_line(get(deadline(s, 0), "explain"),
		    "clock stopped since 2025-03-10 Mon: 5 of 20 working days "
		    "used, 15 left; no due date until the answer arrives");

	/* Closed: running again, 8 working days later than 03-31. */
	r = ok("request.toll",
	       P("{s:I, s:s}", "id", id, "until", "2025-03-20"));
	d = deadline(r, 0);
	expect_str(d, "due", "2025-04-10");
	expect_str(d, "state", "overdue");
	e = last_event(id);
	expect_str(e, "kind", "toll-end");
	expect_str(e, "date", "2025-03-20");
	clock = get(show(id), "clock");
	expect_str(clock, "state", "running");
	expect_null(clock, "since");
	expect_null(clock, "used");
	expect_str(show(id), "exhaustion", "2025-04-11");

	/* A toll given whole, for fees, on another request. */
	json_int_t fee = file_req("ICE", "fee", "2025-03-03", "2025-03-03");
	r = ok("request.toll",
	       P("{s:I, s:s, s:s, s:s}", "id", fee, "from", "2025-03-10",
		 "until", "2025-03-20", "reason", "fees"));
	expect_str(deadline(r, 0), "due", "2025-04-10");
	e = last_event(fee);
	expect_str(e, "kind", "toll");
	expect_str(e, "field", "fees");
	expect_str(e, "to", "2025-03-20");
	expect_str(get(show(fee), "clock"), "state", "running");
	/* Another one after it is fine: (03-24, 03-26] is 2 more days. */
	r = ok("request.toll", P("{s:I, s:s, s:s}", "id", fee, "from",
				 "2025-03-24", "reason", "fees"));
	expect_str(deadline(r, 0), "state", "stopped");
	r = ok("request.toll",
	       P("{s:I, s:s}", "id", fee, "until", "2025-03-26"));
	expect_str(deadline(r, 0), "due", "2025-04-14");
}

static void test_toll_refused(void **state)
{
	(void)state;
	char msg[256];
	json_int_t id = file_req("ICE", "toll", "2025-03-01", "2025-03-03");
	refused(id, "request.toll",
		P("{s:I, s:s}", "id", id, "from", "2025-03-10"), FOIA_E_INVALID,
		"a toll needs a reason (clarification or fees)");
	refused(id, "request.toll",
		P("{s:I, s:s, s:s}", "id", id, "from", "2025-03-10", "reason",
		  "money"),
		FOIA_E_INVALID,
		"unknown reason 'money' (expected clarification, fees)");
	refused(id, "request.toll",
		P("{s:I, s:s, s:s, s:s}", "id", id, "from", "2025-03-10",
		  "until", "2025-03-05", "reason", "clarification"),
		FOIA_E_INVALID,
		"toll answered 2025-03-05 before it was asked 2025-03-10");
	refused(id, "request.toll",
		P("{s:I, s:s, s:s}", "id", id, "from", "2025-03-02", "reason",
		  "fees"),
		FOIA_E_INVALID,
		"from 2025-03-02 is before the request was received on "
		"2025-03-03");
	refused(id, "request.toll",
		P("{s:I, s:s, s:s}", "id", id, "from", "2025-02-30", "reason",
		  "fees"),
		FOIA_E_INVALID,
		"invalid date '2025-02-30' for 'from' (expected YYYY-MM-DD)");
	snprintf(msg, sizeof(msg), "request %lld has no open toll to close",
		 (long long)id);
	refused(id, "request.toll",
		P("{s:I, s:s}", "id", id, "until", "2025-03-20"),
		FOIA_E_CONFLICT, msg);
	refused(id, "request.toll", P("{s:I}", "id", id), FOIA_E_INVALID,
		"'until' is required");
	refused(id, "request.toll",
		P("{s:I, s:s, s:s, s:s}", "id", id, "from", "2025-03-10",
		  "reason", "fees", "why", "x"),
		FOIA_E_INVALID, "unknown parameter 'why'");

	/* One open toll at a time. */
	ok("request.toll", P("{s:I, s:s, s:s}", "id", id, "from", "2025-03-10",
			     "reason", "clarification"));
	snprintf(msg, sizeof(msg),
		 "request %lld already has a toll open since 2025-03-10; "
		 "close it first with 'foia toll %lld --until DATE'",
		 (long long)id, (long long)id);
	refused(id, "request.toll",
		P("{s:I, s:s, s:s}", "id", id, "from", "2025-03-12", "reason",
		  "fees"),
		FOIA_E_CONFLICT, msg);
	refused(id, "request.toll",
		P("{s:I, s:s, s:s, s:s}", "id", id, "from", "2025-03-12",
		  "until", "2025-03-14", "reason", "fees"),
		FOIA_E_CONFLICT, msg);
	/* Closing before it opened. */
	refused(id, "request.toll",
		P("{s:I, s:s}", "id", id, "until", "2025-03-07"),
		FOIA_E_INVALID,
		"toll answered 2025-03-07 before it was asked 2025-03-10");
	assert_int_equal(count_kind(id, "toll"), 1);
	assert_int_equal(count_kind(id, "toll-end"), 0);

	/* A draft has no clock to stop; an unknown request. */
	json_int_t draft = file_req("ICE", "draft", NULL, NULL);
	snprintf(msg, sizeof(msg),
		 "request %lld has not been sent: its clock has not started",
		 (long long)draft);
	refused(draft, "request.toll",
		P("{s:I, s:s, s:s}", "id", draft, "from", "2025-03-10",
		  "reason", "fees"),
		FOIA_E_CONFLICT, msg);
	fails("request.toll",
	      P("{s:i, s:s, s:s}", "id", 999, "from", "2025-03-10", "reason",
		"fees"),
	      FOIA_E_NOT_FOUND, "no request 999");
}

/* A law with no period has no clock to check a toll against, but a toll
 * answered before it was asked is wrong under any law: refused all the
 * same (stored, it would break the request's show the day its law
 * changes). */
static void test_toll_refused_no_period(void **state)
{
	(void)state;
	json_int_t id = file_req("AZ-DPS", "az", "2025-03-03", "2025-03-03");
	refused(id, "request.toll",
		P("{s:I, s:s, s:s, s:s}", "id", id, "from", "2025-03-10",
		  "until", "2025-03-05", "reason", "clarification"),
		FOIA_E_INVALID,
		"toll answered 2025-03-05 before it was asked 2025-03-10");
	assert_int_equal(count_kind(id, "toll"), 0);
}

/* --- request.extend ------------------------------------------------------ */

static void test_extend(void **state)
{
	(void)state;
	json_int_t id = file_req("ICE", "ext", "2025-03-03", "2025-03-03");
	/* More than the statute allows: refused, naming it. */
	refused(id, "request.extend",
		P("{s:I, s:s, s:i}", "id", id, "date", "2025-03-20", "days",
		  11),
		FOIA_E_CONFLICT,
		"an extension of 11 working days (0 already recorded) is over "
		"the 10 that 5 U.S.C. 552 allows; record a longer period as "
		"an agreed date ('foia agree')");
	refused(id, "request.extend",
		P("{s:I, s:s, s:i}", "id", id, "date", "2025-03-20", "days", 0),
		FOIA_E_INVALID, "'days' must be a positive number of days");
	refused(id, "request.extend", P("{s:I}", "id", id), FOIA_E_INVALID,
		"'date' is required");
	refused(id, "request.extend",
		P("{s:I, s:s}", "id", id, "date", "2025-03-01"), FOIA_E_INVALID,
		"date 2025-03-01 is before the request was received on "
		"2025-03-03");

	/* The default is the law's maximum: 10 working days. */
	json_t *r = ok("request.extend",
		       P("{s:I, s:s, s:s}", "id", id, "date", "2025-03-20",
			 "note", "unusual circumstances"));
	json_t *d = deadline(r, 0);
	expect_int(d, "extension", 10);
	expect_str(d, "due", "2025-04-14");
	expect_int(get(show(id), "clock"), "period", 30);
	json_t *e = last_event(id);
	expect_str(e, "kind", "extension");
	expect_str(e, "field", "days");
	expect_str(e, "to", "10");
	expect_str(e, "date", "2025-03-20");
	expect_str(e, "note", "unusual circumstances");

	/* The cap is spent: any more is refused, by default or not. */
	refused(id, "request.extend",
		P("{s:I, s:s, s:i}", "id", id, "date", "2025-03-25", "days", 1),
		FOIA_E_CONFLICT,
		"an extension of 1 working days (10 already recorded) is over "
		"the 10 that 5 U.S.C. 552 allows; record a longer period as "
		"an agreed date ('foia agree')");
	assert_int_equal(count_kind(id, "extension"), 1);

	/* Two notices that together pass the cap. */
	json_int_t two = file_req("ICE", "two", "2025-03-03", "2025-03-03");
	ok("request.extend",
	   P("{s:I, s:s, s:i}", "id", two, "date", "2025-03-20", "days", 6));
	refused(two, "request.extend",
		P("{s:I, s:s, s:i}", "id", two, "date", "2025-03-21", "days",
		  5),
		FOIA_E_CONFLICT,
		"an extension of 5 working days (6 already recorded) is over "
		"the 10 that 5 U.S.C. 552 allows; record a longer period as "
		"an agreed date ('foia agree')");
	/* The default is what is left. */
	r = ok("request.extend",
	       P("{s:I, s:s}", "id", two, "date", "2025-03-21"));
	expect_int(deadline(r, 0), "extension", 10);
	expect_str(last_event(two), "to", "4");

	/* After an appeal the extension is the appeal clock's. */
	update(two, "denied", "2025-03-28");
	update(two, "appealed", "2025-04-10");
	r = ok("request.extend",
	       P("{s:I, s:s}", "id", two, "date", "2025-04-15"));
	json_t *s = show(two);
	expect_int(deadline(s, 0), "extension", 10);
	d = deadline(s, 2);
	expect_str(d, "kind", "appeal_decision");
	expect_int(d, "extension", 10);
	expect_str(d, "due", "2025-05-22");

	/* A law with no period has nothing to extend; one with no cap
	 * needs the days of the notice. */
	json_int_t az = file_req("AZ-DPS", "az", "2025-03-03", "2025-03-03");
	refused(az, "request.extend",
		P("{s:I, s:s}", "id", az, "date", "2025-03-20"),
		FOIA_E_CONFLICT,
		"A.R.S. 39-121.01(D),(E) allows no extension of the response "
		"period");
	json_int_t de = file_req("DE-DOJ", "de", "2025-03-03", "2025-03-03");
	refused(de, "request.extend",
		P("{s:I, s:s}", "id", de, "date", "2025-03-20"), FOIA_E_INVALID,
		"29 Del. C. 10003(h) sets no maximum extension: give the days "
		"of the notice");
	r = ok("request.extend", P("{s:I, s:s, s:i}", "id", de, "date",
				   "2025-03-20", "days", 40));
	expect_int(deadline(r, 0), "extension", 40);
}

/* With the cap spent, the default ("the law's maximum" less what was
 * recorded) is nothing left: refused, not recorded as a 0-day notice. */
static void test_extend_default_when_spent(void **state)
{
	(void)state;
	json_int_t id = file_req("ICE", "ext", "2025-03-03", "2025-03-03");
	ok("request.extend", P("{s:I, s:s}", "id", id, "date", "2025-03-20"));
	refused(id, "request.extend",
		P("{s:I, s:s}", "id", id, "date", "2025-03-25"),
		FOIA_E_CONFLICT, NULL);
	assert_int_equal(count_kind(id, "extension"), 1);
}

/* --- request.agree ------------------------------------------------------- */

static void test_agree(void **state)
{
	(void)state;
	int32_t today = today_days();
	json_int_t id = file_req("ICE", "agree", "2025-03-03", "2025-03-03");
	refused(id, "request.agree",
		P("{s:I, s:s}", "id", id, "date", S(today + 30)),
		FOIA_E_INVALID, "an agreed date needs a reason");
	refused(id, "request.agree",
		P("{s:I, s:s, s:s}", "id", id, "date", S(today + 30), "reason",
		  ""),
		FOIA_E_INVALID, "an agreed date needs a reason");
	refused(id, "request.agree",
		P("{s:I, s:s}", "id", id, "reason", "phone call"),
		FOIA_E_INVALID, "'date' is required");
	refused(id, "request.agree",
		P("{s:I, s:s, s:s}", "id", id, "date", "2025-02-01", "reason",
		  "x"),
		FOIA_E_INVALID,
		"date 2025-02-01 is before the request was received on "
		"2025-03-03");

	json_t *r = ok("request.agree",
		       P("{s:I, s:s, s:s}", "id", id, "date", S(today + 30),
			 "reason", "narrowed by phone"));
	json_t *d = deadline(r, 0);
	expect_str(d, "due", S(today + 30));
	expect_str(d, "state", "agreed");
	expect_int(d, "days_left", 30);
	expect_bool(d, "overdue", false);
	expect_bool(d, "agreed", true);
	/* No longer overdue: no exhaustion. */
	expect_null(show(id), "exhaustion");
	json_t *e = last_event(id);
	expect_str(e, "kind", "agreed");
	/* The event's date is when it was agreed; "to" the date agreed. */
	expect_str(e, "date", S(today));
	expect_str(e, "to", S(today + 30));
	expect_str(e, "note", "narrowed by phone");
}

/* issue3-spec.md: a deadline's state is "agreed" when its due date is an
 * agreed one ("otherwise like due"). */
static void test_agree_state_on_wire(void **state)
{
	(void)state;
	int32_t today = today_days();
	json_int_t id = file_req("ICE", "agree", "2025-03-03", "2025-03-03");
	json_t *r = ok("request.agree",
		       P("{s:I, s:s, s:s}", "id", id, "date", S(today + 30),
			 "reason", "narrowed by phone"));
	expect_str(deadline(r, 0), "state", "agreed");
	expect_str(deadline(show(id), 0), "state", "agreed");
}

/* --- awaiting-requester -------------------------------------------------- */

static void test_awaiting_requester(void **state)
{
	(void)state;
	json_int_t id = file_req("ICE", "wait", "2025-03-03", "2025-03-03");
	update(id, "processing", "2025-03-04");
	json_t *s = show(id);
	expect_str(get(s, "clock"), "state", "running");
	int32_t before = D(json_string_value(get(deadline(s, 0), "due")));
	assert_int_equal(before, D("2025-03-31"));

	update(id, "awaiting-requester", "2025-03-10");
	s = show(id);
	json_t *clock = get(s, "clock");
	expect_str(clock, "state", "stopped");
	expect_str(clock, "since", "2025-03-10");
	expect_int(clock, "used", 5);
	expect_str(deadline(s, 0), "state", "stopped");
	json_t *e = last_event(id);
	expect_str(e, "kind", "toll");
	expect_str(e, "field", "clarification");
	expect_str(e, "date", "2025-03-10");
	expect_null(e, "to");

	/* Leaving before the clock stopped is refused. */
	refused(id, "request.update",
		P("{s:I, s:s, s:s}", "id", id, "status", "processing", "date",
		  "2025-03-05"),
		FOIA_E_INVALID,
		"date 2025-03-05 is before the clock stopped on 2025-03-10");

	update(id, "processing", "2025-03-20");
	s = show(id);
	expect_str(get(s, "clock"), "state", "running");
	e = last_event(id);
	expect_str(e, "kind", "toll-end");
	expect_str(e, "date", "2025-03-20");
	/* Moved by exactly the working days tolled, (03-10, 03-20]. */
	int tolled = 0;
	assert_int_equal(workcal_working_days_between(fedcal(), D("2025-03-10"),
						      D("2025-03-20"), &tolled),
			 WORKCAL_OK);
	assert_int_equal(tolled, 8);
	expect_str(deadline(s, 0), "due", S(wd_after(before, tolled)));
	expect_str(deadline(s, 0), "due", "2025-04-10");

	/* A toll already open is not opened twice; a determination closes
	 * it. */
	json_int_t two = file_req("ICE", "two", "2025-03-03", "2025-03-03");
	ok("request.toll", P("{s:I, s:s, s:s}", "id", two, "from", "2025-03-10",
			     "reason", "fees"));
	update(two, "awaiting-requester", "2025-03-12");
	assert_int_equal(count_kind(two, "toll"), 1);
	expect_str(get(show(two), "clock"), "since", "2025-03-10");
	update(two, "granted", "2025-03-25");
	assert_int_equal(count_kind(two, "toll-end"), 1);
	s = show(two);
	expect_str(get(s, "clock"), "state", "done");
	expect_str(deadline(s, 0), "state", "met");
	expect_str(deadline(s, 0), "met_on", "2025-03-25");
	expect_null(deadline(s, 0), "days_left");
}

/* --- request.list -------------------------------------------------------- */

static void test_list_next(void **state)
{
	(void)state;
	int32_t today = today_days();
	/* Nothing filed: an empty list. */
	assert_int_equal(
		json_array_size(get(ok("request.list", NULL), "requests")), 0);
	json_int_t draft = file_req("ICE", "draft", NULL, NULL);
	json_int_t late = file_req("ICE", "late", "2025-03-03", "2025-03-03");
	json_int_t soon = file_req("ICE", "soon", S(today - 1), S(today - 1));
	/* Jan 15 2024 is MLK Day: due Wed 2024-01-31. */
	json_int_t later =
		file_req("CBP", "very late", "2024-01-02", "2024-01-02");
	json_int_t stopped =
		file_req("ICE", "stopped", "2025-03-03", "2025-03-03");
	ok("request.toll", P("{s:I, s:s, s:s}", "id", stopped, "from",
			     "2025-03-05", "reason", "clarification"));

	json_t *list = get(ok("request.list", NULL), "requests");
	assert_int_equal(json_array_size(list), 5);
	const json_int_t order[] = {later, late, soon, draft, stopped};
	for (size_t i = 0; i < 5; i++)
		if (int_of(json_array_get(list, i), "id") != order[i])
			fail_msg("item %zu is request %lld, expected %lld", i,
				 (long long)int_of(json_array_get(list, i),
						   "id"),
				 (long long)order[i]);

	json_t *n = get(json_array_get(list, 0), "next");
	static const char *const keys[] = {"kind",	"what",	   "due",
					   "days_left", "overdue", "state"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		get(n, keys[i]);
	expect_str(n, "kind", "determination");
	expect_str(n, "what", "FOIA response due");
	expect_str(n, "due", "2024-01-31");
	expect_int(n, "days_left", D("2024-01-31") - today);
	expect_bool(n, "overdue", true);
	expect_str(n, "state", "overdue");
	n = get(json_array_get(list, 2), "next");
	expect_str(n, "state", "due");
	expect_str(n, "due", S(wd_after(today - 1, 20)));
	expect_bool(n, "overdue", false);
	expect_null(json_array_get(list, 3), "next");
	expect_null(json_array_get(list, 4), "next");

	/* An answered request's next is its appeal window. */
	update(late, "denied", "2025-03-28");
	list = get(ok("request.list", P("{s:s}", "status", "denied")),
		   "requests");
	assert_int_equal(json_array_size(list), 1);
	n = get(json_array_get(list, 0), "next");
	expect_str(n, "kind", "appeal_window");
	expect_str(n, "due", "2025-06-26");
}

/* A date the calendars do not cover (a typo such as 1925 for 2025) makes
 * that request's deadlines uncomputable; it must not take the request's
 * own show, nor the list of every other request, down with it. */
static void test_out_of_calendar_date(void **state)
{
	(void)state;
	json_int_t good = file_req("ICE", "good", "2025-03-03", "2025-03-03");
	/* A typo such as 1925 is refused at the door... */
	fails("request.file",
	      P("{s:[s], s:s, s:s}", "agencies", "ICE", "subject", "typo",
		"sent", "1925-03-03"),
	      FOIA_E_INVALID,
	      "sent date 1925-03-03 is outside the years foiad counts (1978 "
	      "to 2100)");
	/* ...and one already stored (an older foiad let it in) must not
	 * hide everyone else's deadlines: it is written here behind the
	 * methods' back. */
	struct request r = {.agency = "ICE",
			    .subject = "typo",
			    .sent = "1925-03-03",
			    .received = "1925-03-03",
			    .status = "submitted",
			    .created_by = "test",
			    .fees_estimated = -1,
			    .fees_paid = -1};
	assert_int_equal(store_request_insert(dmn.store, &r), STORE_OK);
	json_int_t typo = r.id;
	free(r.created);
	free(r.updated);
	free(r.jurisdiction);
	json_t *list = get(ok("request.list", NULL), "requests");
	assert_int_equal(json_array_size(list), 2);
	expect_str(get(json_array_get(list, 0), "next"), "due", "2025-03-31");
	expect_int(json_array_get(list, 0), "id", good);
	json_t *s = show(typo);
	expect_str(get(s, "request"), "sent", "1925-03-03");
	assert_non_null(strstr(json_string_value(get(s, "deadlines_problem")),
			       "1925-03-03"));
	assert_int_equal(
		json_array_size(get(ok("deadlines", NULL), "deadlines")), 1);
}

/* --- deadlines ----------------------------------------------------------- */

static void expect_item(json_t *it, json_int_t id, const char *kind,
			int32_t due, const char *state)
{
	if (int_of(it, "request") != id ||
	    strcmp(json_string_value(get(it, "kind")), kind) != 0)
		fail_msg("item is request %lld %s, expected %lld %s",
			 (long long)int_of(it, "request"),
			 json_string_value(get(it, "kind")), (long long)id,
			 kind);
	expect_str(it, "due", S(due));
	expect_int(it, "days_left", due - today_days());
	expect_str(it, "state", state);
	expect_bool(it, "overdue", strcmp(state, "overdue") == 0);
}

static void test_deadlines(void **state)
{
	(void)state;
	int32_t today = today_days();
	json_t *p;
	json_int_t late = file_req("ICE", "late", "2025-03-03", "2025-03-03");
	ok("request.update", P("{s:I, s:s}", "id", late, "project", "p1"));
	json_int_t soon = file_req("CBP", "soon", S(today - 10), S(today - 10));
	ok("request.update", P("{s:I, s:s}", "id", soon, "project", "p2"));
	p = P("{s:[s], s:s, s:s, s:s, s:b}", "agencies", "ICE", "subject",
	      "fast", "sent", S(today), "received", S(today), "expedited", 1);
	json_int_t fast = json_integer_value(
		json_array_get(get(ok("request.file", p), "ids"), 0));
	/* Not listed: answered, withdrawn, draft, stopped. */
	json_int_t met = file_req("ICE", "met", "2025-03-03", "2025-03-03");
	update(met, "granted", "2025-03-20");
	json_int_t gone = file_req("ICE", "gone", S(today - 2), S(today - 2));
	update(gone, "withdrawn", S(today - 1));
	file_req("ICE", "draft", NULL, NULL);
	json_int_t stopped =
		file_req("ICE", "stopped", S(today - 5), S(today - 5));
	ok("request.toll", P("{s:I, s:s, s:s}", "id", stopped, "from",
			     S(today - 3), "reason", "fees"));

	int32_t d_late = D("2025-03-31"), d_soon = wd_after(today - 10, 20),
		d_exp = today + 10, d_fast = wd_after(today, 20);
	assert_true(d_exp < d_soon && d_soon < d_fast);

	json_t *all = get(ok("deadlines", NULL), "deadlines");
	assert_int_equal(json_array_size(all), 4);
	expect_item(json_array_get(all, 0), late, "determination", d_late,
		    "overdue");
	expect_item(json_array_get(all, 1), fast, "expedited", d_exp, "due");
	expect_item(json_array_get(all, 2), soon, "determination", d_soon,
		    "due");
	expect_item(json_array_get(all, 3), fast, "determination", d_fast,
		    "due");
	json_t *it = json_array_get(all, 0);
	expect_str(it, "agency", "ICE");
	expect_str(it, "subject", "late");
	expect_str(it, "project", "p1");
	expect_str(it, "status", "submitted");
	expect_str(it, "what", "FOIA response due");
	expect_null(json_array_get(all, 1), "project");

	/* Within the days left of "soon": it and everything sooner. */
	json_t *w = get(
		ok("deadlines", P("{s:i}", "within", (int)(d_soon - today))),
		"deadlines");
	assert_int_equal(json_array_size(w), 3);
	expect_item(json_array_get(w, 2), soon, "determination", d_soon, "due");
	w = get(ok("deadlines",
		   P("{s:i}", "within", (int)(d_soon - today) - 1)),
		"deadlines");
	assert_int_equal(json_array_size(w), 2);
	expect_item(json_array_get(w, 1), fast, "expedited", d_exp, "due");

	json_t *o = get(ok("deadlines", P("{s:b}", "overdue", 1)), "deadlines");
	assert_int_equal(json_array_size(o), 1);
	expect_item(json_array_get(o, 0), late, "determination", d_late,
		    "overdue");
	o = get(ok("deadlines", P("{s:b}", "overdue", 0)), "deadlines");
	assert_int_equal(json_array_size(o), 4);

	json_t *pr =
		get(ok("deadlines", P("{s:s}", "project", "p2")), "deadlines");
	assert_int_equal(json_array_size(pr), 1);
	expect_item(json_array_get(pr, 0), soon, "determination", d_soon,
		    "due");
	pr = get(ok("deadlines", P("{s:s}", "project", "none")), "deadlines");
	assert_int_equal(json_array_size(pr), 0);

	fails("deadlines", P("{s:i}", "within", -1), FOIA_E_INVALID,
	      "'within' must be a number of days");
	fails("deadlines", P("{s:s}", "within", "7"), FOIA_E_INVALID,
	      "'within' must be a number of days");
	fails("deadlines", P("{s:s}", "agency", "ICE"), FOIA_E_INVALID,
	      "unknown parameter 'agency'");
}

/* --- calc ---------------------------------------------------------------- */

static json_t *calc(json_t *params)
{
	return ok("calc", params);
}

static void test_calc(void **state)
{
	(void)state;
	json_t *r = calc(P("{s:s}", "received", "2025-03-03"));
	expect_str(r, "due", "2025-03-31");
	expect_str(r, "state", "due");
	expect_str(r, "start", "2025-03-03");
	expect_int(r, "period", 20);
	expect_str(r, "unit", "working");
	expect_int(r, "extension", 0);
	expect_str(r, "jurisdiction", "us-federal");
	expect_str(r, "citation", "5 U.S.C. 552");
	expect_str(r, "confidence", "statute");
	expect_str(r, "overdue_from", "2025-04-01");
	expect_str(r, "exhaustion", "2025-04-01");
	expect_str(r, "limitations", "2031-04-01");
	expect_int(r, "used", 20);
	assert_null(json_object_get(r, "explain"));

	/* The worked examples. */
	expect_str(calc(P("{s:s}", "received", "2025-06-10")), "due",
		   "2025-07-10");
	expect_str(calc(P("{s:s}", "received", "2025-12-10")), "due",
		   "2026-01-13");

	/* A toll (03-10, 03-20]; one still open; an extension. */
	r = calc(P("{s:s, s:[{s:s, s:s}], s:b}", "received", "2025-03-03",
		   "tolls", "from", "2025-03-10", "until", "2025-03-20",
		   "explain", 1));
	expect_str(r, "due", "2025-04-10");
	expect_line(get(r, "explain"),
		    "2025-03-10 Mon to 2025-03-20 Thu  clock stopped for a "
		    "request for information: 5 working days used before it; "
		    "8 working days from 2025-03-11 Tue to 2025-03-20 Thu not "
		    "counted");
	r = calc(P("{s:s, s:[{s:s, s:n}]}", "received", "2025-03-03", "tolls",
		   "from", "2025-03-10", "until"));
	expect_str(r, "state", "stopped");
	expect_null(r, "due");
	expect_null(r, "overdue_from");
	expect_null(r, "exhaustion");
	expect_int(r, "used", 5);
	r = calc(P("{s:s, s:[{s:s}]}", "received", "2025-03-03", "tolls",
		   "from", "2025-03-10"));
	expect_str(r, "state", "stopped");
	r = calc(P("{s:s, s:i}", "received", "2025-03-03", "extension", 10));
	expect_str(r, "due", "2025-04-14");
	expect_int(r, "extension", 10);

	/* Explanations name the holidays and closures skipped. */
	r = calc(P("{s:s, s:b}", "received", "2025-06-10", "explain", 1));
	expect_line(get(r, "explain"), "2025-06-19 Thu  skipped: Juneteenth "
				       "National Independence Day");
	expect_line(get(r, "explain"),
		    "2025-07-04 Fri  skipped: Independence Day");
	r = calc(P("{s:s, s:b}", "received", "2025-12-10", "explain", 1));
	expect_line(get(r, "explain"),
		    "2025-12-24 Wed  skipped: office closed, Christmas Eve "
		    "(executive-order closure)");
	expect_line(get(r, "explain"), "2025-12-25 Thu  skipped: Christmas "
				       "Day");

	/* Interior's override; California's law. */
	expect_str(calc(P("{s:s, s:s}", "received", "2025-03-03", "agency",
			  "DOI")),
		   "due", "2025-03-28");
	r = calc(P("{s:s, s:s}", "received", "2025-06-25", "jurisdiction",
		   "us-ca"));
	expect_str(r, "due", "2025-07-07");
	expect_str(r, "unit", "calendar");
	expect_str(r, "jurisdiction", "us-ca");
	expect_null(r, "exhaustion");

	/* Refusals. */
	fails("calc",
	      P("{s:s, s:s}", "received", "2025-03-03", "jurisdiction", "zz"),
	      FOIA_E_NOT_FOUND,
	      "unknown jurisdiction 'zz' (see 'foia jurisdictions')");
	fails("calc", P("{s:s}", "received", "2025-02-30"), FOIA_E_INVALID,
	      "invalid date '2025-02-30' for 'received' (expected "
	      "YYYY-MM-DD)");
	fails("calc", P("{s:s}", "received", "03/03/2025"), FOIA_E_INVALID,
	      "invalid date '03/03/2025' for 'received' (expected "
	      "YYYY-MM-DD)");
	fails("calc", NULL, FOIA_E_INVALID, "'received' must be a date");
	fails("calc",
	      P("{s:s, s:s}", "received", "2025-03-03", "jurisdiction",
		"us-az"),
	      FOIA_E_CONFLICT,
	      "us-az (A.R.S. 39-121.01(D),(E)) sets no fixed period: follow "
	      "up every 10 days instead");
	fails("calc",
	      P("{s:s, s:i}", "received", "2025-03-03", "extension", 11),
	      FOIA_E_INVALID,
	      "extension of 11 working days exceeds the 10 allowed by notice "
	      "(longer only by an agreed date)");
	fails("calc",
	      P("{s:s, s:i}", "received", "2025-03-03", "extension", -1),
	      FOIA_E_INVALID, "'extension' must be a number of days");
	fails("calc",
	      P("{s:s, s:[{s:s, s:s}]}", "received", "2025-03-03", "tolls",
		"from", "2025-03-10", "until", "2025-03-05"),
	      FOIA_E_INVALID,
	      "toll answered 2025-03-05 before it was asked 2025-03-10");
	fails("calc", P("{s:s, s:s}", "received", "2025-03-03", "tolls", "x"),
	      FOIA_E_INVALID, NULL);
	fails("calc", P("{s:s}", "received", "1970-01-05"), FOIA_E_INVALID,
	      NULL);
	fails("calc", P("{s:s, s:i}", "received", "2025-03-03", "days", 5),
	      FOIA_E_INVALID, "unknown parameter 'days'");
}

/* --- holidays ------------------------------------------------------------ */

static json_t *find_day(json_t *days, const char *date)
{
	size_t i;
	json_t *d;
	json_array_foreach(days, i, d)
	{
		if (strcmp(json_string_value(get(d, "date")), date) == 0)
			return d;
	}
	fail_msg("no day %s", date);
	return NULL;
}

static void test_holidays(void **state)
{
	(void)state;
	json_t *r = ok("holidays", P("{s:i}", "year", 2025));
	expect_str(r, "jurisdiction", "us-federal");
	expect_str(r, "calendar", "us-federal");
	expect_bool(r, "own_calendar", true);
	expect_int(r, "year", 2025);
	json_t *days = get(r, "days");
	/* The eleven of 5 U.S.C. 6103(a) and three closures: the day of
	 * mourning of Jan 9, Dec 24 and Dec 26. */
	assert_int_equal(json_array_size(days), 14);
	json_t *d = find_day(days, "2025-06-19");
	expect_str(d, "weekday", "Thu");
	expect_str(d, "name", "Juneteenth National Independence Day");
	expect_bool(d, "closure", false);
	expect_bool(d, "observed", false);
	d = find_day(days, "2025-12-25");
	expect_str(d, "weekday", "Thu");
	expect_str(d, "name", "Christmas Day");
	d = find_day(days, "2025-12-24");
	expect_bool(d, "closure", true);
	expect_str(d, "weekday", "Wed");
	d = find_day(days, "2025-01-09");
	expect_bool(d, "closure", true);
	expect_str(d, "name", "National day of mourning (E.O. 14133)");
	/* In date order. */
	for (size_t i = 1; i < json_array_size(days); i++)
		assert_true(
			strcmp(json_string_value(get(
				       json_array_get(days, i - 1), "date")),
			       json_string_value(get(json_array_get(days, i),
						     "date"))) <= 0);

	/* 2026: Independence Day falls on a Saturday, observed Friday. */
	days = get(ok("holidays", P("{s:i}", "year", 2026)), "days");
	d = find_day(days, "2026-07-03");
	expect_str(d, "weekday", "Fri");
	expect_str(d, "name", "Independence Day");
	expect_bool(d, "observed", true);

	/* This year by default. */
	int y, m, dd;
	civil_from_days(today_days(), &y, &m, &dd);
	expect_int(ok("holidays", NULL), "year", y);

	/* A state borrowing the federal calendar says so. */
	r = ok("holidays",
	       P("{s:i, s:s}", "year", 2025, "jurisdiction", "us-ca"));
	expect_str(r, "jurisdiction", "us-ca");
	expect_str(r, "calendar", "us-federal");
	expect_bool(r, "own_calendar", false);
	assert_int_equal(json_array_size(get(r, "days")), 14);

	fails("holidays", P("{s:i}", "year", 1970), FOIA_E_INVALID,
	      "year 1970 is outside the calendar (1978 to 2100)");
	fails("holidays", P("{s:i}", "year", 2101), FOIA_E_INVALID,
	      "year 2101 is outside the calendar (1978 to 2100)");
	fails("holidays", P("{s:s}", "year", "2025"), FOIA_E_INVALID,
	      "'year' must be a year");
	fails("holidays", P("{s:s}", "jurisdiction", "zz"), FOIA_E_NOT_FOUND,
	      "unknown jurisdiction 'zz' (see 'foia jurisdictions')");
}

/* --- jurisdiction.list --------------------------------------------------- */

static json_t *find_law(json_t *list, const char *code)
{
	size_t i;
	json_t *l;
	json_array_foreach(list, i, l)
	{
		if (strcmp(json_string_value(get(l, "code")), code) == 0)
			return l;
	}
	fail_msg("no jurisdiction %s", code);
	return NULL;
}

static void test_jurisdiction_list(void **state)
{
	(void)state;
	json_t *list = get(ok("jurisdiction.list", NULL), "jurisdictions");
	assert_int_equal(json_array_size(list), laws.n);
	assert_int_equal(json_array_size(list), 57);
	json_t *f = find_law(list, "us-federal");
	expect_str(f, "name", "Freedom of Information Act");
	expect_str(f, "citation", "5 U.S.C. 552");
	expect_str(f, "confidence", "statute");
	expect_str(f, "calendar", "us-federal");
	expect_bool(f, "own_calendar", true);
	json_t *init = get(f, "initial");
	expect_int(init, "days", 20);
	expect_str(init, "unit", "working");
	expect_int(init, "extension", 10);
	expect_null(f, "followup_every");

	json_t *az = find_law(list, "us-az");
	expect_null(az, "initial");
	expect_int(az, "followup_every", 10);
	expect_str(az, "confidence", "secondary");
	expect_bool(az, "own_calendar", false);

	init = get(find_law(list, "us-ca"), "initial");
	expect_int(init, "days", 10);
	expect_str(init, "unit", "calendar");
	expect_int(init, "extension", 14);

	fails("jurisdiction.list", P("{s:s}", "code", "us-ca"), FOIA_E_INVALID,
	      "unknown parameter 'code'");
}

/* --- filing under a law -------------------------------------------------- */

static void test_file_jurisdiction(void **state)
{
	(void)state;
	json_int_t before = int_of(ok("status", NULL), "requests");
	fails("request.file",
	      P("{s:[s], s:s, s:s, s:s}", "agencies", "ICE", "subject", "x",
		"sent", "2025-03-03", "jurisdiction", "us-zz"),
	      FOIA_E_INVALID,
	      "unknown jurisdiction 'us-zz' (see 'foia jurisdictions')");
	assert_int_equal(int_of(ok("status", NULL), "requests"), before);

	/* A law named at filing beats the agency's. */
	json_t *p = P("{s:[s], s:s, s:s, s:s, s:s}", "agencies", "ICE",
		      "subject", "x", "sent", "2025-06-25", "received",
		      "2025-06-25", "jurisdiction", "us-ca");
	json_int_t id = json_integer_value(
		json_array_get(get(ok("request.file", p), "ids"), 0));
	json_t *s = show(id);
	expect_str(get(s, "jurisdiction_info"), "code", "us-ca");
	expect_str(deadline(s, 0), "due", "2025-07-07");

	refused(id, "request.update",
		P("{s:I, s:s}", "id", id, "jurisdiction", "us-zz"),
		FOIA_E_INVALID,
		"unknown jurisdiction 'us-zz' (see 'foia jurisdictions')");
	/* Back to federal: the clock follows. */
	ok("request.update",
	   P("{s:I, s:s}", "id", id, "jurisdiction", "us-federal"));
	expect_str(deadline(show(id), 0), "due", "2025-07-24");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_show_past),
		T(test_show_upcoming),
		T(test_show_other_laws),
		T(test_toll_open_close),
		T(test_toll_refused),
		T(test_toll_refused_no_period),
		T(test_extend),
		T(test_extend_default_when_spent),
		T(test_agree),
		T(test_agree_state_on_wire),
		T(test_awaiting_requester),
		T(test_list_next),
		T(test_out_of_calendar_date),
		T(test_deadlines),
		T(test_calc),
		T(test_holidays),
		T(test_jurisdiction_list),
		T(test_file_jurisdiction),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
