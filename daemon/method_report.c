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
 * most of a report. Each section is copied out in order into the reply
 * (rpc's raw result).
 */

/* {request, agency, subject, project, status: what every item has; the
 * caller adds its keys and ends it with section_end. */
static void item_begin(struct section *sec, const struct request *r)
{
	struct text *t = &sec->t;
	section_begin(sec);
	t_raw(t, "{\"request\":");
	t_int(t, (long long)r->id);
	t_key(t, "agency");
	t_str(t, r->agency);
	t_key(t, "subject");
	t_str(t, r->subject);
	t_key(t, "project");
	t_str(t, r->project);
	t_key(t, "status");
	t_str(t, r->status);
}

static int item_end(struct section *sec, const struct request *r, long long key)
{
	t_put(&sec->t, "}", 1);
	return section_end(sec, key, r->id);
}

struct report {
	struct call *c;
	int32_t today;
	struct section overdue, upcoming, ripe, appeals, tolls, open;
	struct perf *perf;
	size_t nperf, cap_perf;
	struct event_feed feed; /* the covered requests' clock histories */
	struct rd_set set;	/* the current request's clocks */
	size_t n;		/* requests covered */
};

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
			struct text *t = &w->overdue.t;
			item_begin(&w->overdue, r);
			t_key(t, "kind");
			t_str(t, rd_kind_name(d->kind));
			t_key(t, "what");
			t_str(t, rd_kind_label(d->kind));
			t_key(t, "due");
			t_date(t, true, d->due);
			t_key(t, "days_overdue");
			t_int(t, today - d->due);
			if (item_end(&w->overdue, r, today - d->due) < 0)
				return -1;
		} else if (d->state != RD_STATE_OVERDUE &&
			   d->due - today <= REPORT_UPCOMING_DAYS) {
			struct text *t = &w->upcoming.t;
			item_begin(&w->upcoming, r);
			t_key(t, "kind");
			t_str(t, rd_kind_name(d->kind));
			t_key(t, "what");
			t_str(t, rd_kind_label(d->kind));
			t_key(t, "due");
			t_date(t, true, d->due);
			t_key(t, "days_left");
			t_int(t, d->due - today);
			if (item_end(&w->upcoming, r, d->due - today) < 0)
				return -1;
		}
		if (d->kind == RD_APPEAL_WINDOW &&
		    d->state != RD_STATE_OVERDUE) {
			struct text *t = &w->appeals.t;
			item_begin(&w->appeals, r);
			t_key(t, "due");
			t_date(t, true, d->due);
			t_key(t, "days_left");
			t_int(t, d->due - today);
			if (item_end(&w->appeals, r, d->due - today) < 0)
				return -1;
		}
	}
	/* Constructive exhaustion lets one sue only while the answer is
	 * still missing: an answered request is no longer ripe. */
	if (set->has_exhaustion && set->exhaustion <= today &&
	    set->clock != RD_CLOCK_DONE) {
		struct text *t = &w->ripe.t;
		item_begin(&w->ripe, r);
		t_key(t, "since");
		t_date(t, true, set->exhaustion);
		t_key(t, "days");
		t_int(t, today - set->exhaustion);
		if (item_end(&w->ripe, r, today - set->exhaustion) < 0)
			return -1;
	}
	if (request_open_toll(ev->v, ev->n, &since)) {
		const char *reason = "clarification";
		for (size_t i = ev->n; i-- > 0;)
			if (ev->v[i].kind && !strcmp(ev->v[i].kind, "toll")) {
				if (ev->v[i].field)
					reason = ev->v[i].field;
				break;
			}
		struct text *t = &w->tolls.t;
		item_begin(&w->tolls, r);
		t_key(t, "reason");
		t_str(t, reason);
		t_key(t, "since");
		t_date(t, true, since);
		t_key(t, "days");
		t_int(t, today - since);
		if (item_end(&w->tolls, r, today - since) < 0)
			return -1;
	}
	/* The charts' material: every pending request's age and due date. */
	if (!is_pending(r->status))
		return 0;
	bool has_sent = r->sent && civil_parse(r->sent, &sent);
	struct text *t = &w->open.t;
	item_begin(&w->open, r);
	t_key(t, "sent");
	t_date(t, has_sent, sent);
	t_key(t, "due");
	t_date(t, det && det->has_due && det->state != RD_STATE_MET,
	       det ? det->due : 0);
	t_key(t, "age_days");
	if (has_sent)
		t_int(t, today - sent);
	else
		t_raw(t, "null");
	return item_end(&w->open, r, 0);
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
	section_free(&w->overdue);
	section_free(&w->upcoming);
	section_free(&w->ripe);
	section_free(&w->appeals);
	section_free(&w->tolls);
	section_free(&w->open);
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

static int count_any(enum report_group g, const char *key, const char *name,
		     int64_t n, void *arg)
{
	struct count_walk *cw = arg;
	return count_one(key, name, n, &cw[g]);
}

static int counts(struct call *c, const struct report_filter *f, json_t *result)
{
	/* In the order of enum report_group. */
	static const char *const sections[] = {"by_status", "by_agency",
					       "by_project", "by_member"};
	struct count_walk cw[] = {
		{json_array(), "status", false},
		{json_array(), "agency", true},
		{json_array(), "project", false},
		{json_array(), "member", false},
	};
	int rc = cw[0].list && cw[1].list && cw[2].list && cw[3].list
			 ? store_report_count_all(c->d->store, f, count_any, cw)
			 : -1;
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
	if (counts(c, &f, res) < 0)
		goto out;
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
	struct section *const secs[] = {&w.overdue, &w.upcoming, &w.ripe,
					&w.appeals, &w.tolls,	 &w.open};
	if (head && head[0] == '{' && strlen(head) >= 2) {
		/* One buffer of the reply's size, with room for rpc's
		 * envelope: no growing, no copy of it afterwards. */
		size_t size = strlen(head) + RPC_RAW_ROOM;
		for (size_t i = 0; i < 6; i++)
			size += section_out_len(names[i], secs[i]);
		t_reserve(&t, size);
		t_put(&t, head, strlen(head) - 1); /* without its '}' */
		for (size_t i = 0; i < 6; i++)
			section_out(&t, names[i], secs[i]);
		t_put(&t, "}", 1);
	}
	free(head);
	if (!head || t.oom || !t.p) {
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
