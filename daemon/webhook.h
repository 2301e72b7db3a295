/*
 * webhook.h: the JSON a reminder is posted as to a webhook.
 *
 * Slack- and Mattermost-style incoming webhooks show the "text" member
 * and ignore the rest; other receivers get the reminder's facts as
 * members of their own: {"text", "foiad": {key, type, request, agency,
 * agency_name, subject, project, tracking, status, deadline: {kind, what,
 * due} | null, lead, late, note, body}}.
 */
#ifndef FOIAD_WEBHOOK_H
#define FOIAD_WEBHOOK_H

#include <stdbool.h>
#include <stdint.h>

struct webhook_facts {
	const char *text; /* the summary line */
	const char *key;  /* the outbox key */
	const char *type; /* "reminder", "followup", "snooze", "digest" */
	int64_t request;  /* 0: none (a digest) */
	const char *agency, *agency_name, *subject, *project, *tracking,
		*status;	   /* any may be NULL */
	const char *deadline_kind; /* NULL: no deadline (snooze, digest) */
	const char *what;
	const char *due; /* "YYYY-MM-DD" */
	int lead;	 /* days before the due date; negative after */
	bool late;
	const char *note;
	const char *body; /* the plain-text message */
};

/* Compact JSON, malloc'd; NULL when out of memory. */
char *webhook_json(const struct webhook_facts *f);

#endif
