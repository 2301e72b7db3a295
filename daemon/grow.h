/*
 * grow.h: room in a growing array, the one way the daemon's lists grow.
 *
 * Lists read from the store, plans and queues start empty and double, so
 * adding n elements costs O(n) copies in all; the size in bytes is checked
 * against overflow before realloc sees it.
 */
#ifndef FOIAD_GROW_H
#define FOIAD_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Make room for need elements of size bytes in *v, whose capacity is
 * *cap: true when there is (already or after a realloc to at least double,
 * 16 first), false when out of memory or the size would overflow, *v and
 * *cap unchanged. */
bool grow_array(void **v, size_t *cap, size_t need, size_t size);

#endif
