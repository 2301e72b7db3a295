/*
 * jurisdiction.h: the laws foiad knows, as loaded from jurisdictions.conf.
 *
 * A jurisdiction is one access-to-information law: its code ("us-federal",
 * "us-ca", "uk", "sv"), its citation and how sure we are of it, the working
 * calendar it counts on, and its clocks. Each clock is a struct
 * deadline_rule (daemon/deadline.h) or absent when the law sets no period;
 * a law with no fixed initial period has a follow-up interval instead.
 * Per-agency overrides change a clock for one agency (Interior counts the
 * day of receipt as day 1; EPA's 5 p.m. cut-off; another appeal window).
 *
 * The loader (config_jurisdictions.c, libconfig) fills a struct
 * jurisdictions; jurisdictions_build() (jurisdiction.c, pure) then builds
 * every calendar's index once, so lookups at request time cost nothing.
 * jurisdictions_build_extra() does the same with days imported from
 * iCalendar feeds added to the calendars they were imported into.
 */
#ifndef FOIAD_JURISDICTION_H
#define FOIAD_JURISDICTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "deadline.h"
#include "workcal.h"

/* Years every calendar is indexed over. */
#define JURIS_FIRST_YEAR 1978
#define JURIS_LAST_YEAR	 2100

enum juris_confidence {
	JURIS_STATUTE,	  /* text of the law or regulation seen */
	JURIS_OFFICIAL,	  /* a government page */
	JURIS_SECONDARY,  /* a press association, clinic or news guide */
	JURIS_UNVERIFIED, /* confirmed nowhere: shown as such */
};

const char *juris_confidence_name(enum juris_confidence c);

/* A clock of a law, absent when the law sets none. */
struct juris_clock {
	bool set;
	struct deadline_rule rule; /* rule.what names the clock */
};

/* One agency's departures from its jurisdiction's clocks. Each field
 * applies only when its has_ flag is set. */
struct juris_override {
	char *agency; /* agency code, compared case-insensitively */
	bool has_receipt_is_day1;
	bool receipt_is_day1;
	bool has_cutoff;
	int cutoff_minutes; /* after this time of day (17:00 = 1020) a
			       request counts as received the next working
			       day */
	bool has_appeal_window;
	int appeal_window_days; /* calendar days */
};

/* A calendar: the federal one built in, or rules and one-offs from the
 * file. The names in spec's tables are owned by this struct. */
struct juris_calendar {
	char *name;
	struct workcal_spec spec;
	struct workcal_rule *rules;	/* spec.rules, owned */
	struct workcal_oneoff *oneoffs; /* spec.oneoffs, owned */
	struct workcal *cal;		/* built by jurisdictions_build */
};

struct jurisdiction {
	char *code;
	char *name;
	char *citation;
	char *notes; /* free text shown with the law, or NULL */
	enum juris_confidence confidence;
	char *calendar; /* name of a struct juris_calendar */
	/* The law has its own holiday calendar configured; when false foiad
	 * says it is counting on the federal one. */
	bool own_calendar;
	struct juris_clock initial;	    /* determination (with extension) */
	struct juris_clock expedited;	    /* decision on expedition */
	struct juris_clock appeal_window;   /* time to appeal */
	struct juris_clock appeal_decision; /* appeal decided */
	int followup_every; /* days between follow-ups when the law has no
			       fixed period; 0 = none */
	int mail_days;	    /* receipt assumed this many days after a mailed
			       request was sent */
	struct juris_override *overrides;
	size_t n_overrides;
};

struct jurisdictions {
	struct juris_calendar *calendars;
	size_t n_calendars;
	struct jurisdiction *v;
	size_t n;
};

/* Read file; on error returns -1 with "file:line: message" in errs and
 * out left empty. */
int config_load_jurisdictions(const char *file, struct jurisdictions *out,
			      struct config_errors *errs);

/* Build every calendar's index; err names the calendar that failed.
 * All or nothing: on failure every calendar keeps the index it had (none
 * on a first build). */
int jurisdictions_build(struct jurisdictions *j, char *err, size_t errlen);

/* A day off added to a calendar from outside the file: a holiday imported
 * from iCalendar (stored by the daemon). Never a closure, so it always
 * applies. */
struct juris_extra_day {
	const char *calendar; /* calendar name; days of no calendar of j are
				 ignored */
	int32_t date;
	const char *name;
};

/* jurisdictions_build with extra one-off days; the calendars' own tables
 * are left as loaded, so a later build without the days drops them. */
int jurisdictions_build_extra(struct jurisdictions *j,
			      const struct juris_extra_day *days, size_t n,
			      char *err, size_t errlen);
void jurisdictions_free(struct jurisdictions *j);

const struct jurisdiction *jurisdiction_find(const struct jurisdictions *j,
					     const char *code);
const struct juris_calendar *
jurisdiction_calendar(const struct jurisdictions *j,
		      const struct jurisdiction *law);
/* The override for an agency, or NULL. */
const struct juris_override *
jurisdiction_override(const struct jurisdiction *law, const char *agency);

#endif
