/*
 * test_deadline_props.c: the deadline engine and its calendars checked
 * against the outside world and against themselves.
 *
 * Tables: the federal holidays as OPM published them, for the years whose
 * lists could be found and cited (see opm_days below); every 6103 rule
 * from 1990 to 2060 against a second, deliberately naive implementation;
 * Juneteenth before and after 2021; deadlines across New Year where the
 * holiday is observed in the year before; closures on and off.
 *
 * Properties, over many random cases on four calendars (federal, with
 * closures, DC area, and an odd one with a Friday-Saturday weekend and
 * rules that land on it) and a dozen kinds of rule (working and calendar
 * days, day 1, cut-off, misrouting cap, extensions in either unit,
 * roll-forward): the due date is a working day; it never moves backwards
 * when the receipt date, the extension or a toll's answer moves forward;
 * a toll adds exactly the days it covers; the engine agrees with a
 * day-by-day walk of deadline-rules.md's counting model; the O(1) index
 * agrees with a walk over the list of days off on every day of the span;
 * deadline_add_years agrees with civil_from_days/civil_to_days. Errors
 * name the date or rule at fault.
 *
 * test_workcal.c and test_deadline.c hold the worked examples and the
 * clause-by-clause cases; nothing here repeats them. Random cases come
 * from a fixed seed, so a failure is reproducible; its message gives the
 * case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deadline.h"
#include "foia/civil.h"
#include "workcal.h"

#define NYD   "New Year's Day"
#define MLK   "Birthday of Martin Luther King, Jr."
#define WASH  "Washington's Birthday"
#define MEM   "Memorial Day"
#define JUNE  "Juneteenth National Independence Day"
#define INDEP "Independence Day"
#define LABOR "Labor Day"
#define COLUM "Columbus Day"
#define VET   "Veterans Day"
#define THANK "Thanksgiving Day"
#define XMAS  "Christmas Day"
#define INAUG "Inauguration Day"

#define MAXSTEPS 64

/*
 * A calendar and, beside it, its days off as a plain bitmap built from
 * the weekend mask and the list of holidays (workcal_range_holidays), not
 * from the index: the naive models below walk this.
 */
struct naive {
	const struct workcal *cal;
	int32_t lo, hi;
	unsigned weekend;
	unsigned char *off; /* hi - lo + 1 entries */
};

enum { FED, FED_CL, FED_DC, ODD, NCAL };
static struct workcal *cals[NCAL];
static struct naive nv[NCAL];
static const char *const cal_names[NCAL] = {"federal", "federal+closures",
					    "federal DC", "odd"};

