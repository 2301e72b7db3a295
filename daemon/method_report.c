/*
 * method_report.c: the `report` method, the group status report in one
 * object (its shape is documented in include/foia/protocol.h).
 *
 * The counts come from one SQL GROUP BY query (store_report.c). The other
 * sections need the deadline engine, which works from a request's history:
 * each covered request is loaded once with its events, its clocks derived
 * as everywhere else (request_deadlines), and it then feeds the sections
 * it belongs to: the deadline lists when open, the agency performance when
 * it was acknowledged or answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "deadline_json.h"
#include "event_list.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "json_text.h"
#include "method_util.h"
#include "methods.h"
#include "report_stats.h"
#include "rpc.h"
#include "store_report.h"
#include "validate.h"

#define REPORT_UPCOMING_DAYS 14
#define REPORT_MIN_SAMPLE    5 /* when the configuration says nothing */

/* What one agency's answered requests add up to. */
struct perf {
	char *code;
	char *name;
	int *ack, *det; /* toll-free working days to each answer */
	size_t nack, ndet, cap_ack, cap_det;
	size_t on_time, judged; /* determinations with a due date */
};

/*
 * The deadline sections are written as JSON text (json_text.h), not built
 * as jansson trees: at 100,000 requests they hold hundreds of thousands
 * of items, and making, printing and freeing that many small objects cost
 * most of a report. Nor is an item written as text during the walk: what
 * every item of a request starts with (item_begin's prefix) is written
 * once per request and kept, and an item is a small record (struct item)
 * pointing at it, with the dates it shows. The records are sorted and
 * written out, prefix and the rest, straight into the reply (rpc's raw
 * result): fresh memory, faulted in and zeroed page by page, cost a large
 * report more than the writing itself, and this way only the reply and
 * the prefixes take much of it.
 */

/* One item of a deadline section. What a, b and key mean depends on the
 * section (the writers below); the number of days an item shows is its
 * key in every sorted section. */
struct item {
	struct item_key k;
	struct kept pre; /* its prefix (for a toll, with the reason) */
	int32_t a, b;
	bool has_a, has_b;
	uint8_t kind; /* enum rd_kind */
};

struct items {
	struct item *v;
	size_t n, cap;
	int order; /* as items_order takes it */
};

struct report {
	struct call *c;
	int32_t today;
	struct items overdue, upcoming, ripe, appeals, tolls, open;
	struct section pre; /* the prefixes' text: kept, never moved */
	struct kept cur;    /* the current request's prefix ... */
	bool has_cur;	    /* ... when it has been written */
	struct perf *perf;
	size_t nperf, cap_perf;
	struct event_feed feed; /* the covered requests' clock histories */
	struct rd_set set;	/* the current request's clocks */
	size_t n;		/* requests covered */
};

/* Room for n items in all (a hint, when about that many will come: the
 * list is then not copied over as it grows). */
static void items_expect(struct items *l, size_t n)
{
	if (n <= l->cap || n > SIZE_MAX / sizeof(*l->v))
		return;
	struct item *v = mem_grow(l->v, l->n * sizeof(*v), n * sizeof(*v));
	if (v) {
		l->v = v;
		l->cap = n;
	}
}

/* A new item at the end of l, keyed key for request r, with the current
 * prefix; NULL when out of memory. */
static struct item *item_add(struct report *w, struct items *l,
			     const struct request *r, long long key)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct item *v = cap > SIZE_MAX / sizeof(*v)
					 ? NULL
					 : mem_grow(l->v, l->n * sizeof(*v),
						    cap * sizeof(*v));
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	struct item *it = &l->v[l->n++];
	*it = (struct item){.k = {key, r->id}, .pre = w->cur};
	return it;
}

/* {request, agency, subject, project, status: what every item starts
 * with. */
static void write_prefix(struct text *t, const struct request *r)
{
	t_put(t, "{", 1);
	request_item_text(t, r);
}

/* An item of r in l: its prefix is written once per request (up to three
 * sections have an item of it), the item points at it. */
