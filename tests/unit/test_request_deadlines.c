/*
 * test_request_deadlines.c: a request's clocks derived from its history
 * (daemon/request_deadlines.c), with no store.
 *
 * Requests and their events are built by hand, the laws are the shipped
 * config/jurisdictions.conf (tests run from the repository root;
 * FOIAD_SRCDIR overrides), and "today" is always a fixed date passed in,
 * so every state (due, overdue, met, stopped) is certain. The due dates
 * are the worked examples of docs/deadline-rules.md, counted by hand on the
 * 2025 federal calendar (Juneteenth Thu 06-19, Independence Day Fri 07-04,
 * the Dec 24 and 26 closures) and written out in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "deadline.h"
#include "foia/civil.h"
#include "jurisdiction.h"
#include "request_deadlines.h"
#include "store.h"
#include "workcal.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define SHIPPED FOIAD_SRCDIR "/config/jurisdictions.conf"

static struct jurisdictions laws;
static struct config_errors load_errs;
static int load_rc = -1, build_rc = -1;
static char build_err[256];

static int group_setup(void **state)
{
	(void)state;
	load_rc = config_load_jurisdictions(SHIPPED, &laws, &load_errs);
	if (load_rc == 0)
		build_rc = jurisdictions_build(&laws, build_err,
					       sizeof(build_err));
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	jurisdictions_free(&laws);
	return 0;
}

/* --- helpers ------------------------------------------------------------- */

static int32_t D(const char *s)
{
	int32_t d = 0;
	if (!civil_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static void expect_date(int32_t got, const char *want, const char *what)
{
	char buf[16];
	civil_format(got, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("%s is %s, expected %s", what, buf, want);
}

static const struct jurisdiction *law(const char *code)
{
	if (load_rc != 0) {
		for (size_t i = 0; i < load_errs.count; i++)
			print_error("%s\n", load_errs.text[i]);
		fail_msg("%s did not load", SHIPPED);
	}
	if (build_rc != WORKCAL_OK)
		fail_msg("jurisdictions_build: %s", build_err);
	const struct jurisdiction *l = jurisdiction_find(&laws, code);
	if (!l)
		fail_msg("no jurisdiction '%s'", code);
	return l;
}

static const struct workcal *cal_of(const struct jurisdiction *l)
{
	const struct juris_calendar *c = jurisdiction_calendar(&laws, l);
	assert_non_null(c);
	assert_non_null(c->cal);
	return c->cal;
}

/* A submitted federal request to ICE, sent by email. */
static struct request req(const char *status, const char *sent,
			  const char *received)
{
	struct request r = {0};
	r.id = 1;
	r.agency = (char *)"ICE";
	r.jurisdiction = (char *)"us-federal";
	r.subject = (char *)"test";
	r.method = (char *)"email";
	r.status = (char *)status;
	r.sent = (char *)sent;
	r.received = (char *)received;
	r.fees_estimated = r.fees_paid = -1;
	return r;
}

static struct event ev(const char *kind, const char *field, const char *date,
		       const char *new_value)
{
	struct event e = {0};
	e.request_id = 1;
	e.kind = (char *)kind;
	e.field = (char *)field;
	e.date = (char *)date;
	e.new_value = (char *)new_value;
	return e;
}

/* A status change to `to` on date. */
static struct event st(const char *to, const char *date)
{
	return ev("status", "status", date, to);
}

/* Compute r's deadlines under law `code` on `today`; must succeed. */
static void run(const struct request *r, const struct event *e, size_t n,
		const char *code, const char *today, bool explain,
		struct rd_set *out)
{
	char err[512] = "";
	const struct jurisdiction *l = law(code);
	int rc = request_deadlines(r, e, n, l, cal_of(l), D(today), explain,
				   out, err, sizeof(err));
	if (rc != 0)
		fail_msg("request_deadlines: %d: %s", rc, err);
	assert_true(out->n <= 5);
}

static void run_fed(const struct request *r, const struct event *e, size_t n,
		    const char *today, struct rd_set *out)
{
	run(r, e, n, "us-federal", today, false, out);
}

/* The deadline of kind k in s, or fail. */
static const struct rd_deadline *find(const struct rd_set *s, enum rd_kind k)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].kind == k)
			return &s->v[i];
	fail_msg("no %s deadline (of %zu)", rd_kind_name(k), s->n);
	return NULL;
}

static bool has(const struct rd_set *s, enum rd_kind k)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].kind == k)
			return true;
	return false;
}

static void expect_due(const struct rd_deadline *d, const char *want)
{
	if (!d->has_due)
		fail_msg("%s has no due date, expected %s",
			 rd_kind_name(d->kind), want);
	expect_date(d->due, want, rd_kind_name(d->kind));
}

