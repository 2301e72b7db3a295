/*
 * request_deadlines.c: from a request's history to its clocks.
 *
 * The history is read once into plain facts (when it was determined,
 * appealed, which tolls and extensions were recorded); each clock is then
 * one call to the pure engine (deadline.c) with the law's rule, adjusted by
 * the agency's overrides. A clock is "met" by the status change that ends
 * it: a determination (granted, partially-granted, denied, no-records) for
 * the response and expedition clocks, an appeal for the appeal window, an
 * appeal decision for the appeal clock.
 */
#include "request_deadlines.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"

struct facts {
	bool determined;
	int32_t determined_on;
	bool adverse; /* the last determination can be appealed */
	bool appealed;
	int32_t appealed_on;
	bool appeal_decided;
	int32_t appeal_decided_on;
	bool ended; /* withdrawn before any determination */
	struct deadline_toll tolls[RD_MAX_TOLLS];
	size_t ntolls;
	int ext_initial, ext_appeal;
	bool agreed;
	int32_t agreed_due;
};

const char *rd_kind_name(enum rd_kind k)
{
	static const char *const names[] = {"determination", "expedited",
					    "appeal_window", "appeal_decision",
					    "followup"};
	return names[k];
}

const char *rd_kind_label(enum rd_kind k)
{
	static const char *const labels[] = {
		"FOIA response due", "expedited processing decision due",
		"appeal window closes", "appeal decision due", "follow-up due"};
	return labels[k];
}

const char *rd_state_name(enum rd_state s)
{
	static const char *const names[] = {"due", "overdue", "stopped", "met"};
	return names[s];
}

static bool is_determination(const char *status)
{
	return strcmp(status, "granted") == 0 ||
	       strcmp(status, "partially-granted") == 0 ||
	       strcmp(status, "denied") == 0 ||
	       strcmp(status, "no-records") == 0;
}

static bool date_of(const char *s, int32_t *d)
{
	return s && civil_parse(s, d);
}

static void read_status(struct facts *f, const char *to, int32_t d)
{
	if (is_determination(to)) {
		f->determined = true;
		f->determined_on = d;
		f->adverse = strcmp(to, "granted") != 0;
	} else if (strcmp(to, "appealed") == 0) {
		f->appealed = true;
		f->appealed_on = d;
		f->appeal_decided = false;
	} else if (strcmp(to, "appeal-decided") == 0) {
		f->appeal_decided = true;
		f->appeal_decided_on = d;
	} else if (strcmp(to, "withdrawn") == 0 && !f->determined) {
		f->ended = true;
	}
}

static void read_toll(struct facts *f, const struct event *e, int32_t d)
{
	if (f->ntolls == RD_MAX_TOLLS)
		return;
	struct deadline_toll *t = &f->tolls[f->ntolls++];
	t->kind = e->field && strcmp(e->field, "fees") == 0
			  ? DEADLINE_TOLL_FEE
			  : DEADLINE_TOLL_INFO;
	t->asked = d;
	t->open = !date_of(e->new_value, &t->answered);
}

static void read_toll_end(struct facts *f, int32_t d)
{
	for (size_t i = f->ntolls; i-- > 0;)
		if (f->tolls[i].open) {
			f->tolls[i].open = false;
			f->tolls[i].answered = d;
			return;
		}
}

static void read_history(struct facts *f, const struct event *ev, size_t n)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev[i];
		int32_t d;
		if (!e->kind || !date_of(e->date, &d))
			continue;
		if (strcmp(e->kind, "status") == 0 && e->new_value)
			read_status(f, e->new_value, d);
		else if (strcmp(e->kind, "toll") == 0)
			read_toll(f, e, d);
		else if (strcmp(e->kind, "toll-end") == 0)
			read_toll_end(f, d);
		else if (strcmp(e->kind, "extension") == 0 && e->new_value) {
			int days = atoi(e->new_value);
			if (f->appealed && d >= f->appealed_on)
				f->ext_appeal += days;
			else
				f->ext_initial += days;
		} else if (strcmp(e->kind, "agreed") == 0) {
			/* date: when it was agreed; new_value: the date
			 * agreed on (older events carry only the date). */
			f->agreed = true;
			if (!date_of(e->new_value, &f->agreed_due))
				f->agreed_due = d;
		}
	}
}

bool request_open_toll(const struct event *ev, size_t nev, int32_t *since)
{
	struct facts f;
	read_history(&f, ev, nev);
	for (size_t i = 0; i < f.ntolls; i++)
		if (f.tolls[i].open) {
			*since = f.tolls[i].asked;
			return true;
		}
	return false;
}

int request_extension_used(const struct event *ev, size_t nev, bool *appeal)
{
	struct facts f;
	read_history(&f, ev, nev);
	*appeal = f.appealed;
	return f.appealed ? f.ext_appeal : f.ext_initial;
}

