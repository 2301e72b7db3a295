/*
 * test_deadline.c: the deadline engine (daemon/deadline.c).
 *
 * The worked examples of docs/deadline-rules.md section 1 first, then each
 * clause of "The counting model foiad uses (precise)": tolls closed, open,
 * overlapping and late; extensions; calendar-day rules with and without
 * roll-forward; day 1 and cut-off variants; the misrouting cap; overdue,
 * exhaustion, limitations; errors; the explanation and its text; and a
 * property test against a naive day-by-day model of the same rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deadline.h"
#include "foia/civil.h"
#include "workcal.h"

static struct workcal *fed;    /* federal, 1990..2100, no closures */
static struct workcal *fed_cl; /* the same with closures */

#define MAXSTEPS 64

static int32_t D(const char *s)
{
	int32_t d = 0;
	if (!civil_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static struct workcal *build(bool closures, int first, int last)
{
	struct workcal_spec spec;
	struct workcal *cal = NULL;
	assert_int_equal(
		workcal_federal_spec(&spec, closures, false, first, last),
		WORKCAL_OK);
	assert_int_equal(workcal_new(&spec, &cal, NULL, 0), WORKCAL_OK);
	return cal;
}

static int setup(void **state)
{
	(void)state;
	fed = build(false, 1990, 2100);
	fed_cl = build(true, 1990, 2100);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	workcal_free(fed);
	workcal_free(fed_cl);
	return 0;
}

/* Compute, asserting success; steps land in *st (backed by v). */
static struct deadline_result run(const struct workcal *cal,
				  const struct deadline_rule *rule,
				  const struct deadline_input *in,
				  struct deadline_steps *st,
				  struct deadline_step *v)
{
	struct deadline_result res;
	char err[200] = "";
	*st = (struct deadline_steps){.v = v, .cap = MAXSTEPS};
	const int rc =
		deadline_compute(cal, rule, in, &res, st, err, sizeof(err));
	if (rc != WORKCAL_OK)
		fail_msg("deadline_compute: %d: %s", rc, err);
	assert_int_equal(st->n, st->total); /* never truncated here */
	return res;
}

static size_t count_kind(const struct deadline_steps *st,
			 enum deadline_step_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < st->n; i++)
		n += st->v[i].kind == k;
	return n;
}

static const struct deadline_step *find_kind(const struct deadline_steps *st,
					     enum deadline_step_kind k,
					     size_t nth)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->v[i].kind == k && nth-- == 0)
			return &st->v[i];
	return NULL;
}

/* The dates of the SKIP steps outside tolls, in order, must be exactly
 * `want` (NULL-terminated). */
static void check_skips(const struct deadline_steps *st,
			const char *const *want)
{
	size_t k = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct deadline_step *s = &st->v[i];
		if (s->kind != DEADLINE_STEP_SKIP || s->in_toll)
			continue;
		if (want[k] == NULL)
			fail_msg("unexpected skip step %d", (int)s->date);
		assert_int_equal(s->date, D(want[k]));
		k++;
	}
	if (want[k] != NULL)
		fail_msg("missing skip step %s", want[k]);
}

/*
 * deadline-rules.md lines 51-57, "Worked examples (federal calendar, no
 * closures)"; the last row counts the Dec 24 and 26 closures.
 */
struct example {
	int line; /* line of the row in deadline-rules.md */
	const char *received;
	const char *toll_a, *toll_b; /* NULL: none */
	int extension;
	bool closures;
	const char *due;
	const char *const skips[6]; /* holidays and closures named */
};

static void test_worked_examples(void **state)
{
	(void)state;
	static const struct example v[] = {
		/* line 53: 2025-03-03, no toll -> 2025-03-31 */
		{53, "2025-03-03", NULL, NULL, 0, false, "2025-03-31", {NULL}},
		/* line 54: toll (2025-03-10, 2025-03-20) -> 2025-04-10 */
		{54,
		 "2025-03-03",
		 "2025-03-10",
		 "2025-03-20",
		 0,
		 false,
		 "2025-04-10",
		 {NULL}},
		/* line 55: 2025-06-10 -> 2025-07-10, skips Juneteenth and
		 * July 4 */
		{55,
		 "2025-06-10",
		 NULL,
		 NULL,
		 0,
		 false,
		 "2025-07-10",
		 {"2025-06-19", "2025-07-04", NULL}},
		/* line 56: 2025-12-10 -> 2026-01-09 */
		{56,
		 "2025-12-10",
		 NULL,
		 NULL,
		 0,
		 false,
		 "2026-01-09",
		 {"2025-12-25", "2026-01-01", NULL}},
		/* line 57: the same with the Dec 24 and 26 closures counted
		 * -> 2026-01-13 */
		{57,
		 "2025-12-10",
		 NULL,
		 NULL,
		 0,
		 true,
		 "2026-01-13",
		 {"2025-12-24", "2025-12-25", "2025-12-26", "2026-01-01",
		  NULL}},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct deadline_toll toll = {.kind = DEADLINE_TOLL_INFO};
		struct deadline_input in = {.received = D(v[i].received),
					    .extension = v[i].extension};
		if (v[i].toll_a != NULL) {
			toll.asked = D(v[i].toll_a);
			toll.answered = D(v[i].toll_b);
			in.tolls = &toll;
			in.n_tolls = 1;
		}
		struct deadline_step sv[MAXSTEPS];
		struct deadline_steps st;
		struct deadline_result r =
			run(v[i].closures ? fed_cl : fed,
			    &deadline_federal_initial, &in, &st, sv);
		if (r.state != DEADLINE_DUE || r.due != D(v[i].due)) {
			char got[16];
			civil_format(r.due, got, sizeof(got));
			fail_msg("deadline-rules.md line %d: due %s, expected "
				 "%s",
				 v[i].line, got, v[i].due);
		}
		assert_int_equal(r.period, 20);
		assert_int_equal(r.used, 20);
		check_skips(&st, v[i].skips);
		const struct deadline_step *due =
			find_kind(&st, DEADLINE_STEP_DUE, 0);
		assert_non_null(due);
		assert_int_equal(due->date, D(v[i].due));
		assert_int_equal(due->count, 20);
	}
}

