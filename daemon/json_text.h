/*
 * json_text.h: writing large JSON replies as text.
 *
 * A reply of hundreds of thousands of small objects (the report's
 * sections, the deadlines list) costs far more to build, print and free
 * as a jansson tree than to write out directly. struct text is a growing
 * buffer with writers for JSON values (strings escaped as jansson escapes
 * them); a section is a list of items written into its own text, each
 * with a sort key and a request id, sorted and copied out in order when
 * the reply is assembled (rpc.h's raw result). A section can also just
 * keep texts that never move, for a caller that sorts records of its own
 * (items_order) and writes them out itself (the report). Out of memory
 * sticks in text.oom; later writes do nothing.
 */
#ifndef FOIAD_JSON_TEXT_H
#define FOIAD_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

/* What an item is sorted by: its key (descending when its list says),
 * then its id, then the order it was added in. */
struct item_key {
	long long key;
	int64_t id;
};

struct entry {
	struct item_key k;
	size_t block; /* in sec->blocks, or sec->nblocks: in sec->t */
	size_t off, len;
};

/* Where a text kept in a section is (section_keep). */
struct kept {
	size_t off;
	uint32_t block, len;
};

/* A section's items are written into blocks of SECTION_BLOCK bytes (the
 * first grows to that size): a full block is put aside, never moved, so a
 * section of many megabytes is not copied over and over as it grows. */
struct section {
	struct text t; /* the block being written */
	char **blocks; /* full ones */
	size_t nblocks, cap_blocks;
	struct entry *v;
	size_t n, cap;
	int order;    /* 1: key ascending, -1: descending, 0: as added */
	size_t start; /* of the item being written, in t */
};

/* Memory of size bytes holding the first keep bytes of old (which it
 * frees; NULL: none), or NULL when out of memory (old untouched). Large
 * sizes are allocated in whole huge pages (see json_text.c). */
void *mem_grow(void *old, size_t keep, size_t size);

/* Room for n more bytes (and the NUL) without growing again. */
void t_reserve(struct text *t, size_t n);
void t_put_grow(struct text *t, const char *s, size_t n);
/* Append n bytes of s. Inline: a report writes millions of small
 * pieces, most of them into room already there. */
static inline void t_put(struct text *t, const char *s, size_t n)
{
	if (t->cap - t->len > n) {
		memcpy(t->p + t->len, s, n);
		t->len += n;
		t->p[t->len] = '\0';
	} else {
		t_put_grow(t, s, n);
	}
}
static inline void t_raw(struct text *t, const char *s)
{
	t_put(t, s, strlen(s));
}

/* s as a JSON string, null for NULL. */
void t_str(struct text *t, const char *s);

/* ,"key": (inline, so a constant key's length is known when compiled) */
static inline void t_key(struct text *t, const char *key)
{
	size_t n = strlen(key);
	t_reserve(t, n + 4);
	t_put(t, ",\"", 2);
	t_put(t, key, n);
	t_put(t, "\":", 2);
}
void t_int(struct text *t, long long v);
void t_bool(struct text *t, bool b);
/* "YYYY-MM-DD", or null when !has. */
void t_date(struct text *t, bool has, int32_t d);

/* An item starts at the section's text's end; section_end records it
 * (0, or -1 when out of memory). */
void section_begin(struct section *sec);
int section_end(struct section *sec, long long key, int64_t id);
/* A section about to hold megabytes: its first block is then taken whole
 * at once, not grown (and copied) step by step up to that size (a hint;
 * out of memory shows at section_end). */
void section_big(struct section *sec);
/* End the item being written without an entry, for text the caller
 * copies out itself (section_kept), maybe many times: its place in *k.
 * False when out of memory. */
bool section_keep(struct section *sec, struct kept *k);
static inline const char *section_kept(const struct section *sec, struct kept k)
{
	return (k.block < sec->nblocks ? sec->blocks[k.block] : sec->t.p) +
	       k.off;
}

/* The order of the n items at base, each size bytes and starting with a
 * struct item_key, added in this order: by key (ascending when order > 0,
 * descending when < 0), then id, then as added. *ord: their positions in
 * that order (the caller frees it), or NULL for as added (order 0). False
 * when out of memory. */
bool items_order(const void *base, size_t n, size_t size, int order,
		 uint32_t **ord);
/* [items in order] onto out (sorting the section; out->oom when out of
 * memory for that). */
void section_array(struct text *out, struct section *sec);
void section_free(struct section *sec);

#endif
