/*
 * test_workcal.c: working-day calendars (daemon/workcal.c).
 *
 * Every 6103 holiday rule with its observance shifts and validity years
 * (docs/deadline-rules.md section 2), Inauguration Day, the closures, the
 * rule kinds a state or foreign calendar needs (Easter, last weekday, 5th
 * weekday), span errors, bad rules, and a property test: the O(1) index
 * agrees with a naive day-by-day walk that only uses the weekday and the
 * list of days off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "foia/civil.h"
#include "workcal.h"

static struct workcal *fed;    /* 1978..2100, no closures */
static struct workcal *fed_cl; /* 1978..2100, closures */
static struct workcal *fed_dc; /* 1978..2100, DC area, no closures */

static int32_t D(const char *s)
{
	int32_t d = 0;
	if (!civil_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static struct workcal *build_federal(bool closures, bool dc, int first,
				     int last)
{
	struct workcal_spec spec;
	struct workcal *cal = NULL;
	char err[160] = "";
	assert_int_equal(workcal_federal_spec(&spec, closures, dc, first, last),
			 WORKCAL_OK);
	assert_int_equal(workcal_new(&spec, &cal, err, sizeof(err)),
			 WORKCAL_OK);
	assert_non_null(cal);
	return cal;
}

static int setup(void **state)
{
	(void)state;
	fed = build_federal(false, false, 1978, 2100);
	fed_cl = build_federal(true, false, 1978, 2100);
	fed_dc = build_federal(false, true, 1978, 2100);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	workcal_free(fed);
	workcal_free(fed_cl);
	workcal_free(fed_dc);
	return 0;
}

static bool working(const struct workcal *cal, int32_t d)
{
	bool w = false;
	assert_int_equal(workcal_is_working_day(cal, d, &w), WORKCAL_OK);
	return w;
}

/* One row: a date, the name of the day off on it (NULL: none), whether it
 * is a working day, whether the holiday is an observed (shifted) one. */
struct day_case {
	const char *date;
	const char *name;
	bool working;
	bool observed;
};

static void check_days(const struct workcal *cal, const struct day_case *v,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const int32_t d = D(v[i].date);
		struct workcal_day info;
		assert_int_equal(workcal_day_info(cal, d, &info), WORKCAL_OK);
		if (info.working != v[i].working)
			fail_msg("%s: working is %d, expected %d", v[i].date,
				 info.working, v[i].working);
		assert_int_equal(working(cal, d), v[i].working);
		const char *name = workcal_holiday_name(cal, d);
		if (v[i].name == NULL) {
			if (name != NULL)
				fail_msg("%s: unexpected holiday '%s'",
					 v[i].date, name);
			continue;
		}
		if (name == NULL || strcmp(name, v[i].name) != 0)
			fail_msg("%s: holiday '%s', expected '%s'", v[i].date,
				 name ? name : "(none)", v[i].name);
		assert_non_null(info.holiday);
		assert_int_equal(info.holiday->observed, v[i].observed);
		assert_int_equal(info.holiday->date, d);
	}
}

/* 5 U.S.C. 6103(a) as deadline-rules.md lines 61-65 list it, 2025, where
 * none is shifted. */
static void test_federal_2025(void **state)
{
	(void)state;
	static const struct day_case v[] = {
		{"2025-01-01", "New Year's Day", false, false},
		{"2025-01-20", "Birthday of Martin Luther King, Jr.", false,
		 false},
		{"2025-02-17", "Washington's Birthday", false, false},
		{"2025-05-26", "Memorial Day", false, false},
		{"2025-06-19", "Juneteenth National Independence Day", false,
		 false},
		{"2025-07-04", "Independence Day", false, false},
		{"2025-09-01", "Labor Day", false, false},
		{"2025-10-13", "Columbus Day", false, false},
		{"2025-11-11", "Veterans Day", false, false},
		{"2025-11-27", "Thanksgiving Day", false, false},
		{"2025-12-25", "Christmas Day", false, false},
		/* Plain days around them. */
		{"2025-01-02", NULL, true, false},
		{"2025-07-03", NULL, true, false},
		{"2025-07-05", NULL, false, false}, /* Saturday */
		{"2025-07-06", NULL, false, false}, /* Sunday */
		{"2025-11-28", NULL, true, false},  /* day after Thanksgiving */
		{"2025-12-24", NULL, true, false},  /* closure not included */
		{"2025-12-26", NULL, true, false},
	};
	check_days(fed, v, sizeof(v) / sizeof(v[0]));
}

/* Nth/last weekday rules over several years (line 61-65: 3rd Monday, last
 * Monday, 1st Monday, 2nd Monday, 4th Thursday). */
static void test_federal_weekday_rules(void **state)
{
	(void)state;
	static const struct day_case v[] = {
		{"2024-01-15", "Birthday of Martin Luther King, Jr.", false,
		 false},
		{"2024-02-19", "Washington's Birthday", false, false},
		{"2024-05-27", "Memorial Day", false, false},
		{"2021-05-31", "Memorial Day", false, false}, /* the 31st */
		{"2021-05-24", NULL, true, false},
		{"2024-09-02", "Labor Day", false, false},
		{"2024-10-14", "Columbus Day", false, false},
		{"2024-10-07", NULL, true, false},
		{"2024-11-28", "Thanksgiving Day", false, false},
		{"2024-11-21", NULL, true, false},
		{"2013-11-28", "Thanksgiving Day", false, false},
	};
	check_days(fed, v, sizeof(v) / sizeof(v[0]));
}

/* Observed days (line 67-69): Saturday -> Friday before, Sunday -> Monday
 * after; the nominal Saturday or Sunday is a plain weekend day. */
static void test_federal_observed(void **state)
{
	(void)state;
	static const struct day_case v[] = {
		{"2020-07-03", "Independence Day", false, true}, /* Sat */
		{"2020-07-04", NULL, false, false},
		{"2021-07-05", "Independence Day", false, true}, /* Sun */
		{"2021-07-04", NULL, false, false},
		{"2021-12-24", "Christmas Day", false, true},  /* Sat */
		{"2022-12-26", "Christmas Day", false, true},  /* Sun */
		{"2017-01-02", "New Year's Day", false, true}, /* Sun */
		{"2023-11-10", "Veterans Day", false, true},   /* Sat */
		{"2018-11-12", "Veterans Day", false, true},   /* Sun */
		{"2022-06-20", "Juneteenth National Independence Day", false,
		 true}, /* Sun */
	};
	check_days(fed, v, sizeof(v) / sizeof(v[0]));

	/* The nominal date is kept for the explanation. */
	struct workcal_day info;
	assert_int_equal(workcal_day_info(fed, D("2020-07-03"), &info),
			 WORKCAL_OK);
	assert_int_equal(info.holiday->nominal, D("2020-07-04"));
	assert_false(info.holiday->closure);
}

/* Line 68-69: Jan 1 on a Saturday makes Dec 31 of the year before the
 * holiday. */
static void test_federal_year_boundary(void **state)
{
	(void)state;
	static const struct day_case v[] = {
		{"2021-12-31", "New Year's Day", false, true},
		{"2022-01-01", NULL, false, false},
		{"2010-12-31", "New Year's Day", false, true},
		{"2032-12-31", "New Year's Day", false, true},
		{"2032-12-30", NULL, true, false},
		/* 2101-01-01 is a Saturday: the last day of the span is a
		 * holiday computed from a year outside it. */
		{"2100-12-31", "New Year's Day", false, true},
	};
	check_days(fed, v, sizeof(v) / sizeof(v[0]));

	/* Also when the span ends with the year before. */
	struct workcal *c = build_federal(false, false, 2020, 2021);
	assert_string_equal(workcal_holiday_name(c, D("2021-12-31")),
			    "New Year's Day");
	assert_false(working(c, D("2021-12-31")));
	workcal_free(c);
}

/* MLK from 1986, Juneteenth from 2021 (line 61-63). */
static void test_federal_validity_years(void **state)
{
	(void)state;
	static const struct day_case v[] = {
		{"1985-01-21", NULL, true, false}, /* 3rd Monday, 1985 */
		{"1986-01-20", "Birthday of Martin Luther King, Jr.", false,
		 false},
		{"2020-06-19", NULL, true, false}, /* a Friday, 2020 */
		/* 2021-06-19 was a Saturday: observed Friday the 18th. */
		{"2021-06-18", "Juneteenth National Independence Day", false,
		 true},
		{"2021-06-19", NULL, false, false},
	};
	check_days(fed, v, sizeof(v) / sizeof(v[0]));
}

/* Inauguration Day (line 70-72): DC area only; Jan 20 every fourth year
 * from 1965, Monday Jan 21 when Jan 20 is a Sunday. */
static void test_inauguration(void **state)
{
	(void)state;
	static const struct day_case dc[] = {
		{"2017-01-20", "Inauguration Day", false, false},
		{"2021-01-20", "Inauguration Day", false, false},
		{"1985-01-21", "Inauguration Day", false, true}, /* Sun 20 */
		{"1985-01-20", NULL, false, false},
		{"2018-01-19", NULL, true, false}, /* not a 4th year */
		{"2019-01-21", "Birthday of Martin Luther King, Jr.", false,
		 false},
		{"2020-01-20", "Birthday of Martin Luther King, Jr.", false,
		 false},
		/* Both on one day: the 6103(a) rule comes first. */
		{"2025-01-20", "Birthday of Martin Luther King, Jr.", false,
		 false},
	};
	check_days(fed_dc, dc, sizeof(dc) / sizeof(dc[0]));
	static const struct day_case out[] = {
		{"2017-01-20", NULL, true, false},
		{"2021-01-20", NULL, true, false},
		{"1985-01-21", NULL, true, false},
	};
	check_days(fed, out, sizeof(out) / sizeof(out[0]));

	/* The iterator shows both names of 2025-01-20. */
	struct workcal_iter it;
	const struct workcal_holiday *h;
	assert_int_equal(workcal_range_holidays(fed_dc, D("2025-01-20"),
						D("2025-01-20"), &it),
			 WORKCAL_OK);
	h = workcal_iter_next(&it);
	assert_non_null(h);
	assert_string_equal(h->name, "Birthday of Martin Luther King, Jr.");
	h = workcal_iter_next(&it);
	assert_non_null(h);
	assert_string_equal(h->name, "Inauguration Day");
	assert_null(workcal_iter_next(&it));
}

/* Closures (line 73-76): on when asked, marked as closures, off as a
 * group. */
static void test_closures(void **state)
{
	(void)state;
	static const char *const dates[] = {"2024-12-24", "2025-01-09",
					    "2025-12-24", "2025-12-26"};
	for (size_t i = 0; i < 4; i++) {
		const int32_t d = D(dates[i]);
		struct workcal_day info;
		assert_true(working(fed, d));
		assert_null(workcal_holiday_name(fed, d));
		assert_false(working(fed_cl, d));
		assert_int_equal(workcal_day_info(fed_cl, d, &info),
				 WORKCAL_OK);
		assert_non_null(info.holiday);
		assert_true(info.holiday->closure);
		assert_false(info.weekend);
	}
	assert_string_equal(workcal_holiday_name(fed_cl, D("2025-01-09")),
			    "National day of mourning (E.O. 14133)");
	/* The built-in table's day numbers are the dates the doc gives. */
	const struct workcal_oneoff *days;
	size_t n = workcal_federal_closures(&days);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(days[i].date, D(dates[i]));
}

static void test_federal_tables(void **state)
{
	(void)state;
	const struct workcal_rule *r;
	assert_int_equal(workcal_federal_rules(false, &r), 11);
	assert_int_equal(workcal_federal_rules(true, &r), 12);
	assert_string_equal(r[11].name, "Inauguration Day");
	struct workcal_spec spec;
	assert_int_equal(workcal_federal_spec(&spec, true, false, 1977, 2000),
			 WORKCAL_EINVAL);
}

/* A year's list, by observed date, for `foia holidays`. */
static void test_year_iterator(void **state)
{
	(void)state;
	static const char *const y2021[] = {
		"2021-01-01", "2021-01-18", "2021-02-15", "2021-05-31",
		"2021-06-18", "2021-07-05", "2021-09-06", "2021-10-11",
		"2021-11-11", "2021-11-25", "2021-12-24", "2021-12-31",
	};
	struct workcal_iter it;
	const struct workcal_holiday *h;
	size_t n = 0;
	assert_int_equal(workcal_year_holidays(fed, 2021, &it), WORKCAL_OK);
	while ((h = workcal_iter_next(&it)) != NULL) {
		assert_true(n < 12);
		assert_int_equal(h->date, D(y2021[n]));
		n++;
	}
	assert_int_equal(n, 12);

	/* 2022 loses its New Year's Day to 2021. */
	n = 0;
	assert_int_equal(workcal_year_holidays(fed, 2022, &it), WORKCAL_OK);
	while ((h = workcal_iter_next(&it)) != NULL) {
		assert_string_not_equal(h->name, "New Year's Day");
		n++;
	}
	assert_int_equal(n, 10);

	/* 2025 with closures: 11 holidays and 3 closures, in date order. */
	n = 0;
	int32_t prev = 0;
	size_t closures = 0;
	assert_int_equal(workcal_year_holidays(fed_cl, 2025, &it), WORKCAL_OK);
	while ((h = workcal_iter_next(&it)) != NULL) {
		assert_true(h->date >= prev);
		prev = h->date;
		closures += h->closure;
		n++;
	}
	assert_int_equal(n, 14);
	assert_int_equal(closures, 3);

	assert_int_equal(workcal_year_holidays(fed, 1977, &it), WORKCAL_ERANGE);
	assert_int_equal(workcal_year_holidays(fed, 2101, &it), WORKCAL_ERANGE);
}

static void test_easter(void **state)
{
	(void)state;
	static const char *const v[] = {
		"2000-04-23", "2001-04-15", "2002-03-31", "2003-04-20",
		"2004-04-11", "2005-03-27", "2006-04-16", "2007-04-08",
		"2008-03-23", "2009-04-12", "2010-04-04", "2011-04-24",
		"2012-04-08", "2013-03-31", "2014-04-20", "2015-04-05",
		"2016-03-27", "2017-04-16", "2018-04-01", "2019-04-21",
		"2020-04-12", "2021-04-04", "2022-04-17", "2023-04-09",
		"2024-03-31", "2025-04-20", "2026-04-05",
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(workcal_easter(2000 + (int)i), D(v[i]));
}

/* The rule kinds beyond the federal ones, as a UK-like or state calendar
 * would use them. */
static void test_rule_kinds(void **state)
{
	(void)state;
	static const struct workcal_rule rules[] = {
		{.name = "Good Friday", .kind = WORKCAL_EASTER, .offset = -2},
		{.name = "Easter Monday", .kind = WORKCAL_EASTER, .offset = 1},
		{.name = "Christmas (next Monday)",
		 .kind = WORKCAL_FIXED,
		 .month = 12,
		 .day = 25,
		 .observe = WORKCAL_OBSERVE_NEXT_MONDAY},
		{.name = "Boxing Day (stays)",
		 .kind = WORKCAL_FIXED,
		 .month = 12,
		 .day = 26},
		{.name = "Leap day",
		 .kind = WORKCAL_FIXED,
		 .month = 2,
		 .day = 29},
		{.name = "Fifth Monday of February",
		 .kind = WORKCAL_NTH_WEEKDAY,
		 .month = 2,
		 .weekday = WORKCAL_MONDAY,
		 .nth = 5},
		{.name = "Last Friday of August",
		 .kind = WORKCAL_LAST_WEEKDAY,
		 .month = 8,
		 .weekday = 4},
		{.name = "Day after Thanksgiving",
		 .kind = WORKCAL_NTH_WEEKDAY,
		 .month = 11,
		 .weekday = 3,
		 .nth = 4,
		 .offset = 1},
		{.name = "Old holiday",
		 .kind = WORKCAL_FIXED,
		 .month = 3,
		 .day = 3,
		 .last_year = 2020},
		{.name = "Every third year",
		 .kind = WORKCAL_FIXED,
		 .month = 4,
		 .day = 7,
		 .first_year = 2019,
		 .every = 3},
		{.name = "Sunday only",
		 .kind = WORKCAL_FIXED,
		 .month = 1,
		 .day = 20,
		 .observe = WORKCAL_OBSERVE_SUNDAY_NEXT},
	};
	struct workcal_spec spec = {.weekend = WORKCAL_WEEKEND_DEFAULT,
				    .rules = rules,
				    .n_rules = sizeof(rules) / sizeof(rules[0]),
				    .first_year = 2015,
				    .last_year = 2030};
	struct workcal *c = NULL;
	char err[160] = "";
	assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)), WORKCAL_OK);
	static const struct day_case v[] = {
		{"2024-03-29", "Good Friday", false, false},
		{"2025-04-18", "Good Friday", false, false},
		{"2025-04-21", "Easter Monday", false, false},
		{"2021-12-27", "Christmas (next Monday)", false,
		 true}, /* Sat */
		{"2021-12-24", NULL, true, false},
		{"2022-12-26", "Christmas (next Monday)", false,
		 true}, /* Sun */
		/* No shift: the rule's day stays on the weekend, named. */
		{"2021-12-26", "Boxing Day (stays)", false, false},
		{"2021-12-28", NULL, true, false},
		{"2024-02-29", "Leap day", false, false},
		{"2016-02-29", "Leap day", false, false},
		{"2025-02-28", NULL, true, false},
		{"2025-08-29", "Last Friday of August", false, false},
		{"2025-11-28", "Day after Thanksgiving", false, false},
		{"2020-03-03", "Old holiday", false, false},
		{"2021-03-03", NULL, true, false},
		{"2022-04-07", "Every third year", false, false},
		{"2021-04-07", NULL, true, false}, /* not a third year */
		{"2023-04-07", "Good Friday", false, false},
		{"2025-04-07", "Every third year", false, false},
		{"2018-01-22", NULL, true, false}, /* Sat 20th: no shift */
		{"2019-01-21", "Sunday only", false, true},
		{"2017-01-20", "Sunday only", false, false},
	};
	check_days(c, v, sizeof(v) / sizeof(v[0]));
	/* 2016-02-29 is a Monday: both names, first rule wins. */
	struct workcal_iter it;
	assert_int_equal(workcal_range_holidays(c, D("2016-02-29"),
						D("2016-02-29"), &it),
			 WORKCAL_OK);
	assert_string_equal(workcal_iter_next(&it)->name, "Leap day");
	assert_string_equal(workcal_iter_next(&it)->name,
			    "Fifth Monday of February");
	assert_null(workcal_iter_next(&it));
	/* No fifth Monday in February 2017. */
	assert_int_equal(workcal_range_holidays(c, D("2017-02-01"),
						D("2017-02-28"), &it),
			 WORKCAL_OK);
	assert_null(workcal_iter_next(&it));
	workcal_free(c);
}

