/*
 * test_sched_plan.c: the scheduler's decisions (daemon/sched_plan.c) and
 * the time-zone conversions it relies on (daemon/zone.c).
 *
 * Given the rules (leads, minute, follow-up interval), a deadline and the
 * present moment: which reminder is due, whether it is late, and when the
 * next one will be. In particular: only the latest of several passed leads
 * is due; follow-ups start at the deadline and repeat; a reminder more
 * than SCHED_LATE_MINUTES past its time is late, one within it is not;
 * the digest's days; spans of `foia remind --in`; and local times in a
 * zone with summer time, across both changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "foia/civil.h"
#include "sched_plan.h"
#include "zone.h"

static int32_t D(const char *s)
{
	int32_t d = 0;
	if (!civil_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static struct sched_rules rules(const int *leads, size_t n, int minute,
				int every)
{
	struct sched_rules r = {
		.nleads = n, .minute = minute, .followup_every = every};
	if (n)
		memcpy(r.leads, leads, n * sizeof(*leads));
	return r;
}

static const int std_leads[] = {7, 1, 0};

/* What sched_plan_deadline decides, compactly. */
struct decision {
	bool has_due;
	struct sched_fire due;
	bool has_next;
	struct sched_moment next;
};

static struct decision decide(const struct sched_rules *r, int32_t due,
			      bool followups, int repeat, int32_t day,
			      int minute)
{
	struct decision x;
	struct sched_deadline d = {due, followups, repeat};
	memset(&x, 0xaa, sizeof(x)); /* nothing left unset goes unnoticed */
	sched_plan_deadline(r, &d, (struct sched_moment){day, minute},
			    &x.has_due, &x.due, &x.has_next, &x.next);
	return x;
}

static void test_nothing_due_before_first_lead(void **state)
{
	(void)state;
	struct sched_rules r = rules(std_leads, 3, 540, 14);
	int32_t due = D("2025-03-31");
	struct decision x = decide(&r, due, true, 0, due - 8, 600);
	assert_false(x.has_due);
	assert_true(x.has_next);
	assert_int_equal(x.next.day, due - 7);
	assert_int_equal(x.next.minute, 540);
	/* One minute before the lead's time: still nothing. */
	x = decide(&r, due, true, 0, due - 7, 539);
	assert_false(x.has_due);
	assert_int_equal(x.next.day, due - 7);
}

static void test_lead_due_on_time_is_not_late(void **state)
{
	(void)state;
	struct sched_rules r = rules(std_leads, 3, 540, 14);
	int32_t due = D("2025-03-31");
	struct decision x = decide(&r, due, true, 0, due - 7, 540);
	assert_true(x.has_due);
	assert_int_equal(x.due.offset, 7);
	assert_int_equal(x.due.at.day, due - 7);
	assert_int_equal(x.due.at.minute, 540);
	assert_false(x.due.late);
	assert_true(x.has_next);
	assert_int_equal(x.next.day, due - 1);
	/* SCHED_LATE_MINUTES after: still on time; one more: late. */
	x = decide(&r, due, true, 0, due - 7, 540 + SCHED_LATE_MINUTES);
	assert_false(x.due.late);
	x = decide(&r, due, true, 0, due - 7, 541 + SCHED_LATE_MINUTES);
	assert_true(x.due.late);
}

static void test_only_latest_passed_lead(void **state)
{
	(void)state;
	struct sched_rules r = rules(std_leads, 3, 540, 14);
	int32_t due = D("2025-03-31");
	/* Down for 10 days: leads 7, 1 and 0 all passed; only 0 is due. */
	struct decision x = decide(&r, due, true, 0, due, 541);
	assert_true(x.has_due);
	assert_int_equal(x.due.offset, 0);
	assert_int_equal(x.due.at.day, due);
	assert_false(x.due.late);
	/* The first follow-up comes next, followup_every days later. */
	assert_int_equal(x.next.day, due + 14);
	/* The evening before the deadline: lead 1, late. */
	x = decide(&r, due, true, 0, due - 1, 1200);
	assert_int_equal(x.due.offset, 1);
	assert_true(x.due.late);
	assert_int_equal(x.next.day, due);
	/* The order of the leads in the settings does not matter. */
	static const int shuffled[] = {0, 7, 1};
	struct sched_rules r2 = rules(shuffled, 3, 540, 14);
	x = decide(&r2, due, true, 0, due - 1, 1200);
	assert_int_equal(x.due.offset, 1);
	assert_int_equal(x.next.day, due);
}

