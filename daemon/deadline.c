/*
 * deadline.c: the deadline engine (see deadline.h): due dates, tolls,
 * extensions, overdue, constructive exhaustion and limitations, each with
 * the steps that explain it.
 *
 * Counting is done in phases of one unit each: the period (plus an
 * extension in the same unit), then an extension in another unit if the
 * rule has one (Pennsylvania: 5 working days, +30 calendar days). Within a
 * phase the clock moves from `cur` to the next toll, never day by day:
 * every count is a pair of O(1) calendar look-ups, so the cost is
 * O(tolls^2 + days off listed), whatever the period.
 */
#include "deadline.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "foia/civil.h"

const struct deadline_rule deadline_federal_initial = {
	.what = "initial determination",
	.unit = DEADLINE_WORKING_DAYS,
	.days = 20,	    /* 552(a)(6)(A)(i) */
	.misroute_cap = 10, /* 552(a)(6)(A)(ii); OIP: working days */
	.ext_unit = DEADLINE_WORKING_DAYS,
	.ext_max = 10,		/* 552(a)(6)(B)(i) */
	.one_info_toll = true,	/* 552(a)(6)(A)(ii)(I) */
	.exhaustion = true,	/* 552(a)(6)(C)(i) */
	.limitations_years = 6, /* 28 U.S.C. 2401(a) */
};

const struct deadline_rule deadline_federal_appeal = {
	.what = "appeal decision",
	.unit = DEADLINE_WORKING_DAYS,
	.days = 20,
	.ext_unit = DEADLINE_WORKING_DAYS,
	.ext_max = 10,
	.exhaustion = true,
	.limitations_years = 6,
};

const struct deadline_rule deadline_federal_expedited = {
	.what = "expedited processing decision",
	.unit = DEADLINE_CALENDAR_DAYS,
	.days = 10, /* 552(a)(6)(E)(ii)(I) */
	.ext_unit = DEADLINE_CALENDAR_DAYS,
	.ext_max = 0,
};

const struct deadline_rule deadline_federal_appeal_window = {
	.what = "time to appeal",
	.unit = DEADLINE_CALENDAR_DAYS,
	.days = 90, /* 28 CFR 16.8(a) */
	.ext_unit = DEADLINE_CALENDAR_DAYS,
	.ext_max = 0,
};

static const char note_after_due[] =
	"began on or after the due date, so it does not move it";
static const char note_absorbed[] =
	"lies within an earlier toll or before the clock started";
static const char note_in_open[] = "falls within the open toll";
static const char note_info_once[] =
	"more than one information toll recorded; the law allows one "
	"(all are counted as recorded)";

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

const char *deadline_unit_name(enum deadline_unit u, int n)
{
	if (u == DEADLINE_CALENDAR_DAYS)
		return n == 1 ? "calendar day" : "calendar days";
	return n == 1 ? "working day" : "working days";
}

int32_t deadline_overdue_from(int32_t due)
{
	return due + 1;
}

bool deadline_is_overdue(int32_t due, int32_t today)
{
	return today > due;
}

/* Days from 0000-03-01 to March 1 of March-based year y (y >= 0). */
static int64_t march_year_start(int64_t y)
{
	return 365 * y + y / 4 - y / 100 + y / 400;
}

int deadline_add_years(int32_t d, int years, int32_t *out)
{
	/*
	 * Every deadline computed ends here (limitations), so this avoids a
	 * full civil_from_days and civil_to_days. In a year that starts on
	 * March 1 (Neri and Schneider's "computational calendar"), a month
	 * and day always fall on the same day of the year, Feb 29 being its
	 * last: adding years keeps that day of the year, and only Feb 29
	 * needs clamping. The year and day of the year come from z, days
	 * since 0000-03-01, with one division by a constant.
	 */
	const int64_t z = (int64_t)d + 719468;
	if (z < 0) {
		/* Before 0000-03-01: no deadline is there; the plain way. */
		int y, m, day;
		civil_from_days(d, &y, &m, &day);
		if (years < 0 || years > CIVIL_MAX_YEAR - y)
			return WORKCAL_ERANGE;
		y += years;
		if (day > civil_days_in_month(y, m))
			day = civil_days_in_month(y, m);
		*out = civil_to_days(y, m, day);
		return WORKCAL_OK;
	}
	if (years < 0 || years > CIVIL_MAX_YEAR)
		return WORKCAL_ERANGE;
	const uint64_t n1 = 4 * (uint64_t)z + 3;
	const uint64_t century = n1 / 146097;
	const uint32_t n2 = (uint32_t)(n1 % 146097) | 3;
	const uint64_t p2 = 2939745ull * n2;
	const int64_t y = (int64_t)(100 * century + (p2 >> 32));
	const uint32_t doy = (uint32_t)p2 / 2939745 / 4; /* 0 = Mar 1 */
	/* Jan and Feb (day 306 on) belong to the next civil year. */
	if (years > CIVIL_MAX_YEAR - (y + (doy >= 306)))
		return WORKCAL_ERANGE;
	const int64_t ty = y + years;
	uint32_t tdoy = doy;
	if (doy == 365 && !civil_is_leap((int)ty + 1))
		tdoy = 364; /* Feb 29 -> Feb 28 */
	*out = (int32_t)(march_year_start(ty) + tdoy - 719468);
	return WORKCAL_OK;
}

