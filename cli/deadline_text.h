/*
 * deadline_text.h: how deadlines read in foia's text output.
 *
 * show, toll, extend and agree print the same "Deadlines" lines; list and
 * deadlines print a LEFT column. Both are worded here, once.
 */
#ifndef FOIA_CLI_DEADLINE_TEXT_H
#define FOIA_CLI_DEADLINE_TEXT_H

#include <jansson.h>
#include <stdbool.h>

/* The lines under "Deadlines:" for a result holding deadlines and maybe
 * clock, exhaustion, limitations and jurisdiction_info (request.show);
 * each deadline's explain lines under it when explain is set. */
void print_deadlines(const json_t *res, bool explain);

/* "12", "today", "3 overdue", "stopped" or "met" for an object with
 * state and days_left; "" when there is no date. NULL if out of memory. */
json_t *left_text(const json_t *d);

/* For each request row of request.list, its next deadline as flat members
 * for tables and CSV: next_kind, next_what (short), next_due, days_left,
 * left and overdue. Returns 0 or an exit code. */
int flatten_next(json_t *rows);

/* A "left" member on each row (deadlines). Returns 0 or an exit code. */
int add_left(json_t *rows);

#endif
