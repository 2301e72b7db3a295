/*
 * sched_plan.c: the scheduler's decisions, as pure functions of the
 * rules, a deadline and the present moment (sched_plan.h).
 *
 * Every reminder of a deadline goes out at the same minute of its day, so
 * comparing moments comes down to comparing days against the last day
 * whose sending minute has passed (the cutoff): a reminder on that day or
 * before has passed, one after it is still to come. That keeps the
 * follow-up series, which has no end, to two divisions.
 */
#include "sched_plan.h"

#include "foia/civil.h"

bool sched_before(struct sched_moment a, struct sched_moment b)
{
	return a.day < b.day || (a.day == b.day && a.minute < b.minute);
}

int64_t sched_minutes(struct sched_moment a, struct sched_moment b)
{
	return ((int64_t)b.day - a.day) * 1440 + (b.minute - a.minute);
}

/* The last day whose sending minute is not after now. */
static int32_t cutoff(int minute, struct sched_moment now)
{
	return now.minute >= minute ? now.day : now.day - 1;
}

static void fire(struct sched_fire *f, int offset, int32_t day, int minute,
		 struct sched_moment now)
{
	f->offset = offset;
	f->at = (struct sched_moment){day, minute};
	f->late = sched_minutes(f->at, now) > SCHED_LATE_MINUTES;
}

void sched_plan_deadline(const struct sched_rules *r,
			 const struct sched_deadline *d,
			 struct sched_moment now, bool *has_due,
			 struct sched_fire *due, bool *has_next,
			 struct sched_moment *next)
{
	int32_t c = cutoff(r->minute, now);
	/* Offsets of at least need have passed; smaller ones are to come. */
	int64_t need = (int64_t)d->due - c;
	int every = d->followups ? r->followup_every : 0;
	bool found = false, later = false;
	int64_t best = 0, soonest = 0; /* an offset; a day */

	for (size_t i = 0; i < r->nleads; i++) {
		int64_t l = r->leads[i];
		if (l >= need && (!found || l < best)) {
			best = l;
			found = true;
		} else if (l < need && (!later || d->due - l < soonest)) {
			soonest = d->due - l;
			later = true;
		}
		/* The same lead before the clock's next round. */
		if (d->repeat > 0 && d->due + d->repeat - l > c &&
		    (!later || d->due + d->repeat - l < soonest)) {
			soonest = d->due + d->repeat - l;
			later = true;
		}
	}
	if (every > 0) {
		/* Follow-up k is at due + k*every. */
		int64_t k = c >= d->due ? ((int64_t)c - d->due) / every : -1;
		if (k >= 0 && (!found || -k * every < best)) {
			best = -k * every;
			found = true;
		}
		int64_t day = d->due + (k + 1) * every;
		if (!later || day < soonest) {
			soonest = day;
			later = true;
		}
	}
	*has_due = found;
	if (found)
		fire(due, (int)best, (int32_t)(d->due - best), r->minute, now);
	*has_next = later;
	if (later)
		*next = (struct sched_moment){(int32_t)soonest, r->minute};
}

void sched_plan_once(int32_t day, int minute, struct sched_moment now,
		     bool *has_due, struct sched_fire *due, bool *has_next,
		     struct sched_moment *next)
{
	struct sched_moment at = {day, minute};
	*has_due = !sched_before(now, at);
	*has_next = !*has_due;
	if (*has_due)
		fire(due, 0, day, minute, now);
	else
		*next = at;
}

void sched_plan_digest(enum sched_digest kind, int minute,
		       struct sched_moment now, bool *has_due,
		       struct sched_fire *due, struct sched_moment *next)
{
	int32_t c = cutoff(minute, now), day = c, step = 1;
	*has_due = kind != SCHED_DIGEST_OFF;
	if (!*has_due)
		return;
	if (kind == SCHED_DIGEST_WEEKLY) {
		day = c - civil_weekday(c); /* the Monday of that week */
		step = 7;
	}
	fire(due, 0, day, minute, now);
	*next = (struct sched_moment){day + step, minute};
}

bool sched_parse_span(const char *s, int *days)
{
	long n = 0;
	const char *p = s;
	if (!s || *s < '0' || *s > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > SCHED_MAX_SNOOZE)
			return false;
	}
	if (*p == 'w' && p[1] == '\0')
		n *= 7;
	else if (!(*p == '\0' || (*p == 'd' && p[1] == '\0')))
		return false;
	if (n < 1 || n > SCHED_MAX_SNOOZE)
		return false;
	*days = (int)n;
	return true;
}
