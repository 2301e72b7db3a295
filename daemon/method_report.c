/*
 * method_report.c: the `report` method, the group status report in one
 * object (its shape is documented in include/foia/protocol.h).
 *
 * The counts come from SQL GROUP BY queries (store_report.c). The other
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
#include "method_util.h"
#include "methods.h"
#include "report_stats.h"
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

struct report {
	struct call *c;
	int32_t today;
	json_t *overdue, *upcoming, *ripe, *appeals, *tolls, *open;
	struct perf *perf;
	size_t nperf, cap_perf;
};

static json_t *date_or_null(bool has, int32_t d)
{
	char buf[16];
	if (!has)
		return json_null();
	civil_format(d, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* {request, agency, subject, project, status}: what every list item has. */
static json_t *item(const struct request *r)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:s}", "request",
			 (json_int_t)r->id, "agency", r->agency, "subject",
			 r->subject, "project", text_or_null(r->project),
			 "status", r->status);
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
		json_t *o;
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
			o = item(r);
			json_object_set_new(o, "kind",
					    json_string(rd_kind_name(d->kind)));
			json_object_set_new(
				o, "what", json_string(rd_kind_label(d->kind)));
			json_object_set_new(o, "due",
					    date_or_null(true, d->due));
			json_object_set_new(o, "days_overdue",
					    json_integer(today - d->due));
			if (add(w->overdue, o) < 0)
				return -1;
		} else if (d->state != RD_STATE_OVERDUE &&
			   d->due - today <= REPORT_UPCOMING_DAYS) {
			o = item(r);
			json_object_set_new(o, "kind",
					    json_string(rd_kind_name(d->kind)));
			json_object_set_new(
				o, "what", json_string(rd_kind_label(d->kind)));
			json_object_set_new(o, "due",
					    date_or_null(true, d->due));
			json_object_set_new(o, "days_left",
					    json_integer(d->due - today));
			if (add(w->upcoming, o) < 0)
				return -1;
		}
		if (d->kind == RD_APPEAL_WINDOW &&
		    d->state != RD_STATE_OVERDUE) {
			o = item(r);
			json_object_set_new(o, "due",
					    date_or_null(true, d->due));
			json_object_set_new(o, "days_left",
					    json_integer(d->due - today));
			if (add(w->appeals, o) < 0)
				return -1;
		}
	}
	/* Constructive exhaustion lets one sue only while the answer is
	 * still missing: an answered request is no longer ripe. */
	if (set->has_exhaustion && set->exhaustion <= today &&
	    set->clock != RD_CLOCK_DONE) {
		json_t *o = item(r);
		json_object_set_new(o, "since",
				    date_or_null(true, set->exhaustion));
		json_object_set_new(o, "days",
				    json_integer(today - set->exhaustion));
		if (add(w->ripe, o) < 0)
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
		json_t *o = item(r);
		json_object_set_new(o, "reason", json_string(reason));
		json_object_set_new(o, "since", date_or_null(true, since));
		json_object_set_new(o, "days", json_integer(today - since));
		if (add(w->tolls, o) < 0)
			return -1;
	}
	/* The charts' material: every pending request's age and due date. */
	if (!is_pending(r->status))
		return 0;
	bool has_sent = r->sent && civil_parse(r->sent, &sent);
	json_t *o = item(r);
	json_object_set_new(o, "sent", date_or_null(has_sent, sent));
	json_object_set_new(
		o, "due",
		date_or_null(det && det->has_due && det->state != RD_STATE_MET,
			     det ? det->due : 0));
	json_object_set_new(o, "age_days",
			    has_sent ? json_integer(today - sent)
				     : json_null());
	return add(w->open, o);
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
			"{s:s, s:s, s:{s:I, s:I, s:I}, s:o, s:o, s:o, s:n}",
			"agency", p->code, "name", p->name, "sample",
			"acknowledgment", (json_int_t)p->nack, "determination",
			(json_int_t)p->ndet, "on_time", (json_int_t)p->judged,
			"acknowledgment", stat_json(p->ack, p->nack, min),
			"determination", stat_json(p->det, p->ndet, min),
			"on_time_share", share, "published_median");
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
	json_decref(w->overdue);
	json_decref(w->upcoming);
	json_decref(w->ripe);
	json_decref(w->appeals);
	json_decref(w->tolls);
	json_decref(w->open);
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

