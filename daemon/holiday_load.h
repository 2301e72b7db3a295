/*
 * holiday_load.h: the holidays imported into calendars (holidays.import,
 * kept in the store) put to work in the laws' calendars.
 */
#ifndef FOIAD_HOLIDAY_LOAD_H
#define FOIAD_HOLIDAY_LOAD_H

#include <stddef.h>

#include "jurisdiction.h"
#include "store.h"

/*
 * Build every calendar of j with the holidays stored in st added to the
 * calendar each was imported into (jurisdictions_build_extra). Stored days
 * of calendars j does not have are left out (and logged once). Returns 0,
 * or -1 with a message in err and j's calendars as they were.
 */
int holidays_build(struct store *st, struct jurisdictions *j, char *err,
		   size_t errlen);

#endif
