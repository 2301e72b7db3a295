/*
 * caldav.c: keeping a CalDAV collection equal to the deadlines (caldav.h).
 *
 * A pass has two halves. The plan, all at once: walk the open requests,
 * derive their deadlines, render the inputs of each live one's event into
 * a hash, and compare with the stamps of what the server holds; the
 * differences become a list of operations (PUT new, PUT changed, DELETE).
 * Then the operations, one at a time, each a libcurl transfer; the stamp
 * is written (or removed) when the server accepts it. A failure ends the
 * pass and arms the retry timer; the next pass plans afresh, so nothing
 * is remembered between passes but the stamps.
 *
 * The event text (libical, through ical_feed.h) is rendered only for what
 * is sent; DTSTAMP and LAST-MODIFIED are the time the content last
 * changed and SEQUENCE counts date moves, so an unchanged deadline renders
 * the same every time and is never sent again.
 */
#include "caldav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "event_list.h"
#include "feeds.h"
#include "fetch.h"
#include "foia/civil.h"
#include "grow.h"
#include "ical_feed.h"
#include "log.h"
#include "notifier.h"
#include "request_deadlines.h"
#include "secret.h"
#include "zone.h"

#define MAX_TIMER_MS (24LL * 3600 * 1000)
#define MAX_REPLY    (64 * 1024)

enum op_kind { OP_PUT, OP_DELETE };

struct op {
	enum op_kind what;
	bool create;	    /* nothing is known to be there */
	bool unconditional; /* after a 412: ours to overwrite */
	struct caldav_stamp stamp;
	char *text; /* PUT: the calendar object */
};

static struct {
	int soon_timer, wake_timer;
	bool soon_armed;
	bool busy;  /* a pass is sending */
	bool again; /* something changed meanwhile */
	int failures;
	struct op *ops;
	size_t nops, cap, next;
} C = {.soon_timer = -1, .wake_timer = -1};

void caldav_resource(long long request, const char *kind, char *buf,
		     unsigned long len)
{
	snprintf(buf, len, "%lld-%s.ics", request, kind);
}

static void arm(struct daemon *d, int id, int64_t ms)
{
	if (id >= 0)
		timer_arm_in(&d->timers, id,
			     ms < MAX_TIMER_MS ? ms : MAX_TIMER_MS);
}

static void free_ops(void)
{
	for (size_t i = 0; i < C.nops; i++)
		free(C.ops[i].text);
	free(C.ops);
	C.ops = NULL;
	C.nops = C.cap = C.next = 0;
}

/* --- the plan ---------------------------------------------------------- */

struct stamps {
	struct caldav_stamp *v;
	bool *seen;
	size_t n, cap;
};

static int keep_stamp(const struct caldav_stamp *s, void *arg)
{
	struct stamps *st = arg;
	if (!grow_array((void **)&st->v, &st->cap, st->n + 1, sizeof(*st->v)))
		return -1;
	st->v[st->n++] = *s;
	return 0;
}

/* The stamp of (request, kind): the list is sorted by both. */
static size_t find_stamp(const struct stamps *st, int64_t request,
			 const char *kind)
{
	size_t lo = 0, hi = st->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct caldav_stamp *s = &st->v[mid];
		int cmp = s->request_id < request   ? -1
			  : s->request_id > request ? 1
						    : strcmp(s->kind, kind);
		if (cmp == 0)
			return mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return st->n;
}

struct plan {
	struct daemon *d;
	struct stamps stamps;
	int32_t today;
	char now[21];
	char domain[256];
	bool full; /* CALDAV_MAX_OPS reached */
	int err;
	/* Every request's clock events in one ordered pass. */
	struct event_feed history;
};

static struct op *new_op(struct plan *p)
{
	if (C.nops == CALDAV_MAX_OPS) {
		p->full = true;
		return NULL;
	}
	if (!grow_array((void **)&C.ops, &C.cap, C.nops + 1, sizeof(*C.ops))) {
		p->err = -1;
		return NULL;
	}
	struct op *o = &C.ops[C.nops++];
	memset(o, 0, sizeof(*o));
	return o;
}

