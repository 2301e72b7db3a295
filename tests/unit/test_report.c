/*
 * test_report.c: the group status report (issue: `foia report`). The pure
 * arithmetic of report_stats.c (median, nearest-rank percentile, working
 * days less tolled days, and its refusals), then the `report` method
 * through rpc_handle_line on a ":memory:" store with a fixture whose
 * answers are known: counts by status, agency, project and member (the
 * filer, and anyone who recorded an event), agency performance with a
 * toll left out and a sample too small to show, the overdue list, and
 * the filters and their refusals. The deadline sections are written by
 * hand: every kind of item must read exactly as jansson would print it,
 * keys in order, and sort as documented.
 *
 * Performance uses dates in 2025 (fixed answers); the overdue request was
 * due 2025-03-31, so its days overdue are counted from today.
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
#include "foia/civil.h"
#include "foia/protocol.h"
#include "jurisdiction.h"
#include "method_util.h"
#include "report_stats.h"
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

static struct jurisdictions laws;

static const struct workcal *fedcal(void)
{
	const struct jurisdiction *l = jurisdiction_find(&laws, "us-federal");
	assert_non_null(l);
	const struct juris_calendar *c = jurisdiction_calendar(&laws, l);
	assert_non_null(c);
	return c->cal;
}

/* --- report_stats.c ------------------------------------------------------- */

static void test_median(void **state)
{
	(void)state;
	int odd[] = {20, 5, 30, 10, 20};
	assert_true(report_median(odd, 5) == 20.0);
	int even[] = {4, 1, 3, 2};
	assert_true(report_median(even, 4) == 2.5);
	int one[] = {7};
	assert_true(report_median(one, 1) == 7.0);
}

static void test_percentile(void **state)
{
	(void)state;
	int v[] = {5, 10, 20, 20, 30};
	/* Nearest rank: ceil(0.9 * 5) = the 5th value. */
	assert_int_equal(report_percentile(v, 5, 90), 30);
	assert_int_equal(report_percentile(v, 5, 50), 20);
	int ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
	assert_int_equal(report_percentile(ten, 10, 90), 9);
	assert_int_equal(report_percentile(ten, 10, 100), 10);
	int one[] = {3};
	assert_int_equal(report_percentile(one, 1, 90), 3);
}

static void test_working_days(void **state)
{
	(void)state;
	const struct workcal *cal = fedcal();
	int days = -1;
	/* 2025-03-03 (Mon) to 2025-03-31: 20 working days. */
	assert_int_equal(report_working_days(cal, D("2025-03-03"),
					     D("2025-03-31"), NULL, 0, &days),
			 0);
	assert_int_equal(days, 20);
	/* A toll 03-10..03-20 stands 8 working days: 28 - 8 to 04-10. */
	struct report_toll t = {D("2025-03-10"), D("2025-03-20"), false};
	assert_int_equal(report_working_days(cal, D("2025-03-03"),
					     D("2025-04-10"), &t, 1, &days),
			 0);
	assert_int_equal(days, 20);
	/* Only the part of a toll before the answer counts. */
	assert_int_equal(report_working_days(cal, D("2025-03-03"),
					     D("2025-03-14"), &t, 1, &days),
			 0);
	assert_int_equal(days, 5); /* 9 working days, 4 of them tolled */
	/* An open toll stands until the answer. */
	struct report_toll open = {D("2025-03-10"), 0, true};
	assert_int_equal(report_working_days(cal, D("2025-03-03"),
					     D("2025-03-31"), &open, 1, &days),
			 0);
	assert_int_equal(days, 5);
	/* Refused: an answer before the start, a date off the calendar. */
	days = 99;
	assert_int_equal(report_working_days(cal, D("2025-03-10"),
					     D("2025-03-03"), NULL, 0, &days),
			 -1);
	assert_int_equal(days, 99);
	assert_int_equal(report_working_days(cal, civil_to_days(1800, 1, 1),
					     D("2025-03-03"), NULL, 0, &days),
			 -1);
}

/* --- the method --------------------------------------------------------- */

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
	return 0;
}

static int setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	if (rpc_open() < 0)
		return -1;
	dmn.laws = laws;
	return seed_agencies(dmn.store, AGENCIES, &errs) < 1 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	rpc_close();
	return 0;
}

