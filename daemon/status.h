/*
 * status.h: request statuses and which may follow which.
 *
 * The names are part of the interface (include/foia/protocol.h). The table
 * of legal transitions lives here alone, so the CLI's error text, the
 * daemon's checks and the tests all read the same rules.
 */
#ifndef FOIAD_STATUS_H
#define FOIAD_STATUS_H

#include <stdbool.h>
#include <stddef.h>

extern const char *const status_names[]; /* NULL-terminated */

bool status_known(const char *name);
bool status_transition_allowed(const char *from, const char *to);
/* Write the statuses allowed after from as "a, b, c" into buf. */
void status_next_list(const char *from, char *buf, size_t len);
/* Which request date a status change records, or NULL: submitted -> sent,
 * acknowledged -> acknowledged, withdrawn and closed -> closed. */
const char *status_date_field(const char *to);
/* Withdrawn and closed requests are no longer open. */
bool status_is_open(const char *name);

#endif
