/*
 * notifier.c: the outbox's way out (notifier.h).
 *
 * Each due row becomes one asynchronous send: an email built here
 * (mail.h, with the deadline attached as an iCalendar file from
 * ical_feed.h) or a webhook's JSON (webhook.h), through fetch.h. The row's
 * state in the store is the only record of where a send stands: it is
 * moved (and committed) before each step is acted on, so a crash at any
 * point leaves a state that store_outbox_recover turns into "send again"
 * only when the message cannot have been taken whole.
 *
 * The end of a send never starts the next one directly: it arms the
 * notifier's timer for now, and the event loop runs it, which it stops
 * doing once foiad is shutting down, so no new send starts then.
 * Passwords are read from their files for each send, and wiped after.
 */
#include "notifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "feeds.h"
#include "fetch.h"
#include "foia/civil.h"
#include "ical_feed.h"
#include "log.h"
#include "mail.h"
#include "request_deadlines.h"
#include "secret.h"
#include "status.h"
#include "webhook.h"
#include "zone.h"

#define MAX_REPLY    (64 * 1024)
#define RELAUNCH_MS  5000 /* a send that could not start at all */
#define MAX_TIMER_MS (24LL * 3600 * 1000)

static struct {
	int timer;
	bool ready;
	size_t inflight;
} N = {.timer = -1};

/* A send under way. */
struct job {
	struct daemon *d;
	int64_t id;
	int attempts; /* counting this one */
	bool smtp;
	char channel[16];
	char key[200];
};

long notifier_backoff(int attempts)
{
	long s = NOTIFY_RETRY_FIRST_S;
	for (int i = 1; i < attempts && s < NOTIFY_RETRY_MAX_S; i++)
		s *= 2;
	return s < NOTIFY_RETRY_MAX_S ? s : NOTIFY_RETRY_MAX_S;
}

static const char *const *email_to(const struct config *cfg,
				   const char *project, size_t *n)
{
	const struct project_config *p = config_project(cfg, project);
	if (p && p->nto) {
		*n = p->nto;
		return (const char *const *)p->to;
	}
	*n = cfg->smtp.nto;
	return (const char *const *)cfg->smtp.to;
}

static const char *webhook_url(const struct config *cfg, const char *project)
{
	const struct project_config *p = config_project(cfg, project);
	return p && p->webhook ? p->webhook : cfg->webhook.url;
}

bool notifier_has_email(const struct config *cfg, const char *project)
{
	size_t n;
	return cfg->smtp.url && cfg->smtp.from && email_to(cfg, project, &n) &&
	       n > 0;
}

bool notifier_has_webhook(const struct config *cfg, const char *project)
{
	return webhook_url(cfg, project) != NULL;
}

static void wake(struct daemon *d, int64_t ms)
{
	if (N.timer >= 0)
		timer_arm_in(&d->timers, N.timer,
			     ms < MAX_TIMER_MS ? ms : MAX_TIMER_MS);
}

/* --- building the messages ------------------------------------------- */

static bool kind_of(const char *name, enum rd_kind *out)
{
	for (int k = RD_DETERMINATION; k <= RD_FOLLOWUP; k++)
		if (strcmp(rd_kind_name((enum rd_kind)k), name) == 0) {
			*out = (enum rd_kind)k;
			return true;
		}
	return false;
}

/* The deadline as a one-event calendar, with the UID the feeds give it,
 * so a calendar that has both sees one event. */
