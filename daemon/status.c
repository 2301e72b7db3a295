/*
 * status.c: the request life cycle as a table.
 *
 * The rules follow how FOIA requests actually move: an agency may answer at
 * any point after receipt (so most open statuses lead straight to a
 * determination); the clock stops at awaiting-requester and resumes at
 * processing; an adverse or partial answer may be appealed, and any stage
 * after filing may end in litigation. Withdrawn is final; a closed request
 * may still be appealed or litigated, since groups close a request on the
 * answer and appeal within the 90 days that follow.
 */
#include "status.h"

#include <stdio.h>
#include <string.h>

#include "foia/protocol.h"

const char *const status_names[] = {FOIA_STATUS_NAMES, NULL};

struct transition {
	const char *from;
	const char *const *to;
};

#define NEXT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define ANSWERS                                                                \
	"partial-release", "granted", "partially-granted", "denied",           \
		"no-records"

static const struct transition transitions[] = {
	{"draft", NEXT("submitted", "withdrawn")},
	{"submitted", NEXT("acknowledged", "processing", "awaiting-requester",
			   ANSWERS, "withdrawn", "litigation", "closed")},
	{"acknowledged", NEXT("processing", "awaiting-requester", ANSWERS,
			      "withdrawn", "litigation", "closed")},
	{"processing", NEXT("awaiting-requester", ANSWERS, "withdrawn",
			    "litigation", "closed")},
	{"awaiting-requester",
	 NEXT("processing", "acknowledged", ANSWERS, "withdrawn", "closed")},
	{"partial-release",
	 NEXT("processing", "awaiting-requester", "partial-release", "granted",
	      "partially-granted", "denied", "no-records", "withdrawn",
	      "appealed", "litigation", "closed")},
	{"granted", NEXT("appealed", "litigation", "closed")},
	{"partially-granted", NEXT("appealed", "litigation", "closed")},
	{"denied", NEXT("appealed", "litigation", "closed")},
	{"no-records", NEXT("appealed", "litigation", "closed")},
	{"withdrawn", NEXT(NULL)},
	{"appealed", NEXT("appeal-decided", "processing", "litigation",
			  "withdrawn", "closed")},
	{"appeal-decided", NEXT("processing", "litigation", "closed")},
	{"litigation", NEXT("processing", "partial-release", "granted",
			    "partially-granted", "closed")},
	{"closed", NEXT("appealed", "litigation")},
};

static const struct transition *find(const char *from)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]);
	     i++)
		if (strcmp(transitions[i].from, from) == 0)
			return &transitions[i];
	return NULL;
}

bool status_known(const char *name)
{
	for (size_t i = 0; status_names[i]; i++)
		if (strcmp(status_names[i], name) == 0)
			return true;
	return false;
}

bool status_transition_allowed(const char *from, const char *to)
{
	const struct transition *t = find(from);
	if (!t)
		return false;
	for (size_t i = 0; t->to[i]; i++)
		if (strcmp(t->to[i], to) == 0)
			return true;
	return false;
}

void status_next_list(const char *from, char *buf, size_t len)
{
	const struct transition *t = find(from);
	size_t used = 0;
	buf[0] = '\0';
	if (!t || !t->to[0]) {
		snprintf(buf, len, "none");
		return;
	}
	for (size_t i = 0; t->to[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "", t->to[i]);
}

const char *status_date_field(const char *to)
{
	if (strcmp(to, "submitted") == 0)
		return "sent";
	if (strcmp(to, "acknowledged") == 0)
		return "acknowledged";
	if (strcmp(to, "withdrawn") == 0 || strcmp(to, "closed") == 0)
		return "closed";
	return NULL;
}

bool status_is_open(const char *name)
{
	return strcmp(name, "withdrawn") != 0 && strcmp(name, "closed") != 0;
}