/* A Friday-Saturday weekend, and one-offs that are not closures. */
static void test_weekend_mask_and_oneoffs(void **state)
{
	(void)state;
	char name[32] = "Founders' Day";
	const struct workcal_oneoff days[] = {
		{.date = D("2025-03-04"), .name = name},
		{.date = D("2025-03-05"), .name = "Closed", .closure = true},
		{.date = D("1999-01-01"), .name = "Out of span"},
	};
	struct workcal_spec spec = {
		.weekend = WORKCAL_DAYBIT(4) | WORKCAL_DAYBIT(5),
		.oneoffs = days,
		.n_oneoffs = 3,
		.closures = false,
		.first_year = 2025,
		.last_year = 2025,
	};
	struct workcal *c = NULL;
	assert_int_equal(workcal_new(&spec, &c, NULL, 0), WORKCAL_OK);
	/* The calendar keeps its own copy of names. */
	memcpy(name, "XXXX", 5);
	static const struct day_case v[] = {
		{"2025-03-07", NULL, false, false}, /* Friday */
		{"2025-03-08", NULL, false, false}, /* Saturday */
		{"2025-03-09", NULL, true, false},  /* Sunday */
		{"2025-03-04", "Founders' Day", false, false},
		{"2025-03-05", NULL, true, false}, /* closures off */
	};
	check_days(c, v, sizeof(v) / sizeof(v[0]));
	int32_t out;
	/* Thursday 2025-03-06 + 1 working day = Sunday the 9th. */
	assert_int_equal(workcal_add_working_days(c, D("2025-03-06"), 1, &out),
			 WORKCAL_OK);
	assert_int_equal(out, D("2025-03-09"));
	workcal_free(c);
}

