/*
 * scheduler.c: planning reminders (scheduler.h).
 *
 * A plan is one walk over the open requests, in one transaction: each
 * request's deadlines are derived again (request_deadlines.h) on today's
 * date in reminders.timezone, and each live deadline (dated, not met) is
 * asked which of its reminders is due (sched_plan.h). A due one is added
 * to the outbox for each channel the request's project goes to, unless it
 * is there already: the outbox's unique (key, channel) makes planning
 * idempotent, before and after a crash alike, so the walk needs no memory
 * of its own between runs. The same walk collects the digest's lines, and
 * the pending rows it did not find a reason to keep are cancelled.
 *
 * The texts of a reminder are written when it is queued (remind_text.h)
 * and kept with it, so a retry says what the first try said.
 */
#include "scheduler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "event_list.h"
#include "foia/civil.h"
#include "grow.h"
#include "log.h"
#include "notifier.h"
#include "remind_text.h"
#include "request_deadlines.h"
#include "sched_plan.h"
#include "status.h"
#include "zone.h"

#define MAX_TIMER_MS  (24LL * 3600 * 1000)
#define WAKE_SLACK_MS 1000 /* wake just after the minute, never before */

static struct {
	int plan_timer, soon_timer;
	bool soon_armed;
	time_t next;
} S = {.plan_timer = -1, .soon_timer = -1};

/* A pending outbox row, to keep or cancel. */
struct pending {
	int64_t id;
	int64_t request;
	char kind[32];
	char date[11];
	bool keep;
	bool visited; /* its request is open */
};

struct walk {
	struct daemon *d;
	time_t now;
	struct sched_moment mnow;
	struct sched_rules rules;
	const char *zone;
	bool channels; /* some channel is configured */
	bool has_next;
	struct sched_moment next;
	struct pending *pending;
	size_t npending, cap;
	struct digest_item *items;
	size_t nitems, icap;
	int queued, cancelled;
	/* Every request's clock events in one ordered pass. */
	struct event_feed history;
};

time_t scheduler_next(void)
{
	return S.next;
}

static void consider_next(struct walk *w, struct sched_moment m)
{
	if (!w->has_next || sched_before(m, w->next)) {
		w->next = m;
		w->has_next = true;
	}
}

/* "2025-03-24 09:00 America/New_York" */
static void moment_text(const struct walk *w, struct sched_moment m, char *buf,
			size_t len)
{
	char date[16];
	civil_format(m.day, date, sizeof(date));
	snprintf(buf, len, "%s %02d:%02d %s", date, m.minute / 60,
		 m.minute % 60, w->zone && *w->zone ? w->zone : "local time");
}

/* --- the outbox ------------------------------------------------------ */

struct queued {
	const char *key;
	int64_t request;
	const char *project;
	const char *kind;
	int32_t date;
	int lead;
	struct sched_fire fire;
	bool email_only;
};

/* Which channels q still lacks; false when it has them all. */
static bool lacking(struct walk *w, const struct queued *q, bool *email,
		    bool *webhook)
{
	const struct config *cfg = &w->d->cfg;
	bool have;
	*email = notifier_has_email(cfg, q->project);
	*webhook = !q->email_only && notifier_has_webhook(cfg, q->project);
	if (*email &&
	    store_outbox_has(w->d->store, q->key, "email", &have) == STORE_OK &&
	    have)
		*email = false;
	if (*webhook &&
	    store_outbox_has(w->d->store, q->key, "webhook", &have) ==
		    STORE_OK &&
	    have)
		*webhook = false;
	return *email || *webhook;
}

static void add_row(struct walk *w, const struct queued *q, const char *channel,
		    const char *summary, const char *body)
{
	char date[16], due_at[32];
	civil_format(q->date, date, sizeof(date));
	zone_utc_stamp(zone_instant(w->zone, q->fire.at.day, q->fire.at.minute),
		       due_at, sizeof(due_at));
	struct outbox_row row = {
		.key = (char *)q->key,
		.channel = (char *)channel,
		.request_id = q->request,
		.kind = (char *)q->kind,
		.date = date,
		.lead = q->lead,
		.summary = (char *)summary,
		.body = (char *)body,
		.due_at = due_at,
		.late = q->fire.late,
	};
	int rc = store_outbox_add(w->d->store, &row);
	if (rc == STORE_OK) {
		w->queued++;
		log_info("reminder %lld queued for %s: %s%s", (long long)row.id,
			 channel, q->key, q->fire.late ? " (late)" : "");
	} else if (rc != STORE_CONFLICT) {
		log_warnx("cannot queue reminder %s: %s", q->key,
			  store_errmsg(w->d->store));
	}
}