struct growing {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct growing *g, const char *s)
{
	size_t n = strlen(s);
	if (g->oom)
		return;
	if (!grow_array((void **)&g->p, &g->cap, g->len + n + 1, 1)) {
		g->oom = true;
		return;
	}
	memcpy(g->p + g->len, s, n + 1);
	g->len += n;
}

/* The event's SUMMARY and DESCRIPTION, as the feeds word them. */
static void texts(const struct plan *p, const struct request *r,
		  const struct jurisdiction *law, const struct rd_deadline *dl,
		  char *summary, size_t slen, struct growing *desc)
{
	char due[16], since[16], line[512];
	bool overdue = dl->due < p->today;
	civil_format(dl->due, due, sizeof(due));
	civil_format(dl->due + 1, since, sizeof(since));
	snprintf(summary, slen, "%s%s #%lld: %s", overdue ? "OVERDUE: " : "",
		 r->agency, (long long)r->id, rd_kind_label(dl->kind));
	put(desc, "Subject: ");
	put(desc, r->subject ? r->subject : "");
	put(desc, "\nAgency: ");
	put(desc, r->agency);
	if (r->agency_name) {
		put(desc, " (");
		put(desc, r->agency_name);
		put(desc, ")");
	}
	put(desc, "\nTracking number: ");
	put(desc, r->tracking ? r->tracking : "none");
	put(desc, "\nStatute: ");
	put(desc, law->citation);
	put(desc, " (");
	put(desc, law->name);
	put(desc, ")\n");
	if (overdue)
		snprintf(line, sizeof(line), "Due: %s, overdue since %s\n", due,
			 since);
	else
		snprintf(line, sizeof(line), "Due: %s\n", due);
	put(desc, line);
	if (r->project) {
		put(desc, "Project: ");
		put(desc, r->project);
		put(desc, "\n");
	}
	snprintf(line, sizeof(line), "Details: foia show %lld",
		 (long long)r->id);
	put(desc, line);
}

static void hash_of(const char *const *parts, size_t n, char out[17])
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		for (const unsigned char *q = (const unsigned char *)parts[i];
		     q && *q; q++)
			h = (h ^ *q) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL; /* a separator */
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The calendar object of one event. */
static char *render(const struct plan *p, const struct caldav_stamp *s,
		    const char *summary, const char *desc,
		    const char *const *cats, size_t ncats, bool overdue)
{
	char uid[320], alarm[300];
	int32_t date;
	if (!civil_parse(s->date, &date))
		return NULL;
	snprintf(uid, sizeof(uid), "%lld-%s@%s", (long long)s->request_id,
		 s->kind, p->domain);
	/* The alarm says what the summary says, without the marking. */
	snprintf(alarm, sizeof(alarm), "%s",
		 overdue ? summary + strlen("OVERDUE: ") : summary);
	struct ical_feed_info info = {"FOIA deadlines", NULL, 1440};
	struct ical_feed_event e = {
		.uid = uid,
		.date = date,
		.sequence = s->sequence,
		.created = s->created,
		.changed = s->changed,
		.summary = summary,
		.description = desc,
		.categories = cats,
		.ncategories = ncats,
		.alarm_text = alarm,
	};
	const struct reminders_config *rc = &p->d->cfg.reminders;
	struct ical_feed_alarms alarms = {rc->leads, rc->nleads, rc->time};
	char *head = ical_feed_head(&info);
	char *ev = head ? ical_feed_event(&e, overdue ? NULL : &alarms) : NULL;
	const char *tail = ical_feed_tail();
	char *out = NULL;
	if (head && ev) {
		size_t a = strlen(head), b = strlen(ev), c = strlen(tail);
		if ((out = malloc(a + b + c + 1))) {
			memcpy(out, head, a);
			memcpy(out + a, ev, b);
			memcpy(out + a + b, tail, c + 1);
		}
	}
	free(head);
	free(ev);
	return out;
}

