/*
 * method_calc.c: the deadline engine without a stored request (calc), the
 * non-working days of a law's calendar (holidays), and the laws themselves
 * (jurisdiction.list). Read-only: nothing here touches the store.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deadline_json.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "method_util.h"
#include "methods.h"
#include "validate.h"

#define CALC_MAX_TOLLS 32
#define CALC_MAX_STEPS 256

/* The law named by params' "jurisdiction" (us-federal when absent). */
static const struct jurisdiction *law_param(struct call *c, json_t *params)
{
	const char *code;
	if (param_string(c, params, "jurisdiction", &code) < 0)
		return NULL;
	if (!code)
		code = "us-federal";
	if (c->d->laws.n == 0) {
		call_error(c, FOIA_E_CONFLICT,
			   "no jurisdictions are loaded (see the "
			   "'jurisdictions' setting of foiad.conf)");
		return NULL;
	}
	const struct jurisdiction *law = jurisdiction_find(&c->d->laws, code);
	if (!law)
		call_error(c, FOIA_E_NOT_FOUND,
			   "unknown jurisdiction '%.64s' (see 'foia "
			   "jurisdictions')",
			   code);
	return law;
}

static int date_param(struct call *c, json_t *v, const char *what, int32_t *out)
{
	char err[256];
	const char *s = json_string_value(v);
	if (!s)
		return call_error(c, FOIA_E_INVALID, "'%s' must be a date",
				  what);
	if (!check_date(what, s, err, sizeof(err)) || !civil_parse(s, out))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	return 0;
}