int deadline_add_calendar_days(const struct workcal *cal, int32_t d, int n,
			       bool roll, int32_t *out)
{
	if (cal == NULL || out == NULL)
		return WORKCAL_EINVAL;
	const int64_t r = (int64_t)d + n;
	if (!workcal_in_span(cal, d) || r < workcal_first_day(cal) ||
	    r > workcal_last_day(cal))
		return WORKCAL_ERANGE;
	if (!roll) {
		*out = (int32_t)r;
		return WORKCAL_OK;
	}
	return workcal_next_working_day(cal, (int32_t)r, out);
}

/* Days of `unit` in (a, b], a <= b. */
static int count_units(const struct workcal *cal, enum deadline_unit unit,
		       int32_t a, int32_t b, int *out)
{
	if (unit == DEADLINE_WORKING_DAYS)
		return workcal_working_days_between(cal, a, b, out);
	if (!workcal_in_span(cal, a) || !workcal_in_span(cal, b))
		return WORKCAL_ERANGE;
	*out = (int)(b - a);
	return WORKCAL_OK;
}

/* The n-th day of `unit` after d. */
static int add_units(const struct workcal *cal, enum deadline_unit unit,
		     int32_t d, int n, int32_t *out)
{
	if (unit == DEADLINE_WORKING_DAYS)
		return workcal_add_working_days(cal, d, n, out);
	return deadline_add_calendar_days(cal, d, n, false, out);
}

/* Inlined everywhere, so that with no step buffer (a due-date listing)
 * the step structs are never even built. */
static inline __attribute__((always_inline)) void
emit(struct deadline_steps *st, const struct deadline_step *s)
{
	if (st == NULL)
		return;
	if (st->n < st->cap && st->v != NULL)
		st->v[st->n++] = *s;
	st->total++;
}

/*
 * One SKIP step for each weekday in (a, b] that a holiday or closure takes
 * off. Days off on weekend days are left out: a paralegal counting
 * weekdays by hand must subtract exactly the days listed.
 */
static int list_skips(const struct workcal *cal, struct deadline_steps *st,
		      int32_t a, int32_t b, bool in_toll)
{
	struct workcal_iter it;
	const struct workcal_holiday *h;
	int32_t last = a;
	int rc;

	rc = workcal_range_holidays(cal, a + 1, b, &it);
	if (rc != WORKCAL_OK)
		return rc;
	while ((h = workcal_iter_next(&it)) != NULL) {
		struct workcal_day info;
		if (h->date == last)
			continue; /* a second name for the same day */
		last = h->date;
		rc = workcal_day_info(cal, h->date, &info);
		if (rc != WORKCAL_OK)
			return rc;
		if (info.weekend)
			continue;
		emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_SKIP,
						 .date = h->date,
						 .name = h->name,
						 .closure = h->closure,
						 .observed = h->observed,
						 .in_toll = in_toll});
	}
	return WORKCAL_OK;
}

/* Checked inline: without a step buffer there is nothing to list, and
 * listing calls into the calendar. */
static inline int emit_skips(const struct workcal *cal,
			     struct deadline_steps *st, int32_t a, int32_t b,
			     bool in_toll)
{
	if (st == NULL || b <= a)
		return WORKCAL_OK;
	return list_skips(cal, st, a, b, in_toll);
}

/* Tolls in order of (asked, position), without sorting the caller's
 * array: there are few tolls, and the engine allocates nothing. */
