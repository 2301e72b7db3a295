/*
 * method_verify.c: `verify`, the check of the history's hash chain
 * (store_chain.c). It walks every event once, in one read of the table,
 * and says whether the chain is whole; when not, which event is the
 * first missing (a gap in the ids), altered (its fields, its hash or its
 * link to the event before no longer agree) or without a hash. A whole
 * chain answers with the newest event's id and hash: kept somewhere
 * else, they show later whether events were removed from the end, which
 * the chain alone cannot.
 *
 * A broken chain is a result, not an error: the reply is ok:false with a
 * message, and `foia verify` turns it into a nonzero exit.
 *
 * The walk goes VERIFY_STEP_EVENTS events per turn of the event loop
 * (a timer armed at once), answering when it ends (RPC_PENDING), so a
 * long history does not keep other clients waiting; events appended
 * meanwhile are checked too, as the walk reaches them.
 */
#include <stdio.h>
#include <string.h>

#include "foia/protocol.h"
#include "log.h"
#include "method_util.h"
#include "methods.h"
#include "server.h"

#define VERIFY_MAX_JOBS	   4
#define VERIFY_STEP_EVENTS 20000 /* about 50 ms of work per loop turn */

static const char *problem_name(enum chain_problem p)
{
	switch (p) {
	case CHAIN_MISSING:
		return "missing";
	case CHAIN_ALTERED:
		return "altered";
	case CHAIN_NO_HASH:
		return "no_hash";
	default:
		return NULL;
	}
}

static void problem_text(const struct chain_report *r, char *buf, size_t len)
{
	long long id = (long long)r->bad_id;
	switch (r->problem) {
	case CHAIN_MISSING:
		snprintf(buf, len, "history broken: event %lld is missing", id);
		break;
	case CHAIN_ALTERED:
		snprintf(buf, len,
			 "history broken at event %lld: it does not match its "
			 "hash (the event, its hash or the event before it was "
			 "altered)",
			 id);
		break;
	case CHAIN_NO_HASH:
		snprintf(buf, len, "history broken: event %lld has no hash",
			 id);
		break;
	default:
		snprintf(buf, len, "history intact: %lld events",
			 (long long)r->events);
	}
}

static int verify_result(struct call *c, const struct chain_report *r,
			 json_t **result)
{
	char msg[256];
	problem_text(r, msg, sizeof(msg));
	if (r->problem != CHAIN_OK)
		log_warnx("verify: %s", msg);
	const char *problem = problem_name(r->problem);
	*result = json_pack(
		"{s:b, s:I, s:o, s:o, s:o, s:o, s:s}", "ok",
		r->problem == CHAIN_OK, "events", (json_int_t)r->events, "last",
		r->last_id ? json_integer(r->last_id) : json_null(), "head",
		r->head[0] ? json_string(r->head) : json_null(), "problem",
		problem ? json_string(problem) : json_null(), "event",
		r->bad_id ? json_integer(r->bad_id) : json_null(), "message",
		msg);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

/* A walk under way, answered when it ends. */
struct verify_job {
	bool used;
	struct chain_walk walk;
	struct rpc_token reply;
	struct peer peer;
};

static struct verify_job jobs[VERIFY_MAX_JOBS];
static int tick_timer = -1;
static struct timers *tick_timers; /* whose table tick_timer is in */

static void verify_tick(struct daemon *d, void *arg)
{
	bool more = false;
	(void)arg;
	for (int i = 0; i < VERIFY_MAX_JOBS; i++) {
		struct verify_job *j = &jobs[i];
		struct call c = {.d = d, .peer = &j->peer, .token = j->reply};
		json_t *result = NULL;
		bool done = false;
		if (!j->used)
			continue;
		int rc = store_event_verify_step(d->store, &j->walk,
						 VERIFY_STEP_EVENTS, &done);
		if (rc != STORE_OK)
			store_failure(&c, rc, "verify the history");
		else if (!done) {
			more = true;
			continue;
		} else
			verify_result(&c, &j->walk.r, &result);
		if (!server_reply_later(&j->reply, rpc_call_reply(&c, result)))
			log_debug("%s left before the verify ended",
				  j->peer.name);
		memset(j, 0, sizeof(*j));
	}
	if (more)
		timer_arm_in(&d->timers, tick_timer, 0);
}

int method_verify(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {NULL};

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	if (!c->token.server) {
		/* No one to answer later (the unit tests): all at once. */
		struct chain_report r;
		int rc = store_event_verify(c->d->store, &r);
		if (rc != STORE_OK)
			return store_failure(c, rc, "verify the history");
		return verify_result(c, &r, result);
	}
	struct verify_job *j = NULL;
	for (int i = 0; i < VERIFY_MAX_JOBS && !j; i++)
		if (!jobs[i].used)
			j = &jobs[i];
	if (!j)
		return call_error(c, FOIA_E_CONFLICT,
				  "%d verifications are under way already; "
				  "try again later",
				  VERIFY_MAX_JOBS);
	if (tick_timers != &c->d->timers) {
		tick_timers = &c->d->timers;
		if ((tick_timer = timer_add(tick_timers, verify_tick, NULL)) <
		    0) {
			tick_timers = NULL;
			return call_error(c, FOIA_E_INTERNAL,
					  "no timer for verify");
		}
	}
	memset(j, 0, sizeof(*j));
	j->used = true;
	j->reply = c->token;
	j->peer = *c->peer;
	store_event_verify_start(&j->walk);
	timer_arm_in(&c->d->timers, tick_timer, 0);
	return RPC_PENDING;
}