static void expect_state(const struct rd_deadline *d, enum rd_state want)
{
	if (d->state != want)
		fail_msg("%s is %s, expected %s", rd_kind_name(d->kind),
			 rd_state_name(d->state), rd_state_name(want));
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* --- names --------------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(rd_kind_name(RD_DETERMINATION), "determination");
	assert_string_equal(rd_kind_name(RD_EXPEDITED), "expedited");
	assert_string_equal(rd_kind_name(RD_APPEAL_WINDOW), "appeal_window");
	assert_string_equal(rd_kind_name(RD_APPEAL_DECISION),
			    "appeal_decision");
	assert_string_equal(rd_kind_name(RD_FOLLOWUP), "followup");
	assert_string_equal(rd_kind_label(RD_DETERMINATION),
			    "FOIA response due");
	assert_string_equal(rd_state_name(RD_STATE_DUE), "due");
	assert_string_equal(rd_state_name(RD_STATE_OVERDUE), "overdue");
	assert_string_equal(rd_state_name(RD_STATE_STOPPED), "stopped");
	assert_string_equal(rd_state_name(RD_STATE_MET), "met");
}

/* --- no clock ------------------------------------------------------------ */

static void test_draft_has_none(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("draft", NULL, NULL);
	run_fed(&r, NULL, 0, "2025-03-10", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.clock, RD_CLOCK_NONE);
	assert_false(s.has_exhaustion);
	assert_false(s.has_limitations);
	assert_null(rd_next(&s));

	/* A draft with a planned sent date has not started either. */
	r = req("draft", "2025-03-03", NULL);
	run_fed(&r, NULL, 0, "2025-06-10", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.clock, RD_CLOCK_NONE);

	/* Nothing to count from: no dates at all. */
	r = req("submitted", NULL, NULL);
	run_fed(&r, NULL, 0, "2025-06-10", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.clock, RD_CLOCK_NONE);
}

/* --- the start of the clock ---------------------------------------------- */

static void test_received_known(void **state)
{
	(void)state;
	struct rd_set s;
	/* Received Mon 2025-03-03: Mar 4-7 (4), 10-14 (9), 17-21 (14),
	 * 24-28 (19), 31 (20). */
	struct request r = req("submitted", "2025-02-28", "2025-03-03");
	run_fed(&r, NULL, 0, "2025-03-10", &s);
	assert_int_equal(s.n, 1);
	const struct rd_deadline *d = &s.v[0];
	assert_int_equal(d->kind, RD_DETERMINATION);
	expect_state(d, RD_STATE_DUE);
	expect_due(d, "2025-03-31");
	expect_date(d->start, "2025-03-03", "start");
	assert_false(d->assumed_start);
	assert_false(d->agreed);
	assert_false(d->has_met);
	assert_int_equal(d->period, 20);
	assert_int_equal(d->unit, DEADLINE_WORKING_DAYS);
	assert_int_equal(d->extension, 0);
	assert_int_equal(d->nsteps, 0); /* no explanation asked */
	assert_int_equal(s.clock, RD_CLOCK_RUNNING);
	assert_int_equal(s.clock_period, 20);
	assert_int_equal(s.clock_unit, DEADLINE_WORKING_DAYS);
	assert_false(s.has_exhaustion);
	assert_ptr_equal(rd_next(&s), d);
}

static void test_received_unknown(void **state)
{
	(void)state;
	struct rd_set s;
	/* No receipt date: counted from the sent date, and said so. */
	struct request r = req("submitted", "2025-03-03", NULL);
	run_fed(&r, NULL, 0, "2025-03-10", &s);
	assert_int_equal(s.n, 1);
	assert_true(s.v[0].assumed_start);
	expect_date(s.v[0].start, "2025-03-03", "start");
	expect_due(&s.v[0], "2025-03-31");

	/* Mailed: receipt assumed mail_days (5) after it was sent: Wed
	 * 2025-02-26 + 5 = Mon 2025-03-03. */
	assert_int_equal(law("us-federal")->mail_days, 5);
	r = req("submitted", "2025-02-26", NULL);
	r.method = (char *)"mail";
	run_fed(&r, NULL, 0, "2025-03-10", &s);
	assert_true(s.v[0].assumed_start);
	expect_date(s.v[0].start, "2025-03-03", "start");
	expect_due(&s.v[0], "2025-03-31");

	/* The same request by email counts from the day it was sent:
	 * Feb 27, 28 (2), Mar 3-7 (7), ... Mar 24-26 (20). */
	r.method = (char *)"email";
	run_fed(&r, NULL, 0, "2025-03-10", &s);
	expect_date(s.v[0].start, "2025-02-26", "start");
	expect_due(&s.v[0], "2025-03-26");

	/* A known receipt wins over the mail assumption. */
	r = req("submitted", "2025-02-26", "2025-02-28");
	r.method = (char *)"mail";
	run_fed(&r, NULL, 0, "2025-03-10", &s);
	assert_false(s.v[0].assumed_start);
	expect_date(s.v[0].start, "2025-02-28", "start");
}

