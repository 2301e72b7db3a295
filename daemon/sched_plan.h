/*
 * sched_plan.h: which reminder of a deadline is due, and when the next one
 * will be: the decisions of the scheduler, apart from its I/O.
 *
 * A deadline due on day D has a reminder at each configured lead L (days
 * before D, L >= 0) and, while it is not met, follow-ups at D, D + every,
 * D + 2*every, ... Each goes out at the configured minute of its day, in
 * local time. A reminder is named by its offset from D: L for a lead,
 * -k*every for a follow-up, so the one on D itself is the same whichever
 * list it comes from.
 *
 * At any moment only the latest reminder whose time has passed is "due":
 * when several passed unsent (foiad was down, or the request was filed
 * late), only the latest is worth sending. The caller records what it
 * sent; asking again later returns the same reminder until a later one
 * passes. A reminder more than SCHED_LATE_MINUTES past its time is late.
 *
 * Pure: no I/O, no clock; moments are local (day number, minute of day)
 * and the caller converts them (zone.h).
 */
#ifndef FOIAD_SCHED_PLAN_H
#define FOIAD_SCHED_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_MAX_LEADS	   16
#define SCHED_MAX_LEAD	   366 /* days */
#define SCHED_LATE_MINUTES 10

struct sched_rules {
	int leads[SCHED_MAX_LEADS]; /* days before the due date, >= 0 */
	size_t nleads;
	int minute;	    /* of the day, local: 540 = 09:00 */
	int followup_every; /* days between follow-ups; 0 = none */
};

/* A local moment. */
struct sched_moment {
	int32_t day;
	int minute;
};

struct sched_deadline {
	int32_t due;
	bool followups; /* follow-ups apply (a deadline the agency owes) */
	int repeat;	/* > 0: a clock that starts again every repeat days
			   (a law with only a follow-up interval): the next
			   due date is due + repeat */
};

struct sched_fire {
	int offset; /* days before the due date; negative: after it */
	struct sched_moment at;
	bool late;
};

/* Is a before b? */
bool sched_before(struct sched_moment a, struct sched_moment b);
/* Minutes from a to b (negative when b is before a). */
int64_t sched_minutes(struct sched_moment a, struct sched_moment b);

/*
 * At now, the reminder of d that is due (*has_due) and the moment of the
 * next one after now (*has_next; none when nothing more will come).
 */
void sched_plan_deadline(const struct sched_rules *r,
			 const struct sched_deadline *d,
			 struct sched_moment now, bool *has_due,
			 struct sched_fire *due, bool *has_next,
			 struct sched_moment *next);

/* A one-off reminder at minute on day: due (with lateness) or next. */
void sched_plan_once(int32_t day, int minute, struct sched_moment now,
		     bool *has_due, struct sched_fire *due, bool *has_next,
		     struct sched_moment *next);

enum sched_digest { SCHED_DIGEST_OFF, SCHED_DIGEST_DAILY, SCHED_DIGEST_WEEKLY };

/* The digest: every day, or every Monday, at minute. The latest passed
 * one (its day in due->at.day) and the next. */
void sched_plan_digest(enum sched_digest kind, int minute,
		       struct sched_moment now, bool *has_due,
		       struct sched_fire *due, struct sched_moment *next);

/* "3w", "10d", "2" (days) -> days; false unless 1..SCHED_MAX_SNOOZE. */
#define SCHED_MAX_SNOOZE 3660
bool sched_parse_span(const char *s, int *days);

#endif
