/*
 * test_ical_holidays.c: unit tests of the iCalendar reader
 * (daemon/ical_holidays.c): which days a feed gives (all-day and timed
 * events, multi-day events, yearly rules with their exceptions, overrides,
 * cancelled events), what is counted as skipped (days outside the years
 * asked for), and every refusal (not iCalendar, no VEVENT, bad UTF-8, a
 * NUL, names too long, rules too fine or unreadable, too many days), each
 * leaving the output empty.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "foia/civil.h"
#include "ical_holidays.h"
#include "workcal.h"

#define FIRST 1978
#define LAST  2100

static char feed[1 << 16];
static struct ical_days days;
static char err[512];

/* Build a feed: "BEGIN:VCALENDAR", the lines given (joined with CRLF),
 * "END:VCALENDAR". */
static const char *cal(const char *first, ...)
{
	va_list ap;
	size_t n = (size_t)snprintf(feed, sizeof(feed),
				    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
				    "PRODID:-//test//EN\r\n");
	va_start(ap, first);
	for (const char *l = first; l; l = va_arg(ap, const char *))
		n += (size_t)snprintf(feed + n, sizeof(feed) - n, "%s\r\n", l);
	va_end(ap);
	snprintf(feed + n, sizeof(feed) - n, "END:VCALENDAR\r\n");
	return feed;
}

static int parse(const char *text)
{
	return ical_holidays_parse(text, strlen(text), FIRST, LAST, &days, err,
				   sizeof(err));
}

