/*
 * deadline.h: due dates of public-records requests, with explanations.
 *
 * This is "the counting model foiad uses (precise)" of
 * docs/deadline-rules.md, on top of a working-day calendar (workcal.h):
 *
 *  - add_working_days(d, n) is the n-th working day strictly after d, and
 *    the due date is add_working_days(start, period);
 *  - start is the receipt date, moved to the next working day when the rule
 *    has a cut-off and the request arrived after it (EPA, Interior: 5 p.m.),
 *    and capped at `misroute_cap` working days after the request first
 *    reached any designated component (552(a)(6)(A)(ii));
 *  - with `receipt_is_day1` (Interior, 43 CFR 2.16) the day of receipt is
 *    day 1 if it is a working day: counting starts from the day before;
 *  - a closed toll (A, B] removes from the count every day d with
 *    A < d <= B; an open toll (no B yet) stops the clock: no due date, only
 *    the days used so far;
 *  - an extension of N days adds N to the count (if it is in the rule's
 *    unit; otherwise it is counted, in its own unit, after the base period);
 *  - a calendar-day rule adds N calendar days, and moves a result that is
 *    not a working day to the next working day if the rule says so;
 *  - a deadline is overdue from the day after the due date, which is also
 *    the date of constructive exhaustion (552(a)(6)(C)(i)) for rules that
 *    have it, and limitations run `limitations_years` from that date
 *    (28 U.S.C. 2401(a): 6 years).
 *
 * For calendar-day rules a toll removes calendar days, the same way.
 *
 * Pure: no I/O, no globals other than the const rule tables, no time_t.
 * The engine fills a caller-provided array of steps that a paralegal can
 * check by hand (start, each holiday or closure not counted, each toll, the
 * extension, the result); deadline_format_steps() turns them into text.
 *
 * Return codes are workcal.h's: WORKCAL_OK, WORKCAL_ERANGE (a date or the
 * result outside the calendar's span), WORKCAL_EINVAL (bad input, message in
 * err).
 */
#ifndef FOIAD_DEADLINE_H
#define FOIAD_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workcal.h"

enum deadline_unit {
	DEADLINE_WORKING_DAYS,
	DEADLINE_CALENDAR_DAYS,
};

/* Longest period or extension accepted, in days (a century): keeps every
 * sum of days far from int overflow. */
#define DEADLINE_MAX_DAYS 36600

/* One time limit of one law, as configured for a jurisdiction or agency. */
struct deadline_rule {
	const char *what; /* "initial determination"; NULL = "deadline" */
	enum deadline_unit unit;
	int days;	      /* the period, >= 0 */
	bool roll_forward;    /* a calendar-day result that is not a working
				 day moves to the next working day */
	bool receipt_is_day1; /* the day of receipt is day 1 (Interior) */
	bool cutoff_next_day; /* arrivals after the cut-off count as received
				 the next working day (EPA, Interior) */
	int misroute_cap;     /* working days; 0 = no cap */
	enum deadline_unit ext_unit;
	int ext_max;	       /* largest extension by notice; < 0 = no cap.
				  Longer only by an agreed date */
	bool one_info_toll;    /* the law allows one information toll: say so
				  when more are recorded */
	bool exhaustion;       /* missing it is constructive exhaustion */
	int limitations_years; /* to sue after exhaustion; 0 = not tracked */
};

/* Federal rules (deadline-rules.md section 1). */
/* 20 working days, misrouting cap 10, extension up to 10 working days. */
extern const struct deadline_rule deadline_federal_initial;
/* Appeal decision: 20 working days, +10 working days. */
extern const struct deadline_rule deadline_federal_appeal;
/* Expedited-processing decision: 10 calendar days, no roll-forward. */
extern const struct deadline_rule deadline_federal_expedited;
/* Time to appeal (DOJ, 28 CFR 16.8(a)): 90 calendar days after the response,
 * no roll-forward; per-agency overridable. */
extern const struct deadline_rule deadline_federal_appeal_window;

enum deadline_toll_kind {
	DEADLINE_TOLL_INFO, /* asking the requester for information: once */
	DEADLINE_TOLL_FEE,  /* clarifying fees: as often as needed */
};

struct deadline_toll {
	enum deadline_toll_kind kind;
	int32_t asked;	  /* A: the agency sent its question */
	int32_t answered; /* B: the agency received the answer; ignored when
			     open */
	bool open;	  /* no answer yet */
};

struct deadline_input {
	int32_t received;	/* receipt by the component handling it */
	bool after_cutoff;	/* `received` was after the cut-off hour */
	bool misrouted;		/* first_received is set */
	int32_t first_received; /* first reached any designated component */
	const struct deadline_toll *tolls; /* any order */
	size_t n_tolls;
	int extension; /* days of extension by notice, in rule->ext_unit */
	bool agreed;   /* the requester agreed to a date: it replaces the
			  computed one */
	int32_t agreed_due;
};

enum deadline_state {
	DEADLINE_DUE,	  /* `due` is set */
	DEADLINE_STOPPED, /* an open toll: no due date */
};

