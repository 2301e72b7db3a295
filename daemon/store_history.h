/*
 * store_history.h: reading many requests and their histories in one pass,
 * for the methods that derive every request's clocks at once (report,
 * deadlines, request.list).
 *
 * Reading each request's history with a query of its own costs a query
 * per request: at 100,000 requests that is most of a report. Here one
 * statement streams the clock events (the kinds the deadline engine reads)
 * of every request ordered by request id, and the caller, walking its
 * requests in ascending id order too, takes each request's events as it
 * comes to it: a merge of two ordered streams. Requests are streamed the
 * same way, with their tags merged in from a third ordered statement.
 *
 * Strings handed to callbacks are borrowed from SQLite and valid only
 * during the callback: copy what you keep.
 */
#ifndef FOIAD_STORE_HISTORY_H
#define FOIAD_STORE_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct store_history;

/* Open a stream over the clock events (status, toll, toll-end, extension,
 * agreed) of every request. Returns a store rc. */
int store_history_open(struct store *st, struct store_history **out);
/* Call cb for each clock event of request_id, oldest first, filling id,
 * request_id, at, kind, field, new_value and date. Successive calls must
 * name ascending request ids; events of requests skipped are passed over.
 * A nonzero cb return stops and is returned. */
int store_history_take(struct store_history *h, int64_t request_id,
		       int (*cb)(const struct event *, void *), void *arg);
void store_history_close(struct store_history *h);

/* Call cb for each request matching f (NULL: all), in id order, every
 * column filled; with tags, the tags too (sorted). A nonzero cb return
 * stops the walk and is returned. */
int store_request_scan(struct store *st, const struct request_filter *f,
		       bool tags, int (*cb)(const struct request *, void *),
		       void *arg);

/* Something that moves whenever the database may have changed: rows
 * written through this connection (even if rolled back later) or a commit
 * by another connection. For caches of derived data: equal stamps mean
 * nothing was written in between. Returns a store rc. */
struct store_stamp {
	int64_t changes; /* sqlite3_total_changes64 */
	int64_t version; /* PRAGMA data_version */
	uint64_t conn;	 /* which connection of this process */
	uint64_t seq;	 /* request and event rows it wrote (store_touch.c) */
};
int store_change_stamp(struct store *st, struct store_stamp *out);

/* The requests whose rows or events were written since the stamp since
 * (taken on this store): their ids, ascending and distinct, into
 * ids[0..*n), at most max. *known is false when that cannot be told and
 * everything derived must be redone: another connection wrote, the
 * connection was opened again, something other than requests and their
 * events was written (an agency, holidays...), or more than max requests
 * (or a long run of rows) were. Returns a store rc. */
int store_changed_requests(struct store *st, const struct store_stamp *since,
			   int64_t *ids, size_t max, size_t *n, bool *known);

/* A large write ahead (on) or done (off): a page cache big enough that a
 * long transaction is not spilled to disk page by page. */
int store_bulk(struct store *st, bool on);

#endif