static json_int_t file_req(const char *agency, const char *project,
			   const char *received)
{
	json_t *p = P("{s:[s], s:s, s:s, s:s}", "agencies", agency, "subject",
		      "records", "sent", received, "received", received);
	if (project)
		json_object_set_new(p, "project", json_string(project));
	json_t *ids = get(ok("request.file", p), "ids");
	return json_integer_value(json_array_get(ids, 0));
}

static void update(json_int_t id, const char *status, const char *date)
{
	ok("request.update",
	   P("{s:I, s:s, s:s}", "id", id, "status", status, "date", date));
}

static void answered(const char *agency, const char *ack, const char *det,
		     const char *status)
{
	json_int_t id = file_req(agency, "alpha", "2025-03-03");
	update(id, "acknowledged", ack);
	update(id, status, det);
}

/* DHS: five answers (acknowledged after 2, 1, 3, 4, 2 working days,
 * determined after 5, 10, 20, 30 and 20 with 8 tolled; the fourth late);
 * ICE: two; CBP: one unanswered since 2025-03-03 and one withdrawn. */
static void fixture(void)
{
	answered("DHS", "2025-03-05", "2025-03-10", "granted");
	answered("DHS", "2025-03-04", "2025-03-17", "denied");
	answered("DHS", "2025-03-06", "2025-03-31", "granted");
	answered("DHS", "2025-03-07", "2025-04-14", "no-records");
	json_int_t id = file_req("DHS", "alpha", "2025-03-03");
	update(id, "acknowledged", "2025-03-05");
	ok("request.toll",
	   P("{s:I, s:s, s:s, s:s}", "id", id, "from", "2025-03-10", "until",
	     "2025-03-20", "reason", "clarification"));
	update(id, "granted", "2025-04-10");
	answered("ICE", "2025-03-04", "2025-03-05", "granted");
	answered("ICE", "2025-03-04", "2025-03-06", "denied");
	file_req("CBP", "beta", "2025-03-03");
	json_int_t w = file_req("CBP", NULL, "2025-03-03");
	update(w, "withdrawn", "2025-03-04");
}

static json_t *report(json_t *params)
{
	return ok(FOIA_M_REPORT, params ? params : P("{}"));
}

/* The performance entry of an agency. */
static json_t *perf(json_t *res, const char *code)
{
	json_t *a = get(get(res, "performance"), "agencies"), *v;
	size_t i;
	json_array_foreach(a, i, v)
	{
		if (strcmp(json_string_value(get(v, "agency")), code) == 0)
			return v;
	}
	fail_msg("no performance for %s", code);
	return NULL;
}

/* A count list as compact JSON, for one comparison. */
static void expect_json(json_t *v, const char *want)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(s);
	if (strcmp(s, want) != 0) {
		fprintf(stderr, "# got:  %s\n# want: %s\n", s, want);
		free(s);
		fail();
	}
	free(s);
}

static void test_counts(void **state)
{
	(void)state;
	fixture();
	json_t *res = report(NULL);
	expect_json(get(res, "totals"), "{\"open\":1,\"requests\":9}");
	expect_json(get(res, "by_status"),
		    "[{\"n\":4,\"status\":\"granted\"},"
		    "{\"n\":2,\"status\":\"denied\"},"
		    "{\"n\":1,\"status\":\"no-records\"},"
		    "{\"n\":1,\"status\":\"submitted\"},"
		    "{\"n\":1,\"status\":\"withdrawn\"}]");
	json_t *ag = get(res, "by_agency");
	assert_int_equal(json_array_size(ag), 3);
	expect_str(json_array_get(ag, 0), "agency", "DHS");
	expect_int(json_array_get(ag, 0), "n", 5);
	/* Ties in code order. */
	expect_str(json_array_get(ag, 1), "agency", "CBP");
	expect_int(json_array_get(ag, 1), "n", 2);
	expect_str(json_array_get(ag, 2), "agency", "ICE");
	expect_json(get(res, "by_project"), "[{\"n\":7,\"project\":\"alpha\"},"
					    "{\"n\":1,\"project\":\"beta\"},"
					    "{\"n\":1,\"project\":null}]");
	expect_json(get(res, "by_member"), "[{\"member\":\"alice\",\"n\":9}]");
}

