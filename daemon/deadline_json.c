/*
 * deadline_json.c: computing a request's deadlines from the store and
 * rendering them (see deadline_json.h).
 */
#include "deadline_json.h"

#include <stdio.h>
#include <string.h>

#include "event_list.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "log.h"
#include "method_util.h"

const char *unit_name(enum deadline_unit u)
{
	return u == DEADLINE_WORKING_DAYS ? "working" : "calendar";
}

static json_t *date_json(bool has, int32_t d)
{
	char buf[16];
	if (!has)
		return json_null();
	civil_format(d, buf, sizeof(buf));
	return json_string(buf);
}

json_t *steps_to_json(const struct deadline_step *steps, size_t n)
{
	json_t *a = json_array();
	char line[512];
	for (size_t i = 0; a && i < n; i++) {
		deadline_format_step(&steps[i], line, sizeof(line));
		if (json_array_append_new(a, json_string(line)) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* An agreed date that is still ahead shows as "agreed"; past it, it is
 * overdue like any other. */
static const char *state_name(const struct rd_deadline *d)
{
	return d->agreed && d->state == RD_STATE_DUE ? "agreed"
						     : rd_state_name(d->state);
}

json_t *deadline_to_json(const struct rd_deadline *d, int32_t today)
{
	bool live = d->has_due && d->state != RD_STATE_MET;
	return json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:b, s:o, s:i, s:s, "
		"s:i, s:b, s:o, s:o}",
		"kind", rd_kind_name(d->kind), "what", rd_kind_label(d->kind),
		"state", state_name(d), "due", date_json(d->has_due, d->due),
		"days_left", live ? json_integer(d->due - today) : json_null(),
		"overdue", d->state == RD_STATE_OVERDUE, "met_on",
		date_json(d->has_met, d->met_on), "assumed_start",
		d->assumed_start, "start", date_json(true, d->start), "period",
		d->period, "unit", unit_name(d->unit), "extension",
		d->extension, "agreed", d->agreed, "stopped_since",
		date_json(d->state == RD_STATE_STOPPED, d->stopped_on), "used",
		d->state == RD_STATE_STOPPED ? json_integer(d->used)
					     : json_null());
}

json_t *deadlines_to_json(const struct rd_set *set, int32_t today, bool explain)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < set->n; i++) {
		json_t *o = deadline_to_json(&set->v[i], today);
		if (o && explain)
			json_object_set_new(o, "explain",
					    steps_to_json(set->v[i].steps,
							  set->v[i].nsteps));
		if (json_array_append_new(a, o) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *law_to_json(const struct jurisdiction *law)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "code", law->code,
			 "name", law->name, "citation", law->citation,
			 "confidence", juris_confidence_name(law->confidence),
			 "calendar", law->calendar, "own_calendar",
			 law->own_calendar);
}

int request_deadline_set(struct call *c, const struct request *r, bool explain,
			 struct rd_set *set)
{
	struct event_list ev;
	char err[512];
	memset(set, 0, sizeof(*set));
	const struct jurisdiction *law =
		r->jurisdiction
			? jurisdiction_find(&c->d->laws, r->jurisdiction)
			: NULL;
	const struct juris_calendar *cal =
		law ? jurisdiction_calendar(&c->d->laws, law) : NULL;
	if (!law || !cal || !cal->cal)
		return 0;
	int rc = event_list_load(c->d->store, r->id, &ev);
	if (rc != STORE_OK)
		return store_failure(c, rc, "read the history");
	rc = request_deadlines(r, ev.v, ev.n, law, cal->cal, today_days(),
			       explain, set, err, sizeof(err));
	event_list_free(&ev);
	if (rc < 0) {
		/* One request's bad date must not hide everyone's deadlines:
		 * report it with that request and carry on. */
		memset(set, 0, sizeof(*set));
		snprintf(set->problem, sizeof(set->problem),
			 "deadlines not computed: %.200s", err);
		log_warnx("request %lld: %s", (long long)r->id, err);
	}
	return 1;
}

static json_t *clock_json(const struct rd_set *s)
{
	static const char *const names[] = {"none", "running", "stopped",
					    "done"};
	bool stopped = s->clock == RD_CLOCK_STOPPED;
	bool counted = s->clock != RD_CLOCK_NONE && s->clock_period > 0;
	return json_pack(
		"{s:s, s:o, s:o, s:o, s:o}", "state", names[s->clock], "since",
		date_json(stopped, s->clock_since), "used",
		stopped ? json_integer(s->clock_used) : json_null(), "period",
		counted ? json_integer(s->clock_period) : json_null(), "unit",
		counted ? json_string(unit_name(s->clock_unit)) : json_null());
}

int request_add_deadlines(struct call *c, const struct request *r, json_t *obj,
			  bool explain)
{
	struct rd_set set;
	int rc = request_deadline_set(c, r, explain, &set);
	if (rc < 0)
		return -1;
	const struct jurisdiction *law =
		rc ? jurisdiction_find(&c->d->laws, r->jurisdiction) : NULL;
	int bad = json_object_set_new(
		obj, "deadlines",
		deadlines_to_json(&set, today_days(), explain));
	bad |= json_object_set_new(obj, "clock", clock_json(&set));
	bad |= json_object_set_new(
		obj, "exhaustion",
		date_json(set.has_exhaustion, set.exhaustion));
	bad |= json_object_set_new(
		obj, "limitations",
		date_json(set.has_limitations, set.limitations));
	bad |= json_object_set_new(obj, "jurisdiction_info",
				   law ? law_to_json(law) : json_null());
	bad |= json_object_set_new(obj, "deadlines_problem",
				   set.problem[0] ? json_string(set.problem)
						  : json_null());
	return bad ? call_error(c, FOIA_E_INTERNAL, "out of memory") : 0;
}