static void test_add_and_between(void **state)
{
	(void)state;
	int32_t out;
	int n;
	/* Plain weeks. */
	assert_int_equal(
		workcal_add_working_days(fed, D("2025-03-03"), 5, &out),
		WORKCAL_OK);
	assert_int_equal(out, D("2025-03-10"));
	/* From a Saturday, a holiday. */
	assert_int_equal(
		workcal_add_working_days(fed, D("2025-03-01"), 1, &out),
		WORKCAL_OK);
	assert_int_equal(out, D("2025-03-03"));
	assert_int_equal(
		workcal_add_working_days(fed, D("2025-07-04"), 1, &out),
		WORKCAL_OK);
	assert_int_equal(out, D("2025-07-07"));
	/* n = 0 is d itself, even on a non-working day. */
	assert_int_equal(
		workcal_add_working_days(fed, D("2025-07-05"), 0, &out),
		WORKCAL_OK);
	assert_int_equal(out, D("2025-07-05"));
	/* Backwards: strictly before. */
	assert_int_equal(
		workcal_add_working_days(fed, D("2025-07-07"), -1, &out),
		WORKCAL_OK);
	assert_int_equal(out, D("2025-07-03"));
	assert_int_equal(
		workcal_add_working_days(fed, D("2025-07-05"), -1, &out),
		WORKCAL_OK);
	assert_int_equal(out, D("2025-07-03"));
	/* Between: (a, b]. */
	assert_int_equal(workcal_working_days_between(fed, D("2025-03-03"),
						      D("2025-03-31"), &n),
			 WORKCAL_OK);
	assert_int_equal(n, 20);
	assert_int_equal(workcal_working_days_between(fed, D("2025-03-31"),
						      D("2025-03-03"), &n),
			 WORKCAL_OK);
	assert_int_equal(n, -20);
	assert_int_equal(workcal_working_days_between(fed, D("2025-07-04"),
						      D("2025-07-06"), &n),
			 WORKCAL_OK);
	assert_int_equal(n, 0);
	/* next_working_day */
	assert_int_equal(workcal_next_working_day(fed, D("2025-07-04"), &out),
			 WORKCAL_OK);
	assert_int_equal(out, D("2025-07-07"));
	assert_int_equal(workcal_next_working_day(fed, D("2025-07-07"), &out),
			 WORKCAL_OK);
	assert_int_equal(out, D("2025-07-07"));
}

