/*
 * feeds.c: which deadlines go into the calendar feeds, the per-project
 * split, and writing the files (see feeds.h). The iCalendar text itself is
 * ical_feed.c's; SEQUENCE and time stamps are kept by store_feed.c.
 *
 * A regeneration is three passes: walk every request once, computing the
 * live deadlines of the open ones and noting every project; read the
 * stamps in one ordered walk and merge them with the deadlines (both are
 * in request order), saving in one transaction only those whose date or
 * text moved; then print each event once, into the feed of everything and
 * into its project's, in the order (project, request, kind), so every
 * rendering of the same data is byte for byte the same. Printing is most
 * of the cost (libical; about 4 us an event with the writer's remembered
 * lines, 15 us without), so a project file whose events are all as they
 * were is not printed again: its events go into all.ics copied from it.
 */
#include "feeds.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "event_list.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "grow.h"
#include "ical_feed.h"
#include "log.h"
#include "paths.h"
#include "request_deadlines.h"

#define REFRESH_MINUTES 60
#define DEBOUNCE_MS	1000  /* after the last change of a burst */
#define DEBOUNCE_MAX_MS 5000  /* after the first, however long it lasts */
#define RETRY_MS	60000 /* after a failed write */
#define ALL_FEED	"all"
#define FEED_NAME_MAX	(FOIA_MAX_PROJECT + 32)

/* --- what goes in ---------------------------------------------------- */

/* A request with at least one live deadline. */
struct req {
	int64_t id;
	char *agency, *agency_name, *subject, *tracking, *jurisdiction;
	int project; /* index into the project table, -1 for none */
	const struct jurisdiction *law;
};

/* One live deadline: one event. */
struct item {
	size_t req; /* index into reqs */
	int rank;   /* the project's place in name order, -1 for none */
	enum rd_kind kind;
	int32_t due;
	bool overdue, agreed;
	int period, extension;
	enum deadline_unit unit;
	bool stamped;	 /* found in the store as it is now */
	uint64_t digest; /* of its text but the date and stamps */
	int64_t sequence;
	char created[21], changed[21];
};

struct projects {
	char **names; /* in order of first appearance */
	size_t n, cap;
	int *slots; /* open addressing: index + 1, 0 = empty */
	size_t nslots;
	int *rank; /* rank[i]: place of names[i] in name order */
	int *by_rank;
};

struct collect {
	struct daemon *d;
	int32_t today;
	const char *only; /* the project asked for, or NULL */
	struct req *reqs;
	size_t nreqs, capreqs;
	struct item *items;
	size_t nitems, capitems;
	struct projects projects;
	char domain[256];
	struct ical_feed_alarms alarms;
	/* Remembers the lines events share; its memory is its own, so a
	 * const collect can still print through it. */
	struct ical_feed_writer *writer;
	/* Every request's clock events in one ordered pass (event_list.h):
	 * a query per request would be most of the walk. */
	struct event_feed history;
	int64_t walk_ms, stamp_ms; /* how long each pass took */
	bool oom;
};

static uint64_t item_digest(const struct collect *c, const struct item *it);

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The index of project name, added when new; -1 when out of memory. */
static int project_index(struct projects *p, const char *name)
{
	if (p->n * 2 >= p->nslots) {
		size_t nslots = p->nslots ? p->nslots * 2 : 64;
		int *slots = calloc(nslots, sizeof(*slots));
		if (!slots)
			return -1;
		for (size_t i = 0; i < p->n; i++) {
			size_t k = fnv1a(p->names[i]) & (nslots - 1);
			while (slots[k])
				k = (k + 1) & (nslots - 1);
			slots[k] = (int)i + 1;
		}
		free(p->slots);
		p->slots = slots;
		p->nslots = nslots;
	}
	size_t k = fnv1a(name) & (p->nslots - 1);
	for (; p->slots[k]; k = (k + 1) & (p->nslots - 1))
		if (strcmp(p->names[p->slots[k] - 1], name) == 0)
			return p->slots[k] - 1;
	if (!grow_array((void **)&p->names, &p->cap, p->n + 1,
			sizeof(*p->names)))
		return -1;
	if (!(p->names[p->n] = strdup(name)))
		return -1;
	p->slots[k] = (int)p->n + 1;
	return (int)p->n++;
}

static const char *const *sort_names;

static int by_name(const void *a, const void *b)
{
	return strcmp(sort_names[*(const int *)a], sort_names[*(const int *)b]);
}

/* Number the projects in name order (C collation: stable everywhere). */
static bool rank_projects(struct projects *p)
{
	p->rank = malloc((p->n + 1) * sizeof(*p->rank));
	p->by_rank = malloc((p->n + 1) * sizeof(*p->by_rank));
	if (!p->rank || !p->by_rank)
		return false;
	for (size_t i = 0; i < p->n; i++)
		p->by_rank[i] = (int)i;
	sort_names = (const char *const *)p->names;
	if (p->n > 1)
		qsort(p->by_rank, p->n, sizeof(*p->by_rank), by_name);
	for (size_t r = 0; r < p->n; r++)
		p->rank[p->by_rank[r]] = (int)r;
	return true;
}