static struct item *item_begin(struct report *w, struct items *l,
			       const struct request *r, long long key)
{
	if (!w->has_cur) {
		section_begin(&w->pre);
		write_prefix(&w->pre.t, r);
		if (!section_keep(&w->pre, &w->cur))
			return NULL;
		w->has_cur = true;
	}
	return item_add(w, l, r, key);
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int add(json_t *list, json_t *o)
{
	return o && json_array_append_new(list, o) == 0 ? 0 : -1;
}

/* Still awaiting the agency's answer (or an appeal's). */
static bool is_pending(const char *status)
{
	static const char *const done[] = {
		"granted",	  "partially-granted", "denied", "no-records",
		"appeal-decided", "withdrawn",	       "closed"};
	for (size_t i = 0; i < sizeof(done) / sizeof(done[0]); i++)
		if (strcmp(status, done[i]) == 0)
			return false;
	return true;
}

/* --- the deadline sections ------------------------------------------------ */

static int open_sections(struct report *w, const struct request *r,
			 const struct event_list *ev, const struct rd_set *set)
{
	int32_t today = w->today, since, sent = 0;
	const struct rd_deadline *det = NULL;
	struct item *it;

	for (size_t i = 0; i < set->n; i++) {
		const struct rd_deadline *d = &set->v[i];
		if (d->kind == RD_DETERMINATION || d->kind == RD_EXPEDITED)
			if (!det || (d->has_due && d->state != RD_STATE_MET))
				det = d;
		if (!d->has_due || d->state == RD_STATE_MET)
			continue;
		/* Overdue means the agency owes an answer: a missed appeal
		 * window or follow-up is not the agency's delay. */
		if (d->state == RD_STATE_OVERDUE &&
		    (d->kind == RD_DETERMINATION || d->kind == RD_EXPEDITED ||
		     d->kind == RD_APPEAL_DECISION)) {
			if (!(it = item_begin(w, &w->overdue, r,
					      today - d->due)))
				return -1;
			it->a = d->due;
			it->kind = (uint8_t)d->kind;
		} else if (d->state != RD_STATE_OVERDUE &&
			   d->due - today <= REPORT_UPCOMING_DAYS) {
			if (!(it = item_begin(w, &w->upcoming, r,
					      d->due - today)))
				return -1;
			it->a = d->due;
			it->kind = (uint8_t)d->kind;
		}
		if (d->kind == RD_APPEAL_WINDOW &&
		    d->state != RD_STATE_OVERDUE) {
			if (!(it = item_begin(w, &w->appeals, r,
					      d->due - today)))
				return -1;
			it->a = d->due;
		}
	}
	/* Constructive exhaustion lets one sue only while the answer is
	 * still missing: an answered request is no longer ripe. */
	if (set->has_exhaustion && set->exhaustion <= today &&
	    set->clock != RD_CLOCK_DONE) {
		if (!(it = item_begin(w, &w->ripe, r, today - set->exhaustion)))
			return -1;
		it->a = set->exhaustion;
	}
	/* The last toll gives the reason. Without any, no toll can be open:
	 * the history need not be read again (request_open_toll). */
	const struct event *last_toll = NULL;
	for (size_t i = ev->n; i-- > 0;)
		if (ev->v[i].kind && !strcmp(ev->v[i].kind, "toll")) {
			last_toll = &ev->v[i];
			break;
		}
	if (last_toll && request_open_toll(ev->v, ev->n, &since)) {
		/* Its own prefix, with the reason (tolls are few). */
		struct kept pre;
		section_begin(&w->pre);
		write_prefix(&w->pre.t, r);
		t_key(&w->pre.t, "reason");
		t_str(&w->pre.t,
		      last_toll->field ? last_toll->field : "clarification");
		if (!section_keep(&w->pre, &pre) ||
		    !(it = item_add(w, &w->tolls, r, today - since)))
			return -1;
		it->pre = pre;
		it->a = since;
	}
	/* The charts' material: every pending request's age and due date. */
	if (!is_pending(r->status))
		return 0;
	if (!(it = item_begin(w, &w->open, r, 0)))
		return -1;
	it->has_a = r->sent && civil_parse(r->sent, &sent);
	it->a = sent;
	it->has_b = det && det->has_due && det->state != RD_STATE_MET;
	it->b = det ? det->due : 0;
	return 0;
}

/* The rest of each section's items, after the prefix. */
static void write_deadline(struct text *t, const struct item *it,
			   const char *days)
{
	t_key(t, "kind");
	t_str(t, rd_kind_name((enum rd_kind)it->kind));
	t_key(t, "what");
	t_str(t, rd_kind_label((enum rd_kind)it->kind));
	t_key(t, "due");
	t_date(t, true, it->a);
	t_key(t, days);
	t_int(t, it->k.key);
}

static void write_overdue(struct text *t, const struct item *it, int32_t today)
{
	(void)today;
	write_deadline(t, it, "days_overdue");
}

static void write_upcoming(struct text *t, const struct item *it, int32_t today)
{
	(void)today;
	write_deadline(t, it, "days_left");
}

static void write_appeal(struct text *t, const struct item *it, int32_t today)
{
	(void)today;
	t_key(t, "due");
	t_date(t, true, it->a);
	t_key(t, "days_left");
	t_int(t, it->k.key);
}

/* ripe_for_suit and tolls_open (whose prefix has the reason). */
static void write_since(struct text *t, const struct item *it, int32_t today)
{
	(void)today;
	t_key(t, "since");
	t_date(t, true, it->a);
	t_key(t, "days");
	t_int(t, it->k.key);
}

static void write_open(struct text *t, const struct item *it, int32_t today)
{
	t_key(t, "sent");
	t_date(t, it->has_a, it->a);
	t_key(t, "due");
	t_date(t, it->has_b, it->b);
	t_key(t, "age_days");
	if (it->has_a)
		t_int(t, today - it->a);
	else
		t_raw(t, "null");
}

/* The most any writer above adds after the prefix, '}' included: its
 * keys and constant strings, two dates and a number of 20 digits come to
 * less. The reply's room is counted with it: too little would only cost
 * a reallocation, and room never written costs nothing. */
#define ITEM_REST_MAX 256

static size_t items_room(const char *name, const struct items *l)
{
	size_t n = strlen(name) + 4 + 2; /* ,"name": and [] */
	for (size_t i = 0; i < l->n; i++)
		n += l->v[i].pre.len + ITEM_REST_MAX + 1;
	return n;
}

/* ,"name":[items in order] onto out; false when out of memory. */
static bool items_out(struct text *out, const char *name, struct items *l,
		      const struct section *pre, int32_t today,
		      void (*rest)(struct text *, const struct item *, int32_t))
{
	uint32_t *ord;
	if (!items_order(l->v, l->n, sizeof(*l->v), l->order, &ord))
		return false;
	t_key(out, name);
	t_put(out, "[", 1);
	for (size_t i = 0; i < l->n; i++) {
		const struct item *it = &l->v[ord ? ord[i] : i];
		if (i)
			t_put(out, ",", 1);
		t_put(out, section_kept(pre, it->pre), it->pre.len);
		rest(out, it, today);
		t_put(out, "}", 1);
	}
	t_put(out, "]", 1);
	free(ord);
	return true;
}

/* --- agency performance --------------------------------------------------- */

static struct perf *perf_of(struct report *w, const struct request *r)
{
	for (size_t i = 0; i < w->nperf; i++)
		if (strcmp(w->perf[i].code, r->agency) == 0)
			return &w->perf[i];
	if (w->nperf == w->cap_perf) {
		size_t cap = w->cap_perf ? 2 * w->cap_perf : 16;
		struct perf *v = realloc(w->perf, cap * sizeof(*v));
		if (!v)
			return NULL;
		w->perf = v;
		w->cap_perf = cap;
	}
	struct perf *p = &w->perf[w->nperf];
	memset(p, 0, sizeof(*p));
	p->code = strdup(r->agency);
	p->name = strdup(r->agency_name ? r->agency_name : r->agency);
	if (!p->code || !p->name) {
		free(p->code);
		free(p->name);
		return NULL;
	}
	w->nperf++;
	return p;
}

static int push(int **v, size_t *n, size_t *cap, int x)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		int *nv = realloc(*v, ncap * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static bool is_determination(const char *s)
{
	static const char *const names[] = {"granted", "partially-granted",
					    "denied", "no-records"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

static bool event_date(const struct event *e, int32_t *d)
{
	if (e->date && civil_parse(e->date, d))
		return true;
	return e->at && civil_parse(e->at, d); /* "YYYY-MM-DD" leads it */
}

static int perf_add(struct report *w, const struct request *r,
		    const struct event_list *ev, const struct rd_set *set,
		    const struct workcal *cal)
{
	struct report_toll tolls[RD_MAX_TOLLS];
	size_t ntolls = 0;
	int32_t start, ack = 0, det = 0, d;
	bool has_ack = false, has_det = false;

	if (!civil_parse(r->received ? r->received
			 : r->sent   ? r->sent
				     : "",
			 &start))
		return 0;
	if (r->acknowledged && civil_parse(r->acknowledged, &ack))
		has_ack = true;
	for (size_t i = 0; i < ev->n; i++) {
		const struct event *e = &ev->v[i];
		if (!e->kind || !event_date(e, &d))
			continue;
		if (!strcmp(e->kind, "status") && e->new_value) {
			if (!has_ack && !strcmp(e->new_value, "acknowledged")) {
				has_ack = true;
				ack = d;
			}
			if (!has_det && is_determination(e->new_value)) {
				has_det = true;
				det = d;
			}
		} else if (!strcmp(e->kind, "toll") && ntolls < RD_MAX_TOLLS) {
			struct report_toll *t = &tolls[ntolls++];
			t->asked = d;
			t->open = !(e->new_value &&
				    civil_parse(e->new_value, &t->answered));
		} else if (!strcmp(e->kind, "toll-end")) {
			for (size_t j = ntolls; j-- > 0;)
				if (tolls[j].open) {
					tolls[j].open = false;
					tolls[j].answered = d;
					break;
				}
		}
	}
	if (!has_ack && !has_det)
		return 0;
	struct perf *p = perf_of(w, r);
	int days;
	if (!p)
		return -1;
	if (has_ack &&
	    report_working_days(cal, start, ack, tolls, ntolls, &days) == 0 &&
	    push(&p->ack, &p->nack, &p->cap_ack, days) < 0)
		return -1;
	if (has_det &&
	    report_working_days(cal, start, det, tolls, ntolls, &days) == 0 &&
	    push(&p->det, &p->ndet, &p->cap_det, days) < 0)
		return -1;
	/* On time: answered on or before the determination due date as the
	 * engine counts it (tolls, extensions and agreed dates included). */
	for (size_t i = 0; has_det && i < set->n; i++) {
		const struct rd_deadline *dl = &set->v[i];
		if (dl->kind != RD_DETERMINATION || !dl->has_due)
			continue;
		p->judged++;
		if (det <= dl->due)
			p->on_time++;
	}
	return 0;
}

static json_t *stat_json(int *v, size_t n, size_t min)
{
	if (n == 0 || n < min)
		return json_null();
	double med = report_median(v, n);
	return json_pack("{s:f, s:i}", "median", med, "p90",
			 report_percentile(v, n, 90));
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct perf *)a)->code,
		      ((const struct perf *)b)->code);
}

/* The medians the agency published of itself (agency.import), or null
 * (also when it cannot be read: the group's figures still stand). */
static json_t *published_of(struct call *c, const char *code)
{
	struct agency a;
	if (store_agency_get(c->d->store, code, &a) != STORE_OK)
		return json_null();
	json_t *pub = agency_published_json(&a);
	agency_clear(&a);
	return pub;
}

static json_t *perf_json(struct report *w, size_t min)
{
	json_t *list = json_array();
	if (!list)
		return NULL;
	if (w->nperf)
		qsort(w->perf, w->nperf, sizeof(*w->perf), by_code);
	for (size_t i = 0; i < w->nperf; i++) {
		struct perf *p = &w->perf[i];
		json_t *share = p->judged && p->judged >= min
					? json_real((double)p->on_time /
						    (double)p->judged)
					: json_null();
		json_t *o = json_pack(
			"{s:s, s:s, s:{s:I, s:I, s:I}, s:o, s:o, s:o, s:o}",
			"agency", p->code, "name", p->name, "sample",
			"acknowledgment", (json_int_t)p->nack, "determination",
			(json_int_t)p->ndet, "on_time", (json_int_t)p->judged,
			"acknowledgment", stat_json(p->ack, p->nack, min),
			"determination", stat_json(p->det, p->ndet, min),
			"on_time_share", share, "published_median",
			published_of(w->c, p->code));
		if (add(list, o) < 0) {
			json_decref(list);
			return NULL;
		}
	}
	return json_pack("{s:I, s:o}", "min_sample", (json_int_t)min,
			 "agencies", list);
}

static void report_free(struct report *w)
{
	free(w->overdue.v);
	free(w->upcoming.v);
	free(w->ripe.v);
	free(w->appeals.v);
	free(w->tolls.v);
	free(w->open.v);
	section_free(&w->pre);
	for (size_t i = 0; i < w->nperf; i++) {
		free(w->perf[i].code);
		free(w->perf[i].name);
		free(w->perf[i].ack);
		free(w->perf[i].det);
	}
	free(w->perf);
}

/* --- one request ------------------------------------------------------------
 */

static bool is_open(const char *status)
{
	return strcmp(status, "withdrawn") && strcmp(status, "closed");
}

/* One covered request, from the report's request stream, with its clock
 * history from the feed (both in id order). */
static int one_request(const struct request *r, void *arg)
{
	struct report *w = arg;
	struct call *c = w->c;
	struct rd_set *set = &w->set;
	char err[512];
	w->n++;
	const struct jurisdiction *law =
		jurisdiction_find(&c->d->laws, r->jurisdiction);
	const struct juris_calendar *cal =
		law ? jurisdiction_calendar(&c->d->laws, law) : NULL;
	if (!law || !cal || !cal->cal)
		return 0; /* no law loaded: its clocks cannot be counted */
	int rc = event_feed_load(&w->feed, r->id);
	if (rc != STORE_OK)
		return rc < 0 ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			      : store_failure(c, rc, "read the history");
	const struct event_list *ev = &w->feed.list;
	if (request_deadlines(r, ev->v, ev->n, law, cal->cal, w->today, false,
			      set, err, sizeof(err)) < 0)
		rd_set_clear(set); /* a bad date: no clocks */
	w->has_cur = false;
	if (is_open(r->status) && open_sections(w, r, ev, set) < 0)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	if (perf_add(w, r, ev, set, cal->cal) < 0)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	return 0;
}

/* --- counts ----------------------------------------------------------------
 */

struct count_walk {
	json_t *list;
	const char *key;
	bool with_name;
};

static int count_one(const char *key, const char *name, int64_t n, void *arg)
{
	struct count_walk *cw = arg;
	json_t *o = json_pack("{s:o, s:I}", cw->key, text_or_null(key), "n",
			      (json_int_t)n);
	if (o && cw->with_name)
		json_object_set_new(o, "name", text_or_null(name));
	return add(cw->list, o) < 0 ? -1 : 0;
}

struct count_all {
	struct count_walk cw[4]; /* in the order of enum report_group */
	size_t open;		 /* requests still open */
};

static int count_any(enum report_group g, const char *key, const char *name,
		     int64_t n, void *arg)
{
	struct count_all *ca = arg;
	if (g == REPORT_BY_STATUS && key && is_open(key) && n > 0)
		ca->open += (size_t)n;
	return count_one(key, name, n, &ca->cw[g]);
}

/* The four groupings into result; *open: how many of the requests are
 * open (the walk's sections hold about that many items each). */
static int counts(struct call *c, const struct report_filter *f, json_t *result,
		  size_t *open)
{
	/* In the order of enum report_group. */
	static const char *const sections[] = {"by_status", "by_agency",
					       "by_project", "by_member"};
	struct count_all ca = {.open = 0};
	struct count_walk *cw = ca.cw;
	cw[0] = (struct count_walk){json_array(), "status", false};
	cw[1] = (struct count_walk){json_array(), "agency", true};
	cw[2] = (struct count_walk){json_array(), "project", false};
	cw[3] = (struct count_walk){json_array(), "member", false};
	bool made = cw[0].list && cw[1].list && cw[2].list && cw[3].list;
	int rc = made ? store_report_count_all(c->d->store, f, count_any, &ca)
		      : -1;
	*open = ca.open;
	for (size_t i = 0; i < 4; i++) {
		if (rc == STORE_OK)
			json_object_set_new(result, sections[i], cw[i].list);
		else
			json_decref(cw[i].list);
	}
	if (rc == STORE_OK)
		return 0;
	return rc > 0 ? store_failure(c, rc, "count requests")
		      : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

/* --- the method ------------------------------------------------------------
 */

static int read_filter(struct call *c, json_t *params, struct report_filter *f)
{
	char err[256];
	if (param_string(c, params, "project", &f->project) < 0 ||
	    param_string(c, params, "agency", &f->agency) < 0 ||
	    param_string(c, params, "since", &f->since) < 0 ||
	    param_string(c, params, "until", &f->until) < 0 ||
	    param_string(c, params, "member", &f->member) < 0)
		return -1;
	if (f->since && !check_date("since", f->since, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	if (f->until && !check_date("until", f->until, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	if (f->since && f->until && strcmp(f->since, f->until) > 0)
		return call_error(c, FOIA_E_INVALID,
				  "'since' %s is after 'until' %s", f->since,
				  f->until);
	return 0;
}

static json_t *filter_json(const struct report_filter *f)
{
	return json_pack(
		"{s:o, s:o, s:o, s:o, s:o}", "project",
		text_or_null(f->project), "agency", text_or_null(f->agency),
		"since", text_or_null(f->since), "until",
		text_or_null(f->until), "member", text_or_null(f->member));
}

static size_t min_sample(const struct call *c)
{
	int n = c->d->cfg.report_min_sample;
	return n > 0 ? (size_t)n : REPORT_MIN_SAMPLE;
}

int method_report(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"project", "agency", "since",
					      "until",	 "member", NULL};
	struct report_filter f = {0};
	struct report w = {.c = c, .today = today_days()};
	size_t n = 0, nopen = 0;
	bool in_snapshot = false;
	char today[16];

	if (params_known(c, params, allowed, false) < 0 ||
	    read_filter(c, params, &f) < 0)
		return -1;
	w.overdue.order = -1; /* most overdue first */
	w.upcoming.order = 1;
	w.appeals.order = 1;
	w.ripe.order = -1;
	w.tolls.order = -1;
	json_t *res = json_object();
	int rc = -1;
	if (!res) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	int src = store_report_begin(c->d->store);
	if (src != STORE_OK) {
		store_failure(c, src, "read the database");
		goto out;
	}
	in_snapshot = true;
	if (counts(c, &f, res, &nopen) < 0)
		goto out;
	/* Most open requests have an item in these (the bench's all do):
	 * their lists and the prefixes' first block are taken at once. */
	items_expect(&w.overdue, nopen);
	items_expect(&w.ripe, nopen);
	items_expect(&w.open, nopen);
	if (nopen >= 4096)
		section_big(&w.pre);
	src = event_feed_open(c->d->store, &w.feed);
	if (src == STORE_OK)
		src = store_report_requests(c->d->store, &f, one_request, &w);
	event_feed_close(&w.feed);
	if (src != STORE_OK) {
		if (!c->err_code)
			store_failure(c, src, "list requests");
		goto out;
	}
	n = w.n;
	store_report_end(c->d->store);
	in_snapshot = false;
	nopen = w.open.n;
	json_t *perf = perf_json(&w, min_sample(c));
	today_string(today, sizeof(today));
	if (!perf ||
	    json_object_set_new(res, "today", json_string(today)) < 0 ||
	    json_object_set_new(res, "filter", filter_json(&f)) < 0 ||
	    json_object_set_new(res, "totals",
				json_pack("{s:I, s:I}", "requests",
					  (json_int_t)n, "open",
					  (json_int_t)nopen)) < 0 ||
	    json_object_set_new(res, "upcoming_days",
				json_integer(REPORT_UPCOMING_DAYS)) < 0 ||
	    json_object_set_new(res, "performance", perf) < 0) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	/* The small members as jansson prints them, then the sections. */
	char *head = json_dumps(res, JSON_COMPACT);
	struct text t = {0};
	static const char *const names[] = {"overdue",	     "upcoming",
					    "ripe_for_suit", "appeal_windows",
					    "tolls_open",    "open"};
	struct items *const lists[] = {&w.overdue, &w.upcoming, &w.ripe,
				       &w.appeals, &w.tolls,	&w.open};
	void (*const rest[])(struct text *, const struct item *, int32_t) = {
		write_overdue, write_upcoming, write_since,
		write_appeal,  write_since,    write_open};
	bool ok = head && head[0] == '{' && strlen(head) >= 2;
	if (ok) {
		/* One buffer of (at least) the reply's size, with room for
		 * rpc's envelope: no growing, no copy of it afterwards. */
		size_t size = strlen(head) + RPC_RAW_ROOM;
		for (size_t i = 0; i < 6; i++)
			size += items_room(names[i], lists[i]);
		t_reserve(&t, size);
		t_put(&t, head, strlen(head) - 1); /* without its '}' */
		for (size_t i = 0; i < 6 && ok; i++)
			ok = items_out(&t, names[i], lists[i], &w.pre, w.today,
				       rest[i]);
		t_put(&t, "}", 1);
	}
	free(head);
	if (!ok || t.oom || !t.p) {
		free(t.p);
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	c->raw = t.p; /* the reply is this text (rpc.h) */
	*result = NULL;
	rc = 0;
out:
	if (in_snapshot)
		store_report_end(c->d->store);
	json_decref(res);
	report_free(&w);
	return rc;
}