static long next_toll(const struct deadline_input *in, long prev)
{
	long best = -1;
	for (size_t i = 0; i < in->n_tolls; i++) {
		const struct deadline_toll *t = &in->tolls[i];
		if (prev >= 0) {
			const struct deadline_toll *p = &in->tolls[prev];
			if (t->asked < p->asked ||
			    (t->asked == p->asked && (long)i <= prev))
				continue;
		}
		if (best < 0 || t->asked < in->tolls[best].asked)
			best = (long)i;
	}
	return best;
}

static bool date_outside(const struct workcal *cal, const char *what, int32_t d,
			 char *err, size_t errlen)
{
	char buf[24];
	/* civil_format's arithmetic is int32_t and overflows near the ends
	 * of the range: a day number no date gives is shown as a number. */
	if (d >= civil_to_days(0, 1, 1) && d <= civil_to_days(9999, 12, 31))
		civil_format(d, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "day %ld", (long)d);
	seterr(err, errlen, "%s date '%s' outside the calendar (%d..%d)", what,
	       buf, workcal_first_year(cal), workcal_last_year(cal));
	return false;
}

/* The span [lo, hi] is the caller's, asked once per computation. */
static inline bool check_date(const struct workcal *cal, int32_t lo, int32_t hi,
			      const char *what, int32_t d, char *err,
			      size_t errlen)
{
	if (d >= lo && d <= hi)
		return true;
	return date_outside(cal, what, d, err, errlen);
}

static int check_input(const struct workcal *cal,
		       const struct deadline_rule *rule,
		       const struct deadline_input *in, char *err,
		       size_t errlen)
{
	if (rule->days < 0 || rule->days > DEADLINE_MAX_DAYS ||
	    rule->misroute_cap < 0 || rule->misroute_cap > DEADLINE_MAX_DAYS ||
	    rule->limitations_years < 0 ||
	    (rule->unit != DEADLINE_WORKING_DAYS &&
	     rule->unit != DEADLINE_CALENDAR_DAYS) ||
	    (rule->ext_unit != DEADLINE_WORKING_DAYS &&
	     rule->ext_unit != DEADLINE_CALENDAR_DAYS)) {
		seterr(err, errlen, "invalid deadline rule '%s'",
		       rule->what ? rule->what : "deadline");
		return WORKCAL_EINVAL;
	}
	if (in->extension < 0 || in->extension > DEADLINE_MAX_DAYS) {
		seterr(err, errlen, "invalid extension '%d'", in->extension);
		return WORKCAL_EINVAL;
	}
	if (rule->ext_max >= 0 && in->extension > rule->ext_max) {
		seterr(err, errlen,
		       "extension of %d %s exceeds the %d allowed by notice "
		       "(longer only by an agreed date)",
		       in->extension,
		       deadline_unit_name(rule->ext_unit, in->extension),
		       rule->ext_max);
		return WORKCAL_EINVAL;
	}
	if (in->n_tolls > 0 && in->tolls == NULL) {
		seterr(err, errlen, "tolls missing");
		return WORKCAL_EINVAL;
	}
	const int32_t lo = workcal_first_day(cal), hi = workcal_last_day(cal);
	if (!check_date(cal, lo, hi, "received", in->received, err, errlen) ||
	    (in->misrouted && !check_date(cal, lo, hi, "first received",
					  in->first_received, err, errlen)) ||
	    (in->agreed && !check_date(cal, lo, hi, "agreed due",
				       in->agreed_due, err, errlen)))
		return WORKCAL_ERANGE;
	for (size_t i = 0; i < in->n_tolls; i++) {
		const struct deadline_toll *t = &in->tolls[i];
		if (t->kind != DEADLINE_TOLL_INFO &&
		    t->kind != DEADLINE_TOLL_FEE) {
			seterr(err, errlen, "unknown toll kind %d",
			       (int)t->kind);
			return WORKCAL_EINVAL;
		}
		if (!check_date(cal, lo, hi, "toll asked", t->asked, err,
				errlen) ||
		    (!t->open && !check_date(cal, lo, hi, "toll answered",
					     t->answered, err, errlen)))
			return WORKCAL_ERANGE;
		if (!t->open && t->answered < t->asked) {
			char a[16], b[16];
			civil_format(t->answered, b, sizeof(b));
			civil_format(t->asked, a, sizeof(a));
			seterr(err, errlen,
			       "toll answered %s before it was asked %s", b, a);
			return WORKCAL_EINVAL;
		}
	}
	return WORKCAL_OK;
}

