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

/*
 * The clock histories of many requests, read in one pass
 * (store_history.h): open a feed, then load each request in ascending id
 * order; feed->list holds the loaded request's clock events (status,
 * toll, toll-end, extension, agreed; id, request_id, at, kind, field,
 * new_value and date filled) until the next load. Their strings live in
 * one buffer reused from request to request, so a feed allocates only
 * while it meets a longer history than before.
 */
struct event_feed {
	struct store_history *h;
	struct event_list list;
	char *text;
	size_t len, cap;
	size_t (*offs)[5]; /* per event: at, kind, field, new_value, date */
	size_t ocap;
};

int event_feed_open(struct store *st, struct event_feed *f);
int event_feed_load(struct event_feed *f, int64_t request_id);
void event_feed_close(struct event_feed *f);

#endif
