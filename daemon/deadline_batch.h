/*
 * deadline_batch.h: the deadlines of many requests, computed in one pass.
 *
 * request_deadline_set (deadline_json.h) reads one request's history with
 * a query of its own; over every request that is a query each. A batch
 * instead walks the clock histories of all requests once, in id order
 * (event_list.h's feed), so the requests must come in ascending id order
 * too, as store_request_scan gives them. The results are the same as
 * request_deadline_set's.
 */
#ifndef FOIAD_DEADLINE_BATCH_H
#define FOIAD_DEADLINE_BATCH_H

#include "event_list.h"
#include "request_deadlines.h"
#include "rpc.h"

struct deadline_batch {
	struct call *c;
	struct event_feed feed; /* .list: the last request's clock events */
	int32_t today;
};

/* 0, or -1 with the error recorded in c. */
int deadline_batch_open(struct call *c, struct deadline_batch *b);
/* As request_deadline_set: 1 when computed (a request whose dates the
 * engine refuses gets an empty set with set->problem), 0 when its law is
 * not loaded (set empty), -1 on an error recorded in b->c. */
int deadline_batch_set(struct deadline_batch *b, const struct request *r,
		       struct rd_set *set);
void deadline_batch_close(struct deadline_batch *b);

#endif