/* Where the clock starts: receipt, the cut-off, the misrouting cap. */
static int find_start(const struct workcal *cal,
		      const struct deadline_rule *rule,
		      const struct deadline_input *in,
		      struct deadline_steps *st, int32_t *start)
{
	int32_t s = in->received;
	int rc;

	emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_RECEIVED,
					 .date = s});
	/* Under a cut-off rule, an arrival on a day the office is closed
	 * counts as received the next working day whatever the hour;
	 * otherwise a Saturday arrival would beat a Friday-evening one. */
	bool working = true;
	if (rule->cutoff_next_day &&
	    (rc = workcal_is_working_day(cal, s, &working)) != WORKCAL_OK)
		return rc;
	if (rule->cutoff_next_day && (in->after_cutoff || !working)) {
		int32_t next;
		rc = workcal_add_working_days(cal, s, 1, &next);
		if (rc != WORKCAL_OK)
			return rc;
		emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_CUTOFF,
						 .date = s,
						 .date2 = next});
		s = next;
	}
	if (rule->misroute_cap > 0 && in->misrouted) {
		int32_t cap;
		rc = workcal_add_working_days(cal, in->first_received,
					      rule->misroute_cap, &cap);
		if (rc != WORKCAL_OK)
			return rc;
		emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_MISROUTE,
						 .date = in->first_received,
						 .date2 = cap,
						 .count = rule->misroute_cap,
						 .unit = DEADLINE_WORKING_DAYS,
						 .applied = cap < s});
		if (cap < s)
			s = cap;
	}
	*start = s;
	return WORKCAL_OK;
}

struct phase {
	enum deadline_unit unit;
	int n;
};

/* The counting state shared by the phases. */
struct clock {
	int32_t cur;  /* last day accounted for */
	int used;     /* days of the period counted */
	int tolled;   /* days removed by tolls */
	long toll;    /* next toll to look at, or -1 */
	bool stopped; /* an open toll was reached */
	int32_t stopped_on;
};

/* Count one phase from c->cur, consuming tolls on the way. */
static int run_phase(const struct workcal *cal, const struct deadline_input *in,
		     struct phase ph, struct clock *c,
		     struct deadline_steps *st)
{
	const bool wd = ph.unit == DEADLINE_WORKING_DAYS;
	int remaining = ph.n;
	int rc, k;

	while (c->toll >= 0) {
		const struct deadline_toll *t = &in->tolls[c->toll];
		if (!t->open && t->answered <= c->cur) {
			emit(st,
			     &(struct deadline_step){.kind = DEADLINE_STEP_TOLL,
						     .date = t->asked,
						     .date2 = t->answered,
						     .count2 = c->used,
						     .unit = ph.unit,
						     .toll = t->kind,
						     .name = note_absorbed});
			c->toll = next_toll(in, c->toll);
			continue;
		}
		const int32_t a = t->asked > c->cur ? t->asked : c->cur;
		rc = count_units(cal, ph.unit, c->cur, a, &k);
		if (rc != WORKCAL_OK)
			return rc;
		if (k >= remaining)
			break; /* the period ends before this toll */
		if (wd && (rc = emit_skips(cal, st, c->cur, a, false)) != 0)
			return rc;
		remaining -= k;
		c->used += k;
		c->cur = a;
		if (t->open) {
			c->stopped = true;
			c->stopped_on = t->asked;
			emit(st, &(struct deadline_step){
					 .kind = DEADLINE_STEP_TOLL_OPEN,
					 .date = t->asked,
					 .count2 = c->used,
					 .unit = ph.unit,
					 .toll = t->kind});
			c->toll = next_toll(in, c->toll);
			return WORKCAL_OK;
		}
		int removed;
		rc = count_units(cal, ph.unit, a, t->answered, &removed);
		if (rc != WORKCAL_OK)
			return rc;
		c->tolled += removed;
		emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_TOLL,
						 .date = t->asked,
						 .date2 = t->answered,
						 .count = removed,
						 .count2 = c->used,
						 .unit = ph.unit,
						 .toll = t->kind});
		if (wd && (rc = emit_skips(cal, st, a, t->answered, true)) != 0)
			return rc;
		c->cur = t->answered;
		c->toll = next_toll(in, c->toll);
	}
	int32_t end;
	rc = add_units(cal, ph.unit, c->cur, remaining, &end);
	if (rc != WORKCAL_OK)
		return rc;
	if (wd && (rc = emit_skips(cal, st, c->cur, end, false)) != 0)
		return rc;
	c->used += remaining;
	c->cur = end;
	return WORKCAL_OK;
}