/* Dates outside the span are errors, never guesses. */
static void test_out_of_span(void **state)
{
	(void)state;
	struct workcal *c = build_federal(false, false, 1990, 2000);
	int32_t out = 12345;
	int n = 777;
	bool w = true;
	struct workcal_day info;
	struct workcal_iter it;

	assert_int_equal(workcal_first_day(c), D("1990-01-01"));
	assert_int_equal(workcal_last_day(c), D("2000-12-31"));
	assert_false(workcal_in_span(c, D("1989-12-31")));
	assert_true(workcal_in_span(c, D("1990-01-01")));
	assert_int_equal(workcal_add_working_days(c, D("1989-12-29"), 1, &out),
			 WORKCAL_ERANGE);
	assert_int_equal(workcal_add_working_days(c, D("2001-01-02"), 1, &out),
			 WORKCAL_ERANGE);
	/* In span, result beyond it. */
	assert_int_equal(workcal_add_working_days(c, D("2000-12-20"), 20, &out),
			 WORKCAL_ERANGE);
	assert_int_equal(
		workcal_add_working_days(c, D("1990-01-05"), -10, &out),
		WORKCAL_ERANGE);
	assert_int_equal(
		workcal_add_working_days(c, D("1990-01-05"), INT32_MAX, &out),
		WORKCAL_ERANGE);
	assert_int_equal(
		workcal_add_working_days(c, D("1990-01-05"), INT32_MIN, &out),
		WORKCAL_ERANGE);
	assert_int_equal(out, 12345); /* untouched */
	assert_int_equal(workcal_working_days_between(c, D("1989-12-01"),
						      D("1990-02-01"), &n),
			 WORKCAL_ERANGE);
	assert_int_equal(workcal_working_days_between(c, D("1990-12-01"),
						      D("2001-02-01"), &n),
			 WORKCAL_ERANGE);
	assert_int_equal(n, 777);
	assert_int_equal(workcal_is_working_day(c, D("2001-01-02"), &w),
			 WORKCAL_ERANGE);
	assert_int_equal(workcal_day_info(c, D("1980-01-02"), &info),
			 WORKCAL_ERANGE);
	assert_null(workcal_holiday_name(c, D("2001-01-01")));
	assert_int_equal(workcal_next_working_day(c, D("2001-01-01"), &out),
			 WORKCAL_ERANGE);
	assert_int_equal(workcal_range_holidays(c, D("2000-12-01"),
						D("2001-01-31"), &it),
			 WORKCAL_ERANGE);
	assert_string_equal(workcal_strerror(WORKCAL_ERANGE),
			    "date outside the calendar");
	workcal_free(c);
}