/* Line 54 in detail: 5 working days used before the toll, 8 removed. */
static void test_toll_closed_steps(void **state)
{
	(void)state;
	const struct deadline_toll toll = {.kind = DEADLINE_TOLL_INFO,
					   .asked = D("2025-03-10"),
					   .answered = D("2025-03-20")};
	const struct deadline_input in = {
		.received = D("2025-03-03"), .tolls = &toll, .n_tolls = 1};
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	struct deadline_result r =
		run(fed, &deadline_federal_initial, &in, &st, sv);
	assert_int_equal(r.tolled, 8);
	const struct deadline_step *t = find_kind(&st, DEADLINE_STEP_TOLL, 0);
	assert_non_null(t);
	assert_int_equal(t->count, 8);
	assert_int_equal(t->count2, 5);
	assert_null(t->name);
	/* Order: received, start, toll, due, overdue, exhaustion,
	 * limitations. */
	static const enum deadline_step_kind order[] = {
		DEADLINE_STEP_RECEIVED,	   DEADLINE_STEP_START,
		DEADLINE_STEP_TOLL,	   DEADLINE_STEP_DUE,
		DEADLINE_STEP_OVERDUE,	   DEADLINE_STEP_EXHAUSTION,
		DEADLINE_STEP_LIMITATIONS,
	};
	assert_int_equal(st.n, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < st.n; i++)
		assert_int_equal(st.v[i].kind, order[i]);
}

/* Line 41-42: an open toll: no due date, the working days used. */
static void test_toll_open(void **state)
{
	(void)state;
	const struct deadline_toll toll = {.kind = DEADLINE_TOLL_INFO,
					   .asked = D("2025-03-10"),
					   .open = true};
	const struct deadline_input in = {
		.received = D("2025-03-03"), .tolls = &toll, .n_tolls = 1};
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	struct deadline_result r =
		run(fed, &deadline_federal_initial, &in, &st, sv);
	assert_int_equal(r.state, DEADLINE_STOPPED);
	assert_int_equal(r.used, 5);
	assert_int_equal(r.period, 20);
	assert_int_equal(r.stopped_on, D("2025-03-10"));
	assert_false(r.computed);
	assert_false(r.has_exhaustion);
	assert_int_equal(count_kind(&st, DEADLINE_STEP_DUE), 0);
	assert_int_equal(count_kind(&st, DEADLINE_STEP_OVERDUE), 0);
	const struct deadline_step *s =
		find_kind(&st, DEADLINE_STEP_STOPPED, 0);
	assert_non_null(s);
	assert_int_equal(s->count, 5);
	assert_int_equal(s->count2, 20);

	/* After a closed toll, with an extension: 5 + 4 used of 30. */
	const struct deadline_toll two[] = {
		{.kind = DEADLINE_TOLL_FEE,
		 .asked = D("2025-03-14"),
		 .open = true},
		{.kind = DEADLINE_TOLL_FEE,
		 .asked = D("2025-03-07"),
		 .answered = D("2025-03-10")},
	};
	const struct deadline_input in2 = {.received = D("2025-03-03"),
					   .tolls = two,
					   .n_tolls = 2,
					   .extension = 10};
	r = run(fed, &deadline_federal_initial, &in2, &st, sv);
	assert_int_equal(r.state, DEADLINE_STOPPED);
	/* Mar 4-7 (4), Mar 10 tolled, Mar 11-14 (4). */
	assert_int_equal(r.used, 8);
	assert_int_equal(r.tolled, 1);
	assert_int_equal(r.period, 30);

	/* Opened on the day of receipt: nothing used. */
	const struct deadline_toll first = {.asked = D("2025-03-03"),
					    .open = true};
	const struct deadline_input in3 = {
		.received = D("2025-03-03"), .tolls = &first, .n_tolls = 1};
	r = run(fed, &deadline_federal_initial, &in3, &st, sv);
	assert_int_equal(r.state, DEADLINE_STOPPED);
	assert_int_equal(r.used, 0);
}

