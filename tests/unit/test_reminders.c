/*
 * test_reminders.c: the reminders' outbox in the store (store_outbox.c),
 * the scheduler's plans over real requests and laws (scheduler.c), the
 * remind and reminders methods (method_remind.c), and the smtp, webhook,
 * caldav and projects settings (config_notify.c).
 *
 * Plans run on a ":memory:" store seeded like the daemon's, with the laws
 * of config/jurisdictions.conf, through the protocol harness (testutil.h).
 * The notifier is not started, so what a plan queues stays in the outbox
 * to be looked at. Reminders fall due at once: time 00:00 UTC, and each
 * request's determination is agreed for a day relative to today (UTC).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "config_notify.h"
#include "daemon.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "jurisdiction.h"
#include "sched_plan.h"
#include "scheduler.h"
#include "seed.h"
#include "store.h"
#include "zone.h"

#define TESTUTIL_RPC
#include "testutil.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define LAWS	 FOIAD_SRCDIR "/config/jurisdictions.conf"
#define AGENCIES FOIAD_SRCDIR "/config/agencies.conf"

static struct jurisdictions laws;
static int32_t today; /* UTC */
static int now_minute;

static const char *S(int32_t d)
{
	static char buf[8][16];
	static int i;
	i = (i + 1) % 8;
	civil_format(d, buf[i], sizeof(buf[i]));
	return buf[i];
}

/* --- fixtures ------------------------------------------------------------ */

static int group_setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	char err[256] = "";
	if (tmpdir_make("test_reminders") < 0)
		return -1;
	if (config_load_jurisdictions(LAWS, &laws, &errs) != 0 ||
	    jurisdictions_build(&laws, err, sizeof(err)) != 0) {
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n", errs.text[i]);
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	jurisdictions_free(&laws);
	return tmpdir_remove();
}

static int setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	static const int leads[] = {0};
	if (rpc_open() < 0)
		return -1;
	dmn.laws = laws;
	if (seed_agencies(dmn.store, AGENCIES, &errs) < 1)
		return -1;
	memcpy(dmn.cfg.reminders.leads, leads, sizeof(leads));
	dmn.cfg.reminders.nleads = 1;
	dmn.cfg.reminders.time = 0;
	dmn.cfg.reminders.timezone = strdup("UTC");
	dmn.cfg.reminders.followup_every = 14;
	dmn.cfg.reminders.digest = DIGEST_OFF;
	dmn.cfg.webhook.url = strdup("http://127.0.0.1:1/hook");
	zone_local("UTC", time(NULL), &today, &now_minute);
	return dmn.cfg.reminders.timezone && dmn.cfg.webhook.url ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(dmn.cfg.reminders.timezone);
	config_notify_clear(&dmn.cfg);
	rpc_close();
	return 0;
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* File a request received five days ago, with the determination agreed
 * for today + days. Returns its id. */
static json_int_t file_due(const char *agency, int days, const char *project)
{
	json_t *p = P("{s:[s], s:s, s:s, s:s}", "agencies", agency, "subject",
		      "Detention contracts", "sent", S(today - 5), "received",
		      S(today - 5));
	if (project)
		json_object_set_new(p, "project", json_string(project));
	json_int_t id = json_integer_value(
		json_array_get(get(ok("request.file", p), "ids"), 0));
	ok("request.agree", P("{s:I, s:s, s:s}", "id", id, "date",
			      S(today + days), "reason", "by phone"));
	return id;
}

/* The outbox, all of it, oldest first. */
struct rows {
	struct outbox_row v[64];
	size_t n;
};

static int keep_row(const struct outbox_row *r, void *arg)
{
	struct rows *rs = arg;
	assert_true(rs->n < 64);
	struct outbox_row *c = &rs->v[rs->n++];
	*c = (struct outbox_row){.id = r->id,
				 .request_id = r->request_id,
				 .lead = r->lead,
				 .late = r->late,
				 .attempts = r->attempts};
	c->key = strdup(r->key);
	c->channel = strdup(r->channel);
	c->kind = strdup(r->kind);
	c->date = strdup(r->date);
	c->state = strdup(r->state);
	c->summary = strdup(r->summary);
	c->body = strdup(r->body);
	c->last_error = r->last_error ? strdup(r->last_error) : NULL;
	return 0;
}