/* docs/deadline-rules.md section 1, through requests. */
static void test_worked_examples(void **state)
{
	(void)state;
	static const struct {
		const char *received, *due;
	} cases[] = {
		{"2025-03-03", "2025-03-31"},
		/* Jun 11-13 (3), 16-18 (6), [19 Juneteenth], 20 (7), 23-27
		 * (12), 30 (13), Jul 1-3 (16), [4], 7-10 (20). */
		{"2025-06-10", "2025-07-10"},
		/* Over Christmas, with the Dec 24 and 26 closures. */
		{"2025-12-10", "2026-01-13"},
	};
	struct rd_set s;
	for (size_t i = 0; i < N(cases); i++) {
		struct request r =
			req("submitted", cases[i].received, cases[i].received);
		run_fed(&r, NULL, 0, cases[i].received, &s);
		assert_int_equal(s.n, 1);
		expect_state(&s.v[0], RD_STATE_DUE);
		expect_due(&s.v[0], cases[i].due);
	}
}

/* --- answered ------------------------------------------------------------ */

static void test_met_by_determination(void **state)
{
	(void)state;
	static const char *const answers[] = {"granted", "partially-granted",
					      "denied", "no-records"};
	struct rd_set s;
	for (size_t i = 0; i < N(answers); i++) {
		struct request r = req(answers[i], "2025-03-03", "2025-03-03");
		struct event e[] = {st("processing", "2025-03-04"),
				    st(answers[i], "2025-03-20")};
		/* Long after the due date: still met, never overdue. */
		run_fed(&r, e, N(e), "2025-09-01", &s);
		const struct rd_deadline *d = find(&s, RD_DETERMINATION);
		expect_state(d, RD_STATE_MET);
		assert_true(d->has_met);
		expect_date(d->met_on, "2025-03-20", answers[i]);
		expect_due(d, "2025-03-31");
		assert_int_equal(s.clock, RD_CLOCK_DONE);
		assert_false(s.has_exhaustion);
		assert_false(s.has_limitations);
		/* Nothing left but the appeal window of an adverse answer. */
		const struct rd_deadline *next = rd_next(&s);
		if (strcmp(answers[i], "granted") == 0)
			assert_null(next);
		else
			assert_int_equal(next->kind, RD_APPEAL_WINDOW);
	}

	/* A partial release is not a determination: the clock runs on. */
	struct request r = req("partial-release", "2025-03-03", "2025-03-03");
	struct event e[] = {st("partial-release", "2025-03-20")};
	run_fed(&r, e, N(e), "2025-03-25", &s);
	expect_state(&s.v[0], RD_STATE_DUE);
	assert_false(s.v[0].has_met);
	assert_int_equal(s.clock, RD_CLOCK_RUNNING);
}

static void test_overdue_and_exhaustion(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("processing", "2025-03-03", "2025-03-03");
	struct event e[] = {st("processing", "2025-03-05")};

	/* Due today: not yet overdue. */
	run_fed(&r, e, N(e), "2025-03-31", &s);
	expect_state(&s.v[0], RD_STATE_DUE);
	assert_false(s.has_exhaustion);
	assert_false(s.has_limitations);

	/* The day after: overdue, constructive exhaustion that day, and six
	 * years to sue (28 U.S.C. 2401(a)). */
	run_fed(&r, e, N(e), "2025-04-01", &s);
	expect_state(&s.v[0], RD_STATE_OVERDUE);
	expect_due(&s.v[0], "2025-03-31");
	assert_int_equal(s.clock, RD_CLOCK_RUNNING);
	assert_true(s.has_exhaustion);
	expect_date(s.exhaustion, "2025-04-01", "exhaustion");
	assert_true(s.has_limitations);
	expect_date(s.limitations, "2031-04-01", "limitations");
	assert_ptr_equal(rd_next(&s), &s.v[0]);

	/* Answered on time, looked at later: no exhaustion. */
	struct request g = req("denied", "2025-03-03", "2025-03-03");
	struct event ge[] = {st("denied", "2025-03-31")};
	run_fed(&g, ge, N(ge), "2025-05-01", &s);
	expect_state(find(&s, RD_DETERMINATION), RD_STATE_MET);
	assert_false(s.has_exhaustion);
	assert_false(s.has_limitations);
}

/* --- tolls --------------------------------------------------------------- */

static void test_closed_toll(void **state)
{
	(void)state;
	struct rd_set s;
	/* Worked example: toll (03-10, 03-20] takes Mar 11-14, 17-20 (8
	 * working days) out: 5 used before it, 15 more from 03-20: Mar 21,
	 * 24-28, 31-Apr 4, Apr 7-10. */
	struct request r = req("processing", "2025-03-03", "2025-03-03");
	struct event one[] = {
		ev("toll", "clarification", "2025-03-10", "2025-03-20")};
	run_fed(&r, one, N(one), "2025-03-25", &s);
	expect_state(&s.v[0], RD_STATE_DUE);
	expect_due(&s.v[0], "2025-04-10");
	assert_int_equal(s.clock, RD_CLOCK_RUNNING);

	/* The same toll opened, then closed by a toll-end event. */
	struct event two[] = {ev("toll", "clarification", "2025-03-10", NULL),
			      ev("toll-end", NULL, "2025-03-20", NULL)};
	run_fed(&r, two, N(two), "2025-03-25", &s);
	expect_due(&s.v[0], "2025-04-10");
	assert_int_equal(s.clock, RD_CLOCK_RUNNING);

	/* A fee toll moves the date the same way. */
	struct event fee[] = {ev("toll", "fees", "2025-03-10", "2025-03-20")};
	run_fed(&r, fee, N(fee), "2025-03-25", &s);
	expect_due(&s.v[0], "2025-04-10");

	/* A toll after the due date changes nothing. */
	struct event late[] = {ev("toll", "fees", "2025-04-02", "2025-04-20")};
	run_fed(&r, late, N(late), "2025-05-01", &s);
	expect_due(&s.v[0], "2025-03-31");
	expect_state(&s.v[0], RD_STATE_OVERDUE);
}