static char *deadline_ics(struct daemon *d, const struct outbox_row *row,
			  const struct request *r, enum rd_kind kind,
			  size_t *len)
{
	char domain[256], uid[320], summary[300];
	const char *cats[3];
	size_t ncats = 0;
	int32_t date;
	if (!civil_parse(row->date, &date))
		return NULL;
	feeds_domain(d, domain, sizeof(domain));
	snprintf(uid, sizeof(uid), "%lld-%s@%s", (long long)r->id,
		 rd_kind_name(kind), domain);
	int32_t today;
	int minute;
	zone_local(d->cfg.reminders.timezone, time(NULL), &today, &minute);
	/* Marked as the feeds mark it. */
	snprintf(summary, sizeof(summary), "%s%s #%lld: %s",
		 date < today ? "OVERDUE: " : "", r->agency, (long long)r->id,
		 rd_kind_label(kind));
	if (r->project)
		cats[ncats++] = r->project;
	cats[ncats++] = r->agency;
	if (r->jurisdiction)
		cats[ncats++] = r->jurisdiction;
	struct ical_feed_info info = {"FOIA deadline", NULL, 1440};
	/* The SEQUENCE the feeds give this date, so a calendar holding both
	 * the attachment and the feed's event sees one event at its current
	 * version: the published one's when the feeds have this date, the
	 * next when they have another (they bump it when they publish the
	 * move, maybe a second after this mail), 0 when never published. */
	struct feed_stamp fs;
	bool stamped = store_feed_stamp_get(d->store, r->id, rd_kind_name(kind),
					    &fs) == STORE_OK;
	bool same = stamped && strcmp(fs.date, row->date) == 0;
	struct ical_feed_event e = {
		.uid = uid,
		.date = date,
		.sequence = !stamped ? 0
			    : same   ? fs.sequence
				     : fs.sequence + 1,
		.created = stamped ? fs.created : row->created,
		.changed = same ? fs.changed : row->created,
		.summary = summary,
		.description = row->body,
		.categories = cats,
		.ncategories = ncats,
	};
	struct ical_feed_alarms alarms = {d->cfg.reminders.leads,
					  d->cfg.reminders.nleads,
					  d->cfg.reminders.time};
	/* Past alarms would only show as missed. */
	bool future = row->lead >= 0 && !row->late;
	char *head = ical_feed_head(&info);
	char *ev = head ? ical_feed_event(&e, future ? &alarms : NULL) : NULL;
	const char *tail = ical_feed_tail();
	char *out = NULL;
	if (head && ev) {
		size_t a = strlen(head), b = strlen(ev), c = strlen(tail);
		if ((out = malloc(a + b + c + 1))) {
			memcpy(out, head, a);
			memcpy(out + a, ev, b);
			memcpy(out + a + b, tail, c + 1);
			*len = a + b + c;
		}
	}
	free(head);
	free(ev);
	return out;
}

static char *build_mail(struct daemon *d, const struct outbox_row *row,
			const struct request *r, size_t *len)
{
	const struct config *cfg = &d->cfg;
	char id[400], domain[256], keyhdr[256], *ics = NULL;
	const char *hdrs[4];
	size_t n = 0, nto, icslen = 0;
	enum rd_kind kind;

	feeds_domain(d, domain, sizeof(domain));
	/* Stable across retries: a receiver that saw it once can tell. */
	snprintf(id, sizeof(id), "foiad.%s.%s@%s", row->key, row->channel,
		 domain);
	for (char *p = id; *p && *p != '@'; p++)
		if (*p == ':')
			*p = '.';
	snprintf(keyhdr, sizeof(keyhdr), "X-Foiad-Key: %s", row->key);
	hdrs[n++] = "Auto-Submitted: auto-generated";
	hdrs[n++] = keyhdr;
	if (row->late)
		hdrs[n++] = "X-Foiad-Late: yes";
	hdrs[n] = NULL;
	if (r && kind_of(row->kind, &kind))
		ics = deadline_ics(d, row, r, kind, &icslen);
	char name[96];
	snprintf(name, sizeof(name), "foia-%lld-%s.ics",
		 r ? (long long)r->id : 0LL, row->kind);
	const char *const *to = email_to(cfg, r ? r->project : NULL, &nto);
	struct mail m = {
		.from = cfg->smtp.from,
		.to = to,
		.nto = nto,
		.subject = row->summary,
		.text = row->body,
		.message_id = id,
		.date = time(NULL),
		.headers = hdrs,
		.attachment = ics,
		.attachment_len = icslen,
		.attachment_type = "text/calendar",
		.attachment_name = name,
	};
	char *msg = mail_build(&m, len);
	free(ics);
	return msg;
}