static void queue(struct walk *w, const struct queued *q, const char *summary,
		  const char *body, bool email, bool webhook)
{
	if (email)
		add_row(w, q, "email", summary, body);
	if (webhook)
		add_row(w, q, "webhook", summary, body);
}

/* The facts of a request for its texts. */
static void facts_of(const struct walk *w, const struct request *r,
		     struct remind_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->request = r->id;
	f->agency = r->agency;
	f->agency_name = r->agency_name;
	f->subject = r->subject;
	f->tracking = r->tracking;
	f->project = r->project;
	f->status = r->status;
	f->today = w->mnow.day;
}

static void queue_deadline(struct walk *w, const struct request *r,
			   const struct jurisdiction *law,
			   const struct rd_deadline *d,
			   const struct sched_fire *fire)
{
	char key[160], date[16], summary[512], at[128];
	bool email, webhook;
	civil_format(d->due, date, sizeof(date));
	snprintf(key, sizeof(key), "%lld:%s:%s:%d", (long long)r->id,
		 rd_kind_name(d->kind), date, fire->offset);
	struct queued q = {
		key,	r->id,	      r->project, rd_kind_name(d->kind),
		d->due, fire->offset, *fire,	  false};
	if (!lacking(w, &q, &email, &webhook))
		return;
	struct remind_facts f;
	facts_of(w, r, &f);
	f.what = rd_kind_label(d->kind);
	f.due = d->due;
	f.citation = law ? law->citation : NULL;
	f.period = d->agreed ? 0 : d->period;
	f.unit = d->unit == DEADLINE_WORKING_DAYS ? "working" : "calendar";
	f.late = fire->late;
	moment_text(w, fire->at, at, sizeof(at));
	f.due_at = at;
	remind_summary(&f, summary, sizeof(summary));
	char *body = remind_body(&f);
	if (!body) {
		log_warnx("cannot queue reminder %s: out of memory", key);
		return;
	}
	queue(w, &q, summary, body, email, webhook);
	free(body);
}

/* --- pending rows ---------------------------------------------------- */

static int collect_pending(const struct outbox_row *row, void *arg)
{
	struct walk *w = arg;
	if (!grow_array((void **)&w->pending, &w->cap, w->npending + 1,
			sizeof(*w->pending)))
		return -1;
	struct pending *p = &w->pending[w->npending++];
	memset(p, 0, sizeof(*p));
	p->id = row->id;
	p->request = row->request_id;
	snprintf(p->kind, sizeof(p->kind), "%s", row->kind);
	snprintf(p->date, sizeof(p->date), "%s", row->date);
	p->keep = row->request_id == 0; /* a digest */
	return 0;
}

static int by_request(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;
	return x->request < y->request ? -1 : x->request > y->request;
}

/* The pending rows of request id: [*first, *end). */
static void pending_of(const struct walk *w, int64_t id, size_t *first,
		       size_t *end)
{
	size_t lo = 0, hi = w->npending;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->pending[mid].request < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = *end = lo;
	while (*end < w->npending && w->pending[*end].request == id)
		(*end)++;
}

static void cancel_stale(struct walk *w)
{
	for (size_t i = 0; i < w->npending; i++) {
		const struct pending *p = &w->pending[i];
		char why[128];
		if (p->keep)
			continue;
		if (!p->visited)
			snprintf(why, sizeof(why),
				 "request %lld is closed or withdrawn",
				 (long long)p->request);
		else
			snprintf(why, sizeof(why),
				 "the deadline was met or moved");
		if (store_outbox_cancel(w->d->store, p->id, why) == STORE_OK) {
			w->cancelled++;
			log_info("reminder %lld cancelled: %s",
				 (long long)p->id, why);
		}
	}
}

/* --- the walk -------------------------------------------------------- */