static void test_open_toll(void **state)
{
	(void)state;
	struct rd_set s;
	int32_t since = 0;
	struct request r =
		req("awaiting-requester", "2025-03-03", "2025-03-03");
	/* Stopped on 03-10: Mar 4-7 and 10 were counted (5 of 20). */
	struct event e[] = {ev("toll", "clarification", "2025-03-10", NULL)};
	run_fed(&r, e, N(e), "2025-06-01", &s);
	assert_int_equal(s.n, 1);
	const struct rd_deadline *d = &s.v[0];
	expect_state(d, RD_STATE_STOPPED);
	assert_false(d->has_due);
	assert_int_equal(d->used, 5);
	expect_date(d->stopped_on, "2025-03-10", "stopped_on");
	assert_int_equal(s.clock, RD_CLOCK_STOPPED);
	expect_date(s.clock_since, "2025-03-10", "clock_since");
	assert_int_equal(s.clock_used, 5);
	assert_int_equal(s.clock_period, 20);
	/* A stopped clock is never overdue, and is not "next". */
	assert_false(s.has_exhaustion);
	assert_null(rd_next(&s));

	assert_true(request_open_toll(e, N(e), &since));
	expect_date(since, "2025-03-10", "since");

	/* Closed: no open toll. */
	struct event closed[] = {e[0],
				 ev("toll-end", NULL, "2025-03-20", NULL)};
	since = 0;
	assert_false(request_open_toll(closed, N(closed), &since));
	struct event inline_closed[] = {
		ev("toll", "fees", "2025-03-10", "2025-03-12")};
	assert_false(
		request_open_toll(inline_closed, N(inline_closed), &since));
	assert_false(request_open_toll(NULL, 0, &since));

	/* A second toll opened after the first closed: that one is open. */
	struct event again[] = {closed[0], closed[1],
				ev("toll", "fees", "2025-03-25", NULL)};
	assert_true(request_open_toll(again, N(again), &since));
	expect_date(since, "2025-03-25", "since");
	run_fed(&r, again, N(again), "2025-06-01", &s);
	expect_state(&s.v[0], RD_STATE_STOPPED);
	/* 5 before the first toll, Mar 21, 24, 25 after it: 8. */
	assert_int_equal(s.v[0].used, 8);
	expect_date(s.clock_since, "2025-03-25", "clock_since");
}

/* --- extensions and agreed dates ----------------------------------------- */

static void test_extension_initial(void **state)
{
	(void)state;
	struct rd_set s;
	bool appeal = true;
	struct request r = req("processing", "2025-03-03", "2025-03-03");
	/* +10: Apr 1-4, 7-11, 14. */
	struct event e[] = {ev("extension", "days", "2025-03-20", "10")};
	run_fed(&r, e, N(e), "2025-03-25", &s);
	expect_due(&s.v[0], "2025-04-14");
	assert_int_equal(s.v[0].extension, 10);
	assert_int_equal(s.v[0].period, 20);
	assert_int_equal(s.clock_period, 30);
	assert_int_equal(request_extension_used(e, N(e), &appeal), 10);
	assert_false(appeal);

	/* Two notices add up. */
	struct event two[] = {ev("extension", "days", "2025-03-20", "4"),
			      ev("extension", "days", "2025-03-21", "6")};
	run_fed(&r, two, N(two), "2025-03-25", &s);
	expect_due(&s.v[0], "2025-04-14");
	assert_int_equal(request_extension_used(two, N(two), &appeal), 10);
	assert_int_equal(request_extension_used(NULL, 0, &appeal), 0);
	assert_false(appeal);
}

