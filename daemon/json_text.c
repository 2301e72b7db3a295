/*
 * json_text.c: JSON replies written as text (json_text.h).
 */
#include "json_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "foia/civil.h"

#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_FROM (HUGE_PAGE / 4) /* a large text's or list's next step */

/*
 * Memory of size bytes holding the first keep bytes of old (which it
 * frees), or NULL (old untouched). A large text or entry list is written
 * once, front to back, into fresh memory: huge pages take one fault where
 * small ones take 512, and faults were a good part of a large report.
 * Only whole, aligned 2 MiB pages can be huge, so from HUGE_FROM on the
 * memory is allocated on that boundary in whole pages (copied over when
 * it grows; realloc would keep a malloc alignment) and advised as a whole
 * (a hint: without huge pages, small ones as before). Pages never touched
 * cost nothing, so the rounding up wastes no memory.
 */
void *mem_grow(void *old, size_t keep, size_t size)
{
	if (size < HUGE_FROM)
		return realloc(old, size);
	if (size > SIZE_MAX - HUGE_PAGE)
		return NULL;
	size = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	void *p = aligned_alloc(HUGE_PAGE, size);
	if (!p)
		return NULL;
	madvise(p, size, MADV_HUGEPAGE);
	if (old) {
		memcpy(p, old, keep);
		free(old);
	}
	return p;
}

/* Grow to at least want bytes: doubling when growing step by step,
 * exactly want when asked for more than that at once (up to a whole
 * huge page, mem_grow). */
static bool t_grow(struct text *t, size_t want)
{
	size_t cap = t->cap ? 2 * t->cap : 4096;
	if (cap < want)
		cap = want;
	if (cap >= HUGE_FROM && cap <= SIZE_MAX - HUGE_PAGE)
		cap = (cap + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	char *p = mem_grow(t->p, t->len + (t->p != NULL), cap);
	if (!p) {
		t->oom = true;
		t->cap = t->len; /* t_put's fast path never writes again */
		return false;
	}
	t->p = p;
	t->cap = cap;
	return true;
}

void t_reserve(struct text *t, size_t n)
{
	if (!t->oom && t->cap - t->len < n + 1)
		t_grow(t, t->len + n + 1);
}

void t_put_grow(struct text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->cap - t->len < n + 1 && !t_grow(t, t->len + n + 1))
		return;
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

/* s as a JSON string (null for NULL), escaped as jansson escapes. */
void t_str(struct text *t, const char *s)
{
	if (!s) {
		t_raw(t, "null");
		return;
	}
	size_t plain = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b"
				  "\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
				  "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f");
	if (!s[plain]) { /* nothing to escape: the common case */
		t_reserve(t, plain + 2);
		t_put(t, "\"", 1);
		t_put(t, s, plain);
		t_put(t, "\"", 1);
		return;
	}
	t_put(t, "\"", 1);
	const char *run = s;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];
		const char *e = NULL;
		if (ch == '"')
			e = "\\\"";
		else if (ch == '\\')
			e = "\\\\";
		else if (ch == '\n')
			e = "\\n";
		else if (ch == '\t')
			e = "\\t";
		else if (ch == '\r')
			e = "\\r";
		else if (ch == '\b')
			e = "\\b";
		else if (ch == '\f')
			e = "\\f";
		else if (ch < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04X", ch);
			e = esc;
		}
		if (!e)
			continue;
		t_put(t, run, (size_t)(s - run));
		t_raw(t, e);
		run = s + 1;
	}
	t_put(t, run, (size_t)(s - run));
	t_put(t, "\"", 1);
}

void t_bool(struct text *t, bool b)
{
	t_raw(t, b ? "true" : "false");
}

/* Decimal digits by hand, as "%lld" writes them: a report writes
 * hundreds of thousands of small numbers, and snprintf's format parsing
 * cost more than the digits. The magnitude is taken as unsigned, so
 * LLONG_MIN has one too. */
void t_int(struct text *t, long long v)
{
	char buf[24];
	char *e = buf + sizeof(buf), *p = e;
	unsigned long long u =
		v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	t_put(t, p, (size_t)(e - p));
}

/* civil_format writes digits and '-' only: nothing to escape, so the
 * quoted date goes out in one piece, without t_str's scan. */
void t_date(struct text *t, bool has, int32_t d)
{
	char buf[16];
	if (!has) {
		t_raw(t, "null");
		return;
	}
	buf[0] = '"';
	civil_format(d, buf + 1, sizeof(buf) - 2);
	buf[11] = '"';
	t_put(t, buf, 12);
}

/* --- ordering -------------------------------------------------------------
 */

/* For by_pos: qsort has no argument. */
static const char *ord_base;
static size_t ord_size;
static int ord_dir;

static const struct item_key *key_at(const char *base, size_t size, size_t i)
{
	return (const struct item_key *)(const void *)(base + i * size);
}

/* Positions by (key in ord_dir's direction, id, position: as added). */
static int by_pos(const void *pa, const void *pb)
{
	uint32_t i = *(const uint32_t *)pa, j = *(const uint32_t *)pb;
	const struct item_key *a = key_at(ord_base, ord_size, i),
			      *b = key_at(ord_base, ord_size, j);
	if (a->key != b->key)
		return (a->key < b->key ? -1 : 1) * ord_dir;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Key k's slot: ascending from lo, or descending from hi (lo <= k <= hi,
 * hi - lo small). */
