/*
 * method_letter_send.c: letter.send, a request's letter (letter_make.h)
 * emailed to its agency (`foia send`).
 *
 * The message is built with mail.h and handed to the smtp channel through
 * fetch.h; the method answers later (RPC_PENDING), as holidays.import
 * does, so foiad serves everyone else while the server talks. Only when
 * the server has accepted the message is anything recorded: an event with
 * the Message-ID, and for a request letter the sent date, method email
 * and, for a draft, the move to submitted, all in one transaction. A
 * message the server may have taken without saying so is not recorded
 * either: the error says to check before sending again. A dry run builds
 * the same message and changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "event_list.h"
#include "fetch.h"
#include "foia/protocol.h"
#include "letter_make.h"
#include "log.h"
#include "mail.h"
#include "method_util.h"
#include "methods.h"
#include "request_fields.h"
#include "secret.h"
#include "server.h"
#include "status.h"

#define SEND_TIMEOUT_S 60L
#define SEND_MAX_REPLY 4096

/* A plain address that can stand in a To header and an SMTP envelope. */
static bool plain_address(const char *a)
{
	const char *at = strchr(a, '@');
	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return false;
	for (const char *p = a; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= ' ' || ch == 0x7f || strchr("<>,;:\"()[]\\", ch))
			return false;
	}
	return true;
}

/* Append s to buf (of size len, holding *k bytes) on one line: line ends
 * become ", ", other controls are dropped, and a text too long is cut
 * between UTF-8 characters, so the message stays valid UTF-8. */
static void append_line(char *buf, size_t len, size_t *k, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*k + 8 >= len && (*p & 0xc0) != 0x80) {
			memcpy(buf + *k, "...", 3);
			*k += 3;
			break;
		}
		if (*p == '\n') {
			buf[(*k)++] = ',';
			buf[(*k)++] = ' ';
		} else if (*p >= ' ' && *p != 0x7f) {
			buf[(*k)++] = (char)*p;
		}
	}
	buf[*k] = '\0';
}

/* Where a request goes when not by email: the portal, else the address. */
static int no_email(struct call *c, const struct letter *l)
{
	char where[400];
	size_t k = 0;
	if (l->a.portal) {
		append_line(where, sizeof(where), &k,
			    "file it through the portal ");
		append_line(where, sizeof(where), &k, l->a.portal);
	} else if (l->a.address) {
		append_line(where, sizeof(where), &k, "send it by post to ");
		append_line(where, sizeof(where), &k, l->a.address);
	} else {
		snprintf(where, sizeof(where),
			 "add its address with foia agency update %s "
			 "--email ADDRESS",
			 l->r.agency);
	}
	return call_error(c, FOIA_E_CONFLICT, "agency %s has no email: %s",
			  l->r.agency, where);
}

/* "foiad.12.request.1735689600.3f2a9c1e@example.org": the domain of the
 * sender, so it reads as the sender's own. */
static void make_message_id(const struct letter *l, const char *from, char *buf,
			    size_t len)
{
	uint32_t rnd = 0;
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = (uint32_t)getpid() ^ (uint32_t)clock();
	const char *at = strchr(from, '@');
	snprintf(buf, len, "foiad.%lld.%s.%lld.%08x@%s", (long long)l->r.id,
		 l->kind, (long long)time(NULL), (unsigned)rnd,
		 at ? at + 1 : "foiad.invalid");
}

/* The group's own addresses, copied on every letter (Bcc): the project's
 * when it names some, else smtp.to. */