static void test_extension_after_appeal(void **state)
{
	(void)state;
	struct rd_set s;
	bool appeal = false;
	struct request r = req("appealed", "2025-03-03", "2025-03-03");
	/* Denied on time, appealed Thu 04-10: 20 working days is Thu 05-08
	 * (Apr 11, 14-18, 21-25, 28-May 2, May 5-8); +10 is Thu 05-22
	 * (May 9, 12-16, 19-22). */
	struct event e[] = {ev("extension", "days", "2025-03-20", "3"),
			    st("denied", "2025-03-28"),
			    st("appealed", "2025-04-10"),
			    ev("extension", "days", "2025-04-15", "10")};
	run_fed(&r, e, N(e), "2025-04-20", &s);
	const struct rd_deadline *det = find(&s, RD_DETERMINATION);
	const struct rd_deadline *app = find(&s, RD_APPEAL_DECISION);
	assert_int_equal(det->extension, 3);
	assert_int_equal(app->extension, 10);
	expect_due(app, "2025-05-22");
	expect_date(app->start, "2025-04-10", "appeal start");
	expect_state(app, RD_STATE_DUE);
	assert_int_equal(request_extension_used(e, N(e), &appeal), 10);
	assert_true(appeal);

	/* Before the appeal's notice: the appeal clock has none yet. */
	assert_int_equal(request_extension_used(e, 3, &appeal), 0);
	assert_true(appeal);
	run_fed(&r, e, 3, "2025-04-20", &s);
	expect_due(find(&s, RD_APPEAL_DECISION), "2025-05-08");
	assert_int_equal(find(&s, RD_APPEAL_DECISION)->extension, 0);
	assert_int_equal(find(&s, RD_DETERMINATION)->extension, 3);
	assert_int_equal(request_extension_used(e, 1, &appeal), 3);
	assert_false(appeal);
}

static void test_agreed(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("processing", "2025-03-03", "2025-03-03");
	struct event e[] = {ev("agreed", "due", "2025-05-15", "2025-05-15")};
	run_fed(&r, e, N(e), "2025-05-01", &s);
	expect_due(&s.v[0], "2025-05-15");
	assert_true(s.v[0].agreed);
	expect_state(&s.v[0], RD_STATE_DUE);
	assert_false(s.has_exhaustion);

	/* The agreed date, not the statute's, makes it overdue. */
	run_fed(&r, e, N(e), "2025-05-16", &s);
	expect_state(&s.v[0], RD_STATE_OVERDUE);
	assert_true(s.has_exhaustion);
	expect_date(s.exhaustion, "2025-05-16", "exhaustion");

	/* The later of two agreements stands. */
	struct event two[] = {e[0],
			      ev("agreed", "due", "2025-06-02", "2025-06-02")};
	run_fed(&r, two, N(two), "2025-05-16", &s);
	expect_due(&s.v[0], "2025-06-02");
	expect_state(&s.v[0], RD_STATE_DUE);
}

/* --- the other clocks ---------------------------------------------------- */

static void test_expedited(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("submitted", "2025-03-03", "2025-03-03");
	r.expedited = true;
	run_fed(&r, NULL, 0, "2025-03-05", &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].kind, RD_DETERMINATION);
	assert_int_equal(s.v[1].kind, RD_EXPEDITED);
	/* 10 calendar days: Thu 03-13. */
	expect_due(&s.v[1], "2025-03-13");
	assert_int_equal(s.v[1].period, 10);
	assert_int_equal(s.v[1].unit, DEADLINE_CALENDAR_DAYS);
	expect_state(&s.v[1], RD_STATE_DUE);
	/* The earlier one is next. */
	assert_ptr_equal(rd_next(&s), &s.v[1]);

	/* Calendar days end on a weekend without moving: from Wed 03-05,
	 * Sat 03-15. */
	r.received = (char *)"2025-03-05";
	run_fed(&r, NULL, 0, "2025-03-06", &s);
	expect_due(find(&s, RD_EXPEDITED), "2025-03-15");

	/* Not asked for: no such clock. */
	r.expedited = false;
	run_fed(&r, NULL, 0, "2025-03-06", &s);
	assert_false(has(&s, RD_EXPEDITED));

	/* The determination answers it too. */
	r = req("granted", "2025-03-03", "2025-03-03");
	r.expedited = true;
	struct event e[] = {st("granted", "2025-03-07")};
	run_fed(&r, e, N(e), "2025-04-01", &s);
	expect_state(find(&s, RD_EXPEDITED), RD_STATE_MET);
	expect_date(find(&s, RD_EXPEDITED)->met_on, "2025-03-07", "met_on");
	assert_null(rd_next(&s));
}

