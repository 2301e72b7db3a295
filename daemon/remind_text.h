/*
 * remind_text.h: the words of reminders: the one-line summary (a mail's
 * subject, a chat message) and the plain-text body, and the digest.
 *
 * Pure: the caller gathers the facts (request, deadline, law, dates) and
 * gets text back; nothing here reads the store or the clock.
 */
#ifndef FOIAD_REMIND_TEXT_H
#define FOIAD_REMIND_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct remind_facts {
	int64_t request;
	const char *agency;	 /* code */
	const char *agency_name; /* or NULL */
	const char *subject;
	const char *tracking; /* or NULL */
	const char *project;  /* or NULL */
	const char *status;
	bool snooze;	      /* a personal reminder, not a deadline's */
	const char *what;     /* "FOIA response due"; NULL for a snooze */
	int32_t due;	      /* the deadline's date, or the snooze's */
	int32_t today;	      /* when the text is written */
	const char *citation; /* the law, or NULL */
	int period;	      /* its days, 0 when unknown */
	const char *unit;     /* "working" or "calendar" */
	const char *note;     /* a snooze's note, or NULL */
	bool late;
	const char *due_at; /* when it fell due, as shown ("2025-03-24 09:00
			       America/New_York") */
};

/* "ICE #12: FOIA response due 2025-03-31 (in 7 days)", "... (today)",
 * "... was due 2025-03-31 (15 days overdue)"; a snooze: "ICE #12:
 * reminder: <note>". Cut, between UTF-8 characters, to fit len. */
void remind_summary(const struct remind_facts *f, char *buf, size_t len);

/* The body: the summary, then agency, request, tracking, project,
 * status, deadline, law, the note, lateness and how to see it. malloc'd,
 * NULL when out of memory. */
char *remind_body(const struct remind_facts *f);

/* One line of the digest. */
struct digest_item {
	int64_t request;
	const char *agency;
	const char *subject;
	const char *what;
	int32_t due;
};

#define DIGEST_HORIZON	 14  /* days ahead the digest looks */
#define DIGEST_MAX_LINES 500 /* each section; more are counted */

/* The digest of items (any order) on today: overdue ones, most overdue
 * first, then those due within DIGEST_HORIZON days. Its summary line goes
 * into summary. malloc'd, NULL when out of memory. */
char *remind_digest(struct digest_item *v, size_t n, int32_t today,
		    char *summary, size_t slen);

#endif
