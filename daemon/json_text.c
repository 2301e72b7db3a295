/*
 * json_text.c: JSON replies written as text (json_text.h).
 */
#include "json_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "foia/civil.h"

#define TEXT_HUGE ((size_t)4 << 20)

/* Grow to at least want bytes: doubling when growing step by step,
 * exactly want when asked for more than that at once. */
static bool t_grow(struct text *t, size_t want)
{
	size_t cap = t->cap ? 2 * t->cap : 4096;
	if (cap < want)
		cap = want;
	char *p = realloc(t->p, cap);
	if (!p) {
		t->oom = true;
		t->cap = t->len; /* t_put's fast path never writes again */
		return false;
	}
	t->p = p;
	t->cap = cap;
	if (cap >= TEXT_HUGE) {
		/* A large text is written once, front to back: huge pages
		 * take one fault where small ones take 512 (a hint; the
		 * whole pages inside the block only). */
		uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
		uintptr_t e = ((uintptr_t)p + cap) & ~(uintptr_t)4095;
		if (e > a)
			madvise((void *)a, e - a, MADV_HUGEPAGE);
	}
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

void t_int(struct text *t, long long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", v);
	if (n > 0 && (size_t)n < sizeof(buf))
		t_put(t, buf, (size_t)n);
}

void t_date(struct text *t, bool has, int32_t d)
{
	char buf[16];
	if (!has) {
		t_raw(t, "null");
		return;
	}
	civil_format(d, buf, sizeof(buf));
	t_str(t, buf);
}

static int sec_order; /* for by_entry: qsort has no argument */

static int by_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	if (a->key != b->key)
		return (a->key < b->key ? -1 : 1) * sec_order;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->block != b->block) /* as added */
		return a->block < b->block ? -1 : 1;
	return a->off < b->off ? -1 : a->off > b->off;
}

/* ,"name":[items in order] onto out. */
void section_out(struct text *out, const char *name, struct section *sec)
{
	t_key(out, name);
	section_array(out, sec);
}

/*
 * Items are mostly added in id order (requests are walked by id) and keyed
 * by a number of days, a narrow range: then a stable counting sort by key
 * gives by_entry's order (key, then id, then as added) in linear time.
 * Otherwise qsort. False when out of memory (nothing moved).
 */
/* Key k's slot: ascending from lo, or descending from hi (lo <= k <= hi,
 * hi - lo small). */
static size_t slot_of(int order, long long k, long long lo, long long hi)
{
	return (size_t)(order > 0
				? (unsigned long long)k - (unsigned long long)lo
				: (unsigned long long)hi -
					  (unsigned long long)k);
}

static bool counting_sort(struct section *sec)
{
	long long lo = sec->v[0].key, hi = lo;
	for (size_t i = 1; i < sec->n; i++) {
		const struct entry *e = &sec->v[i];
		if (e->id < sec->v[i - 1].id)
			return false; /* not in id order */
		lo = e->key < lo ? e->key : lo;
		hi = e->key > hi ? e->key : hi;
	}
	unsigned long long range =
		(unsigned long long)hi - (unsigned long long)lo;
	if (range > 4 * (unsigned long long)sec->n + 1024)
		return false;
	size_t nk = (size_t)range + 1;
	size_t *at = calloc(nk + 1, sizeof(*at));
	struct entry *v = malloc(sec->n * sizeof(*v));
	if (!at || !v) {
		free(at);
		free(v);
		return false;
	}
	for (size_t i = 0; i < sec->n; i++) {
		long long k = sec->v[i].key;
		at[slot_of(sec->order, k, lo, hi) + 1]++;
	}
	for (size_t k = 1; k <= nk; k++)
		at[k] += at[k - 1];
	for (size_t i = 0; i < sec->n; i++) {
		long long k = sec->v[i].key;
		v[at[slot_of(sec->order, k, lo, hi)]++] = sec->v[i];
	}
	free(at);
	free(sec->v);
	sec->v = v;
	sec->cap = sec->n;
	return true;
}

void section_array(struct text *out, struct section *sec)
{
	if (sec->order && sec->n && !counting_sort(sec)) {
		sec_order = sec->order;
		qsort(sec->v, sec->n, sizeof(*sec->v), by_entry);
	}
	t_put(out, "[", 1);
	for (size_t i = 0; i < sec->n; i++) {
		const struct entry *e = &sec->v[i];
		const char *b = e->block < sec->nblocks ? sec->blocks[e->block]
							: sec->t.p;
		if (i)
			t_put(out, ",", 1);
		t_put(out, b + e->off, e->len);
	}
	t_put(out, "]", 1);
}

size_t section_out_len(const char *name, const struct section *sec)
{
	size_t n = strlen(name) + 4 + 2; /* ,"name": and [] */
	for (size_t i = 0; i < sec->n; i++)
		n += sec->v[i].len + (i > 0);
	return n;
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

int section_end(struct section *sec, long long key, int64_t id)
{
	if (sec->t.oom)
		return -1;
	if (sec->n == sec->cap) {
		size_t cap = sec->cap ? 2 * sec->cap : 256;
		struct entry *v = realloc(sec->v, cap * sizeof(*v));
		if (!v)
			return -1;
		sec->v = v;
		sec->cap = cap;
	}
	sec->v[sec->n++] = (struct entry){key, id, sec->nblocks, sec->start,
					  sec->t.len - sec->start};
	return 0;
}