static void test_performance(void **state)
{
	(void)state;
	fixture();
	json_t *res = report(NULL);
	expect_int(get(res, "performance"), "min_sample", 5);
	json_t *dhs = perf(res, "DHS");
	expect_json(get(dhs, "acknowledgment"), "{\"median\":2.0,\"p90\":4}");
	expect_json(get(dhs, "determination"), "{\"median\":20.0,\"p90\":30}");
	assert_true(json_real_value(get(dhs, "on_time_share")) > 0.799 &&
		    json_real_value(get(dhs, "on_time_share")) < 0.801);
	expect_json(get(dhs, "sample"), "{\"acknowledgment\":5,"
					"\"determination\":5,\"on_time\":5}");
	expect_null(dhs, "published_median");
	/* ICE: two answers hide the statistics, not the sample sizes. */
	json_t *ice = perf(res, "ICE");
	expect_null(ice, "acknowledgment");
	expect_null(ice, "determination");
	expect_null(ice, "on_time_share");
	expect_json(get(ice, "sample"), "{\"acknowledgment\":2,"
					"\"determination\":2,\"on_time\":2}");
	/* CBP answered nothing: no entry at all. */
	assert_int_equal(
		json_array_size(get(get(res, "performance"), "agencies")), 2);
}

static void test_overdue(void **state)
{
	(void)state;
	fixture();
	json_t *res = report(NULL);
	json_t *od = get(res, "overdue");
	/* Only the unanswered CBP request: the late DHS answer and the
	 * denials' lapsed appeal windows are not the agency's delay. */
	assert_int_equal(json_array_size(od), 1);
	json_t *o = json_array_get(od, 0);
	expect_str(o, "agency", "CBP");
	expect_str(o, "kind", "determination");
	expect_str(o, "due", "2025-03-31");
	expect_int(o, "days_overdue", today_days() - D("2025-03-31"));
	json_t *ripe = get(res, "ripe_for_suit");
	assert_int_equal(json_array_size(ripe), 1);
	expect_str(json_array_get(ripe, 0), "since", "2025-04-01");
	assert_int_equal(json_array_size(get(res, "open")), 1);
	assert_int_equal(json_array_size(get(res, "upcoming")), 0);
	assert_int_equal(json_array_size(get(res, "tolls_open")), 0);
}

static void test_filters(void **state)
{
	(void)state;
	fixture();
	json_t *res = report(P("{s:s}", "project", "beta"));
	expect_int(get(res, "totals"), "requests", 1);
	expect_str(get(res, "filter"), "project", "beta");
	res = report(P("{s:s}", "agency", "ice"));
	expect_int(get(res, "totals"), "requests", 2);
	res = report(
		P("{s:s, s:s}", "since", "2025-03-04", "until", "2025-12-31"));
	expect_int(get(res, "totals"), "requests", 0);
	res = report(P("{s:s}", "until", "2025-03-03"));
	expect_int(get(res, "totals"), "requests", 9);
	res = report(P("{s:s}", "member", "bob"));
	expect_int(get(res, "totals"), "requests", 0);
	/* bob records an event on request 1: it is his too. */
	struct event e = {.request_id = 1,
			  .actor = "bob",
			  .kind = "note",
			  .date = "2025-03-05",
			  .note = "called them"};
	assert_int_equal(store_event_append(dmn.store, &e), STORE_OK);
	free(e.at);
	res = report(P("{s:s}", "member", "bob"));
	expect_int(get(res, "totals"), "requests", 1);
	res = report(P("{s:s}", "member", "alice"));
	expect_int(get(res, "totals"), "requests", 9);
}

static void test_refusals(void **state)
{
	(void)state;
	fails(FOIA_M_REPORT, P("{s:s}", "since", "2025-02-30"), FOIA_E_INVALID,
	      NULL);
	fails(FOIA_M_REPORT,
	      P("{s:s, s:s}", "since", "2025-02-02", "until", "2025-02-01"),
	      FOIA_E_INVALID, "'since' 2025-02-02 is after 'until' 2025-02-01");
	fails(FOIA_M_REPORT, P("{s:i}", "project", 3), FOIA_E_INVALID, NULL);
	fails(FOIA_M_REPORT, P("{s:s}", "colour", "red"), FOIA_E_INVALID, NULL);
	/* An empty database reports empty sections, not an error. */
	json_t *res = report(NULL);
	expect_int(get(res, "totals"), "requests", 0);
	assert_int_equal(json_array_size(get(res, "by_status")), 0);
	assert_int_equal(
		json_array_size(get(get(res, "performance"), "agencies")), 0);
}