/* Tolls never reached: say why they changed nothing. */
static void emit_unused_tolls(const struct deadline_input *in, struct clock *c,
			      enum deadline_unit unit,
			      struct deadline_steps *st)
{
	for (; c->toll >= 0; c->toll = next_toll(in, c->toll)) {
		const struct deadline_toll *t = &in->tolls[c->toll];
		emit(st, &(struct deadline_step){
				 .kind = t->open ? DEADLINE_STEP_TOLL_OPEN
						 : DEADLINE_STEP_TOLL,
				 .date = t->asked,
				 .date2 = t->open ? 0 : t->answered,
				 .count2 = c->used,
				 .unit = unit,
				 .toll = t->kind,
				 .name = c->stopped ? note_in_open
						    : note_after_due});
	}
}

/* Overdue, exhaustion, limitations: all follow from the due date. */
static int finish_due(const struct deadline_rule *rule,
		      struct deadline_result *res, struct deadline_steps *st)
{
	res->overdue_from = deadline_overdue_from(res->due);
	emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_OVERDUE,
					 .date = res->overdue_from});
	if (!rule->exhaustion)
		return WORKCAL_OK;
	/* The time limit has passed once the due date is over: the claim
	 * accrues the next day (552(a)(6)(C)(i); Spannaus). */
	res->has_exhaustion = true;
	res->exhaustion = res->due + 1;
	emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_EXHAUSTION,
					 .date = res->exhaustion});
	if (rule->limitations_years <= 0)
		return WORKCAL_OK;
	int rc = deadline_add_years(res->exhaustion, rule->limitations_years,
				    &res->limitations);
	if (rc != WORKCAL_OK)
		return rc;
	res->has_limitations = true;
	emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_LIMITATIONS,
					 .date = res->limitations,
					 .count = rule->limitations_years});
	return WORKCAL_OK;
}