static void rows_load(struct rows *rs)
{
	rs->n = 0;
	assert_int_equal(store_outbox_list(dmn.store, NULL, 0, keep_row, rs),
			 STORE_OK);
	/* Oldest first. */
	for (size_t i = 0; i < rs->n / 2; i++) {
		struct outbox_row t = rs->v[i];
		rs->v[i] = rs->v[rs->n - 1 - i];
		rs->v[rs->n - 1 - i] = t;
	}
}

static void rows_free(struct rows *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		outbox_row_clear(&rs->v[i]);
	rs->n = 0;
}

static char *key_of(json_int_t id, const char *kind, int32_t date, int lead)
{
	static char buf[4][96];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%lld:%s:%s:%d", (long long)id, kind,
		 S(date), lead);
	return buf[i];
}

/* --- the store ----------------------------------------------------------- */

static struct outbox_row sample(const char *key, const char *channel)
{
	return (struct outbox_row){.key = (char *)key,
				   .channel = (char *)channel,
				   .kind = "determination",
				   .date = "2025-03-31",
				   .lead = 7,
				   .summary = "ICE #1: FOIA response due",
				   .body = "text",
				   .due_at = "2025-03-24T13:00:00Z"};
}

static void state_is(int64_t id, const char *want)
{
	struct outbox_row r;
	assert_int_equal(store_outbox_get(dmn.store, id, &r), STORE_OK);
	if (strcmp(r.state, want) != 0)
		fail_msg("reminder %lld is %s, expected %s", (long long)id,
			 r.state, want);
	outbox_row_clear(&r);
}

