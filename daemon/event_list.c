/*
 * event_list.c: copying a request's events out of the store (event_list.h).
 */
#include "event_list.h"

#include "grow.h"
#include "store_history.h"

#include <stdlib.h>
#include <string.h>

static char *dup(const char *s, int *failed)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*failed = 1;
	return d;
}

static int keep_one(const struct event *e, void *arg)
{
	struct event_list *l = arg;
	int failed = 0;
	if (!grow_array((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -1;
	struct event *c = &l->v[l->n];
	*c = (struct event){.id = e->id, .request_id = e->request_id};
	c->agency = dup(e->agency, &failed);
	c->at = dup(e->at, &failed);
	c->actor = dup(e->actor, &failed);
	c->kind = dup(e->kind, &failed);
	c->field = dup(e->field, &failed);
	c->old_value = dup(e->old_value, &failed);
	c->new_value = dup(e->new_value, &failed);
	c->date = dup(e->date, &failed);
	c->note = dup(e->note, &failed);
	l->n++;
	return failed ? -1 : 0;
}

int event_list_load(struct store *st, int64_t id, struct event_list *out)
{
	memset(out, 0, sizeof(*out));
	int rc = store_event_list(st, id, keep_one, out);
	if (rc != STORE_OK)
		event_list_free(out);
	return rc;
}

void event_list_free(struct event_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		event_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* --- feeds ---------------------------------------------------------------- */

#define NO_TEXT ((size_t)-1)

/* Append s (with its NUL) to the feed's buffer; its offset, or NO_TEXT
 * for NULL. (size_t)-2 when out of memory. */
static size_t feed_text(struct event_feed *f, const char *s)
{
	if (!s)
		return NO_TEXT;
	size_t n = strlen(s) + 1;
	if (f->cap - f->len < n) {
		size_t cap = f->cap ? f->cap : 4096;
		while (cap - f->len < n)
			cap *= 2;
		char *t = realloc(f->text, cap);
		if (!t)
			return (size_t)-2;
		f->text = t;
		f->cap = cap;
	}
	memcpy(f->text + f->len, s, n);
	f->len += n;
	return f->len - n;
}

static int feed_one(const struct event *e, void *arg)
{
	struct event_feed *f = arg;
	struct event_list *l = &f->list;
	if (!grow_array((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -1;
	if (!grow_array((void **)&f->offs, &f->ocap, l->n + 1,
			sizeof(*f->offs)))
		return -1;
	const char *text[5] = {e->at, e->kind, e->field, e->new_value, e->date};
	for (size_t i = 0; i < 5; i++)
		if ((f->offs[l->n][i] = feed_text(f, text[i])) == (size_t)-2)
			return -1;
	l->v[l->n++] = (struct event){.id = e->id, .request_id = e->request_id};
	return 0;
}

int event_feed_open(struct store *st, struct event_feed *f)
{
	memset(f, 0, sizeof(*f));
	return store_history_open(st, &f->h);
}

int event_feed_load(struct event_feed *f, int64_t request_id)
{
	f->list.n = 0;
	f->len = 0;
	int rc = store_history_take(f->h, request_id, feed_one, f);
	if (rc != STORE_OK) {
		f->list.n = 0;
		return rc;
	}
	/* The buffer no longer moves: point the events into it. */
	for (size_t i = 0; i < f->list.n; i++) {
		struct event *e = &f->list.v[i];
		char **slot[5] = {&e->at, &e->kind, &e->field, &e->new_value,
				  &e->date};
		for (size_t k = 0; k < 5; k++)
			*slot[k] = f->offs[i][k] == NO_TEXT
					   ? NULL
					   : f->text + f->offs[i][k];
	}
	return STORE_OK;
}

void event_feed_close(struct event_feed *f)
{
	store_history_close(f->h);
	free(f->list.v); /* the strings are in text */
	free(f->text);
	free(f->offs);
	memset(f, 0, sizeof(*f));
}