/* A toll that starts on or after the due date does not move it; a toll
 * inside another removes nothing twice. */
static void test_toll_edge_cases(void **state)
{
	(void)state;
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	/* Line 53 example with a toll asked on the due date. */
	const struct deadline_toll late[] = {
		{.asked = D("2025-03-31"), .answered = D("2025-04-20")},
		{.asked = D("2025-04-02"), .open = true},
	};
	const struct deadline_input in = {
		.received = D("2025-03-03"), .tolls = late, .n_tolls = 2};
	struct deadline_result r =
		run(fed, &deadline_federal_initial, &in, &st, sv);
	assert_int_equal(r.state, DEADLINE_DUE);
	assert_int_equal(r.due, D("2025-03-31"));
	assert_int_equal(r.tolled, 0);
	const struct deadline_step *t = find_kind(&st, DEADLINE_STEP_TOLL, 0);
	assert_non_null(t);
	assert_non_null(t->name);
	assert_non_null(strstr(t->name, "after the due date"));
	t = find_kind(&st, DEADLINE_STEP_TOLL_OPEN, 0);
	assert_non_null(t);
	assert_non_null(strstr(t->name, "after the due date"));

	/* Overlapping (03-10, 03-20] and (03-15, 03-25]: the union
	 * (03-10, 03-25] removes 11 working days once. */
	const struct deadline_toll ov[] = {
		{.asked = D("2025-03-15"), .answered = D("2025-03-25")},
		{.asked = D("2025-03-10"), .answered = D("2025-03-20")},
		{.asked = D("2025-03-12"), .answered = D("2025-03-13")},
	};
	const struct deadline_input in2 = {
		.received = D("2025-03-03"), .tolls = ov, .n_tolls = 3};
	r = run(fed, &deadline_federal_initial, &in2, &st, sv);
	assert_int_equal(r.tolled, 11);
	assert_int_equal(r.due, D("2025-04-15"));
	/* The one inside is reported as such. */
	t = find_kind(&st, DEADLINE_STEP_TOLL, 1);
	assert_non_null(t);
	assert_int_equal(t->date, D("2025-03-12"));
	assert_non_null(t->name);
	assert_non_null(strstr(t->name, "within an earlier toll"));

	/* A toll over a holiday: the holiday is listed, inside the toll,
	 * and not among the working days removed. Received 2025-06-10,
	 * toll (06-16, 06-23]: 17,18,20,23 = 4 removed. */
	const struct deadline_toll jt = {.asked = D("2025-06-16"),
					 .answered = D("2025-06-23")};
	const struct deadline_input in3 = {
		.received = D("2025-06-10"), .tolls = &jt, .n_tolls = 1};
	r = run(fed, &deadline_federal_initial, &in3, &st, sv);
	assert_int_equal(r.tolled, 4);
	/* Line 55's due date moved by the 4 days: 07-10 -> 07-16. */
	assert_int_equal(r.due, D("2025-07-16"));
	const struct deadline_step *s = find_kind(&st, DEADLINE_STEP_SKIP, 0);
	assert_non_null(s);
	assert_int_equal(s->date, D("2025-06-19"));
	assert_true(s->in_toll);

	/* Two information tolls: counted, with a note (552(a)(6)(A)(ii)(I)
	 * allows one). Fee tolls do not trigger it. */
	const struct deadline_toll info2[] = {
		{.kind = DEADLINE_TOLL_INFO,
		 .asked = D("2025-03-04"),
		 .answered = D("2025-03-05")},
		{.kind = DEADLINE_TOLL_INFO,
		 .asked = D("2025-03-06"),
		 .answered = D("2025-03-07")},
		{.kind = DEADLINE_TOLL_FEE,
		 .asked = D("2025-03-11"),
		 .answered = D("2025-03-12")},
	};
	const struct deadline_input in4 = {
		.received = D("2025-03-03"), .tolls = info2, .n_tolls = 3};
	r = run(fed, &deadline_federal_initial, &in4, &st, sv);
	assert_int_equal(r.tolled, 3);
	assert_int_equal(count_kind(&st, DEADLINE_STEP_NOTE), 1);
	const struct deadline_input in5 = {
		.received = D("2025-03-03"), .tolls = info2 + 1, .n_tolls = 2};
	r = run(fed, &deadline_federal_initial, &in5, &st, sv);
	assert_int_equal(count_kind(&st, DEADLINE_STEP_NOTE), 0);
}

