/*
 * method_deadline.c: the methods that move a request's clocks (toll,
 * extend, agree) and the cross-request list of what falls due.
 *
 * A clock-moving change is an event like any other. Before it is written,
 * the request's deadlines are recomputed in memory with the new event in
 * place, so a change the engine would refuse (a toll ending before it
 * starts, a date outside the calendar) is refused with the engine's own
 * words and nothing is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline_batch.h"
#include "deadline_json.h"
#include "event_list.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "json_text.h"
#include "method_util.h"
#include "methods.h"
#include "store_history.h"
#include "validate.h"

/* Everything a clock method needs about its request. */
struct clocked {
	struct request r;
	struct event_list ev;
	const struct jurisdiction *law;
	const struct juris_calendar *cal;
	int32_t start; /* received, else sent */
};

static void clocked_free(struct clocked *k)
{
	request_clear(&k->r);
	event_list_free(&k->ev);
}

static int clocked_load(struct call *c, json_t *params, struct clocked *k)
{
	int64_t id;
	memset(k, 0, sizeof(*k));
	if (param_id(c, params, "id", &id) < 0 ||
	    request_load(c, id, &k->r) < 0)
		return -1;
	if (!k->r.sent && !k->r.received)
		return call_error(c, FOIA_E_CONFLICT,
				  "request %lld has not been sent: its clock "
				  "has not started",
				  (long long)id);
	if (!civil_parse(k->r.received ? k->r.received : k->r.sent, &k->start))
		return call_error(c, FOIA_E_INTERNAL, "bad stored date");
	k->law = jurisdiction_find(&c->d->laws, k->r.jurisdiction);
	k->cal = k->law ? jurisdiction_calendar(&c->d->laws, k->law) : NULL;
	if (!k->law || !k->cal)
		return call_error(c, FOIA_E_CONFLICT,
				  "no law loaded for jurisdiction '%s': its "
				  "clocks cannot be computed",
				  k->r.jurisdiction);
	int rc = event_list_load(c->d->store, id, &k->ev);
	return rc == STORE_OK ? 0 : store_failure(c, rc, "read the history");
}

/* A required date param, not before the clock started. */
static int clock_date(struct call *c, json_t *params, const char *key,
		      const struct clocked *k, int32_t *out)
{
	const char *s;
	char err[256], start[16];
	if (param_string(c, params, key, &s) < 0)
		return -1;
	if (!s)
		return call_error(c, FOIA_E_INVALID, "'%s' is required", key);
	if (!check_date(key, s, err, sizeof(err)) || !civil_parse(s, out))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	if (*out < k->start) {
		civil_format(k->start, start, sizeof(start));
		return call_error(c, FOIA_E_INVALID,
				  "%s %s is before the request was %s on %s",
				  key, s, k->r.received ? "received" : "sent",
				  start);
	}
	return 0;
}

