/*
 * workcal.c: working-day calendars (see workcal.h) and the built-in U.S.
 * federal calendar of 5 U.S.C. 6103.
 *
 * Building expands every rule over the span (plus two years either side, so
 * that a holiday shifted across New Year, such as Jan 1 on a Saturday
 * observed on Dec 31, lands where it belongs), sorts the days off, and
 * writes two arrays: cum[i], the number of working days in [lo, lo + i),
 * and wd[], the working days in order. "The n-th working day after d" is
 * then wd[cum[d - lo + 1] + n - 1], and "working days in (a, b]" is a
 * difference of two cum entries: both O(1), whatever n is. For the default
 * 1990..2100 span the two arrays take about 280 KiB.
 */
#include "workcal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"

struct workcal {
	int first_year, last_year;
	int32_t lo, hi; /* first and last day of the span */
	unsigned weekend;
	int32_t *cum; /* hi - lo + 2 entries */
	int32_t *wd;  /* nwd entries, ascending */
	int32_t nwd;
	struct workcal_holiday *hol; /* sorted by date, then spec order */
	size_t nhol;
	char *names; /* one block holding every name */
};

/* Offsets push a rule's date at most this far from its own year. */
#define MAX_OFFSET 366

/* Built-in tables: the only file-scope data, and const. */

static const struct workcal_rule federal_rules[] = {
	/* 5 U.S.C. 6103(a), in the statute's order. */
	{.name = "New Year's Day",
	 .kind = WORKCAL_FIXED,
	 .month = 1,
	 .day = 1,
	 .observe = WORKCAL_OBSERVE_FEDERAL},
	{.name = "Birthday of Martin Luther King, Jr.",
	 .kind = WORKCAL_NTH_WEEKDAY,
	 .month = 1,
	 .weekday = WORKCAL_MONDAY,
	 .nth = 3,
	 .first_year = 1986},
	{.name = "Washington's Birthday",
	 .kind = WORKCAL_NTH_WEEKDAY,
	 .month = 2,
	 .weekday = WORKCAL_MONDAY,
	 .nth = 3},
	{.name = "Memorial Day",
	 .kind = WORKCAL_LAST_WEEKDAY,
	 .month = 5,
	 .weekday = WORKCAL_MONDAY},
	{.name = "Juneteenth National Independence Day",
	 .kind = WORKCAL_FIXED,
	 .month = 6,
	 .day = 19,
	 .observe = WORKCAL_OBSERVE_FEDERAL,
	 .first_year = 2021},
	{.name = "Independence Day",
	 .kind = WORKCAL_FIXED,
	 .month = 7,
	 .day = 4,
	 .observe = WORKCAL_OBSERVE_FEDERAL},
	{.name = "Labor Day",
	 .kind = WORKCAL_NTH_WEEKDAY,
	 .month = 9,
	 .weekday = WORKCAL_MONDAY,
	 .nth = 1},
	{.name = "Columbus Day",
	 .kind = WORKCAL_NTH_WEEKDAY,
	 .month = 10,
	 .weekday = WORKCAL_MONDAY,
	 .nth = 2},
	{.name = "Veterans Day",
	 .kind = WORKCAL_FIXED,
	 .month = 11,
	 .day = 11,
	 .observe = WORKCAL_OBSERVE_FEDERAL},
	{.name = "Thanksgiving Day",
	 .kind = WORKCAL_NTH_WEEKDAY,
	 .month = 11,
	 .weekday = 3, /* Thursday */
	 .nth = 4},
	{.name = "Christmas Day",
	 .kind = WORKCAL_FIXED,
	 .month = 12,
	 .day = 25,
	 .observe = WORKCAL_OBSERVE_FEDERAL},
	/* 6103(c): DC area only, so it must stay last (see
	 * workcal_federal_rules). Jan 20 every fourth year from 1965; Monday
	 * Jan 21 when Jan 20 is a Sunday; no shift from a Saturday. */
	{.name = "Inauguration Day",
	 .kind = WORKCAL_FIXED,
	 .month = 1,
	 .day = 20,
	 .observe = WORKCAL_OBSERVE_SUNDAY_NEXT,
	 .first_year = 1965,
	 .every = 4},
};

#define FEDERAL_6103A_COUNT 11

