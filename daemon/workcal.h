/*
 * workcal.h: working-day calendars, the ground the deadline engine stands on.
 *
 * A calendar says which civil days (day numbers, include/foia/civil.h) are
 * working days: not a weekend day (a configurable weekday mask, Saturday and
 * Sunday by default), not a holiday given by a rule (fixed date, n-th or last
 * weekday of a month, Easter-relative), and not a one-off day off (a closure
 * by executive order, a date a user added or imported). Rules know the
 * observance shifts of 5 U.S.C. 6103(b) and their first and last valid
 * years; see docs/deadline-rules.md section 2.
 *
 * A calendar is built once, from caller-supplied tables, over a span of
 * whole years, and indexed there: a prefix count of working days and the
 * list of working days, so that counting working days is O(1), never a
 * day-by-day walk. Every date outside the span is refused with
 * WORKCAL_ERANGE, never guessed. The code is pure: no I/O, no globals other
 * than the const built-in tables. A built calendar is immutable, so one may
 * be shared by any number of readers.
 *
 * Typical use:
 *
 *	struct workcal_spec spec;
 *	struct workcal *cal;
 *	char err[128];
 *	workcal_federal_spec(&spec, true, false, 1990, 2100);
 *	if (workcal_new(&spec, &cal, err, sizeof(err)) != WORKCAL_OK)
 *		... report err ...
 *	int32_t due;
 *	workcal_add_working_days(cal, received, 20, &due);
 *	workcal_free(cal);
 */
#ifndef FOIAD_WORKCAL_H
#define FOIAD_WORKCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct workcal;

enum workcal_rc {
	WORKCAL_OK = 0,
	WORKCAL_ERANGE, /* a date, or the result, is outside the span */
	WORKCAL_EINVAL, /* a bad argument or rule; the message says which */
	WORKCAL_ENOMEM, /* out of memory while building */
};

/* Fixed English text for a return code ("date outside the calendar"). */
const char *workcal_strerror(int rc);

/* Weekday numbers are civil_weekday()'s: 0 = Monday ... 6 = Sunday. */
#define WORKCAL_MONDAY	  0
#define WORKCAL_SATURDAY  5
#define WORKCAL_SUNDAY	  6
#define WORKCAL_DAYBIT(w) (1u << (w))
#define WORKCAL_WEEKEND_DEFAULT                                                \
	(WORKCAL_DAYBIT(WORKCAL_SATURDAY) | WORKCAL_DAYBIT(WORKCAL_SUNDAY))

/* Longest rule or one-off name, in bytes: names end up in one-line
 * explanations. */
#define WORKCAL_MAX_NAME 200

enum workcal_kind {
	WORKCAL_FIXED,	      /* month/day every year */
	WORKCAL_NTH_WEEKDAY,  /* nth (1..5) weekday of month */
	WORKCAL_LAST_WEEKDAY, /* last weekday of month */
	WORKCAL_EASTER,	      /* Easter Sunday (Gregorian computus) */
};

/*
 * What happens when a rule's date falls on a Saturday or Sunday (the days
 * themselves, whatever the weekend mask says: that is how 6103(b) and E.O.
 * 11582 put it).
 */
enum workcal_observe {
	WORKCAL_OBSERVE_NONE,	     /* stays where it falls */
	WORKCAL_OBSERVE_FEDERAL,     /* Saturday -> Friday before,
					Sunday -> Monday after */
	WORKCAL_OBSERVE_NEXT_MONDAY, /* Saturday or Sunday -> Monday after */
	WORKCAL_OBSERVE_SUNDAY_NEXT, /* Sunday -> Monday after; Saturday stays
					(Inauguration Day, 6103(c)) */
};

/*
 * One holiday rule. The rule's date in year Y is computed from kind, then
 * `offset` days are added (Good Friday is WORKCAL_EASTER with offset -2; a
 * "day after Thanksgiving" is the 4th Thursday with offset 1), then the
 * observance shift. The rule applies to Y when first_year <= Y <= last_year
 * (0 = unbounded) and, if every > 1, (Y - first_year) % every == 0. Y is the
 * rule's own year, before shifting: New Year's Day 2022 (a Saturday) is
 * observed on 2021-12-31 and needs the rule valid in 2022.
 */
struct workcal_rule {
	const char *name; /* "Independence Day"; copied by workcal_new */
	enum workcal_kind kind;
	int month;   /* 1..12; unused for WORKCAL_EASTER */
	int day;     /* WORKCAL_FIXED: 1..31 (Feb 29 only in leap years) */
	int weekday; /* NTH/LAST: 0 = Monday ... 6 = Sunday */
	int nth;     /* NTH: 1..5; a missing 5th weekday means no holiday */
	int offset;  /* days added to the computed date, -366..366 */
	enum workcal_observe observe;
	int first_year; /* 0 = since always */
	int last_year;	/* 0 = still in force */
	int every; /* 0 or 1 = every year; 4 = every fourth from first_year */
};

/*
 * One single day off. `closure` marks the executive-order kind of closure
 * (deadline-rules.md section 2): those are dropped as a group when the
 * spec's `closures` is false. Other one-offs (dates a user added, a holiday
 * calendar imported from iCalendar) always apply. Dates outside the span
 * are ignored.
 */
struct workcal_oneoff {
	int32_t date;
	const char *name; /* copied by workcal_new */
	bool closure;
};