static int optional_note(struct call *c, json_t *params, const char **note)
{
	char err[256];
	if (param_string(c, params, "note", note) < 0)
		return -1;
	if (*note &&
	    !check_text("note", *note, FOIA_MAX_NOTE, true, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	if (*note && !**note)
		*note = NULL;
	return 0;
}

/* Check e against the engine with it in place, write it, and answer with
 * the request and its new deadlines. */
static int commit_clock_event(struct call *c, struct clocked *k,
			      struct event *e, json_t **result)
{
	struct rd_set set;
	char err[512];
	struct event *v = realloc(k->ev.v, (k->ev.n + 1) * sizeof(*v));
	if (!v)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	k->ev.v = v;
	k->ev.cap = k->ev.n + 1;
	v[k->ev.n] = *e;
	int rc = request_deadlines(&k->r, v, k->ev.n + 1, k->law, k->cal->cal,
				   today_days(), false, &set, err, sizeof(err));
	if (rc < 0)
		return call_error(c, FOIA_E_INVALID, "%s", err);
	e->request_id = k->r.id;
	e->actor = (char *)c->peer->name;
	rc = store_event_append(c->d->store, e);
	free(e->at);
	e->at = NULL;
	if (rc != STORE_OK)
		return store_failure(c, rc, "record the change");
	*result = json_pack("{s:o}", "request",
			    request_to_json(&k->r, today_days()));
	if (!*result)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	if (request_add_deadlines(c, &k->r, *result, false) < 0) {
		json_decref(*result);
		*result = NULL;
		return -1;
	}
	return 0;
}

/* --- request.toll ------------------------------------------------------ */

static int toll_open(struct call *c, json_t *params, struct clocked *k,
		     json_t **result)
{
	static const char *const reasons[] = {"clarification", "fees", NULL};
	const char *reason, *note;
	char err[256], a[16], b[16];
	int32_t from, until = 0, since;
	bool closed = json_object_get(params, "until") != NULL;

	if (clock_date(c, params, "from", k, &from) < 0 ||
	    (closed && clock_date(c, params, "until", k, &until) < 0) ||
	    param_string(c, params, "reason", &reason) < 0 ||
	    optional_note(c, params, &note) < 0)
		return -1;
	if (!reason)
		return call_error(c, FOIA_E_INVALID,
				  "a toll needs a reason (clarification or "
				  "fees)");
	if (!check_enum("reason", reason, reasons, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	if (request_open_toll(k->ev.v, k->ev.n, &since)) {
		civil_format(since, a, sizeof(a));
		return call_error(c, FOIA_E_CONFLICT,
				  "request %lld already has a toll open since "
				  "%s; close it first with 'foia toll %lld "
				  "--until DATE'",
				  (long long)k->r.id, a, (long long)k->r.id);
	}
	civil_format(from, a, sizeof(a));
	civil_format(until, b, sizeof(b));
	if (closed && until < from)
		return call_error(c, FOIA_E_INVALID,
				  "toll answered %s before it was asked %s", b,
				  a);
	struct event e = {.kind = "toll",
			  .field = (char *)reason,
			  .date = a,
			  .new_value = closed ? b : NULL,
			  .note = (char *)note};
	return commit_clock_event(c, k, &e, result);
}

static int toll_close(struct call *c, json_t *params, struct clocked *k,
		      json_t **result)
{
	const char *note;
	char a[16], b[16];
	int32_t until, since;

	if (clock_date(c, params, "until", k, &until) < 0 ||
	    optional_note(c, params, &note) < 0)
		return -1;
	if (!request_open_toll(k->ev.v, k->ev.n, &since))
		return call_error(c, FOIA_E_CONFLICT,
				  "request %lld has no open toll to close",
				  (long long)k->r.id);
	civil_format(since, a, sizeof(a));
	civil_format(until, b, sizeof(b));
	if (until < since)
		return call_error(c, FOIA_E_INVALID,
				  "toll answered %s before it was asked %s", b,
				  a);
	struct event e = {.kind = "toll-end", .date = b, .note = (char *)note};
	return commit_clock_event(c, k, &e, result);
}

int method_request_toll(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"id",	"from", "until",
					      "reason", "note", NULL};
	struct clocked k;
	int rc = -1;
	if (params_known(c, params, allowed, false) < 0)
		return -1;
	if (clocked_load(c, params, &k) == 0)
		rc = json_object_get(params, "from")
			     ? toll_open(c, params, &k, result)
			     : toll_close(c, params, &k, result);
	clocked_free(&k);
	return rc;
}

/* --- request.extend ---------------------------------------------------- */

static int extension_days(struct call *c, json_t *params,
			  const struct clocked *k, int *days)
{
	bool appeal;
	int used = request_extension_used(k->ev.v, k->ev.n, &appeal);
	const struct juris_clock *clk =
		appeal ? &k->law->appeal_decision : &k->law->initial;
	const char *what = appeal ? "appeal decision" : "response";
	int max = clk->rule.ext_max;
	json_t *v = json_object_get(params, "days");

	if (!clk->set || max == 0)
		return call_error(c, FOIA_E_CONFLICT,
				  "%s allows no extension of the %s period",
				  k->law->citation, what);
	if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
		  json_integer_value(v) > DEADLINE_MAX_DAYS))
		return call_error(c, FOIA_E_INVALID,
				  "'days' must be a positive number of days");
	if (!v && max < 0)
		return call_error(c, FOIA_E_INVALID,
				  "%s sets no maximum extension: give the "
				  "days of the notice",
				  k->law->citation);
	*days = v ? (int)json_integer_value(v) : max - used;
	if (*days < 1)
		return call_error(c, FOIA_E_CONFLICT,
				  "the %d %s days of extension that %s allows "
				  "are already recorded; record a longer "
				  "period as an agreed date ('foia agree')",
				  max, unit_name(clk->rule.ext_unit),
				  k->law->citation);
	if (max >= 0 && used + *days > max)
		return call_error(c, FOIA_E_CONFLICT,
				  "an extension of %d %s days (%d already "
				  "recorded) is over the %d that %s allows; "
				  "record a longer period as an agreed date "
				  "('foia agree')",
				  *days, unit_name(clk->rule.ext_unit), used,
				  max, k->law->citation);
	return 0;
}

int method_request_extend(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"id", "date", "days", "note",
					      NULL};
	struct clocked k;
	const char *note;
	char d[16], n[16];
	int32_t date;
	int days = 0, rc = -1;

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	if (clocked_load(c, params, &k) == 0 &&
	    clock_date(c, params, "date", &k, &date) == 0 &&
	    optional_note(c, params, &note) == 0 &&
	    extension_days(c, params, &k, &days) == 0) {
		civil_format(date, d, sizeof(d));
		snprintf(n, sizeof(n), "%d", days);
		struct event e = {.kind = "extension",
				  .field = "days",
				  .date = d,
				  .new_value = n,
				  .note = (char *)note};
		rc = commit_clock_event(c, &k, &e, result);
	}
	clocked_free(&k);
	return rc;
}