int deadline_compute(const struct workcal *cal,
		     const struct deadline_rule *rule,
		     const struct deadline_input *in,
		     struct deadline_result *res, struct deadline_steps *st,
		     char *err, size_t errlen)
{
	int rc;

	if (st != NULL)
		st->n = st->total = 0;
	if (cal == NULL || rule == NULL || in == NULL || res == NULL) {
		seterr(err, errlen, "deadline: missing argument");
		return WORKCAL_EINVAL;
	}
	memset(res, 0, sizeof(*res));
	rc = check_input(cal, rule, in, err, errlen);
	if (rc != WORKCAL_OK)
		return rc;

	int32_t start;
	rc = find_start(cal, rule, in, st, &start);
	if (rc != WORKCAL_OK)
		goto range;
	res->start = start;
	/* Day of receipt as day 1: count from the day before, so that the
	 * receipt day is the first day "strictly after". */
	struct clock c = {.cur = rule->receipt_is_day1 ? start - 1 : start,
			  .toll = next_toll(in, -1)};
	if (!workcal_in_span(cal, c.cur))
		goto range;
	emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_START,
					 .date = start,
					 .count = rule->days,
					 .unit = rule->unit,
					 .day1 = rule->receipt_is_day1});

	struct phase ph[2] = {{rule->unit, rule->days}};
	int nph = 1;
	if (in->extension > 0 && rule->ext_unit == rule->unit) {
		ph[0].n += in->extension;
		emit(st,
		     &(struct deadline_step){.kind = DEADLINE_STEP_EXTENSION,
					     .count = in->extension,
					     .count2 = ph[0].n,
					     .unit = rule->unit});
	} else if (in->extension > 0) {
		ph[1] = (struct phase){rule->ext_unit, in->extension};
		nph = 2;
	}
	res->period = ph[0].n + (nph == 2 ? ph[1].n : 0);

	for (int i = 0; i < nph && !c.stopped; i++) {
		if (i == 1)
			emit(st, &(struct deadline_step){
					 .kind = DEADLINE_STEP_EXTENSION,
					 .count = ph[1].n,
					 .unit = ph[1].unit});
		rc = run_phase(cal, in, ph[i], &c, st);
		if (rc != WORKCAL_OK)
			goto range;
	}
	res->used = c.used;
	res->tolled = c.tolled;

	if (c.stopped) {
		res->state = DEADLINE_STOPPED;
		res->stopped_on = c.stopped_on;
		emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_STOPPED,
						 .date = c.stopped_on,
						 .count = c.used,
						 .count2 = res->period,
						 .unit = rule->unit});
	} else {
		const enum deadline_unit last = ph[nph - 1].unit;
		if (last == DEADLINE_CALENDAR_DAYS && rule->roll_forward) {
			int32_t rolled;
			rc = workcal_next_working_day(cal, c.cur, &rolled);
			if (rc != WORKCAL_OK)
				goto range;
			if (rolled != c.cur)
				emit(st, &(struct deadline_step){
						 .kind = DEADLINE_STEP_ROLL,
						 .date = c.cur,
						 .date2 = rolled,
						 .name = workcal_holiday_name(
							 cal, c.cur)});
			c.cur = rolled;
		}
		res->state = DEADLINE_DUE;
		res->due = res->computed_due = c.cur;
		res->computed = true;
		/* A day number only makes sense in a single unit. */
		emit(st,
		     &(struct deadline_step){.kind = DEADLINE_STEP_DUE,
					     .date = c.cur,
					     .count = nph == 1 ? ph[0].n : 0,
					     .unit = last,
					     .name = rule->what});
	}
	emit_unused_tolls(in, &c, rule->unit, st);

	if (rule->one_info_toll) {
		int info = 0;
		for (size_t i = 0; i < in->n_tolls; i++)
			info += in->tolls[i].kind == DEADLINE_TOLL_INFO;
		if (info > 1)
			emit(st,
			     &(struct deadline_step){.kind = DEADLINE_STEP_NOTE,
						     .name = note_info_once});
	}
	if (in->agreed) {
		emit(st, &(struct deadline_step){.kind = DEADLINE_STEP_AGREED,
						 .date = in->agreed_due,
						 .date2 = res->computed_due,
						 .applied = res->computed});
		res->state = DEADLINE_DUE;
		res->due = in->agreed_due;
		res->agreed = true;
	}
	if (res->state == DEADLINE_DUE) {
		rc = finish_due(rule, res, st);
		if (rc != WORKCAL_OK)
			goto range;
	}
	return WORKCAL_OK;
range:
	seterr(err, errlen, "the %s falls outside the calendar (%d..%d)",
	       rule->what ? rule->what : "deadline", workcal_first_year(cal),
	       workcal_last_year(cal));
	return WORKCAL_ERANGE;
}

/* Text */

static void fmt_date(int32_t d, char *buf, size_t len)
{
	static const char *const wdays[] = {"Mon", "Tue", "Wed", "Thu",
					    "Fri", "Sat", "Sun"};
	char ymd[16];
	civil_format(d, ymd, sizeof(ymd));
	snprintf(buf, len, "%s %s", ymd, wdays[civil_weekday(d)]);
}

static const char *toll_name(enum deadline_toll_kind k)
{
	return k == DEADLINE_TOLL_FEE ? "fee clarification"
				      : "a request for information";
}

