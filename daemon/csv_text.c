/*
 * csv_text.c: CSV in and out (csv_text.h). Parsing is libcsv's, in strict
 * mode, so an unterminated quote or a stray quote in an unquoted field is
 * an error rather than a guess. libcsv does not count lines, so the text
 * is fed to it one line at a time and a row's first line is its last one
 * less the newlines inside its quoted fields.
 */
#include "csv_text.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

struct reader {
	char **fields;
	size_t n, cap;
	long newlines; /* inside the current row's fields */
	long line;     /* of the chunk being fed */
	csv_row_fn cb;
	void *arg;
	int stop; /* the callback's nonzero return, or -1: out of memory */
};

static void free_fields(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
	r->newlines = 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	if (r->stop)
		return;
	if (!grow_array((void **)&r->fields, &r->cap, r->n + 1,
			sizeof(*r->fields))) {
		r->stop = -1;
		return;
	}
	char *v = malloc(len + 1);
	if (!v) {
		r->stop = -1;
		return;
	}
	if (len)
		memcpy(v, s, len);
	v[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (v[i] == '\n')
			r->newlines++;
	r->fields[r->n++] = v;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;
	(void)c;
	if (!r->stop)
		r->stop = r->cb(r->fields, r->n, r->line - r->newlines, r->arg);
	free_fields(r);
}

int csv_read(const char *text, size_t len, csv_row_fn cb, void *arg, char *err,
	     size_t errlen)
{
	struct csv_parser p;
	struct reader r = {.cb = cb, .arg = arg};
	int ret = 0;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t at = 0;
	while (at < len && !r.stop) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t chunk = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
		r.line++;
		if (csv_parse(&p, text + at, chunk, on_field, on_row, &r) !=
		    chunk) {
			snprintf(err, errlen, "line %ld: malformed CSV (%s)",
				 r.line, csv_strerror(csv_error(&p)));
			ret = -1;
			goto out;
		}
		at += chunk;
	}
	if (!r.stop && csv_fini(&p, on_field, on_row, &r) != 0) {
		snprintf(err, errlen,
			 "line %ld: malformed CSV (%s, a quote left open?)",
			 r.line, csv_strerror(csv_error(&p)));
		ret = -1;
		goto out;
	}
	if (r.stop == -1 && !ret) {
		snprintf(err, errlen, "out of memory");
		ret = -1;
	} else {
		ret = r.stop;
	}
out:
	free_fields(&r);
	free(r.fields);
	csv_free(&p);
	return ret;
}

static void put(struct csv_out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->oom = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

void csv_field(struct csv_out *o, const char *v)
{
	if (o->in_row)
		put(o, ",", 1);
	o->in_row = true;
	if (!v || !*v)
		return;
	size_t n = strlen(v);
	/* Quote what a reader would otherwise split, join or trim. */
	if (!strpbrk(v, ",\"\r\n") && v[0] != ' ' && v[0] != '\t' &&
	    v[n - 1] != ' ' && v[n - 1] != '\t') {
		put(o, v, n);
		return;
	}
	put(o, "\"", 1);
	for (const char *q; (q = strchr(v, '"')); v = q + 1) {
		put(o, v, (size_t)(q - v) + 1);
		put(o, "\"", 1);
	}
	put(o, v, strlen(v));
	put(o, "\"", 1);
}

void csv_end_row(struct csv_out *o)
{
	put(o, "\r\n", 2);
	o->in_row = false;
}