static int count_due(const struct outbox_row *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int due_now(const char *now)
{
	int n = 0;
	assert_int_equal(store_outbox_due(dmn.store, now, 10, count_due, &n),
			 STORE_OK);
	return n;
}

static void test_outbox_once_per_channel(void **state)
{
	(void)state;
	struct outbox_row a = sample("1:determination:2025-03-31:7", "email");
	bool has;
	assert_int_equal(store_outbox_add(dmn.store, &a), STORE_OK);
	assert_true(a.id > 0);
	struct outbox_row again = a;
	again.id = 0;
	again.summary = "different text";
	assert_int_equal(store_outbox_add(dmn.store, &again), STORE_CONFLICT);
	assert_int_equal(again.id, 0);
	assert_int_equal(store_outbox_has(dmn.store, a.key, "email", &has),
			 STORE_OK);
	assert_true(has);
	assert_int_equal(store_outbox_has(dmn.store, a.key, "webhook", &has),
			 STORE_OK);
	assert_false(has);
	struct outbox_row b = sample(a.key, "webhook");
	assert_int_equal(store_outbox_add(dmn.store, &b), STORE_OK);
	struct outbox_row r;
	assert_int_equal(store_outbox_get(dmn.store, a.id, &r), STORE_OK);
	assert_string_equal(r.summary, "ICE #1: FOIA response due");
	assert_string_equal(r.state, "pending");
	assert_int_equal(r.attempts, 0);
	assert_int_equal(r.lead, 7);
	assert_null(r.next_attempt_at);
	outbox_row_clear(&r);
	assert_int_equal(store_outbox_get(dmn.store, 999, &r), STORE_NOT_FOUND);
}

static void test_outbox_states(void **state)
{
	(void)state;
	struct outbox_row a = sample("k1", "email"), b = sample("k2", "email");
	assert_int_equal(store_outbox_add(dmn.store, &a), STORE_OK);
	assert_int_equal(store_outbox_add(dmn.store, &b), STORE_OK);
	assert_int_equal(due_now("2025-01-01T00:00:00Z"), 2);
	/* pending -> sending -> delivering -> sent */
	assert_int_equal(store_outbox_sending(dmn.store, a.id), STORE_OK);
	assert_int_equal(store_outbox_sending(dmn.store, a.id), STORE_CONFLICT);
	assert_int_equal(due_now("2025-01-01T00:00:00Z"), 1);
	assert_int_equal(store_outbox_delivering(dmn.store, a.id), STORE_OK);
	assert_int_equal(store_outbox_sent(dmn.store, a.id), STORE_OK);
	state_is(a.id, "sent");
	/* Sent is final. */
	assert_int_equal(store_outbox_fail(dmn.store, a.id, "x"),
			 STORE_CONFLICT);
	assert_int_equal(store_outbox_cancel(dmn.store, a.id, "x"),
			 STORE_CONFLICT);
	assert_int_equal(store_outbox_retry(dmn.store, a.id,
					    "2025-01-01T00:00:00Z", "x"),
			 STORE_CONFLICT);
	state_is(a.id, "sent");
	/* A failed try waits for its time. */
	assert_int_equal(store_outbox_sending(dmn.store, b.id), STORE_OK);
	assert_int_equal(store_outbox_retry(dmn.store, b.id,
					    "2025-01-01T00:10:00Z",
					    "connection refused"),
			 STORE_OK);
	assert_int_equal(due_now("2025-01-01T00:09:59Z"), 0);
	assert_int_equal(due_now("2025-01-01T00:10:00Z"), 1);
	char next[21];
	bool found;
	assert_int_equal(store_outbox_next_attempt(dmn.store, next, &found),
			 STORE_OK);
	assert_true(found);
	assert_string_equal(next, "2025-01-01T00:10:00Z");
	struct outbox_row r;
	assert_int_equal(store_outbox_get(dmn.store, b.id, &r), STORE_OK);
	assert_string_equal(r.last_error, "connection refused");
	assert_int_equal(r.attempts, 1);
	outbox_row_clear(&r);
	/* Only a pending row is cancelled. */
	assert_int_equal(store_outbox_cancel(dmn.store, b.id, "closed"),
			 STORE_OK);
	state_is(b.id, "cancelled");
	assert_int_equal(store_outbox_next_attempt(dmn.store, next, &found),
			 STORE_OK);
	assert_false(found);
}

static void test_outbox_recover(void **state)
{
	(void)state;
	struct outbox_row a = sample("k1", "email"), b = sample("k2", "email"),
			  c = sample("k3", "email");
	int64_t retried, failed;
	assert_int_equal(store_outbox_add(dmn.store, &a), STORE_OK);
	assert_int_equal(store_outbox_add(dmn.store, &b), STORE_OK);
	assert_int_equal(store_outbox_add(dmn.store, &c), STORE_OK);
	/* A crash: a cut off before its message went, b after. */
	assert_int_equal(store_outbox_sending(dmn.store, a.id), STORE_OK);
	assert_int_equal(store_outbox_sending(dmn.store, b.id), STORE_OK);
	assert_int_equal(store_outbox_delivering(dmn.store, b.id), STORE_OK);
	assert_int_equal(store_outbox_recover(dmn.store, &retried, &failed),
			 STORE_OK);
	assert_int_equal(retried, 1);
	assert_int_equal(failed, 1);
	state_is(a.id, "pending");
	state_is(b.id, "failed");
	state_is(c.id, "pending");
	struct outbox_row r;
	assert_int_equal(store_outbox_get(dmn.store, b.id, &r), STORE_OK);
	assert_non_null(strstr(r.last_error, "not sent again"));
	outbox_row_clear(&r);
}

static int count_snooze(const struct snooze *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

static void test_snooze_store(void **state)
{
	(void)state;
	json_int_t id = file_due("ICE", 10, NULL);
	struct snooze s = {.request_id = id,
			   .date = "2030-01-02",
			   .note = "call",
			   .created_by = "alice"};
	int n = 0;
	assert_int_equal(store_snooze_add(dmn.store, &s), STORE_OK);
	assert_true(s.id > 0);
	assert_non_null(s.created);
	free(s.created);
	assert_int_equal(
		store_snooze_list(dmn.store, "scheduled", count_snooze, &n),
		STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_snooze_set_state(dmn.store, s.id, "queued"),
			 STORE_OK);
	n = 0;
	store_snooze_list(dmn.store, "scheduled", count_snooze, &n);
	assert_int_equal(n, 0);
	assert_int_equal(store_snooze_set_state(dmn.store, s.id, "bogus"),
			 STORE_CONFLICT);
	/* A request that does not exist. */
	struct snooze bad = {
		.request_id = 999, .date = "2030-01-02", .created_by = "alice"};
	assert_int_not_equal(store_snooze_add(dmn.store, &bad), STORE_OK);
}

static int keep_caldav(const struct caldav_stamp *c, void *arg)
{
	struct caldav_stamp *v = arg;
	size_t i = 0;
	while (v[i].request_id)
		i++;
	v[i] = *c;
	return 0;
}

static void test_caldav_store(void **state)
{
	(void)state;
	json_int_t a = file_due("ICE", 10, NULL), b = file_due("FBI", 10, NULL);
	struct caldav_stamp s = {.request_id = b,
				 .kind = "determination",
				 .date = "2030-01-02",
				 .hash = "0123456789abcdef",
				 .sequence = 0,
				 .created = "2030-01-01T00:00:00Z",
				 .changed = "2030-01-01T00:00:00Z",
				 .etag = "\"abc\""};
	assert_int_equal(store_caldav_save(dmn.store, &s), STORE_OK);
	s.request_id = a;
	s.etag[0] = '\0'; /* the server gave none */
	assert_int_equal(store_caldav_save(dmn.store, &s), STORE_OK);
	/* Saving again replaces. */
	s.sequence = 1;
	snprintf(s.date, sizeof(s.date), "2030-01-09");
	assert_int_equal(store_caldav_save(dmn.store, &s), STORE_OK);
	struct caldav_stamp v[4];
	memset(v, 0, sizeof(v));
	assert_int_equal(store_caldav_list(dmn.store, keep_caldav, v),
			 STORE_OK);
	assert_int_equal(v[0].request_id, a); /* by request */
	assert_int_equal(v[0].sequence, 1);
	assert_string_equal(v[0].date, "2030-01-09");
	assert_string_equal(v[0].etag, "");
	assert_int_equal(v[1].request_id, b);
	assert_string_equal(v[1].etag, "\"abc\"");
	assert_int_equal(v[2].request_id, 0);
	assert_int_equal(store_caldav_delete(dmn.store, a, "determination"),
			 STORE_OK);
	memset(v, 0, sizeof(v));
	assert_int_equal(store_caldav_list(dmn.store, keep_caldav, v),
			 STORE_OK);
	assert_int_equal(v[0].request_id, b);
	assert_int_equal(v[1].request_id, 0);
	/* A request that does not exist is refused. */
	s.request_id = 999;
	assert_int_not_equal(store_caldav_save(dmn.store, &s), STORE_OK);
}

/* --- plans --------------------------------------------------------------- */

static void test_plan_queues_once(void **state)
{
	(void)state;
	struct rows rs;
	json_int_t id = file_due("ICE", 0, NULL);
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.v[0].key, key_of(id, "determination", today, 0));
	assert_string_equal(rs.v[0].channel, "webhook");
	assert_string_equal(rs.v[0].state, "pending");
	assert_int_equal(rs.v[0].request_id, id);
	assert_int_equal(rs.v[0].late, now_minute > SCHED_LATE_MINUTES);
	char want[128];
	snprintf(want, sizeof(want), "ICE #%lld: FOIA response due %s (today)",
		 (long long)id, S(today));
	assert_string_equal(rs.v[0].summary, want);
	assert_non_null(strstr(rs.v[0].body, "Agency:    ICE"));
	rows_free(&rs);
	/* Planning again, and again after a change, adds nothing. */
	scheduler_plan(&dmn);
	ok("request.note", P("{s:I, s:s}", "id", id, "text", "called"));
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 1);
	rows_free(&rs);
	/* Follow-ups come next: the scheduler sleeps until the first. */
	assert_int_equal(scheduler_next(), zone_instant("UTC", today + 14, 0));
}