static void plan_deadline(struct plan *p, const struct request *r,
			  const struct jurisdiction *law,
			  const struct rd_deadline *dl)
{
	char summary[300], date[11], hash[17], ov[2];
	struct growing desc = {0};
	const char *cats[3];
	size_t ncats = 0;
	bool overdue = dl->due < p->today;

	civil_format(dl->due, date, sizeof(date));
	texts(p, r, law, dl, summary, sizeof(summary), &desc);
	if (desc.oom) {
		free(desc.p);
		p->err = -1;
		return;
	}
	if (r->project)
		cats[ncats++] = r->project;
	cats[ncats++] = r->agency;
	cats[ncats++] = r->jurisdiction;
	ov[0] = overdue ? '1' : '0';
	ov[1] = '\0';
	const char *parts[] = {date,
			       ov,
			       summary,
			       desc.p,
			       cats[0],
			       ncats > 1 ? cats[1] : "",
			       ncats > 2 ? cats[2] : ""};
	hash_of(parts, sizeof(parts) / sizeof(parts[0]), hash);

	const char *kind = rd_kind_name(dl->kind);
	size_t i = find_stamp(&p->stamps, r->id, kind);
	struct caldav_stamp s = {.request_id = r->id};
	bool create = i == p->stamps.n;
	if (!create) {
		p->stamps.seen[i] = true;
		s = p->stamps.v[i];
		if (strcmp(s.hash, hash) == 0) {
			free(desc.p);
			return; /* the server has it as it is */
		}
		if (strcmp(s.date, date) != 0)
			s.sequence++;
		snprintf(s.changed, sizeof(s.changed), "%s", p->now);
	} else {
		snprintf(s.kind, sizeof(s.kind), "%s", kind);
		snprintf(s.created, sizeof(s.created), "%s", p->now);
		snprintf(s.changed, sizeof(s.changed), "%s", p->now);
	}
	snprintf(s.date, sizeof(s.date), "%s", date);
	snprintf(s.hash, sizeof(s.hash), "%s", hash);
	struct op *o = new_op(p);
	if (o) {
		o->what = OP_PUT;
		o->create = create;
		o->stamp = s;
		o->text = render(p, &s, summary, desc.p, cats, ncats, overdue);
		if (!o->text) {
			C.nops--;
			p->err = -1;
		}
	}
	free(desc.p);
}

static int plan_request(const struct request *r, void *arg)
{
	struct plan *p = arg;
	struct daemon *d = p->d;
	struct rd_set set;
	char err[512];
	const struct jurisdiction *law =
		r->jurisdiction ? jurisdiction_find(&d->laws, r->jurisdiction)
				: NULL;
	const struct juris_calendar *cal =
		law ? jurisdiction_calendar(&d->laws, law) : NULL;
	if (!law || !cal || !cal->cal)
		return 0;
	if (event_feed_load(&p->history, r->id) != STORE_OK)
		return -1;
	const struct event_list *ev = &p->history.list;
	int rc = request_deadlines(r, ev->v, ev->n, law, cal->cal, p->today,
				   false, &set, err, sizeof(err));
	if (rc < 0) {
		/* Unknown is not gone: leave its events as they are. */
		for (size_t i = 0; i < p->stamps.n; i++)
			if (p->stamps.v[i].request_id == r->id)
				p->stamps.seen[i] = true;
		return 0;
	}
	for (size_t i = 0; i < set.n && !p->err; i++) {
		const struct rd_deadline *dl = &set.v[i];
		if (dl->has_due && dl->state != RD_STATE_MET &&
		    dl->state != RD_STATE_STOPPED)
			plan_deadline(p, r, law, dl);
	}
	return p->err;
}