static void test_appeal_window(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("denied", "2025-03-03", "2025-03-03");
	struct event e[] = {st("denied", "2025-03-28"),
			    st("appealed", "2025-04-10"),
			    st("appeal-decided", "2025-05-01")};

	/* 90 calendar days after Fri 03-28: Thu 06-26. */
	run_fed(&r, e, 1, "2025-04-01", &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[1].kind, RD_APPEAL_WINDOW);
	expect_due(&s.v[1], "2025-06-26");
	assert_int_equal(s.v[1].period, 90);
	assert_int_equal(s.v[1].unit, DEADLINE_CALENDAR_DAYS);
	expect_date(s.v[1].start, "2025-03-28", "window start");
	expect_state(&s.v[1], RD_STATE_DUE);
	assert_ptr_equal(rd_next(&s), &s.v[1]);
	/* Closed, but missed: overdue, and no exhaustion (it is the
	 * requester's time limit, not the agency's). */
	run_fed(&r, e, 1, "2025-07-01", &s);
	expect_state(find(&s, RD_APPEAL_WINDOW), RD_STATE_OVERDUE);
	assert_false(s.has_exhaustion);

	/* Appealed: the window is met, the appeal clock runs 20 working
	 * days from the appeal (Thu 05-08). */
	r.status = (char *)"appealed";
	run_fed(&r, e, 2, "2025-04-15", &s);
	assert_int_equal(s.n, 3);
	const struct rd_deadline *w = find(&s, RD_APPEAL_WINDOW);
	expect_state(w, RD_STATE_MET);
	expect_date(w->met_on, "2025-04-10", "window met_on");
	const struct rd_deadline *a = find(&s, RD_APPEAL_DECISION);
	assert_int_equal(s.v[2].kind, RD_APPEAL_DECISION);
	expect_due(a, "2025-05-08");
	assert_int_equal(a->period, 20);
	assert_int_equal(a->unit, DEADLINE_WORKING_DAYS);
	expect_state(a, RD_STATE_DUE);
	assert_ptr_equal(rd_next(&s), a);

	/* The appeal decision unanswered past its date: exhaustion from the
	 * appeal clock. */
	run_fed(&r, e, 2, "2025-06-01", &s);
	expect_state(find(&s, RD_APPEAL_DECISION), RD_STATE_OVERDUE);
	assert_true(s.has_exhaustion);
	expect_date(s.exhaustion, "2025-05-09", "exhaustion");
	expect_date(s.limitations, "2031-05-09", "limitations");

	/* Decided: met, nothing left. */
	r.status = (char *)"appeal-decided";
	run_fed(&r, e, 3, "2025-06-01", &s);
	expect_state(find(&s, RD_APPEAL_DECISION), RD_STATE_MET);
	expect_date(find(&s, RD_APPEAL_DECISION)->met_on, "2025-05-01",
		    "decision met_on");
	assert_false(s.has_exhaustion);
	assert_null(rd_next(&s));

	/* A full grant cannot be appealed: no window. */
	struct request g = req("granted", "2025-03-03", "2025-03-03");
	struct event ge[] = {st("granted", "2025-03-28")};
	run_fed(&g, ge, N(ge), "2025-04-01", &s);
	assert_false(has(&s, RD_APPEAL_WINDOW));
	assert_false(has(&s, RD_APPEAL_DECISION));
	/* No records is adverse. */
	struct event ne[] = {st("no-records", "2025-03-28")};
	g.status = (char *)"no-records";
	run_fed(&g, ne, N(ne), "2025-04-01", &s);
	expect_due(find(&s, RD_APPEAL_WINDOW), "2025-06-26");
}

static void test_withdrawn(void **state)
{
	(void)state;
	struct rd_set s;
	/* Withdrawn before any answer: no clocks at all, even when the
	 * response date has long passed. */
	struct request r = req("withdrawn", "2025-03-03", "2025-03-03");
	struct event e[] = {st("withdrawn", "2025-03-15")};
	run_fed(&r, e, N(e), "2025-09-01", &s);
	assert_int_equal(s.n, 0);
	assert_false(s.has_exhaustion);
	assert_false(s.has_limitations);
	assert_null(rd_next(&s));

	/* Withdrawn after the answer (from an appeal): the history stays,
	 * the clock is done. */
	struct event after[] = {st("denied", "2025-03-20"),
				st("appealed", "2025-04-01"),
				st("withdrawn", "2025-04-03")};
	run_fed(&r, after, N(after), "2025-09-01", &s);
	expect_state(find(&s, RD_DETERMINATION), RD_STATE_MET);
	assert_int_equal(s.clock, RD_CLOCK_DONE);
}

/* request_deadlines.h: DONE is "answered, withdrawn or closed", NONE "not
 * started"; a request withdrawn before any answer had a running clock. */
static void test_withdrawn_clock_done(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("withdrawn", "2025-03-03", "2025-03-03");
	struct event e[] = {st("withdrawn", "2025-03-15")};
	run_fed(&r, e, N(e), "2025-09-01", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.clock, RD_CLOCK_DONE);
}

/* request_deadlines.h: the clock is DONE once the request is closed, even
 * when it was closed without a determination. */
static void test_closed_clock_done(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("closed", "2025-03-03", "2025-03-03");
	struct event e[] = {st("closed", "2025-03-15")};
	run_fed(&r, e, N(e), "2025-03-20", &s);
	assert_int_equal(s.clock, RD_CLOCK_DONE);
}