/* deadline-rules.md section 2: offices closed by executive order. */
static const struct workcal_oneoff federal_closures[] = {
	{.date = 20081, /* 2024-12-24 */
	 .name = "Christmas Eve (executive-order closure)",
	 .closure = true},
	{.date = 20097, /* 2025-01-09 */
	 .name = "National day of mourning (E.O. 14133)",
	 .closure = true},
	{.date = 20446, /* 2025-12-24 */
	 .name = "Christmas Eve (executive-order closure)",
	 .closure = true},
	{.date = 20448, /* 2025-12-26 */
	 .name = "Day after Christmas (executive-order closure)",
	 .closure = true},
};

size_t workcal_federal_rules(bool dc_area, const struct workcal_rule **rules)
{
	*rules = federal_rules;
	return dc_area ? sizeof(federal_rules) / sizeof(federal_rules[0])
		       : FEDERAL_6103A_COUNT;
}

size_t workcal_federal_closures(const struct workcal_oneoff **days)
{
	*days = federal_closures;
	return sizeof(federal_closures) / sizeof(federal_closures[0]);
}

int workcal_federal_spec(struct workcal_spec *spec, bool closures, bool dc_area,
			 int first_year, int last_year)
{
	memset(spec, 0, sizeof(*spec));
	spec->weekend = WORKCAL_WEEKEND_DEFAULT;
	spec->n_rules = workcal_federal_rules(dc_area, &spec->rules);
	spec->n_oneoffs = workcal_federal_closures(&spec->oneoffs);
	spec->closures = closures;
	spec->first_year = first_year;
	spec->last_year = last_year;
	return first_year < WORKCAL_FEDERAL_MIN_YEAR ? WORKCAL_EINVAL
						     : WORKCAL_OK;
}