/* Fill C.ops with what differs. 0, or -1 (logged). */
static int plan(struct daemon *d)
{
	struct plan p = {.d = d};
	struct request_filter f = {.open_only = true};
	int minute;
	time_t now = time(NULL);

	zone_local(d->cfg.reminders.timezone, now, &p.today, &minute);
	zone_utc_stamp(now, p.now, sizeof(p.now));
	feeds_domain(d, p.domain, sizeof(p.domain));
	if (store_caldav_list(d->store, keep_stamp, &p.stamps) != STORE_OK ||
	    !(p.stamps.seen = calloc(p.stamps.n + 1, sizeof(bool)))) {
		log_warnx("caldav: %s", store_errmsg(d->store));
		free(p.stamps.v);
		return -1;
	}
	int rc = event_feed_open(d->store, &p.history);
	if (rc == STORE_OK)
		rc = store_request_list(d->store, &f, plan_request, &p);
	event_feed_close(&p.history);
	if (rc != STORE_OK || p.err) {
		log_warnx("caldav: cannot plan: %s",
			  rc != STORE_OK ? store_errmsg(d->store)
					 : "out of memory");
		free(p.stamps.v);
		free(p.stamps.seen);
		free_ops();
		return -1;
	}
	for (size_t i = 0; i < p.stamps.n; i++) {
		if (p.stamps.seen[i])
			continue;
		struct op *o = new_op(&p);
		if (!o)
			break;
		o->what = OP_DELETE;
		o->stamp = p.stamps.v[i];
	}
	if (p.full)
		C.again = true;
	free(p.stamps.v);
	free(p.stamps.seen);
	return 0;
}

/* --- sending ----------------------------------------------------------- */

static void start_next(struct daemon *d);

static void pass_over(struct daemon *d, const char *error)
{
	free_ops();
	C.busy = false;
	if (error) {
		long wait = notifier_backoff(++C.failures);
		log_warnx("caldav: %s; trying again in %ld s", error, wait);
		arm(d, C.wake_timer, wait * 1000LL);
		return;
	}
	C.failures = 0;
	if (C.again) {
		C.again = false;
		arm(d, C.soon_timer, 0);
		C.soon_armed = true;
		return;
	}
	/* Deadlines turn overdue with the date. */
	int32_t today;
	int minute;
	time_t now = time(NULL);
	zone_local(d->cfg.reminders.timezone, now, &today, &minute);
	time_t midnight = zone_instant(d->cfg.reminders.timezone, today + 1, 0);
	arm(d, C.wake_timer,
	    midnight > now ? (int64_t)(midnight - now) * 1000 + 60000 : 60000);
}

struct job {
	struct daemon *d;
};

static void op_done(void *arg, const struct fetch_reply *r)
{
	struct job *j = arg;
	struct daemon *d = j->d;
	struct op *o = &C.ops[C.next];
	char err[600];
	int rc = STORE_OK;
	free(j);
	if (r->ok && o->what == OP_PUT) {
		snprintf(o->stamp.etag, sizeof(o->stamp.etag), "%s",
			 r->etag ? r->etag : "");
		rc = store_caldav_save(d->store, &o->stamp);
		log_debug("caldav: put %lld-%s (%s)",
			  (long long)o->stamp.request_id, o->stamp.kind,
			  o->stamp.date);
	} else if (o->what == OP_DELETE &&
		   (r->ok || r->status == 404 || r->status == 410)) {
		rc = store_caldav_delete(d->store, o->stamp.request_id,
					 o->stamp.kind);
		log_debug("caldav: deleted %lld-%s",
			  (long long)o->stamp.request_id, o->stamp.kind);
	} else if (r->status == 412 && !o->unconditional) {
		/* Already there (a create recorded nowhere before a crash)
		 * or changed by someone else: the name is ours, so write
		 * it again, unconditionally. */
		o->unconditional = true;
		start_next(d);
		return;
	} else {
		snprintf(err, sizeof(err), "%s %lld-%s: %s",
			 o->what == OP_PUT ? "put" : "delete",
			 (long long)o->stamp.request_id, o->stamp.kind,
			 r->error ? r->error : "failed");
		pass_over(d, err);
		return;
	}
	if (rc != STORE_OK)
		log_warnx("caldav: %s", store_errmsg(d->store));
	C.next++;
	start_next(d);
}