static size_t slot_of(int order, long long k, long long lo, long long hi)
{
	return (size_t)(order > 0
				? (unsigned long long)k - (unsigned long long)lo
				: (unsigned long long)hi -
					  (unsigned long long)k);
}

/*
 * Items are mostly added in id order (requests are walked by id) and keyed
 * by a number of days, a narrow range: then a stable counting sort by key
 * gives by_pos's order (key, then id, then as added) in linear time. v has
 * room for n positions. False when it does not apply.
 */
static bool counting_sort(const char *base, size_t n, size_t size, int order,
			  uint32_t *v)
{
	long long lo = key_at(base, size, 0)->key, hi = lo;
	for (size_t i = 1; i < n; i++) {
		const struct item_key *e = key_at(base, size, i);
		if (e->id < key_at(base, size, i - 1)->id)
			return false; /* not in id order */
		lo = e->key < lo ? e->key : lo;
		hi = e->key > hi ? e->key : hi;
	}
	unsigned long long range =
		(unsigned long long)hi - (unsigned long long)lo;
	if (range > 4 * (unsigned long long)n + 1024)
		return false;
	size_t nk = (size_t)range + 1;
	size_t *at = calloc(nk + 1, sizeof(*at));
	if (!at)
		return false;
	for (size_t i = 0; i < n; i++)
		at[slot_of(order, key_at(base, size, i)->key, lo, hi) + 1]++;
	for (size_t k = 1; k <= nk; k++)
		at[k] += at[k - 1];
	for (size_t i = 0; i < n; i++)
		v[at[slot_of(order, key_at(base, size, i)->key, lo, hi)]++] =
			(uint32_t)i;
	free(at);
	return true;
}

bool items_order(const void *base, size_t n, size_t size, int order,
		 uint32_t **ord)
{
	*ord = NULL;
	if (!order || n == 0)
		return true; /* as added */
	if (n > UINT32_MAX)
		return false;
	uint32_t *v = malloc(n * sizeof(*v));
	if (!v)
		return false;
	if (!counting_sort(base, n, size, order, v)) {
		for (size_t i = 0; i < n; i++)
			v[i] = (uint32_t)i;
		ord_base = base;
		ord_size = size;
		ord_dir = order;
		qsort(v, n, sizeof(*v), by_pos);
	}
	*ord = v;
	return true;
}

/* --- sections ------------------------------------------------------------- */

void section_array(struct text *out, struct section *sec)
{
	uint32_t *ord;
	if (!items_order(sec->v, sec->n, sizeof(*sec->v), sec->order, &ord)) {
		out->oom = true;
		out->cap = out->len; /* as t_grow leaves it */
		return;
	}
	t_put(out, "[", 1);
	for (size_t i = 0; i < sec->n; i++) {
		const struct entry *e = &sec->v[ord ? ord[i] : i];
		const char *b = e->block < sec->nblocks ? sec->blocks[e->block]
							: sec->t.p;
		if (i)
			t_put(out, ",", 1);
		t_put(out, b + e->off, e->len);
	}
	t_put(out, "]", 1);
	free(ord);
}

void section_free(struct section *sec)
{
	for (size_t i = 0; i < sec->nblocks; i++)
		free(sec->blocks[i]);
	free(sec->blocks);
	free(sec->t.p);
	free(sec->v);
}

#define SECTION_BLOCK ((size_t)4 << 20)
#define SECTION_SLACK ((size_t)64 << 10) /* most items fit many times */

void section_begin(struct section *sec)
{
	struct text *t = &sec->t;
	if (!t->oom && t->cap >= SECTION_BLOCK &&
	    t->cap - t->len < SECTION_SLACK) {
		if (sec->nblocks == sec->cap_blocks) {
			size_t cap = sec->cap_blocks ? 2 * sec->cap_blocks : 8;
			char **v = realloc(sec->blocks, cap * sizeof(*v));
			if (!v) {
				t->oom = true;
				t->cap = t->len;
				return;
			}
			sec->blocks = v;
			sec->cap_blocks = cap;
		}
		sec->blocks[sec->nblocks++] = t->p;
		*t = (struct text){0};
		t_reserve(t, SECTION_BLOCK - 1);
	}
	sec->start = t->len;
}

void section_big(struct section *sec)
{
	if (sec->nblocks == 0 && sec->t.cap < SECTION_BLOCK)
		t_reserve(&sec->t, SECTION_BLOCK - 1 - sec->t.len);
}

int section_end(struct section *sec, long long key, int64_t id)
{
	if (sec->t.oom)
		return -1;
	if (sec->n == sec->cap) {
		size_t cap = sec->cap ? 2 * sec->cap : 256;
		struct entry *v =
			cap > SIZE_MAX / sizeof(*v)
				? NULL
				: mem_grow(sec->v, sec->n * sizeof(*v),
					   cap * sizeof(*v));
		if (!v)
			return -1;
		sec->v = v;
		sec->cap = cap;
	}
	sec->v[sec->n++] = (struct entry){
		{key, id}, sec->nblocks, sec->start, sec->t.len - sec->start};
	return 0;
}

bool section_keep(struct section *sec, struct kept *k)
{
	size_t len = sec->t.len - sec->start;
	if (sec->t.oom || len > UINT32_MAX || sec->nblocks > UINT32_MAX)
		return false;
	*k = (struct kept){sec->start, (uint32_t)sec->nblocks, (uint32_t)len};
	return true;
}
