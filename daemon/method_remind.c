/*
 * method_remind.c: remind (a personal reminder about a request, `foia
 * remind ID --in 3w`) and reminders (the outbox and what is scheduled,
 * `foia reminders`).
 *
 * A personal reminder is stored as a snooze; the scheduler, re-planning
 * after this write like after any other, queues it on its day at
 * reminders.time and sends it on every channel, as it does a deadline's.
 * "Today" is the date in reminders.timezone, the zone reminders go out
 * in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "foia/civil.h"
#include "foia/protocol.h"
#include "method_util.h"
#include "methods.h"
#include "sched_plan.h"
#include "scheduler.h"
#include "status.h"
#include "validate.h"
#include "zone.h"

#define REMINDERS_DEFAULT_LIMIT 200
#define REMINDERS_MAX_LIMIT	10000
#define LIST_FULL		1000 /* a walk's stop, told from store codes */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *snooze_json(const struct snooze *s)
{
	return json_pack("{s:I, s:I, s:s, s:o, s:s, s:o, s:o}", "id",
			 (json_int_t)s->id, "request",
			 (json_int_t)s->request_id, "date", s->date, "note",
			 str_or_null(s->note), "state",
			 s->state ? s->state : "scheduled", "created",
			 str_or_null(s->created), "created_by",
			 str_or_null(s->created_by));
}

/* The day the reminder is for, from in or on. */
static int remind_day(struct call *c, json_t *params, int32_t today,
		      int32_t *day)
{
	const char *in, *on;
	char err[256], t[16];
	int days;
	if (param_string(c, params, "in", &in) < 0 ||
	    param_string(c, params, "on", &on) < 0)
		return -1;
	if ((in != NULL) == (on != NULL))
		return call_error(c, FOIA_E_INVALID,
				  "give one of 'in' (\"3w\", \"10d\") and "
				  "'on' (a date)");
	if (in) {
		if (!sched_parse_span(in, &days))
			return call_error(c, FOIA_E_INVALID,
					  "'in' must be a number of days or "
					  "weeks from 1 day to %d days "
					  "(\"10d\", \"3w\"), not '%.32s'",
					  SCHED_MAX_SNOOZE, in);
		*day = today + days;
		return 0;
	}
	if (!check_date("on", on, err, sizeof(err)) || !civil_parse(on, day))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	if (*day < today) {
		civil_format(today, t, sizeof(t));
		return call_error(c, FOIA_E_INVALID,
				  "'on' %s is in the past (today is %s)", on,
				  t);
	}
	if (*day > today + SCHED_MAX_SNOOZE)
		return call_error(c, FOIA_E_INVALID,
				  "'on' %s is more than %d days ahead", on,
				  SCHED_MAX_SNOOZE);
	return 0;
}

int method_remind(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"id", "in", "on", "note", NULL};
	struct request r = {0};
	struct snooze s = {0};
	const char *note;
	char err[256], date[16];
	int64_t id;
	int32_t today, day = 0;
	int minute, rc = -1;

	if (params_known(c, params, allowed, false) < 0 ||
	    param_id(c, params, "id", &id) < 0 ||
	    param_string(c, params, "note", &note) < 0)
		return -1;
	if (note &&
	    !check_text("note", note, FOIA_MAX_NOTE, true, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	zone_local(c->d->cfg.reminders.timezone, time(NULL), &today, &minute);
	if (remind_day(c, params, today, &day) < 0 ||
	    request_load(c, id, &r) < 0)
		goto out;
	if (!status_is_open(r.status)) {
		call_error(c, FOIA_E_CONFLICT,
			   "request %lld is %s: there is nothing to remind "
			   "of",
			   (long long)id, r.status);
		goto out;
	}
	civil_format(day, date, sizeof(date));
	s.request_id = id;
	s.date = date;
	s.note = note && *note ? (char *)note : NULL;
	s.created_by = (char *)c->peer->name;
	int src = store_snooze_add(c->d->store, &s);
	if (src != STORE_OK) {
		store_failure(c, src, "add the reminder");
		goto out;
	}
	*result = json_pack("{s:o}", "reminder", snooze_json(&s));
	rc = *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
out:
	free(s.created);
	request_clear(&r);
	return rc;
}

/* --- reminders --------------------------------------------------------- */

struct listing {
	json_t *rows;
	bool pending, sent;
	size_t limit;
};

static json_t *row_json(const struct outbox_row *r)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:o, s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:o, "
		"s:o, s:o, s:b, s:o}",
		"id", (json_int_t)r->id, "key", r->key, "channel", r->channel,
		"request",
		r->request_id ? json_integer(r->request_id) : json_null(),
		"kind", r->kind, "date", r->date, "lead", r->lead, "summary",
		r->summary, "due_at", r->due_at, "state", r->state, "attempts",
		r->attempts, "next_attempt_at", str_or_null(r->next_attempt_at),
		"last_error", str_or_null(r->last_error), "sent_at",
		str_or_null(r->sent_at), "late", r->late, "created",
		str_or_null(r->created));
	return o;
}

static bool in_flight(const char *state)
{
	return strcmp(state, "pending") == 0 || strcmp(state, "sending") == 0 ||
	       strcmp(state, "delivering") == 0;
}

static int list_row(const struct outbox_row *r, void *arg)
{
	struct listing *l = arg;
	if (l->pending && !in_flight(r->state))
		return 0;
	if (l->sent && strcmp(r->state, "sent") != 0)
		return 0;
	json_t *o = row_json(r);
	if (!o || json_array_append_new(l->rows, o) < 0)
		return -1;
	return json_array_size(l->rows) >= l->limit ? LIST_FULL : 0;
}

static int list_snooze(const struct snooze *s, void *arg)
{
	json_t *o = snooze_json(s);
	return !o || json_array_append_new(arg, o) < 0 ? -1 : 0;
}

int method_reminders(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"pending", "sent", "limit", NULL};
	struct listing l = {.limit = REMINDERS_DEFAULT_LIMIT};
	json_t *limit = json_object_get(params, "limit");
	char next[32];

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	l.pending = json_is_true(json_object_get(params, "pending"));
	l.sent = json_is_true(json_object_get(params, "sent"));
	if (l.pending && l.sent)
		return call_error(c, FOIA_E_INVALID,
				  "give at most one of 'pending' and 'sent'");
	if (limit &&
	    (!json_is_integer(limit) || json_integer_value(limit) < 1 ||
	     json_integer_value(limit) > REMINDERS_MAX_LIMIT))
		return call_error(c, FOIA_E_INVALID,
				  "'limit' must be a number from 1 to %d",
				  REMINDERS_MAX_LIMIT);
	if (limit)
		l.limit = (size_t)json_integer_value(limit);
	json_t *scheduled = json_array();
	l.rows = json_array();
	if (!l.rows || !scheduled) {
		json_decref(l.rows);
		json_decref(scheduled);
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	int rc = store_outbox_list(c->d->store, NULL, 0, list_row, &l);
	if (rc == STORE_OK || rc == LIST_FULL)
		rc = l.sent ? STORE_OK
			    : store_snooze_list(c->d->store, "scheduled",
						list_snooze, scheduled);
	if (rc != STORE_OK) {
		json_decref(l.rows);
		json_decref(scheduled);
		return rc > 0 ? store_failure(c, rc, "read the reminders")
			      : call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	time_t at = scheduler_next();
	if (at)
		zone_utc_stamp(at, next, sizeof(next));
	*result = json_pack("{s:o, s:o, s:o}", "reminders", l.rows, "scheduled",
			    scheduled, "next",
			    at ? json_string(next) : json_null());
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}