static void add_item(struct walk *w, const struct request *r,
		     const struct rd_deadline *d)
{
	if (!grow_array((void **)&w->items, &w->icap, w->nitems + 1,
			sizeof(*w->items)))
		return;
	struct digest_item *it = &w->items[w->nitems];
	it->request = r->id;
	it->agency = strdup(r->agency);
	it->subject = strdup(r->subject ? r->subject : "");
	it->what = rd_kind_label(d->kind);
	it->due = d->due;
	if (!it->agency || !it->subject) {
		free((char *)it->agency);
		free((char *)it->subject);
		return;
	}
	w->nitems++;
}

static void plan_deadline(struct walk *w, const struct request *r,
			  const struct jurisdiction *law,
			  const struct rd_deadline *d)
{
	struct sched_deadline sd = {
		.due = d->due,
		/* Follow-ups chase the agency; the appeal window is the
		 * requester's, and a law with no period has its own. */
		.followups =
			d->kind != RD_APPEAL_WINDOW && d->kind != RD_FOLLOWUP,
		.repeat = d->kind == RD_FOLLOWUP ? d->period : 0,
	};
	struct sched_fire fire;
	struct sched_moment next;
	bool has_due, has_next;
	sched_plan_deadline(&w->rules, &sd, w->mnow, &has_due, &fire, &has_next,
			    &next);
	if (has_due && w->channels)
		queue_deadline(w, r, law, d, &fire);
	if (has_next)
		consider_next(w, next);
	if (d->due < w->mnow.day || d->due - w->mnow.day <= DIGEST_HORIZON)
		add_item(w, r, d);
}

static int plan_request(const struct request *r, void *arg)
{
	struct walk *w = arg;
	struct daemon *d = w->d;
	struct rd_set set;
	char err[512];
	size_t first, end;
	bool computed = false;

	pending_of(w, r->id, &first, &end);
	for (size_t i = first; i < end; i++) {
		w->pending[i].visited = true;
		if (strcmp(w->pending[i].kind, "snooze") == 0)
			w->pending[i].keep = true;
	}
	const struct jurisdiction *law =
		r->jurisdiction ? jurisdiction_find(&d->laws, r->jurisdiction)
				: NULL;
	const struct juris_calendar *cal =
		law ? jurisdiction_calendar(&d->laws, law) : NULL;
	if (!law || !cal || !cal->cal)
		return 0;
	if (event_feed_load(&w->history, r->id) != STORE_OK) {
		log_warnx("request %lld: %s", (long long)r->id,
			  store_errmsg(d->store));
		computed = false;
	} else {
		const struct event_list *ev = &w->history.list;
		computed = request_deadlines(r, ev->v, ev->n, law, cal->cal,
					     w->mnow.day, false, &set, err,
					     sizeof(err)) == 0;
	}
	if (!computed) {
		/* Unknown is not gone: keep what is pending. */
		for (size_t i = first; i < end; i++)
			w->pending[i].keep = true;
		return 0;
	}
	for (size_t i = 0; i < set.n; i++) {
		const struct rd_deadline *dl = &set.v[i];
		char date[16];
		if (!dl->has_due || dl->state == RD_STATE_MET ||
		    dl->state == RD_STATE_STOPPED)
			continue;
		civil_format(dl->due, date, sizeof(date));
		for (size_t k = first; k < end; k++)
			if (strcmp(w->pending[k].kind,
				   rd_kind_name(dl->kind)) == 0 &&
			    strcmp(w->pending[k].date, date) == 0)
				w->pending[k].keep = true;
		plan_deadline(w, r, law, dl);
	}
	return 0;
}

/* --- personal reminders ---------------------------------------------- */

struct snooze_list {
	struct snooze *v;
	size_t n, cap;
};