/* report.min_sample: the default, a value set, and the refusals. */
static void test_config_min_sample(void **state)
{
	(void)state;
	struct config cfg;
	struct config_errors errs = {0};
	char path[PATH_MAX];
	assert_int_equal(tmpdir_make("test_report"), 0);
	assert_int_equal(config_defaults(&cfg, false), 0);
	assert_int_equal(cfg.report_min_sample, 5);
	write_file(path, sizeof(path), "good.conf",
		   "report = { min_sample = 3; };\n");
	assert_int_equal(config_load(&cfg, path, true, &errs), 0);
	assert_int_equal(cfg.report_min_sample, 3);
	write_file(path, sizeof(path), "zero.conf",
		   "report = { min_sample = 0; };\n");
	assert_int_equal(config_load(&cfg, path, true, &errs), -1);
	expect_error(&errs, 0, path, 1,
		     "'report.min_sample' must be a whole number from 1 to "
		     "100000");
	assert_int_equal(cfg.report_min_sample, 3); /* left unchanged */
	memset(&errs, 0, sizeof(errs));
	write_file(path, sizeof(path), "typo.conf",
		   "report = { min_samples = 3; };\n");
	assert_int_equal(config_load(&cfg, path, true, &errs), -1);
	expect_error(&errs, 0, path, 1,
		     "unknown setting 'report.min_samples' (expected "
		     "min_sample)");
	config_clear(&cfg);
	assert_int_equal(tmpdir_remove(), 0);
}

/* The daemon's configured minimum hides or shows the statistics. */
static void test_min_sample_used(void **state)
{
	(void)state;
	fixture();
	dmn.cfg.report_min_sample = 2;
	json_t *ice = perf(report(NULL), "ICE");
	expect_json(get(ice, "determination"), "{\"median\":2.5,\"p90\":3}");
	expect_int(get(report(NULL), "performance"), "min_sample", 2);
	dmn.cfg.report_min_sample = 6;
	expect_null(perf(report(NULL), "DHS"), "determination");
}

/* A day relative to today, as the wire writes it. */
static const char *day(int offset, char buf[static 16])
{
	civil_format(today_days() + offset, buf, 16);
	return buf;
}

/* The keys of o, in the order the reply has them, comma separated. */
static void expect_keys(json_t *o, const char *want)
{
	char got[512] = "";
	const char *k;
	json_t *v;
	size_t n = 0;
	json_object_foreach(o, k, v)
	{
		int w = snprintf(got + n, sizeof(got) - n, "%s%s", n ? "," : "",
				 k);
		assert_true(w > 0 && (size_t)w < sizeof(got) - n);
		n += (size_t)w;
	}
	if (strcmp(got, want) != 0)
		fail_msg("keys %s, want %s", got, want);
}

/*
 * The deadline sections are written as text by hand (json_text.h), from
 * records made during the walk: every kind of item, with a subject that
 * needs escaping, must come out exactly as jansson prints the same value
 * (the reply equals its own parse printed again), keys in their order.
 */