static void test_plan_latest_lead_only(void **state)
{
	(void)state;
	static const int leads[] = {7, 5, 1, 0};
	struct rows rs;
	memcpy(dmn.cfg.reminders.leads, leads, sizeof(leads));
	dmn.cfg.reminders.nleads = 4;
	/* Due in 3 days, filed just now: leads 7 and 5 passed unsent. */
	json_int_t id = file_due("ICE", 3, NULL);
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.v[0].key,
			    key_of(id, "determination", today + 3, 5));
	assert_true(rs.v[0].late); /* 5 days before was two days ago */
	rows_free(&rs);
	/* The next one is lead 1, the day before. */
	assert_int_equal(scheduler_next(), zone_instant("UTC", today + 2, 0));
}

static void test_plan_nothing_due_yet(void **state)
{
	(void)state;
	struct rows rs;
	file_due("ICE", 20, NULL);
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 0);
	assert_int_equal(scheduler_next(), zone_instant("UTC", today + 20, 0));
}

static void test_plan_without_channels(void **state)
{
	(void)state;
	struct rows rs;
	free(dmn.cfg.webhook.url);
	dmn.cfg.webhook.url = NULL;
	file_due("ICE", 0, NULL);
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 0);
	assert_int_equal(scheduler_next(), 0); /* nothing to wake for */
}

static void test_plan_cancels_withdrawn(void **state)
{
	(void)state;
	struct rows rs;
	json_int_t id = file_due("ICE", 0, NULL),
		   other = file_due("FBI", 0, NULL);
	scheduler_plan(&dmn);
	ok("request.update", P("{s:I, s:s}", "id", id, "status", "withdrawn"));
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 2);
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.v[i].request_id == id) {
			assert_string_equal(rs.v[i].state, "cancelled");
			assert_non_null(strstr(rs.v[i].last_error,
					       "closed or withdrawn"));
		} else {
			assert_int_equal(rs.v[i].request_id, other);
			assert_string_equal(rs.v[i].state, "pending");
		}
	}
	rows_free(&rs);
}