/* When the clock starts: receipt, or the sent date (later for mail). */
static bool clock_start(const struct request *r, const struct jurisdiction *law,
			int32_t *start, bool *assumed)
{
	int32_t sent;
	*assumed = false;
	if (date_of(r->received, start))
		return true;
	if (!date_of(r->sent, &sent))
		return false;
	*assumed = true;
	bool mailed = r->method && strcmp(r->method, "mail") == 0;
	*start = sent + (mailed ? law->mail_days : 0);
	return true;
}

/* The rule of a clock with the agency's overrides applied. */
static struct deadline_rule rule_for(const struct juris_clock *c,
				     const struct juris_override *o,
				     enum rd_kind kind)
{
	struct deadline_rule rule = c->rule;
	if (o && kind == RD_DETERMINATION && o->has_receipt_is_day1)
		rule.receipt_is_day1 = o->receipt_is_day1;
	if (o && kind == RD_APPEAL_WINDOW && o->has_appeal_window)
		rule.days = o->appeal_window_days;
	return rule;
}

struct compute {
	const struct workcal *cal;
	int32_t today;
	bool explain;
	char *err;
	size_t errlen;
};

/* Run the engine for one clock and fill d from its result. */
static int run_clock(const struct compute *cx, const struct deadline_rule *rule,
		     const struct deadline_input *in, struct rd_deadline *d)
{
	struct deadline_result res;
	struct deadline_steps steps = {d->steps, RD_MAX_STEPS, 0, 0};
	if (deadline_compute(cx->cal, rule, in, &res,
			     cx->explain ? &steps : NULL, cx->err,
			     cx->errlen) != WORKCAL_OK)
		return -1;
	d->nsteps = steps.n;
	d->start = res.start;
	d->period = rule->days;
	d->unit = rule->unit;
	d->extension = in->extension;
	if (res.state == DEADLINE_STOPPED) {
		d->state = RD_STATE_STOPPED;
		d->used = res.used;
		d->stopped_on = res.stopped_on;
		return 0;
	}
	d->has_due = true;
	d->due = res.due;
	d->agreed = res.agreed;
	d->state = cx->today > res.due ? RD_STATE_OVERDUE : RD_STATE_DUE;
	return 0;
}

static void mark_met(struct rd_deadline *d, bool met, int32_t on)
{
	if (!met)
		return;
	d->state = RD_STATE_MET;
	d->has_met = true;
	d->met_on = on;
}

static struct rd_deadline *add(struct rd_set *s, enum rd_kind kind)
{
	struct rd_deadline *d = &s->v[s->n++];
	/* The steps are written before they are read (nsteps counts them). */
	memset(d, 0, offsetof(struct rd_deadline, steps));
	d->nsteps = 0;
	d->kind = kind;
	return d;
}

static int determination(const struct compute *cx, const struct request *r,
			 const struct jurisdiction *law, const struct facts *f,
			 struct rd_set *s)
{
	struct deadline_input in = {0};
	bool assumed;
	if (!law->initial.set || !clock_start(r, law, &in.received, &assumed))
		return 0;
	struct deadline_rule rule =
		rule_for(&law->initial, jurisdiction_override(law, r->agency),
			 RD_DETERMINATION);
	in.tolls = f->tolls;
	in.n_tolls = f->ntolls;
	in.extension = f->ext_initial;
	in.agreed = f->agreed;
	in.agreed_due = f->agreed_due;
	struct rd_deadline *d = add(s, RD_DETERMINATION);
	d->assumed_start = assumed;
	if (run_clock(cx, &rule, &in, d) < 0)
		return -1;
	mark_met(d, f->determined, f->determined_on);
	s->clock_period = d->period + d->extension;
	s->clock_unit = d->unit;
	if (d->state == RD_STATE_STOPPED) {
		s->clock = RD_CLOCK_STOPPED;
		s->clock_since = d->stopped_on;
		s->clock_used = d->used;
	} else {
		s->clock = d->state == RD_STATE_MET ? RD_CLOCK_DONE
						    : RD_CLOCK_RUNNING;
	}
	return 0;
}

static int expedited(const struct compute *cx, const struct request *r,
		     const struct jurisdiction *law, const struct facts *f,
		     struct rd_set *s)
{
	struct deadline_input in = {0};
	bool assumed;
	if (!r->expedited || !law->expedited.set ||
	    !clock_start(r, law, &in.received, &assumed))
		return 0;
	struct rd_deadline *d = add(s, RD_EXPEDITED);
	d->assumed_start = assumed;
	if (run_clock(cx, &law->expedited.rule, &in, d) < 0)
		return -1;
	mark_met(d, f->determined, f->determined_on);
	return 0;
}