struct bad_case {
	struct workcal_rule rule;
	const char *msg; /* expected error text (substring) */
};

static void test_bad_rules(void **state)
{
	(void)state;
	static const struct bad_case v[] = {
		{{.name = "Foo", .kind = WORKCAL_FIXED, .month = 13, .day = 1},
		 "holiday rule 'Foo': month 13 out of range"},
		{{.name = "Foo", .kind = WORKCAL_FIXED, .month = 4, .day = 31},
		 "holiday rule 'Foo': day 31 out of range"},
		{{.name = "Foo",
		  .kind = WORKCAL_NTH_WEEKDAY,
		  .month = 1,
		  .weekday = 7,
		  .nth = 1},
		 "holiday rule 'Foo': weekday 7 out of range (0 = Monday .. "
		 "6 = Sunday)"},
		{{.name = "Foo",
		  .kind = WORKCAL_NTH_WEEKDAY,
		  .month = 1,
		  .weekday = 0,
		  .nth = 6},
		 "holiday rule 'Foo': nth 6 out of range"},
		{{.name = "Foo", .kind = WORKCAL_EASTER, .offset = 400},
		 "holiday rule 'Foo': offset 400 out of range"},
		{{.name = "Foo",
		  .kind = WORKCAL_FIXED,
		  .month = 1,
		  .day = 1,
		  .first_year = 2000,
		  .last_year = 1999},
		 "holiday rule 'Foo': years 2000..1999 make no sense"},
		{{.name = "Foo",
		  .kind = WORKCAL_FIXED,
		  .month = 1,
		  .day = 1,
		  .every = 4},
		 "holiday rule 'Foo': every 4 needs a first year"},
		{{.name = "Foo",
		  .kind = WORKCAL_FIXED,
		  .month = 1,
		  .day = 1,
		  .observe = (enum workcal_observe)9},
		 "holiday rule 'Foo': unknown observance 9"},
		{{.name = "", .kind = WORKCAL_FIXED, .month = 1, .day = 1},
		 "holiday rule #1 has no name"},
		{{.name = NULL, .kind = WORKCAL_FIXED, .month = 1, .day = 1},
		 "holiday rule #1 has no name"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct workcal_spec spec = {.weekend = WORKCAL_WEEKEND_DEFAULT,
					    .rules = &v[i].rule,
					    .n_rules = 1,
					    .first_year = 2000,
					    .last_year = 2001};
		struct workcal *c = (struct workcal *)&spec; /* non-NULL */
		char err[160] = "";
		assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)),
				 WORKCAL_EINVAL);
		assert_null(c);
		assert_string_equal(err, v[i].msg);
	}
}