static void test_plan_cancels_moved_deadline(void **state)
{
	(void)state;
	struct rows rs;
	json_int_t id = file_due("ICE", 0, NULL);
	scheduler_plan(&dmn);
	/* The agency agrees to a later date: the old reminder is moot. */
	ok("request.agree", P("{s:I, s:s, s:s}", "id", id, "date",
			      S(today + 10), "reason", "more time"));
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.v[0].state, "cancelled");
	assert_non_null(strstr(rs.v[0].last_error, "met or moved"));
	rows_free(&rs);
	assert_int_equal(scheduler_next(), zone_instant("UTC", today + 10, 0));
}

static void test_plan_sent_is_not_requeued(void **state)
{
	(void)state;
	struct rows rs;
	file_due("ICE", 0, NULL);
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(store_outbox_sending(dmn.store, rs.v[0].id), STORE_OK);
	assert_int_equal(store_outbox_sent(dmn.store, rs.v[0].id), STORE_OK);
	rows_free(&rs);
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.v[0].state, "sent");
	rows_free(&rs);
}

static void test_plan_channels_by_project(void **state)
{
	(void)state;
	struct rows rs;
	static char *to[] = {"team@example.org"}, *pto[] = {"ice@example.org"};
	free(dmn.cfg.webhook.url);
	dmn.cfg.webhook.url = NULL;
	dmn.cfg.smtp.url = strdup("smtp://127.0.0.1:1");
	dmn.cfg.smtp.from = strdup("foiad@example.org");
	dmn.cfg.smtp.to = calloc(2, sizeof(char *));
	dmn.cfg.smtp.to[0] = strdup(to[0]);
	dmn.cfg.smtp.nto = 1;
	dmn.cfg.projects = calloc(1, sizeof(*dmn.cfg.projects));
	dmn.cfg.projects[0].name = strdup("ice");
	dmn.cfg.projects[0].to = calloc(2, sizeof(char *));
	dmn.cfg.projects[0].to[0] = strdup(pto[0]);
	dmn.cfg.projects[0].nto = 1;
	dmn.cfg.projects[0].webhook = strdup("http://127.0.0.1:1/ice");
	dmn.cfg.nprojects = 1;
	json_int_t plain = file_due("FBI", 0, NULL);
	json_int_t ice = file_due("ICE", 0, "ice");
	scheduler_plan(&dmn);
	rows_load(&rs);
	/* The plain request by email only; the project's by both. */
	int email = 0, webhook = 0;
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.v[i].request_id == plain)
			assert_string_equal(rs.v[i].channel, "email");
		if (strcmp(rs.v[i].channel, "email") == 0)
			email++;
		else {
			assert_int_equal(rs.v[i].request_id, ice);
			webhook++;
		}
	}
	assert_int_equal(email, 2);
	assert_int_equal(webhook, 1);
	rows_free(&rs);
}

static void test_plan_digest(void **state)
{
	(void)state;
	struct rows rs;
	dmn.cfg.smtp.url = strdup("smtp://127.0.0.1:1");
	dmn.cfg.smtp.from = strdup("foiad@example.org");
	dmn.cfg.smtp.to = calloc(2, sizeof(char *));
	dmn.cfg.smtp.to[0] = strdup("team@example.org");
	dmn.cfg.smtp.nto = 1;
	dmn.cfg.reminders.digest = DIGEST_DAILY;
	json_int_t id = file_due("ICE", 2, NULL);
	scheduler_plan(&dmn);
	scheduler_plan(&dmn);
	rows_load(&rs);
	size_t digests = 0;
	for (size_t i = 0; i < rs.n; i++) {
		if (strcmp(rs.v[i].kind, "digest") != 0)
			continue;
		digests++;
		char key[64], line[128];
		snprintf(key, sizeof(key), "digest:daily:%s", S(today));
		assert_string_equal(rs.v[i].key, key);
		assert_string_equal(rs.v[i].channel, "email");
		assert_int_equal(rs.v[i].request_id, 0);
		snprintf(line, sizeof(line),
			 "  %s  in 2 days ICE #%lld: FOIA response due - "
			 "Detention contracts\n",
			 S(today + 2), (long long)id);
		assert_non_null(strstr(rs.v[i].body, line));
	}
	assert_int_equal(digests, 1);
	rows_free(&rs);
	/* The next wake is tomorrow's digest at the latest. */
	assert_true(scheduler_next() <= zone_instant("UTC", today + 1, 0));
}