static int collect_snooze(const struct snooze *s, void *arg)
{
	struct snooze_list *l = arg;
	if (!grow_array((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -1;
	struct snooze *c = &l->v[l->n];
	memset(c, 0, sizeof(*c));
	c->id = s->id;
	c->request_id = s->request_id;
	c->date = strdup(s->date);
	c->note = s->note ? strdup(s->note) : NULL;
	if (!c->date || (s->note && !c->note)) {
		snooze_clear(c);
		return -1;
	}
	l->n++;
	return 0;
}

static void plan_snooze(struct walk *w, const struct snooze *s)
{
	struct request r;
	struct sched_fire fire;
	struct sched_moment next;
	bool has_due, has_next, email, webhook;
	char key[160], summary[512], at[128];
	int32_t day;
	if (!civil_parse(s->date, &day) ||
	    store_request_get(w->d->store, s->request_id, &r) != STORE_OK)
		return;
	if (!status_is_open(r.status)) {
		if (store_snooze_set_state(w->d->store, s->id, "cancelled") ==
		    STORE_OK)
			log_info("reminder set for request %lld on %s "
				 "cancelled: the request is %s",
				 (long long)r.id, s->date, r.status);
		request_clear(&r);
		return;
	}
	sched_plan_once(day, w->rules.minute, w->mnow, &has_due, &fire,
			&has_next, &next);
	if (has_next)
		consider_next(w, next);
	if (!has_due || !w->channels) {
		request_clear(&r);
		return;
	}
	snprintf(key, sizeof(key), "%lld:snooze:%s:%lld", (long long)r.id,
		 s->date, (long long)s->id);
	struct queued q = {key, r.id, r.project, "snooze", day, 0, fire, false};
	if (lacking(w, &q, &email, &webhook)) {
		struct remind_facts f;
		facts_of(w, &r, &f);
		f.snooze = true;
		f.due = day;
		f.note = s->note;
		f.late = fire.late;
		moment_text(w, fire.at, at, sizeof(at));
		f.due_at = at;
		remind_summary(&f, summary, sizeof(summary));
		char *body = remind_body(&f);
		if (body)
			queue(w, &q, summary, body, email, webhook);
		free(body);
	}
	if (store_snooze_set_state(w->d->store, s->id, "queued") != STORE_OK)
		log_warnx("reminder %lld: %s", (long long)s->id,
			  store_errmsg(w->d->store));
	request_clear(&r);
}

static void plan_snoozes(struct walk *w)
{
	struct snooze_list l = {0};
	if (store_snooze_list(w->d->store, "scheduled", collect_snooze, &l) !=
	    STORE_OK)
		log_warnx("reminders: %s", store_errmsg(w->d->store));
	for (size_t i = 0; i < l.n; i++) {
		plan_snooze(w, &l.v[i]);
		snooze_clear(&l.v[i]);
	}
	free(l.v);
}

/* --- the digest ------------------------------------------------------ */

static void plan_digest(struct walk *w)
{
	const struct config *cfg = &w->d->cfg;
	struct sched_fire fire;
	struct sched_moment next;
	bool has_due, email, webhook;
	char key[96], date[16], summary[256], at[128];
	enum sched_digest kind =
		cfg->reminders.digest == DIGEST_DAILY	 ? SCHED_DIGEST_DAILY
		: cfg->reminders.digest == DIGEST_WEEKLY ? SCHED_DIGEST_WEEKLY
							 : SCHED_DIGEST_OFF;
	if (kind == SCHED_DIGEST_OFF || !notifier_has_email(cfg, NULL))
		return;
	sched_plan_digest(kind, w->rules.minute, w->mnow, &has_due, &fire,
			  &next);
	consider_next(w, next);
	civil_format(fire.at.day, date, sizeof(date));
	snprintf(key, sizeof(key), "digest:%s:%s",
		 kind == SCHED_DIGEST_DAILY ? "daily" : "weekly", date);
	struct queued q = {key, 0, NULL, "digest", fire.at.day, 0, fire, true};
	if (!lacking(w, &q, &email, &webhook))
		return;
	char *body = remind_digest(w->items, w->nitems, w->mnow.day, summary,
				   sizeof(summary));
	if (!body) {
		log_warnx("cannot queue the digest: out of memory");
		return;
	}
	if (fire.late) {
		moment_text(w, fire.at, at, sizeof(at));
		size_t n = strlen(body);
		char *more = realloc(body, n + strlen(at) + 64);
		if (more) {
			body = more;
			snprintf(body + n, strlen(at) + 64,
				 "\nThis digest was due %s and is sent late.\n",
				 at);
		}
	}
	queue(w, &q, summary, body, email, false);
	free(body);
}

/* --- planning -------------------------------------------------------- */

static bool any_channel(const struct config *cfg)
{
	if (notifier_has_email(cfg, NULL) || notifier_has_webhook(cfg, NULL))
		return true;
	for (size_t i = 0; i < cfg->nprojects; i++)
		if (notifier_has_email(cfg, cfg->projects[i].name) ||
		    notifier_has_webhook(cfg, cfg->projects[i].name))
			return true;
	return false;
}

static void rules_of(const struct config *cfg, struct sched_rules *r)
{
	const struct reminders_config *rc = &cfg->reminders;
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < rc->nleads && i < SCHED_MAX_LEADS; i++)
		r->leads[r->nleads++] = rc->leads[i];
	r->minute = rc->time;
	r->followup_every = rc->followup_every;
}

static void arm(struct walk *w)
{
	struct daemon *d = w->d;
	timer_disarm(&d->timers, S.plan_timer);
	S.next = 0;
	if (!w->has_next || !w->channels)
		return;
	time_t at = zone_instant(w->zone, w->next.day, w->next.minute);
	if (at == (time_t)-1)
		return;
	S.next = at;
	int64_t ms = at > w->now ? (int64_t)(at - w->now) * 1000 : 0;
	ms += WAKE_SLACK_MS;
	timer_arm_in(&d->timers, S.plan_timer,
		     ms < MAX_TIMER_MS ? ms : MAX_TIMER_MS);
	char when[32];
	zone_utc_stamp(at, when, sizeof(when));
	log_debug("reminders: next at %s", when);
}

void scheduler_plan(struct daemon *d)
{
	struct walk w = {.d = d};
	struct request_filter f = {.open_only = true};

	timer_disarm(&d->timers, S.soon_timer);
	S.soon_armed = false;
	w.now = time(NULL);
	w.zone = d->cfg.reminders.timezone;
	zone_local(w.zone, w.now, &w.mnow.day, &w.mnow.minute);
	rules_of(&d->cfg, &w.rules);
	w.channels = any_channel(&d->cfg);
	if (store_outbox_list(d->store, "pending", 0, collect_pending, &w) !=
	    STORE_OK) {
		log_warnx("reminders not planned: %s", store_errmsg(d->store));
		free(w.pending);
		return;
	}
	if (!w.channels && w.npending == 0) {
		arm(&w);
		free(w.pending);
		return; /* nothing to send, nothing to cancel */
	}
	if (w.npending > 1)
		qsort(w.pending, w.npending, sizeof(*w.pending), by_request);
	bool tx = store_begin(d->store) == STORE_OK;
	if (event_feed_open(d->store, &w.history) != STORE_OK ||
	    store_request_list(d->store, &f, plan_request, &w) != STORE_OK)
		log_warnx("reminders: %s", store_errmsg(d->store));
	event_feed_close(&w.history);
	plan_snoozes(&w);
	plan_digest(&w);
	cancel_stale(&w);
	if (tx && store_commit(d->store) != STORE_OK) {
		log_warnx("reminders not saved: %s", store_errmsg(d->store));
		store_rollback(d->store);
	}
	for (size_t i = 0; i < w.nitems; i++) {
		free((char *)w.items[i].agency);
		free((char *)w.items[i].subject);
	}
	free(w.items);
	free(w.pending);
	if (w.queued || w.cancelled)
		log_debug("reminders: %d queued, %d cancelled", w.queued,
			  w.cancelled);
	arm(&w);
	notifier_kick(d);
}

static void on_plan_timer(struct daemon *d, void *arg)
{
	(void)arg;
	scheduler_plan(d);
}

/* Something changed: plan again soon, once for a burst of changes. */
static void on_change(struct daemon *d)
{
	if (S.soon_armed)
		return;
	S.soon_armed = true;
	timer_arm_in(&d->timers, S.soon_timer, SCHED_DEBOUNCE_MS);
}

int scheduler_init(struct daemon *d)
{
	if (notifier_init(d) < 0)
		return -1;
	S.plan_timer = timer_add(&d->timers, on_plan_timer, NULL);
	S.soon_timer = timer_add(&d->timers, on_plan_timer, NULL);
	if (S.plan_timer < 0 || S.soon_timer < 0 ||
	    change_listen(&d->timers, on_change) < 0) {
		log_warnx("no timer left for the reminder scheduler");
		return -1;
	}
	S.soon_armed = true;
	timer_arm_in(&d->timers, S.soon_timer, 0);
	return 0;
}