static void test_bad_specs(void **state)
{
	(void)state;
	struct workcal_spec spec = {.weekend = WORKCAL_WEEKEND_DEFAULT,
				    .first_year = 2001,
				    .last_year = 2000};
	struct workcal *c = NULL;
	char err[160] = "";
	assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err, "invalid calendar span 2001..2000 (years "
				 "1900..2199 allowed)");
	spec.first_year = 1800;
	assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)),
			 WORKCAL_EINVAL);
	spec.first_year = 2000;
	spec.last_year = 2200;
	assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)),
			 WORKCAL_EINVAL);
	spec.last_year = 2000;
	spec.weekend = 0x7F;
	assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err, "invalid weekend mask 0x7f");
	spec.weekend = 0x80;
	assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)),
			 WORKCAL_EINVAL);
	spec.weekend = WORKCAL_WEEKEND_DEFAULT;
	spec.n_rules = 2; /* rules NULL */
	assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_int_equal(workcal_new(NULL, &c, err, sizeof(err)),
			 WORKCAL_EINVAL);
	/* A week without weekend is fine: every day is a working day. */
	spec.n_rules = 0;
	spec.weekend = 0;
	assert_int_equal(workcal_new(&spec, &c, err, sizeof(err)), WORKCAL_OK);
	int n;
	assert_int_equal(workcal_working_days_between(c, D("2000-01-01"),
						      D("2000-12-31"), &n),
			 WORKCAL_OK);
	assert_int_equal(n, 365);
	workcal_free(c);
	workcal_free(NULL);
}