/* --- request.agree ----------------------------------------------------- */

int method_request_agree(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"id", "date", "reason", NULL};
	struct clocked k;
	const char *reason;
	char d[16], err[256];
	int32_t date;
	int rc = -1;

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	if (clocked_load(c, params, &k) == 0 &&
	    clock_date(c, params, "date", &k, &date) == 0 &&
	    param_string(c, params, "reason", &reason) == 0) {
		if (!reason || !*reason)
			call_error(c, FOIA_E_INVALID,
				   "an agreed date needs a reason");
		else if (!check_text("reason", reason, FOIA_MAX_NOTE, true, err,
				     sizeof(err)))
			call_error(c, FOIA_E_INVALID, "%s", err);
		else {
			char today[16];
			today_string(today, sizeof(today));
			civil_format(date, d, sizeof(d));
			struct event e = {.kind = "agreed",
					  .field = "due",
					  .date = today,
					  .new_value = d,
					  .note = (char *)reason};
			rc = commit_clock_event(c, &k, &e, result);
		}
	}
	clocked_free(&k);
	return rc;
}

/* --- deadlines ----------------------------------------------------------- */

struct due_walk {
	struct call *c;
	struct deadline_batch batch; /* histories, read in one pass */
	struct rd_set set;
	struct section out; /* the items as JSON text (json_text.h) */
	int32_t today;
	bool overdue_only;
	bool has_within;
	int within;
};

static bool wanted(const struct due_walk *w, const struct rd_deadline *d)
{
	if (!d->has_due || d->state == RD_STATE_MET)
		return false;
	if (w->overdue_only && d->state != RD_STATE_OVERDUE)
		return false;
	return !w->has_within || d->due - w->today <= w->within;
}

/* deadline_to_json (deadline_json.c) as text: the same keys, in the same
 * order, with the same values; keep the two in step. */
