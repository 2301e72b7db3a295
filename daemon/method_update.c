/*
 * method_update.c: request.update, the one way a request changes after
 * filing.
 *
 * The update is applied to a fresh copy of the stored request; the copy is
 * checked as a whole (legal transition, dates in order), compared with the
 * original field by field through the field table, and every difference is
 * written as an event in the same transaction as the new row. The history
 * therefore always explains the current state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_list.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "method_util.h"
#include "methods.h"
#include "request_check.h"
#include "request_deadlines.h"
#include "request_fields.h"
#include "status.h"
#include "validate.h"

struct update {
	struct call *c;
	struct request old, next;
	const char *status; /* new status, or NULL */
	const char *date;   /* when the status change took effect */
	const char *note;
	char today[16];
};

/* Apply the field params to u->next. */
static int apply_fields(struct update *u, json_t *params)
{
	char err[512];
	for (size_t i = 0; i < request_fields_count; i++) {
		const struct field_def *f = &request_fields[i];
		json_t *v = json_object_get(params, f->name);
		if (v &&
		    !field_from_json(f, v, &u->next, true, err, sizeof(err)))
			return call_error(u->c, FOIA_E_INVALID, "%s", err);
	}
	json_t *add = json_object_get(params, "add_tags");
	json_t *del = json_object_get(params, "remove_tags");
	if ((add &&
	     !request_tags_apply(&u->next, add, false, err, sizeof(err))) ||
	    (del && !request_tags_apply(&u->next, del, true, err, sizeof(err))))
		return call_error(u->c, FOIA_E_INVALID, "%s", err);
	return 0;
}

/* A new agency must exist; the jurisdiction follows the agency unless
 * one is given. */
static int apply_agency(struct update *u, json_t *params)
{
	struct agency a = {0};
	const struct field_def *f = request_field_find("agency");
	bool moved = json_object_get(params, "agency") &&
		     !field_equal(f, &u->old, &u->next);
	if (!moved && u->next.jurisdiction)
		return 0;
	if (!u->next.agency)
		return call_error(u->c, FOIA_E_INVALID,
				  "a request needs an agency");
	int rc = store_agency_get(u->c->d->store, u->next.agency, &a);
	if (rc == STORE_NOT_FOUND)
		return call_error(u->c, FOIA_E_NOT_FOUND,
				  "unknown agency '%s' (see 'foia agency "
				  "list')",
				  u->next.agency);
	if (rc != STORE_OK)
		return store_failure(u->c, rc, "read the agency");
	/* A new agency brings its law unless one is given; clearing the
	 * jurisdiction also means "the agency's". */
	if (!u->next.jurisdiction ||
	    (moved && !json_object_get(params, "jurisdiction"))) {
		free(u->next.jurisdiction);
		u->next.jurisdiction = a.jurisdiction;
		a.jurisdiction = NULL;
	}
	agency_clear(&a);
	return 0;
}

/* Check the status change and fill the date it records. */
static int apply_status(struct update *u, json_t *params)
{
	char err[512], next[512];
	if (u->date && !u->status)
		return call_error(u->c, FOIA_E_INVALID,
				  "'date' goes with a status change");
	if (u->date && !check_date("date", u->date, err, sizeof(err)))
		return call_error(u->c, FOIA_E_INVALID, "%s", err);
	if (!u->status)
		return 0;
	if (!check_enum("status", u->status, status_names, err, sizeof(err)))
		return call_error(u->c, FOIA_E_INVALID, "%s", err);
	if (!status_transition_allowed(u->old.status, u->status)) {
		status_next_list(u->old.status, next, sizeof(next));
		return call_error(u->c, FOIA_E_CONFLICT,
				  "request %lld cannot go from %s to %s "
				  "(allowed next: %s)",
				  (long long)u->old.id, u->old.status,
				  u->status, next);
	}
	bool explicit_date = u->date != NULL;
	if (!u->date)
		u->date = strcmp(u->status, "submitted") == 0 && u->next.sent
				  ? u->next.sent
				  : u->today;
	if (u->next.sent && strcmp(u->date, u->next.sent) < 0 &&
	    strcmp(u->status, "submitted") != 0)
		return call_error(u->c, FOIA_E_INVALID,
				  "%s date %s is before the sent date %s",
				  u->status, u->date, u->next.sent);
	/* The status fills its date field when given a date, or when the
	 * field is empty: an earlier recorded date is never overwritten by
	 * "today". */
	const char *field = status_date_field(u->status);
	const struct field_def *fd = field ? request_field_find(field) : NULL;
	json_t *have = fd ? field_to_json(fd, &u->next) : NULL;
	bool fill = fd && !json_object_get(params, field) &&
		    (explicit_date || json_is_null(have));
	json_decref(have);
	if (fill) {
		json_t *d = json_string(u->date);
		bool ok = d && field_from_json(fd, d, &u->next, false, err,
					       sizeof(err));
		json_decref(d);
		if (!ok)
			return call_error(u->c, FOIA_E_INVALID, "%s", err);
	}
	char *copy = strdup(u->status);
	if (!copy)
		return call_error(u->c, FOIA_E_INTERNAL, "out of memory");
	free(u->next.status);
	u->next.status = copy;
	return 0;
}

static int append(struct update *u, struct event *e)
{
	e->request_id = u->old.id;
	e->actor = (char *)u->c->peer->name;
	int rc = store_event_append(u->c->d->store, e);
	free(e->at);
	e->at = NULL;
	return rc == STORE_OK ? 0 : store_failure(u->c, rc, "record a change");
}