static void test_item_text(void **state)
{
	(void)state;
	char a[16], b[16];
	fixture();
	/* Due in 8 to 11 days: upcoming. Its subject needs escaping. */
	json_t *p = P("{s:[s], s:s, s:s, s:s, s:s}", "agencies", "DHS",
		      "subject", "\"records\" \\ of a/b, \xc3\xbc", "project",
		      "gamma", "sent", day(-20, a), "received", day(-20, b));
	json_int_t up = json_integer_value(
		json_array_get(get(ok("request.file", p), "ids"), 0));
	/* Denied five days ago: its appeal window is open. */
	json_int_t den = file_req("ICE", "gamma", day(-30, a));
	update(den, "denied", day(-5, a));
	/* A fee toll since five days ago, still open. */
	json_int_t tol = file_req("CBP", "gamma", day(-10, a));
	ok("request.toll", P("{s:I, s:s, s:s}", "id", tol, "from", day(-5, a),
			     "reason", "fees"));

	char *line =
		request_line(FOIA_M_REPORT, P("{s:s}", "project", "gamma"));
	char *out = rpc_handle_line(&dmn, &alice, line, strlen(line));
	free(line);
	assert_non_null(out);
	size_t n = strlen(out);
	assert_true(n > 1 && out[n - 1] == '\n');
	json_error_t jerr;
	json_t *reply = json_loadb(out, n - 1, 0, &jerr);
	assert_non_null(reply);
	char *again = json_dumps(reply, JSON_COMPACT);
	assert_non_null(again);
	if (strlen(again) != n - 1 || memcmp(again, out, n - 1) != 0)
		fail_msg("reply text:\n%s\njansson prints it:\n%s", out, again);
	free(again);
	free(out);
	json_t *res = get(reply, "result");

	json_t *u = get(res, "upcoming");
	assert_int_equal(json_array_size(u), 1);
	json_t *it = json_array_get(u, 0);
	expect_keys(it, "request,agency,subject,project,status,kind,what,due,"
			"days_left");
	expect_int(it, "request", up);
	expect_str(it, "subject", "\"records\" \\ of a/b, \xc3\xbc");
	expect_str(it, "kind", "determination");
	expect_str(it, "what", "FOIA response due");
	json_int_t left = int_of(it, "days_left");
	assert_true(left >= 8 && left <= 11);
	expect_str(it, "due", day((int)left, a));

	json_t *w = get(res, "appeal_windows");
	assert_int_equal(json_array_size(w), 1);
	it = json_array_get(w, 0);
	expect_keys(it, "request,agency,subject,project,status,due,days_left");
	expect_int(it, "request", den);
	expect_str(it, "status", "denied");
	left = int_of(it, "days_left");
	assert_true(left > 0);
	expect_str(it, "due", day((int)left, a));

	json_t *t = get(res, "tolls_open");
	assert_int_equal(json_array_size(t), 1);
	it = json_array_get(t, 0);
	expect_keys(it, "request,agency,subject,project,status,reason,since,"
			"days");
	expect_int(it, "request", tol);
	expect_str(it, "reason", "fees");
	expect_str(it, "since", day(-5, a));
	expect_int(it, "days", 5);

	/* The pending two are open; the denied one is not. */
	json_t *o = get(res, "open");
	assert_int_equal(json_array_size(o), 2);
	it = json_array_get(o, 0);
	expect_keys(it, "request,agency,subject,project,status,sent,due,"
			"age_days");
	expect_int(it, "request", up);
	expect_str(it, "sent", day(-20, a));
	expect_int(it, "age_days", 20);
	expect_int(json_array_get(o, 1), "request", tol);
	json_decref(reply);

	/* The whole fixture: overdue and ripe items' keys. */
	line = request_line(FOIA_M_REPORT, P("{s:s}", "project", "beta"));
	out = rpc_handle_line(&dmn, &alice, line, strlen(line));
	free(line);
	res = get(parse_reply(out), "result");
	expect_keys(json_array_get(get(res, "overdue"), 0),
		    "request,agency,subject,project,status,kind,what,due,"
		    "days_overdue");
	expect_keys(json_array_get(get(res, "ripe_for_suit"), 0),
		    "request,agency,subject,project,status,since,days");
}

/* Many requests: the sections are sorted (most overdue first, ties by
 * id) and each request's items share its prefix. */
static void test_item_order(void **state)
{
	(void)state;
	char a[16];
	json_int_t ids[6];
	/* Received 60, 50, 60, 70, 50 and 60 days ago: all overdue. */
	static const int ago[6] = {60, 50, 60, 70, 50, 60};
	for (size_t i = 0; i < 6; i++)
		ids[i] = file_req(i % 2 ? "ICE" : "DHS", "delta",
				  day(-ago[i], a));
	json_t *res = report(P("{s:s}", "project", "delta"));
	json_t *od = get(res, "overdue");
	assert_int_equal(json_array_size(od), 6);
	/* Most overdue first; equal days by id. */
	static const size_t want[6] = {3, 0, 2, 5, 1, 4};
	for (size_t i = 0; i < 6; i++) {
		json_t *it = json_array_get(od, i);
		expect_int(it, "request", ids[want[i]]);
		expect_str(it, "agency", want[i] % 2 ? "ICE" : "DHS");
		expect_str(it, "project", "delta");
		if (i)
			assert_true(int_of(it, "days_overdue") <=
				    int_of(json_array_get(od, i - 1),
					   "days_overdue"));
	}
	json_t *op = get(res, "open");
	assert_int_equal(json_array_size(op), 6);
	for (size_t i = 0; i < 6; i++) {
		expect_int(json_array_get(op, i), "request", ids[i]);
		expect_int(json_array_get(op, i), "age_days", ago[i]);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_working_days),
		T(test_counts),
		T(test_performance),
		T(test_overdue),
		T(test_filters),
		T(test_refusals),
		cmocka_unit_test(test_config_min_sample),
		T(test_min_sample_used),
		T(test_item_text),
		T(test_item_order),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