/* Naive: is d a working day, from the weekday and the list of days off
 * only (not from the index). */
static bool naive_working(const struct workcal *cal, int32_t d)
{
	const int w = civil_weekday(d);
	return w != WORKCAL_SATURDAY && w != WORKCAL_SUNDAY &&
	       workcal_holiday_name(cal, d) == NULL;
}

/* Naive: n-th working day after d, walking one day at a time; false when
 * it leaves the span. */
static bool naive_add(const struct workcal *cal, int32_t d, int n, int32_t *out)
{
	const int step = n >= 0 ? 1 : -1;
	int left = n >= 0 ? n : -n;
	while (left > 0) {
		d += step;
		if (!workcal_in_span(cal, d))
			return false;
		if (naive_working(cal, d))
			left--;
	}
	*out = d;
	return true;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*: deterministic, so a failure is reproducible. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32) % n;
}

static void test_property_index_vs_walk(void **state)
{
	(void)state;
	const struct workcal *cals[] = {fed, fed_cl, fed_dc};
	const int32_t lo = workcal_first_day(fed), hi = workcal_last_day(fed);

	/* Every day of the span: index and list agree. */
	for (int32_t d = lo; d <= hi; d++)
		for (size_t k = 0; k < 3; k++)
			if (working(cals[k], d) != naive_working(cals[k], d))
				fail_msg("day %d calendar %zu", (int)d, k);

	for (int i = 0; i < 20000; i++) {
		const struct workcal *cal = cals[i % 3];
		const int32_t d = lo + (int32_t)rnd((uint32_t)(hi - lo + 1));
		int n = (int)rnd(i % 10 == 0 ? 3000 : 80);
		if (i % 4 == 3)
			n = -n;
		int32_t fast = 0, slow = 0;
		const bool ok = naive_add(cal, d, n, &slow);
		const int rc = workcal_add_working_days(cal, d, n, &fast);
		if (!ok) {
			assert_int_equal(rc, WORKCAL_ERANGE);
			continue;
		}
		assert_int_equal(rc, WORKCAL_OK);
		if (fast != slow)
			fail_msg("add(%d, %d): index %d, walk %d", (int)d, n,
				 (int)fast, (int)slow);
		/* The inverse: between(d, add(d, n)) == n for n >= 0.
		 * Backwards, (fast, d] holds the |n| - 1 working days
		 * strictly between, plus d when d is one. */
		int back = 0;
		assert_int_equal(
			workcal_working_days_between(cal, d, fast, &back),
			WORKCAL_OK);
		if (n >= 0)
			assert_int_equal(back, n);
		else
			assert_int_equal(back, n + 1 - working(cal, d));
		/* Random pairs against a naive count. */
		const int32_t b = d + (int32_t)rnd(400) - 200;
		if (!workcal_in_span(cal, b))
			continue;
		int naive = 0;
		for (int32_t x = (d < b ? d : b) + 1; x <= (d < b ? b : d); x++)
			naive += naive_working(cal, x);
		if (b < d)
			naive = -naive;
		assert_int_equal(workcal_working_days_between(cal, d, b, &back),
				 WORKCAL_OK);
		assert_int_equal(back, naive);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_federal_2025),
		cmocka_unit_test(test_federal_weekday_rules),
		cmocka_unit_test(test_federal_observed),
		cmocka_unit_test(test_federal_year_boundary),
		cmocka_unit_test(test_federal_validity_years),
		cmocka_unit_test(test_inauguration),
		cmocka_unit_test(test_closures),
		cmocka_unit_test(test_federal_tables),
		cmocka_unit_test(test_year_iterator),
		cmocka_unit_test(test_easter),
		cmocka_unit_test(test_rule_kinds),
		cmocka_unit_test(test_weekend_mask_and_oneoffs),
		cmocka_unit_test(test_add_and_between),
		cmocka_unit_test(test_out_of_span),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_property_index_vs_walk),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
