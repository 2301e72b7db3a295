/*
 * event_list.c: copying a request's events out of the store (event_list.h).
 */
#include "event_list.h"

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
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct event *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
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