static void projects_free(struct projects *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->names[i]);
	free(p->names);
	free(p->slots);
	free(p->rank);
	free(p->by_rank);
	memset(p, 0, sizeof(*p));
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->nreqs; i++) {
		free(c->reqs[i].agency);
		free(c->reqs[i].agency_name);
		free(c->reqs[i].subject);
		free(c->reqs[i].tracking);
		free(c->reqs[i].jurisdiction);
	}
	free(c->reqs);
	free(c->items);
	projects_free(&c->projects);
	ical_feed_writer_free(c->writer);
	memset(c, 0, sizeof(*c));
}

static bool is_closed(const char *status)
{
	return strcmp(status, "closed") == 0 ||
	       strcmp(status, "withdrawn") == 0;
}

static char *dup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

static bool add_req(struct collect *c, const struct request *r, int project,
		    const struct jurisdiction *law)
{
	if (!grow_array((void **)&c->reqs, &c->capreqs, c->nreqs + 1,
			sizeof(*c->reqs)))
		return false;
	struct req *q = &c->reqs[c->nreqs];
	*q = (struct req){
		.id = r->id,
		.agency = dup_opt(r->agency),
		.agency_name = dup_opt(r->agency_name),
		.subject = dup_opt(r->subject),
		.tracking = dup_opt(r->tracking),
		.jurisdiction = dup_opt(r->jurisdiction),
		.project = project,
		.law = law,
	};
	c->nreqs++;
	return (q->agency || !r->agency) &&
	       (q->agency_name || !r->agency_name) &&
	       (q->subject || !r->subject) && (q->tracking || !r->tracking) &&
	       (q->jurisdiction || !r->jurisdiction);
}

/* The request's live deadlines; a request whose clocks cannot be computed
 * (no law loaded, a date off the calendar) has none here, as in `foia
 * deadlines`, and `foia show` says why. */
static int collect_one(const struct request *r, void *arg)
{
	struct collect *c = arg;
	struct rd_set set;
	char err[256];
	int project = -1;

	if (r->project && *r->project &&
	    (project = project_index(&c->projects, r->project)) < 0)
		goto oom;
	if (is_closed(r->status) || !r->jurisdiction)
		return 0;
	const struct jurisdiction *law =
		jurisdiction_find(&c->d->laws, r->jurisdiction);
	const struct juris_calendar *cal =
		law ? jurisdiction_calendar(&c->d->laws, law) : NULL;
	if (!cal || !cal->cal)
		return 0;
	int rc = event_feed_load(&c->history, r->id);
	if (rc != STORE_OK)
		return rc;
	const struct event_list *ev = &c->history.list;
	rc = request_deadlines(r, ev->v, ev->n, law, cal->cal, c->today, false,
			       &set, err, sizeof(err));
	if (rc < 0) {
		log_debug("feeds: request %lld left out: %s", (long long)r->id,
			  err);
		return 0;
	}
	bool added = false;
	for (size_t i = 0; i < set.n; i++) {
		const struct rd_deadline *dl = &set.v[i];
		if (!dl->has_due || (dl->state != RD_STATE_DUE &&
				     dl->state != RD_STATE_OVERDUE))
			continue;
		if (!added && !add_req(c, r, project, law))
			goto oom;
		added = true;
		if (!grow_array((void **)&c->items, &c->capitems, c->nitems + 1,
				sizeof(*c->items)))
			goto oom;
		c->items[c->nitems++] = (struct item){
			.req = c->nreqs - 1,
			.kind = dl->kind,
			.due = dl->due,
			.overdue = dl->state == RD_STATE_OVERDUE,
			.agreed = dl->agreed,
			.period = dl->period,
			.extension = dl->extension,
			.unit = dl->unit,
		};
	}
	return 0;
oom:
	c->oom = true;
	return -1;
}

/* --- SEQUENCE and time stamps ---------------------------------------- */

struct merge {
	struct collect *c;
	size_t pos;
};

static int merge_one(const struct feed_stamp *f, void *arg)
{
	struct merge *m = arg;
	struct collect *c = m->c;
	while (m->pos < c->nitems &&
	       c->reqs[c->items[m->pos].req].id < f->request_id)
		m->pos++;
	for (size_t i = m->pos;
	     i < c->nitems && c->reqs[c->items[i].req].id == f->request_id;
	     i++) {
		struct item *it = &c->items[i];
		if (strcmp(rd_kind_name(it->kind), f->kind) != 0)
			continue;
		int32_t date;
		bool dated = civil_parse(f->date, &date);
		it->stamped = true;
		it->sequence = f->sequence;
		memcpy(it->created, f->created, sizeof(it->created));
		memcpy(it->changed, f->changed, sizeof(it->changed));
		/* A date moved (or unreadable): the next SEQUENCE; any other
		 * change of the text (overdue now, a new subject): new
		 * stamps. */
		if (!dated || date != it->due) {
			it->sequence++;
			it->stamped = false;
		} else if ((uint64_t)f->digest != it->digest) {
			it->stamped = false;
		}
		break;
	}
	return 0;
}