static void test_followups(void **state)
{
	(void)state;
	struct sched_rules r = rules(std_leads, 3, 540, 14);
	int32_t due = D("2025-03-31");
	/* 20 days overdue: the follow-up of day 14 is the latest. */
	struct decision x = decide(&r, due, true, 0, due + 20, 600);
	assert_true(x.has_due);
	assert_int_equal(x.due.offset, -14);
	assert_int_equal(x.due.at.day, due + 14);
	assert_true(x.due.late);
	assert_true(x.has_next);
	assert_int_equal(x.next.day, due + 28);
	/* On the day of the second one, before its time: the first. */
	x = decide(&r, due, true, 0, due + 28, 500);
	assert_int_equal(x.due.offset, -14);
	assert_int_equal(x.next.day, due + 28);
	/* Years overdue: still one, the latest, and the next. */
	x = decide(&r, due, true, 0, due + 1000, 540);
	assert_int_equal(x.due.offset, -(1000 / 14) * 14);
	assert_int_equal(x.next.day, due + (1000 / 14 + 1) * 14);
}

static void test_followups_start_at_the_deadline(void **state)
{
	(void)state;
	static const int leads[] = {7};
	struct sched_rules r = rules(leads, 1, 540, 10);
	int32_t due = D("2025-03-31");
	/* Without lead 0 the first follow-up is on the deadline itself. */
	struct decision x = decide(&r, due, true, 0, due - 3, 600);
	assert_int_equal(x.due.offset, 7);
	assert_int_equal(x.next.day, due);
	x = decide(&r, due, true, 0, due, 540);
	assert_int_equal(x.due.offset, 0);
	assert_false(x.due.late);
	assert_int_equal(x.next.day, due + 10);
}

static void test_no_followups(void **state)
{
	(void)state;
	struct sched_rules r = rules(std_leads, 3, 540, 14);
	int32_t due = D("2025-03-31");
	/* The appeal window: once it passed, lead 0 stays the last. */
	struct decision x = decide(&r, due, false, 0, due + 20, 600);
	assert_true(x.has_due);
	assert_int_equal(x.due.offset, 0);
	assert_false(x.has_next);
	/* Nothing configured to follow up either. */
	struct sched_rules r0 = rules(std_leads, 3, 540, 0);
	x = decide(&r0, due, true, 0, due + 20, 600);
	assert_int_equal(x.due.offset, 0);
	assert_false(x.has_next);
	/* No leads and no follow-ups: nothing, ever. */
	struct sched_rules none = rules(NULL, 0, 540, 0);
	x = decide(&none, due, true, 0, due - 30, 0);
	assert_false(x.has_due);
	assert_false(x.has_next);
}

static void test_repeating_clock(void **state)
{
	(void)state;
	static const int leads[] = {7};
	struct sched_rules r = rules(leads, 1, 540, 14);
	int32_t due = D("2025-03-31");
	/* A follow-up-only law: after this round's lead, the next round's
	 * lead is the next moment. */
	struct decision x = decide(&r, due, false, 30, due - 3, 600);
	assert_int_equal(x.due.offset, 7);
	assert_true(x.has_next);
	assert_int_equal(x.next.day, due + 30 - 7);
}

static void test_once(void **state)
{
	(void)state;
	bool has_due, has_next;
	struct sched_fire f;
	struct sched_moment next;
	int32_t day = D("2025-05-02");
	sched_plan_once(day, 540, (struct sched_moment){day - 1, 900}, &has_due,
			&f, &has_next, &next);
	assert_false(has_due);
	assert_true(has_next);
	assert_int_equal(next.day, day);
	assert_int_equal(next.minute, 540);
	sched_plan_once(day, 540, (struct sched_moment){day, 545}, &has_due, &f,
			&has_next, &next);
	assert_true(has_due);
	assert_false(has_next);
	assert_int_equal(f.at.day, day);
	assert_false(f.late);
	sched_plan_once(day, 540, (struct sched_moment){day + 2, 0}, &has_due,
			&f, &has_next, &next);
	assert_true(has_due);
	assert_true(f.late);
}