static int32_t D(const char *s)
{
	int32_t d;
	if (!civil_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static void expect_day(size_t i, const char *date, const char *name)
{
	char got[16];
	if (i >= days.n)
		fail_msg("only %zu days, wanted day %zu (%s)", days.n, i, date);
	civil_format(days.v[i].date, got, sizeof(got));
	if (strcmp(got, date) != 0)
		fail_msg("day %zu is %s, expected %s", i, got, date);
	assert_string_equal(days.v[i].name, name);
}

/* A refusal with exactly msg, and nothing left in days. */
static void expect_refused(const char *text, size_t len, const char *msg)
{
	int rc = ical_holidays_parse(text, len, FIRST, LAST, &days, err,
				     sizeof(err));
	if (rc == 0)
		fail_msg("accepted, expected '%s'", msg);
	assert_int_equal(rc, -1);
	if (strcmp(err, msg) != 0)
		fail_msg("message '%s', expected '%s'", err, msg);
	assert_null(days.v);
	assert_int_equal(days.n, 0);
	assert_int_equal(days.skipped, 0);
}

static int teardown(void **state)
{
	(void)state;
	ical_days_free(&days);
	err[0] = '\0';
	return 0;
}

/* --- days given ------------------------------------------------------- */

static void test_all_day(void **state)
{
	(void)state;
	assert_int_equal(
		parse(cal("BEGIN:VEVENT", "UID:1",
			  "DTSTART;VALUE=DATE:20250314", "SUMMARY:Pi Day",
			  "END:VEVENT", "BEGIN:VEVENT", "UID:2",
			  "DTSTART;VALUE=DATE:20251226",
			  "DTEND;VALUE=DATE:20251227", "SUMMARY:Boxing Day",
			  "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, 2);
	assert_int_equal(days.skipped, 0);
	expect_day(0, "2025-03-14", "Pi Day");
	expect_day(1, "2025-12-26", "Boxing Day");
	assert_string_equal(err, "");
}

static void test_date_time(void **state)
{
	(void)state;
	/* The date as written, whatever the zone: no conversion moves a
	 * holiday to the day before. */
	assert_int_equal(
		parse(cal("BEGIN:VEVENT", "DTSTART:20250505T233000Z",
			  "DTEND:20250506T010000Z", "SUMMARY:Late UTC",
			  "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART;TZID=America/New_York:20250704T000000",
			  "SUMMARY:Zoned", "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART:20251111T090000", "SUMMARY:Floating",
			  "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, 3);
	expect_day(0, "2025-05-05", "Late UTC");
	expect_day(1, "2025-07-04", "Zoned");
	expect_day(2, "2025-11-11", "Floating");
}

static void test_multi_day(void **state)
{
	(void)state;
	/* DTEND is exclusive: 24, 25, 26 December. */
	assert_int_equal(
		parse(cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20251224",
			  "DTEND;VALUE=DATE:20251227",
			  "SUMMARY:Christmas break", "END:VEVENT",
			  "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260227",
			  "DURATION:P3D", "SUMMARY:Across February",
			  "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, 6);
	expect_day(0, "2025-12-24", "Christmas break");
	expect_day(1, "2025-12-25", "Christmas break");
	expect_day(2, "2025-12-26", "Christmas break");
	expect_day(3, "2026-02-27", "Across February");
	expect_day(4, "2026-02-28", "Across February");
	expect_day(5, "2026-03-01", "Across February");
	ical_days_free(&days);

	/* An end at the start (invalid, but seen) is the one day; 31 days
	 * is the most. */
	assert_int_equal(
		parse(cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20250101",
			  "DTEND;VALUE=DATE:20250101", "SUMMARY:Same",
			  "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART;VALUE=DATE:20250701",
			  "DTEND;VALUE=DATE:20250801", "SUMMARY:July",
			  "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, 32);
	expect_day(0, "2025-01-01", "Same");
	expect_day(1, "2025-07-01", "July");
	expect_day(31, "2025-07-31", "July");
	ical_days_free(&days);

	const char *long_one =
		cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20250701",
		    "DTEND;VALUE=DATE:20250802", "SUMMARY:Summer recess",
		    "END:VEVENT", NULL);
	expect_refused(long_one, strlen(long_one),
		       "event 'Summer recess' on 2025-07-01 lasts 32 days (at "
		       "most 31)");
}

static void test_rrule_yearly(void **state)
{
	(void)state;
	/* No end: every year up to the last one asked for. */
	assert_int_equal(
		parse(cal("BEGIN:VEVENT", "UID:ind",
			  "DTSTART;VALUE=DATE:20200704", "RRULE:FREQ=YEARLY",
			  "SUMMARY:Independence", "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, LAST - 2020 + 1);
	assert_int_equal(days.skipped, 0);
	expect_day(0, "2020-07-04", "Independence");
	expect_day(1, "2021-07-04", "Independence");
	expect_day(days.n - 1, "2100-07-04", "Independence");
	ical_days_free(&days);

	/* By weekday, with COUNT, and an EXDATE. */
	assert_int_equal(parse(cal("BEGIN:VEVENT", "UID:tg",
				   "DTSTART;VALUE=DATE:20231123",
				   "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;"
				   "COUNT=4",
				   "EXDATE;VALUE=DATE:20241128",
				   "SUMMARY:Thanksgiving", "END:VEVENT", NULL)),
			 0);
	assert_int_equal(days.n, 3);
	expect_day(0, "2023-11-23", "Thanksgiving");
	expect_day(1, "2025-11-27", "Thanksgiving");
	expect_day(2, "2026-11-26", "Thanksgiving");
	ical_days_free(&days);

	/* UNTIL, a multi-day yearly event, and an override moving one
	 * instance (RECURRENCE-ID) while another cancels one. */
	assert_int_equal(
		parse(cal(
			"BEGIN:VEVENT", "UID:x", "DTSTART;VALUE=DATE:20241231",
			"DTEND;VALUE=DATE:20250102",
			"RRULE:FREQ=YEARLY;UNTIL=20271231", "SUMMARY:New Year",
			"END:VEVENT", "BEGIN:VEVENT", "UID:x",
			"RECURRENCE-ID;VALUE=DATE:20251231",
			"DTSTART;VALUE=DATE:20251230",
			"DTEND;VALUE=DATE:20251231", "SUMMARY:New Year (moved)",
			"END:VEVENT", "BEGIN:VEVENT", "UID:x",
			"RECURRENCE-ID;VALUE=DATE:20261231",
			"DTSTART;VALUE=DATE:20261231", "STATUS:CANCELLED",
			"SUMMARY:New Year", "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, 5);
	expect_day(0, "2024-12-31", "New Year");
	expect_day(1, "2025-01-01", "New Year");
	expect_day(2, "2027-12-31", "New Year");
	expect_day(3, "2028-01-01", "New Year");
	expect_day(4, "2025-12-30", "New Year (moved)");
}

static void test_rrule_refused(void **state)
{
	(void)state;
	const char *hourly =
		cal("BEGIN:VEVENT", "DTSTART:20250101T090000Z",
		    "RRULE:FREQ=HOURLY", "SUMMARY:Chime", "END:VEVENT", NULL);
	expect_refused(hourly, strlen(hourly),
		       "event 'Chime': RRULE repeats more than daily");
	/* libical drops a rule it cannot read; the days would be wrong. */
	const char *garbled = cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20250101",
				  "RRULE:FREQ=YEARLY;BYDAY=XX",
				  "SUMMARY:Garbled", "END:VEVENT", NULL);
	expect_refused(garbled, strlen(garbled),
		       "event 'Garbled': its RRULE could not be read");
	const char *bad_end =
		cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20250101",
		    "DTEND:garbage", "SUMMARY:Bad end", "END:VEVENT", NULL);
	expect_refused(bad_end, strlen(bad_end),
		       "event 'Bad end': its DTEND could not be read");
	/* A daily rule without end gives more days than a feed may. */
	const char *daily = cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20000101",
				"RRULE:FREQ=DAILY", "SUMMARY:Every day",
				"END:VEVENT", NULL);
	expect_refused(daily, strlen(daily),
		       "the iCalendar file gives more than 20000 days");
}

static void test_missing_summary(void **state)
{
	(void)state;
	/* No SUMMARY, an empty one, and one with an escaped newline and
	 * runs of blanks: names are one line. */
	assert_int_equal(
		parse(cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20250101",
			  "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART;VALUE=DATE:20250102",
			  "SUMMARY:", "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART;VALUE=DATE:20250103",
			  "SUMMARY:  Two\\nlines\\,   and\tmore  ",
			  "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, 3);
	expect_day(0, "2025-01-01", "holiday");
	expect_day(1, "2025-01-02", "holiday");
	expect_day(2, "2025-01-03", "Two lines, and more");
}

static void test_names_utf8_and_length(void **state)
{
	(void)state;
	char name[WORKCAL_MAX_NAME + 16], line[WORKCAL_MAX_NAME + 32];
	/* Exactly the limit is fine, and UTF-8 names come through. */
	memset(name, 'n', WORKCAL_MAX_NAME);
	name[WORKCAL_MAX_NAME] = '\0';
	snprintf(line, sizeof(line), "SUMMARY:%s", name);
	assert_int_equal(
		parse(cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20250101", line,
			  "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART;VALUE=DATE:20250915",
			  "SUMMARY:D\xc3\xad"
			  "a de la Independencia",
			  "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, 2);
	assert_int_equal(strlen(days.v[0].name), WORKCAL_MAX_NAME);
	expect_day(1, "2025-09-15",
		   "D\xc3\xad"
		   "a de la Independencia");
	ical_days_free(&days);

	/* One byte over: refused, the name cut short in the message. */
	name[WORKCAL_MAX_NAME] = 'x';
	name[WORKCAL_MAX_NAME + 1] = '\0';
	snprintf(line, sizeof(line), "SUMMARY:%s", name);
	const char *over = cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20250101",
			       line, "END:VEVENT", NULL);
	expect_refused(
		over, strlen(over),
		"event 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn..."
		"' on 2025-01-01: name over 200 bytes");
}

static void test_out_of_span(void **state)
{
	(void)state;
	/* Days before 1978 or after 2100 are skipped and counted, from
	 * single events and from rules alike. */
	assert_int_equal(
		parse(cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:19500101",
			  "SUMMARY:Old", "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART;VALUE=DATE:21500101", "SUMMARY:Far",
			  "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART;VALUE=DATE:19751225",
			  "RRULE:FREQ=YEARLY;COUNT=5", "SUMMARY:Xmas",
			  "END:VEVENT", "BEGIN:VEVENT",
			  "DTSTART;VALUE=DATE:21001231",
			  "DTEND;VALUE=DATE:21010102", "SUMMARY:Edge",
			  "END:VEVENT", NULL)),
		0);
	assert_int_equal(days.n, 3);
	assert_int_equal(days.skipped, 2 + 3 + 1);
	expect_day(0, "1978-12-25", "Xmas");
	expect_day(1, "1979-12-25", "Xmas");
	expect_day(2, "2100-12-31", "Edge");
}

static void test_cancelled_and_several_calendars(void **state)
{
	(void)state;
	const char *two =
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
		"DTSTART;VALUE=DATE:20250101\r\nSUMMARY:A\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250102\r\n"
		"STATUS:CANCELLED\r\nSUMMARY:Gone\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n"
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
		"DTSTART;VALUE=DATE:20250103\r\nSUMMARY:B\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n";
	assert_int_equal(parse(two), 0);
	assert_int_equal(days.n, 2);
	expect_day(0, "2025-01-01", "A");
	expect_day(1, "2025-01-03", "B");
	ical_days_free(&days);

	/* A byte-order mark and LF line ends are fine. */
	const char *bom = "\xef\xbb\xbf"
			  "BEGIN:VCALENDAR\nBEGIN:VEVENT\n"
			  "DTSTART;VALUE=DATE:20250601\nSUMMARY:C\nEND:VEVENT\n"
			  "END:VCALENDAR\n";
	assert_int_equal(parse(bom), 0);
	assert_int_equal(days.n, 1);
	expect_day(0, "2025-06-01", "C");
	assert_int_equal(D("2025-06-01"), days.v[0].date);
}

/* --- refusals ----------------------------------------------------------- */

static void test_garbage(void **state)
{
	(void)state;
	const char *html = "<html><body>Not found</body></html>\n";
	expect_refused(html, strlen(html),
		       "not an iCalendar file (it does not begin with "
		       "BEGIN:VCALENDAR)");
	expect_refused("", 0, "not an iCalendar file (it is empty)");
	const char *nul = "BEGIN:VCALENDAR\r\n\0END:VCALENDAR\r\n";
	expect_refused(nul, 33,
		       "not an iCalendar file (it contains a NUL byte)");
	/* Invalid UTF-8: a stray continuation byte, an overlong '/', a
	 * surrogate, a sequence cut off at the end. */
	const char *stray = "BEGIN:VCALENDAR\r\nX:\x80\r\n";
	expect_refused(stray, strlen(stray),
		       "the iCalendar file is not valid UTF-8 (at byte 19)");
	const char *overlong = "BEGIN:VCALENDAR\r\nX:\xc0\xaf\r\n";
	expect_refused(overlong, strlen(overlong),
		       "the iCalendar file is not valid UTF-8 (at byte 19)");
	const char *surrogate = "BEGIN:VCALENDAR\r\nX:\xed\xa0\x80\r\n";
	expect_refused(surrogate, strlen(surrogate),
		       "the iCalendar file is not valid UTF-8 (at byte 19)");
	const char *cut = "BEGIN:VCALENDAR\r\nX:\xe2\x82";
	expect_refused(cut, strlen(cut),
		       "the iCalendar file is not valid UTF-8 (at byte 19)");
	/* Only the len bytes given are read. */
	const char *text = "BEGIN:VCALENDAR";
	expect_refused(text, 5,
		       "not an iCalendar file (it does not begin with "
		       "BEGIN:VCALENDAR)");
}

static void test_no_vevent(void **state)
{
	(void)state;
	const char *empty = cal("BEGIN:VTODO", "DTSTART:20250101T090000Z",
				"SUMMARY:Not an event", "END:VTODO", NULL);
	expect_refused(empty, strlen(empty),
		       "no events (VEVENT) in the iCalendar file");
	const char *no_start =
		cal("BEGIN:VEVENT", "SUMMARY:When", "END:VEVENT", NULL);
	expect_refused(no_start, strlen(no_start),
		       "event 'When' has no valid start date (DTSTART)");
	const char *bad_start =
		cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20250230",
		    "SUMMARY:Feb 30", "END:VEVENT", NULL);
	int rc = parse(bad_start);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "event 'Feb 30'"));
	assert_non_null(strstr(err, "DTSTART"));
	assert_null(days.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_all_day, teardown),
		cmocka_unit_test_teardown(test_date_time, teardown),
		cmocka_unit_test_teardown(test_multi_day, teardown),
		cmocka_unit_test_teardown(test_rrule_yearly, teardown),
		cmocka_unit_test_teardown(test_rrule_refused, teardown),
		cmocka_unit_test_teardown(test_missing_summary, teardown),
		cmocka_unit_test_teardown(test_names_utf8_and_length, teardown),
		cmocka_unit_test_teardown(test_out_of_span, teardown),
		cmocka_unit_test_teardown(test_cancelled_and_several_calendars,
					  teardown),
		cmocka_unit_test_teardown(test_garbage, teardown),
		cmocka_unit_test_teardown(test_no_vevent, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