/* Line 43: an extension of N working days adds N to the count. */
static void test_extension(void **state)
{
	(void)state;
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	const struct deadline_input in = {.received = D("2025-03-03"),
					  .extension = 10};
	struct deadline_result r =
		run(fed, &deadline_federal_initial, &in, &st, sv);
	/* Line 53's 2025-03-31, then 10 more working days. */
	assert_int_equal(r.due, D("2025-04-14"));
	assert_int_equal(r.period, 30);
	const struct deadline_step *e =
		find_kind(&st, DEADLINE_STEP_EXTENSION, 0);
	assert_non_null(e);
	assert_int_equal(e->count, 10);
	assert_int_equal(e->count2, 30);
	assert_int_equal(find_kind(&st, DEADLINE_STEP_DUE, 0)->count, 30);

	/* With line 54's toll: 2025-04-10 + 10 working days. */
	const struct deadline_toll toll = {.asked = D("2025-03-10"),
					   .answered = D("2025-03-20")};
	const struct deadline_input in2 = {.received = D("2025-03-03"),
					   .tolls = &toll,
					   .n_tolls = 1,
					   .extension = 10};
	r = run(fed, &deadline_federal_initial, &in2, &st, sv);
	assert_int_equal(r.due, D("2025-04-24"));

	/* Appeal decision: 20 + 10 working days (line 22). */
	const struct deadline_input in3 = {.received = D("2025-06-10"),
					   .extension = 10};
	r = run(fed, &deadline_federal_appeal, &in3, &st, sv);
	assert_int_equal(r.due, D("2025-07-24"));

	/* Beyond 10 only by agreement: refused, said in words. */
	const struct deadline_input bad = {.received = D("2025-03-03"),
					   .extension = 11};
	struct deadline_result res;
	char err[200] = "";
	assert_int_equal(deadline_compute(fed, &deadline_federal_initial, &bad,
					  &res, NULL, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err, "extension of 11 working days exceeds the 10 "
				 "allowed by notice (longer only by an agreed "
				 "date)");
	const struct deadline_input neg = {.received = D("2025-03-03"),
					   .extension = -1};
	assert_int_equal(deadline_compute(fed, &deadline_federal_initial, &neg,
					  &res, NULL, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err, "invalid extension '-1'");
	/* No cap in the rule still means no int overflow. */
	struct deadline_rule uncapped = deadline_federal_initial;
	uncapped.ext_max = -1;
	const struct deadline_input huge = {.received = D("2025-03-03"),
					    .extension = 2147483647};
	assert_int_equal(deadline_compute(fed, &uncapped, &huge, &res, NULL,
					  err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err, "invalid extension '2147483647'");
	/* A long one that runs past the calendar is a range error. */
	const struct deadline_input long_ext = {.received = D("2025-03-03"),
						.extension = 36000};
	assert_int_equal(deadline_compute(fed, &uncapped, &long_ext, &res, NULL,
					  err, sizeof(err)),
			 WORKCAL_ERANGE);
}

/* Line 19: a date agreed with the requester replaces the computed one. */
static void test_agreed(void **state)
{
	(void)state;
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	const struct deadline_input in = {.received = D("2025-03-03"),
					  .agreed = true,
					  .agreed_due = D("2025-06-30")};
	struct deadline_result r =
		run(fed, &deadline_federal_initial, &in, &st, sv);
	assert_true(r.agreed);
	assert_int_equal(r.due, D("2025-06-30"));
	assert_int_equal(r.computed_due, D("2025-03-31"));
	assert_int_equal(r.overdue_from, D("2025-07-01"));
	assert_int_equal(r.exhaustion, D("2025-07-01"));
	const struct deadline_step *a = find_kind(&st, DEADLINE_STEP_AGREED, 0);
	assert_non_null(a);
	assert_true(a->applied);
	assert_int_equal(a->date2, D("2025-03-31"));
}

/* Line 44-46: calendar-day rules, with and without roll-forward. */
static void test_calendar_rules(void **state)
{
	(void)state;
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	/* Expedited decision: 10 calendar days after the request (line
	 * 20), no roll: Saturday stays Saturday. */
	const struct deadline_input e = {.received = D("2025-03-05")};
	struct deadline_result r =
		run(fed, &deadline_federal_expedited, &e, &st, sv);
	assert_int_equal(r.due, D("2025-03-15"));
	assert_int_equal(count_kind(&st, DEADLINE_STEP_ROLL), 0);
	assert_false(r.has_exhaustion);
	/* Holidays are not skipped in calendar days. */
	assert_int_equal(count_kind(&st, DEADLINE_STEP_SKIP), 0);

	/* Time to appeal: 90 calendar days after the response (line 21). */
	const struct deadline_input a = {.received = D("2025-04-10")};
	r = run(fed, &deadline_federal_appeal_window, &a, &st, sv);
	assert_int_equal(r.due, D("2025-07-09"));

	/* A Canadian-style rule (jurisdictions.md line 75): 30 calendar
	 * days, rolled to the next working day. */
	struct deadline_rule ca = {.what = "response",
				   .unit = DEADLINE_CALENDAR_DAYS,
				   .days = 30,
				   .roll_forward = true,
				   .ext_unit = DEADLINE_CALENDAR_DAYS,
				   .ext_max = -1};
	/* Lands on Friday July 4, Independence Day: moved to Monday. */
	const struct deadline_input c1 = {.received = D("2025-06-04")};
	r = run(fed, &ca, &c1, &st, sv);
	assert_int_equal(r.due, D("2025-07-07"));
	const struct deadline_step *roll =
		find_kind(&st, DEADLINE_STEP_ROLL, 0);
	assert_non_null(roll);
	assert_int_equal(roll->date, D("2025-07-04"));
	assert_int_equal(roll->date2, D("2025-07-07"));
	assert_string_equal(roll->name, "Independence Day");
	/* Lands on a Saturday: Monday, and the reason is a weekend. */
	const struct deadline_input c2 = {.received = D("2025-06-05")};
	r = run(fed, &ca, &c2, &st, sv);
	assert_int_equal(r.due, D("2025-07-07"));
	assert_null(find_kind(&st, DEADLINE_STEP_ROLL, 0)->name);
	/* Lands on a working day: no roll step. */
	const struct deadline_input c3 = {.received = D("2025-06-03")};
	r = run(fed, &ca, &c3, &st, sv);
	assert_int_equal(r.due, D("2025-07-03"));
	assert_int_equal(count_kind(&st, DEADLINE_STEP_ROLL), 0);
	/* The same without roll-forward stays on the holiday. */
	ca.roll_forward = false;
	r = run(fed, &ca, &c1, &st, sv);
	assert_int_equal(r.due, D("2025-07-04"));
	/* Extension in calendar days (California: +14), and a toll
	 * removing calendar days. */
	const struct deadline_toll toll = {.asked = D("2025-06-10"),
					   .answered = D("2025-06-13")};
	const struct deadline_input c4 = {.received = D("2025-06-04"),
					  .extension = 14,
					  .tolls = &toll,
					  .n_tolls = 1};
	r = run(fed, &ca, &c4, &st, sv);
	assert_int_equal(r.tolled, 3);
	assert_int_equal(r.due, D("2025-07-04") + 14 + 3);

	/* Working-day period with a calendar-day extension (Pennsylvania:
	 * 5 working days, +30 calendar days), rolled forward. */
	const struct deadline_rule pa = {.unit = DEADLINE_WORKING_DAYS,
					 .days = 5,
					 .roll_forward = true,
					 .ext_unit = DEADLINE_CALENDAR_DAYS,
					 .ext_max = 30};
	const struct deadline_input p = {.received = D("2025-03-03"),
					 .extension = 30};
	r = run(fed, &pa, &p, &st, sv);
	/* 5 working days: 2025-03-10; +30: 2025-04-09 (a Wednesday). */
	assert_int_equal(r.due, D("2025-04-09"));
	assert_int_equal(r.period, 35);
	assert_int_equal(count_kind(&st, DEADLINE_STEP_EXTENSION), 1);
	assert_int_equal(find_kind(&st, DEADLINE_STEP_DUE, 0)->count, 0);

	/* The helper. */
	int32_t out;
	assert_int_equal(deadline_add_calendar_days(fed, D("2025-06-04"), 30,
						    true, &out),
			 WORKCAL_OK);
	assert_int_equal(out, D("2025-07-07"));
	assert_int_equal(deadline_add_calendar_days(fed, D("2025-06-04"), 30,
						    false, &out),
			 WORKCAL_OK);
	assert_int_equal(out, D("2025-07-04"));
	assert_int_equal(deadline_add_calendar_days(fed, D("2100-12-20"), 30,
						    false, &out),
			 WORKCAL_ERANGE);
}

/* Lines 27-29: Interior's day 1, EPA/Interior's 5 p.m. cut-off. */
static void test_receipt_variants(void **state)
{
	(void)state;
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	struct deadline_rule interior = deadline_federal_initial;
	interior.receipt_is_day1 = true;
	interior.cutoff_next_day = true;
	struct deadline_rule epa = deadline_federal_initial;
	epa.cutoff_next_day = true;
	struct deadline_rule day1 = deadline_federal_initial;
	day1.receipt_is_day1 = true;

	/* Day of receipt is day 1: one working day earlier than line 53. */
	struct deadline_input in = {.received = D("2025-03-03")};
	struct deadline_result r = run(fed, &day1, &in, &st, sv);
	assert_int_equal(r.due, D("2025-03-28"));
	assert_true(find_kind(&st, DEADLINE_STEP_START, 0)->day1);
	/* Received on a Saturday: Monday is day 1. */
	in.received = D("2025-03-01");
	r = run(fed, &day1, &in, &st, sv);
	assert_int_equal(r.due, D("2025-03-28"));

	/* After the cut-off: received the next working day. */
	in = (struct deadline_input){.received = D("2025-03-03"),
				     .after_cutoff = true};
	r = run(fed, &epa, &in, &st, sv);
	assert_int_equal(r.start, D("2025-03-04"));
	assert_int_equal(r.due, D("2025-04-01"));
	const struct deadline_step *c = find_kind(&st, DEADLINE_STEP_CUTOFF, 0);
	assert_non_null(c);
	assert_int_equal(c->date2, D("2025-03-04"));
	/* Thursday 07-03 after 5 p.m.: Friday 07-04 is a holiday, so the
	 * request counts as received Monday 07-07. */
	in.received = D("2025-07-03");
	r = run(fed, &epa, &in, &st, sv);
	assert_int_equal(r.start, D("2025-07-07"));
	/* Both (Interior): the next working day is day 1. */
	in.received = D("2025-03-03");
	r = run(fed, &interior, &in, &st, sv);
	assert_int_equal(r.due, D("2025-03-31"));
	/* A rule without a cut-off ignores the flag. */
	r = run(fed, &deadline_federal_initial, &in, &st, sv);
	assert_int_equal(r.due, D("2025-03-31"));
	assert_int_equal(count_kind(&st, DEADLINE_STEP_CUTOFF), 0);
}

/* Line 14: the clock starts no later than 10 working days after the
 * request first reached any designated component. */
static void test_misrouting_cap(void **state)
{
	(void)state;
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	struct deadline_input in = {.received = D("2025-03-24"),
				    .misrouted = true,
				    .first_received = D("2025-03-03")};
	struct deadline_result r =
		run(fed, &deadline_federal_initial, &in, &st, sv);
	assert_int_equal(r.start, D("2025-03-17"));
	assert_int_equal(r.due, D("2025-04-14"));
	const struct deadline_step *m =
		find_kind(&st, DEADLINE_STEP_MISROUTE, 0);
	assert_non_null(m);
	assert_true(m->applied);
	assert_int_equal(m->date2, D("2025-03-17"));
	/* Routed in time: the cap changes nothing. */
	in.received = D("2025-03-10");
	r = run(fed, &deadline_federal_initial, &in, &st, sv);
	assert_int_equal(r.start, D("2025-03-10"));
	assert_false(find_kind(&st, DEADLINE_STEP_MISROUTE, 0)->applied);
	/* A rule without a cap ignores it. */
	in.received = D("2025-03-24");
	r = run(fed, &deadline_federal_appeal, &in, &st, sv);
	assert_int_equal(r.start, D("2025-03-24"));
}

/* Lines 24-25 and 47: overdue from the day after; exhaustion then;
 * limitations 6 years from exhaustion. */
static void test_overdue_exhaustion_limitations(void **state)
{
	(void)state;
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	const struct deadline_input in = {.received = D("2025-03-03")};
	struct deadline_result r =
		run(fed, &deadline_federal_initial, &in, &st, sv);
	assert_int_equal(r.overdue_from, D("2025-04-01"));
	assert_false(deadline_is_overdue(r.due, D("2025-03-31")));
	assert_true(deadline_is_overdue(r.due, D("2025-04-01")));
	assert_int_equal(deadline_overdue_from(D("2025-03-31")),
			 D("2025-04-01"));
	assert_true(r.has_exhaustion);
	assert_int_equal(r.exhaustion, D("2025-04-01"));
	assert_true(r.has_limitations);
	assert_int_equal(r.limitations, D("2031-04-01"));
	assert_int_equal(find_kind(&st, DEADLINE_STEP_LIMITATIONS, 0)->count,
			 6);

	int32_t out;
	assert_int_equal(deadline_add_years(D("2024-02-29"), 6, &out),
			 WORKCAL_OK);
	assert_int_equal(out, D("2030-02-28"));
	assert_int_equal(deadline_add_years(D("2024-02-29"), 4, &out),
			 WORKCAL_OK);
	assert_int_equal(out, D("2028-02-29"));
	assert_int_equal(deadline_add_years(D("2195-01-01"), 6, &out),
			 WORKCAL_ERANGE);
}

static void test_errors(void **state)
{
	(void)state;
	struct deadline_result res;
	char err[200] = "";
	struct workcal *small = build(false, 1990, 2000);

	/* Received outside the span. */
	const struct deadline_input early = {.received = D("1989-12-01")};
	assert_int_equal(deadline_compute(small, &deadline_federal_initial,
					  &early, &res, NULL, err, sizeof(err)),
			 WORKCAL_ERANGE);
	assert_string_equal(err, "received date '1989-12-01' outside the "
				 "calendar (1990..2000)");
	/* Result outside the span. */
	const struct deadline_input late = {.received = D("2000-12-20")};
	assert_int_equal(deadline_compute(small, &deadline_federal_initial,
					  &late, &res, NULL, err, sizeof(err)),
			 WORKCAL_ERANGE);
	assert_string_equal(err, "the initial determination falls outside "
				 "the calendar (1990..2000)");
	/* Receipt-day-1 on the span's first day needs the day before. */
	struct deadline_rule day1 = deadline_federal_initial;
	day1.receipt_is_day1 = true;
	const struct deadline_input first = {.received = D("1990-01-01")};
	assert_int_equal(deadline_compute(small, &day1, &first, &res, NULL, err,
					  sizeof(err)),
			 WORKCAL_ERANGE);
	workcal_free(small);

	/* A toll answered before it was asked. */
	const struct deadline_toll back = {.asked = D("2025-03-10"),
					   .answered = D("2025-03-01")};
	const struct deadline_input in = {
		.received = D("2025-03-03"), .tolls = &back, .n_tolls = 1};
	assert_int_equal(deadline_compute(fed, &deadline_federal_initial, &in,
					  &res, NULL, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err, "toll answered 2025-03-01 before it was "
				 "asked 2025-03-10");
	/* A toll date outside the span. */
	const struct deadline_toll far = {.asked = D("2025-03-10"),
					  .answered = D("2150-01-01")};
	const struct deadline_input in2 = {
		.received = D("2025-03-03"), .tolls = &far, .n_tolls = 1};
	assert_int_equal(deadline_compute(fed, &deadline_federal_initial, &in2,
					  &res, NULL, err, sizeof(err)),
			 WORKCAL_ERANGE);
	assert_string_equal(err, "toll answered date '2150-01-01' outside the "
				 "calendar (1990..2100)");
	/* Bad rule; missing arguments. */
	struct deadline_rule bad = deadline_federal_initial;
	bad.days = DEADLINE_MAX_DAYS + 1;
	const struct deadline_input ok = {.received = D("2025-03-03")};
	assert_int_equal(
		deadline_compute(fed, &bad, &ok, &res, NULL, err, sizeof(err)),
		WORKCAL_EINVAL);
	assert_string_equal(err, "invalid deadline rule 'initial "
				 "determination'");
	assert_int_equal(
		deadline_compute(NULL, &bad, &ok, &res, NULL, err, sizeof(err)),
		WORKCAL_EINVAL);
	/* tolls NULL with a count */
	const struct deadline_input nt = {.received = D("2025-03-03"),
					  .n_tolls = 1};
	assert_int_equal(deadline_compute(fed, &deadline_federal_initial, &nt,
					  &res, NULL, err, sizeof(err)),
			 WORKCAL_EINVAL);
}

/* The step buffer is bounded; total says how many there were. */
static void test_steps_truncated(void **state)
{
	(void)state;
	struct deadline_step sv[2];
	struct deadline_steps st = {.v = sv, .cap = 2};
	struct deadline_result res;
	const struct deadline_input in = {.received = D("2025-12-10")};
	assert_int_equal(deadline_compute(fed_cl, &deadline_federal_initial,
					  &in, &res, &st, NULL, 0),
			 WORKCAL_OK);
	assert_int_equal(res.due, D("2026-01-13"));
	assert_int_equal(st.n, 2);
	/* received, start, 4 skips, due, overdue, exhaustion, limits */
	assert_int_equal(st.total, 10);
	/* Without a buffer at all. */
	assert_int_equal(deadline_compute(fed_cl, &deadline_federal_initial,
					  &in, &res, NULL, NULL, 0),
			 WORKCAL_OK);
	assert_int_equal(res.due, D("2026-01-13"));
}

/* The text a paralegal reads: line 57's example. */
static void test_format(void **state)
{
	(void)state;
	struct deadline_step sv[MAXSTEPS];
	struct deadline_steps st;
	const struct deadline_input in = {.received = D("2025-12-10")};
	run(fed_cl, &deadline_federal_initial, &in, &st, sv);
	char buf[2048];
	const size_t need = deadline_format_steps(st.v, st.n, buf, sizeof(buf));
	assert_int_equal(need, strlen(buf));
	static const char want[] =
		"2025-12-10 Wed  received\n"
		"2025-12-10 Wed  clock starts: 20 working days; day 1 is the "
		"first working day after this day\n"
		"2025-12-24 Wed  skipped: office closed, Christmas Eve "
		"(executive-order closure)\n"
		"2025-12-25 Thu  skipped: Christmas Day\n"
		"2025-12-26 Fri  skipped: office closed, Day after Christmas "
		"(executive-order closure)\n"
		"2026-01-01 Thu  skipped: New Year's Day\n"
		"2026-01-13 Tue  initial determination due: working day 20\n"
		"2026-01-14 Wed  overdue from this day\n"
		"2026-01-14 Wed  constructive exhaustion: the requester may "
		"sue without appealing\n"
		"2032-01-14 Wed  limitations: last day to sue, 6 years after "
		"exhaustion\n";
	assert_string_equal(buf, want);

	/* Short buffers: terminated, same length reported. */
	char small[40];
	memset(small, 'x', sizeof(small));
	assert_int_equal(
		deadline_format_steps(st.v, st.n, small, sizeof(small)), need);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, want, sizeof(small) - 1);
	assert_int_equal(deadline_format_steps(st.v, st.n, NULL, 0), need);

	/* Toll, open toll, observed holiday, roll, agreed, cut-off. */
	const struct deadline_toll toll = {.kind = DEADLINE_TOLL_INFO,
					   .asked = D("2025-03-10"),
					   .answered = D("2025-03-20")};
	const struct deadline_input in2 = {
		.received = D("2025-03-03"), .tolls = &toll, .n_tolls = 1};
	run(fed, &deadline_federal_initial, &in2, &st, sv);
	char line[256];
	deadline_format_step(find_kind(&st, DEADLINE_STEP_TOLL, 0), line,
			     sizeof(line));
	assert_string_equal(line,
			    "2025-03-10 Mon to 2025-03-20 Thu  clock stopped "
			    "for a request for information: 5 working days "
			    "used before it; 8 working days from 2025-03-11 "
			    "Tue to 2025-03-20 Thu not counted");
	const struct deadline_toll open = {.kind = DEADLINE_TOLL_FEE,
					   .asked = D("2025-03-10"),
					   .open = true};
	const struct deadline_input in3 = {
		.received = D("2025-03-03"), .tolls = &open, .n_tolls = 1};
	run(fed, &deadline_federal_initial, &in3, &st, sv);
	deadline_format_step(find_kind(&st, DEADLINE_STEP_STOPPED, 0), line,
			     sizeof(line));
	assert_string_equal(line,
			    "clock stopped since 2025-03-10 Mon: 5 of 20 "
			    "working days used, 15 left; no due date until "
			    "the answer arrives");
	deadline_format_step(find_kind(&st, DEADLINE_STEP_TOLL_OPEN, 0), line,
			     sizeof(line));
	assert_string_equal(line, "2025-03-10 Mon  clock stopped for fee "
				  "clarification, no answer recorded yet: 5 "
				  "working days used before it");
	/* An observed holiday: New Year's Day 2022 on 2021-12-31. */
	const struct deadline_input in4 = {.received = D("2021-12-20")};
	run(fed, &deadline_federal_initial, &in4, &st, sv);
	deadline_format_step(find_kind(&st, DEADLINE_STEP_SKIP, 1), line,
			     sizeof(line));
	assert_string_equal(
		line, "2021-12-31 Fri  skipped: New Year's Day (observed)");
	deadline_format_step(find_kind(&st, DEADLINE_STEP_SKIP, 0), line,
			     sizeof(line));
	assert_string_equal(
		line, "2021-12-24 Fri  skipped: Christmas Day (observed)");
}

/*
 * Property: the engine against a naive model of the counting rules,
 * walking one day at a time: a day counts if it is a working day and no
 * toll (A, B] holds it; an open toll stops the walk past A.
 */
static bool naive_working(const struct workcal *cal, int32_t d)
{
	const int w = civil_weekday(d);
	return w != WORKCAL_SATURDAY && w != WORKCAL_SUNDAY &&
	       workcal_holiday_name(cal, d) == NULL;
}

static uint64_t rng_state = 0xD1B54A32D192ED03ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32) % n;
}

static void test_property_naive_model(void **state)
{
	(void)state;
	const int32_t lo = D("1995-01-01"), span = 365 * 100;
	for (int i = 0; i < 5000; i++) {
		const struct workcal *cal = i % 2 ? fed : fed_cl;
		struct deadline_toll tolls[4];
		const size_t nt = rnd(5);
		const int32_t rec = lo + (int32_t)rnd((uint32_t)span);
		const bool open_ok = i % 3 == 0;
		for (size_t k = 0; k < nt; k++) {
			tolls[k].kind =
				rnd(2) ? DEADLINE_TOLL_FEE : DEADLINE_TOLL_INFO;
			tolls[k].asked = rec - 5 + (int32_t)rnd(50);
			tolls[k].answered = tolls[k].asked + (int32_t)rnd(20);
			tolls[k].open = open_ok && k == 0 && rnd(2);
		}
		const struct deadline_input in = {.received = rec,
						  .tolls = tolls,
						  .n_tolls = nt,
						  .extension = (int)rnd(11)};
		const int period = 20 + in.extension;

		/* The naive model. */
		int used = 0;
		int32_t d = rec, due = 0;
		bool stopped = false;
		while (used < period) {
			d++;
			bool tolled = false;
			for (size_t k = 0; k < nt; k++) {
				if (tolls[k].open && d > tolls[k].asked)
					stopped = true;
				if (!tolls[k].open && d > tolls[k].asked &&
				    d <= tolls[k].answered)
					tolled = true;
			}
			if (stopped)
				break;
			if (!tolled && naive_working(cal, d))
				used++;
		}
		due = d;

		struct deadline_result r;
		char err[200] = "";
		assert_int_equal(
			deadline_compute(cal, &deadline_federal_initial, &in,
					 &r, NULL, err, sizeof(err)),
			WORKCAL_OK);
		if (stopped) {
			assert_int_equal(r.state, DEADLINE_STOPPED);
			assert_int_equal(r.used, used);
		} else {
			assert_int_equal(r.state, DEADLINE_DUE);
			if (r.due != due)
				fail_msg("case %d: received %d, due %d, naive "
					 "%d",
					 i, (int)rec, (int)r.due, (int)due);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_examples),
		cmocka_unit_test(test_toll_closed_steps),
		cmocka_unit_test(test_toll_open),
		cmocka_unit_test(test_toll_edge_cases),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_agreed),
		cmocka_unit_test(test_calendar_rules),
		cmocka_unit_test(test_receipt_variants),
		cmocka_unit_test(test_misrouting_cap),
		cmocka_unit_test(test_overdue_exhaustion_limitations),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_steps_truncated),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_property_naive_model),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
