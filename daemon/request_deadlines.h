/*
 * request_deadlines.h: every statutory clock of one request, derived from
 * the request, its history and its law.
 *
 * Nothing here is stored: deadlines are recomputed from the events (status
 * changes with their dates, tolls, extension notices, agreed dates) each
 * time they are needed, so they can never drift from the record. The code
 * is pure: the caller passes today's date and the loaded law and calendar.
 */
#ifndef FOIAD_REQUEST_DEADLINES_H
#define FOIAD_REQUEST_DEADLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deadline.h"
#include "jurisdiction.h"
#include "store.h"

#define RD_MAX_STEPS 96
#define RD_MAX_TOLLS 32

enum rd_kind {
	RD_DETERMINATION,
	RD_EXPEDITED,
	RD_APPEAL_WINDOW,
	RD_APPEAL_DECISION,
	RD_FOLLOWUP,
};

enum rd_state {
	RD_STATE_DUE,	  /* upcoming, or due today */
	RD_STATE_OVERDUE, /* past its due date, not met */
	RD_STATE_STOPPED, /* clock stopped by an open toll: no date */
	RD_STATE_MET,	  /* answered (met_on), on time or not */
};

struct rd_deadline {
	enum rd_kind kind;
	enum rd_state state;
	bool has_due;
	int32_t due;
	bool agreed; /* due is a date agreed with the agency */
	bool has_met;
	int32_t met_on;
	bool assumed_start; /* receipt unknown: counted from the sent date */
	int32_t start;
	int period;
	enum deadline_unit unit;
	int extension;
	int used; /* STOPPED: days used before the clock stopped */
	int32_t stopped_on;
	struct deadline_step steps[RD_MAX_STEPS];
	size_t nsteps;
};

enum rd_clock {
	RD_CLOCK_NONE,	  /* not started (draft, no dates) */
	RD_CLOCK_RUNNING, /* counting */
	RD_CLOCK_STOPPED, /* an open toll */
	RD_CLOCK_DONE,	  /* answered, withdrawn or closed */
};

struct rd_set {
	struct rd_deadline v[5];
	size_t n;
	enum rd_clock clock;
	int32_t clock_since; /* STOPPED: since when */
	int clock_used, clock_period;
	enum deadline_unit clock_unit;
	bool has_exhaustion; /* a deadline was missed: suit is possible */
	int32_t exhaustion;
	bool has_limitations;
	int32_t limitations;
	/* Set by callers that keep going when a request's clocks cannot be
	 * computed (a date outside the calendar): why, for the user. */
	char problem[256];
};

/* Stable names: "determination", "expedited", ... */
const char *rd_kind_name(enum rd_kind k);
/* Human labels: "FOIA response due", "appeal window closes", ... */
const char *rd_kind_label(enum rd_kind k);
const char *rd_state_name(enum rd_state s);

/*
 * Derive the deadlines of r from its events (oldest first) under law, on
 * the law's calendar cal. Returns 0, or -1 with err naming the date or
 * rule at fault (a date outside the calendar, a toll ending before it
 * starts). explain asks for the steps of each computation.
 */
int request_deadlines(const struct request *r, const struct event *ev,
		      size_t nev, const struct jurisdiction *law,
		      const struct workcal *cal, int32_t today, bool explain,
		      struct rd_set *out, char *err, size_t errlen);

/* Empty s as memset would, but without touching the deadlines' step
 * buffers (most of its 23 KB): callers computing thousands of sets
 * would spend their time zeroing them. */
void rd_set_clear(struct rd_set *s);

/* Is there an open toll in the history? *since is when it began. */
bool request_open_toll(const struct event *ev, size_t nev, int32_t *since);
/* Working or calendar days of extension already recorded for the clock
 * that is running (the appeal's once appealed). */
int request_extension_used(const struct event *ev, size_t nev, bool *appeal);

/* The most urgent live deadline (overdue first, then earliest), or NULL. */
const struct rd_deadline *rd_next(const struct rd_set *s);

#endif