struct workcal_spec {
	unsigned weekend; /* WORKCAL_DAYBIT mask; not all seven days */
	const struct workcal_rule *rules;
	size_t n_rules;
	const struct workcal_oneoff *oneoffs;
	size_t n_oneoffs;
	bool closures;	/* honour one-offs marked closure */
	int first_year; /* span of the index, whole years, inclusive */
	int last_year;
};

/*
 * Build a calendar. On success *out owns its own copy of every name, so the
 * spec's tables may be freed. On failure *out is NULL, and err (if not NULL)
 * holds a message such as "holiday rule 'Foo': month 13 out of range".
 * Returns WORKCAL_OK, WORKCAL_EINVAL or WORKCAL_ENOMEM.
 */
int workcal_new(const struct workcal_spec *spec, struct workcal **out,
		char *err, size_t errlen);
void workcal_free(struct workcal *cal);

/* The span: first and last day number, first and last year. */
int32_t workcal_first_day(const struct workcal *cal);
int32_t workcal_last_day(const struct workcal *cal);
int workcal_first_year(const struct workcal *cal);
int workcal_last_year(const struct workcal *cal);
bool workcal_in_span(const struct workcal *cal, int32_t d);

/*
 * A day off given by a rule or a one-off. A holiday whose rule puts it on a
 * weekend day and does not shift it is recorded on that weekend day.
 */
struct workcal_holiday {
	int32_t date;	  /* the day off */
	int32_t nominal;  /* the rule's date before any observance shift */
	const char *name; /* owned by the calendar */
	bool closure;	  /* a one-off closure rather than a holiday */
	bool observed;	  /* date != nominal: "(observed)" */
};

struct workcal_day {
	bool working;
	bool weekend; /* its weekday is in the weekend mask */
	/* The first day off recorded on this date, or NULL. When several fall
	 * on one date (Inauguration Day on MLK Day 2025), rules come first in
	 * spec order, then one-offs. */
	const struct workcal_holiday *holiday;
};

/* Everything about one day. WORKCAL_ERANGE outside the span. */
int workcal_day_info(const struct workcal *cal, int32_t d,
		     struct workcal_day *out);

/* *working = whether d is a working day. WORKCAL_ERANGE outside the span. */
int workcal_is_working_day(const struct workcal *cal, int32_t d, bool *working);

/*
 * Name of the holiday or closure on d; NULL for a working day, a plain
 * weekend day, or a day outside the span (use workcal_day_info to tell).
 */
const char *workcal_holiday_name(const struct workcal *cal, int32_t d);

/*
 * *out = the n-th working day strictly after d (n > 0), the |n|-th working
 * day strictly before d (n < 0), or d itself (n == 0). O(1). WORKCAL_ERANGE
 * when d or the result is outside the span.
 */
int workcal_add_working_days(const struct workcal *cal, int32_t d, int n,
			     int32_t *out);

/*
 * *out = the number of working days w with a < w <= b; negative (minus the
 * count of b < w <= a) when b < a. O(1). The inverse of
 * workcal_add_working_days: between(d, add(d, n)) == n for n >= 0.
 * WORKCAL_ERANGE when a or b is outside the span.
 */
int workcal_working_days_between(const struct workcal *cal, int32_t a,
				 int32_t b, int *out);

/* *out = d if it is a working day, else the next working day after d. */
int workcal_next_working_day(const struct workcal *cal, int32_t d,
			     int32_t *out);

/*
 * Iterate over the days off recorded between two dates, or in one year (by
 * the date observed: New Year's Day 2022 observed 2021-12-31 belongs to
 * 2021), in date order. Two entries may share a date. The iterator borrows
 * the calendar.
 *
 *	struct workcal_iter it;
 *	const struct workcal_holiday *h;
 *	if (workcal_year_holidays(cal, 2025, &it) == WORKCAL_OK)
 *		while ((h = workcal_iter_next(&it)) != NULL)
 *			...
 */
struct workcal_iter {
	const struct workcal *cal;
	size_t pos, end;
};

/* Days off with from <= date <= to. Both must be in the span. */
int workcal_range_holidays(const struct workcal *cal, int32_t from, int32_t to,
			   struct workcal_iter *it);
int workcal_year_holidays(const struct workcal *cal, int year,
			  struct workcal_iter *it);
const struct workcal_holiday *workcal_iter_next(struct workcal_iter *it);

/*
 * The built-in U.S. federal calendar, 5 U.S.C. 6103 exactly as
 * deadline-rules.md section 2 lists it, with the executive-order closures
 * it lists. The rules describe 6103 as it has stood since 1978 (Veterans
 * Day back on Nov 11; the Monday holidays of 1971), so spans starting
 * earlier are refused.
 */
#define WORKCAL_FEDERAL_MIN_YEAR 1978

/* The eleven 6103(a) holidays, plus Inauguration Day (6103(c)) when
 * dc_area. Returns the count; *rules points to a const table. */
size_t workcal_federal_rules(bool dc_area, const struct workcal_rule **rules);
/* The executive-order closures (all marked closure). */
size_t workcal_federal_closures(const struct workcal_oneoff **days);

/*
 * Fill spec with the federal calendar: default weekend, the rules above,
 * the closures honoured when `closures`. WORKCAL_EINVAL if first_year is
 * before WORKCAL_FEDERAL_MIN_YEAR (other span checks happen in
 * workcal_new).
 */
int workcal_federal_spec(struct workcal_spec *spec, bool closures, bool dc_area,
			 int first_year, int last_year);

/* Easter Sunday of year y (Gregorian, anonymous computus) as a day number. */
int32_t workcal_easter(int y);

#endif
