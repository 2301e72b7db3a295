/*
 * json_text.c: JSON replies written as text (json_text.h).
 */
#include "json_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"

void t_put(struct text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->cap - t->len < n + 1) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap - t->len < n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

void t_raw(struct text *t, const char *s)
{
	t_put(t, s, strlen(s));
}

/* s as a JSON string (null for NULL), escaped as jansson escapes. */
void t_str(struct text *t, const char *s)
{
	if (!s) {
		t_raw(t, "null");
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

void t_key(struct text *t, const char *key)
{
	t_put(t, ",\"", 2);
	t_raw(t, key);
	t_put(t, "\":", 2);
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
	return a->off < b->off ? -1 : a->off > b->off; /* as added */
}

/* ,"name":[items in order] onto out. */
void section_out(struct text *out, const char *name, struct section *sec)
{
	t_key(out, name);
	section_array(out, sec);
}

void section_array(struct text *out, struct section *sec)
{
	if (sec->order && sec->n) {
		sec_order = sec->order;
		qsort(sec->v, sec->n, sizeof(*sec->v), by_entry);
	}
	t_put(out, "[", 1);
	for (size_t i = 0; i < sec->n; i++) {
		if (i)
			t_put(out, ",", 1);
		t_put(out, sec->t.p + sec->v[i].off, sec->v[i].len);
	}
	t_put(out, "]", 1);
}

void section_free(struct section *sec)
{
	free(sec->t.p);
	free(sec->v);
}

void section_begin(struct section *sec)
{
	sec->start = sec->t.len;
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
	sec->v[sec->n++] =
		(struct entry){key, id, sec->start, sec->t.len - sec->start};
	return 0;
}
