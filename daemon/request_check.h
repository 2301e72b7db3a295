/*
 * request_check.h: rules a request must satisfy as a whole, whichever
 * method wrote it, and the tag list operations.
 */
#ifndef FOIAD_REQUEST_CHECK_H
#define FOIAD_REQUEST_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* Dates in order (nothing before sent), subject present, a submitted
 * request has a sent date. */
bool request_consistent(const struct request *r, char *err, size_t errlen);
/* Add (or with remove, take away) the tags of a JSON array of strings. */
bool request_tags_apply(struct request *r, json_t *list, bool remove, char *err,
			size_t errlen);
/* The tags joined by ", " (malloc'd), for change events. */
char *request_tags_text(const struct request *r);

#endif