/* A law with no period: a follow-up every followup_every days. */
static void test_followup(void **state)
{
	(void)state;
	struct rd_set s;
	const struct jurisdiction *az = law("us-az");
	assert_false(az->initial.set);
	assert_int_equal(az->followup_every, 10);
	struct request r = req("submitted", "2025-03-03", "2025-03-03");
	r.jurisdiction = (char *)"us-az";
	r.agency = (char *)"AZ-DPS";

	/* Before the first: start + 10. */
	run(&r, NULL, 0, "us-az", "2025-03-05", false, &s);
	assert_int_equal(s.n, 1);
	const struct rd_deadline *d = &s.v[0];
	assert_int_equal(d->kind, RD_FOLLOWUP);
	expect_due(d, "2025-03-13");
	expect_state(d, RD_STATE_DUE);
	assert_int_equal(d->period, 10);
	assert_int_equal(d->unit, DEADLINE_CALENDAR_DAYS);
	expect_date(d->start, "2025-03-03", "start");
	assert_int_equal(s.clock, RD_CLOCK_RUNNING);
	assert_false(s.has_exhaustion);
	assert_ptr_equal(rd_next(&s), d);

	/* 22 days in: the third, 03-03 + 30 = 04-02; never overdue. */
	run(&r, NULL, 0, "us-az", "2025-03-25", false, &s);
	expect_due(&s.v[0], "2025-04-02");
	expect_state(&s.v[0], RD_STATE_DUE);

	/* Every day of a year: the next follow-up is on a multiple of 10
	 * days from the start, not before today, within 10 days. */
	for (int32_t t = D("2025-03-04"); t < D("2026-03-04"); t++) {
		char today[16];
		civil_format(t, today, sizeof(today));
		run(&r, NULL, 0, "us-az", today, false, &s);
		int32_t due = s.v[0].due;
		if (due < t || due >= t + 10 || (due - D("2025-03-03")) % 10)
			fail_msg("today %s: follow-up on day %d", today,
				 (int)(due - D("2025-03-03")));
		expect_state(&s.v[0], RD_STATE_DUE);
	}

	/* No receipt, mailed: from sent + 5. */
	r.received = NULL;
	r.method = (char *)"mail";
	run(&r, NULL, 0, "us-az", "2025-03-05", false, &s);
	assert_true(s.v[0].assumed_start);
	expect_date(s.v[0].start, "2025-03-08", "start");
	expect_due(&s.v[0], "2025-03-18");

	/* Answered: met, done. */
	r = req("granted", "2025-03-03", "2025-03-03");
	r.jurisdiction = (char *)"us-az";
	struct event e[] = {st("granted", "2025-03-20")};
	run(&r, e, N(e), "us-az", "2025-04-01", false, &s);
	expect_state(find(&s, RD_FOLLOWUP), RD_STATE_MET);
	expect_date(find(&s, RD_FOLLOWUP)->met_on, "2025-03-20", "met_on");
	assert_int_equal(s.clock, RD_CLOCK_DONE);
	assert_null(rd_next(&s));
	/* us-az has no appeal clocks either. */
	assert_int_equal(s.n, 1);
}

/* Interior counts the day of receipt as day 1 (43 CFR 2.16). */
static void test_agency_override(void **state)
{
	(void)state;
	struct rd_set ice, doi;
	struct request r = req("submitted", "2025-03-03", "2025-03-03");
	run_fed(&r, NULL, 0, "2025-03-05", &ice);
	r.agency = (char *)"DOI";
	run_fed(&r, NULL, 0, "2025-03-05", &doi);
	expect_due(&ice.v[0], "2025-03-31");
	expect_due(&doi.v[0], "2025-03-28");
	/* Exactly one working day apart. */
	int32_t back;
	assert_int_equal(workcal_add_working_days(cal_of(law("us-federal")),
						  ice.v[0].due, -1, &back),
			 WORKCAL_OK);
	assert_int_equal(doi.v[0].due, back);
	/* Codes compare without case. */
	r.agency = (char *)"doi";
	run_fed(&r, NULL, 0, "2025-03-05", &doi);
	expect_due(&doi.v[0], "2025-03-28");
	/* Only the response clock: the expedited one is the same. */
	r.expedited = true;
	run_fed(&r, NULL, 0, "2025-03-05", &doi);
	expect_due(find(&doi, RD_EXPEDITED), "2025-03-13");
}

static void test_rd_next(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("processing", "2025-03-03", "2025-03-03");
	r.expedited = true;

	/* Expedited overdue (03-13), determination due (03-31): the overdue
	 * one first. */
	run_fed(&r, NULL, 0, "2025-03-20", &s);
	const struct rd_deadline *n = rd_next(&s);
	assert_non_null(n);
	assert_int_equal(n->kind, RD_EXPEDITED);
	expect_state(n, RD_STATE_OVERDUE);

	/* Determination stopped by an open toll: the expedited one (which
	 * no toll stops) is the only live date. */
	struct event t[] = {ev("toll", "clarification", "2025-03-05", NULL)};
	run_fed(&r, t, N(t), "2025-03-06", &s);
	expect_state(find(&s, RD_DETERMINATION), RD_STATE_STOPPED);
	n = rd_next(&s);
	assert_non_null(n);
	assert_int_equal(n->kind, RD_EXPEDITED);

	/* An agreed date before the expedited one wins. */
	struct event a[] = {ev("agreed", "due", "2025-03-10", "2025-03-10")};
	run_fed(&r, a, N(a), "2025-03-06", &s);
	n = rd_next(&s);
	assert_int_equal(n->kind, RD_DETERMINATION);
	assert_true(n->agreed);

	/* Everything met: nothing next. */
	struct event g[] = {st("granted", "2025-03-07")};
	r.status = (char *)"granted";
	run_fed(&r, g, N(g), "2025-03-20", &s);
	assert_null(rd_next(&s));

	struct rd_set empty = {0};
	assert_null(rd_next(&empty));
}