static char *build_json(const struct outbox_row *row, const struct request *r,
			size_t *len)
{
	enum rd_kind kind;
	bool deadline = kind_of(row->kind, &kind);
	bool snooze = strcmp(row->kind, "snooze") == 0;
	struct webhook_facts f = {
		.text = row->summary,
		.key = row->key,
		.type = snooze				   ? "snooze"
			: strcmp(row->kind, "digest") == 0 ? "digest"
			: row->lead < 0			   ? "followup"
							   : "reminder",
		.request = r ? r->id : 0,
		.agency = r ? r->agency : NULL,
		.agency_name = r ? r->agency_name : NULL,
		.subject = r ? r->subject : NULL,
		.project = r ? r->project : NULL,
		.tracking = r ? r->tracking : NULL,
		.status = r ? r->status : NULL,
		.deadline_kind = deadline ? row->kind : NULL,
		.what = deadline ? rd_kind_label(kind) : NULL,
		.due = row->date,
		.lead = row->lead,
		.late = row->late,
		.body = row->body,
	};
	char *s = webhook_json(&f);
	if (s)
		*len = strlen(s);
	return s;
}

/* --- the end of a send ------------------------------------------------ */

static void retry_or_fail(struct daemon *d, int64_t id, int attempts,
			  const char *key, const char *channel,
			  const char *error)
{
	char next[32], msg[600];
	int rc;
	if (attempts >= NOTIFY_MAX_ATTEMPTS) {
		snprintf(msg, sizeof(msg), "gave up after %d attempts: %s",
			 attempts, error);
		rc = store_outbox_fail(d->store, id, msg);
		log_warnx("reminder %lld (%s) by %s: %s", (long long)id, key,
			  channel, msg);
	} else {
		long wait = notifier_backoff(attempts);
		zone_utc_stamp(time(NULL) + wait, next, sizeof(next));
		rc = store_outbox_retry(d->store, id, next, error);
		log_warnx("reminder %lld (%s) by %s: %s; trying again in %ld s",
			  (long long)id, key, channel, error, wait);
	}
	if (rc != STORE_OK)
		log_warnx("reminder %lld: %s", (long long)id,
			  store_errmsg(d->store));
}

static void on_uploaded(void *arg)
{
	struct job *j = arg;
	/* From here on the server may have the whole message. */
	if (store_outbox_delivering(j->d->store, j->id) != STORE_OK)
		log_warnx("reminder %lld: %s", (long long)j->id,
			  store_errmsg(j->d->store));
}

static void on_sent(void *arg, const struct fetch_reply *r)
{
	struct job *j = arg;
	struct daemon *d = j->d;
	bool answered_ok = j->smtp ? r->status == 250
				   : r->status >= 200 && r->status <= 299;
	bool refused = j->smtp ? r->status >= 400
			       : r->status >= 300 && r->status <= 599;
	N.inflight--;
	if (r->ok || (r->uploaded && answered_ok)) {
		if (store_outbox_sent(d->store, j->id) == STORE_OK)
			log_info("reminder %lld (%s) sent by %s",
				 (long long)j->id, j->key, j->channel);
		else
			log_warnx("reminder %lld was sent, but: %s",
				  (long long)j->id, store_errmsg(d->store));
	} else if (!r->uploaded || refused) {
		retry_or_fail(d, j->id, j->attempts, j->key, j->channel,
			      r->error ? r->error : "failed");
	} else {
		char msg[600];
		snprintf(msg, sizeof(msg),
			 "%s after the whole message was sent: it may have "
			 "been delivered, so it is not sent again",
			 r->error ? r->error : "no answer");
		if (store_outbox_fail(d->store, j->id, msg) != STORE_OK)
			log_warnx("reminder %lld: %s", (long long)j->id,
				  store_errmsg(d->store));
		log_warnx("reminder %lld (%s) by %s: %s", (long long)j->id,
			  j->key, j->channel, msg);
	}
	free(j);
	wake(d, 0);
}

/* --- starting a send -------------------------------------------------- */

/* Is the host at the start of authority (host[:port][/...]) a loopback
 * one: localhost, 127.x.x.x or [::1]? */