/* The collection's URL with one trailing slash, then name. */
static void resource_url(const char *base, const struct caldav_stamp *s,
			 char *buf, size_t len)
{
	char name[96];
	size_t n = strlen(base);
	caldav_resource((long long)s->request_id, s->kind, name, sizeof(name));
	snprintf(buf, len, "%.*s/%s",
		 (int)(n && base[n - 1] == '/' ? n - 1 : n), base, name);
}

static void start_next(struct daemon *d)
{
	const struct caldav_config *cfg = &d->cfg.caldav;
	char url[4096], cond[300], err[512], password[SECRET_MAX + 1];
	const char *headers[3];
	size_t nh = 0;
	if (C.next >= C.nops || !cfg->url) {
		pass_over(d, NULL);
		return;
	}
	struct op *o = &C.ops[C.next];
	resource_url(cfg->url, &o->stamp, url, sizeof(url));
	if (o->what == OP_PUT)
		headers[nh++] = "Content-Type: text/calendar; charset=utf-8";
	if (!o->unconditional && o->what == OP_PUT && o->create) {
		headers[nh++] = "If-None-Match: *";
	} else if (!o->unconditional && o->stamp.etag[0]) {
		snprintf(cond, sizeof(cond), "If-Match: %s", o->stamp.etag);
		headers[nh++] = cond;
	}
	headers[nh] = NULL;
	struct fetch_send s = {
		.verb = o->what == OP_PUT ? FETCH_PUT : FETCH_DELETE,
		.url = url,
		.headers = headers,
		.body = o->text,
		.len = o->text ? strlen(o->text) : 0,
		.timeout_s = CALDAV_TIMEOUT_S,
		.max_reply = MAX_REPLY,
	};
	password[0] = '\0';
	if (cfg->user) {
		if (secret_read(cfg->password_file, password, sizeof(password),
				err, sizeof(err)) < 0) {
			pass_over(d, err);
			return;
		}
		s.user = cfg->user;
		s.password = password;
	}
	struct job *j = calloc(1, sizeof(*j));
	if (!j) {
		secret_wipe(password, sizeof(password));
		pass_over(d, "out of memory");
		return;
	}
	j->d = d;
	if (fetch_send_start(&s, op_done, NULL, j, err, sizeof(err)) < 0) {
		free(j);
		pass_over(d, err);
	}
	secret_wipe(password, sizeof(password));
}

void caldav_sync(struct daemon *d)
{
	timer_disarm(&d->timers, C.soon_timer);
	timer_disarm(&d->timers, C.wake_timer);
	C.soon_armed = false;
	if (!d->cfg.caldav.url)
		return;
	if (C.busy) {
		C.again = true;
		return;
	}
	if (plan(d) < 0) {
		pass_over(d, "cannot plan the sync");
		return;
	}
	if (C.nops)
		log_info("caldav: sending %zu change%s", C.nops,
			 C.nops == 1 ? "" : "s");
	C.busy = true;
	C.next = 0;
	start_next(d);
}

static void on_timer(struct daemon *d, void *arg)
{
	(void)arg;
	caldav_sync(d);
}

static void on_change(struct daemon *d)
{
	if (!d->cfg.caldav.url)
		return;
	if (C.busy) {
		C.again = true;
		return;
	}
	if (C.soon_armed)
		return;
	C.soon_armed = true;
	arm(d, C.soon_timer, CALDAV_DEBOUNCE_MS);
}

int caldav_init(struct daemon *d)
{
	C.soon_timer = timer_add(&d->timers, on_timer, NULL);
	C.wake_timer = timer_add(&d->timers, on_timer, NULL);
	if (C.soon_timer < 0 || C.wake_timer < 0 ||
	    change_listen(&d->timers, on_change) < 0) {
		log_warnx("no timer left for CalDAV publishing");
		return -1;
	}
	C.soon_armed = true;
	arm(d, C.soon_timer, 0);
	return 0;
}
