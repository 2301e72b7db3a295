/*
 * agency_check.h: the rules for an agency's values, shared by `foia agency
 * add|update` and the seed file, so a seeded agency is held to the same
 * standard as one a user typed.
 */
#ifndef FOIAD_AGENCY_CHECK_H
#define FOIAD_AGENCY_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* The largest published median taken, in working days: a few agencies
 * report medians of years, none of centuries. */
#define AGENCY_MAX_MEDIAN 100000

bool agency_valid(const struct agency *a, char *err, size_t errlen);

#endif
