/*
 * event_list.h: a request's history held in memory, for the code that
 * derives state from it (deadlines, open tolls).
 */
#ifndef FOIAD_EVENT_LIST_H
#define FOIAD_EVENT_LIST_H

#include <stddef.h>

#include "store.h"

struct event_list {
	struct event *v;
	size_t n, cap;
};

/* Load every event of request id, oldest first. Returns a store rc. */
int event_list_load(struct store *st, int64_t id, struct event_list *out);
void event_list_free(struct event_list *l);

#endif