static bool loopback(const char *authority)
{
	size_t n = strcspn(authority, ":/?#");
	if (strncmp(authority, "[::1]", 5) == 0)
		return authority[5] == '\0' || strchr(":/?#", authority[5]);
	if (n == 9 && strncmp(authority, "localhost", 9) == 0)
		return true;
	if (n < 9 || strncmp(authority, "127.", 4) != 0)
		return false;
	int dots = 0;
	for (size_t i = 0; i < n; i++) {
		if (authority[i] == '.')
			dots++;
		else if (authority[i] < '0' || authority[i] > '9')
			return false;
	}
	return dots == 3;
}

static void start(struct daemon *d, int64_t id)
{
	const struct config *cfg = &d->cfg;
	struct outbox_row row;
	struct request r = {0};
	char err[512], password[SECRET_MAX + 1];
	char *payload = NULL;
	size_t len = 0;
	bool have_req = false, smtp;

	if (store_outbox_get(d->store, id, &row) != STORE_OK)
		return;
	if (row.request_id) {
		if (store_request_get(d->store, row.request_id, &r) !=
		    STORE_OK) {
			store_outbox_fail(d->store, id, "its request is gone");
			outbox_row_clear(&row);
			return;
		}
		have_req = true;
	}
	if (have_req && !status_is_open(r.status)) {
		/* Closed while this waited for a retry: the plan that
		 * cancels it may not come before the retry does. */
		snprintf(err, sizeof(err), "request %lld is %s",
			 (long long)r.id, r.status);
		store_outbox_cancel(d->store, id, err);
		log_info("reminder %lld (%s) cancelled: %s", (long long)id,
			 row.key, err);
		goto out;
	}
	smtp = strcmp(row.channel, "email") == 0;
	const char *project = have_req ? r.project : NULL;
	if (smtp ? !notifier_has_email(cfg, project)
		 : strcmp(row.channel, "webhook") != 0 ||
			    !notifier_has_webhook(cfg, project)) {
		snprintf(err, sizeof(err), "no %s channel is configured now",
			 row.channel);
		store_outbox_cancel(d->store, id, err);
		log_info("reminder %lld (%s) cancelled: %s", (long long)id,
			 row.key, err);
		goto out;
	}
	payload = smtp ? build_mail(d, &row, have_req ? &r : NULL, &len)
		       : build_json(&row, have_req ? &r : NULL, &len);
	if (!payload) {
		log_warnx("reminder %lld: out of memory", (long long)id);
		goto out;
	}
	if (store_outbox_sending(d->store, id) != STORE_OK)
		goto out; /* not pending any more */
	password[0] = '\0';
	struct job *j = calloc(1, sizeof(*j));
	if (!j) {
		retry_or_fail(d, id, row.attempts + 1, row.key, row.channel,
			      "out of memory");
		goto out;
	}
	*j = (struct job){
		.d = d, .id = id, .attempts = row.attempts + 1, .smtp = smtp};
	snprintf(j->channel, sizeof(j->channel), "%s", row.channel);
	snprintf(j->key, sizeof(j->key), "%s", row.key);
	size_t nto = 0;
	const char *const *to = smtp ? email_to(cfg, project, &nto) : NULL;
	static const char *const json_headers[] = {
		"Content-Type: application/json", NULL};
	struct fetch_send s = {
		.verb = smtp ? FETCH_SMTP : FETCH_POST,
		.url = smtp ? cfg->smtp.url : webhook_url(cfg, project),
		.mail_from = cfg->smtp.from,
		.rcpt = to,
		.headers = json_headers,
		.body = payload,
		.len = len,
		.timeout_s = NOTIFY_TIMEOUT_S,
		.max_reply = MAX_REPLY,
	};
	char idem[240];
	const char *with_key[3] = {json_headers[0], idem, NULL};
	if (!smtp) {
		snprintf(idem, sizeof(idem), "Idempotency-Key: %s", row.key);
		s.headers = with_key;
	}
	if (smtp) {
		/* STARTTLS may be skipped only when asked, or on loopback,
		 * where nothing is on the wire to protect. */
		s.require_tls = strncmp(cfg->smtp.url, "smtp://", 7) == 0 &&
				cfg->smtp.starttls &&
				!loopback(cfg->smtp.url + 7);
		if (cfg->smtp.user) {
			if (secret_read(cfg->smtp.password_file, password,
					sizeof(password), err,
					sizeof(err)) < 0) {
				retry_or_fail(d, id, j->attempts, row.key,
					      row.channel, err);
				free(j);
				goto out;
			}
			s.user = cfg->smtp.user;
			s.password = password;
		}
	}
	if (fetch_send_start(&s, on_sent, on_uploaded, j, err, sizeof(err)) <
	    0) {
		retry_or_fail(d, id, j->attempts, row.key, row.channel, err);
		free(j);
	} else {
		N.inflight++;
		log_debug("reminder %lld (%s): sending by %s, attempt %d",
			  (long long)id, row.key, row.channel, j->attempts);
	}
	secret_wipe(password, sizeof(password));
out:
	free(payload);
	request_clear(&r);
	outbox_row_clear(&row);
}