static int32_t D(const char *s)
{
	int32_t d = 0;
	if (!civil_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

/* A date for a failure message; a few rotating buffers. */
static const char *S(int32_t d)
{
	static char buf[8][16];
	static unsigned k;
	char *b = buf[k++ % 8];
	civil_format(d, b, 16);
	return b;
}

static int civil_year(int32_t d)
{
	int y, m, day;
	civil_from_days(d, &y, &m, &day);
	return y;
}

/* The odd calendar: a Friday-Saturday weekend, rules that fall on it, an
 * observance shift onto it, every kind of rule and both kinds of
 * one-off. */
static const struct workcal_rule odd_rules[] = {
	{.name = "Good Friday", .kind = WORKCAL_EASTER, .offset = -2},
	{.name = "Easter Monday", .kind = WORKCAL_EASTER, .offset = 1},
	{.name = "Stays where it falls",
	 .kind = WORKCAL_FIXED,
	 .month = 1,
	 .day = 7},
	{.name = "Next Monday",
	 .kind = WORKCAL_FIXED,
	 .month = 12,
	 .day = 25,
	 .observe = WORKCAL_OBSERVE_NEXT_MONDAY},
	{.name = "Federal shift",
	 .kind = WORKCAL_FIXED,
	 .month = 7,
	 .day = 4,
	 .observe = WORKCAL_OBSERVE_FEDERAL},
	{.name = "Last Thursday of August",
	 .kind = WORKCAL_LAST_WEEKDAY,
	 .month = 8,
	 .weekday = 3},
	{.name = "Every fourth year",
	 .kind = WORKCAL_FIXED,
	 .month = 3,
	 .day = 3,
	 .first_year = 1992,
	 .last_year = 2040,
	 .every = 4},
	{.name = "Fifth Sunday of March",
	 .kind = WORKCAL_NTH_WEEKDAY,
	 .month = 3,
	 .weekday = 6,
	 .nth = 5},
};

static int build_naive(struct naive *n, const struct workcal *cal,
		       unsigned weekend)
{
	struct workcal_iter it;
	const struct workcal_holiday *h;

	n->cal = cal;
	n->lo = workcal_first_day(cal);
	n->hi = workcal_last_day(cal);
	n->weekend = weekend;
	n->off = calloc((size_t)(n->hi - n->lo + 1), 1);
	if (n->off == NULL)
		return -1;
	for (int32_t d = n->lo; d <= n->hi; d++)
		n->off[d - n->lo] = (weekend >> civil_weekday(d)) & 1u;
	if (workcal_range_holidays(cal, n->lo, n->hi, &it) != WORKCAL_OK)
		return -1;
	while ((h = workcal_iter_next(&it)) != NULL)
		n->off[h->date - n->lo] = 1;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	struct workcal_spec spec;
	static const bool closures[3] = {false, true, false};
	static const bool dc[3] = {false, false, true};

	for (int i = 0; i < 3; i++) {
		if (workcal_federal_spec(&spec, closures[i], dc[i], 1978,
					 2100) != WORKCAL_OK ||
		    workcal_new(&spec, &cals[i], NULL, 0) != WORKCAL_OK)
			return -1;
	}
	static struct workcal_oneoff odd_days[2];
	odd_days[0] = (struct workcal_oneoff){.date = civil_to_days(2000, 1, 3),
					      .name = "Y2K",
					      .closure = true};
	odd_days[1] = (struct workcal_oneoff){.date = civil_to_days(2030, 5, 5),
					      .name = "A user's day"};
	spec = (struct workcal_spec){
		.weekend = WORKCAL_DAYBIT(4) | WORKCAL_DAYBIT(5),
		.rules = odd_rules,
		.n_rules = sizeof(odd_rules) / sizeof(odd_rules[0]),
		.oneoffs = odd_days,
		.n_oneoffs = 2,
		.closures = true,
		.first_year = 1990,
		.last_year = 2060};
	if (workcal_new(&spec, &cals[ODD], NULL, 0) != WORKCAL_OK)
		return -1;
	for (int i = 0; i < NCAL; i++)
		if (build_naive(&nv[i], cals[i],
				i == ODD ? spec.weekend
					 : WORKCAL_WEEKEND_DEFAULT) != 0)
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NCAL; i++) {
		workcal_free(cals[i]);
		free(nv[i].off);
	}
	return 0;
}

static bool n_in(const struct naive *n, int32_t d)
{
	return d >= n->lo && d <= n->hi;
}

static bool n_working(const struct naive *n, int32_t d)
{
	return !n->off[d - n->lo];
}

/* ------------------------------------------------------------------ */
/* OPM's published lists                                                */
/* ------------------------------------------------------------------ */

/*
 * Federal holidays, by the year of the legal public holiday (New Year's
 * Day 2011 was observed on Friday, December 31, 2010, and OPM lists it
 * under 2011), as published by the U.S. Office of Personnel Management.
 * Only years whose complete list could be found and cited are here; other
 * years are covered by the rule check below, not by invented rows.
 *
 * OPM's own pages:
 *  2007  "2007 Federal Holidays", www.opm.gov/FEDHOL/2007.asp, archived
 *        at webharvest.gov/peth04/20041110020808/http://opm.gov/FEDHOL/
 *        2007.asp (its footnote: Nov 11, 2007 is a Sunday, Monday Nov 12
 *        is the holiday)
 *  2008  "2008 Federal Holidays", www.opm.gov/FEDHOL/2008.asp, archived
 *        at webharvest.gov/peth04/20041110020703/http://opm.gov/FEDHOL/
 *        2008.asp, and as www.opm.gov/Operating_Status_Schedules/fedhol/
 *        2008.asp at webarchive.library.unt.edu/eot2008/20080916061554/
 *  2024, 2025  www.opm.gov/policy-data-oversight/pay-leave/federal-
 *        holidays/ (the 2024 and 2025 tabs; 2025 with Inauguration Day)
 *  2001  OPM memorandum CPM 2000-16, "Christmas Day 2000, New Years Day
 *        2001, and Inauguration Day" (Nov 27, 2000), www.opm.gov/oca/
 *        compmemo/2000/2000-16.asp, archived at webarchive.library.unt.edu
 *        /eot2008/20090117202250/: Inauguration Day on Saturday, Jan 20,
 *        2001 gives no weekday off ("no authority for an in lieu of
 *        holiday")
 *
 * OPM's lists as reproduced by others who name OPM as the source:
 *  2009  fendonline.com/pay/holidays.htm (OPM's text and footnote); the
 *        same dates, with Inauguration Day on Jan 20, 2009 for the DC
 *        area, in the Washington Post's "Federal Eye", Nov 2008
 *  2011  indexmundi.com/blog, "Official US Holidays 2011", "Source: United
 *        States Office of Personnel Management", with OPM's footnotes
 *  2012  fedsmith.com/2012/01/02/2012-paid-federal-holidays/ ("as provided
 *        by OPM")
 *  2021  fedsmith.com/2020/12/29/2021-federal-holidays/ (OPM's table and
 *        footnotes, with Inauguration Day and Juneteenth on Friday June 18)
 *  2022, 2023  gist.github.com/tillahoffmann/809742bfcc835c1968be455216e6eb
 *        45, "extracted from https://www.opm.gov/policy-data-oversight/pay-
 *        leave/federal-holidays/#url=Historical-Data". Its row "2022-12-31
 *        New Year's Day" is OPM's 2022 tab's "Friday, December 31" with the
 *        tab's year attached: Dec 31, 2022 is a Saturday, and Jan 1, 2022
 *        (a Saturday) was observed on Friday, Dec 31, 2021 (6103(b)); it is
 *        entered as 2021-12-31
 *  2026  ca11.uscourts.gov/federal-holidays, and jagranjosh.com (Dec 29,
 *        2025), "The Office of Personnel Management (OPM) has set the
 *        official schedule for US federal holidays in 2026"
 */
struct opm_day {
	int year;
	const char *date;
	const char *name;
};

static const struct opm_day opm_days[] = {
	{2007, "2007-01-01", NYD},   {2007, "2007-01-15", MLK},
	{2007, "2007-02-19", WASH},  {2007, "2007-05-28", MEM},
	{2007, "2007-07-04", INDEP}, {2007, "2007-09-03", LABOR},
	{2007, "2007-10-08", COLUM}, {2007, "2007-11-12", VET},
	{2007, "2007-11-22", THANK}, {2007, "2007-12-25", XMAS},

	{2008, "2008-01-01", NYD},   {2008, "2008-01-21", MLK},
	{2008, "2008-02-18", WASH},  {2008, "2008-05-26", MEM},
	{2008, "2008-07-04", INDEP}, {2008, "2008-09-01", LABOR},
	{2008, "2008-10-13", COLUM}, {2008, "2008-11-11", VET},
	{2008, "2008-11-27", THANK}, {2008, "2008-12-25", XMAS},

	{2009, "2009-01-01", NYD},   {2009, "2009-01-19", MLK},
	{2009, "2009-02-16", WASH},  {2009, "2009-05-25", MEM},
	{2009, "2009-07-03", INDEP}, {2009, "2009-09-07", LABOR},
	{2009, "2009-10-12", COLUM}, {2009, "2009-11-11", VET},
	{2009, "2009-11-26", THANK}, {2009, "2009-12-25", XMAS},

	{2011, "2010-12-31", NYD},   {2011, "2011-01-17", MLK},
	{2011, "2011-02-21", WASH},  {2011, "2011-05-30", MEM},
	{2011, "2011-07-04", INDEP}, {2011, "2011-09-05", LABOR},
	{2011, "2011-10-10", COLUM}, {2011, "2011-11-11", VET},
	{2011, "2011-11-24", THANK}, {2011, "2011-12-26", XMAS},

	{2012, "2012-01-02", NYD},   {2012, "2012-01-16", MLK},
	{2012, "2012-02-20", WASH},  {2012, "2012-05-28", MEM},
	{2012, "2012-07-04", INDEP}, {2012, "2012-09-03", LABOR},
	{2012, "2012-10-08", COLUM}, {2012, "2012-11-12", VET},
	{2012, "2012-11-22", THANK}, {2012, "2012-12-25", XMAS},

	{2021, "2021-01-01", NYD},   {2021, "2021-01-18", MLK},
	{2021, "2021-02-15", WASH},  {2021, "2021-05-31", MEM},
	{2021, "2021-06-18", JUNE},  {2021, "2021-07-05", INDEP},
	{2021, "2021-09-06", LABOR}, {2021, "2021-10-11", COLUM},
	{2021, "2021-11-11", VET},   {2021, "2021-11-25", THANK},
	{2021, "2021-12-24", XMAS},

	{2022, "2021-12-31", NYD},   {2022, "2022-01-17", MLK},
	{2022, "2022-02-21", WASH},  {2022, "2022-05-30", MEM},
	{2022, "2022-06-20", JUNE},  {2022, "2022-07-04", INDEP},
	{2022, "2022-09-05", LABOR}, {2022, "2022-10-10", COLUM},
	{2022, "2022-11-11", VET},   {2022, "2022-11-24", THANK},
	{2022, "2022-12-26", XMAS},

	{2023, "2023-01-02", NYD},   {2023, "2023-01-16", MLK},
	{2023, "2023-02-20", WASH},  {2023, "2023-05-29", MEM},
	{2023, "2023-06-19", JUNE},  {2023, "2023-07-04", INDEP},
	{2023, "2023-09-04", LABOR}, {2023, "2023-10-09", COLUM},
	{2023, "2023-11-10", VET},   {2023, "2023-11-23", THANK},
	{2023, "2023-12-25", XMAS},

	{2024, "2024-01-01", NYD},   {2024, "2024-01-15", MLK},
	{2024, "2024-02-19", WASH},  {2024, "2024-05-27", MEM},
	{2024, "2024-06-19", JUNE},  {2024, "2024-07-04", INDEP},
	{2024, "2024-09-02", LABOR}, {2024, "2024-10-14", COLUM},
	{2024, "2024-11-11", VET},   {2024, "2024-11-28", THANK},
	{2024, "2024-12-25", XMAS},

	{2025, "2025-01-01", NYD},   {2025, "2025-01-20", MLK},
	{2025, "2025-02-17", WASH},  {2025, "2025-05-26", MEM},
	{2025, "2025-06-19", JUNE},  {2025, "2025-07-04", INDEP},
	{2025, "2025-09-01", LABOR}, {2025, "2025-10-13", COLUM},
	{2025, "2025-11-11", VET},   {2025, "2025-11-27", THANK},
	{2025, "2025-12-25", XMAS},

	{2026, "2026-01-01", NYD},   {2026, "2026-01-19", MLK},
	{2026, "2026-02-16", WASH},  {2026, "2026-05-25", MEM},
	{2026, "2026-06-19", JUNE},  {2026, "2026-07-03", INDEP},
	{2026, "2026-09-07", LABOR}, {2026, "2026-10-12", COLUM},
	{2026, "2026-11-11", VET},   {2026, "2026-11-26", THANK},
	{2026, "2026-12-25", XMAS},
};

/* Inauguration Day in the same sources (DC area only, 6103(c)). */
static const char *const opm_inaugurations[] = {"2009-01-20", "2021-01-20",
						"2025-01-20"};

/* The days off the calendar gives for legal holidays of year y (by the
 * nominal date's year), in date order, closures left out. */
static size_t holidays_of_year(const struct workcal *cal, int y,
			       const struct workcal_holiday **out, size_t cap)
{
	struct workcal_iter it;
	const struct workcal_holiday *h;
	size_t n = 0;
	assert_int_equal(
		workcal_range_holidays(cal, civil_to_days(y - 1, 12, 1),
				       civil_to_days(y + 1, 1, 31), &it),
		WORKCAL_OK);
	while ((h = workcal_iter_next(&it)) != NULL) {
		if (h->closure || civil_year(h->nominal) != y)
			continue;
		assert_true(n < cap);
		out[n++] = h;
	}
	return n;
}

static void test_opm_published_lists(void **state)
{
	(void)state;
	const size_t nrows = sizeof(opm_days) / sizeof(opm_days[0]);
	size_t years = 0;

	for (size_t i = 0; i < nrows;) {
		const int y = opm_days[i].year;
		size_t k = i;
		while (k < nrows && opm_days[k].year == y)
			k++;
		const struct workcal_holiday *got[16];
		const size_t n = holidays_of_year(cals[FED], y, got, 16);
		if (n != k - i)
			fail_msg("%d: %zu holidays, OPM lists %zu", y, n,
				 k - i);
		for (size_t j = 0; j < n; j++) {
			const struct opm_day *want = &opm_days[i + j];
			if (got[j]->date != D(want->date) ||
			    strcmp(got[j]->name, want->name) != 0)
				fail_msg("%d: %s %s, OPM lists %s %s", y,
					 S(got[j]->date), got[j]->name,
					 want->date, want->name);
			/* And a day off it is, with or without closures. */
			bool w = true;
			assert_int_equal(workcal_is_working_day(cals[FED_CL],
								got[j]->date,
								&w),
					 WORKCAL_OK);
			assert_false(w);
		}
		years++;
		i = k;
	}
	assert_int_equal(years, 11);

	/* Inauguration Day: DC area only; 2025's shares MLK Day. */
	for (size_t i = 0; i < 3; i++) {
		const int32_t d = D(opm_inaugurations[i]);
		struct workcal_iter it;
		const struct workcal_holiday *h;
		bool found = false, w = true;
		assert_int_equal(
			workcal_range_holidays(cals[FED_DC], d, d, &it),
			WORKCAL_OK);
		while ((h = workcal_iter_next(&it)) != NULL)
			found |= strcmp(h->name, INAUG) == 0;
		if (!found)
			fail_msg("%s: no Inauguration Day in the DC calendar",
				 opm_inaugurations[i]);
		assert_int_equal(workcal_is_working_day(cals[FED_DC], d, &w),
				 WORKCAL_OK);
		assert_false(w);
	}
	assert_true(nv[FED].off[D("2009-01-20") - nv[FED].lo] == 0);
	assert_true(nv[FED].off[D("2021-01-20") - nv[FED].lo] == 0);

	/* CPM 2000-16: Saturday, Jan 20, 2001 gives no weekday off, and
	 * Christmas 2000 and New Year's Day 2001 fell on Mondays. */
	bool w = false;
	assert_int_equal(
		workcal_is_working_day(cals[FED_DC], D("2001-01-19"), &w),
		WORKCAL_OK);
	assert_true(w);
	assert_int_equal(
		workcal_is_working_day(cals[FED_DC], D("2001-01-22"), &w),
		WORKCAL_OK);
	assert_true(w);
	assert_string_equal(workcal_holiday_name(cals[FED_DC], D("2001-01-20")),
			    INAUG);
	assert_string_equal(workcal_holiday_name(cals[FED], D("2000-12-25")),
			    XMAS);
	assert_string_equal(workcal_holiday_name(cals[FED], D("2001-01-01")),
			    NYD);
}

/* ------------------------------------------------------------------ */
/* 6103 from 1990 to 2060, against a naive second implementation        */
/* ------------------------------------------------------------------ */

struct off_day {
	int32_t date;
	int rule; /* statute order; Inauguration Day last */
	const char *name;
};

/* The n-th `weekday` of month m, found by walking the month. */
static int32_t walk_nth(int y, int m, int weekday, int n)
{
	for (int day = 1; day <= civil_days_in_month(y, m); day++) {
		const int32_t d = civil_to_days(y, m, day);
		if (civil_weekday(d) == weekday && --n == 0)
			return d;
	}
	fail_msg("no weekday %d #%d in %d-%d", weekday, n, y, m);
	return 0;
}

static int32_t walk_last(int y, int m, int weekday)
{
	for (int day = civil_days_in_month(y, m); day > 0; day--) {
		const int32_t d = civil_to_days(y, m, day);
		if (civil_weekday(d) == weekday)
			return d;
	}
	fail_msg("no weekday %d in %d-%d", weekday, y, m);
	return 0;
}

/* 6103(b) and E.O. 11582, as OPM words it. */
static int32_t federal_observed(int32_t d)
{
	switch (civil_weekday(d)) {
	case 5:
		return d - 1;
	case 6:
		return d + 1;
	default:
		return d;
	}
}

static size_t oracle_year(int y, bool dc, struct off_day *v)
{
	size_t n = 0;
#define PUT(rule_, date_, name_)                                               \
	v[n++] = (struct off_day){                                             \
		.date = (date_), .rule = (rule_), .name = (name_)}
	PUT(0, federal_observed(civil_to_days(y, 1, 1)), NYD);
	if (y >= 1986)
		PUT(1, walk_nth(y, 1, 0, 3), MLK);
	PUT(2, walk_nth(y, 2, 0, 3), WASH);
	PUT(3, walk_last(y, 5, 0), MEM);
	if (y >= 2021)
		PUT(4, federal_observed(civil_to_days(y, 6, 19)), JUNE);
	PUT(5, federal_observed(civil_to_days(y, 7, 4)), INDEP);
	PUT(6, walk_nth(y, 9, 0, 1), LABOR);
	PUT(7, walk_nth(y, 10, 0, 2), COLUM);
	PUT(8, federal_observed(civil_to_days(y, 11, 11)), VET);
	PUT(9, walk_nth(y, 11, 3, 4), THANK);
	PUT(10, federal_observed(civil_to_days(y, 12, 25)), XMAS);
	if (dc && (y - 1965) % 4 == 0) {
		const int32_t d = civil_to_days(y, 1, 20);
		PUT(11, civil_weekday(d) == 6 ? d + 1 : d, INAUG);
	}
#undef PUT
	return n;
}

static void check_rules_span(int k, bool dc, const int32_t *closures,
			     size_t nclosures)
{
	const int32_t from = D("1990-01-01"), to = D("2060-12-31");
	static struct off_day want[75 * 13];
	size_t n = 0;

	for (int y = 1989; y <= 2061; y++) {
		struct off_day v[13];
		const size_t m = oracle_year(y, dc, v);
		for (size_t i = 0; i < m; i++)
			if (v[i].date >= from && v[i].date <= to)
				want[n++] = v[i];
	}
	/* Insertion sort by (date, rule): the calendar's order. */
	for (size_t i = 1; i < n; i++) {
		const struct off_day x = want[i];
		size_t j = i;
		while (j > 0 && (want[j - 1].date > x.date ||
				 (want[j - 1].date == x.date &&
				  want[j - 1].rule > x.rule))) {
			want[j] = want[j - 1];
			j--;
		}
		want[j] = x;
	}

	struct workcal_iter it;
	const struct workcal_holiday *h;
	size_t i = 0;
	assert_int_equal(workcal_range_holidays(cals[k], from, to, &it),
			 WORKCAL_OK);
	while ((h = workcal_iter_next(&it)) != NULL) {
		if (h->closure)
			continue;
		if (i >= n)
			fail_msg("%s: extra day off %s %s", cal_names[k],
				 S(h->date), h->name);
		if (h->date != want[i].date ||
		    strcmp(h->name, want[i].name) != 0)
			fail_msg("%s: %s %s, the rules give %s %s",
				 cal_names[k], S(h->date), h->name,
				 S(want[i].date), want[i].name);
		i++;
	}
	if (i != n)
		fail_msg("%s: missing %s %s", cal_names[k], S(want[i].date),
			 want[i].name);

	/* Every day: a working day iff a weekday that no rule or closure
	 * takes. */
	size_t next = 0;
	for (int32_t d = from; d <= to; d++) {
		bool off = civil_weekday(d) >= 5;
		while (next < n && want[next].date < d)
			next++;
		for (size_t j = next; j < n && want[j].date == d; j++)
			off = true;
		for (size_t j = 0; j < nclosures; j++)
			off |= closures[j] == d;
		bool w = false;
		assert_int_equal(workcal_is_working_day(cals[k], d, &w),
				 WORKCAL_OK);
		if (w == off)
			fail_msg("%s: %s working %d", cal_names[k], S(d), w);
	}
}

static void test_rules_1990_2060(void **state)
{
	(void)state;
	const int32_t closures[] = {D("2024-12-24"), D("2025-01-09"),
				    D("2025-12-24"), D("2025-12-26")};
	check_rules_span(FED, false, NULL, 0);
	check_rules_span(FED_DC, true, NULL, 0);
	check_rules_span(FED_CL, false, closures, 4);
}

/* Juneteenth: never before 2021, every year from 2021, observed. */
static void test_juneteenth_2021(void **state)
{
	(void)state;
	for (int y = 1990; y <= 2060; y++) {
		const int32_t d = federal_observed(civil_to_days(y, 6, 19));
		const char *name = workcal_holiday_name(cals[FED], d);
		const bool is = name != NULL && strcmp(name, JUNE) == 0;
		if (is != (y >= 2021))
			fail_msg("%d: Juneteenth on %s is %d", y, S(d), is);
	}
	/* Received June 10: 2020 counts Friday June 19; 2021 skips Friday
	 * June 18 (the 19th was a Saturday); 2022 Monday June 20. */
	static const struct {
		const char *received, *due, *skip1, *skip2;
	} v[] = {
		{"2020-06-10", "2020-07-09", "2020-07-03", NULL},
		{"2021-06-10", "2021-07-12", "2021-06-18", "2021-07-05"},
		{"2022-06-10", "2022-07-12", "2022-06-20", "2022-07-04"},
	};
	for (size_t i = 0; i < 3; i++) {
		struct deadline_step sv[MAXSTEPS];
		struct deadline_steps st = {.v = sv, .cap = MAXSTEPS};
		struct deadline_result r;
		const struct deadline_input in = {.received = D(v[i].received)};
		assert_int_equal(deadline_compute(cals[FED],
						  &deadline_federal_initial,
						  &in, &r, &st, NULL, 0),
				 WORKCAL_OK);
		if (r.due != D(v[i].due))
			fail_msg("received %s: due %s, expected %s",
				 v[i].received, S(r.due), v[i].due);
		const char *skips[2] = {v[i].skip1, v[i].skip2};
		size_t k = 0;
		for (size_t j = 0; j < st.n; j++) {
			if (sv[j].kind != DEADLINE_STEP_SKIP)
				continue;
			assert_true(k < 2 && skips[k] != NULL);
			assert_int_equal(sv[j].date, D(skips[k]));
			k++;
		}
		assert_true(k == 2 || skips[k] == NULL);
	}
}

/*
 * Deadlines across New Year, where the holiday a year's calendar needs is
 * the next year's (New Year's Day on a Saturday observed Dec 31) or shifts
 * into the next year (Sunday -> Monday Jan 2). Due dates from an
 * independent day-by-day count.
 */
static void test_year_boundaries(void **state)
{
	(void)state;
	static const struct {
		const char *received, *due;
		const char *skips[4];
	} v[] = {
		{"2021-12-20",
		 "2022-01-20",
		 {"2021-12-24", "2021-12-31", "2022-01-17", NULL}},
		{"2010-12-20",
		 "2011-01-20",
		 {"2010-12-24", "2010-12-31", "2011-01-17", NULL}},
		{"2032-12-20",
		 "2033-01-20",
		 {"2032-12-24", "2032-12-31", "2033-01-17", NULL}},
		{"2016-12-20",
		 "2017-01-20",
		 {"2016-12-26", "2017-01-02", "2017-01-16", NULL}},
		/* Received on the observed New Year's Day itself, and on
		 * the legal holiday (a Saturday) the day after. */
		{"2021-12-31", "2022-01-31", {"2022-01-17", NULL}},
		{"2022-01-01", "2022-01-31", {"2022-01-17", NULL}},
		{"2021-12-30",
		 "2022-01-31",
		 {"2021-12-31", "2022-01-17", NULL}},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct deadline_step sv[MAXSTEPS];
		struct deadline_steps st = {.v = sv, .cap = MAXSTEPS};
		struct deadline_result r;
		const struct deadline_input in = {.received = D(v[i].received)};
		assert_int_equal(deadline_compute(cals[FED],
						  &deadline_federal_initial,
						  &in, &r, &st, NULL, 0),
				 WORKCAL_OK);
		if (r.due != D(v[i].due))
			fail_msg("received %s: due %s, expected %s",
				 v[i].received, S(r.due), v[i].due);
		size_t k = 0;
		for (size_t j = 0; j < st.n; j++) {
			if (sv[j].kind != DEADLINE_STEP_SKIP)
				continue;
			if (v[i].skips[k] == NULL ||
			    sv[j].date != D(v[i].skips[k]))
				fail_msg("received %s: skip %s", v[i].received,
					 S(sv[j].date));
			k++;
		}
		assert_null(v[i].skips[k]);
	}
}

/* The executive-order closures change a due date only when on. */
static void test_closures_on_off(void **state)
{
	(void)state;
	static const struct {
		const char *received, *due_off, *due_on;
		int skips_off, skips_on;
	} v[] = {
		/* Dec 24, 2024 and the Jan 9, 2025 day of mourning. */
		{"2024-12-16", "2025-01-15", "2025-01-17", 2, 4},
		/* Dec 24 and 26, 2025. */
		{"2025-12-15", "2026-01-14", "2026-01-16", 2, 4},
		/* After them: no difference. */
		{"2026-01-05", "2026-02-03", "2026-02-03", 1, 1},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (int on = 0; on < 2; on++) {
			struct deadline_step sv[MAXSTEPS];
			struct deadline_steps st = {.v = sv, .cap = MAXSTEPS};
			struct deadline_result r;
			const struct deadline_input in = {
				.received = D(v[i].received)};
			assert_int_equal(
				deadline_compute(cals[on ? FED_CL : FED],
						 &deadline_federal_initial, &in,
						 &r, &st, NULL, 0),
				WORKCAL_OK);
			const char *want = on ? v[i].due_on : v[i].due_off;
			if (r.due != D(want))
				fail_msg("received %s closures %d: due %s, "
					 "expected %s",
					 v[i].received, on, S(r.due), want);
			int skips = 0, closures = 0;
			for (size_t j = 0; j < st.n; j++) {
				skips += sv[j].kind == DEADLINE_STEP_SKIP;
				closures += sv[j].kind == DEADLINE_STEP_SKIP &&
					    sv[j].closure;
			}
			assert_int_equal(skips,
					 on ? v[i].skips_on : v[i].skips_off);
			assert_int_equal(closures,
					 on ? skips - v[i].skips_off : 0);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Random cases                                                         */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*, seeded per test: failures are reproducible. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32) % n;
}

/* The kinds of rule: the federal built-ins and the variants
 * jurisdictions.conf can express. */
static const struct deadline_rule r_interior = {.what = "interior",
						.unit = DEADLINE_WORKING_DAYS,
						.days = 20,
						.receipt_is_day1 = true,
						.cutoff_next_day = true,
						.misroute_cap = 10,
						.ext_unit =
							DEADLINE_WORKING_DAYS,
						.ext_max = 10,
						.exhaustion = true,
						.limitations_years = 6};
static const struct deadline_rule r_epa = {.what = "epa",
					   .unit = DEADLINE_WORKING_DAYS,
					   .days = 20,
					   .cutoff_next_day = true,
					   .misroute_cap = 10,
					   .ext_unit = DEADLINE_WORKING_DAYS,
					   .ext_max = 10};
static const struct deadline_rule r_calroll = {.what = "ten calendar days",
					       .unit = DEADLINE_CALENDAR_DAYS,
					       .days = 10,
					       .roll_forward = true,
					       .ext_unit =
						       DEADLINE_CALENDAR_DAYS,
					       .ext_max = 14};
static const struct deadline_rule r_thirty = {.what = "thirty, uncapped",
					      .unit = DEADLINE_CALENDAR_DAYS,
					      .days = 30,
					      .roll_forward = true,
					      .ext_unit =
						      DEADLINE_CALENDAR_DAYS,
					      .ext_max = -1,
					      .exhaustion = true,
					      .limitations_years = 2};
static const struct deadline_rule r_pa = {.what = "five, then calendar",
					  .unit = DEADLINE_WORKING_DAYS,
					  .days = 5,
					  .roll_forward = true,
					  .ext_unit = DEADLINE_CALENDAR_DAYS,
					  .ext_max = 30};
static const struct deadline_rule r_short = {.what = "one working day",
					     .unit = DEADLINE_WORKING_DAYS,
					     .days = 1,
					     .misroute_cap = 3,
					     .ext_unit = DEADLINE_WORKING_DAYS,
					     .ext_max = 5};
static const struct deadline_rule r_cal_then_wd = {
	.what = "calendar, then working",
	.unit = DEADLINE_CALENDAR_DAYS,
	.days = 10,
	.ext_unit = DEADLINE_WORKING_DAYS,
	.ext_max = 10};
static const struct deadline_rule r_cal_day1 = {.what = "calendar, day 1",
						.unit = DEADLINE_CALENDAR_DAYS,
						.days = 15,
						.receipt_is_day1 = true,
						.cutoff_next_day = true,
						.ext_unit =
							DEADLINE_CALENDAR_DAYS,
						.ext_max = 0};

static const struct deadline_rule *const rules[] = {
	&deadline_federal_initial,
	&deadline_federal_appeal,
	&deadline_federal_expedited,
	&deadline_federal_appeal_window,
	&r_interior,
	&r_epa,
	&r_calroll,
	&r_thirty,
	&r_pa,
	&r_short,
	&r_cal_then_wd,
	&r_cal_day1,
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

struct rcase {
	int cal;
	const struct deadline_rule *rule;
	struct deadline_input in;
	struct deadline_toll tolls[4];
};

static void gen_case(struct rcase *c, bool allow_open)
{
	memset(c, 0, sizeof(*c));
	c->cal = (int)rnd(NCAL);
	c->rule = rules[rnd(NRULES)];
	const struct naive *n = &nv[c->cal];
	/* Far enough inside the span for any of the rules. */
	const int32_t rec =
		n->lo + 60 + (int32_t)rnd((uint32_t)(n->hi - n->lo - 400));
	c->in.received = rec;
	c->in.after_cutoff = rnd(3) == 0;
	if (rnd(4) == 0) {
		c->in.misrouted = true;
		c->in.first_received = rec - (int32_t)rnd(40);
	}
	const int cap = c->rule->ext_max < 0 ? 60 : c->rule->ext_max;
	c->in.extension = rnd(2) ? (int)rnd((uint32_t)cap + 1) : 0;
	const size_t nt = rnd(5);
	for (size_t k = 0; k < nt; k++) {
		struct deadline_toll *t = &c->tolls[k];
		t->kind = rnd(2) ? DEADLINE_TOLL_FEE : DEADLINE_TOLL_INFO;
		t->asked = rec - 10 + (int32_t)rnd(70);
		t->answered = t->asked + (int32_t)rnd(25);
		t->open = allow_open && rnd(8) == 0;
	}
	c->in.tolls = c->tolls;
	c->in.n_tolls = nt;
}

static const char *case_text(const struct rcase *c)
{
	static char buf[512];
	int len = snprintf(
		buf, sizeof(buf), "%s, rule '%s', received %s%s, ext %d",
		cal_names[c->cal], c->rule->what, S(c->in.received),
		c->in.after_cutoff ? " after cut-off" : "", c->in.extension);
	if (c->in.misrouted && len > 0 && (size_t)len < sizeof(buf))
		len += snprintf(buf + len, sizeof(buf) - (size_t)len,
				", first received %s", S(c->in.first_received));
	for (size_t k = 0;
	     k < c->in.n_tolls && len > 0 && (size_t)len < sizeof(buf); k++)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len,
				", toll (%s, %s%s]", S(c->tolls[k].asked),
				c->tolls[k].open ? "open" : "",
				c->tolls[k].open ? ""
						 : S(c->tolls[k].answered));
	return buf;
}

static int compute(const struct rcase *c, struct deadline_result *r)
{
	char err[256] = "";
	const int rc = deadline_compute(cals[c->cal], c->rule, &c->in, r, NULL,
					err, sizeof(err));
	if (rc != WORKCAL_OK && err[0] == '\0')
		fail_msg("%s: error %d without a message", case_text(c), rc);
	return rc;
}

/*
 * The counting model of deadline-rules.md and deadline.h, one day at a
 * time on the naive day-off bitmap. Returns false if a walk leaves the
 * span (the engine must then say WORKCAL_ERANGE).
 */
struct model {
	bool stopped;
	int32_t start, due, stopped_on;
	int used, tolled, period;
};

static bool m_next_working(const struct naive *n, int32_t d, int k,
			   int32_t *out)
{
	while (k > 0) {
		if (!n_in(n, ++d))
			return false;
		k -= n_working(n, d);
	}
	*out = d;
	return true;
}

static bool run_model(const struct rcase *c, struct model *m)
{
	const struct naive *n = &nv[c->cal];
	const struct deadline_rule *r = c->rule;
	const struct deadline_input *in = &c->in;
	int32_t s = in->received;

	memset(m, 0, sizeof(*m));
	/* Cut-off rule: after the hour, or on a day off, it is received
	 * the next working day. */
	if (r->cutoff_next_day && (in->after_cutoff || !n_working(n, s)) &&
	    !m_next_working(n, s, 1, &s))
		return false;
	if (r->misroute_cap > 0 && in->misrouted) {
		int32_t cap;
		if (!m_next_working(n, in->first_received, r->misroute_cap,
				    &cap))
			return false;
		if (cap < s)
			s = cap;
	}
	m->start = s;
	int32_t d = r->receipt_is_day1 ? s - 1 : s;
	if (!n_in(n, d))
		return false;

	struct {
		enum deadline_unit unit;
		int n;
	} ph[2] = {{r->unit, r->days}, {r->ext_unit, 0}};
	if (r->ext_unit == r->unit)
		ph[0].n += in->extension;
	else
		ph[1].n = in->extension;
	m->period = ph[0].n + ph[1].n;

	for (int p = 0; p < 2; p++) {
		const bool wd = ph[p].unit == DEADLINE_WORKING_DAYS;
		int left = ph[p].n;
		while (left > 0) {
			if (!n_in(n, d + 1))
				return false;
			d++;
			bool tolled = false;
			for (size_t k = 0; k < in->n_tolls; k++) {
				const struct deadline_toll *t = &in->tolls[k];
				if (t->open && d > t->asked) {
					m->stopped = true;
					if (m->stopped_on == 0 ||
					    t->asked < m->stopped_on)
						m->stopped_on = t->asked;
				}
				if (!t->open && d > t->asked &&
				    d <= t->answered)
					tolled = true;
			}
			if (m->stopped)
				return true;
			const bool counts = !wd || n_working(n, d);
			if (tolled)
				m->tolled += counts;
			else if (counts) {
				left--;
				m->used++;
			}
		}
	}
	const enum deadline_unit last = ph[1].n > 0 ? ph[1].unit : ph[0].unit;
	if (last == DEADLINE_CALENDAR_DAYS && r->roll_forward) {
		while (!n_working(n, d))
			if (!n_in(n, ++d))
				return false;
	}
	m->due = d;
	return true;
}

/* The engine agrees with the model on every random case. */
static void test_property_model(void **state)
{
	(void)state;
	rng_state = 0x6A09E667F3BCC908ull;
	for (int i = 0; i < 40000; i++) {
		struct rcase c;
		struct deadline_result r;
		struct model m;
		gen_case(&c, true);
		const bool ok = run_model(&c, &m);
		const int rc = compute(&c, &r);
		if (!ok) {
			if (rc != WORKCAL_ERANGE)
				fail_msg("%s: engine %d, model leaves the span",
					 case_text(&c), rc);
			continue;
		}
		if (rc != WORKCAL_OK)
			fail_msg("%s: engine error %d", case_text(&c), rc);
		if (r.start != m.start || r.period != m.period ||
		    r.used != m.used ||
		    (r.state == DEADLINE_STOPPED) != m.stopped)
			fail_msg("%s: start %s period %d used %d stopped %d; "
				 "model %s %d %d %d",
				 case_text(&c), S(r.start), r.period, r.used,
				 r.state == DEADLINE_STOPPED, S(m.start),
				 m.period, m.used, m.stopped);
		if (m.stopped) {
			if (r.stopped_on != m.stopped_on)
				fail_msg("%s: stopped on %s, model %s",
					 case_text(&c), S(r.stopped_on),
					 S(m.stopped_on));
			continue;
		}
		if (r.due != m.due || r.tolled != m.tolled)
			fail_msg("%s: due %s tolled %d, model %s %d",
				 case_text(&c), S(r.due), r.tolled, S(m.due),
				 m.tolled);
		/* What follows from the due date. */
		assert_int_equal(r.overdue_from, r.due + 1);
		assert_int_equal(r.has_exhaustion, c.rule->exhaustion);
		if (c.rule->exhaustion)
			assert_int_equal(r.exhaustion, r.due + 1);
		assert_int_equal(r.has_limitations,
				 c.rule->exhaustion &&
					 c.rule->limitations_years > 0);
	}
}

/* The due date is a working day whenever the rule's last unit is
 * working days or it rolls forward. */
static void test_property_due_is_working_day(void **state)
{
	(void)state;
	rng_state = 0xBB67AE8584CAA73Bull;
	int checked = 0;
	for (int i = 0; i < 40000; i++) {
		struct rcase c;
		struct deadline_result r;
		gen_case(&c, true);
		if (compute(&c, &r) != WORKCAL_OK || r.state != DEADLINE_DUE)
			continue;
		const enum deadline_unit last =
			c.in.extension > 0 && c.rule->ext_unit != c.rule->unit
				? c.rule->ext_unit
				: c.rule->unit;
		if (last == DEADLINE_CALENDAR_DAYS && !c.rule->roll_forward)
			continue;
		bool w = false;
		assert_int_equal(workcal_is_working_day(cals[c.cal], r.due, &w),
				 WORKCAL_OK);
		if (!w || !n_working(&nv[c.cal], r.due))
			fail_msg("%s: due %s is not a working day",
				 case_text(&c), S(r.due));
		checked++;
	}
	assert_true(checked > 20000);
}

/*
 * Receipt moving forward never moves the due date backwards: every day of
 * the span, for every rule, both cut-off flags, on every calendar; then
 * with tolls and a misrouting date held fixed while receipt moves. Once
 * an open toll stops the clock, a later receipt cannot restart it.
 */
static void test_property_monotone_receipt(void **state)
{
	(void)state;
	for (int k = 0; k < NCAL; k++) {
		const struct naive *n = &nv[k];
		for (size_t ri = 0; ri < NRULES; ri++) {
			for (int cut = 0; cut < 2; cut++) {
				struct deadline_input in = {.after_cutoff =
								    cut != 0};
				int32_t prev = 0;
				for (int32_t d = n->lo + 1; d <= n->hi - 200;
				     d++) {
					struct deadline_result r;
					in.received = d;
					assert_int_equal(
						deadline_compute(
							cals[k], rules[ri], &in,
							&r, NULL, NULL, 0),
						WORKCAL_OK);
					if (r.due < prev)
						fail_msg("%s, rule '%s', "
							 "cut-off "
							 "%d: received %s due "
							 "%s, the day before "
							 "due %s",
							 cal_names[k],
							 rules[ri]->what, cut,
							 S(d), S(r.due),
							 S(prev));
					prev = r.due;
				}
			}
		}
	}

	rng_state = 0x3C6EF372FE94F82Bull;
	for (int i = 0; i < 3000; i++) {
		struct rcase c;
		gen_case(&c, true);
		const int32_t first = c.in.received;
		int32_t prev = 0;
		bool was_stopped = false;
		for (int32_t d = first - 40; d <= first + 40; d++) {
			struct deadline_result r;
			c.in.received = d;
			if (c.in.misrouted && c.in.first_received > d)
				continue;
			if (compute(&c, &r) != WORKCAL_OK)
				fail_msg("%s: error", case_text(&c));
			if (r.state == DEADLINE_STOPPED) {
				was_stopped = true;
				continue;
			}
			if (was_stopped)
				fail_msg("%s: due again after a stop",
					 case_text(&c));
			if (r.due < prev)
				fail_msg("%s: due %s, a day earlier %s",
					 case_text(&c), S(r.due), S(prev));
			prev = r.due;
		}
	}
}

/* Nor does a longer extension or a later answer to a toll. */
static void test_property_monotone_extension_and_answer(void **state)
{
	(void)state;
	rng_state = 0xA54FF53A5F1D36F1ull;
	for (int i = 0; i < 5000; i++) {
		struct rcase c;
		struct deadline_result r;
		gen_case(&c, false);
		const int cap = c.rule->ext_max < 0 ? 60 : c.rule->ext_max;
		int32_t prev = 0;
		for (int e = 0; e <= cap; e++) {
			c.in.extension = e;
			assert_int_equal(compute(&c, &r), WORKCAL_OK);
			const bool rolls =
				c.rule->roll_forward &&
				(c.rule->unit == DEADLINE_CALENDAR_DAYS ||
				 c.rule->ext_unit == DEADLINE_CALENDAR_DAYS);
			/* One more day of any unit is a later day, unless
			 * both land on the same roll-forward. */
			if (r.due < prev || (!rolls && e > 0 && r.due == prev))
				fail_msg("%s: extension %d gives %s, one less "
					 "%s",
					 case_text(&c), e, S(r.due), S(prev));
			prev = r.due;
		}
		if (c.in.n_tolls == 0)
			continue;
		c.in.extension = 0;
		prev = 0;
		const int32_t answered = c.tolls[0].answered;
		for (int32_t b = c.tolls[0].asked; b <= answered + 20; b++) {
			c.tolls[0].answered = b;
			assert_int_equal(compute(&c, &r), WORKCAL_OK);
			if (r.due < prev)
				fail_msg(
					"%s: due %s, answered a day earlier %s",
					case_text(&c), S(r.due), S(prev));
			prev = r.due;
		}
	}
}

/* Days of `unit` in (a, b] on the bitmap. */
static int naive_count(const struct naive *n, enum deadline_unit unit,
		       int32_t a, int32_t b)
{
	int k = 0;
	for (int32_t d = a + 1; d <= b; d++)
		k += unit == DEADLINE_CALENDAR_DAYS || n_working(n, d);
	return k;
}

/*
 * A toll adds exactly the days it covers: on one-unit rules without
 * roll-forward, the days from the start to the due date are the period
 * plus the days of the tolls inside it, no more, no less; and one toll
 * moves the due date by exactly the days it removes.
 */
static void test_property_toll_adds_covered_days(void **state)
{
	(void)state;
	rng_state = 0x510E527FADE682D1ull;
	int checked = 0, moved = 0;
	for (int i = 0; i < 40000; i++) {
		struct rcase c;
		struct deadline_result r, r0;
		gen_case(&c, false);
		const struct deadline_rule *rule = c.rule;
		const bool one_unit =
			c.in.extension == 0 || rule->ext_unit == rule->unit;
		if (!one_unit || (rule->unit == DEADLINE_CALENDAR_DAYS &&
				  rule->roll_forward))
			continue;
		if (compute(&c, &r) != WORKCAL_OK)
			continue;
		const struct naive *n = &nv[c.cal];
		const int32_t cur0 =
			rule->receipt_is_day1 ? r.start - 1 : r.start;
		/* The days covered: of the rule's unit, in (cur0, due], in
		 * any toll. */
		int covered = 0;
		for (int32_t d = cur0 + 1; d <= r.due; d++) {
			bool in_toll = false;
			for (size_t k = 0; k < c.in.n_tolls; k++)
				in_toll |= d > c.tolls[k].asked &&
					   d <= c.tolls[k].answered;
			covered += in_toll &&
				   (rule->unit == DEADLINE_CALENDAR_DAYS ||
				    n_working(n, d));
		}
		if (r.tolled != covered ||
		    naive_count(n, rule->unit, cur0, r.due) !=
			    r.period + covered)
			fail_msg("%s: due %s, tolled %d, covered %d",
				 case_text(&c), S(r.due), r.tolled, covered);
		checked++;

		/* One toll against none. */
		if (c.in.n_tolls == 0)
			continue;
		struct rcase one = c;
		one.in.n_tolls = 0;
		assert_int_equal(compute(&one, &r0), WORKCAL_OK);
		one.in.n_tolls = 1;
		one.in.tolls = one.tolls;
		assert_int_equal(compute(&one, &r), WORKCAL_OK);
		const struct deadline_toll *t = &one.tolls[0];
		const int32_t a = t->asked > cur0 ? t->asked : cur0;
		const int32_t b = t->answered > a ? t->answered : a;
		const int want = t->asked < r0.due
					 ? naive_count(n, rule->unit, a, b)
					 : 0;
		int32_t moved_to = r0.due;
		if (rule->unit == DEADLINE_WORKING_DAYS)
			assert_int_equal(workcal_add_working_days(cals[c.cal],
								  r0.due, want,
								  &moved_to),
					 WORKCAL_OK);
		else
			moved_to = r0.due + want;
		if (r.tolled != want || r.due != moved_to)
			fail_msg("%s: one toll: due %s tolled %d; without %s, "
				 "expected +%d = %s",
				 case_text(&one), S(r.due), r.tolled, S(r0.due),
				 want, S(moved_to));
		moved += want > 0;
	}
	assert_true(checked > 10000);
	assert_true(moved > 1000);
}

/*
 * The O(1) index against a walk over the list of days off, on every day
 * of every calendar's span: working or not, the running count, the next
 * and previous working day, the 20th working day after, and the refusals
 * at the edges.
 */
static void test_property_index_everywhere(void **state)
{
	(void)state;
	for (int k = 0; k < NCAL; k++) {
		const struct naive *n = &nv[k];
		const struct workcal *cal = cals[k];
		const size_t days = (size_t)(n->hi - n->lo + 1);
		int32_t *next = malloc(days * sizeof(*next));
		int32_t *prev = malloc(days * sizeof(*prev));
		assert_non_null(next);
		assert_non_null(prev);
		/* next[i]: first working day after lo + i, 0 if none. */
		int32_t after = 0;
		for (size_t i = days; i-- > 0;) {
			next[i] = after;
			if (n_working(n, n->lo + (int32_t)i))
				after = n->lo + (int32_t)i;
		}
		int32_t before = 0;
		int count = 0;
		for (size_t i = 0; i < days; i++) {
			const int32_t d = n->lo + (int32_t)i;
			prev[i] = before;
			if (n_working(n, d)) {
				before = d;
				count++;
			}
			bool w = false;
			int between = -1;
			int32_t out = 0;
			struct workcal_day info;
			assert_int_equal(workcal_is_working_day(cal, d, &w),
					 WORKCAL_OK);
			assert_int_equal(workcal_day_info(cal, d, &info),
					 WORKCAL_OK);
			assert_int_equal(workcal_working_days_between(
						 cal, n->lo, d, &between),
					 WORKCAL_OK);
			/* (lo, d]: lo itself is not counted. */
			const int want = count - n_working(n, n->lo);
			if (w != n_working(n, d) || info.working != w ||
			    between != want)
				fail_msg("%s %s: working %d between %d, walk "
					 "%d %d",
					 cal_names[k], S(d), w, between,
					 n_working(n, d), want);
			assert_int_equal(info.weekend,
					 (n->weekend >> civil_weekday(d)) & 1u);
			const int rc1 =
				workcal_add_working_days(cal, d, 1, &out);
			if (next[i] ? rc1 != WORKCAL_OK || out != next[i]
				    : rc1 != WORKCAL_ERANGE)
				fail_msg("%s %s +1: %d %s, walk %s",
					 cal_names[k], S(d), rc1, S(out),
					 S(next[i]));
			const int rc2 =
				workcal_add_working_days(cal, d, -1, &out);
			if (prev[i] ? rc2 != WORKCAL_OK || out != prev[i]
				    : rc2 != WORKCAL_ERANGE)
				fail_msg("%s %s -1: %d %s, walk %s",
					 cal_names[k], S(d), rc2, S(out),
					 S(prev[i]));
			assert_int_equal(workcal_next_working_day(cal, d, &out),
					 next[i] || w ? WORKCAL_OK
						      : WORKCAL_ERANGE);
			if (w)
				assert_int_equal(out, d);
			else if (next[i])
				assert_int_equal(out, next[i]);
		}
		/* The 20th working day after, by twenty hops. */
		for (size_t i = 0; i < days; i++) {
			int32_t d = n->lo + (int32_t)i, out = 0;
			int hops = 0;
			while (hops < 20 && next[d - n->lo]) {
				d = next[d - n->lo];
				hops++;
			}
			const int rc = workcal_add_working_days(
				cal, n->lo + (int32_t)i, 20, &out);
			if (hops == 20 ? rc != WORKCAL_OK || out != d
				       : rc != WORKCAL_ERANGE)
				fail_msg("%s %s +20: %d %s, walk %s",
					 cal_names[k], S(n->lo + (int32_t)i),
					 rc, S(out), S(d));
		}
		/* The edges. */
		int32_t out = 0;
		int between = 0;
		assert_int_equal(
			workcal_add_working_days(cal, n->lo - 1, 1, &out),
			WORKCAL_ERANGE);
		assert_int_equal(
			workcal_add_working_days(cal, n->hi + 1, -1, &out),
			WORKCAL_ERANGE);
		assert_int_equal(workcal_working_days_between(
					 cal, n->lo, n->hi + 1, &between),
				 WORKCAL_ERANGE);
		free(next);
		free(prev);
	}
}

/* deadline_add_years (every limitations date) against the plain civil
 * conversions, on every day of the years the wire accepts. */
static void test_property_add_years(void **state)
{
	(void)state;
	static const int years[] = {0, 1, 2, 3, 4, 6, 7, 10, 28, 99, 100, 299};
	for (int32_t d = civil_to_days(CIVIL_MIN_YEAR, 1, 1);
	     d <= civil_to_days(CIVIL_MAX_YEAR, 12, 31); d++) {
		int y, m, day;
		civil_from_days(d, &y, &m, &day);
		for (size_t k = 0; k < sizeof(years) / sizeof(years[0]); k++) {
			int32_t out = 0;
			const int rc = deadline_add_years(d, years[k], &out);
			if (y + years[k] > CIVIL_MAX_YEAR) {
				if (rc != WORKCAL_ERANGE)
					fail_msg("%s + %d years: %d", S(d),
						 years[k], rc);
				continue;
			}
			const int ty = y + years[k];
			const int td = day > civil_days_in_month(ty, m)
					       ? civil_days_in_month(ty, m)
					       : day;
			if (rc != WORKCAL_OK || out != civil_to_days(ty, m, td))
				fail_msg("%s + %d years: %d %s", S(d), years[k],
					 rc, S(out));
		}
	}
	int32_t out = 0;
	assert_int_equal(deadline_add_years(D("2025-03-01"), -1, &out),
			 WORKCAL_ERANGE);
}

/* ------------------------------------------------------------------ */
/* Errors name the date or rule at fault                                */
/* ------------------------------------------------------------------ */

static void test_errors_name_the_fault(void **state)
{
	(void)state;
	const struct workcal *cal = cals[FED];
	struct deadline_result r;
	char err[256];
	struct deadline_toll t = {.asked = D("2025-03-10"),
				  .answered = D("2025-03-12")};
	struct {
		struct deadline_input in;
		const struct deadline_rule *rule;
		int rc;
		const char *msg;
	} v[] = {
		{{.received = D("2025-03-03"),
		  .misrouted = true,
		  .first_received = D("1977-12-30")},
		 &deadline_federal_initial,
		 WORKCAL_ERANGE,
		 "first received date '1977-12-30' outside the calendar "
		 "(1978..2100)"},
		{{.received = D("2025-03-03"),
		  .agreed = true,
		  .agreed_due = D("2101-01-03")},
		 &deadline_federal_initial,
		 WORKCAL_ERANGE,
		 "agreed due date '2101-01-03' outside the calendar "
		 "(1978..2100)"},
		{{.received = D("2100-12-25")},
		 &r_calroll,
		 WORKCAL_ERANGE,
		 "the ten calendar days falls outside the calendar "
		 "(1978..2100)"},
		{{.received = D("2025-03-03"), .extension = 31},
		 &r_pa,
		 WORKCAL_EINVAL,
		 "extension of 31 calendar days exceeds the 30 allowed by "
		 "notice (longer only by an agreed date)"},
		{{.received = D("2025-03-03"), .tolls = &t, .n_tolls = 1},
		 &deadline_federal_initial,
		 WORKCAL_OK,
		 ""},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		assert_int_equal(deadline_compute(cal, v[i].rule, &v[i].in, &r,
						  NULL, err, sizeof(err)),
				 v[i].rc);
		assert_string_equal(err, v[i].msg);
	}
	/* The toll's dates, each in turn. */
	const struct deadline_input in = {
		.received = D("2025-03-03"), .tolls = &t, .n_tolls = 1};
	t.asked = D("1970-01-05");
	assert_int_equal(deadline_compute(cal, &deadline_federal_initial, &in,
					  &r, NULL, err, sizeof(err)),
			 WORKCAL_ERANGE);
	assert_string_equal(err, "toll asked date '1970-01-05' outside the "
				 "calendar (1978..2100)");
	t.asked = D("2025-03-10");
	t.kind = (enum deadline_toll_kind)7;
	assert_int_equal(deadline_compute(cal, &deadline_federal_initial, &in,
					  &r, NULL, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err, "unknown toll kind 7");
	/* A day number no date gives (fuzz_calc found civil_format's int32_t
	 * overflow on this path) is named as a number. */
	const struct deadline_input wild = {.received = INT32_MAX};
	assert_int_equal(deadline_compute(cal, &deadline_federal_initial, &wild,
					  &r, NULL, err, sizeof(err)),
			 WORKCAL_ERANGE);
	assert_string_equal(err, "received date 'day 2147483647' outside the "
				 "calendar (1978..2100)");
	/* A rule without a name is "the deadline". */
	struct deadline_rule anon = r_calroll;
	anon.what = NULL;
	const struct deadline_input late = {.received = D("2100-12-25")};
	assert_int_equal(
		deadline_compute(cal, &anon, &late, &r, NULL, err, sizeof(err)),
		WORKCAL_ERANGE);
	assert_string_equal(err, "the deadline falls outside the calendar "
				 "(1978..2100)");
	anon.days = -1;
	assert_int_equal(
		deadline_compute(cal, &anon, &late, &r, NULL, err, sizeof(err)),
		WORKCAL_EINVAL);
	assert_string_equal(err, "invalid deadline rule 'deadline'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opm_published_lists),
		cmocka_unit_test(test_rules_1990_2060),
		cmocka_unit_test(test_juneteenth_2021),
		cmocka_unit_test(test_year_boundaries),
		cmocka_unit_test(test_closures_on_off),
		cmocka_unit_test(test_property_model),
		cmocka_unit_test(test_property_due_is_working_day),
		cmocka_unit_test(test_property_monotone_receipt),
		cmocka_unit_test(test_property_monotone_extension_and_answer),
		cmocka_unit_test(test_property_toll_adds_covered_days),
		cmocka_unit_test(test_property_index_everywhere),
		cmocka_unit_test(test_property_add_years),
		cmocka_unit_test(test_errors_name_the_fault),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