const char *workcal_strerror(int rc)
{
	switch (rc) {
	case WORKCAL_OK:
		return "success";
	case WORKCAL_ERANGE:
		return "date outside the calendar";
	case WORKCAL_EINVAL:
		return "invalid argument";
	case WORKCAL_ENOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}

__attribute__((format(printf, 3, 4))) static void seterr(char *err, size_t len,
							 const char *fmt, ...)
{
	if (err == NULL || len == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

int32_t workcal_easter(int y)
{
	/* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	const int a = y % 19, b = y / 100, c = y % 100;
	const int d = b / 4, e = b % 4, f = (b + 8) / 25;
	const int g = (b - f + 1) / 3;
	const int h = (19 * a + b - d - g + 15) % 30;
	const int i = c / 4, k = c % 4;
	const int l = (32 + 2 * e + 2 * i - h - k) % 7;
	const int m = (a + 11 * h + 22 * l) / 451;
	const int month = (h + l - 7 * m + 114) / 31;
	const int day = (h + l - 7 * m + 114) % 31 + 1;
	return civil_to_days(y, month, day);
}

static bool rule_applies(const struct workcal_rule *r, int y)
{
	if (r->first_year != 0 && y < r->first_year)
		return false;
	if (r->last_year != 0 && y > r->last_year)
		return false;
	if (r->every > 1 && (y - r->first_year) % r->every != 0)
		return false;
	return true;
}

/* The rule's date in year y before the observance shift; false if the
 * rule gives no date that year. */
static bool rule_nominal(const struct workcal_rule *r, int y, int32_t *out)
{
	int32_t d;
	int dim;

	if (!rule_applies(r, y))
		return false;
	switch (r->kind) {
	case WORKCAL_FIXED:
		if (r->day > civil_days_in_month(y, r->month))
			return false; /* Feb 29 outside a leap year */
		d = civil_to_days(y, r->month, r->day);
		break;
	case WORKCAL_NTH_WEEKDAY: {
		const int32_t first = civil_to_days(y, r->month, 1);
		const int delta = (r->weekday - civil_weekday(first) + 7) % 7;
		const int dom = 1 + delta + 7 * (r->nth - 1);
		if (dom > civil_days_in_month(y, r->month))
			return false; /* no fifth such weekday */
		d = first + dom - 1;
		break;
	}
	case WORKCAL_LAST_WEEKDAY: {
		dim = civil_days_in_month(y, r->month);
		const int32_t last = civil_to_days(y, r->month, dim);
		d = last - (civil_weekday(last) - r->weekday + 7) % 7;
		break;
	}
	case WORKCAL_EASTER:
		d = workcal_easter(y);
		break;
	default:
		return false;
	}
	*out = d + r->offset;
	return true;
}

static int32_t observe(enum workcal_observe how, int32_t d)
{
	const int w = civil_weekday(d);
	switch (how) {
	case WORKCAL_OBSERVE_FEDERAL:
		if (w == WORKCAL_SATURDAY)
			return d - 1;
		if (w == WORKCAL_SUNDAY)
			return d + 1;
		return d;
	case WORKCAL_OBSERVE_NEXT_MONDAY:
		if (w == WORKCAL_SATURDAY)
			return d + 2;
		if (w == WORKCAL_SUNDAY)
			return d + 1;
		return d;
	case WORKCAL_OBSERVE_SUNDAY_NEXT:
		return w == WORKCAL_SUNDAY ? d + 1 : d;
	case WORKCAL_OBSERVE_NONE:
	default:
		return d;
	}
}

static bool check_name(const char *what, size_t i, const char *name, char *err,
		       size_t errlen)
{
	if (name == NULL || name[0] == '\0') {
		seterr(err, errlen, "%s #%zu has no name", what, i + 1);
		return false;
	}
	if (strlen(name) > WORKCAL_MAX_NAME) {
		seterr(err, errlen,
		       "%s '%.40s...' has a name longer than %d bytes", what,
		       name, WORKCAL_MAX_NAME);
		return false;
	}
	return true;
}

static bool check_rule(const struct workcal_rule *r, size_t i, char *err,
		       size_t errlen)
{
	if (!check_name("holiday rule", i, r->name, err, errlen))
		return false;
	const char *n = r->name;
	if (r->kind != WORKCAL_FIXED && r->kind != WORKCAL_NTH_WEEKDAY &&
	    r->kind != WORKCAL_LAST_WEEKDAY && r->kind != WORKCAL_EASTER) {
		seterr(err, errlen, "holiday rule '%s': unknown kind %d", n,
		       (int)r->kind);
		return false;
	}
	if (r->kind != WORKCAL_EASTER && (r->month < 1 || r->month > 12)) {
		seterr(err, errlen, "holiday rule '%s': month %d out of range",
		       n, r->month);
		return false;
	}
	/* 2000 is a leap year, so Feb 29 passes here and is skipped in
	 * other years. */
	if (r->kind == WORKCAL_FIXED &&
	    (r->day < 1 || r->day > civil_days_in_month(2000, r->month))) {
		seterr(err, errlen, "holiday rule '%s': day %d out of range", n,
		       r->day);
		return false;
	}
	if ((r->kind == WORKCAL_NTH_WEEKDAY ||
	     r->kind == WORKCAL_LAST_WEEKDAY) &&
	    (r->weekday < 0 || r->weekday > 6)) {
		seterr(err, errlen,
		       "holiday rule '%s': weekday %d out of range (0 = "
		       "Monday .. 6 = Sunday)",
		       n, r->weekday);
		return false;
	}
	if (r->kind == WORKCAL_NTH_WEEKDAY && (r->nth < 1 || r->nth > 5)) {
		seterr(err, errlen, "holiday rule '%s': nth %d out of range", n,
		       r->nth);
		return false;
	}
	if (r->offset < -MAX_OFFSET || r->offset > MAX_OFFSET) {
		seterr(err, errlen, "holiday rule '%s': offset %d out of range",
		       n, r->offset);
		return false;
	}
	if (r->observe != WORKCAL_OBSERVE_NONE &&
	    r->observe != WORKCAL_OBSERVE_FEDERAL &&
	    r->observe != WORKCAL_OBSERVE_NEXT_MONDAY &&
	    r->observe != WORKCAL_OBSERVE_SUNDAY_NEXT) {
		seterr(err, errlen, "holiday rule '%s': unknown observance %d",
		       n, (int)r->observe);
		return false;
	}
	if (r->first_year < 0 || r->last_year < 0 ||
	    (r->first_year != 0 && r->last_year != 0 &&
	     r->first_year > r->last_year)) {
		seterr(err, errlen,
		       "holiday rule '%s': years %d..%d make no sense", n,
		       r->first_year, r->last_year);
		return false;
	}
	if (r->every < 0 || (r->every > 1 && r->first_year == 0)) {
		seterr(err, errlen,
		       "holiday rule '%s': every %d needs a first year", n,
		       r->every);
		return false;
	}
	return true;
}

/* Building block: a day off with the position of its source in the spec,
 * so that sorting keeps rules before one-offs on a shared date. */
struct pending {
	struct workcal_holiday h;
	size_t seq;
};

static int cmp_pending(const void *pa, const void *pb)
{
	const struct pending *a = pa, *b = pb;
	if (a->h.date != b->h.date)
		return a->h.date < b->h.date ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	/* Same source twice on one date cannot happen for a rule (one date a
	 * year, years apart); keep qsort's order total anyway. */
	return (a->h.nominal > b->h.nominal) - (a->h.nominal < b->h.nominal);
}

static bool check_spec(const struct workcal_spec *spec, char *err,
		       size_t errlen)
{
	if (spec->first_year < CIVIL_MIN_YEAR ||
	    spec->last_year > CIVIL_MAX_YEAR ||
	    spec->first_year > spec->last_year) {
		seterr(err, errlen,
		       "invalid calendar span %d..%d (years %d..%d allowed)",
		       spec->first_year, spec->last_year, CIVIL_MIN_YEAR,
		       CIVIL_MAX_YEAR);
		return false;
	}
	if ((spec->weekend & ~0x7Fu) != 0 || (spec->weekend & 0x7Fu) == 0x7Fu) {
		seterr(err, errlen, "invalid weekend mask 0x%x", spec->weekend);
		return false;
	}
	if ((spec->n_rules > 0 && spec->rules == NULL) ||
	    (spec->n_oneoffs > 0 && spec->oneoffs == NULL)) {
		seterr(err, errlen, "calendar tables missing");
		return false;
	}
	for (size_t i = 0; i < spec->n_rules; i++)
		if (!check_rule(&spec->rules[i], i, err, errlen))
			return false;
	for (size_t i = 0; i < spec->n_oneoffs; i++)
		if (!check_name("day off", i, spec->oneoffs[i].name, err,
				errlen))
			return false;
	return true;
}

/* Copy the names into one block; names[i] gets rule i's copy, then the
 * one-offs'. */
static char *copy_names(const struct workcal_spec *spec, const char **names)
{
	size_t total = 0, n = spec->n_rules + spec->n_oneoffs;
	for (size_t i = 0; i < n; i++) {
		const char *s = i < spec->n_rules
					? spec->rules[i].name
					: spec->oneoffs[i - spec->n_rules].name;
		total += strlen(s) + 1;
	}
	char *block = malloc(total ? total : 1);
	if (block == NULL)
		return NULL;
	char *p = block;
	for (size_t i = 0; i < n; i++) {
		const char *s = i < spec->n_rules
					? spec->rules[i].name
					: spec->oneoffs[i - spec->n_rules].name;
		size_t len = strlen(s) + 1;
		memcpy(p, s, len);
		names[i] = p;
		p += len;
	}
	return block;
}

/* Expand rules and one-offs into pend[]; returns the count. */
static size_t expand(const struct workcal_spec *spec, const struct workcal *c,
		     const char **names, struct pending *pend)
{
	size_t np = 0;
	for (size_t i = 0; i < spec->n_rules; i++) {
		const struct workcal_rule *r = &spec->rules[i];
		/* Two years either side: offsets of up to a year plus an
		 * observance shift can carry a date across New Year. */
		for (int y = c->first_year - 2; y <= c->last_year + 2; y++) {
			int32_t nominal;
			if (!rule_nominal(r, y, &nominal))
				continue;
			const int32_t d = observe(r->observe, nominal);
			if (d < c->lo || d > c->hi)
				continue;
			pend[np++] = (struct pending){
				.h = {.date = d,
				      .nominal = nominal,
				      .name = names[i],
				      .observed = d != nominal},
				.seq = i};
		}
	}
	for (size_t k = 0; k < spec->n_oneoffs; k++) {
		const struct workcal_oneoff *o = &spec->oneoffs[k];
		if (o->closure && !spec->closures)
			continue;
		if (o->date < c->lo || o->date > c->hi)
			continue;
		pend[np++] =
			(struct pending){.h = {.date = o->date,
					       .nominal = o->date,
					       .name = names[spec->n_rules + k],
					       .closure = o->closure},
					 .seq = spec->n_rules + k};
	}
	return np;
}

/* Fill cum[] and wd[] from the sorted days off. */
static int index_days(struct workcal *c)
{
	const size_t ndays = (size_t)(c->hi - c->lo) + 1;
	size_t p = 0;

	c->cum = malloc((ndays + 1) * sizeof(*c->cum));
	if (c->cum == NULL)
		return WORKCAL_ENOMEM;
	c->cum[0] = 0;
	for (size_t i = 0; i < ndays; i++) {
		const int32_t day = c->lo + (int32_t)i;
		bool off =
			(c->weekend & WORKCAL_DAYBIT(civil_weekday(day))) != 0;
		while (p < c->nhol && c->hol[p].date < day)
			p++;
		if (p < c->nhol && c->hol[p].date == day)
			off = true;
		c->cum[i + 1] = c->cum[i] + (off ? 0 : 1);
	}
	c->nwd = c->cum[ndays];
	c->wd = malloc((c->nwd ? (size_t)c->nwd : 1) * sizeof(*c->wd));
	if (c->wd == NULL)
		return WORKCAL_ENOMEM;
	for (size_t i = 0; i < ndays; i++)
		if (c->cum[i + 1] != c->cum[i])
			c->wd[c->cum[i]] = c->lo + (int32_t)i;
	return WORKCAL_OK;
}

int workcal_new(const struct workcal_spec *spec, struct workcal **out,
		char *err, size_t errlen)
{
	struct workcal *c = NULL;
	struct pending *pend = NULL;
	const char **names = NULL;
	int rc = WORKCAL_ENOMEM;

	if (out == NULL)
		return WORKCAL_EINVAL;
	*out = NULL;
	if (spec == NULL) {
		seterr(err, errlen, "no calendar spec");
		return WORKCAL_EINVAL;
	}
	if (!check_spec(spec, err, errlen))
		return WORKCAL_EINVAL;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto fail;
	c->first_year = spec->first_year;
	c->last_year = spec->last_year;
	c->lo = civil_to_days(spec->first_year, 1, 1);
	c->hi = civil_to_days(spec->last_year, 12, 31);
	c->weekend = spec->weekend;

	const size_t nsrc = spec->n_rules + spec->n_oneoffs;
	names = calloc(nsrc ? nsrc : 1, sizeof(*names));
	if (names == NULL)
		goto fail;
	c->names = copy_names(spec, names);
	if (c->names == NULL)
		goto fail;

	const size_t years = (size_t)(c->last_year - c->first_year) + 5;
	const size_t cap = spec->n_rules * years + spec->n_oneoffs;
	pend = malloc((cap ? cap : 1) * sizeof(*pend));
	if (pend == NULL)
		goto fail;
	const size_t np = expand(spec, c, names, pend);
	qsort(pend, np, sizeof(*pend), cmp_pending);

	c->hol = malloc((np ? np : 1) * sizeof(*c->hol));
	if (c->hol == NULL)
		goto fail;
	for (size_t i = 0; i < np; i++)
		c->hol[i] = pend[i].h;
	c->nhol = np;

	rc = index_days(c);
	if (rc != WORKCAL_OK)
		goto fail;
	free(pend);
	free(names);
	*out = c;
	return WORKCAL_OK;
fail:
	seterr(err, errlen, "out of memory building the calendar");
	free(pend);
	free(names);
	workcal_free(c);
	return rc;
}

void workcal_free(struct workcal *cal)
{
	if (cal == NULL)
		return;
	free(cal->cum);
	free(cal->wd);
	free(cal->hol);
	free(cal->names);
	free(cal);
}

int32_t workcal_first_day(const struct workcal *cal)
{
	return cal->lo;
}

int32_t workcal_last_day(const struct workcal *cal)
{
	return cal->hi;
}

int workcal_first_year(const struct workcal *cal)
{
	return cal->first_year;
}

int workcal_last_year(const struct workcal *cal)
{
	return cal->last_year;
}

bool workcal_in_span(const struct workcal *cal, int32_t d)
{
	return cal != NULL && d >= cal->lo && d <= cal->hi;
}

/* Working days in [lo, d]; d in the span. */
static int32_t upto(const struct workcal *cal, int32_t d)
{
	return cal->cum[d - cal->lo + 1];
}

/* Index of the first day off dated on or after d. */
static size_t lower_bound(const struct workcal *cal, int32_t d)
{
	size_t lo = 0, hi = cal->nhol;
	while (lo < hi) {
		const size_t mid = lo + (hi - lo) / 2;
		if (cal->hol[mid].date < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int workcal_day_info(const struct workcal *cal, int32_t d,
		     struct workcal_day *out)
{
	if (!workcal_in_span(cal, d) || out == NULL)
		return cal == NULL || out == NULL ? WORKCAL_EINVAL
						  : WORKCAL_ERANGE;
	const size_t i = (size_t)(d - cal->lo);
	const size_t k = lower_bound(cal, d);
	out->working = cal->cum[i + 1] != cal->cum[i];
	out->weekend = (cal->weekend & WORKCAL_DAYBIT(civil_weekday(d))) != 0;
	out->holiday =
		k < cal->nhol && cal->hol[k].date == d ? &cal->hol[k] : NULL;
	return WORKCAL_OK;
}

int workcal_is_working_day(const struct workcal *cal, int32_t d, bool *working)
{
	if (cal == NULL || working == NULL)
		return WORKCAL_EINVAL;
	if (!workcal_in_span(cal, d))
		return WORKCAL_ERANGE;
	const size_t i = (size_t)(d - cal->lo);
	*working = cal->cum[i + 1] != cal->cum[i];
	return WORKCAL_OK;
}

const char *workcal_holiday_name(const struct workcal *cal, int32_t d)
{
	struct workcal_day info;
	if (workcal_day_info(cal, d, &info) != WORKCAL_OK ||
	    info.holiday == NULL)
		return NULL;
	return info.holiday->name;
}

int workcal_add_working_days(const struct workcal *cal, int32_t d, int n,
			     int32_t *out)
{
	if (cal == NULL || out == NULL)
		return WORKCAL_EINVAL;
	if (!workcal_in_span(cal, d))
		return WORKCAL_ERANGE;
	if (n == 0) {
		*out = d;
		return WORKCAL_OK;
	}
	/* Working days <= d are wd[0 .. upto(d) - 1]; those < d end one
	 * earlier when d itself is one. int64_t: n may be near INT_MAX. */
	const size_t i = (size_t)(d - cal->lo);
	const int64_t idx = n > 0 ? (int64_t)cal->cum[i + 1] + n - 1
				  : (int64_t)cal->cum[i] + n;
	if (idx < 0 || idx >= cal->nwd)
		return WORKCAL_ERANGE;
	*out = cal->wd[idx];
	return WORKCAL_OK;
}

int workcal_working_days_between(const struct workcal *cal, int32_t a,
				 int32_t b, int *out)
{
	if (cal == NULL || out == NULL)
		return WORKCAL_EINVAL;
	if (!workcal_in_span(cal, a) || !workcal_in_span(cal, b))
		return WORKCAL_ERANGE;
	*out = (int)(upto(cal, b) - upto(cal, a));
	return WORKCAL_OK;
}

int workcal_next_working_day(const struct workcal *cal, int32_t d, int32_t *out)
{
	bool working;
	int rc = workcal_is_working_day(cal, d, &working);
	if (rc != WORKCAL_OK || out == NULL)
		return rc != WORKCAL_OK ? rc : WORKCAL_EINVAL;
	if (working) {
		*out = d;
		return WORKCAL_OK;
	}
	return workcal_add_working_days(cal, d, 1, out);
}

int workcal_range_holidays(const struct workcal *cal, int32_t from, int32_t to,
			   struct workcal_iter *it)
{
	if (cal == NULL || it == NULL)
		return WORKCAL_EINVAL;
	if (!workcal_in_span(cal, from) || !workcal_in_span(cal, to))
		return WORKCAL_ERANGE;
	it->cal = cal;
	it->pos = lower_bound(cal, from);
	it->end = to < from ? it->pos : lower_bound(cal, to + 1);
	return WORKCAL_OK;
}

int workcal_year_holidays(const struct workcal *cal, int year,
			  struct workcal_iter *it)
{
	if (cal == NULL || it == NULL)
		return WORKCAL_EINVAL;
	if (year < cal->first_year || year > cal->last_year)
		return WORKCAL_ERANGE;
	return workcal_range_holidays(cal, civil_to_days(year, 1, 1),
				      civil_to_days(year, 12, 31), it);
}

const struct workcal_holiday *workcal_iter_next(struct workcal_iter *it)
{
	if (it == NULL || it->cal == NULL || it->pos >= it->end)
		return NULL;
	return &it->cal->hol[it->pos++];
}