static void format_utc(time_t t, char buf[21])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	if (strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		memcpy(buf, "1970-01-01T00:00:00Z", 21);
}

/* Give every item its stamp, saving those that are new or changed. */
static int stamp_items(struct collect *c, time_t now, char *err, size_t errlen)
{
	struct merge m = {c, 0};
	char ts[21];
	size_t nchanged = 0;
	int rc = store_feed_stamp_list(c->d->store, merge_one, &m);
	if (rc != STORE_OK) {
		snprintf(err, errlen, "cannot read feed stamps: %s",
			 store_errmsg(c->d->store));
		return -1;
	}
	format_utc(now, ts);
	for (size_t i = 0; i < c->nitems; i++)
		nchanged += !c->items[i].stamped;
	if (nchanged == 0)
		return 0;
	struct feed_stamp *v = calloc(nchanged, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t k = 0;
	for (size_t i = 0; i < c->nitems; i++) {
		struct item *it = &c->items[i];
		if (it->stamped)
			continue;
		if (!it->created[0])
			memcpy(it->created, ts, sizeof(ts));
		memcpy(it->changed, ts, sizeof(ts));
		it->stamped = true;
		struct feed_stamp *f = &v[k++];
		f->request_id = c->reqs[it->req].id;
		snprintf(f->kind, sizeof(f->kind), "%s",
			 rd_kind_name(it->kind));
		civil_format(it->due, f->date, sizeof(f->date));
		f->digest = (int64_t)it->digest;
		f->sequence = it->sequence;
		memcpy(f->created, it->created, sizeof(f->created));
		memcpy(f->changed, it->changed, sizeof(f->changed));
	}
	rc = store_feed_stamp_save(c->d->store, v, k);
	free(v);
	if (rc != STORE_OK) {
		snprintf(err, errlen, "cannot save feed stamps: %s",
			 store_errmsg(c->d->store));
		return -1;
	}
	return 0;
}

static int by_place(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->req != b->req)
		return a->req < b->req ? -1 : 1;
	return (a->kind > b->kind) - (a->kind < b->kind);
}

/* Collect, stamp and order everything (or one project's). 1 when only
 * names a project no request has. */