/* --- the drain -------------------------------------------------------- */

struct due_ids {
	int64_t v[NOTIFY_MAX_INFLIGHT];
	size_t n;
};

static int collect(const struct outbox_row *row, void *arg)
{
	struct due_ids *ids = arg;
	if (ids->n < NOTIFY_MAX_INFLIGHT)
		ids->v[ids->n++] = row->id;
	return 0;
}

/* Arm the timer for the earliest pending retry. */
static void arm_next(struct daemon *d)
{
	char next[32];
	bool found;
	time_t at;
	if (N.inflight >= NOTIFY_MAX_INFLIGHT)
		return; /* the end of a send wakes us */
	if (store_outbox_next_attempt(d->store, next, &found) != STORE_OK) {
		log_warnx("outbox: %s", store_errmsg(d->store));
		wake(d, RELAUNCH_MS);
		return;
	}
	if (!found)
		return;
	if (!next[0] || !zone_parse_stamp(next, &at)) {
		/* Due now but not started: transfers were all busy. */
		wake(d, RELAUNCH_MS);
		return;
	}
	time_t now = time(NULL);
	wake(d, at > now ? (int64_t)(at - now) * 1000 : 0);
}

void notifier_kick(struct daemon *d)
{
	char now[32];
	struct due_ids ids = {.n = 0};
	if (!N.ready)
		return;
	timer_disarm(&d->timers, N.timer);
	if (N.inflight < NOTIFY_MAX_INFLIGHT) {
		zone_utc_stamp(time(NULL), now, sizeof(now));
		if (store_outbox_due(d->store, now,
				     NOTIFY_MAX_INFLIGHT - N.inflight, collect,
				     &ids) != STORE_OK)
			log_warnx("outbox: %s", store_errmsg(d->store));
		for (size_t i = 0; i < ids.n; i++)
			start(d, ids.v[i]);
	}
	arm_next(d);
}

static void on_timer(struct daemon *d, void *arg)
{
	(void)arg;
	notifier_kick(d);
}

int notifier_init(struct daemon *d)
{
	int64_t retried = 0, failed = 0;
	int rc = store_outbox_recover(d->store, &retried, &failed);
	if (rc == STORE_READONLY && store_readonly(d->store)) {
		/* Nothing is sent meanwhile (sending writes); the rows are
		 * recovered at the next start on a writable database. */
		log_warnx("outbox: not recovered, the database is read-only");
	} else if (rc != STORE_OK) {
		log_warnx("outbox: %s", store_errmsg(d->store));
		return -1;
	}
	if (retried)
		log_info("outbox: %lld reminders cut off before their message "
			 "went are sent again",
			 (long long)retried);
	if (failed)
		log_warnx("outbox: %lld reminders were being taken by the "
			  "server when foiad stopped; they are not sent again",
			  (long long)failed);
	N.timer = timer_add(&d->timers, on_timer, NULL);
	if (N.timer < 0) {
		log_warnx("no timer left for the notifier");
		return -1;
	}
	N.ready = true;
	wake(d, 0);
	return 0;
}
