/*
 * report_stats.h: the arithmetic of the report's agency performance, kept
 * pure (no I/O, no globals) so it can be tested on its own: percentiles of
 * a sample, and working days from receipt to an answer with the days a
 * toll stopped the clock taken out.
 */
#ifndef FOIAD_REPORT_STATS_H
#define FOIAD_REPORT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workcal.h"

/* A stretch when the clock stood still: from asked to answered (open:
 * still standing). */
struct report_toll {
	int32_t asked;
	int32_t answered;
	bool open;
};

/* The median of v (sorted in place): the middle value, or the mean of the
 * two middle ones. n must be > 0. */
double report_median(int *v, size_t n);
/* The p-th percentile (0 < p <= 100) by nearest rank: the smallest value
 * with at least p% of the sample at or below it. v is sorted in place. */
int report_percentile(int *v, size_t n, int p);

/* Working days w with start < w <= end on cal, less those inside a toll
 * (asked < w <= answered). Returns 0 with *out set, or -1 when a date is
 * outside the calendar or end is before start. */
int report_working_days(const struct workcal *cal, int32_t start, int32_t end,
			const struct report_toll *tolls, size_t ntolls,
			int *out);

#endif
