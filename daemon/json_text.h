/*
 * json_text.h: writing large JSON replies as text.
 *
 * A reply of hundreds of thousands of small objects (the report's
 * sections, the deadlines list) costs far more to build, print and free
 * as a jansson tree than to write out directly. struct text is a growing
 * buffer with writers for JSON values (strings escaped as jansson escapes
 * them); a section is a list of items written into its own text, each
 * with a sort key and a request id, sorted and copied out in order when
 * the reply is assembled (rpc.h's raw result). Out of memory sticks in
 * text.oom; later writes do nothing.
 */
#ifndef FOIAD_JSON_TEXT_H
#define FOIAD_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

struct entry {
	long long key; /* sorted by key (desc when the section says), then id */
	int64_t id;
	size_t off, len;
};

struct section {
	struct text t;
	struct entry *v;
	size_t n, cap;
	int order;    /* 1: key ascending, -1: descending, 0: as added */
	size_t start; /* of the item being written */
};

void t_put(struct text *t, const char *s, size_t n);
void t_raw(struct text *t, const char *s);
/* s as a JSON string, null for NULL. */
void t_str(struct text *t, const char *s);
/* ,"key": */
void t_key(struct text *t, const char *key);
void t_int(struct text *t, long long v);
void t_bool(struct text *t, bool b);
/* "YYYY-MM-DD", or null when !has. */
void t_date(struct text *t, bool has, int32_t d);

/* An item starts at the section's text's end; section_end records it
 * (0, or -1 when out of memory). */
void section_begin(struct section *sec);
int section_end(struct section *sec, long long key, int64_t id);
/* ,"name":[items in order] onto out (sorting the section). */
void section_out(struct text *out, const char *name, struct section *sec);
/* [items in order] onto out (sorting the section). */
void section_array(struct text *out, struct section *sec);
void section_free(struct section *sec);

#endif