/* --- remind and reminders ----------------------------------------------- */

static void test_remind(void **state)
{
	(void)state;
	struct rows rs;
	json_int_t id = file_due("ICE", 20, NULL);
	json_t *r = get(ok("remind", P("{s:I, s:s, s:s}", "id", id, "on",
				       S(today), "note", "call them")),
			"reminder");
	expect_int(r, "request", id);
	expect_str(r, "date", S(today));
	expect_str(r, "note", "call them");
	expect_str(r, "created_by", "alice");
	json_int_t sid = int_of(r, "id");
	r = get(ok("remind", P("{s:I, s:s}", "id", id, "in", "3w")),
		"reminder");
	expect_str(r, "date", S(today + 21));
	expect_null(r, "note");
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 1);
	char key[96];
	snprintf(key, sizeof(key), "%lld:snooze:%s:%lld", (long long)id,
		 S(today), (long long)sid);
	assert_string_equal(rs.v[0].key, key);
	assert_string_equal(rs.v[0].kind, "snooze");
	char want[96];
	snprintf(want, sizeof(want), "ICE #%lld: reminder: call them",
		 (long long)id);
	assert_string_equal(rs.v[0].summary, want);
	rows_free(&rs);
	/* The one in three weeks is scheduled, not queued. */
	json_t *res = ok("reminders", NULL);
	json_t *sch = get(res, "scheduled");
	assert_int_equal(json_array_size(sch), 1);
	expect_str(json_array_get(sch, 0), "date", S(today + 21));
	assert_int_equal(json_array_size(get(res, "reminders")), 1);
	/* Withdrawn: the scheduled one is cancelled. */
	ok("request.update", P("{s:I, s:s}", "id", id, "status", "withdrawn"));
	scheduler_plan(&dmn);
	sch = get(ok("reminders", NULL), "scheduled");
	assert_int_equal(json_array_size(sch), 0);
}

static void test_remind_refused(void **state)
{
	(void)state;
	json_int_t id = file_due("ICE", 20, NULL);
	fails("remind", P("{s:I}", "id", id), FOIA_E_INVALID,
	      "give one of 'in' (\"3w\", \"10d\") and 'on' (a date)");
	fails("remind",
	      P("{s:I, s:s, s:s}", "id", id, "in", "3w", "on", S(today)),
	      FOIA_E_INVALID, NULL);
	fails("remind", P("{s:I, s:s}", "id", id, "in", "3x"), FOIA_E_INVALID,
	      "'in' must be a number of days or weeks from 1 day to 3660 "
	      "days (\"10d\", \"3w\"), not '3x'");
	fails("remind", P("{s:I, s:s}", "id", id, "in", "0d"), FOIA_E_INVALID,
	      NULL);
	char msg[128];
	snprintf(msg, sizeof(msg),
		 "'on' 2020-01-01 is in the past (today is %s)", S(today));
	fails("remind", P("{s:I, s:s}", "id", id, "on", "2020-01-01"),
	      FOIA_E_INVALID, msg);
	fails("remind", P("{s:I, s:s}", "id", id, "on", "2020-02-30"),
	      FOIA_E_INVALID, NULL);
	fails("remind", P("{s:I, s:s}", "id", 999, "in", "1w"),
	      FOIA_E_NOT_FOUND, NULL);
	fails("remind", P("{s:I, s:s, s:b}", "id", id, "in", "1w", "x", 1),
	      FOIA_E_INVALID, "unknown parameter 'x'");
	ok("request.update", P("{s:I, s:s}", "id", id, "status", "closed"));
	snprintf(msg, sizeof(msg),
		 "request %lld is closed: there is nothing to remind of",
		 (long long)id);
	fails("remind", P("{s:I, s:s}", "id", id, "in", "1w"), FOIA_E_CONFLICT,
	      msg);
	/* Nothing was stored by any of them. */
	assert_int_equal(
		json_array_size(get(ok("reminders", NULL), "scheduled")), 0);
}