static int collect(struct daemon *d, const char *only,
		   const struct feed_clock *clk, struct collect *c, char *err,
		   size_t errlen)
{
	struct request_filter f = {.project = only};
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->today = clk->today;
	c->only = only;
	if (!(c->writer = ical_feed_writer_new())) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int64_t t0 = timers_now_ms();
	int rc = event_feed_open(d->store, &c->history);
	if (rc == STORE_OK)
		rc = store_request_list(d->store, &f, collect_one, c);
	event_feed_close(&c->history);
	c->walk_ms = timers_now_ms() - t0;
	if (rc != STORE_OK) {
		snprintf(err, errlen, "%s",
			 c->oom ? "out of memory" : store_errmsg(d->store));
		return -1;
	}
	if (only && c->projects.n == 0) {
		snprintf(err, errlen, "no project '%s'", only);
		return 1;
	}
	if (!rank_projects(&c->projects)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	feeds_domain(d, c->domain, sizeof(c->domain));
	c->alarms = (struct ical_feed_alarms){d->cfg.reminders.leads,
					      d->cfg.reminders.nleads,
					      d->cfg.reminders.time};
	for (size_t i = 0; i < c->nitems; i++)
		c->items[i].digest = item_digest(c, &c->items[i]);
	t0 = timers_now_ms();
	if (stamp_items(c, clk->now, err, errlen) < 0)
		return -1;
	c->stamp_ms = timers_now_ms() - t0;
	for (size_t i = 0; i < c->nitems; i++) {
		int p = c->reqs[c->items[i].req].project;
		c->items[i].rank = p < 0 ? -1 : c->projects.rank[p];
	}
	if (c->nitems > 1)
		qsort(c->items, c->nitems, sizeof(*c->items), by_place);
	return 0;
}

/* --- the text -------------------------------------------------------- */

void feeds_domain(const struct daemon *d, char *buf, size_t len)
{
	char host[256];
	if (d->cfg.calendar.domain) {
		snprintf(buf, len, "%s", d->cfg.calendar.domain);
		return;
	}
	bool ok = gethostname(host, sizeof(host)) == 0 &&
		  (host[sizeof(host) - 1] = '\0', strchr(host, '.')) &&
		  host[0] != '.' && host[0] != '-';
	for (const char *p = host; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.';
	snprintf(buf, len, "%s", ok ? host : "foiad.invalid");
}

/* Appends to a fixed buffer, cutting (never overflowing) when full. */
struct text {
	char *p;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	if (t->len + 1 >= t->cap)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = (size_t)n < t->cap - t->len ? t->len + (size_t)n
						     : t->cap - 1;
}

static const struct juris_clock *clock_of(const struct jurisdiction *law,
					  enum rd_kind k)
{
	switch (k) {
	case RD_DETERMINATION:
		return &law->initial;
	case RD_EXPEDITED:
		return &law->expedited;
	case RD_APPEAL_WINDOW:
		return &law->appeal_window;
	case RD_APPEAL_DECISION:
		return &law->appeal_decision;
	case RD_FOLLOWUP:
		break;
	}
	return NULL;
}

static void describe(struct text *t, const struct collect *c,
		     const struct item *it)
{
	const struct req *q = &c->reqs[it->req];
	const struct jurisdiction *law = q->law;
	const struct juris_clock *clk = clock_of(law, it->kind);
	char due[16], since[16];

	civil_format(it->due, due, sizeof(due));
	civil_format(it->due + 1, since, sizeof(since));
	add(t, "Subject: %s\n", q->subject ? q->subject : "");
	if (q->agency_name)
		add(t, "Agency: %s (%s)\n", q->agency, q->agency_name);
	else
		add(t, "Agency: %s\n", q->agency);
	add(t, "Tracking number: %s\n", q->tracking ? q->tracking : "none");
	add(t, "Statute: %s (%s)\n", law->citation, law->name);
	if (it->agreed)
		add(t, "Days allowed: a date agreed with the agency\n");
	else if (it->kind == RD_FOLLOWUP)
		add(t,
		    "Days allowed: none set by law; follow up every %d "
		    "days\n",
		    it->period);
	else
		add(t, "Days allowed: %d %s", it->period,
		    deadline_unit_name(it->unit, it->period));
	if (!it->agreed && it->kind != RD_FOLLOWUP) {
		if (it->extension > 0 && clk)
			add(t, " + %d %s of extension", it->extension,
			    deadline_unit_name(clk->rule.ext_unit,
					       it->extension));
		add(t, "\n");
	}
	if (it->overdue)
		add(t, "Due: %s, overdue since %s\n", due, since);
	else
		add(t, "Due: %s\n", due);
	if (q->project >= 0)
		add(t, "Project: %s\n", c->projects.names[q->project]);
	add(t, "Details: foia show %lld", (long long)q->id);
}

/* Everything an event says, but its date and stamps. */
struct composed {
	char uid[320], summary[300], alarm[256], desc[4096];
	const char *cats[3];
	size_t ncats;
	const struct ical_feed_alarms *alarms;
};

static void compose(const struct collect *c, const struct item *it,
		    struct composed *m)
{
	const struct req *q = &c->reqs[it->req];
	struct text t = {m->desc, 0, sizeof(m->desc)};

	snprintf(m->uid, sizeof(m->uid), "%lld-%s@%s", (long long)q->id,
		 rd_kind_name(it->kind), c->domain);
	snprintf(m->summary, sizeof(m->summary), "%s%s #%lld: %s",
		 it->overdue ? "OVERDUE: " : "", q->agency, (long long)q->id,
		 rd_kind_label(it->kind));
	/* A client shows an alarm under its event's summary, which names
	 * the request; the alarm's own text names the agency and what is
	 * due, the same for many events, so the feed writer prints it once
	 * (ical_feed.h). */
	snprintf(m->alarm, sizeof(m->alarm), "%s: %s", q->agency,
		 rd_kind_label(it->kind));
	m->desc[0] = '\0';
	describe(&t, c, it);
	m->ncats = 0;
	if (q->project >= 0)
		m->cats[m->ncats++] = c->projects.names[q->project];
	m->cats[m->ncats++] = q->agency;
	m->cats[m->ncats++] = q->jurisdiction;
	/* An overdue deadline's alarms are all in the past: a client
	 * seeing them for the first time would show them as missed. */
	m->alarms = it->overdue ? NULL : &c->alarms;
}

static uint64_t digest_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211u;
	return h;
}

static uint64_t digest_str(uint64_t h, const char *s)
{
	return digest_add(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static uint64_t item_digest(const struct collect *c, const struct item *it)
{
	struct composed m;
	uint64_t h = 14695981039346656037u;
	compose(c, it, &m);
	h = digest_str(h, m.uid);
	h = digest_str(h, m.summary);
	h = digest_str(h, m.desc);
	for (size_t i = 0; i < m.ncats; i++)
		h = digest_str(h, m.cats[i]);
	h = digest_str(h, m.alarm);
	for (size_t i = 0; m.alarms && i < m.alarms->n; i++)
		h = digest_add(h, &m.alarms->leads[i], sizeof(int));
	if (m.alarms)
		h = digest_add(h, &m.alarms->minute, sizeof(int));
	return h;
}

static char *event_text(const struct collect *c, const struct item *it)
{
	struct composed m;
	compose(c, it, &m);
	struct ical_feed_event e = {
		.uid = m.uid,
		.date = it->due,
		.sequence = it->sequence,
		.created = it->created,
		.changed = it->changed,
		.summary = m.summary,
		.description = m.desc,
		.categories = m.cats,
		.ncategories = m.ncats,
		.alarm_text = m.alarm,
	};
	return ical_feed_writer_event(c->writer, &e, m.alarms);
}

static char *feed_head(const struct collect *c, int project)
{
	char name[128], desc[160];
	if (project < 0)
		snprintf(name, sizeof(name), "FOIA deadlines");
	else
		snprintf(name, sizeof(name), "FOIA deadlines: %s",
			 c->projects.names[project]);
	snprintf(desc, sizeof(desc),
		 "Deadlines of open public-records requests%s%s (foiad)",
		 project < 0 ? "" : " of project ",
		 project < 0 ? "" : c->projects.names[project]);
	struct ical_feed_info info = {name, desc, REFRESH_MINUTES};
	return ical_feed_head(&info);
}

int feeds_render(struct daemon *d, const char *project,
		 const struct feed_clock *clk, char **text, size_t *len,
		 char *err, size_t errlen)
{
	struct collect c;
	*text = NULL;
	*len = 0;
	int rc = collect(d, project, clk, &c, err, errlen);
	if (rc != 0) {
		collect_free(&c);
		return rc;
	}
	FILE *f = open_memstream(text, len);
	char *s = f ? feed_head(&c, project ? 0 : -1) : NULL;
	bool ok = s && fputs(s, f) >= 0;
	free(s);
	for (size_t i = 0; ok && i < c.nitems; i++) {
		s = event_text(&c, &c.items[i]);
		ok = s && fputs(s, f) >= 0;
		free(s);
	}
	ok = ok && fputs(ical_feed_tail(), f) >= 0;
	if (f && fclose(f) != 0)
		ok = false;
	collect_free(&c);
	if (!ok) {
		free(*text);
		*text = NULL;
		*len = 0;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* --- files ------------------------------------------------------------ */

void feeds_file_name(const char *project, char *buf, size_t len)
{
	char safe[FOIA_MAX_PROJECT + 1];
	size_t n = 0, plen = strlen(project);
	bool clean = plen > 0 && plen <= FOIA_MAX_PROJECT &&
		     strcmp(project, ALL_FEED) != 0;
	for (size_t i = 0; i < plen && n + 1 < sizeof(safe); i++) {
		char ch = project[i];
		bool ok = (ch >= 'a' && ch <= 'z') ||
			  (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' ||
			  ((ch == '-' || ch == '.') && i > 0);
		clean = clean && ok;
		/* A leading '.' would hide the file, a '-' read as an
		 * option in a shell. */
		safe[n++] = ok ? ch : i == 0 ? '_' : '-';
	}
	safe[n] = '\0';
	if (clean)
		snprintf(buf, len, "%s.ics", project);
	else
		snprintf(buf, len, "%s%s%08x.ics", safe, n ? "-" : "",
			 (unsigned)fnv1a(project));
}

/*
 * What foiad last wrote into each file of the directory, to leave alone
 * the files whose content would not change. A file is current when it is
 * still the one foiad renamed into place (same inode, size and mtime) and
 * the hash of everything it is made from (each event's date, stamps and
 * text digest, the calendar's name) is the same: then it is not printed
 * again, and its events go into all.ics copied from it, not printed
 * twice. After a restart nothing is known and every file is written once.
 */
struct written {
	char name[FEED_NAME_MAX];
	uint64_t inputs;  /* hash of what it was made from */
	off_t size, head; /* bytes in all, and of the head */
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
};

static struct {
	int timer;		 /* -1 before feeds_init */
	int64_t first_change_ms; /* of the burst waiting; 0: none */
	bool pending;		 /* a write is due (change or start) */
	char *dir;		 /* where the files of `written` are */
	struct written *written;
	size_t nwritten, capwritten;
} state = {.timer = -1};

/* One file being replaced: the temporary file it is written to. */
struct out_file {
	char name[FEED_NAME_MAX];
	char tmp[PATH_MAX], path[PATH_MAX];
	FILE *f;
	off_t size, head;
	int err; /* errno of the first failure, 0 if none */
};

static int out_open(struct out_file *o, const char *dir, const char *name)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	if ((size_t)snprintf(o->path, sizeof(o->path), "%s/%s", dir, name) >=
		    sizeof(o->path) ||
	    (size_t)snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.XXXXXX", dir,
			     name) >= sizeof(o->tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!(o->f = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		unlink(o->tmp);
		errno = e;
		return -1;
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 16);
	return 0;
}

static void out_write(struct out_file *o, const char *s, size_t n)
{
	o->size += (off_t)n;
	if (!o->err && n && fwrite(s, 1, n, o->f) != n)
		o->err = errno ? errno : EIO;
}

static void out_put(struct out_file *o, const char *s)
{
	out_write(o, s, strlen(s));
}

static struct written *written_find(const char *name)
{
	for (size_t i = 0; i < state.nwritten; i++)
		if (strcmp(state.written[i].name, name) == 0)
			return &state.written[i];
	return NULL;
}

static void written_forget(const char *name)
{
	struct written *w = written_find(name);
	if (w)
		*w = state.written[--state.nwritten];
}

static void written_note(const struct out_file *o, uint64_t inputs)
{
	struct stat st;
	struct written *w = written_find(o->name);
	if (stat(o->path, &st) < 0) {
		written_forget(o->name);
		return;
	}
	if (!w) {
		if (!grow_array((void **)&state.written, &state.capwritten,
				state.nwritten + 1, sizeof(*state.written)))
			return; /* only costs a rewrite next time */
		w = &state.written[state.nwritten++];
		snprintf(w->name, sizeof(w->name), "%s", o->name);
	}
	w->inputs = inputs;
	w->size = o->size;
	w->head = o->head;
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	w->mtime = st.st_mtim;
}

/* The file name in dir is the one foiad wrote from inputs; *w gets what
 * is known of it. */
static bool current(const char *dir, const char *name, uint64_t inputs,
		    const struct written **wp)
{
	char path[PATH_MAX];
	struct stat st;
	const struct written *w = written_find(name);
	*wp = w;
	return w && w->inputs == inputs &&
	       (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) <
		       sizeof(path) &&
	       stat(path, &st) == 0 && st.st_dev == w->dev &&
	       st.st_ino == w->ino && st.st_size == w->size &&
	       st.st_mtim.tv_sec == w->mtime.tv_sec &&
	       st.st_mtim.tv_nsec == w->mtime.tv_nsec;
}

/* Sync the temporary file and rename it over the real one. */
static int out_commit(struct out_file *o, uint64_t inputs)
{
	if (!o->err && fflush(o->f) != 0)
		o->err = errno;
	/* The temporary file is 0600: readable by a web server once
	 * published, as subscriptions need. */
	if (!o->err &&
	    (fsync(fileno(o->f)) < 0 || fchmod(fileno(o->f), 0644) < 0))
		o->err = errno;
	if (fclose(o->f) != 0 && !o->err)
		o->err = errno;
	o->f = NULL;
	if (!o->err && rename(o->tmp, o->path) < 0)
		o->err = errno;
	if (o->err) {
		unlink(o->tmp);
		written_forget(o->name);
		errno = o->err;
		return -1;
	}
	written_note(o, inputs);
	return 0;
}

static void out_abort(struct out_file *o)
{
	if (o->f) {
		fclose(o->f);
		unlink(o->tmp);
		o->f = NULL;
	}
}

/* Copy the events of the current file w (between its head and its tail)
 * into all. */
static int copy_events(const char *dir, const struct written *w,
		       struct out_file *all)
{
	char path[PATH_MAX], buf[1 << 16];
	off_t at = w->head, end = w->size - (off_t)strlen(ical_feed_tail());
	snprintf(path, sizeof(path), "%s/%s", dir, w->name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (at < end) {
		size_t want = (size_t)(end - at) < sizeof(buf)
				      ? (size_t)(end - at)
				      : sizeof(buf);
		ssize_t n = pread(fd, buf, want, at);
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			errno = e;
			return -1;
		}
		out_write(all, buf, (size_t)n);
		at += n;
	}
	close(fd);
	return 0;
}

/* A temporary file of ours left by a crash: ".<name>.ics.XXXXXX". */
static bool stale_temporary(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' && n > 12 &&
	       memcmp(name + n - 11, ".ics.", 5) == 0;
}

/* A feed foiad wrote, by its first lines. */
static bool our_feed(int dirfd, const char *name)
{
	char head[256];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, head, sizeof(head) - 1);
	close(fd);
	if (n <= 0)
		return false;
	head[n] = '\0';
	return strncmp(head, "BEGIN:VCALENDAR\r\n", 17) == 0 &&
	       strstr(head, "\r\nPRODID:-//foiad//") != NULL;
}

/* Remove the feeds of projects no request names any more (a project
 * renamed), and temporary files a crash left behind. */
static void sweep(const char *dir, char **keep, size_t nkeep)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	if (!dh)
		return;
	while ((de = readdir(dh))) {
		const char *name = de->d_name;
		size_t n = strlen(name);
		bool ours = false;
		if (stale_temporary(name)) {
			ours = true;
		} else if (n > 4 && strcmp(name + n - 4, ".ics") == 0 &&
			   name[0] != '.') {
			bool kept = false;
			for (size_t i = 0; !kept && i < nkeep; i++)
				kept = strcmp(keep[i], name) == 0;
			ours = !kept && our_feed(dirfd(dh), name);
		}
		if (ours && unlinkat(dirfd(dh), name, 0) == 0) {
			log_info("feeds: removed %s/%s", dir, name);
			written_forget(name);
		}
	}
	closedir(dh);
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* The hash of what the file of project p (or, with p < 0, the events of
 * no project) is made from: the items from *pos on that are p's. */
static uint64_t inputs_of(const struct collect *c, int p, size_t *pos)
{
	uint64_t h = 14695981039346656037u;
	int rank = p < 0 ? -1 : c->projects.rank[p];
	h = digest_str(h, p < 0 ? "" : c->projects.names[p]);
	h = digest_add(h, &(int){REFRESH_MINUTES}, sizeof(int));
	for (; *pos < c->nitems && c->items[*pos].rank == rank; (*pos)++) {
		const struct item *it = &c->items[*pos];
		int64_t id = c->reqs[it->req].id;
		h = digest_add(h, &id, sizeof(id));
		h = digest_add(h, &it->kind, sizeof(it->kind));
		h = digest_add(h, &it->digest, sizeof(it->digest));
		h = digest_add(h, &it->due, sizeof(it->due));
		h = digest_add(h, &it->sequence, sizeof(it->sequence));
		h = digest_str(h, it->created);
		h = digest_str(h, it->changed);
	}
	return h;
}

/* Print the items from *pos on that are project p's (rank) into o and,
 * when not NULL, into all. */
static int print_items(const struct collect *c, int rank, size_t *pos,
		       struct out_file *o, struct out_file *all)
{
	for (; *pos < c->nitems && c->items[*pos].rank == rank; (*pos)++) {
		char *s = event_text(c, &c->items[*pos]);
		if (!s)
			return -1;
		out_put(o, s);
		if (all)
			out_put(all, s);
		free(s);
	}
	return 0;
}

/* One file in the making: its name, what it is made from, and whether the
 * one on disk already is that. */
struct plan {
	char name[FEED_NAME_MAX];
	uint64_t inputs;
	bool current;
	const struct written *w;
};

int feeds_write(struct daemon *d, const char *dir, const struct feed_clock *clk,
		char *err, size_t errlen)
{
	struct collect c;
	struct out_file all = {0}, o = {0};
	char probe[PATH_MAX];
	int replaced = 0, rc = -1;
	size_t pos = 0;

	if ((size_t)snprintf(probe, sizeof(probe), "%s/%s.ics", dir,
			     ALL_FEED) >= sizeof(probe) ||
	    paths_make_parent(probe, 0755) < 0) {
		snprintf(err, errlen, "cannot create directory '%s': %s", dir,
			 strerror(errno));
		return -1;
	}
	if (!state.dir || strcmp(state.dir, dir) != 0) {
		/* Another directory: nothing known of its files. */
		free(state.dir);
		state.dir = strdup(dir);
		state.nwritten = 0;
	}
	int64_t t0 = timers_now_ms();
	if (collect(d, NULL, clk, &c, err, errlen) != 0) {
		collect_free(&c);
		return -1;
	}
	size_t np = c.projects.n;
	struct plan *plan = calloc(np + 1, sizeof(*plan));
	char **keep = calloc(np + 1, sizeof(*keep));
	if (!plan || !keep)
		goto oom;

	/* What each file is made from; all.ics from all of it. */
	uint64_t none = inputs_of(&c, -1, &pos), whole = none;
	bool changed = false;
	for (size_t r = 0; r < np; r++) {
		int p = c.projects.by_rank[r];
		struct plan *pl = &plan[r];
		feeds_file_name(c.projects.names[p], pl->name,
				sizeof(pl->name));
		pl->inputs = inputs_of(&c, p, &pos);
		pl->current = current(dir, pl->name, pl->inputs, &pl->w);
		changed |= !pl->current;
		whole = digest_add(whole, &pl->inputs, sizeof(pl->inputs));
		if (!(keep[r] = strdup(pl->name)))
			goto oom;
	}
	snprintf(plan[np].name, sizeof(plan[np].name), "%s.ics", ALL_FEED);
	plan[np].inputs = whole;
	plan[np].current = current(dir, plan[np].name, whole, &plan[np].w);
	if (!(keep[np] = strdup(plan[np].name)))
		goto oom;
	bool write_all = !plan[np].current;

	pos = 0;
	if (write_all) {
		char *s = feed_head(&c, -1);
		if (!s || out_open(&all, dir, plan[np].name) < 0) {
			free(s);
			goto cannot_create;
		}
		out_put(&all, s);
		free(s);
		all.head = all.size;
		if (print_items(&c, -1, &pos, &all, NULL) < 0)
			goto oom;
	} else {
		while (pos < c.nitems && c.items[pos].rank < 0)
			pos++;
	}
	for (size_t r = 0; r < np && (write_all || changed); r++) {
		int p = c.projects.by_rank[r];
		struct plan *pl = &plan[r];
		if (pl->current) {
			while (pos < c.nitems && c.items[pos].rank == (int)r)
				pos++;
			if (write_all && copy_events(dir, pl->w, &all) < 0) {
				snprintf(err, errlen, "cannot read '%s/%s': %s",
					 dir, pl->name, strerror(errno));
				written_forget(pl->name);
				goto out;
			}
			continue;
		}
		char *s = feed_head(&c, p);
		if (!s || out_open(&o, dir, pl->name) < 0) {
			free(s);
			goto cannot_create;
		}
		out_put(&o, s);
		free(s);
		o.head = o.size;
		if (print_items(&c, (int)r, &pos, &o, write_all ? &all : NULL) <
		    0)
			goto oom;
		out_put(&o, ical_feed_tail());
		if (out_commit(&o, pl->inputs) < 0) {
			snprintf(err, errlen, "cannot write '%s': %s", o.path,
				 strerror(errno));
			goto out;
		}
		replaced++;
	}
	if (write_all) {
		out_put(&all, ical_feed_tail());
		if (out_commit(&all, whole) < 0) {
			snprintf(err, errlen, "cannot write '%s': %s", all.path,
				 strerror(errno));
			goto out;
		}
		replaced++;
	}
	sweep(dir, keep, np + 1);
	if (replaced > 0 && sync_dir(dir) < 0) {
		snprintf(err, errlen, "cannot sync directory '%s': %s", dir,
			 strerror(errno));
		goto out;
	}
	log_debug("feeds: %zu events, %zu projects, %d files replaced in %s "
		  "(requests and deadlines %lld ms, stamps %lld ms, files %lld "
		  "ms)",
		  c.nitems, np, replaced, dir, (long long)c.walk_ms,
		  (long long)c.stamp_ms,
		  (long long)(timers_now_ms() - t0 - c.walk_ms - c.stamp_ms));
	rc = replaced;
	goto out;
cannot_create:
	snprintf(err, errlen, "cannot create a file in '%s': %s", dir,
		 strerror(errno));
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	out_abort(&o);
	out_abort(&all);
	for (size_t i = 0; keep && i <= np; i++)
		free(keep[i]);
	free(keep);
	free(plan);
	collect_free(&c);
	return rc;
}

/* --- when ---------------------------------------------------------------- */

struct feed_clock feeds_clock_now(void)
{
	struct tm tm;
	time_t now = time(NULL);
	localtime_r(&now, &tm);
	return (struct feed_clock){
		civil_to_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday),
		now};
}

/* Milliseconds until just after the next local midnight, when deadlines
 * that were due yesterday turn overdue. */
static int64_t until_midnight_ms(void)
{
	struct tm tm;
	time_t now = time(NULL);
	localtime_r(&now, &tm);
	tm.tm_mday++;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 5;
	tm.tm_isdst = -1;
	time_t next = mktime(&tm);
	if (next == (time_t)-1 || next <= now)
		return 3600 * 1000;
	return (int64_t)(next - now) * 1000;
}

static void write_now(struct daemon *d)
{
	char err[512];
	const char *dir = d->cfg.calendar.directory;
	struct feed_clock clk = feeds_clock_now();
	int64_t t0 = timers_now_ms();
	state.first_change_ms = 0;
	state.pending = false;
	if (!dir)
		return;
	int n = feeds_write(d, dir, &clk, err, sizeof(err));
	if (n < 0) {
		log_warnx("feeds: %s; trying again in %d s", err,
			  RETRY_MS / 1000);
		state.pending = true;
		timer_arm_in(&d->timers, state.timer, RETRY_MS);
		return;
	}
	log_debug("feeds: written in %lld ms",
		  (long long)(timers_now_ms() - t0));
	timer_arm_in(&d->timers, state.timer, until_midnight_ms());
}

static void on_timer(struct daemon *d, void *arg)
{
	(void)arg;
	write_now(d);
}

/* Debounce: the write waits for a second of quiet, but never more than
 * DEBOUNCE_MAX_MS after the first change of a burst. */
static void on_change(struct daemon *d)
{
	if (state.timer < 0)
		return;
	if (!d->cfg.calendar.directory) {
		timer_disarm(&d->timers, state.timer);
		state.pending = false;
		state.first_change_ms = 0;
		return;
	}
	int64_t now = timers_now_ms();
	if (!state.first_change_ms)
		state.first_change_ms = now;
	int64_t delay = state.first_change_ms + DEBOUNCE_MAX_MS - now;
	if (delay > DEBOUNCE_MS)
		delay = DEBOUNCE_MS;
	state.pending = true;
	timer_arm_in(&d->timers, state.timer, delay);
}

int feeds_init(struct daemon *d)
{
	state.timer = timer_add(&d->timers, on_timer, NULL);
	if (state.timer < 0 || change_listen(&d->timers, on_change) < 0)
		return -1;
	if (d->cfg.calendar.directory) {
		state.pending = true;
		timer_arm_in(&d->timers, state.timer, 0);
	}
	return 0;
}

void feeds_shutdown(struct daemon *d)
{
	if (state.timer >= 0 && state.pending && d->cfg.calendar.directory)
		write_now(d);
	if (state.timer >= 0)
		timer_disarm(&d->timers, state.timer);
	free(state.dir);
	free(state.written);
	state.dir = NULL;
	state.written = NULL;
	state.nwritten = state.capwritten = 0;
	state.first_change_ms = 0;
	state.pending = false;
}