static int tolls_param(struct call *c, json_t *list,
		       struct deadline_toll *tolls, size_t *n)
{
	size_t i;
	json_t *t;
	*n = 0;
	if (!list)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > CALC_MAX_TOLLS)
		return call_error(c, FOIA_E_INVALID,
				  "'tolls' must be a list of at most %d "
				  "{from, until}",
				  CALC_MAX_TOLLS);
	json_array_foreach(list, i, t)
	{
		json_t *until = json_object_get(t, "until");
		tolls[i] = (struct deadline_toll){.kind = DEADLINE_TOLL_INFO};
		if (date_param(c, json_object_get(t, "from"), "toll from",
			       &tolls[i].asked) < 0)
			return -1;
		tolls[i].open = !until || json_is_null(until);
		if (!tolls[i].open &&
		    date_param(c, until, "toll until", &tolls[i].answered) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

static json_t *day_json(bool has, int32_t d)
{
	char buf[16];
	if (!has)
		return json_null();
	civil_format(d, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *calc_result(const struct jurisdiction *law,
			   const struct deadline_rule *rule,
			   const struct deadline_input *in,
			   const struct deadline_result *res,
			   const struct deadline_steps *steps, bool explain)
{
	bool due = res->state == DEADLINE_DUE;
	json_t *o = json_pack(
		"{s:o, s:s, s:o, s:i, s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:o, "
		"s:i}",
		"due", day_json(due, res->due), "state",
		due ? "due" : "stopped", "start", day_json(true, res->start),
		"period", rule->days, "unit", unit_name(rule->unit),
		"extension", in->extension, "jurisdiction", law->code,
		"citation", law->citation, "confidence",
		juris_confidence_name(law->confidence), "overdue_from",
		day_json(due, res->overdue_from), "exhaustion",
		day_json(res->has_exhaustion, res->exhaustion), "limitations",
		day_json(res->has_limitations, res->limitations), "used",
		res->used);
	if (o && explain)
		json_object_set_new(o, "explain",
				    steps_to_json(steps->v, steps->n));
	return o;
}

int method_calc(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {
		"received",  "jurisdiction", "agency", "tolls",
		"extension", "explain",	     NULL};
	struct deadline_step stepv[CALC_MAX_STEPS];
	struct deadline_toll tolls[CALC_MAX_TOLLS];
	struct deadline_input in = {.tolls = tolls};
	struct deadline_steps steps = {stepv, CALC_MAX_STEPS, 0, 0};
	struct deadline_result res;
	char err[512];

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	const struct jurisdiction *law = law_param(c, params);
	if (!law ||
	    date_param(c, json_object_get(params, "received"), "received",
		       &in.received) < 0 ||
	    tolls_param(c, json_object_get(params, "tolls"), tolls,
			&in.n_tolls) < 0)
		return -1;
	json_t *ext = json_object_get(params, "extension");
	if (ext && (!json_is_integer(ext) || json_integer_value(ext) < 0 ||
		    json_integer_value(ext) > DEADLINE_MAX_DAYS))
		return call_error(c, FOIA_E_INVALID,
				  "'extension' must be a number of days");
	in.extension = ext ? (int)json_integer_value(ext) : 0;
	if (!law->initial.set)
		return call_error(c, FOIA_E_CONFLICT,
				  "%s (%s) sets no fixed period: follow up "
				  "every %d days instead",
				  law->code, law->citation,
				  law->followup_every);
	const char *agency;
	if (param_string(c, params, "agency", &agency) < 0)
		return -1;
	struct deadline_rule rule = law->initial.rule;
	const struct juris_override *o =
		agency ? jurisdiction_override(law, agency) : NULL;
	if (o && o->has_receipt_is_day1)
		rule.receipt_is_day1 = o->receipt_is_day1;
	bool explain = json_is_true(json_object_get(params, "explain"));
	const struct juris_calendar *cal =
		jurisdiction_calendar(&c->d->laws, law);
	if (!cal || !cal->cal)
		return call_error(c, FOIA_E_INTERNAL, "no calendar for '%s'",
				  law->code);
	if (deadline_compute(cal->cal, &rule, &in, &res,
			     explain ? &steps : NULL, err,
			     sizeof(err)) != WORKCAL_OK)
		return call_error(c, FOIA_E_INVALID, "%s", err);
	*result = calc_result(law, &rule, &in, &res, &steps, explain);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

/* --- holidays ---------------------------------------------------------- */

static json_t *holiday_json(const struct workcal_holiday *h)
{
	static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu",
					 "Fri", "Sat", "Sun"};
	return json_pack("{s:o, s:s, s:s, s:b, s:b}", "date",
			 day_json(true, h->date), "weekday",
			 wd[civil_weekday(h->date)], "name", h->name, "closure",
			 h->closure, "observed", h->observed);
}

static int this_year(void)
{
	int y, m, d;
	civil_from_days(today_days(), &y, &m, &d);
	return y;
}

int method_holidays(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"year", "jurisdiction", NULL};
	struct workcal_iter it;
	const struct workcal_holiday *h;

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	const struct jurisdiction *law = law_param(c, params);
	if (!law)
		return -1;
	const struct juris_calendar *cal =
		jurisdiction_calendar(&c->d->laws, law);
	json_t *jy = json_object_get(params, "year");
	int year = jy ? (int)json_integer_value(jy) : this_year();
	if (jy && !json_is_integer(jy))
		return call_error(c, FOIA_E_INVALID, "'year' must be a year");
	if (!cal || !cal->cal ||
	    workcal_year_holidays(cal->cal, year, &it) != WORKCAL_OK)
		return call_error(c, FOIA_E_INVALID,
				  "year %d is outside the calendar (%d to %d)",
				  year, JURIS_FIRST_YEAR, JURIS_LAST_YEAR);
	json_t *days = json_array();
	while (days && (h = workcal_iter_next(&it)))
		json_array_append_new(days, holiday_json(h));
	*result =
		json_pack("{s:s, s:s, s:b, s:i, s:o}", "jurisdiction",
			  law->code, "calendar", law->calendar, "own_calendar",
			  law->own_calendar, "year", year, "days", days);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

/* --- jurisdiction.list ------------------------------------------------- */

static json_t *clock_summary(const struct juris_clock *k)
{
	if (!k->set)
		return json_null();
	return json_pack("{s:i, s:s, s:i}", "days", k->rule.days, "unit",
			 unit_name(k->rule.unit), "extension", k->rule.ext_max);
}

int method_jurisdiction_list(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {NULL};
	if (params_known(c, params, allowed, false) < 0)
		return -1;
	json_t *list = json_array();
	for (size_t i = 0; list && i < c->d->laws.n; i++) {
		const struct jurisdiction *law = &c->d->laws.v[i];
		json_t *o = law_to_json(law);
		if (!o) {
			json_decref(list);
			list = NULL;
			break;
		}
		json_object_set_new(o, "initial", clock_summary(&law->initial));
		json_object_set_new(
			o, "followup_every",
			law->initial.set ? json_null()
					 : json_integer(law->followup_every));
		json_object_set_new(o, "notes",
				    law->notes ? json_string(law->notes)
					       : json_null());
		json_array_append_new(list, o);
	}
	*result = list ? json_pack("{s:o}", "jurisdictions", list) : NULL;
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}