static const char *const *group_copy(const struct config *cfg,
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

/* Is the host at the start of authority (host[:port][/...]) a loopback
 * one? The same rule as the reminders' (notifier.c): STARTTLS may be
 * skipped there, where nothing is on the wire. */
static bool loopback(const char *authority)
{
	size_t n = strcspn(authority, ":/?#");
	if (strncmp(authority, "[::1]", 5) == 0)
		return authority[5] == '\0' || strchr(":/?#", authority[5]);
	if (n == 9 && strncmp(authority, "localhost", 9) == 0)
		return true;
	if (n < 9 || strncmp(authority, "127.", 4) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (authority[i] != '.' &&
		    (authority[i] < '0' || authority[i] > '9'))
			return false;
	return true;
}

/* A send under way and whom to answer when it ends. */
struct send_job {
	struct daemon *d;
	struct rpc_token token;
	struct peer peer; /* a copy: the connection may go first */
	int64_t id;
	char kind[LETTER_KIND_MAX + 1];
	char *to;
	char *subject;
	char message_id[400];
};

static void job_free(struct send_job *j)
{
	if (!j)
		return;
	free(j->to);
	free(j->subject);
	free(j);
}

static int append(struct call *c, int64_t id, struct event *e)
{
	e->request_id = id;
	e->actor = (char *)c->peer->name;
	int rc = store_event_append(c->d->store, e);
	if (rc != STORE_OK)
		return store_failure(c, rc, "record the letter");
	return 0;
}

/* One "field" event when f differs between old and next. */
static int field_event(struct call *c, const struct request *old,
		       const struct request *next, const char *name,
		       int *changes)
{
	const struct field_def *f = request_field_find(name);
	if (!f || field_equal(f, old, next))
		return 0;
	struct event e = {.kind = "field", .field = (char *)name};
	e.old_value = field_to_text(f, old);
	e.new_value = field_to_text(f, next);
	int rc = append(c, old->id, &e);
	free(e.old_value);
	free(e.new_value);
	free(e.at);
	(*changes)++;
	return rc;
}

static int set_text(char **dst, const char *v)
{
	char *s = strdup(v);
	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* A request letter went by email: the request was sent today, by email,
 * and a draft is now submitted. */
static int mark_request_sent(struct call *c, const struct request *old,
			     struct request *next, const char *today,
			     int *changes)
{
	bool draft = strcmp(old->status, "draft") == 0 &&
		     status_transition_allowed("draft", "submitted");
	if ((!next->sent && set_text(&next->sent, today) < 0) ||
	    ((!next->method || strcmp(next->method, "email") != 0) &&
	     set_text(&next->method, "email") < 0) ||
	    (draft && set_text(&next->status, "submitted") < 0))
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	if (field_event(c, old, next, "sent", changes) < 0 ||
	    field_event(c, old, next, "method", changes) < 0)
		return -1;
	if (!draft)
		return 0;
	struct event e = {.kind = "status",
			  .field = "status",
			  .old_value = old->status,
			  .new_value = "submitted",
			  .date = next->sent,
			  .note = "request emailed to the agency"};
	int rc = append(c, old->id, &e);
	free(e.at);
	(*changes)++;
	return rc;
}

/* Record the letter sent, in one transaction; the reply's result. */
static json_t *record_sent(struct call *c, struct send_job *j)
{
	struct request old = {0}, next = {0};
	char today[16], note[FOIA_MAX_SUBJECT + FOIA_MAX_EMAIL + 32],
		mid[sizeof(j->message_id) + 2];
	int changes = 0;
	json_t *result = NULL;
	struct store *st = c->d->store;

	today_string(today, sizeof(today));
	snprintf(note, sizeof(note), "emailed to %s: %s", j->to, j->subject);
	snprintf(mid, sizeof(mid), "<%s>", j->message_id);
	if (request_load(c, j->id, &old) < 0 ||
	    request_load(c, j->id, &next) < 0)
		goto out;
	int rc = store_begin(st);
	if (rc != STORE_OK) {
		store_failure(c, rc, "start a transaction");
		goto out;
	}
	struct event e = {.kind = "letter",
			  .field = j->kind,
			  .new_value = mid,
			  .date = today,
			  .note = note};
	if ((strcmp(j->kind, "request") == 0 &&
	     mark_request_sent(c, &old, &next, today, &changes) < 0) ||
	    append(c, j->id, &e) < 0)
		goto fail;
	if (changes > 0 && (rc = store_request_save(st, &next)) != STORE_OK) {
		store_failure(c, rc, "save the request");
		goto fail;
	}
	if ((rc = store_commit(st)) != STORE_OK) {
		store_failure(c, rc, "commit");
		goto fail;
	}
	timers_changed(&c->d->timers, c->d);
	result = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:i}",
			   "request", request_to_json(&next, today_days()),
			   "kind", j->kind, "to", j->to, "subject", j->subject,
			   "message_id", mid, "sent", today, "event",
			   event_to_json(&e), "changes", changes);
	if (!result)
		call_error(c, FOIA_E_INTERNAL, "out of memory");
	free(e.at);
	goto out;
fail:
	free(e.at);
	store_rollback(st);
out:
	request_clear(&old);
	request_clear(&next);
	return result;
}

/* The server answered (or did not): record, then answer the caller. */
static void on_sent(void *arg, const struct fetch_reply *r)
{
	struct send_job *j = arg;
	struct call c = {.d = j->d, .peer = &j->peer, .token = j->token};
	json_t *result = NULL;

	if (r->ok || (r->uploaded && r->status == 250)) {
		log_info("%s emailed the %s letter of request %lld to %s "
			 "(Message-ID <%s>)",
			 j->peer.name, j->kind, (long long)j->id, j->to,
			 j->message_id);
		result = record_sent(&c, j);
		if (!result)
			log_warnx("request %lld: the %s letter went to %s but "
				  "was not recorded: %s",
				  (long long)j->id, j->kind, j->to, c.err_msg);
	} else if (r->uploaded) {
		call_error(&c, FOIA_E_INTERNAL,
			   "%s after the whole letter was sent to %s: the "
			   "server may have taken it, so nothing was recorded; "
			   "check before sending again",
			   r->error ? r->error : "no answer", j->to);
	} else {
		call_error(&c, FOIA_E_INTERNAL,
			   "the letter was not sent to %s: %s", j->to,
			   r->error ? r->error : "failed");
	}
	char *line = rpc_call_reply(&c, result);
	if (!server_reply_later(&j->token, line))
		log_debug("%s left before the answer", j->peer.name);
	job_free(j);
}

/* The message of the letter, CRLF line ends. */
static char *build_message(const struct call *c, const struct letter *l,
			   const char *message_id, size_t *len)
{
	const struct config *cfg = &c->d->cfg;
	char reply_to[FOIA_MAX_EMAIL + 16], xreq[64];
	const char *headers[3];
	size_t nh = 0;
	snprintf(xreq, sizeof(xreq), "X-Foiad-Request: %lld",
		 (long long)l->r.id);
	headers[nh++] = xreq;
	if (cfg->letters.reply_to) {
		snprintf(reply_to, sizeof(reply_to), "Reply-To: %s",
			 cfg->letters.reply_to);
		headers[nh++] = reply_to;
	}
	headers[nh] = NULL;
	const char *to[] = {l->a.email};
	struct mail m = {
		.from = cfg->smtp.from,
		.to = to,
		.nto = 1,
		.subject = l->subject,
		.text = l->body,
		.message_id = message_id,
		.date = time(NULL),
		.headers = headers,
	};
	return mail_build(&m, len);
}

static int start_send(struct call *c, struct letter *l, char *msg, size_t len,
		      const char *message_id)
{
	const struct config *cfg = &c->d->cfg;
	char err[512], password[SECRET_MAX + 1];
	size_t ncopy = 0;
	const char *const *copy = group_copy(cfg, l->r.project, &ncopy);

	if (!c->token.server)
		return call_error(c, FOIA_E_INVALID,
				  "this caller cannot wait for the mail "
				  "server; use dry_run");
	if (fetch_running() >= FETCH_MAX_TRANSFERS)
		return call_error(c, FOIA_E_CONFLICT,
				  "%d transfers are running already; try "
				  "again later",
				  FETCH_MAX_TRANSFERS);
	/* The agency, then the group's copy (Bcc: only in the envelope). */
	const char **rcpt = calloc(ncopy + 2, sizeof(*rcpt));
	struct send_job *j = calloc(1, sizeof(*j));
	if (j) {
		*j = (struct send_job){.d = c->d,
				       .token = c->token,
				       .peer = *c->peer,
				       .id = l->r.id,
				       .to = strdup(l->a.email),
				       .subject = strdup(l->subject)};
		snprintf(j->kind, sizeof(j->kind), "%s", l->kind);
		snprintf(j->message_id, sizeof(j->message_id), "%s",
			 message_id);
	}
	if (!rcpt || !j || !j->to || !j->subject) {
		free(rcpt);
		job_free(j);
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	size_t n = 0;
	rcpt[n++] = l->a.email;
	for (size_t i = 0; i < ncopy; i++)
		if (strcmp(copy[i], l->a.email) != 0)
			rcpt[n++] = copy[i];
	struct fetch_send s = {
		.verb = FETCH_SMTP,
		.url = cfg->smtp.url,
		.mail_from = cfg->smtp.from,
		.rcpt = rcpt,
		.require_tls = strncmp(cfg->smtp.url, "smtp://", 7) == 0 &&
			       cfg->smtp.starttls &&
			       !loopback(cfg->smtp.url + 7),
		.body = msg,
		.len = len,
		.timeout_s = SEND_TIMEOUT_S,
		.max_reply = SEND_MAX_REPLY,
	};
	password[0] = '\0';
	int rc = 0;
	if (cfg->smtp.user) {
		if (secret_read(cfg->smtp.password_file, password,
				sizeof(password), err, sizeof(err)) < 0)
			rc = call_error(c, FOIA_E_INTERNAL, "%s", err);
		s.user = cfg->smtp.user;
		s.password = password;
	}
	if (rc == 0 &&
	    fetch_send_start(&s, on_sent, NULL, j, err, sizeof(err)) < 0)
		rc = call_error(c, FOIA_E_INTERNAL,
				"the letter was not sent: %s", err);
	secret_wipe(password, sizeof(password));
	free(rcpt);
	if (rc < 0) {
		job_free(j);
		return -1;
	}
	log_debug("%s: emailing the %s letter of request %lld to %s",
		  c->peer->name, l->kind, (long long)l->r.id, l->a.email);
	return RPC_PENDING;
}

/* A request letter goes once: a second would file the request twice.
 * 0 when none was emailed yet (or again), else -1 with a conflict. */
static int request_once(struct call *c, const struct letter *l, bool again)
{
	struct event_list ev;
	const struct event *sent = NULL;
	if (again || strcmp(l->kind, "request") != 0)
		return 0;
	int rc = event_list_load(c->d->store, l->r.id, &ev);
	if (rc != STORE_OK)
		return store_failure(c, rc, "read the history");
	for (size_t i = 0; i < ev.n; i++)
		if (ev.v[i].kind && strcmp(ev.v[i].kind, "letter") == 0 &&
		    ev.v[i].field && strcmp(ev.v[i].field, "request") == 0)
			sent = &ev.v[i];
	rc = 0;
	if (sent)
		rc = call_error(c, FOIA_E_CONFLICT,
				"request %lld was emailed to the agency on %s "
				"(Message-ID %.300s); to file it again, add "
				"--again",
				(long long)l->r.id,
				sent->date ? sent->date : "an earlier day",
				sent->new_value ? sent->new_value : "unknown");
	event_list_free(&ev);
	return rc;
}

int method_letter_send(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"id", "kind", "dry_run", "again",
					      NULL};
	struct letter l = {0};
	char message_id[400];
	size_t len = 0;
	char *msg = NULL;
	int rc = -1;

	json_t *dry = json_object_get(params, "dry_run");
	json_t *again = json_object_get(params, "again");
	if (params_known(c, params, allowed, false) < 0)
		return -1;
	if ((dry && !json_is_boolean(dry)) ||
	    (again && !json_is_boolean(again)))
		return call_error(
			c, FOIA_E_INVALID, "'%s' must be true or false",
			dry && !json_is_boolean(dry) ? "dry_run" : "again");
	if (letter_make(c, params, &l) < 0 ||
	    request_once(c, &l, json_is_true(again)) < 0)
		goto out;
	if (!l.a.email) {
		no_email(c, &l);
		goto out;
	}
	if (!plain_address(l.a.email)) {
		call_error(c, FOIA_E_CONFLICT,
			   "agency %s's email '%.80s' is not one plain "
			   "address (foia agency update %s --email ADDRESS)",
			   l.r.agency, l.a.email, l.r.agency);
		goto out;
	}
	if (!c->d->cfg.smtp.url || !c->d->cfg.smtp.from) {
		call_error(c, FOIA_E_CONFLICT,
			   "no smtp block in foiad.conf: letters cannot be "
			   "emailed (see 'smtp' in foiad.conf, or print the "
			   "letter with foia letter %lld)",
			   (long long)l.r.id);
		goto out;
	}
	make_message_id(&l, c->d->cfg.smtp.from, message_id,
			sizeof(message_id));
	if (!(msg = build_message(c, &l, message_id, &len))) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	if (json_is_true(dry)) {
		char mid[sizeof(message_id) + 2];
		snprintf(mid, sizeof(mid), "<%s>", message_id);
		*result = json_pack("{s:b, s:I, s:s, s:s, s:s, s:s, s:s%}",
				    "dry_run", 1, "request", (json_int_t)l.r.id,
				    "kind", l.kind, "to", l.a.email, "subject",
				    l.subject, "message_id", mid, "message",
				    msg, len);
		rc = *result ? 0
			     : call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	rc = start_send(c, &l, msg, len, message_id);
out:
	free(msg);
	letter_clear(&l);
	return rc;
}