static void test_reminders_filters(void **state)
{
	(void)state;
	struct rows rs;
	file_due("ICE", 0, NULL);
	file_due("FBI", 0, NULL);
	scheduler_plan(&dmn);
	rows_load(&rs);
	assert_int_equal(rs.n, 2);
	assert_int_equal(store_outbox_sending(dmn.store, rs.v[0].id), STORE_OK);
	assert_int_equal(store_outbox_sent(dmn.store, rs.v[0].id), STORE_OK);
	rows_free(&rs);
	json_t *all = get(ok("reminders", NULL), "reminders");
	assert_int_equal(json_array_size(all), 2);
	/* Newest first. */
	assert_true(int_of(json_array_get(all, 0), "id") >
		    int_of(json_array_get(all, 1), "id"));
	json_t *sent = get(ok("reminders", P("{s:b}", "sent", 1)), "reminders");
	assert_int_equal(json_array_size(sent), 1);
	expect_str(json_array_get(sent, 0), "state", "sent");
	json_t *pending =
		get(ok("reminders", P("{s:b}", "pending", 1)), "reminders");
	assert_int_equal(json_array_size(pending), 1);
	json_t *p0 = json_array_get(pending, 0);
	expect_str(p0, "state", "pending");
	expect_str(p0, "channel", "webhook");
	expect_int(p0, "lead", 0);
	expect_int(p0, "attempts", 0);
	expect_null(p0, "sent_at");
	assert_int_equal(
		json_array_size(get(ok("reminders", P("{s:i}", "limit", 1)),
				    "reminders")),
		1);
	fails("reminders", P("{s:b, s:b}", "pending", 1, "sent", 1),
	      FOIA_E_INVALID, "give at most one of 'pending' and 'sent'");
	fails("reminders", P("{s:i}", "limit", 0), FOIA_E_INVALID, NULL);
}

/* --- settings ------------------------------------------------------------ */

static int load(const char *name, const char *text, struct config *cfg,
		struct config_errors *errs, char *path, size_t len)
{
	write_file(path, len, name, text);
	memset(errs, 0, sizeof(*errs));
	assert_int_equal(config_defaults(cfg, false), 0);
	return config_load(cfg, path, true, errs);
}

static void test_config_blocks(void **state)
{
	(void)state;
	char path[PATH_MAX], pass[PATH_MAX], text[3 * PATH_MAX];
	struct config cfg;
	struct config_errors errs;
	write_file(pass, sizeof(pass), "smtp.pass", "s3cret\n");
	assert_int_equal(chmod(pass, 0600), 0);
	snprintf(text, sizeof(text),
		 "smtp = { url = \"smtps://mail.example.org:465\"; from = "
		 "\"foiad@example.org\"; to = [\"team@example.org\", "
		 "\"ed@example.org\"]; user = \"foiad\"; password_file = "
		 "\"%s\"; };\n"
		 "webhook = { url = \"https://chat.example.org/hooks/abc\"; "
		 "};\n"
		 "caldav = { url = \"https://dav.example.org/foia/\"; user = "
		 "\"foiad\"; password_file = \"%s\"; };\n"
		 "projects = ( { name = \"ice\"; to = "
		 "[\"ice@example.org\"]; webhook = "
		 "\"https://chat.example.org/hooks/ice\"; }, { name = "
		 "\"cecot\"; } );\n",
		 pass, pass);
	if (load("ok.conf", text, &cfg, &errs, path, sizeof(path)) != 0)
		fail_msg("refused: %s", errs.text[0]);
	assert_string_equal(cfg.smtp.url, "smtps://mail.example.org:465");
	assert_string_equal(cfg.smtp.from, "foiad@example.org");
	assert_int_equal(cfg.smtp.nto, 2);
	assert_string_equal(cfg.smtp.to[1], "ed@example.org");
	assert_string_equal(cfg.smtp.user, "foiad");
	assert_string_equal(cfg.smtp.password_file, pass);
	assert_true(cfg.smtp.starttls);
	assert_string_equal(cfg.webhook.url,
			    "https://chat.example.org/hooks/abc");
	assert_string_equal(cfg.caldav.url, "https://dav.example.org/foia/");
	assert_int_equal(cfg.nprojects, 2);
	const struct project_config *p = config_project(&cfg, "ice");
	assert_non_null(p);
	assert_string_equal(p->to[0], "ice@example.org");
	assert_string_equal(p->webhook, "https://chat.example.org/hooks/ice");
	p = config_project(&cfg, "cecot");
	assert_non_null(p);
	assert_null(p->to);
	assert_null(p->webhook);
	assert_null(config_project(&cfg, "nope"));
	assert_null(config_project(&cfg, NULL));
	/* A second load over it starts from the same place. */
	assert_int_equal(config_load(&cfg, path, true, &errs), 0);
	assert_int_equal(cfg.nprojects, 2);
	config_clear(&cfg);
	/* No blocks: nothing set. */
	assert_int_equal(load("none.conf", "log_level = \"info\";\n", &cfg,
			      &errs, path, sizeof(path)),
			 0);
	assert_null(cfg.smtp.url);
	assert_null(cfg.webhook.url);
	assert_int_equal(cfg.nprojects, 0);
	config_clear(&cfg);
}