static int appeal_window(const struct compute *cx, const struct request *r,
			 const struct jurisdiction *law, const struct facts *f,
			 struct rd_set *s)
{
	if (!law->appeal_window.set || !f->determined || !f->adverse)
		return 0;
	struct deadline_input in = {.received = f->determined_on};
	struct deadline_rule rule = rule_for(
		&law->appeal_window, jurisdiction_override(law, r->agency),
		RD_APPEAL_WINDOW);
	struct rd_deadline *d = add(s, RD_APPEAL_WINDOW);
	if (run_clock(cx, &rule, &in, d) < 0)
		return -1;
	mark_met(d, f->appealed && f->appealed_on >= f->determined_on,
		 f->appealed_on);
	return 0;
}

static int appeal_decision(const struct compute *cx,
			   const struct jurisdiction *law,
			   const struct facts *f, struct rd_set *s)
{
	if (!law->appeal_decision.set || !f->appealed)
		return 0;
	struct deadline_input in = {.received = f->appealed_on,
				    .extension = f->ext_appeal};
	struct rd_deadline *d = add(s, RD_APPEAL_DECISION);
	if (run_clock(cx, &law->appeal_decision.rule, &in, d) < 0)
		return -1;
	mark_met(d, f->appeal_decided, f->appeal_decided_on);
	return 0;
}

/* A law with no period: the next follow-up, every followup_every days. */
static void followup(const struct compute *cx, const struct request *r,
		     const struct jurisdiction *law, const struct facts *f,
		     struct rd_set *s)
{
	int32_t start;
	bool assumed;
	int every = law->followup_every;
	if (law->initial.set || every <= 0 ||
	    !clock_start(r, law, &start, &assumed))
		return;
	struct rd_deadline *d = add(s, RD_FOLLOWUP);
	int32_t elapsed = cx->today - start;
	int32_t k = elapsed <= 0 ? 1 : (elapsed + every - 1) / every;
	d->has_due = true;
	d->due = start + (k < 1 ? 1 : k) * every;
	d->start = start;
	d->period = every;
	d->unit = DEADLINE_CALENDAR_DAYS;
	d->assumed_start = assumed;
	d->state = RD_STATE_DUE;
	mark_met(d, f->determined, f->determined_on);
	s->clock = d->state == RD_STATE_MET ? RD_CLOCK_DONE : RD_CLOCK_RUNNING;
}

/* Constructive exhaustion: the day after a response or appeal deadline
 * passed unanswered (552(a)(6)(C)(i)); suit within the limitations
 * period after that. */
static void exhaustion(const struct jurisdiction *law, struct rd_set *s,
		       int32_t today)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct rd_deadline *d = &s->v[i];
		const struct juris_clock *c =
			d->kind == RD_DETERMINATION	? &law->initial
			: d->kind == RD_APPEAL_DECISION ? &law->appeal_decision
							: NULL;
		if (!c || !c->rule.exhaustion || !d->has_due ||
		    today <= d->due || (d->has_met && d->met_on <= d->due))
			continue;
		s->has_exhaustion = true;
		s->exhaustion = d->due + 1;
		int32_t lim;
		if (c->rule.limitations_years > 0 &&
		    deadline_add_years(s->exhaustion, c->rule.limitations_years,
				       &lim) == WORKCAL_OK) {
			s->has_limitations = true;
			s->limitations = lim;
		}
		return;
	}
}

int request_deadlines(const struct request *r, const struct event *ev,
		      size_t nev, const struct jurisdiction *law,
		      const struct workcal *cal, int32_t today, bool explain,
		      struct rd_set *out, char *err, size_t errlen)
{
	struct facts f;
	struct compute cx = {cal, today, explain, err, errlen};

	rd_set_clear(out);
	read_history(&f, ev, nev);
	if (f.ended) {
		out->clock = RD_CLOCK_DONE;
		return 0;
	}
	if (strcmp(r->status, "draft") == 0)
		return 0;
	if (determination(&cx, r, law, &f, out) < 0 ||
	    expedited(&cx, r, law, &f, out) < 0 ||
	    appeal_window(&cx, r, law, &f, out) < 0 ||
	    appeal_decision(&cx, law, &f, out) < 0)
		return -1;
	followup(&cx, r, law, &f, out);
	exhaustion(law, out, today);
	if (strcmp(r->status, "withdrawn") == 0 ||
	    strcmp(r->status, "closed") == 0)
		out->clock = RD_CLOCK_DONE;
	return 0;
}

void rd_set_clear(struct rd_set *s)
{
	for (size_t i = 0; i < sizeof(s->v) / sizeof(s->v[0]); i++) {
		memset(&s->v[i], 0, offsetof(struct rd_deadline, steps));
		s->v[i].nsteps = 0;
	}
	memset((char *)s + offsetof(struct rd_set, n), 0,
	       sizeof(*s) - offsetof(struct rd_set, n));
}

const struct rd_deadline *rd_next(const struct rd_set *s)
{
	const struct rd_deadline *best = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const struct rd_deadline *d = &s->v[i];
		if (d->state == RD_STATE_MET || !d->has_due)
			continue;
		if (!best || d->due < best->due)
			best = d;
	}
	return best;
}