/* One event per changed field; the tag set as one event. */
static int record_field_changes(struct update *u, int *changes)
{
	for (size_t i = 0; i < request_fields_count; i++) {
		const struct field_def *f = &request_fields[i];
		if (field_equal(f, &u->old, &u->next))
			continue;
		struct event e = {.kind = "field", .field = (char *)f->name};
		e.old_value = field_to_text(f, &u->old);
		e.new_value = field_to_text(f, &u->next);
		int rc = append(u, &e);
		free(e.old_value);
		free(e.new_value);
		if (rc < 0)
			return -1;
		(*changes)++;
	}
	char *before = request_tags_text(&u->old);
	char *after = request_tags_text(&u->next);
	int rc = before && after
			 ? 0
			 : call_error(u->c, FOIA_E_INTERNAL, "out of memory");
	if (rc == 0 && strcmp(before, after) != 0) {
		struct event e = {.kind = "tags",
				  .field = "tags",
				  .old_value = before,
				  .new_value = after};
		rc = append(u, &e);
		(*changes)++;
	}
	free(before);
	free(after);
	return rc;
}

/* The status event carries the note; without one the note stands alone. */
static int record_status_and_note(struct update *u, int *changes)
{
	struct event e = {.note = (char *)u->note};
	if (u->status) {
		e.kind = "status";
		e.field = "status";
		e.old_value = u->old.status;
		e.new_value = (char *)u->status;
		e.date = (char *)u->date;
		(*changes)++;
	} else if (u->note) {
		e.kind = "note";
		e.date = u->today;
	} else {
		return 0;
	}
	return append(u, &e);
}

/*
 * awaiting-requester is the status of a stopped clock: entering it opens a
 * toll (a question about the request, unless one is already open), and
 * leaving it closes the open toll on the date of the change. Recording it
 * as toll events keeps one source for the deadline engine.
 */
static int record_toll_by_status(struct update *u)
{
	const char *waiting = "awaiting-requester";
	bool entering = u->status && strcmp(u->status, waiting) == 0;
	bool leaving = u->status && strcmp(u->old.status, waiting) == 0;
	struct event_list ev;
	int32_t since;

	if (!entering && !leaving)
		return 0;
	int rc = event_list_load(u->c->d->store, u->old.id, &ev);
	if (rc != STORE_OK)
		return store_failure(u->c, rc, "read the history");
	bool open = request_open_toll(ev.v, ev.n, &since);
	event_list_free(&ev);
	if (entering && !open) {
		struct event e = {.kind = "toll",
				  .field = "clarification",
				  .date = (char *)u->date,
				  .note = "clock stopped: awaiting the "
					  "requester"};
		return append(u, &e);
	}
	if (leaving && open) {
		int32_t until;
		if (civil_parse(u->date, &until) && until < since) {
			char from[16];
			civil_format(since, from, sizeof(from));
			return call_error(u->c, FOIA_E_INVALID,
					  "date %s is before the clock stopped "
					  "on %s",
					  u->date, from);
		}
		struct event e = {.kind = "toll-end", .date = (char *)u->date};
		return append(u, &e);
	}
	return 0;
}

static int write_update(struct update *u, int *changes)
{
	struct store *st = u->c->d->store;
	int rc = store_begin(st);
	if (rc != STORE_OK)
		return store_failure(u->c, rc, "start a transaction");
	if (record_field_changes(u, changes) < 0 ||
	    record_status_and_note(u, changes) < 0 ||
	    record_toll_by_status(u) < 0)
		goto fail;
	if (*changes > 0 &&
	    (rc = store_request_save(st, &u->next)) != STORE_OK) {
		store_failure(u->c, rc, "save the request");
		goto fail;
	}
	rc = store_commit(st);
	if (rc == STORE_OK)
		return 0;
	store_failure(u->c, rc, "commit");
fail:
	store_rollback(st);
	return -1;
}

static int read_update_params(struct update *u, json_t *params, int64_t *id)
{
	static const char *const allowed[] = {"id",   "status",	  "date",
					      "note", "add_tags", "remove_tags",
					      NULL};
	char err[512];
	if (params_known(u->c, params, allowed, true) < 0 ||
	    param_id(u->c, params, "id", id) < 0 ||
	    param_string(u->c, params, "status", &u->status) < 0 ||
	    param_string(u->c, params, "date", &u->date) < 0 ||
	    param_string(u->c, params, "note", &u->note) < 0)
		return -1;
	if (u->note &&
	    !check_text("note", u->note, FOIA_MAX_NOTE, true, err, sizeof(err)))
		return call_error(u->c, FOIA_E_INVALID, "%s", err);
	if (u->note && !*u->note)
		u->note = NULL;
	return 0;
}

int method_request_update(struct call *c, json_t *params, json_t **result)
{
	struct update u = {.c = c};
	int64_t id;
	int changes = 0, rc = -1;
	char err[512];

	today_string(u.today, sizeof(u.today));
	if (read_update_params(&u, params, &id) < 0 ||
	    request_load(c, id, &u.old) < 0 || request_load(c, id, &u.next) < 0)
		goto out;
	if (apply_fields(&u, params) < 0 || apply_agency(&u, params) < 0 ||
	    apply_status(&u, params) < 0)
		goto out;
	if (!request_consistent(&u.next, err, sizeof(err))) {
		call_error(c, FOIA_E_INVALID, "%s", err);
		goto out;
	}
	if (check_law(c, u.next.jurisdiction) < 0)
		goto out;
	if (write_update(&u, &changes) < 0)
		goto out;
	request_clear(&u.next);
	if (request_load(c, id, &u.next) < 0)
		goto out;
	*result = json_pack("{s:o, s:i}", "request",
			    request_to_json(&u.next, today_days()), "changes",
			    changes);
	rc = *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
out:
	request_clear(&u.old);
	request_clear(&u.next);
	return rc;
}
