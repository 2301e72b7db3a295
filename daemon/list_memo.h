/*
 * list_memo.h: request.list's sorted entries, kept between calls.
 *
 * A page of `foia list` is ordered by urgency, so it needs every matching
 * request's next deadline: a pass over all requests and their histories
 * (a fifth of a second at 100,000 requests). The memo keeps the sorted
 * (id, next deadline) entries of the last paged listing and serves the
 * next page from them. After writes it does not start over: the requests
 * written since (store_changed_requests) are computed again, one query
 * each, and moved to their new places; only what it cannot follow (an
 * agency, holidays or another program writing, a new day, new laws, many
 * requests at once) sends it back to the full pass.
 */
#ifndef FOIAD_LIST_MEMO_H
#define FOIAD_LIST_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request_deadlines.h"
#include "rpc.h"
#include "store.h"
#include "store_history.h"

/* The rd_deadline but its steps, which a list never shows. */
#define LIST_NEXT_SIZE offsetof(struct rd_deadline, steps)

struct list_entry {
	int64_t id;
	bool has_next;
	int32_t due;
	unsigned char next[LIST_NEXT_SIZE];
};

/* Fill e for request id whose most urgent live deadline is next (NULL:
 * none). */
void list_entry_set(struct list_entry *e, int64_t id,
		    const struct rd_deadline *next);
/* The listing's order: earliest live due date first (the most overdue
 * lead), then requests with no deadline, by id. For qsort. */
int list_entry_urgency(const void *a, const void *b);

/* What the memo is keyed by, taken before a full pass reads anything, so
 * a write landing during the pass is seen as one after it. */
struct list_memo_key {
	const struct daemon *d;
	const struct store *st;
	unsigned long laws_gen;
	int32_t today;
	struct store_stamp stamp;
	bool ok; /* false: the stamp could not be read; keep nothing */
};

/*
 * The entries for filter f on day today, sorted: 1 with *v and *n set
 * (the memo's: valid until the next call here), brought up to date with
 * the writes since; 0 when the memo cannot give them (then make them with
 * a full pass and hand them to list_memo_keep with key); -1 on an error
 * recorded in c. key is filled either way.
 */
int list_memo_get(struct call *c, const struct request_filter *f, int32_t today,
		  struct list_memo_key *key, const struct list_entry **v,
		  size_t *n);
/* Keep v[0..n) (sorted) as the memo for f under key: true when taken
 * over (freed when replaced; valid until the next call here), false when
 * not (the caller still owns v). */
bool list_memo_keep(const struct list_memo_key *key,
		    const struct request_filter *f, struct list_entry *v,
		    size_t n);

/* How many times list_memo_get answered from the memo, after bringing it
 * up to date or not: for tests and benchmarks. */
struct list_memo_stats {
	unsigned long hits;    /* nothing written since */
	unsigned long updates; /* brought up to date request by request */
	unsigned long misses;  /* a full pass needed */
};
struct list_memo_stats list_memo_stats(void);

#endif