int deadline_format_step(const struct deadline_step *s, char *buf, size_t len)
{
	char d1[32], d2[32], d3[32];
	const char *u = deadline_unit_name(s->unit, s->count);
	const char *u2 = deadline_unit_name(s->unit, s->count2);

	fmt_date(s->date, d1, sizeof(d1));
	fmt_date(s->date2, d2, sizeof(d2));
	switch (s->kind) {
	case DEADLINE_STEP_RECEIVED:
		return snprintf(buf, len, "%s  received", d1);
	case DEADLINE_STEP_CUTOFF:
		return snprintf(buf, len,
				"%s  arrived after the cut-off or on a day "
				"off: treated as received %s, the next "
				"working day",
				d1, d2);
	case DEADLINE_STEP_MISROUTE:
		return snprintf(buf, len,
				"%s  first reached the agency: the clock "
				"starts no later than %d %s after, %s%s",
				d1, s->count, u, d2,
				s->applied ? ""
					   : " (receipt came sooner: no "
					     "effect)");
	case DEADLINE_STEP_START:
		return snprintf(
			buf, len, "%s  clock starts: %d %s; day 1 is %s", d1,
			s->count, u,
			s->day1 ? "this day if it is a working day, else the "
				  "next working day"
			: s->unit == DEADLINE_WORKING_DAYS
				? "the first working day after this day"
				: "the day after this day");
	case DEADLINE_STEP_EXTENSION:
		if (s->count2 > 0)
			return snprintf(buf, len,
					"extension: %d more %s (%d %s in all)",
					s->count, u, s->count2, u2);
		return snprintf(buf, len,
				"extension: %d more %s, counted after the "
				"period",
				s->count, u);
	case DEADLINE_STEP_SKIP:
		return snprintf(buf, len, "%s  %s%s%s%s", d1,
				s->in_toll ? "within the toll, not a working "
					     "day: "
					   : "skipped: ",
				s->closure ? "office closed, " : "",
				s->name ? s->name : "day off",
				s->observed ? " (observed)" : "");
	case DEADLINE_STEP_TOLL:
		if (s->name != NULL)
			return snprintf(buf, len,
					"%s to %s  clock stopped for %s: %s",
					d1, d2, toll_name(s->toll), s->name);
		fmt_date(s->date + 1, d3, sizeof(d3));
		return snprintf(buf, len,
				"%s to %s  clock stopped for %s: %d %s used "
				"before it; %d %s from %s to %s not counted",
				d1, d2, toll_name(s->toll), s->count2, u2,
				s->count, u, d3, d2);
	case DEADLINE_STEP_TOLL_OPEN:
		if (s->name != NULL)
			return snprintf(buf, len,
					"%s  clock stopped for %s, no answer "
					"recorded: %s",
					d1, toll_name(s->toll), s->name);
		return snprintf(buf, len,
				"%s  clock stopped for %s, no answer recorded "
				"yet: %d %s used before it",
				d1, toll_name(s->toll), s->count2, u2);
	case DEADLINE_STEP_ROLL:
		return snprintf(buf, len,
				"%s  is not a working day (%s): moved to %s",
				d1, s->name ? s->name : "weekend", d2);
	case DEADLINE_STEP_DUE:
		if (s->count > 0)
			return snprintf(buf, len, "%s  %s due: %s %d", d1,
					s->name ? s->name : "deadline",
					deadline_unit_name(s->unit, 1),
					s->count);
		return snprintf(buf, len, "%s  %s due", d1,
				s->name ? s->name : "deadline");
	case DEADLINE_STEP_STOPPED:
		return snprintf(buf, len,
				"clock stopped since %s: %d of %d %s used, "
				"%d left; no due date until the answer "
				"arrives",
				d1, s->count, s->count2, u2,
				s->count2 - s->count);
	case DEADLINE_STEP_AGREED:
		if (s->applied)
			return snprintf(buf, len,
					"%s  due by agreement with the "
					"requester (computed date %s)",
					d1, d2);
		return snprintf(buf, len,
				"%s  due by agreement with the requester", d1);
	case DEADLINE_STEP_OVERDUE:
		return snprintf(buf, len, "%s  overdue from this day", d1);
	case DEADLINE_STEP_EXHAUSTION:
		return snprintf(buf, len,
				"%s  constructive exhaustion: the requester "
				"may sue without appealing",
				d1);
	case DEADLINE_STEP_LIMITATIONS:
		return snprintf(buf, len,
				"%s  limitations: last day to sue, %d years "
				"after exhaustion",
				d1, s->count);
	case DEADLINE_STEP_NOTE:
		return snprintf(buf, len, "note: %s",
				s->name ? s->name : "(none)");
	}
	return snprintf(buf, len, "unknown step %d", (int)s->kind);
}

size_t deadline_format_steps(const struct deadline_step *v, size_t n, char *buf,
			     size_t len)
{
	size_t need = 0;

	if (buf != NULL && len > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char *at = NULL;
		size_t room = 0;
		if (buf != NULL && need < len) {
			at = buf + need;
			room = len - need;
		}
		int w = deadline_format_step(&v[i], at, room);
		if (w < 0)
			return need;
		need += (size_t)w;
		/* The newline, where it fits with its terminator. */
		if (buf != NULL && need + 1 < len) {
			buf[need] = '\n';
			buf[need + 1] = '\0';
		}
		need++;
	}
	return need;
}
