/*
 * deadline_batch.c: many requests' deadlines from one pass over the
 * histories (deadline_batch.h). Mirrors request_deadline_set in
 * deadline_json.c, but takes the history from the feed.
 */
#include "deadline_batch.h"

#include <stdio.h>
#include <string.h>

#include "foia/protocol.h"
#include "log.h"
#include "method_util.h"

int deadline_batch_open(struct call *c, struct deadline_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->c = c;
	b->today = today_days();
	int rc = event_feed_open(c->d->store, &b->feed);
	return rc == STORE_OK ? 0 : store_failure(c, rc, "read the history");
}

int deadline_batch_set(struct deadline_batch *b, const struct request *r,
		       struct rd_set *set)
{
	struct call *c = b->c;
	char err[512];
	rd_set_clear(set);
	const struct jurisdiction *law =
		r->jurisdiction
			? jurisdiction_find(&c->d->laws, r->jurisdiction)
			: NULL;
	const struct juris_calendar *cal =
		law ? jurisdiction_calendar(&c->d->laws, law) : NULL;
	if (!law || !cal || !cal->cal)
		return 0;
	int rc = event_feed_load(&b->feed, r->id);
	if (rc != STORE_OK)
		return rc < 0 ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			      : store_failure(c, rc, "read the history");
	if (request_deadlines(r, b->feed.list.v, b->feed.list.n, law, cal->cal,
			      b->today, false, set, err, sizeof(err)) < 0) {
		/* As request_deadline_set: one request's bad date must not
		 * hide everyone's deadlines. */
		rd_set_clear(set);
		snprintf(set->problem, sizeof(set->problem),
			 "deadlines not computed: %.200s", err);
		log_warnx("request %lld: %s", (long long)r->id, err);
	}
	return 1;
}

void deadline_batch_close(struct deadline_batch *b)
{
	event_feed_close(&b->feed);
}