static void deadline_text(struct text *t, const struct rd_deadline *d,
			  int32_t today)
{
	bool live = d->has_due && d->state != RD_STATE_MET;
	bool stopped = d->state == RD_STATE_STOPPED;
	t_raw(t, "{\"kind\":");
	t_str(t, rd_kind_name(d->kind));
	t_key(t, "what");
	t_str(t, rd_kind_label(d->kind));
	t_key(t, "state");
	t_str(t, d->agreed && d->state == RD_STATE_DUE
			 ? "agreed"
			 : rd_state_name(d->state));
	t_key(t, "due");
	t_date(t, d->has_due, d->due);
	t_key(t, "days_left");
	if (live)
		t_int(t, d->due - today);
	else
		t_raw(t, "null");
	t_key(t, "overdue");
	t_bool(t, d->state == RD_STATE_OVERDUE);
	t_key(t, "met_on");
	t_date(t, d->has_met, d->met_on);
	t_key(t, "assumed_start");
	t_bool(t, d->assumed_start);
	t_key(t, "start");
	t_date(t, true, d->start);
	t_key(t, "period");
	t_int(t, d->period);
	t_key(t, "unit");
	t_str(t, unit_name(d->unit));
	t_key(t, "extension");
	t_int(t, d->extension);
	t_key(t, "agreed");
	t_bool(t, d->agreed);
	t_key(t, "stopped_since");
	t_date(t, stopped, d->stopped_on);
	t_key(t, "used");
	if (stopped)
		t_int(t, d->used);
	else
		t_raw(t, "null");
}

/* Each wanted deadline, with its request, written as text: at 100,000
 * requests the list holds hundreds of thousands of them. */
static int due_one(const struct request *r, void *arg)
{
	struct due_walk *w = arg;
	struct rd_set *set = &w->set;
	struct text *t = &w->out.t;
	if (deadline_batch_set(&w->batch, r, set) < 0)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		const struct rd_deadline *d = &set->v[i];
		if (!wanted(w, d))
			continue;
		section_begin(&w->out);
		deadline_text(t, d, w->today);
		t_put(t, ",", 1);
		request_item_text(t, r);
		t_put(t, "}", 1);
		/* By due date (wanted() keeps only deadlines with one), then
		 * request. */
		if (section_end(&w->out, d->due, r->id) < 0)
			return call_error(w->c, FOIA_E_INTERNAL,
					  "out of memory");
	}
	return 0;
}

int method_deadlines(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"within", "overdue", "project",
					      NULL};
	struct request_filter f = {.open_only = true};
	struct due_walk w;
	json_t *within = json_object_get(params, "within");

	if (params_known(c, params, allowed, false) < 0 ||
	    param_string(c, params, "project", &f.project) < 0)
		return -1;
	if (within &&
	    (!json_is_integer(within) || json_integer_value(within) < 0 ||
	     json_integer_value(within) > DEADLINE_MAX_DAYS))
		return call_error(c, FOIA_E_INVALID,
				  "'within' must be a number of days");
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.today = today_days();
	w.has_within = within != NULL;
	w.within = within ? (int)json_integer_value(within) : 0;
	w.overdue_only = json_is_true(json_object_get(params, "overdue"));
	w.out.order = 1;
	if (deadline_batch_open(c, &w.batch) < 0)
		return -1;
	int rc = store_request_scan(c->d->store, &f, false, due_one, &w);
	deadline_batch_close(&w.batch);
	if (rc != STORE_OK) {
		section_free(&w.out);
		if (c->err_code)
			return -1;
		return rc > 0 ? store_failure(c, rc, "list requests")
			      : call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	struct text out = {0};
	t_raw(&out, "{\"deadlines\":");
	section_array(&out, &w.out);
	t_put(&out, "}", 1);
	section_free(&w.out);
	if (out.oom || !out.p) {
		free(out.p);
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	c->raw = out.p; /* the reply is this text (rpc.h) */
	*result = NULL;
	return 0;
}
