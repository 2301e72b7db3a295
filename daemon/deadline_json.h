/*
 * deadline_json.h: a request's derived deadlines, computed and rendered for
 * the wire. Used by show, list, deadlines and the methods that move clocks.
 */
#ifndef FOIAD_DEADLINE_JSON_H
#define FOIAD_DEADLINE_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "request_deadlines.h"
#include "rpc.h"

/* Compute r's deadlines into set. Returns 1 when computed, 0 when the
 * request's law is unknown or no laws are loaded (set is empty), -1 on an
 * error recorded in c. */
int request_deadline_set(struct call *c, const struct request *r, bool explain,
			 struct rd_set *set);

/* The "deadlines" array of a set. */
json_t *deadlines_to_json(const struct rd_set *set, int32_t today,
			  bool explain);
/* One deadline as an object (without explanation). */
json_t *deadline_to_json(const struct rd_deadline *d, int32_t today);
/* Add "deadlines", "clock", "exhaustion", "limitations" and
 * "jurisdiction_info" to a request object. */
int request_add_deadlines(struct call *c, const struct request *r, json_t *obj,
			  bool explain);
/* Explanation lines of a computation's steps, as a JSON array. */
json_t *steps_to_json(const struct deadline_step *steps, size_t n);
/* The law as an object: code, name, citation, confidence, calendar. */
json_t *law_to_json(const struct jurisdiction *law);
const char *unit_name(enum deadline_unit u);

#endif
