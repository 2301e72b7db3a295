/*
 * list_memo.c: request.list's sorted entries, kept between calls and
 * brought up to date request by request (list_memo.h).
 *
 * The memo answers only for the filter, day, laws, store and connection
 * it was made under. Between two calls, the store says which requests
 * were written (store_changed_requests): each is read again through the
 * same filter (so one that left it drops out and one that joined comes
 * in), its deadlines computed as request.show computes them, and the
 * entries merged back in order. A request's deadlines depend only on its
 * own row, its own history, its agency, the laws and the day, so the
 * others' entries stay right. The memo is static, so it stays reachable
 * (one daemon per process; tests make several in turn, each with a store
 * of its own, and a new store never matches an old key).
 */
#include "list_memo.h"

#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "deadline_json.h"
#include "foia/protocol.h"
#include "method_util.h"

/* More requests written than this since the memo: a full pass is about
 * as quick as a query for each. */
#define MEMO_MAX_CHANGED 64

static struct {
	bool valid;
	struct list_memo_key key;
	/* the filter, copied */
	char **statuses; /* NULL-terminated, or NULL */
	char *agency, *project, *tag;
	bool open_only;
	struct list_entry *v;
	size_t n, cap;
} memo;

static struct list_memo_stats stats;

struct list_memo_stats list_memo_stats(void)
{
	return stats;
}

void list_entry_set(struct list_entry *e, int64_t id,
		    const struct rd_deadline *next)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->has_next = next != NULL;
	if (next) {
		e->due = next->due;
		memcpy(e->next, next, LIST_NEXT_SIZE);
	}
}