static void test_config_errors(void **state)
{
	(void)state;
	char path[PATH_MAX], pass[PATH_MAX], text[3 * PATH_MAX];
	struct config cfg;
	struct config_errors errs;
	write_file(pass, sizeof(pass), "open.pass", "s3cret\n");
	assert_int_equal(chmod(pass, 0644), 0);
	snprintf(text, sizeof(text),
		 "smtp = {\n"
		 "  url = \"http://mail\";\n"
		 "  from = \"Foiad <f@x.org>\";\n"
		 "  to = [\"ok@x.org\", \"not an address\"];\n"
		 "  password_file = \"%s\";\n"
		 "  tls = true;\n"
		 "};\n"
		 "webhook = { url = \"ftp://x\"; };\n"
		 "projects = ( { name = \"a\"; }, { name = \"a\"; hook = "
		 "\"x\"; } );\n"
		 "caldav = \"https://dav\";\n",
		 pass);
	assert_int_equal(
		load("bad.conf", text, &cfg, &errs, path, sizeof(path)), -1);
	size_t i = 0;
	expect_error(&errs, i++, path, 2,
		     "'smtp.url' must be a smtp:// or smtps:// URL, not "
		     "'http://mail'");
	expect_error(&errs, i++, path, 3,
		     "'smtp.from' must be a plain address (foiad@example.org), "
		     "not 'Foiad <f@x.org>'");
	expect_error(&errs, i++, path, 4,
		     "'smtp.to' has 'not an address', not an address");
	char msg[PATH_MAX + 128];
	snprintf(msg, sizeof(msg),
		 "password file '%s' is readable by everyone: refused (chmod "
		 "600 it)",
		 pass);
	expect_error(&errs, i++, path, 5, msg);
	expect_error(&errs, i++, path, 6,
		     "unknown setting 'smtp.tls' (expected url, from, to, "
		     "user, password_file or starttls)");
	expect_error(&errs, i++, path, 1, "'smtp' needs 'smtp.user'");
	expect_error(&errs, i++, path, 8,
		     "'webhook.url' must be a http:// or https:// URL, not "
		     "'ftp://x'");
	expect_error(&errs, i++, path, 9,
		     "unknown setting 'projects.hook' (expected name, to or "
		     "webhook)");
	expect_error(&errs, i++, path, 9, "project 'a' is listed twice");
	expect_error(&errs, i++, path, 10,
		     "'caldav' must be a group: caldav = { url = "
		     "\"https://dav.example.org/foia/\"; };");
	assert_int_equal(errs.count, i);
	config_clear(&cfg);
	/* Missing parts of a block. */
	assert_int_equal(load("part.conf", "smtp = { url = \"smtp://m\"; };\n",
			      &cfg, &errs, path, sizeof(path)),
			 -1);
	expect_error(&errs, 0, path, 1, "'smtp' needs 'smtp.from'");
	expect_error(&errs, 1, path, 1, "'smtp' needs 'smtp.to'");
	assert_int_equal(errs.count, 2);
	config_clear(&cfg);
	/* Credentials in a URL are refused: they belong in the file. */
	assert_int_equal(load("cred.conf",
			      "webhook = { url = \"https://u:p@x.org/h\"; };\n",
			      &cfg, &errs, path, sizeof(path)),
			 -1);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.text[0], "webhook.url"));
	assert_null(strstr(errs.text[0], "u:p"));
	config_clear(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_outbox_once_per_channel),
		T(test_outbox_states),
		T(test_outbox_recover),
		T(test_snooze_store),
		T(test_caldav_store),
		T(test_plan_queues_once),
		T(test_plan_latest_lead_only),
		T(test_plan_nothing_due_yet),
		T(test_plan_without_channels),
		T(test_plan_cancels_withdrawn),
		T(test_plan_cancels_moved_deadline),
		T(test_plan_sent_is_not_requeued),
		T(test_plan_channels_by_project),
		T(test_plan_digest),
		T(test_remind),
		T(test_remind_refused),
		T(test_reminders_filters),
		cmocka_unit_test(test_config_blocks),
		cmocka_unit_test(test_config_errors),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