/* Events the engine does not read, and ones without a date, change
 * nothing. */
static void test_ignored_events(void **state)
{
	(void)state;
	struct rd_set s;
	struct request r = req("processing", "2025-03-03", "2025-03-03");
	struct event e[] = {ev("filed", "status", "2025-03-03", "submitted"),
			    ev("note", NULL, "2025-03-05", NULL),
			    ev("field", "subject", NULL, "x"),
			    st("granted", NULL),
			    ev("toll", "clarification", NULL, NULL),
			    ev(NULL, NULL, "2025-03-05", NULL)};
	run_fed(&r, e, N(e), "2025-03-10", &s);
	assert_int_equal(s.n, 1);
	expect_state(&s.v[0], RD_STATE_DUE);
	expect_due(&s.v[0], "2025-03-31");
	int32_t since;
	assert_false(request_open_toll(e, N(e), &since));
}

static void test_errors(void **state)
{
	(void)state;
	struct rd_set s;
	char err[512] = "";
	const struct jurisdiction *fed = law("us-federal");
	struct request r = req("processing", "2025-03-03", "2025-03-03");
	struct event bad[] = {
		ev("toll", "clarification", "2025-03-10", "2025-03-05")};
	assert_int_equal(request_deadlines(&r, bad, N(bad), fed, cal_of(fed),
					   D("2025-03-20"), false, &s, err,
					   sizeof(err)),
			 -1);
	assert_string_equal(err, "toll answered 2025-03-05 before it was asked "
				 "2025-03-10");

	/* Before the calendar: refused, never guessed. */
	r = req("submitted", "1977-06-01", "1977-06-01");
	err[0] = '\0';
	assert_int_equal(request_deadlines(&r, NULL, 0, fed, cal_of(fed),
					   D("2025-03-20"), false, &s, err,
					   sizeof(err)),
			 -1);
	assert_string_equal(err, "received date '1977-06-01' outside the "
				 "calendar (1978..2100)");
}

static void test_explain(void **state)
{
	(void)state;
	struct rd_set s;
	char line[512];
	struct request r = req("submitted", "2025-06-10", "2025-06-10");
	run(&r, NULL, 0, "us-federal", "2025-06-11", true, &s);
	const struct rd_deadline *d = &s.v[0];
	assert_true(d->nsteps > 0 && d->nsteps <= RD_MAX_STEPS);
	bool june = false, july = false, due = false;
	for (size_t i = 0; i < d->nsteps; i++) {
		deadline_format_step(&d->steps[i], line, sizeof(line));
		june |= strcmp(line, "2025-06-19 Thu  skipped: Juneteenth "
				     "National Independence Day") == 0;
		july |= strcmp(line, "2025-07-04 Fri  skipped: Independence "
				     "Day") == 0;
		due |= strcmp(line, "2025-07-10 Thu  initial determination "
				    "due: working day 20") == 0;
	}
	assert_true(june);
	assert_true(july);
	assert_true(due);
	deadline_format_step(&d->steps[0], line, sizeof(line));
	assert_string_equal(line, "2025-06-10 Tue  received");

	/* Interior: the start step says day 1 is the day of receipt. */
	r.agency = (char *)"DOI";
	run(&r, NULL, 0, "us-federal", "2025-06-11", true, &s);
	bool day1 = false;
	for (size_t i = 0; i < s.v[0].nsteps; i++)
		day1 |= s.v[0].steps[i].kind == DEADLINE_STEP_START &&
			s.v[0].steps[i].day1;
	assert_true(day1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_draft_has_none),
		cmocka_unit_test(test_received_known),
		cmocka_unit_test(test_received_unknown),
		cmocka_unit_test(test_worked_examples),
		cmocka_unit_test(test_met_by_determination),
		cmocka_unit_test(test_overdue_and_exhaustion),
		cmocka_unit_test(test_closed_toll),
		cmocka_unit_test(test_open_toll),
		cmocka_unit_test(test_extension_initial),
		cmocka_unit_test(test_extension_after_appeal),
		cmocka_unit_test(test_agreed),
		cmocka_unit_test(test_expedited),
		cmocka_unit_test(test_appeal_window),
		cmocka_unit_test(test_withdrawn),
		cmocka_unit_test(test_withdrawn_clock_done),
		cmocka_unit_test(test_closed_clock_done),
		cmocka_unit_test(test_followup),
		cmocka_unit_test(test_agency_override),
		cmocka_unit_test(test_rd_next),
		cmocka_unit_test(test_ignored_events),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