static void test_digest(void **state)
{
	(void)state;
	bool has_due;
	struct sched_fire f;
	struct sched_moment next;
	int32_t wed = D("2025-04-09"), mon = D("2025-04-07");
	assert_int_equal(civil_weekday(mon), 0);
	sched_plan_digest(SCHED_DIGEST_OFF, 540, (struct sched_moment){wed, 0},
			  &has_due, &f, &next);
	assert_false(has_due);
	/* Daily: today's once its time passed, else yesterday's. */
	sched_plan_digest(SCHED_DIGEST_DAILY, 540,
			  (struct sched_moment){wed, 600}, &has_due, &f, &next);
	assert_true(has_due);
	assert_int_equal(f.at.day, wed);
	assert_int_equal(next.day, wed + 1);
	sched_plan_digest(SCHED_DIGEST_DAILY, 540,
			  (struct sched_moment){wed, 500}, &has_due, &f, &next);
	assert_int_equal(f.at.day, wed - 1);
	assert_true(f.late);
	assert_int_equal(next.day, wed);
	/* Weekly: Mondays. */
	sched_plan_digest(SCHED_DIGEST_WEEKLY, 540,
			  (struct sched_moment){wed, 600}, &has_due, &f, &next);
	assert_int_equal(f.at.day, mon);
	assert_int_equal(next.day, mon + 7);
	sched_plan_digest(SCHED_DIGEST_WEEKLY, 540,
			  (struct sched_moment){mon, 539}, &has_due, &f, &next);
	assert_int_equal(f.at.day, mon - 7);
	assert_int_equal(next.day, mon);
	sched_plan_digest(SCHED_DIGEST_WEEKLY, 540,
			  (struct sched_moment){mon, 540}, &has_due, &f, &next);
	assert_int_equal(f.at.day, mon);
	assert_false(f.late);
}

static void test_span(void **state)
{
	(void)state;
	int days = -1;
	assert_true(sched_parse_span("3w", &days));
	assert_int_equal(days, 21);
	assert_true(sched_parse_span("10d", &days));
	assert_int_equal(days, 10);
	assert_true(sched_parse_span("5", &days));
	assert_int_equal(days, 5);
	days = -1;
	static const char *const bad[] = {"",
					  "0",
					  "0w",
					  "3x",
					  "w",
					  "-3",
					  "3 w",
					  "3ww",
					  "1.5w",
					  "3661",
					  "99999999999999999999",
					  NULL};
	for (size_t i = 0; bad[i]; i++)
		if (sched_parse_span(bad[i], &days))
			fail_msg("'%s' accepted as %d days", bad[i], days);
	assert_false(sched_parse_span(NULL, &days));
	assert_int_equal(days, -1);
	assert_true(sched_parse_span("3660", &days));
}

static void test_moments(void **state)
{
	(void)state;
	struct sched_moment a = {100, 10}, b = {100, 20}, c = {101, 0};
	assert_true(sched_before(a, b));
	assert_false(sched_before(b, a));
	assert_false(sched_before(a, a));
	assert_true(sched_before(b, c));
	assert_int_equal(sched_minutes(a, b), 10);
	assert_int_equal(sched_minutes(b, c), 1420);
	assert_int_equal(sched_minutes(c, a), -1430);
}

/* --- zones ---------------------------------------------------------------- */

static time_t utc(const char *stamp)
{
	time_t t = 0;
	if (!zone_parse_stamp(stamp, &t))
		fail_msg("bad stamp in test: %s", stamp);
	return t;
}