static int one_request(struct report *w, int64_t id)
{
	struct call *c = w->c;
	struct request r;
	struct event_list ev = {0};
	struct rd_set set;
	char err[512];
	int rc = store_request_get(c->d->store, id, &r);
	if (rc != STORE_OK)
		return store_failure(c, rc, "read a request");
	const struct jurisdiction *law =
		jurisdiction_find(&c->d->laws, r.jurisdiction);
	const struct juris_calendar *cal =
		law ? jurisdiction_calendar(&c->d->laws, law) : NULL;
	if (!law || !cal || !cal->cal) {
		request_clear(&r);
		return 0; /* no law loaded: its clocks cannot be counted */
	}
	rc = event_list_load(c->d->store, id, &ev);
	if (rc != STORE_OK) {
		request_clear(&r);
		return store_failure(c, rc, "read the history");
	}
	if (request_deadlines(&r, ev.v, ev.n, law, cal->cal, w->today, false,
			      &set, err, sizeof(err)) < 0)
		memset(&set, 0, sizeof(set)); /* a bad date: no clocks */
	rc = 0;
	if (is_open(r.status) && open_sections(w, &r, &ev, &set) < 0)
		rc = call_error(c, FOIA_E_INTERNAL, "out of memory");
	if (rc == 0 && perf_add(w, &r, &ev, &set, cal->cal) < 0)
		rc = call_error(c, FOIA_E_INTERNAL, "out of memory");
	event_list_free(&ev);
	request_clear(&r);
	return rc;
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

static int counts(struct call *c, const struct report_filter *f, json_t *result)
{
	static const struct {
		const char *section, *key;
		enum report_group g;
	} groups[] = {
		{"by_status", "status", REPORT_BY_STATUS},
		{"by_agency", "agency", REPORT_BY_AGENCY},
		{"by_project", "project", REPORT_BY_PROJECT},
		{"by_member", "member", REPORT_BY_MEMBER},
	};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct count_walk cw = {json_array(), groups[i].key,
					groups[i].g == REPORT_BY_AGENCY};
		if (!cw.list)
			return call_error(c, FOIA_E_INTERNAL, "out of memory");
		int rc = store_report_counts(c->d->store, f, groups[i].g,
					     count_one, &cw);
		if (rc != STORE_OK) {
			json_decref(cw.list);
			return rc > 0 ? store_failure(c, rc, "count requests")
				      : call_error(c, FOIA_E_INTERNAL,
						   "out of memory");
		}
		json_object_set_new(result, groups[i].section, cw.list);
	}
	return 0;
}

/* --- sorting and the method ------------------------------------------------
 */

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int by_overdue(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t x = num(a, "days_overdue"), y = num(b, "days_overdue");
	if (x != y)
		return x > y ? -1 : 1;
	return num(a, "request") < num(b, "request") ? -1 : 1;
}

static int by_left(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t x = num(a, "days_left"), y = num(b, "days_left");
	if (x != y)
		return x < y ? -1 : 1;
	return num(a, "request") < num(b, "request") ? -1 : 1;
}

static int by_days(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t x = num(a, "days"), y = num(b, "days");
	if (x != y)
		return x > y ? -1 : 1;
	return num(a, "request") < num(b, "request") ? -1 : 1;
}

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
	int64_t *ids = NULL;
	size_t n = 0, nopen = 0;
	bool in_snapshot = false;
	char today[16];

	if (params_known(c, params, allowed, false) < 0 ||
	    read_filter(c, params, &f) < 0)
		return -1;
	w.overdue = json_array();
	w.upcoming = json_array();
	w.ripe = json_array();
	w.appeals = json_array();
	w.tolls = json_array();
	w.open = json_array();
	json_t *res = json_object();
	int rc = -1;
	if (!w.overdue || !w.upcoming || !w.ripe || !w.appeals || !w.tolls ||
	    !w.open || !res) {
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
	src = store_report_ids(c->d->store, &f, false, &ids, &n);
	if (src != STORE_OK) {
		store_failure(c, src, "list requests");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (one_request(&w, ids[i]) < 0)
			goto out;
	store_report_end(c->d->store);
	in_snapshot = false;
	nopen = json_array_size(w.open);
	if (json_array_sort(w.overdue, by_overdue) < 0 ||
	    json_array_sort(w.upcoming, by_left) < 0 ||
	    json_array_sort(w.appeals, by_left) < 0 ||
	    json_array_sort(w.ripe, by_days) < 0 ||
	    json_array_sort(w.tolls, by_days) < 0) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	json_t *perf = perf_json(&w, min_sample(c));
	today_string(today, sizeof(today));
	if (!perf ||
	    json_object_set_new(res, "today", json_string(today)) < 0 ||
	    json_object_set_new(res, "filter", filter_json(&f)) < 0 ||
	    json_object_set_new(res, "totals",
				json_pack("{s:I, s:I}", "requests",
					  (json_int_t)n, "open",
					  (json_int_t)nopen)) < 0 ||
	    json_object_set(res, "overdue", w.overdue) < 0 ||
	    json_object_set_new(res, "upcoming_days",
				json_integer(REPORT_UPCOMING_DAYS)) < 0 ||
	    json_object_set(res, "upcoming", w.upcoming) < 0 ||
	    json_object_set(res, "ripe_for_suit", w.ripe) < 0 ||
	    json_object_set(res, "appeal_windows", w.appeals) < 0 ||
	    json_object_set(res, "tolls_open", w.tolls) < 0 ||
	    json_object_set(res, "open", w.open) < 0 ||
	    json_object_set_new(res, "performance", perf) < 0) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	*result = res;
	res = NULL;
	rc = 0;
out:
	if (in_snapshot)
		store_report_end(c->d->store);
	free(ids);
	json_decref(res);
	report_free(&w);
	return rc;
}