int list_entry_urgency(const void *pa, const void *pb)
{
	const struct list_entry *a = pa, *b = pb;
	if (a->has_next != b->has_next)
		return a->has_next ? -1 : 1;
	if (a->has_next && a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void memo_drop(void)
{
	if (memo.statuses)
		for (size_t i = 0; memo.statuses[i]; i++)
			free(memo.statuses[i]);
	free(memo.statuses);
	free(memo.agency);
	free(memo.project);
	free(memo.tag);
	free(memo.v);
	memset(&memo, 0, sizeof(memo));
}

static bool str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool filter_same(const struct request_filter *f)
{
	if (f->open_only != memo.open_only ||
	    !str_same(f->agency, memo.agency) ||
	    !str_same(f->project, memo.project) ||
	    !str_same(f->tag, memo.tag) || !f->statuses != !memo.statuses)
		return false;
	if (!f->statuses)
		return true;
	size_t i = 0;
	for (; f->statuses[i] && memo.statuses[i]; i++)
		if (strcmp(f->statuses[i], memo.statuses[i]) != 0)
			return false;
	return !f->statuses[i] && !memo.statuses[i];
}

/* The memo was made under the same everything but, perhaps, the rows
 * this connection wrote since. */
static bool memo_fits(const struct list_memo_key *k,
		      const struct request_filter *f)
{
	const struct list_memo_key *m = &memo.key;
	return memo.valid && m->d == k->d && m->st == k->st &&
	       m->laws_gen == k->laws_gen && m->today == k->today &&
	       m->stamp.conn == k->stamp.conn &&
	       m->stamp.version == k->stamp.version && filter_same(f);
}

/* --- bringing it up to date ----------------------------------------------
 */

struct fresh {
	struct call *c;
	struct rd_set *set;
	struct list_entry *e;
	bool found;
};

static int fresh_one(const struct request *r, void *arg)
{
	struct fresh *w = arg;
	if (request_deadline_set(w->c, r, false, w->set) < 0)
		return -1;
	list_entry_set(w->e, r->id, rd_next(w->set));
	w->found = true;
	return 0;
}

/* The entries of ids[0..k) that pass f, into out; their count, or -1 on
 * an error recorded in c. */
static int fresh_entries(struct call *c, const struct request_filter *f,
			 const int64_t *ids, size_t k, struct list_entry *out)
{
	struct rd_set *set = malloc(sizeof(*set));
	if (!set)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	struct request_filter one = *f;
	size_t n = 0;
	int rc = STORE_OK;
	for (size_t i = 0; i < k && rc == STORE_OK; i++) {
		struct fresh w = {c, set, &out[n], false};
		one.id = ids[i];
		rc = store_request_scan(c->d->store, &one, false, fresh_one,
					&w);
		n += w.found;
	}
	free(set);
	if (rc == STORE_OK)
		return (int)n;
	if (!c->err_code)
		store_failure(c, rc, "list requests");
	return -1;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Replace the entries of ids[0..k) (sorted) with fresh[0..nf) (sorted):
 * one pass drops the old ones, one merge from the end puts the new ones
 * in place. False when out of memory. */
static bool memo_merge(const int64_t *ids, size_t k,
		       const struct list_entry *fresh, size_t nf)
{
	size_t m = 0;
	for (size_t i = 0; i < memo.n; i++)
		if (!bsearch(&memo.v[i].id, ids, k, sizeof(*ids), by_id))
			memo.v[m++] = memo.v[i];
	memo.n = m;
	if (memo.cap < m + nf) {
		size_t cap = (m + nf) + (m + nf) / 4 + 16;
		struct list_entry *v = realloc(memo.v, cap * sizeof(*v));
		if (!v)
			return false;
		memo.v = v;
		memo.cap = cap;
	}
	size_t i = m, j = nf, out = m + nf;
	while (j > 0) {
		if (i > 0 &&
		    list_entry_urgency(&memo.v[i - 1], &fresh[j - 1]) > 0)
			memo.v[--out] = memo.v[--i];
		else
			memo.v[--out] = fresh[--j];
	}
	memo.n = m + nf;
	return true;
}

/* Bring the memo up to date with the requests written since it was made.
 * 1 when done, 0 when it cannot be (too many, or the store cannot tell),
 * -1 on an error recorded in c (the memo is then dropped). */
static int memo_update(struct call *c, const struct request_filter *f)
{
	int64_t ids[MEMO_MAX_CHANGED];
	struct list_entry fresh[MEMO_MAX_CHANGED];
	size_t k;
	bool known;
	int rc = store_changed_requests(c->d->store, &memo.key.stamp, ids,
					MEMO_MAX_CHANGED, &k, &known);
	if (rc != STORE_OK) {
		memo_drop();
		return store_failure(c, rc, "list requests");
	}
	if (!known)
		return 0;
	int nf = fresh_entries(c, f, ids, k, fresh);
	if (nf < 0) {
		memo_drop();
		return -1;
	}
	qsort(fresh, (size_t)nf, sizeof(*fresh), list_entry_urgency);
	if (!memo_merge(ids, k, fresh, (size_t)nf)) {
		memo_drop();
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	return 1;
}

/* --- the interface --------------------------------------------------------
 */

int list_memo_get(struct call *c, const struct request_filter *f, int32_t today,
		  struct list_memo_key *key, const struct list_entry **v,
		  size_t *n)
{
	memset(key, 0, sizeof(*key));
	key->d = c->d;
	key->st = c->d->store;
	key->laws_gen = c->d->laws_gen;
	key->today = today;
	key->ok = store_change_stamp(c->d->store, &key->stamp) == STORE_OK;
	if (!key->ok || !memo_fits(key, f)) {
		stats.misses++;
		return 0;
	}
	if (memo.key.stamp.seq != key->stamp.seq) {
		int rc = memo_update(c, f);
		if (rc <= 0) {
			stats.misses += rc == 0;
			return rc;
		}
		stats.updates++;
		memo.key = *key;
	} else {
		stats.hits++;
	}
	*v = memo.v;
	*n = memo.n;
	return 1;
}

static char *dup_or_null(const char *s, bool *ok)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*ok = false;
	return d;
}

bool list_memo_keep(const struct list_memo_key *key,
		    const struct request_filter *f, struct list_entry *v,
		    size_t n)
{
	bool ok = key->ok;
	memo_drop();
	if (!ok)
		return false;
	memo.key = *key;
	memo.open_only = f->open_only;
	memo.agency = dup_or_null(f->agency, &ok);
	memo.project = dup_or_null(f->project, &ok);
	memo.tag = dup_or_null(f->tag, &ok);
	if (f->statuses) {
		size_t n_st = 0;
		while (f->statuses[n_st])
			n_st++;
		memo.statuses = calloc(n_st + 1, sizeof(*memo.statuses));
		ok = ok && memo.statuses;
		for (size_t i = 0; ok && i < n_st; i++)
			memo.statuses[i] = dup_or_null(f->statuses[i], &ok);
	}
	if (!ok) {
		memo_drop();
		return false;
	}
	memo.v = v;
	memo.n = memo.cap = n;
	memo.valid = true;
	return true;
}