static void test_zone_instant(void **state)
{
	(void)state;
	const char *ny = "America/New_York";
	if (!zone_valid(ny))
		skip();
	/* Winter (UTC-5) and summer (UTC-4). */
	assert_int_equal(zone_instant(ny, D("2025-01-15"), 540),
			 utc("2025-01-15T14:00:00Z"));
	assert_int_equal(zone_instant(ny, D("2025-03-31"), 540),
			 utc("2025-03-31T13:00:00Z"));
	/* 02:30 does not exist on 2025-03-09: the same time after the
	 * change, 03:30 EDT. */
	assert_int_equal(zone_instant(ny, D("2025-03-09"), 150),
			 utc("2025-03-09T07:30:00Z"));
	/* 01:30 happens twice on 2025-11-02: one of them. */
	time_t t = zone_instant(ny, D("2025-11-02"), 90);
	assert_true(t == utc("2025-11-02T05:30:00Z") ||
		    t == utc("2025-11-02T06:30:00Z"));
	assert_int_equal(zone_instant("UTC", D("2025-03-31"), 0),
			 utc("2025-03-31T00:00:00Z"));
	/* The zone of the process is left as it was. */
	const char *tz = getenv("TZ");
	zone_instant(ny, D("2025-03-31"), 0);
	const char *after = getenv("TZ");
	assert_true((tz == NULL) == (after == NULL));
}

static void test_zone_local(void **state)
{
	(void)state;
	int32_t day;
	int minute;
	if (!zone_valid("America/New_York") || !zone_valid("Asia/Tokyo"))
		skip();
	zone_local("America/New_York", utc("2025-04-01T03:30:00Z"), &day,
		   &minute);
	assert_int_equal(day, D("2025-03-31"));
	assert_int_equal(minute, 23 * 60 + 30);
	zone_local("Asia/Tokyo", utc("2025-04-01T03:30:00Z"), &day, &minute);
	assert_int_equal(day, D("2025-04-01"));
	assert_int_equal(minute, 12 * 60 + 30);
	zone_local("UTC", utc("2025-04-01T03:30:00Z"), &day, &minute);
	assert_int_equal(day, D("2025-04-01"));
	assert_int_equal(minute, 210);
}

static void test_zone_valid_and_stamps(void **state)
{
	(void)state;
	char buf[32];
	time_t t;
	assert_false(zone_valid(NULL));
	assert_false(zone_valid(""));
	assert_false(zone_valid("../../etc/passwd"));
	assert_false(zone_valid("/etc/localtime"));
	assert_false(zone_valid("Nowhere/Atlantis"));
	assert_false(zone_valid("America/New York"));
	/* The shape alone, as config.c checks it without a tz database. */
	assert_true(zone_name_ok("Etc/GMT+5"));
	assert_true(zone_name_ok("America/Argentina/Buenos_Aires"));
	assert_false(zone_name_ok("America/"));
	assert_false(zone_name_ok("-05:00"));
	assert_false(zone_name_ok("a/../b"));
	assert_false(zone_name_ok(NULL));
	zone_utc_stamp(utc("2025-03-31T13:05:09Z"), buf, sizeof(buf));
	assert_string_equal(buf, "2025-03-31T13:05:09Z");
	assert_false(zone_parse_stamp("2025-03-31 13:05:09Z", &t));
	assert_false(zone_parse_stamp("2025-03-31T13:05:09", &t));
	assert_false(zone_parse_stamp("2025-02-30T13:05:09Z", &t));
	assert_false(zone_parse_stamp("2025-03-31T24:05:09Z", &t));
	assert_false(zone_parse_stamp(NULL, &t));
	assert_true(zone_parse_stamp("1970-01-02T00:00:01Z", &t));
	assert_int_equal(t, 86401);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_due_before_first_lead),
		cmocka_unit_test(test_lead_due_on_time_is_not_late),
		cmocka_unit_test(test_only_latest_passed_lead),
		cmocka_unit_test(test_followups),
		cmocka_unit_test(test_followups_start_at_the_deadline),
		cmocka_unit_test(test_no_followups),
		cmocka_unit_test(test_repeating_clock),
		cmocka_unit_test(test_once),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_span),
		cmocka_unit_test(test_moments),
		cmocka_unit_test(test_zone_instant),
		cmocka_unit_test(test_zone_local),
		cmocka_unit_test(test_zone_valid_and_stamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
