/*
 * report_stats.c: percentiles and toll-free working-day counts for the
 * report's agency performance (see report_stats.h). Pure: the calendar is
 * passed in.
 */
#include "report_stats.h"

#include <stdlib.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Sort v unless it already is: the report asks for a median and then a
 * percentile of the same list, and a sort of a sorted list still costs a
 * merge sort's every pass. */
static void sort_ints(int *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1] > v[i]) {
			qsort(v, n, sizeof(*v), cmp_int);
			return;
		}
}

double report_median(int *v, size_t n)
{
	sort_ints(v, n);
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

int report_percentile(int *v, size_t n, int p)
{
	sort_ints(v, n);
	/* Nearest rank: ceil(p * n / 100), counted from 1. */
	size_t rank = ((size_t)p * n + 99) / 100;
	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

int report_working_days(const struct workcal *cal, int32_t start, int32_t end,
			const struct report_toll *tolls, size_t ntolls,
			int *out)
{
	int total;
	if (end < start ||
	    workcal_working_days_between(cal, start, end, &total) != WORKCAL_OK)
		return -1;
	for (size_t i = 0; i < ntolls; i++) {
		int32_t a = tolls[i].asked,
			b = tolls[i].open ? end : tolls[i].answered;
		int stood;
		/* Only the part of the toll inside (start, end] counts. */
		if (a < start)
			a = start;
		if (b > end)
			b = end;
		if (b <= a)
			continue;
		if (workcal_working_days_between(cal, a, b, &stood) !=
		    WORKCAL_OK)
			return -1;
		total -= stood;
	}
	*out = total < 0 ? 0 : total;
	return 0;
}