struct deadline_result {
	enum deadline_state state;
	int32_t due;	      /* DUE: the due date (the agreed one if agreed) */
	int32_t overdue_from; /* DUE: due + 1 */
	bool agreed;	      /* due is the agreed date */
	bool computed;	      /* computed_due is set (the clock is running) */
	int32_t computed_due; /* the rule's own due date */
	int32_t start;	      /* deemed receipt: after cut-off and cap */
	int period;	      /* days to count: the period plus an extension
				 in the same unit */
	int used;	      /* days of the period counted: period when DUE,
				 those before the clock stopped when STOPPED */
	int tolled;	      /* days removed by tolls */
	int32_t stopped_on;   /* STOPPED: the day the open toll began */
	bool has_exhaustion;  /* DUE and rule->exhaustion */
	int32_t exhaustion;
	bool has_limitations; /* ... and rule->limitations_years */
	int32_t limitations;
};

enum deadline_step_kind {
	DEADLINE_STEP_RECEIVED,	   /* date */
	DEADLINE_STEP_CUTOFF,	   /* date -> date2, the next working day */
	DEADLINE_STEP_MISROUTE,	   /* date first receipt, date2 the cap
				      (count working days); applied */
	DEADLINE_STEP_START,	   /* date; count days in unit; day1 */
	DEADLINE_STEP_EXTENSION,   /* count days in unit; count2 = period */
	DEADLINE_STEP_SKIP,	   /* date; name; closure, observed, in_toll */
	DEADLINE_STEP_TOLL,	   /* date A, date2 B; count days removed,
				      count2 days used before it; name: a
				      note or NULL */
	DEADLINE_STEP_TOLL_OPEN,   /* date A; count2 days used; name: note */
	DEADLINE_STEP_ROLL,	   /* date -> date2; name: holiday or NULL
				      (weekend) */
	DEADLINE_STEP_DUE,	   /* date; count = period; unit */
	DEADLINE_STEP_STOPPED,	   /* date A; count used, count2 period */
	DEADLINE_STEP_AGREED,	   /* date agreed; date2 computed (if
				      applied) */
	DEADLINE_STEP_OVERDUE,	   /* date */
	DEADLINE_STEP_EXHAUSTION,  /* date */
	DEADLINE_STEP_LIMITATIONS, /* date; count years */
	DEADLINE_STEP_NOTE,	   /* name */
};

struct deadline_step {
	enum deadline_step_kind kind;
	int32_t date, date2;
	int count, count2;
	enum deadline_unit unit;
	enum deadline_toll_kind toll;
	/* Holiday names point into the calendar, notes and `what` into
	 * constant or rule storage: valid as long as those are. */
	const char *name;
	bool closure, observed, in_toll; /* SKIP */
	bool day1;			 /* START: receipt day is day 1 */
	bool applied;			 /* MISROUTE: the cap moved start;
					    AGREED: computed date exists */
};

/*
 * Caller-owned step buffer. deadline_compute sets n (steps written, at most
 * cap) and total (steps it had to say); total > n means truncated.
 */
struct deadline_steps {
	struct deadline_step *v;
	size_t cap;
	size_t n;
	size_t total;
};

/*
 * Compute the deadline of `rule` for `in` on `cal`. steps may be NULL. All
 * dates of `in` must lie in the calendar's span, and so must the result.
 * On error *res is undefined and err (if not NULL) says why, e.g.
 * "toll answered 2025-03-01 before it was asked 2025-03-10".
 */
int deadline_compute(const struct workcal *cal,
		     const struct deadline_rule *rule,
		     const struct deadline_input *in,
		     struct deadline_result *res, struct deadline_steps *steps,
		     char *err, size_t errlen);

/* d + n calendar days; with roll, a non-working result moves to the next
 * working day. WORKCAL_ERANGE outside the span. */
int deadline_add_calendar_days(const struct workcal *cal, int32_t d, int n,
			       bool roll, int32_t *out);

/* Overdue from the day after the due date. */
int32_t deadline_overdue_from(int32_t due);
bool deadline_is_overdue(int32_t due, int32_t today);

/*
 * The same month and day `years` later (Feb 29 -> Feb 28 when that year has
 * none: the earlier day, so a limitations date is never late). No
 * roll-forward. WORKCAL_ERANGE past CIVIL_MAX_YEAR.
 */
int deadline_add_years(int32_t d, int years, int32_t *out);

/*
 * One step as one line, without newline, e.g.
 * "2025-06-19 Thu  not counted: Juneteenth National Independence Day".
 * snprintf semantics: returns the length it needed; buf always terminated
 * when len > 0.
 */
int deadline_format_step(const struct deadline_step *s, char *buf, size_t len);

/* All steps, one per line, each ending in '\n'. Returns the length needed
 * (excluding the NUL); the text is cut, always terminated, if len is
 * short. */
size_t deadline_format_steps(const struct deadline_step *v, size_t n, char *buf,
			     size_t len);

/* "working day" / "working days" / "calendar day" ... for n days. */
const char *deadline_unit_name(enum deadline_unit u, int n);

#endif
